// A second program that uses the outputs of examples/stack-outputs through a StackReference:
// it needs no Ultravox key of its own, only read access to that stack.
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const cfg = new pulumi.Config();
// "<org>/ultravox-sip-outputs/<stack>"
const sipStack = new pulumi.StackReference(cfg.require("sipStack"));

// Stack outputs are untyped: check the shape, so that a renamed or missing output fails the
// update instead of rendering an empty allowlist.
function stringList(value: unknown, name: string): string[] {
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        throw new Error(`${name} from the SIP stack must be a list of strings, got ${JSON.stringify(value)}.`);
    }
    return value;
}

const cidrs = sipStack.requireOutput("allowedCidrRanges").apply((value) => stringList(value, "allowedCidrRanges"));

export const sipDomain = sipStack.requireOutput("sipDomain") as pulumi.Output<string>;
export const cidrCount = cidrs.apply((list) => list.length);
// Off by default: with it, this table also drops SIP from every other source (phones included).
export const nftablesConf = cidrs.apply((list) =>
    ultravox.nftablesRuleset(list, {
        dropOthers: cfg.getBoolean("dropOthers") ?? false,
        onWarning: (message) => void pulumi.log.warn(message),
    }),
);
