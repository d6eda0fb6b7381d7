/**
 * The compatibility promise for existing state (README "Versions and compatibility"): every
 * `SipConfig` in a user's state holds a serialized provider that calls
 * `require("pulumi-ultravox/provider-impl").<method>(...)`. Those calls are replayed by every
 * later version on refresh, update and destroy, so the subpath and each method name ever
 * written into state must keep resolving, in the package as `npm pack` builds it.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { expect } from "chai";
import { getConsumer } from "../helpers/consumer";
import { DIST_DIR } from "../helpers/repo";

/** Every provider-impl method a released version's serialized provider calls (0.1.0 onwards). Only ever add. */
const PROMISED_METHODS = [
    "check",
    "configure",
    "create",
    "deleteResource",
    "diff",
    "read",
    "refuseCreateOfRead",
    "registrationCheck",
    "registrationCreate",
    "registrationDelete",
    "registrationDiff",
    "registrationRead",
    "registrationUpdate",
    "update",
] as const;

describe("compatibility: what existing state calls keeps resolving", function () {
    this.timeout(180_000);

    it("the serialized providers call only promised provider-impl methods", () => {
        const compiled = fs.readFileSync(path.join(DIST_DIR, "pulumi", "dynamicProvider.js"), "utf8");
        const called = [
            ...new Set(
                [...compiled.matchAll(/require\("pulumi-ultravox\/provider-impl"\)\)?\.(\w+)\(/g)].map(
                    (match) => match[1],
                ),
            ),
        ].sort();
        expect(called).to.deep.equal([...PROMISED_METHODS]);
    });

    it("pulumi-ultravox/provider-impl resolves from a program folder and exports every promised method", async () => {
        const consumer = await getConsumer();
        const programRequire = createRequire(path.join(consumer.dir, "index.js"));
        const impl = programRequire("pulumi-ultravox/provider-impl") as Record<string, unknown>;
        const missing = PROMISED_METHODS.filter((name) => typeof impl[name] !== "function");
        expect(missing).to.deep.equal([]);
    });
});
