/**
 * The ultravox package from Python, Go and YAML through the real engine: each example reads the
 * emulator's account through the provider plugin (provider/package), and `pulumi stack output
 * --json` gives exactly what the TypeScript example (examples/stack-outputs) gives, plus the
 * fallback handler as a secret output; no state file holds a credential in plaintext; a 401 fails
 * the update with the package's message and leaves the outputs. Also: the committed SDKs are what
 * the generator writes from the schema today.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { asteriskPjsip, nftablesRuleset, type SipConfigData, UltravoxClient } from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { REPO_ROOT } from "../helpers/repo";
import { Engine, occurrences, programAt, requirePulumi, stateResource, TOOLS_BIN } from "./helpers/engine";
import { exampleDir, LANGUAGES, type LanguageProgram, prepare, requireLanguageTools, run } from "./helpers/languages";

const SECRETS = (rawSipConfig().fallbackHandler as { secrets: string[] }).secrets;
const FALLBACK_HANDLER = rawSipConfig().fallbackHandler;
const SIP_CONFIG_TYPE = "ultravox:index:SipConfig";

describe("e2e: Python, Go and YAML programs read the account through the ultravox package", function () {
    this.timeout(300_000);
    let engine: Engine;
    let emulator: Emulator;
    /** `pulumi stack output --json` of the TypeScript example, on the same account. */
    let typescriptOutputs: Record<string, unknown>;
    /** The emulator's account, normalized by the TypeScript client: what the renderers are given. */
    let normalized: SipConfigData;

    /** What every example's rendered exports must be: the TypeScript renderers' text on the account. */
    function expectRenderedFiles(outputs: Record<string, unknown>): void {
        expect(outputs.nftablesRuleset).to.equal(nftablesRuleset(normalized.allowedCidrRanges));
        expect(outputs.asteriskPjsip).to.equal(asteriskPjsip(normalized).text);
        expect(outputs.nftablesRuleset).to.contain("\t\t\t10.1.2.0/24,\n");
        expect(outputs.asteriskPjsip).to.contain("contact=sip:acme-test.sip.ultravox.invalid\n");
    }

    before(async function () {
        engine = new Engine(requirePulumi(this));
        requireLanguageTools(this);
        emulator = await startEmulator({ account: account() });
        normalized = await new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url }).getSipConfig();
    });

    after(async () => {
        await emulator?.close();
        engine?.cleanup();
    });

    /** stack init, the key as a secret and the base URL with the CLI, as a user sets up a stack. */
    async function initStack(dir: string, stack: string): Promise<void> {
        for (const args of [
            ["stack", "init", stack],
            ["config", "set", "--secret", "ultravox:apiKey", TEST_API_KEY, "--stack", stack],
            ["config", "set", "ultravox:baseUrl", emulator.url, "--stack", stack],
        ]) {
            const result = await engine.cli(args, dir);
            expect(result.code, result.stderr).to.equal(0);
        }
    }

    const stackOutputs = (dir: string, stack: string, showSecrets = false) =>
        engine.stackOutputs(dir, stack, showSecrets);

    it("the TypeScript example's outputs on this account (the reference)", async () => {
        const dir = engine.projectDir("ts-example");
        const stack = "typescript";
        await initStack(dir, stack);
        const ts = await engine.stack(stack, dir, programAt("examples/stack-outputs/index.js"));
        expect((await ts.up()).summary.result).to.equal("succeeded");
        typescriptOutputs = await stackOutputs(dir, stack);
        expect(typescriptOutputs.sipDomain).to.equal("acme-test.sip.ultravox.invalid");
        expect(typescriptOutputs.allowedCidrRanges).to.deep.equal([
            "9.0.0.0/8",
            "10.1.2.0/24",
            "198.51.100.7/32",
            "203.0.113.0/24",
        ]);
        expectRenderedFiles(typescriptOutputs);
    });

    it("the Go example's own main package builds offline from its committed go.sum, as pulumi-language-go builds it", async () => {
        const binary = path.join(engine.dir, "go-stack-outputs");
        const build = await run(engine, "go", ["build", "-mod=readonly", "-o", binary, "."], exampleDir("go"));
        expect(build.code, build.stderr).to.equal(0);
        expect(fs.statSync(binary).mode & 0o111).to.not.equal(0);
    });

    for (const language of LANGUAGES) {
        describe(`${language}: examples/${language}-stack-outputs`, () => {
            let program: LanguageProgram;
            const stack = `e2e-${language}`;
            let outputsAfterUp: Record<string, unknown>;

            before(async () => {
                program = await prepare(engine, language);
                await initStack(program.dir, stack);
            });

            it("`up` reads the account: `stack output --json` is the TypeScript example's, plus fallbackHandler as [secret]", async () => {
                const requestsBefore = emulator.requests.length;
                const up = await program.up(stack);
                expect(up.code, `${up.stdout}\n${up.stderr}`).to.equal(0);
                expect(emulator.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`)).to.include(
                    "GET /api/sip",
                );
                // The read's warning reaches the engine as a diagnostic, as in TypeScript.
                expect(up.stdout).to.contain("CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.");
                const printed = await engine.cli(["stack", "output", "--json", "--stack", stack], program.dir);
                expect(printed.code, printed.stderr).to.equal(0);
                saveTranscript(`${language}-stack-output.json`, printed.stdout);
                outputsAfterUp = JSON.parse(printed.stdout);
                expect(typescriptOutputs, "the TypeScript reference ran first").to.be.an("object");
                expect(outputsAfterUp).to.deep.equal({
                    ...typescriptOutputs,
                    fallbackHandler: "[secret]",
                });
                for (const secret of [TEST_API_KEY, ...SECRETS]) {
                    expect(occurrences(`${up.stdout}\n${up.stderr}`, secret), `${secret} printed`).to.equal(0);
                }
            });

            it("the files it renders with the package's functions are the TypeScript renderers' text", () => {
                expectRenderedFiles(outputsAfterUp);
            });

            it("--show-secrets reveals exactly the account's fallback handler", async () => {
                const shown = await stackOutputs(program.dir, stack, true);
                expect(shown).to.deep.equal({ ...typescriptOutputs, fallbackHandler: FALLBACK_HANDLER });
            });

            it("no file of the backend holds the key or a fallback secret in plaintext; both are stored encrypted", async () => {
                for (const secret of [TEST_API_KEY, ...SECRETS]) {
                    for (const { file, bytes } of engine.backendFiles()) {
                        expect(occurrences(bytes, secret), `${secret} in ${file}`).to.equal(0);
                    }
                }
                const exported = await engine.cli(["stack", "export", "--stack", stack], program.dir);
                expect(exported.code, exported.stderr).to.equal(0);
                const deployment = JSON.parse(exported.stdout);
                const resource = stateResource(deployment, SIP_CONFIG_TYPE);
                expect(resource.external).to.equal(true);
                expect(resource.id).to.equal("sip");
                expect(resource.outputs.fallbackHandler).to.have.property("ciphertext");
                expect(resource.outputs.domain).to.equal("acme-test.sip.ultravox.invalid");
                // Go's generated SipConfig get registers no version while its invokes do, so a Go program
                // that also invokes a function has two default providers: each holds the key encrypted.
                const providers = deployment.deployment.resources.filter(
                    (resource: { type: string }) => resource.type === "pulumi:providers:ultravox",
                );
                expect(providers.length).to.equal(language === "go" ? 2 : 1);
                for (const provider of providers) {
                    expect(provider.inputs.apiKey).to.have.property("ciphertext");
                    expect(provider.outputs.apiKey).to.have.property("ciphertext");
                }
            });

            it("a 401 fails the `up` with the package's message and leaves the previous outputs", async () => {
                emulator.clearFaults();
                emulator.addFault({ status: 401, times: 1000 });
                const up = await program.up(stack);
                emulator.clearFaults();
                const printed = `${up.stdout}\n${up.stderr}`;
                expect(up.code, printed).to.not.equal(0);
                const url = `${emulator.url.replace(/\/$/, "")}/api/sip`;
                expect(printed).to.contain(
                    `UltravoxError [auth]: The Ultravox API refused the API key (HTTP 401) for GET ${url}. Check that \`ultravox:apiKey\` or ULTRAVOX_API_KEY holds a current key of this account.`,
                );
                expect(occurrences(printed, TEST_API_KEY)).to.equal(0);
                expect(await stackOutputs(program.dir, stack)).to.deep.equal(outputsAfterUp);
            });
        });
    }

    it("the committed SDKs are what the generator writes from today's schema (npm run gen-sdks)", async () => {
        const generated = path.join(engine.dir, "sdk");
        const result = await run(
            engine,
            "bash",
            [path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), generated],
            REPO_ROOT,
        );
        expect(result.code, result.stderr).to.equal(0);
        const committed = path.join(REPO_ROOT, "provider", "package", "sdk");
        const generatedFiles = listFiles(generated);
        expect(generatedFiles).to.include.members(["go/ultravox/sipConfig.go", "python/pulumi_ultravox/sip_config.py"]);
        expect(listFiles(committed), "the SDK file list (run npm run gen-sdks)").to.deep.equal(generatedFiles);
        for (const file of generatedFiles) {
            const same = fs
                .readFileSync(path.join(generated, file))
                .equals(fs.readFileSync(path.join(committed, file)));
            expect(same, `provider/package/sdk/${file} differs from the generator's (run npm run gen-sdks)`).to.equal(
                true,
            );
        }
        expect(fs.existsSync(path.join(TOOLS_BIN, "ultravox-sdkgen"))).to.equal(true);
    });
});

/** Files under `root`, relative and sorted; what the SDKs' own .gitignore excludes (builds, caches) is left out. */
function listFiles(root: string): string[] {
    const ignored = /(^|\/)(__pycache__|build|dist|[^/]*\.egg-info)(\/|$)/;
    const files: string[] = [];
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else files.push(path.relative(root, full));
        }
    };
    walk(root);
    return files.filter((file) => !ignored.test(file)).sort();
}

/** The README quotes these: each language's `pulumi stack output --json` (.build/e2e-transcripts/). */
function saveTranscript(name: string, text: string): void {
    const dir = path.join(REPO_ROOT, ".build", "e2e-transcripts");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
}
