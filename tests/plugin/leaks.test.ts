/**
 * Leak hunt, end to end: the data source runs through the real dynamic-provider plugin (and the
 * SDK's own serializer, and a setMocks program) with marker keys and marker fallback secrets;
 * every place a value can end up is searched for the markers. The only hits allowed are in
 * outputs the engine stores as secrets: `fallbackHandler` (it holds the signing secrets) and
 * `apiKey` when the program passed one explicitly (both listed in additionalSecretOutputs).
 *
 * Fail closed, through the plugin: a Read that fails is a gRPC error, never an empty or partial
 * success, so the engine keeps the previous outputs; and a program sees no output of a read that
 * failed (a schema failure at the last agent included).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, type EmulatorFault, startEmulator } from "pulumi-ultravox/emulator";
import { type Consumer, getConsumer } from "../helpers/consumer";
import { AGENT_A } from "../helpers/fixtures";
import {
    type Plugin,
    PluginCallError,
    type Props,
    type SerializedProvider,
    SIP_CONFIG_URN,
    serializedProvider,
    startPlugin,
} from "../helpers/plugin";
import { childEnv, runNode } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";
import { waitFor } from "../helpers/tools";

// Every marker holds MARK, so a search for MARK also finds a fragment of ten chars or more.
const MARK = "LEAKMARKER";
const CONFIG_KEY = `c0nf1g00.${MARK}configkey0000000000000`;
const ENV_KEY = `env0k3y0.${MARK}envkey000000000000000`;
const EXPLICIT_KEY = `expl1c1t.${MARK}explicitkey00000000000`;
const FALLBACK_SECRETS = [`${MARK}-fallback-secret-one-01`, `${MARK}-fallback-secret-two-02`];
const MARKERS = [CONFIG_KEY, ENV_KEY, EXPLICIT_KEY, ...FALLBACK_SECRETS, MARK];

const FALLBACK_URL = "https://pbx.example.com/ultravox/fallback";
const SIP = {
    domain: "leaks.sip.ultravox.invalid",
    allowedCidrRanges: ["203.0.113.0/24", "10.1.2.3/24"],
    allowAllAgents: false,
    allowedAgents: [{ agentId: AGENT_A }],
    fallbackHandler: { url: FALLBACK_URL, secrets: FALLBACK_SECRETS },
};
/** What the SipConfig class lists in additionalSecretOutputs for a read (checked at the mocks level below). */
const SECRET_OUTPUTS = ["fallbackHandler", "apiKey"];
const FALLBACK_PATHS = ["fallbackHandler.secrets.0", "fallbackHandler.secrets.1"];

function hasMarker(text: string): boolean {
    return MARKERS.some((marker) => text.includes(marker));
}

/** The dotted paths (sorted) of every string and key in `value` that holds a marker. */
function markerPaths(value: unknown): string[] {
    return pathsWithMarker(value, "").sort();
}

function pathsWithMarker(value: unknown, at: string): string[] {
    if (typeof value === "string") return hasMarker(value) ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((item, index) => pathsWithMarker(item, join(at, String(index))));
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([key, member]) => [
            ...(hasMarker(key) ? [join(at, `${key} (key)`)] : []),
            ...pathsWithMarker(member, join(at, key)),
        ]);
    }
    return [];
}

const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

function expectNoMarker(text: string, what: string): void {
    for (const marker of MARKERS) {
        const index = text.indexOf(marker);
        expect(index, `${what} holds a marker: …${text.slice(Math.max(0, index - 80), index + 80)}…`).to.equal(-1);
    }
}

async function callError(promise: Promise<unknown>): Promise<PluginCallError> {
    let result: unknown;
    try {
        result = await promise;
    } catch (error) {
        expect(error).to.be.instanceOf(PluginCallError);
        return error as PluginCallError;
    }
    expect.fail(`expected a gRPC error, got a success: ${JSON.stringify(result)}`);
}

