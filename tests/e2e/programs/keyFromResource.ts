// SipConfig.get given a key that is another resource's output: unknown at the first preview.
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

/** Hands its inputs back as outputs, as a secret store's resource would its secret. */
const echoProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: "echo", outs: inputs };
    },
};

class KeyHolder extends pulumi.dynamic.Resource {
    declare readonly key: pulumi.Output<string>;
    constructor(name: string, key: pulumi.Input<string>) {
        super(echoProvider, name, { key }, {}, "e2e", "KeyHolder");
    }
}

const holder = new KeyHolder("holder", new pulumi.Config().requireSecret("otherKey"));
const sip = ultravox.SipConfig.get("other-account", "sip", { apiKey: holder.key });

export const otherDomain = sip.domain;
