import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { expect } from "chai";
import { packageSettings } from "../helpers/internal";

describe("the plugin's wire markers", () => {
    it("are the Pulumi SDK's own (written out so that the plugin starts without the SDK's runtime)", () => {
        expect(packageSettings.SPECIAL_SIG_KEY).to.equal(specialSigKey);
        expect(packageSettings.SPECIAL_SECRET_SIG).to.equal(specialSecretSig);
        expect(packageSettings.UNKNOWN_VALUE).to.equal(unknownValue);
    });

    it("read the settings: an unknown key marks the settings unknown; a numeric string in config is a number", () => {
        const unknown = packageSettings.settingsFrom({ apiKey: packageSettings.UNKNOWN_VALUE }, new Map());
        expect(unknown).to.deep.equal({ unknown: true });
        const tuned = packageSettings.settingsFrom(
            { apiKey: { [specialSigKey]: specialSecretSig, value: "k" }, maxRetries: 0 },
            new Map([["ultravox:config:timeoutMs", "1500"]]),
        );
        expect(tuned).to.deep.equal({ unknown: false, apiKey: "k", timeoutMs: 1500, maxRetries: 0 });
    });

    it("refuse a timeout or retry count that is not a whole number, naming the setting, never the value", () => {
        for (const [name, value] of [
            ["timeoutMs", "0"],
            ["timeoutMs", "soon"],
            ["maxRetries", -1],
            ["maxRetries", 1.5],
        ] as const) {
            expect(() => packageSettings.settingsFrom({ [name]: value }, new Map()), `${name}=${value}`)
                .to.throw(`The ultravox provider's ${name} must be a whole number`)
                .with.property("code", "config");
        }
    });
});