/** A program under setMocks (helpers/mockEngine.ts) in a child process: setMocks is process-wide. */
const MOCKS_PROGRAM = `
const fs = require("node:fs");
const path = require("node:path");
const request = JSON.parse(process.env.LEAK_REQUEST);
const { installMockEngine, settle, isRpcSecret } = require(path.join(request.root, ".build/tests/helpers/mockEngine.js"));
const report = {};
const write = () => fs.writeFileSync(request.resultFile, JSON.stringify(report));
(async () => {
    const engine = await installMockEngine({ config: request.config, secretKeys: ["ultravox:apiKey"] });
    const ultravox = require(path.join(request.root, "dist/index.js"));
    const outputNames = ["domain", "allowedCidrRanges", "allowAllAgents", "allowedAgents", "fallbackHandler",
        "fallbackHandlerUrl", "fingerprint", "apiKey", "id"];
    const reads = {
        "from-config": ultravox.SipConfig.get("from-config", "sip"),
        explicit: ultravox.SipConfig.get("explicit", "sip", { apiKey: request.explicitKey, baseUrl: request.baseUrl }),
    };
    report.outputs = {};
    for (const [name, resource] of Object.entries(reads)) {
        report.outputs[name] = {};
        for (const output of outputNames) {
            if (resource[output] !== undefined) report.outputs[name][output] = await settle(resource[output]);
        }
    }
    // A read whose answer fails validation at its last agent: no output may resolve, nothing downstream may run.
    const failing = ultravox.SipConfig.get("failing", "sip", { baseUrl: request.failingUrl });
    report.downstreamRan = false;
    failing.allowedAgents.apply(() => { report.downstreamRan = true; });
    failing.domain.apply(() => { report.downstreamRan = true; });
    report.failing = {};
    for (const output of outputNames) {
        try {
            report.failing[output] = { resolved: await settle(failing[output]) };
        } catch (error) {
            report.failing[output] = { rejected: String(error && error.message) };
        }
    }
    report.resources = engine.resources.map((resource) => ({
        name: resource.name,
        type: resource.type,
        additionalSecretOutputs: resource.additionalSecretOutputs,
        state: resource.state,
        inputKeys: Object.keys(resource.inputs),
        secretInputKeys: Object.keys(resource.inputs).filter((key) => isRpcSecret(resource.inputs[key])),
        plainInputs: Object.fromEntries(Object.entries(resource.inputs).filter(([key, value]) => !isRpcSecret(value))),
    }));
    report.providerTexts = engine.providerTexts;
    write();
})().catch((error) => {
    report.crashed = String(error && error.stack);
    write();
});
`;

interface MocksReport {
    outputs: Record<string, Record<string, { value: unknown; secret: boolean }>>;
    failing: Record<string, { resolved?: unknown; rejected?: string }>;
    downstreamRan: boolean;
    resources: {
        name: string;
        type: string;
        additionalSecretOutputs: string[];
        state: Record<string, unknown>;
        inputKeys: string[];
        secretInputKeys: string[];
        plainInputs: Record<string, unknown>;
    }[];
    providerTexts: string[];
    crashed?: string;
}

