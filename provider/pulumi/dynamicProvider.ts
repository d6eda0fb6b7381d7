/**
 * The provider objects the SDK serializes into `__provider`. They capture nothing: each
 * method loads the package's stable subpath at call time, so no credential or value can be
 * copied into the state, and the text stays small (each method costs ~230 bytes of it).
 *
 * Each load is cast to the implementation module's type: the cast costs nothing in the
 * serialized text, and a misspelt or missing method fails to compile.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as ProviderImpl from "./providerImpl";

type Impl = typeof ProviderImpl;

/** For `SipConfig.get`: the engine only ever calls configure and read on a read resource. */
export const sipConfigReadProvider: pulumi.dynamic.ResourceProvider = {
    configure: (req) => (require("pulumi-ultravox/provider-impl") as Impl).configure(req),
    read: (id, props) => (require("pulumi-ultravox/provider-impl") as Impl).read(id, props),
    // Never called for a read resource; if a hand-edited state asks, the error says what to do.
    create: () => (require("pulumi-ultravox/provider-impl") as Impl).refuseCreateOfRead(),
};

/** For `new SipConfig(...)`, which owns the fields it is given. */
export const sipConfigManagedProvider: pulumi.dynamic.ResourceProvider = {
    configure: (req) => (require("pulumi-ultravox/provider-impl") as Impl).configure(req),
    check: (olds, news) => (require("pulumi-ultravox/provider-impl") as Impl).check(olds, news),
    diff: (id, olds, news) => (require("pulumi-ultravox/provider-impl") as Impl).diff(id, olds, news),
    create: (inputs) => (require("pulumi-ultravox/provider-impl") as Impl).create(inputs),
    read: (id, props) => (require("pulumi-ultravox/provider-impl") as Impl).read(id, props),
    update: (id, olds, news) => (require("pulumi-ultravox/provider-impl") as Impl).update(id, olds, news),
    delete: (id, props) => (require("pulumi-ultravox/provider-impl") as Impl).deleteResource(id, props),
};

/** For `new SipRegistration(...)` and `SipRegistration.get`. */
export const sipRegistrationProvider: pulumi.dynamic.ResourceProvider = {
    configure: (req) => (require("pulumi-ultravox/provider-impl") as Impl).configure(req),
    check: (olds, news) => (require("pulumi-ultravox/provider-impl") as Impl).registrationCheck(olds, news),
    diff: (id, olds, news) => (require("pulumi-ultravox/provider-impl") as Impl).registrationDiff(id, olds, news),
    create: (inputs) => (require("pulumi-ultravox/provider-impl") as Impl).registrationCreate(inputs),
    read: (id, props) => (require("pulumi-ultravox/provider-impl") as Impl).registrationRead(id, props),
    update: (id, olds, news) => (require("pulumi-ultravox/provider-impl") as Impl).registrationUpdate(id, olds, news),
    delete: (id, props) => (require("pulumi-ultravox/provider-impl") as Impl).registrationDelete(id, props),
};
