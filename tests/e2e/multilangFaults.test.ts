/**
 * The ultravox package from YAML, Python and Go through the real engine, beyond the examples
 * (multilang.test.ts): an explicit provider with its own key and base URL reading a second account
 * while the stack config points at the first; the getSipConfig function; the package's faults other
 * than a 401 (a persistent 500, an invalid body, a hang, no key), each failing the update with the
 * TypeScript data source's exact message and leaving the outputs; and the launcher's refusal of an
 * old node, as the engine shows it. The programs are test programs of tests/e2e/programs/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { UltravoxClient } from "pulumi-ultravox";
import { type Emulator, type EmulatorFault, type EmulatorSipConfig, startEmulator } from "pulumi-ultravox/emulator";
import { account, OTHER_API_KEY, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { Engine, failureOf, occurrences, requirePulumi } from "./helpers/engine";
import { LANGUAGES, type Language, type LanguageProgram, requireLanguageTools, run } from "./helpers/languages";
import { testProgram } from "./helpers/testPrograms";

const FIRST_DOMAIN = "acme-test.sip.ultravox.invalid";
const FIRST_CIDRS = ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"];
const FIRST_SECRETS = (rawSipConfig().fallbackHandler as { secrets: string[] }).secrets;

const SECOND_DOMAIN = "second-account.sip.ultravox.invalid";
const SECOND_SECRET = "second-account-secret-0123456789";
function secondSip(): EmulatorSipConfig {
    return {
        domain: SECOND_DOMAIN,
        allowedCidrRanges: ["192.0.2.0/28", "100.64.0.0/10"],
        allowAllAgents: true,
        allowedAgents: [],
        fallbackHandler: { url: "https://second.example.com/fallback", secrets: [SECOND_SECRET] },
    };
}
const SECOND_CIDRS = ["100.64.0.0/10", "192.0.2.0/28"];

/** Every credential of this file: none may reach a printed line or, in plaintext, the backend. */
const SECRETS = [TEST_API_KEY, OTHER_API_KEY, ...FIRST_SECRETS, SECOND_SECRET];

/** The package's messages, as `String(error)` of the TypeScript data source's UltravoxError. */
/** How a Pulumi program's messages name the settings. */
const PROGRAM_NAMES = {
    apiKey: "`ultravox:apiKey` or ULTRAVOX_API_KEY",
    baseUrl: "`ultravox:baseUrl` or ULTRAVOX_BASE_URL",
    timeoutMs: "timeoutMs",
};

const MESSAGES = {
    server: "UltravoxError [server]: The Ultravox API failed with HTTP 500 (after 1 attempt). Retry later; nothing was applied. The API said: Internal Server Error",
    invalidBody:
        "UltravoxError [invalid_response]: The Ultravox API's SIP config failed validation at domain: Invalid input: expected string, received number. Nothing was applied; check the base URL (`ultravox:baseUrl` or ULTRAVOX_BASE_URL), or report the answer's shape if it is the real API.",
    missingKey:
        "UltravoxError [config]: No Ultravox API key found: set it with `pulumi config set --secret ultravox:apiKey <key>`, pass the `apiKey` argument or export ULTRAVOX_API_KEY.",
    timeout: (sipUrl: string) =>
        `UltravoxError [timeout]: GET ${sipUrl} did not complete within 30000 ms (retries included). Retry later, or raise timeoutMs.`,
};

/** A body that fails the schema at one field: the account's config with a number for a domain. */
const INVALID_BODY = JSON.stringify({ ...rawSipConfig(), domain: 42 });

interface FaultCase {
    name: string;
    fault: EmulatorFault;
    message: (sipUrl: string) => string;
    /** The update fails within this long. */
    withinMs: number;
    /** The hang costs the read's whole 30 s deadline: it runs in one language only. */
    languages: readonly Language[];
}