describe("leak hunt: marker credentials through the plugin, the serializer and a setMocks program", function () {
    this.timeout(60_000);

    let consumer: Consumer;
    let emulator: Emulator;
    let broken: Emulator;
    let provider: SerializedProvider;
    const emulatorLog: string[] = [];

    before(async function () {
        this.timeout(180_000);
        const log = (line: string) => emulatorLog.push(line);
        [consumer, emulator, broken] = await Promise.all([
            getConsumer(),
            startEmulator({ account: { apiKeys: [CONFIG_KEY, ENV_KEY, EXPLICIT_KEY], sip: SIP }, log }),
            startEmulator({
                account: {
                    apiKeys: [CONFIG_KEY],
                    // Valid up to the last of 20 agents: a validator that stopped early would pass it.
                    sip: {
                        ...SIP,
                        allowedAgents: [
                            ...Array.from({ length: 19 }, (_, i) => ({
                                agentId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
                            })),
                            { agentId: "not-a-uuid" },
                        ],
                    },
                },
                log,
            }),
        ]);
        // The program has a key everywhere it could: config, environment and (below) explicit args.
        provider = await serializedProvider(consumer, {
            config: { "ultravox:apiKey": CONFIG_KEY, "ultravox:baseUrl": emulator.url },
            env: { ULTRAVOX_API_KEY: ENV_KEY },
        });
    });

    after(async () => {
        await Promise.all([emulator?.close(), broken?.close()]);
        expectNoMarker(emulatorLog.join("\n"), "the emulator's log");
    });

    describe("the serialized provider", () => {
        it("holds no marker, whether the key is in the config, the environment or the args", async () => {
            expectNoMarker(provider.text, "the serialized provider");
            expect(provider.inputKeys).to.deep.equal(["__provider"]);
            const explicit = await serializedProvider(consumer, {
                args: { apiKey: EXPLICIT_KEY, baseUrl: emulator.url },
                config: { "ultravox:apiKey": CONFIG_KEY },
                env: { ULTRAVOX_API_KEY: ENV_KEY },
            });
            expect(explicit.text).to.equal(provider.text);
            // The explicit key is an input (sent as a secret; see the mocks program below), never in the text.
            expect(explicit.inputKeys).to.deep.equal(["__provider", "apiKey", "baseUrl"]);
        });
    });

    describe("through the real plugin (key in the stack config and the environment)", () => {
        let plugin: Plugin;
        const inputs = (extra: Props = {}): Props => ({ __provider: provider.text, ...extra });

        before(async () => {
            plugin = await startPlugin(consumer, { env: { ULTRAVOX_API_KEY: ENV_KEY } });
            await plugin.configure(
                { "ultravox:apiKey": CONFIG_KEY, "ultravox:baseUrl": emulator.url },
                { secretKeys: ["ultravox:apiKey"] },
            );
        });
        afterEach(() => emulator.clearFaults());
        after(async () => {
            await plugin?.stop();
        });

        it("Check echoes no marker; Read puts markers only under fallbackHandler", async () => {
            const checked = await plugin.check(SIP_CONFIG_URN, {}, inputs());
            expect(markerPaths(checked)).to.deep.equal([]);
            const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, checked.inputs);
            expect(read.properties.fallbackHandler).to.deep.equal({ url: FALLBACK_URL, secrets: FALLBACK_SECRETS });
            expect(markerPaths(read.properties)).to.deep.equal(FALLBACK_PATHS);
            expect(read.inputs).to.equal(undefined);
        });

        it("an explicit key adds exactly one hit, apiKey; every hit is under a secret output", async () => {
            const explicit = inputs({ apiKey: EXPLICIT_KEY, baseUrl: emulator.url });
            const checked = await plugin.check(SIP_CONFIG_URN, {}, explicit);
            // The input the program sent as a secret comes back as that input: the engine keeps it secret.
            expect(markerPaths(checked)).to.deep.equal(["inputs.apiKey"]);
            const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, checked.inputs);
            const paths = markerPaths(read.properties);
            expect(paths).to.deep.equal(["apiKey", ...FALLBACK_PATHS]);
            for (const hit of paths) expect(SECRET_OUTPUTS).to.include(hit.split(".")[0]);

            // A refresh hands the prior outputs back: the same hits, no new ones.
            const refreshed = await plugin.read("sip", SIP_CONFIG_URN, read.properties, checked.inputs);
            expect(markerPaths(refreshed.properties)).to.deep.equal(paths);
        });

        const failures: [string, EmulatorFault, Props][] = [
            ["a 401 echoing the key", { status: 401, body: JSON.stringify({ detail: `bad key ${CONFIG_KEY}` }) }, {}],
            [
                "a 403 echoing the explicit key",
                { status: 403, body: JSON.stringify({ detail: EXPLICIT_KEY }) },
                { apiKey: EXPLICIT_KEY },
            ],
            [
                "invalid JSON around a fallback secret",
                { body: `{"domain":"d","allowedAgents":[],"fallbackHandler":{"secrets":[${FALLBACK_SECRETS[0]}]}}` },
                {},
            ],
            [
                "a fallback secret one char too long",
                {
                    body: JSON.stringify({
                        ...SIP,
                        fallbackHandler: { url: FALLBACK_URL, secrets: [FALLBACK_SECRETS[0]?.padEnd(121, "z")] },
                    }),
                },
                {},
            ],
            ["a redirect carrying the key", { status: 302, redirectTo: `http://127.0.0.1:9/?k=${CONFIG_KEY}` }, {}],
            [
                "a body over 1 MiB full of secrets",
                { body: JSON.stringify({ ...SIP, pad: FALLBACK_SECRETS[0]?.repeat(40_000) }) },
                {},
            ],
            ["a 429 with maxRetries 0", { status: 429, retryAfter: "0" }, { maxRetries: 0 }],
            ["a server that never answers", { hang: true }, { timeoutMs: 800 }],
        ];
        for (const [what, fault, props] of failures) {
            it(`${what}: a gRPC error without any marker`, async () => {
                emulator.addFault(fault);
                const error = await callError(plugin.read("sip", SIP_CONFIG_URN, undefined, inputs(props)));
                expect(error.code).to.equal(2);
                expectNoMarker(error.message, "the gRPC error");
                expectNoMarker(JSON.stringify(error), "the gRPC error's fields");
            });
        }

        it("wrote no marker to stdout or stderr, over all of the above", async () => {
            const output = await plugin.stop();
            expectNoMarker(output.stdout, "the plugin's stdout");
            expectNoMarker(output.stderr, "the plugin's stderr");
            // The plugin did log each failed Read with its code, so the search above saw them.
            for (const code of ["auth", "invalid_response", "http", "rate_limited", "timeout"]) {
                expect(output.stderr).to.contain(`UltravoxError [${code}]`);
            }
        });
    });

    describe("a setMocks program (helpers/mockEngine.ts) in a child process", () => {
        let report: MocksReport;
        let processOutput: string;

        before(async function () {
            this.timeout(90_000);
            const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ultravox-leaks-")), "report.json");
            const run = await runNode(["-e", MOCKS_PROGRAM], {
                cwd: REPO_ROOT,
                env: childEnv({
                    ULTRAVOX_API_KEY: ENV_KEY,
                    LEAK_REQUEST: JSON.stringify({
                        root: REPO_ROOT,
                        resultFile,
                        config: { "ultravox:apiKey": CONFIG_KEY, "ultravox:baseUrl": emulator.url },
                        explicitKey: EXPLICIT_KEY,
                        baseUrl: emulator.url,
                        failingUrl: broken.url,
                    }),
                }),
                timeoutMs: 80_000,
            });
            processOutput = `${run.stdout}\n${run.stderr}`;
            expect(fs.existsSync(resultFile), `no report: ${processOutput}`).to.equal(true);
            report = JSON.parse(fs.readFileSync(resultFile, "utf8")) as MocksReport;
            fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
            expect(report.crashed).to.equal(undefined);
            // The failing read fails the program, as it must: the SDK reports it on the way out.
            expect(run.code).to.not.equal(0);
            expect(run.stderr).to.contain("failed validation at allowedAgents.19.agentId");
        });

        it("the program's outputs: a marker only in outputs that are secret", () => {
            for (const [name, outputs] of Object.entries(report.outputs)) {
                for (const [output, { value, secret }] of Object.entries(outputs)) {
                    if (markerPaths(value).length > 0) {
                        expect(secret, `${name}.${output} holds a marker but is not secret`).to.equal(true);
                    }
                }
            }
            expect(report.outputs["from-config"]?.fallbackHandler).to.deep.equal({
                value: { url: FALLBACK_URL, secrets: FALLBACK_SECRETS },
                secret: true,
            });
            expect(report.outputs.explicit?.apiKey).to.deep.equal({ value: EXPLICIT_KEY, secret: true });
            expect(report.outputs["from-config"]?.fallbackHandlerUrl).to.deep.equal({
                value: FALLBACK_URL,
                secret: false,
            });
        });

        it("the engine's state: hits only under additionalSecretOutputs, which are exactly fallbackHandler and apiKey", () => {
            const reads = report.resources.filter((resource) => resource.name !== "failing");
            expect(reads.map((resource) => resource.name).sort()).to.deep.equal(["explicit", "from-config"]);
            for (const resource of reads) {
                expect(resource.type).to.equal("pulumi-nodejs:dynamic/ultravox:SipConfig");
                expect(resource.additionalSecretOutputs).to.deep.equal(SECRET_OUTPUTS);
                const expected = resource.name === "explicit" ? ["apiKey", ...FALLBACK_PATHS] : FALLBACK_PATHS;
                expect(markerPaths(resource.state), resource.name).to.deep.equal(expected);
                // What the program sent: the explicit key only as a secret input, nothing in the plain ones.
                expect(resource.secretInputKeys).to.deep.equal(resource.name === "explicit" ? ["apiKey"] : []);
                expect(markerPaths(resource.plainInputs), resource.name).to.deep.equal([]);
            }
        });

        it("the provider texts the engine stored hold no marker", () => {
            expect(report.providerTexts.length).to.be.at.least(2);
            for (const text of report.providerTexts) expectNoMarker(text, "a stored provider text");
        });

        it("the process output (the failed program's error included) holds no marker", () => {
            expectNoMarker(processOutput, "the program's stdout and stderr");
        });

        it("fail closed: a read failing at its last agent resolves no output and runs nothing downstream", () => {
            expect(report.downstreamRan).to.equal(false);
            expect(report.resources.some((resource) => resource.name === "failing")).to.equal(false);
            expect(Object.keys(report.failing).sort()).to.deep.equal(
                [
                    "allowAllAgents",
                    "allowedAgents",
                    "allowedCidrRanges",
                    "apiKey",
                    "domain",
                    "fallbackHandler",
                    "fallbackHandlerUrl",
                    "fingerprint",
                    "id",
                ].sort(),
            );
            for (const [output, outcome] of Object.entries(report.failing)) {
                expect(outcome.resolved, `${output} resolved`).to.equal(undefined);
                expect(outcome.rejected).to.contain("failed validation at allowedAgents.19.agentId");
            }
        });
    });
});

