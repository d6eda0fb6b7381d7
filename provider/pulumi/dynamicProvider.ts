/**
 * The provider objects the SDK serializes into `__provider`. They capture nothing: each
 * method loads the package's stable subpath at call time, so no credential or value can be
 * copied into the state, and the text stays small (each method costs ~230 bytes of it).
 */
import type * as pulumi from "@pulumi/pulumi";

/** For `SipConfig.get`: the engine only ever calls configure and read on a read resource. */
export const sipConfigReadProvider = {
    configure: (req: pulumi.dynamic.ConfigureRequest) => require("pulumi-ultravox/provider-impl").configure(req),
    read: (id: string, props: unknown) => require("pulumi-ultravox/provider-impl").read(id, props),
} as pulumi.dynamic.ResourceProvider;

/** For `new SipConfig(...)`, which owns the fields it is given. */
export const sipConfigManagedProvider: pulumi.dynamic.ResourceProvider = {
    configure: (req) => require("pulumi-ultravox/provider-impl").configure(req),
    check: (olds, news) => require("pulumi-ultravox/provider-impl").check(olds, news),
    diff: (id, olds, news) => require("pulumi-ultravox/provider-impl").diff(id, olds, news),
    create: (inputs) => require("pulumi-ultravox/provider-impl").create(inputs),
    read: (id, props) => require("pulumi-ultravox/provider-impl").read(id, props),
    update: (id, olds, news) => require("pulumi-ultravox/provider-impl").update(id, olds, news),
    delete: (id, props) => require("pulumi-ultravox/provider-impl").deleteResource(id, props),
};
