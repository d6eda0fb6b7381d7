/**
 * A cloud PBX that really registers, end to end with real software: a Kamailio on loopback holds
 * the subscriber `kamailioSubscriber` renders from the stack's secret; a stack creates a
 * SipRegistration pointing at it with `waitForActiveSeconds`, and the emulator REGISTERs as Ultravox
 * does. In TypeScript (the dynamic provider, an Automation API program) and YAML (the plugin,
 * `pulumi up`): up succeeds with `successful` true, and `kamcmd ul.lookup` shows the emulator's
 * contact; a wrong password fails up with not_active, the registration recorded with `successful`
 * false, and the next up (the right password) waits again and succeeds; destroy un-registers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { kamailioSubscriber } from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { kamcmd, registrarCfg, startKamailio } from "../helpers/kamailio";
import type { StartedProcess } from "../helpers/process";
import { freeUdpPort, removeDir, requireTools, tempDir } from "../helpers/tools";
import { type CliResult, Engine, failureOf, programAt, requirePulumi, stateResource } from "./helpers/engine";
import { printed, Steps } from "./helpers/steps";
import { testProgram } from "./helpers/testPrograms";

/** A password each PBX reads specially (db_text's `:` and `\`, Asterisk's `;`, FreeSWITCH's `$${`). */
const PASSWORD = "e2e:pbx\\pass;word$${x}-5c1e";
const WRONG = "e2e-wrong-password-a07b";
const DOMAIN = "127.0.0.1";
const WAIT = 20;