describe("fail closed through the plugin: a Read that fails is a gRPC error, never an empty or partial success", function () {
    this.timeout(60_000);

    let consumer: Consumer;
    let emulator: Emulator;
    let provider: SerializedProvider;
    let plugin: Plugin;
    let prior: Props;

    before(async function () {
        this.timeout(180_000);
        [consumer, emulator] = await Promise.all([
            getConsumer(),
            startEmulator({ account: { apiKeys: [CONFIG_KEY], sip: SIP } }),
        ]);
        provider = await serializedProvider(consumer, {});
        plugin = await startPlugin(consumer);
        await plugin.configure({ "ultravox:apiKey": CONFIG_KEY, "ultravox:baseUrl": emulator.url });
        // The state a refresh starts from: the previous outputs, with a short deadline kept in them.
        const settings = { timeoutMs: 1_500, maxRetries: 1 };
        prior = (await plugin.read("sip", SIP_CONFIG_URN, undefined, { __provider: provider.text, ...settings }))
            .properties;
        expect(prior).to.include(settings);
    });
    afterEach(() => emulator.clearFaults());
    after(async () => {
        await plugin?.stop();
        await emulator?.close();
    });

    const agents20 = (last: Record<string, unknown>) => [
        ...Array.from({ length: 19 }, (_, i) => ({
            agentId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        })),
        last,
    ];
    const cases: [string, EmulatorFault, RegExp, string][] = [
        [
            "a schema failure at the last of 20 agents",
            { body: JSON.stringify({ ...SIP, allowedAgents: agents20({ agentId: "x" }) }) },
            /allowedAgents\.19\.agentId/,
            "invalid_response",
        ],
        [
            "a 201-char pattern at the last agent",
            {
                body: JSON.stringify({
                    ...SIP,
                    allowedAgents: agents20({ agentId: AGENT_A, toUserPattern: "p".repeat(201) }),
                }),
            },
            /allowedAgents\.19\.toUserPattern/,
            "invalid_response",
        ],
        [
            "an invalid last CIDR",
            { body: JSON.stringify({ ...SIP, allowedCidrRanges: ["10.0.0.0/8", "10.0.0.0/33"] }) },
            /allowedCidrRanges\.1/,
            "invalid_response",
        ],
        ["an empty object", { body: "{}" }, /failed validation at domain/, "invalid_response"],
        ["truncated JSON", { body: JSON.stringify(SIP).slice(0, -3) }, /not valid JSON/, "invalid_response"],
        [
            "an HTML page with 200",
            { contentType: "text/html", body: "<html>maintenance</html>" },
            /text\/html/,
            "invalid_response",
        ],
        ["a body over 1 MiB", { bodyBytes: 2 * 1024 * 1024, chunked: true }, /over 1048576 bytes/, "invalid_response"],
        ["a server that never answers", { hang: true }, /did not complete within 1500 ms/, "timeout"],
        ["headers, then a stall", { stallAfterHeaders: true }, /did not complete within 1500 ms/, "timeout"],
        // maxRetries is 1 in the prior outputs: two attempts each.
        [
            "resets mid-body, every time",
            { resetAfterBytes: 20, bodyBytes: 4_000, times: 2 },
            /connection broke/,
            "network",
        ],
        ["a 429 storm", { status: 429, retryAfter: "0", times: 2 }, /HTTP 429 after 2 attempts/, "rate_limited"],
        [
            "a 503 burst longer than the retries",
            { status: 503, retryAfter: "0", times: 2 },
            /HTTP 503 \(after 2 attempts\)/,
            "server",
        ],
        [
            "a redirect",
            { status: 308, redirectTo: "https://elsewhere.example/api/sip" },
            /redirects are never followed/,
            "http",
        ],
        ["a 401", { status: 401 }, /refused the API key/, "auth"],
        ["a 404", { status: 404 }, /404 Not Found/, "not_found"],
    ];
    for (const [what, fault, message, code] of cases) {
        it(`${what}: a gRPC error (${code}) on refresh; the next Read is whole`, async () => {
            emulator.addFault(fault);
            const stderrBefore = plugin.output().stderr.length;
            const error = await callError(plugin.read("sip", SIP_CONFIG_URN, prior, { __provider: provider.text }));
            expect(error.method).to.equal("Read");
            expect(error.code).to.equal(2);
            expect(error.message).to.match(message);
            // The plugin logs `${err}`, which carries the code; its stderr may arrive after the gRPC answer.
            const logged = () => plugin.output().stderr.slice(stderrBefore);
            await waitFor(() => logged().includes(`UltravoxError [${code}]`), 5_000);
            expect(logged()).to.contain(`UltravoxError [${code}]`);
            expect(emulator.pendingFaults).to.equal(0);
            // No cached failure and no cached half-answer: the next read gives the whole config again.
            const next = await plugin.read("sip", SIP_CONFIG_URN, prior, { __provider: provider.text });
            expect(next.properties).to.deep.equal(prior);
        });
    }
});
