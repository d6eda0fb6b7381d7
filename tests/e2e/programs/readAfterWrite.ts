// getSipConfigOutput with dependsOn on the managed SipConfig: the read waits for the write.
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const owner = new ultravox.SipConfig("owner", { allowedCidrRanges: ["192.0.2.10/32"] });
const afterWrite = ultravox.getSipConfigOutput({}, { dependsOn: [owner] });

export const cidrsReadAfterWrite = pulumi.unsecret(afterWrite.apply((config) => config.allowedCidrRanges));
