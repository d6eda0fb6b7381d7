/**
 * SipRegistration from YAML, Python and Go through the real engine and the `ultravox` plugin:
 * create (the password from one secret, which also renders the PBX's subscriber), a rotated
 * password PATCHed in place, a console edit shown by preview and set back by up, destroy; in YAML,
 * `pulumi import` of an existing registration and what the first up after it does. No key and no
 * password in the state files or in anything the CLI prints.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { kamailioSubscriber } from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { type CliResult, Engine, requirePulumi, stateResource } from "./helpers/engine";
import { LANGUAGES, type Language, requireLanguageTools } from "./helpers/languages";
import { printed, Steps } from "./helpers/steps";
import { testProgram } from "./helpers/testPrograms";

const PASSWORD = "e2e-registration-password-41c9";
const ROTATED = "e2e-registration-password-rotated-88d0";
const ADOPTED_PASSWORD = "e2e-adopted-password-never-read-5e21";
const SECRETS = [TEST_API_KEY, PASSWORD, ROTATED, ADOPTED_PASSWORD];

describe("e2e: YAML, Python and Go register a cloud PBX through the ultravox plugin", function () {
    this.timeout(600_000);
    let engine: Engine;
    let emulator: Emulator;
    let steps: Steps;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        requireLanguageTools(this);
        steps = new Steps(engine, SECRETS);
        emulator = await startEmulator({ account: account() });
    });
    after(async () => {
        await emulator?.close();
        engine?.cleanup();
    });

    const ok = (result: Promise<CliResult>) => steps.ok(result);
    const initStack = (dir: string, stack: string, settings: [string, string, "secret"?][]) =>
        steps.initStack(dir, stack, settings);
    const expectStateFilesClean = () => steps.expectStateFilesClean();

    for (const language of LANGUAGES) {
        describe(language, () => {
            const stack = `registration-${language}`;
            let dir: string;
            let up: () => Promise<CliResult>;
            let preview: () => Promise<CliResult>;

            before(async () => {
                emulator.replaceRegistrations([]);
                const program = await testProgram(engine, language as Language, "registration");
                dir = program.dir;
                up = () => program.up(stack);
                preview = () => (program.preview as (stack: string) => Promise<CliResult>)(stack);
                await initStack(dir, stack, [
                    ["ultravox:apiKey", TEST_API_KEY, "secret"],
                    ["ultravox:baseUrl", emulator.url],
                    ["pbxPassword", PASSWORD, "secret"],
                    ["proxy", "pbx.example.test"],
                ]);
            });

            it("up creates the registration, and the subscriber from the same secret, itself secret", async () => {
                await ok(up());
                const [registration] = emulator.account.registrations ?? [];
                expect(registration).to.deep.include({
                    username: "ultravox",
                    password: PASSWORD,
                    proxy: "pbx.example.test",
                });
                const outputs = await engine.stackOutputs(dir, stack);
                expect(outputs.registrationId).to.equal(registration?.registrationId);
                expect(outputs.subscriberTable).to.equal("[secret]");
                const revealed = await engine.stackOutputs(dir, stack, true);
                expect(revealed.subscriberTable).to.equal(
                    kamailioSubscriber({ username: "ultravox", password: PASSWORD }, { domain: "pbx.example.test" })
                        .subscriberTable,
                );
                expectStateFilesClean();
            });

            it("successful in every language: null while the API does not say; a refresh reads true without a diff on the inputs", async () => {
                // The emulator never contacts a proxy off loopback: it does not say.
                expect((await engine.stackOutputs(dir, stack)).successful ?? null).to.equal(null);
                const [registration] = emulator.account.registrations ?? [];
                if (!registration) throw new Error("no registration");
                // As the service says once its REGISTER is answered.
                emulator.replaceRegistrations([{ ...registration, successful: true }]);
                await ok(engine.cli(["refresh", "--yes", "--stack", stack], dir, 240_000));
                const exported = await ok(engine.cli(["stack", "export", "--stack", stack], dir));
                const refreshed = stateResource(JSON.parse(exported.stdout), "ultravox:index:SipRegistration");
                expect(refreshed.outputs.successful).to.equal(true);
                const previewed = await preview();
                steps.record(previewed);
                expect(previewed.code, printed(previewed)).to.equal(0);
                expect(previewed.stdout).to.not.match(/ultravox:index:SipRegistration\s+registration\s+update/);
                emulator.clearRequests();
                await ok(up());
                expect(emulator.requests.filter((request) => request.method !== "GET")).to.deep.equal([]);
                expect((await engine.stackOutputs(dir, stack)).successful).to.equal(true);
            });

            it("a rotated password is PATCHed in place, alone", async () => {
                await ok(engine.cli(["config", "set", "--secret", "pbxPassword", ROTATED, "--stack", stack], dir));
                emulator.clearRequests();
                await ok(up());
                const patches = emulator.requests.filter((request) => request.method === "PATCH");
                expect(patches.map((request) => JSON.parse(request.body))).to.deep.equal([{ password: ROTATED }]);
                expect(emulator.account.registrations?.map((r) => r.password)).to.deep.equal([ROTATED]);
                expect(emulator.requests.filter((request) => request.method === "POST")).to.deep.equal([]);
            });

            it("a console edit of the proxy: preview shows an update, up sets it back", async () => {
                const [registration] = emulator.account.registrations ?? [];
                if (!registration) throw new Error("no registration");
                emulator.replaceRegistrations([{ ...registration, proxy: "elsewhere.example.test" }]);
                const previewed = await preview();
                steps.record(previewed);
                expect(previewed.code, printed(previewed)).to.equal(0);
                expect(previewed.stdout).to.match(/~\s+ultravox:index:SipRegistration\s+registration\s+update/);
                await ok(up());
                expect(emulator.account.registrations?.[0]?.proxy).to.equal("pbx.example.test");
            });

            it("destroy deletes it", async () => {
                await ok(engine.cli(["destroy", "--yes", "--stack", stack], dir, 240_000));
                expect(emulator.account.registrations).to.deep.equal([]);
                expectStateFilesClean();
            });
        });
    }

    describe("yaml: pulumi import", () => {
        it("adopts a registration; the first up writes the program's password (the API never gives it), then nothing", async () => {
            const id = "00000000-0000-4000-8000-0000000000ad";
            emulator.replaceRegistrations([
                {
                    registrationId: id,
                    created: "2026-12-01T10:00:00Z",
                    username: "adopted",
                    password: ADOPTED_PASSWORD,
                    proxy: "pbx.example.test",
                    outboundProxy: null,
                    authUser: "adopted-auth",
                },
            ]);
            const stack = "registration-import";
            const dir = engine.projectDir("yaml-registration-import", {
                runtime: "yaml",
                packages: { ultravox: "../../provider/package/plugin" },
            });
            await initStack(dir, stack, [
                ["ultravox:apiKey", TEST_API_KEY, "secret"],
                ["ultravox:baseUrl", emulator.url],
                ["pbxPassword", PASSWORD, "secret"],
            ]);
            const generated = path.join(dir, "generated.yaml");
            const imported = await ok(
                engine.cli(
                    [
                        "import",
                        "ultravox:index:SipRegistration",
                        "adopted",
                        id,
                        "--yes",
                        "--stack",
                        stack,
                        "--out",
                        generated,
                        "--protect=false",
                    ],
                    dir,
                    240_000,
                ),
            );
            // The engine checks the imported inputs: the missing password (the API never gives it) is no failure.
            expect(printed(imported)).to.not.contain("failed to validate");
            expect(printed(imported)).to.not.contain("has a problem");
            expect(printed(imported)).to.not.match(/warning/i);
            const code = fs.readFileSync(generated, "utf8");
            steps.transcript.push(code);
            expect(code).to.contain("type: ultravox:SipRegistration");
            expect(code).to.contain("username: adopted");
            expect(code).to.contain("authUser: adopted-auth");
            // The API never gives the password: the generator fills the required input with "".
            expect(code).to.contain('      password: ""\n');
            // The user puts the stack's secret there, as the docs say.
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pulumi YAML interpolation, as YAML reads it.
            const program = code.replace('      password: ""', "      password: ${pbxPassword}");
            fs.appendFileSync(path.join(dir, "Pulumi.yaml"), `\nconfig:\n  pbxPassword:\n    type: string\n${program}`);
            const previewed = await engine.cli(["preview", "--stack", stack], dir, 240_000);
            steps.record(previewed);
            expect(previewed.code, printed(previewed)).to.equal(0);
            expect(previewed.stdout).to.match(/~\s+ultravox:index:SipRegistration\s+adopted\s+update/);
            emulator.clearRequests();
            await ok(engine.cli(["up", "--yes", "--stack", stack], dir, 240_000));
            const patches = emulator.requests.filter((request) => request.method === "PATCH");
            expect(patches.map((request) => JSON.parse(request.body))).to.deep.equal([{ password: PASSWORD }]);
            await ok(engine.cli(["preview", "--expect-no-changes", "--stack", stack], dir, 240_000));
            await ok(engine.cli(["destroy", "--yes", "--stack", stack], dir, 240_000));
            expect(emulator.account.registrations).to.deep.equal([]);
            expectStateFilesClean();
        });
    });

    describe("yaml: a create without a password", () => {
        it("fails at preview, naming the password, and sends nothing", async () => {
            const stack = "registration-no-password";
            const dir = engine.projectDir("yaml-registration-no-password", {
                runtime: "yaml",
                packages: { ultravox: "../../provider/package/plugin" },
            });
            fs.appendFileSync(
                path.join(dir, "Pulumi.yaml"),
                "resources:\n  registration:\n    type: ultravox:SipRegistration\n    properties:\n      username: ultravox\n      proxy: pbx.example.test\n",
            );
            await initStack(dir, stack, [
                ["ultravox:apiKey", TEST_API_KEY, "secret"],
                ["ultravox:baseUrl", emulator.url],
            ]);
            emulator.clearRequests();
            const previewed = steps.record(await engine.cli(["preview", "--stack", stack], dir, 240_000));
            expect(previewed.code, printed(previewed)).to.not.equal(0);
            expect(printed(previewed)).to.match(/password/);
            expect(emulator.requests.filter((request) => request.method !== "GET")).to.deep.equal([]);
        });
    });

    describe("all languages", () => {
        it("no key and no password in anything the CLI printed", () => {
            steps.expectTranscriptClean();
        });
    });
});
