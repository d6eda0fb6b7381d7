/**
 * The data source through the real engine: the repo-root project (Pulumi.yaml → examples/stack-outputs)
 * set up with the real CLI, previewed, updated, changed, refreshed, referenced by a second stack,
 * and made to fail in every way the API can fail.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { asteriskPjsip, nftablesRuleset } from "pulumi-ultravox";
import { type Emulator, type EmulatorFault, startEmulator } from "pulumi-ultravox/emulator";
import { AGENT_A, AGENT_B, account, DOMAIN, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { REPO_ROOT } from "../helpers/repo";
import { Engine, failureOf, occurrences, programAt, requirePulumi, stateResource, Transcript } from "./helpers/engine";

const CIDRS = ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"];
const HANDLER_URL = "https://pbx.example.com/ultravox/fallback";
const SECRETS = (rawSipConfig().fallbackHandler as { secrets: string[] }).secrets;
// The fingerprint of rawSipConfig(), as tests/mocks/stack-outputs recomputes it from the documented material.
const AGENTS = [
    { agentId: AGENT_B, toUserPattern: "^support$" },
    { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
];
const SIP_CONFIG_TYPE = "pulumi-nodejs:dynamic/ultravox:SipConfig";
const ROOT_PROJECT = "pulumi-ultravox-demo";

describe("e2e: the data source in the real engine (repo-root project)", function () {
    this.timeout(180_000);
    let engine: Engine;
    let emulator: Emulator;
    let stack: automation.Stack;
    const stackName = `e2e-read-${process.pid}`;
    const stackConfigFile = path.join(REPO_ROOT, `Pulumi.${stackName}.yaml`);
    let outputsAfterUp: Record<string, unknown>;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        emulator = await startEmulator({ account: account() });
    });

    after(async () => {
        fs.rmSync(stackConfigFile, { force: true });
        await emulator?.close();
        engine?.cleanup();
    });

    it("sets up the stack with the CLI: stack init, the key as a secret, the base URL", async () => {
        expect((await engine.cli(["stack", "init", stackName], REPO_ROOT)).code).to.equal(0);
        const secret = await engine.cli(["config", "set", "--secret", "ultravox:apiKey", TEST_API_KEY], REPO_ROOT);
        expect(secret.code, secret.stderr).to.equal(0);
        const base = await engine.cli(["config", "set", "ultravox:baseUrl", emulator.url], REPO_ROOT);
        expect(base.code, base.stderr).to.equal(0);
        // The stack's config file holds the key encrypted, never in plaintext.
        expect(occurrences(fs.readFileSync(stackConfigFile), TEST_API_KEY)).to.equal(0);
        stack = await engine.stack(stackName, REPO_ROOT, programAt("examples/stack-outputs/index.js"));
    });

    it("`pulumi preview` already carries the account's values: the read happens at preview", async () => {
        const preview = new Transcript();
        await stack.preview(preview);
        // The engine's step events: what `pulumi preview --json` prints as steps.
        const read = preview.step(SIP_CONFIG_TYPE, "ultravox-sip");
        expect(read?.op).to.equal("read");
        const outputs = read?.new?.outputs ?? {};
        expect(outputs.domain).to.equal(DOMAIN);
        expect(outputs.allowedCidrRanges).to.deep.equal(CIDRS);
        expect(outputs.allowedAgents).to.deep.equal(AGENTS);
        expect(outputs.fallbackHandlerUrl).to.equal(HANDLER_URL);
        // A secret output reaches the event stream as the engine's secret envelope, not its value.
        expect(JSON.stringify(outputs.fallbackHandler)).to.not.contain(SECRETS[0]);
        expect(preview.stdout).to.match(/\+ 1 to create/);
        saveTranscript("preview.txt", preview.stdout);
        for (const secret of [TEST_API_KEY, ...SECRETS]) expect(occurrences(preview.all, secret)).to.equal(0);
        // The events carry the fallback secrets in one place only: the SDK's own debug line for the
        // ReadResource response (shown by `--debug`; upstream prints every resource's raw response).
        expect(occurrences(JSON.stringify(preview.events), TEST_API_KEY)).to.equal(0);
        const carrying = preview.events.filter((event) => JSON.stringify(event).includes(SECRETS[0] as string));
        expect(
            carrying.map((event) => [event.diagnosticEvent?.severity, event.diagnosticEvent?.message.slice(0, 22)]),
        ).to.deep.equal([["debug", "ReadResource RPC finis"]]);
        expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["GET /api/sip"]);
    });

    it("`pulumi up`, then `pulumi stack output --json` gives exactly the emulator's normalized account", async () => {
        const up = await stack.up();
        expect(up.summary.result).to.equal("succeeded");
        const output = await engine.cli(["stack", "output", "--json"], REPO_ROOT);
        expect(output.code, output.stderr).to.equal(0);
        outputsAfterUp = JSON.parse(output.stdout);
        saveTranscript("stack-output.json", output.stdout);
        expect(outputsAfterUp).to.deep.equal({
            sipDomain: DOMAIN,
            allowedCidrRanges: CIDRS,
            allowAllAgents: false,
            allowedAgents: AGENTS,
            // agent_<B> goes to the fallback handler (B's pattern is ^support$): no address for B.
            agentDialTargets: [
                {
                    agentId: AGENT_B,
                    toUserPattern: "^support$",
                    note: `agent_${AGENT_B} goes to the fallback handler: dial a To user matching ^support$ at ${DOMAIN}.`,
                },
                {
                    agentId: AGENT_A,
                    uri: `sip:agent_${AGENT_A}@${DOMAIN}`,
                    toUserPattern: `^agent_${AGENT_A}$`,
                },
            ],
            fallbackHandlerUrl: HANDLER_URL,
            fingerprint: "9a7598eff6b4e7ba04546f2ea794f0747c2a6d5423cdd7eb0bc1f31160b728f6",
            // The files the example renders: the renderers' text on the same values.
            nftablesRuleset: nftablesRuleset(CIDRS),
            asteriskPjsip: asteriskPjsip({
                domain: DOMAIN,
                allowedCidrRanges: CIDRS,
                allowedAgents: AGENTS,
                allowAllAgents: false,
                fallbackHandlerUrl: HANDLER_URL,
            }).text,
        });
        // No export is secret, so --show-secrets has nothing more to show.
        const shown = await engine.cli(["stack", "output", "--json", "--show-secrets"], REPO_ROOT);
        expect(JSON.parse(shown.stdout)).to.deep.equal(outputsAfterUp);
    });

    it("the state (export and raw file) holds neither the key nor a fallback secret, and a small credential-free __provider", async () => {
        const exported = await engine.cli(["stack", "export"], REPO_ROOT);
        expect(exported.code, exported.stderr).to.equal(0);
        const raw = engine.stateFile(ROOT_PROJECT, stackName);
        for (const secret of [TEST_API_KEY, ...SECRETS]) {
            expect(occurrences(exported.stdout, secret), `${secret} in stack export`).to.equal(0);
            expect(occurrences(raw, secret), `${secret} in the state file`).to.equal(0);
            for (const { file, bytes } of engine.backendFiles()) {
                expect(occurrences(bytes, secret), `${secret} in ${file}`).to.equal(0);
            }
        }
        const resource = stateResource(JSON.parse(exported.stdout), SIP_CONFIG_TYPE);
        const provider = resource.inputs.__provider as string;
        expect(provider).to.be.a("string");
        expect(provider.length).to.be.below(1500);
        expect(provider).to.contain('require("pulumi-ultravox/provider-impl")');
        // The fallback handler is stored encrypted: the engine's secret envelope, not its value.
        expect(resource.outputs.fallbackHandler).to.have.property("ciphertext");
        expect(resource.external).to.equal(true);
    });

    it("a changed account: preview --diff shows the new CIDR, up carries it to a second stack through a real StackReference", async () => {
        // The second stack first, on the old account: its rendered nftables text has no 192.0.2.0/24.
        const refDir = engine.projectDir("uv-stack-reference");
        const ref = await engine.stack("consumer", refDir, programAt("examples/stack-reference/index.js"));
        await ref.setConfig("uv-stack-reference:sipStack", { value: `organization/${ROOT_PROJECT}/${stackName}` });
        expect((await ref.up()).summary.result).to.equal("succeeded");
        expect((await ref.outputs()).nftablesConf?.value).to.not.contain("192.0.2.0/24");

        emulator.replaceSip({ ...rawSipConfig(), allowedCidrRanges: [...CIDRS, "192.0.2.0/24"] } as never);
        const diff = new Transcript();
        await stack.preview({ ...diff, diff: true });
        expect(diff.stdout).to.contain('"192.0.2.0/24"');
        const up = await stack.up();
        expect(up.outputs.allowedCidrRanges?.value).to.deep.equal([
            "9.0.0.0/8",
            "10.1.2.0/24",
            "192.0.2.0/24",
            "198.51.100.7/32",
            "203.0.113.0/24",
        ]);

        const refUp = await ref.up();
        expect(refUp.outputs.cidrCount?.value).to.equal(5);
        expect(refUp.outputs.nftablesConf?.value).to.contain("192.0.2.0/24");
        expect(refUp.outputs.sipDomain?.value).to.equal(DOMAIN);
    });

    it("`pulumi refresh` re-reads the account into the resource's state (the stack outputs follow at the next up)", async () => {
        emulator.replaceSip({ ...rawSipConfig(), allowedCidrRanges: ["100.64.0.0/10"] } as never);
        const refresh = await stack.refresh();
        expect(refresh.summary.result).to.equal("succeeded");
        const exported = await engine.cli(["stack", "export"], REPO_ROOT);
        expect(stateResource(JSON.parse(exported.stdout), SIP_CONFIG_TYPE).outputs.allowedCidrRanges).to.deep.equal([
            "100.64.0.0/10",
        ]);
        const up = await stack.up();
        expect(up.outputs.allowedCidrRanges?.value).to.deep.equal(["100.64.0.0/10"]);
        emulator.replaceSip(rawSipConfig() as never);
        expect((await stack.up()).outputs.allowedCidrRanges?.value).to.deep.equal(CIDRS);
    });

    describe("fails closed: the update fails fast, names the problem, leaves the outputs and prints no key", () => {
        const faults: { name: string; fault: EmulatorFault; message: RegExp; withinMs: number }[] = [
            { name: "401", fault: { status: 401 }, message: /\[auth\]/, withinMs: 20_000 },
            { name: "persistent 500", fault: { status: 500 }, message: /\[server\].*500/, withinMs: 30_000 },
            { name: "persistent 503", fault: { status: 503 }, message: /\[server\].*503/, withinMs: 30_000 },
            {
                name: "an invalid body",
                fault: { body: JSON.stringify({ domain: 42, allowedAgents: [] }) },
                message: /\[invalid_response\].*domain/,
                withinMs: 20_000,
            },
            // The read's default deadline is 30 s: the update ends within it plus a few seconds.
            { name: "a hang", fault: { hang: true }, message: /\[timeout\]/, withinMs: 45_000 },
        ];
        for (const { name, fault, message, withinMs } of faults) {
            it(name, async () => {
                emulator.clearFaults();
                emulator.addFault({ ...fault, times: 1000 });
                const run = new Transcript();
                const started = Date.now();
                const error = await failureOf(() =>
                    stack.up({ ...run, logVerbosity: 9, logFlow: true, logToStdErr: true }),
                );
                const elapsed = Date.now() - started;
                emulator.clearFaults();
                expect(elapsed, "time to fail").to.be.below(withinMs);
                expect(`${run.all}\n${error.message}`).to.match(message);
                for (const text of [run.stdout, run.stderr, error.message, JSON.stringify(run.events)]) {
                    expect(occurrences(text, TEST_API_KEY)).to.equal(0);
                }
                const output = await engine.cli(["stack", "output", "--json"], REPO_ROOT);
                expect(JSON.parse(output.stdout)).to.deep.equal(outputsAfterUp);
            });
        }
    });
});

/** The README quotes these: the real CLI's words for the repo-root project (.build/e2e-transcripts/). */
function saveTranscript(name: string, text: string): void {
    const dir = path.join(REPO_ROOT, ".build", "e2e-transcripts");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
}
