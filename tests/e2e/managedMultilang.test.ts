/**
 * The managed SipConfig from YAML, Python and Go through the real engine and the `ultravox`
 * plugin: create, update, a console edit shown by preview and set back by up, refresh, a PATCH
 * applied but answered too late then destroy restoring, a second account through an explicit
 * provider, import (`pulumi import` in YAML, the import option in Python and Go) then a preview
 * with no change, and no key or fallback secret in the state files or in anything printed
 * (`-v=9` included).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, OTHER_API_KEY, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { type CliResult, Engine, requirePulumi, type StateResource } from "./helpers/engine";
import { LANGUAGES, type Language, requireLanguageTools } from "./helpers/languages";
import { printed, Steps } from "./helpers/steps";
import { testProgram } from "./helpers/testPrograms";

const HANDLER_SECRET = "e2e-managed-handler-secret-5b2f0c";
const ORIGINAL_SECRETS = (rawSipConfig().fallbackHandler as { secrets: string[] }).secrets;
const SECRETS = [TEST_API_KEY, OTHER_API_KEY, HANDLER_SECRET, ...ORIGINAL_SECRETS];
const ORIGINAL_CIDRS = ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"];
const E2E_HANDLER_URL = "https://pbx.example.com/ultravox/fallback-e2e";

function secondSip() {
    return { ...rawSipConfig(), domain: "second-account.sip.ultravox.invalid", allowedCidrRanges: ["192.0.2.0/24"] };
}

const stateResources = (exported: unknown): StateResource[] =>
    (exported as { deployment: { resources: StateResource[] } }).deployment.resources;

describe("e2e: YAML, Python and Go own the allowlist through the ultravox plugin", function () {
    this.timeout(600_000);
    let engine: Engine;
    let first: Emulator;
    let second: Emulator;
    let steps: Steps;
    const ok = (result: Promise<CliResult>) => steps.ok(result);
    const cli = (args: string[], dir: string) => engine.cli(args, dir, 240_000).then((result) => steps.record(result));
    const initStack = (dir: string, stack: string, settings: [string, string, "secret"?][]) =>
        steps.initStack(dir, stack, settings);
    const expectStateFilesClean = () => steps.expectStateFilesClean();
    const outputs = (dir: string, stack: string) => engine.stackOutputs(dir, stack);

    before(async function () {
        engine = new Engine(requirePulumi(this));
        requireLanguageTools(this);
        steps = new Steps(engine, SECRETS);
    });

    after(async () => {
        await first?.close();
        await second?.close();
        engine?.cleanup();
    });

    for (const language of LANGUAGES) {
        describe(language, () => {
            const stack = `managed-${language}`;
            let dir: string;
            let up: () => Promise<CliResult>;
            let preview: () => Promise<CliResult>;

            before(async () => {
                first = await startEmulator({ account: account() });
                second = await startEmulator({ account: account(OTHER_API_KEY, secondSip()) });
                const program = await testProgram(engine, language as Language, "managed");
                dir = program.dir;
                up = () => program.up(stack);
                preview = () => (program.preview as (stack: string) => Promise<CliResult>)(stack);
                await initStack(dir, stack, [
                    ["ultravox:apiKey", TEST_API_KEY, "secret"],
                    ["ultravox:baseUrl", first.url],
                    ["cidr", "192.0.2.1/32"],
                    ["handlerSecret", HANDLER_SECRET, "secret"],
                    ["secondApiKey", OTHER_API_KEY, "secret"],
                    ["secondBaseUrl", second.url],
                ]);
            });

            after(async () => {
                await first?.close();
                await second?.close();
            });

            it("up creates: both accounts hold what the program says; the state holds no secret in plaintext", async () => {
                await ok(up());
                expect(first.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.1/32"]);
                expect(first.account.sip.fallbackHandler).to.deep.equal({
                    url: E2E_HANDLER_URL,
                    secrets: [HANDLER_SECRET],
                });
                expect(second.account.sip.allowedCidrRanges).to.deep.equal(["198.51.100.0/24"]);
                // The second account kept its own handler: the explicit provider's resource owns only its range.
                expect(second.account.sip.fallbackHandler).to.deep.equal(secondSip().fallbackHandler);
                expect(await outputs(dir, stack)).to.deep.equal({
                    domain: "acme-test.sip.ultravox.invalid",
                    allowedCidrRanges: ["192.0.2.1/32"],
                    secondAllowedCidrRanges: ["198.51.100.0/24"],
                });
                expectStateFilesClean();
            });

            it("up after a changed input PATCHes the owned field only", async () => {
                await ok(engine.cli(["config", "set", "cidr", "192.0.2.2/32", "--stack", stack], dir));
                first.clearRequests();
                await ok(up());
                expect(first.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.2/32"]);
                const patches = first.requests.filter((request) => request.method === "PATCH");
                expect(patches.map((request) => JSON.parse(request.body ?? "{}"))).to.deep.equal([
                    { allowedCidrRanges: ["192.0.2.2/32"] },
                ]);
            });

            it("a console edit: preview shows an update, refresh records it, up sets it back", async () => {
                first.replaceSip({ ...first.account.sip, allowedCidrRanges: ["203.0.113.9/32"] });
                const previewed = await preview();
                steps.record(previewed);
                expect(previewed.code, printed(previewed)).to.equal(0);
                expect(previewed.stdout).to.match(/~\s+ultravox:index:SipConfig\s+allowlist\s+update/);
                expect(previewed.stdout).to.match(/1 to update/);
                expect(first.account.sip.allowedCidrRanges).to.deep.equal(["203.0.113.9/32"]);
                await ok(engine.cli(["refresh", "--yes", "--stack", stack], dir, 240_000));
                // Refresh records the resource's live values (the stack's outputs wait for the next up).
                const exported = await ok(engine.cli(["stack", "export", "--stack", stack], dir));
                const allowlist = stateResources(JSON.parse(exported.stdout)).find((resource) =>
                    resource.urn.endsWith("::allowlist"),
                );
                expect(allowlist?.outputs.allowedCidrRanges).to.deep.equal(["203.0.113.9/32"]);
                await ok(up());
                expect(first.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.2/32"]);
                const again = await preview();
                steps.record(again);
                expect(again.stdout, printed(again)).to.not.match(/to update/);
            });

            it("a PATCH applied but answered too late: up fails with the timeout, and destroy restores both accounts", async () => {
                await ok(engine.cli(["config", "set", "ultravox:timeoutMs", "1500", "--stack", stack], dir));
                await ok(engine.cli(["config", "set", "ultravox:maxRetries", "0", "--stack", stack], dir));
                await ok(engine.cli(["config", "set", "cidr", "192.0.2.3/32", "--stack", stack], dir));
                first.addFault({ method: "PATCH", answerDelayMs: 4_000 });
                const failed = await up();
                steps.record(failed);
                expect(failed.code, printed(failed)).to.not.equal(0);
                expect(printed(failed)).to.contain("UltravoxError [timeout]");
                first.clearFaults();
                // The write landed: the account holds it though the stack never saw the answer.
                expect(first.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.3/32"]);
                const destroyed = await cli(["destroy", "--yes", "--stack", stack, "-v=9", "--logtostderr"], dir);
                expect(destroyed.code, printed(destroyed).slice(-4000)).to.equal(0);
                expect(first.account.sip.allowedCidrRanges).to.deep.equal(ORIGINAL_CIDRS);
                expect(first.account.sip.fallbackHandler).to.deep.equal(rawSipConfig().fallbackHandler);
                expect(second.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.0/24"]);
                expectStateFilesClean();
            });

            if (language === "yaml") {
                it("pulumi import adopts the account's config; the generated program previews with no change", async () => {
                    const importStack = "import-yaml";
                    const importDir = engine.projectDir("yaml-import", {
                        runtime: "yaml",
                        packages: { ultravox: "../../provider/package/plugin" },
                    });
                    await initStack(importDir, importStack, [
                        ["ultravox:apiKey", TEST_API_KEY, "secret"],
                        ["ultravox:baseUrl", first.url],
                    ]);
                    const generated = path.join(importDir, "generated.yaml");
                    await ok(
                        engine.cli(
                            [
                                "import",
                                "ultravox:index:SipConfig",
                                "adopted",
                                "sip",
                                "--yes",
                                "--stack",
                                importStack,
                                "--out",
                                generated,
                                // Imported resources are protected by default; this test destroys the stack after.
                                "--protect=false",
                                "-v=9",
                                "--logtostderr",
                            ],
                            importDir,
                            240_000,
                        ),
                    );
                    const adoptedAs = structuredClone(first.account.sip);
                    const code = fs.readFileSync(generated, "utf8");
                    steps.transcript.push(code);
                    expect(code).to.contain("type: ultravox:SipConfig");
                    for (const cidr of ORIGINAL_CIDRS) expect(code).to.contain(cidr);
                    // The program, as a user pastes the generated code into it.
                    fs.appendFileSync(path.join(importDir, "Pulumi.yaml"), `\n${code}`);
                    const previewed = await cli(["preview", "--expect-no-changes", "--stack", importStack], importDir);
                    expect(previewed.code, printed(previewed)).to.equal(0);
                    // Destroy gives back the account as it was adopted: no write at all.
                    first.clearRequests();
                    await ok(engine.cli(["destroy", "--yes", "--stack", importStack], importDir, 240_000));
                    expect(first.requests.filter((request) => request.method === "PATCH")).to.deep.equal([]);
                    expect(first.account.sip).to.deep.equal(adoptedAs);
                    expectStateFilesClean();
                });
            } else {
                it("the import option adopts the account's config; preview then shows no change", async () => {
                    const importStack = `import-${language}`;
                    const program = await testProgram(engine, language as Language, "adopt");
                    await initStack(program.dir, importStack, [
                        ["ultravox:apiKey", TEST_API_KEY, "secret"],
                        ["ultravox:baseUrl", first.url],
                        ["adoptedCidrs", JSON.stringify(ORIGINAL_CIDRS)],
                    ]);
                    first.clearRequests();
                    const adoptedAs = structuredClone(first.account.sip);
                    const imported = await program.up(importStack);
                    steps.record(imported);
                    expect(imported.code, printed(imported)).to.equal(0);
                    expect(imported.stdout).to.match(/=\s+ultravox:index:SipConfig\s+adopted\s+import/);
                    expect(first.requests.filter((request) => request.method === "PATCH")).to.deep.equal([]);
                    const previewed = await (program.preview as (stack: string) => Promise<CliResult>)(importStack);
                    steps.record(previewed);
                    expect(previewed.code, printed(previewed)).to.equal(0);
                    expect(previewed.stdout).to.not.match(/to (update|create|replace|delete)/);
                    await ok(engine.cli(["destroy", "--yes", "--stack", importStack], program.dir, 240_000));
                    expect(first.requests.filter((request) => request.method === "PATCH")).to.deep.equal([]);
                    expect(first.account.sip).to.deep.equal(adoptedAs);
                });
            }
        });
    }

    // Last (a describe after the languages' runs after them).
    describe("all languages", () => {
        it("no key and no fallback secret in anything the CLI printed, -v=9 included", () => {
            steps.expectTranscriptClean();
        });
    });
});