const FAULTS: readonly FaultCase[] = [
    {
        name: "a persistent 500",
        fault: { status: 500 },
        message: () => MESSAGES.server,
        withinMs: 30_000,
        languages: LANGUAGES,
    },
    {
        name: "an invalid body (domain is a number)",
        fault: { body: INVALID_BODY },
        message: () => MESSAGES.invalidBody,
        withinMs: 30_000,
        languages: LANGUAGES,
    },
    // 30 s per language: YAML only, the one language whose host is the real one.
    {
        name: "a hang past the 30 s deadline",
        fault: { hang: true },
        message: MESSAGES.timeout,
        withinMs: 45_000,
        languages: ["yaml"],
    },
];

describe("e2e: YAML, Python and Go: an explicit provider, getSipConfig, and faults other than a 401", function () {
    this.timeout(300_000);
    let engine: Engine;
    let first: Emulator;
    let second: Emulator;
    /** The fingerprints the TypeScript client computes for each account. */
    let firstFingerprint: string;
    let secondFingerprint: string;
    const savedEnv: Record<string, string | undefined> = {};

    before(async function () {
        engine = new Engine(requirePulumi(this));
        requireLanguageTools(this);
        // "No key" must mean none anywhere: the engine and the plugin inherit this process's environment.
        for (const name of ["ULTRAVOX_API_KEY", "ULTRAVOX_BASE_URL"]) {
            savedEnv[name] = process.env[name];
            delete process.env[name];
        }
        first = await startEmulator({ account: account() });
        second = await startEmulator({ account: account(OTHER_API_KEY, secondSip()) });
    });

    after(async () => {
        for (const [name, value] of Object.entries(savedEnv)) {
            if (value !== undefined) process.env[name] = value;
        }
        await first?.close();
        await second?.close();
        engine?.cleanup();
    });

    const sipUrl = (emulator: Emulator): string => `${emulator.url.replace(/\/$/, "")}/api/sip`;

    it("the TypeScript client's reference: each account's values, and the fault messages above", async () => {
        const firstRead = await new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: first.url }).getSipConfig();
        expect(firstRead.domain).to.equal(FIRST_DOMAIN);
        expect(firstRead.allowedCidrRanges).to.deep.equal(FIRST_CIDRS);
        firstFingerprint = firstRead.fingerprint;
        const secondRead = await new UltravoxClient({ apiKey: OTHER_API_KEY, baseUrl: second.url }).getSipConfig();
        expect(secondRead.domain).to.equal(SECOND_DOMAIN);
        expect(secondRead.allowedCidrRanges).to.deep.equal(SECOND_CIDRS);
        secondFingerprint = secondRead.fingerprint;
        expect(secondFingerprint)
            .to.match(/^[0-9a-f]{64}$/)
            .and.not.equal(firstFingerprint);
        for (const { fault, message } of FAULTS.filter((f) => !f.fault.hang)) {
            first.clearFaults();
            first.addFault({ ...fault, times: 1000 });
            const error = await failureOf(() =>
                // Named as a program names its settings (the plain client names its own options).
                new UltravoxClient({
                    apiKey: TEST_API_KEY,
                    baseUrl: first.url,
                    settingNames: PROGRAM_NAMES,
                }).getSipConfig(),
            );
            first.clearFaults();
            expect(String(error)).to.equal(message(sipUrl(first)));
        }
    });

    /** stack init, then each setting with the CLI, as a user sets up a stack. */
    async function initStack(dir: string, stack: string, settings: [string, string, "secret"?][]): Promise<void> {
        const result = await engine.cli(["stack", "init", stack], dir);
        expect(result.code, result.stderr).to.equal(0);
        for (const [key, value, secret] of settings) {
            const args = ["config", "set", ...(secret ? ["--secret"] : []), key, value, "--stack", stack];
            const set = await engine.cli(args, dir);
            expect(set.code, set.stderr).to.equal(0);
        }
    }

    const stackOutputs = (dir: string, stack: string, showSecrets = false) =>
        engine.stackOutputs(dir, stack, showSecrets);

    function expectNoSecretPrinted(text: string): void {
        for (const secret of SECRETS) expect(occurrences(text, secret), `${secret} printed`).to.equal(0);
    }

    for (const language of LANGUAGES) {
        describe(`${language}: an explicit provider (second account) and getSipConfig (stack config, first account)`, () => {
            let program: LanguageProgram;
            const stack = `explicit-${language}`;

            before(async () => {
                program = await testProgram(engine, language, "explicit");
                await initStack(program.dir, stack, [
                    ["ultravox:apiKey", TEST_API_KEY, "secret"],
                    ["ultravox:baseUrl", first.url],
                    ["secondApiKey", OTHER_API_KEY, "secret"],
                    ["secondBaseUrl", second.url],
                ]);
            });

            it("`up`: the explicit provider's read is the second account's; the function's is the first's, plain", async () => {
                const firstBefore = first.requests.length;
                const secondBefore = second.requests.length;
                const up = await program.up(stack);
                expect(up.code, `${up.stdout}\n${up.stderr}`).to.equal(0);
                expectNoSecretPrinted(`${up.stdout}\n${up.stderr}`);
                // Each account was read with its own key: the explicit provider's never went to the first.
                const reads = (emulator: Emulator, from: number) =>
                    emulator.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.apiKeyValid}`);
                expect(reads(second, secondBefore)).to.include("GET /api/sip true");
                expect(reads(first, firstBefore)).to.include("GET /api/sip true");
                expect(reads(first, firstBefore).concat(reads(second, secondBefore))).to.not.include(
                    "GET /api/sip false",
                );

                const revealed = {
                    secondDomain: SECOND_DOMAIN,
                    secondAllowedCidrRanges: SECOND_CIDRS,
                    secondFingerprint,
                    secondFallbackHandler: secondSip().fallbackHandler,
                    invokedDomain: FIRST_DOMAIN,
                    invokedAllowedCidrRanges: FIRST_CIDRS,
                    invokedFingerprint: firstFingerprint,
                    // Python's plain form too (Go's is tested below): nothing in the function's
                    // result is secret, so no SDK has a secret mark to drop or refuse.
                    ...(language !== "python"
                        ? {}
                        : {
                              plainDomain: FIRST_DOMAIN,
                              plainAllowedCidrRanges: FIRST_CIDRS,
                              plainFingerprint: firstFingerprint,
                          }),
                };
                expect(await stackOutputs(program.dir, stack, true)).to.deep.equal(revealed);
                // Only the resource's fallback handler is secret: the function leaves the handler out.
                expect(await stackOutputs(program.dir, stack)).to.deep.equal({
                    ...revealed,
                    secondFallbackHandler: "[secret]",
                });
            });

            it("the explicit key is stored encrypted: no backend file holds a key or a fallback secret in plaintext", async () => {
                for (const secret of SECRETS) {
                    for (const { file, bytes } of engine.backendFiles()) {
                        expect(occurrences(bytes, secret), `${secret} in ${file}`).to.equal(0);
                    }
                }
                const exported = await engine.cli(["stack", "export", "--stack", stack], program.dir);
                expect(exported.code, exported.stderr).to.equal(0);
                const resources = JSON.parse(exported.stdout).deployment.resources as {
                    type: string;
                    urn: string;
                    inputs: Record<string, unknown>;
                    outputs: Record<string, unknown>;
                }[];
                const explicit = resources.filter(
                    (r) => r.type === "pulumi:providers:ultravox" && r.urn.endsWith("::second"),
                );
                expect(explicit).to.have.lengthOf(1);
                expect(explicit[0]?.inputs.apiKey).to.have.property("ciphertext");
                expect(explicit[0]?.inputs.baseUrl).to.equal(second.url);
                const read = resources.filter((r) => r.type === "ultravox:index:SipConfig");
                expect(read.map((r) => r.outputs.domain)).to.deep.equal([SECOND_DOMAIN]);
                expect(read[0]?.outputs.fallbackHandler).to.have.property("ciphertext");
            });
            if (language === "go") {
                it("the plain form, LookupSipConfig, works: its result holds no secret for the Go SDK to refuse", async () => {
                    const plain = await testProgram(engine, language, "plain");
                    await initStack(plain.dir, "plain-go", [
                        ["ultravox:apiKey", TEST_API_KEY, "secret"],
                        ["ultravox:baseUrl", first.url],
                    ]);
                    const up = await plain.up("plain-go");
                    const printed = `${up.stdout}\n${up.stderr}`;
                    expect(up.code, printed).to.equal(0);
                    expectNoSecretPrinted(printed);
                    expect(await stackOutputs(plain.dir, "plain-go")).to.deep.equal({
                        plainDomain: FIRST_DOMAIN,
                        plainFallbackHandlerUrl: "https://pbx.example.com/ultravox/fallback",
                    });
                });
            }
        });

        describe(`${language}: faults fail the update with the package's message and leave the outputs`, () => {
            let program: LanguageProgram;
            const stack = `faults-${language}`;
            let outputsAfterUp: Record<string, unknown>;

            before(async () => {
                program = await testProgram(engine, language, "read");
                await initStack(program.dir, stack, [
                    ["ultravox:apiKey", TEST_API_KEY, "secret"],
                    ["ultravox:baseUrl", first.url],
                ]);
                first.clearFaults();
                const up = await program.up(stack);
                expect(up.code, `${up.stdout}\n${up.stderr}`).to.equal(0);
                outputsAfterUp = await stackOutputs(program.dir, stack);
                expect(outputsAfterUp).to.deep.equal({
                    domain: FIRST_DOMAIN,
                    allowedCidrRanges: FIRST_CIDRS,
                    fingerprint: firstFingerprint,
                    fallbackHandler: "[secret]",
                });
            });

            /** Runs `up` expecting it to fail with `message`, then checks that nothing changed. */
            async function expectFailedUp(message: string, withinMs: number, env?: Record<string, string>) {
                const started = Date.now();
                const up = env
                    ? await run(
                          engine,
                          engine.pulumi,
                          ["up", "--yes", "--stack", stack, "--non-interactive"],
                          program.dir,
                          env,
                      )
                    : await program.up(stack);
                const elapsed = Date.now() - started;
                const printed = `${up.stdout}\n${up.stderr}`;
                expect(up.code, printed).to.not.equal(0);
                expect(printed).to.contain(message);
                expect(elapsed, "time to fail").to.be.below(withinMs);
                expectNoSecretPrinted(printed);
                expect(await stackOutputs(program.dir, stack)).to.deep.equal(outputsAfterUp);
                return printed;
            }

            for (const { name, fault, message, withinMs, languages } of FAULTS) {
                if (!languages.includes(language)) continue;
                it(name, async () => {
                    first.clearFaults();
                    first.addFault({ ...fault, times: 1000 });
                    try {
                        await expectFailedUp(message(sipUrl(first)), withinMs);
                    } finally {
                        first.clearFaults();
                    }
                });
            }

            it("no key (no `ultravox:apiKey`, no ULTRAVOX_API_KEY)", async () => {
                const removed = await engine.cli(["config", "rm", "ultravox:apiKey", "--stack", stack], program.dir);
                expect(removed.code, removed.stderr).to.equal(0);
                const requestsBefore = first.requests.length;
                try {
                    await expectFailedUp(MESSAGES.missingKey, 30_000);
                    expect(first.requests.slice(requestsBefore), "no request without a key").to.deep.equal([]);
                } finally {
                    const restored = await engine.cli(
                        ["config", "set", "--secret", "ultravox:apiKey", TEST_API_KEY, "--stack", stack],
                        program.dir,
                    );
                    expect(restored.code, restored.stderr).to.equal(0);
                }
            });

            if (language === "yaml") {
                it("a node older than 22 first on PATH: the engine shows the launcher's message", async () => {
                    const bin = path.join(engine.dir, "old-node");
                    fs.mkdirSync(bin, { recursive: true });
                    fs.writeFileSync(path.join(bin, "node"), "#!/bin/sh\necho v20.11.1\n", { mode: 0o755 });
                    await expectFailedUp(
                        `pulumi-resource-ultravox: the node on PATH (${path.join(bin, "node")}) is v20.11.1; it needs Node.js 22.12 or later: install it, or put it before this one on the PATH that runs pulumi.`,
                        30_000,
                        { PATH: [bin, engine.env.PATH].join(path.delimiter) },
                    );
                });
            }
        });
    }
});