describe("e2e: a SipRegistration REGISTERs with a real Kamailio (waitForActiveSeconds), in TypeScript and YAML", function () {
    this.timeout(600_000);
    let tools: Record<string, string>;
    let engine: Engine;
    let emulator: Emulator;
    let steps: Steps;
    let dir: string;
    let cfg: string;
    let port: number;
    const daemons: StartedProcess[] = [];
    /** The subscriber table Kamailio loaded: one row per user, each from the same secret as its stack. */
    let loaded: string;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        tools = requireTools(this, ["kamailio", "kamcmd"]);
        steps = new Steps(engine, [TEST_API_KEY, PASSWORD, WRONG]);
        dir = tempDir("pu-e2e-kam");
        fs.mkdirSync(path.join(dir, "db"), { recursive: true });
        const rows = ["uvx-ts", "uvx-yaml"].map((username, index) => {
            const table = kamailioSubscriber({ username, password: PASSWORD }, { domain: DOMAIN, id: index + 1 });
            return table.subscriberTable.split("\n");
        });
        loaded = `${[rows[0]?.[0], rows[0]?.[1], rows[1]?.[1]].join("\n")}\n`;
        fs.writeFileSync(path.join(dir, "db", "subscriber"), loaded);
        fs.writeFileSync(
            path.join(dir, "db", "version"),
            kamailioSubscriber({ username: "x", password: "x" }, { domain: DOMAIN }).versionTable,
        );
        port = await freeUdpPort();
        cfg = path.join(dir, "kamailio.cfg");
        fs.writeFileSync(cfg, registrarCfg(dir, port, "ha1", { qop: true }));
        await startKamailio(tools, cfg, daemons);
        emulator = await startEmulator({ account: account() });
    });
    after(async () => {
        await emulator?.close();
        await Promise.all(daemons.map((daemon) => daemon.stop()));
        removeDir(dir);
        engine?.cleanup();
    });

    const lookup = async (username: string) =>
        (await kamcmd(tools.kamcmd as string, cfg, "ul.lookup", "location", `${username}@${DOMAIN}`)).stdout;
    const registrationOf = (username: string) =>
        emulator.account.registrations?.find((registration) => registration.username === username);
    /** The row of `username` in a rendered table, without its id (the table Kamailio loaded numbers its rows). */
    const rowOf = (table: string, username: string) =>
        table
            .split("\n")
            .find((line) => line.split(":")[1] === username)
            ?.replace(/^\d+:/, "");
    const expectRegisteredInKamailio = async (username: string) => {
        const found = await lookup(username);
        expect(found).to.match(new RegExp(`AoR: ${username}\\n`));
        expect(found).to.match(new RegExp(`Address: sip:${username}@127\\.0\\.0\\.1:\\d+\\n`));
        expect(found).to.match(/User-Agent: pulumi-ultravox-emulator\n/);
    };
    const expectNotActiveMessage = (text: string, username: string) => {
        const id = registrationOf(username)?.registrationId as string;
        expect(text).to.contain("[not_active]");
        expect(text).to.contain(
            `The SIP registration ${id} of "${username}" at "${DOMAIN}:${port}" is not active: the API says successful=false (Ultravox's REGISTER to that proxy failed).`,
        );
        expect(text).to.contain(`the next \`pulumi up\` waits again (waitForActiveSeconds: ${WAIT})`);
    };

    describe("TypeScript (the dynamic provider, through the Automation API)", () => {
        const username = "uvx-ts";
        let workDir: string;
        const stackOf = async (name: string, password: string): Promise<automation.Stack> => {
            const stack = await engine.stack(name, workDir, programAt("tests/e2e/programs/registrationKamailio.js"));
            await stack.setAllConfig({
                "ultravox:apiKey": { value: TEST_API_KEY, secret: true },
                "ultravox:baseUrl": { value: emulator.url },
                "uv-e2e-ts-registration-kamailio:username": { value: username },
                "uv-e2e-ts-registration-kamailio:pbxPassword": { value: password, secret: true },
                "uv-e2e-ts-registration-kamailio:proxy": { value: `${DOMAIN}:${port}` },
                "uv-e2e-ts-registration-kamailio:domain": { value: DOMAIN },
                "uv-e2e-ts-registration-kamailio:waitForActiveSeconds": { value: String(WAIT) },
            });
            return stack;
        };
        before(() => {
            workDir = engine.projectDir("uv-e2e-ts-registration-kamailio");
        });

        it("the right password: up succeeds, successful is true, ul.lookup shows the emulator's contact, the subscriber is the one Kamailio loaded", async () => {
            const stack = await stackOf("right", PASSWORD);
            const up = await stack.up();
            steps.transcript.push(up.stdout, up.stderr);
            expect(up.outputs.successful?.value).to.equal(true);
            expect(up.outputs.registrationId?.value).to.equal(registrationOf(username)?.registrationId);
            expect(up.outputs.subscriberTable?.secret).to.equal(true);
            expect(rowOf(up.outputs.subscriberTable?.value as string, username)).to.equal(rowOf(loaded, username));
            await expectRegisteredInKamailio(username);
            // A refresh reads successful again, and shows no change to the inputs.
            const refreshed = await stack.refresh();
            expect(refreshed.summary.resourceChanges).to.not.have.property("update");
            const preview = await stack.preview({ expectNoChanges: true });
            expect(preview.changeSummary).to.not.have.property("update");
            expect((await stack.destroy()).summary.result).to.equal("succeeded");
            expect(await lookup(username)).to.not.match(new RegExp(`AoR: ${username}`));
            steps.expectStateFilesClean();
        });

        it("a wrong password: up fails with not_active, the registration recorded with successful false; the next up with the right one waits again and succeeds", async () => {
            const stack = await stackOf("wrong", WRONG);
            const failure = await failureOf(() => stack.up());
            steps.transcript.push(failure.message);
            expectNotActiveMessage(failure.message, username);
            expect(registrationOf(username)?.successful).to.equal(false);
            const recorded = stateResource(
                (await stack.exportStack()) as unknown,
                "pulumi-nodejs:dynamic/ultravox:SipRegistration",
            );
            expect(recorded.id).to.equal(registrationOf(username)?.registrationId);
            expect(recorded.outputs.successful).to.equal(false);
            expect(await lookup(username)).to.not.match(new RegExp(`AoR: ${username}`));
            steps.expectStateFilesClean();

            await stack.setConfig("uv-e2e-ts-registration-kamailio:pbxPassword", { value: PASSWORD, secret: true });
            const up = await stack.up();
            expect(up.summary.resourceChanges).to.deep.include({ update: 1 });
            expect(up.outputs.successful?.value).to.equal(true);
            expect(
                emulator.account.registrations?.filter((registration) => registration.username === username),
            ).to.have.length(1);
            await expectRegisteredInKamailio(username);
            expect((await stack.destroy()).summary.result).to.equal("succeeded");
            steps.expectStateFilesClean();
        });
    });

    describe("YAML (the ultravox plugin, pulumi up)", () => {
        const username = "uvx-yaml";
        const stackName = "registration-kamailio";
        let program: { dir: string; up: (stack: string) => Promise<CliResult> };

        before(async () => {
            program = await testProgram(engine, "yaml", "registrationKamailio");
            await steps.initStack(program.dir, stackName, [
                ["ultravox:apiKey", TEST_API_KEY, "secret"],
                ["ultravox:baseUrl", emulator.url],
                ["username", username],
                ["pbxPassword", WRONG, "secret"],
                ["proxy", `${DOMAIN}:${port}`],
                ["domain", DOMAIN],
                ["waitForActiveSeconds", String(WAIT)],
            ]);
        });

        it("a wrong password: up fails with not_active, and the registration is recorded with successful false; an up with nothing changed waits again", async () => {
            const failed = steps.record(await program.up(stackName));
            expect(failed.code, printed(failed)).to.not.equal(0);
            expectNotActiveMessage(printed(failed), username);
            expect(registrationOf(username)?.successful).to.equal(false);
            const exported = await steps.ok(engine.cli(["stack", "export", "--stack", stackName], program.dir));
            const recorded = stateResource(JSON.parse(exported.stdout), "ultravox:index:SipRegistration");
            expect(recorded.outputs.successful).to.equal(false);
            // Nothing changed: the engine updates the resource it recorded with the failure, which waits again.
            const again = steps.record(await program.up(stackName));
            expect(again.code, printed(again)).to.not.equal(0);
            expect(printed(again)).to.contain(
                `of "${username}" at "${DOMAIN}:${port}" is still not active after ${WAIT} s: the API says successful=false.`,
            );
            steps.expectStateFilesClean();
        });

        it("the right password: the next up waits again and succeeds; successful true, ul.lookup shows the contact, the subscriber is the one Kamailio loaded", async () => {
            await steps.ok(
                engine.cli(["config", "set", "--secret", "pbxPassword", PASSWORD, "--stack", stackName], program.dir),
            );
            await steps.ok(program.up(stackName));
            const outputs = await engine.stackOutputs(program.dir, stackName, true);
            expect(outputs.successful).to.equal(true);
            expect(outputs.registrationId).to.equal(registrationOf(username)?.registrationId);
            expect(rowOf(outputs.subscriberTable as string, username)).to.equal(rowOf(loaded, username));
            await expectRegisteredInKamailio(username);
            await steps.ok(engine.cli(["refresh", "--yes", "--stack", stackName], program.dir, 240_000));
            await steps.ok(engine.cli(["preview", "--expect-no-changes", "--stack", stackName], program.dir, 240_000));
            await steps.ok(engine.cli(["destroy", "--yes", "--stack", stackName], program.dir, 240_000));
            expect(await lookup(username)).to.not.match(new RegExp(`AoR: ${username}`));
            steps.expectStateFilesClean();
        });

        it("no key and no password in anything the CLI printed", () => {
            steps.expectTranscriptClean(8);
        });
    });
});
