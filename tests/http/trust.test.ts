/**
 * Trust at the seams (issue 30), one `describe` per class: which account a key may act on, what
 * a server echoes of a request, what a message may claim after a write, and the bounds on what
 * comes from outside. The lifecycles both doors call are driven directly against real local servers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { UltravoxClient } from "pulumi-ultravox";
import { type Emulator, type EmulatorRegistration, startEmulator } from "pulumi-ultravox/emulator";
import { type KeyRouter, startKeyRouter } from "../helpers/accounts";
import { rejectionOf } from "../helpers/errors";
import { account, DOMAIN, OTHER_API_KEY, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { packageSchema, registrationLifecycle, sipConfigLifecycle } from "../helpers/internal";
import { expectNoSecret } from "../helpers/leaks";
import { UNKNOWN } from "../helpers/plugin";

const { SipRegistrationLifecycle } = registrationLifecycle;
const { SipConfigLifecycle } = sipConfigLifecycle;

const PASSWORD = "pbx-registration-password-0f3c";
const OTHER_DOMAIN = "other-test.sip.ultravox.invalid";
const BASE = { username: "ultravox", password: PASSWORD, proxy: "pbx.example.com" };

/** A lifecycle context as a door builds one: stack config with a key and base URL, warnings collected. */
function context(apiKey: string, baseUrl: string, warnings: string[] = []) {
    return {
        config: (key: string) =>
            key === "ultravox:apiKey" ? apiKey : key === "ultravox:baseUrl" ? baseUrl : undefined,
        env: {},
        warn: (message: string) => warnings.push(message),
    };
}

/** A loopback server whose every answer `handler` writes, counting the requests. */
async function startServer(
    handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
    let count = 0;
    const server: Server = createServer((req, res) => {
        count++;
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => handler(req, Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests: () => count,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
}

describe("trust at the seams: each key only to its own account", function () {
    this.timeout(20_000);
    let first: Emulator;
    let second: Emulator;
    let router: KeyRouter;

    beforeEach(async () => {
        first = await startEmulator({ account: account(TEST_API_KEY) });
        second = await startEmulator({ account: account(OTHER_API_KEY, { ...rawSipConfig(), domain: OTHER_DOMAIN }) });
        router = await startKeyRouter({ [TEST_API_KEY]: first.url, [OTHER_API_KEY]: second.url });
    });
    afterEach(async () => {
        await router.close();
        await first.close();
        await second.close();
    });

    const keysSeenBy = (emulator: Emulator) => emulator.requests.map((request) => request.headers["x-api-key"]);

    it("records the account's domain, not only its base URL, and never the configured key", async () => {
        const created = await new SipRegistrationLifecycle(context(TEST_API_KEY, router.url)).create(BASE);
        expect(created.outs.accountBaseUrl).to.equal(router.url);
        expect(created.outs.accountDomain).to.equal(DOMAIN);
        expect(created.outs.apiKey).to.equal(undefined);
        // A hash of the key, never the key: enough to tell the same key again.
        expect(created.outs.keyFingerprint).to.match(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(created.outs)).to.not.contain(TEST_API_KEY);
    });

    it("a key switched to another account at the same base URL: a replace, and delete refuses instead of calling the registration gone", async () => {
        const created = await new SipRegistrationLifecycle(context(TEST_API_KEY, router.url)).create(BASE);
        const warnings: string[] = [];
        const switched = new SipRegistrationLifecycle(context(OTHER_API_KEY, router.url, warnings));
        expect(await switched.diff(created.id, created.outs, BASE)).to.deep.equal({
            changes: true,
            replaces: ["accountDomain"],
            deleteBeforeReplace: true,
        });
        second.clearRequests();
        const refused = await rejectionOf(switched.delete(created.id, created.outs));
        expect(refused.code).to.equal("conflict");
        expect(refused.message).to.contain(
            `The SIP registration ${created.id} belongs to the account with domain "${DOMAIN}"`,
        );
        expect(refused.message).to.contain(`reaches the account with domain "${OTHER_DOMAIN}"`);
        expect(refused.message).to.contain(`pulumi-ultravox registrations remove ${created.id}`);
        expect(warnings).to.deep.equal([]);
        // Account A still holds it; nothing was asked of B about it.
        expect(first.account.registrations?.map((registration) => registration.registrationId)).to.deep.equal([
            created.id,
        ]);
        expect(second.requests.map((request) => `${request.method} ${request.path}`)).to.deep.equal(["GET /api/sip"]);
        // A refresh refuses as well: a 404 from B would have made the engine forget a live registration.
        expect((await rejectionOf(switched.read(created.id, created.outs))).code).to.equal("conflict");
    });

    it("a state that holds its own key reaches its account with it, whatever the stack config now says", async () => {
        const explicit = { ...BASE, apiKey: TEST_API_KEY };
        const created = await new SipRegistrationLifecycle(context(OTHER_API_KEY, router.url)).create(explicit);
        expect(created.outs.accountDomain).to.equal(DOMAIN);
        const moved = new SipRegistrationLifecycle(context(OTHER_API_KEY, router.url));
        await moved.delete(created.id, created.outs);
        expect(first.account.registrations).to.deep.equal([]);
        expect(keysSeenBy(second)).to.not.include(TEST_API_KEY);
    });

    it("base URL and key both moved: the new key never goes to the old host, and the message says what to do", async () => {
        const created = await new SipRegistrationLifecycle(context(TEST_API_KEY, first.url)).create(BASE);
        const moved = new SipRegistrationLifecycle(context(OTHER_API_KEY, second.url));
        const diff = await moved.diff(created.id, created.outs, BASE);
        expect(diff).to.deep.equal({ changes: true, replaces: ["baseUrl"], deleteBeforeReplace: true });
        first.clearRequests();
        for (const step of [() => moved.delete(created.id, created.outs), () => moved.read(created.id, created.outs)]) {
            const refused = await rejectionOf(step());
            expect(refused.code).to.equal("conflict");
            expect(refused.message).to.contain("The configured key was not sent there");
            expect(refused.message).to.contain(`domain "${DOMAIN}"`);
            expectNoSecret(refused, [OTHER_API_KEY, TEST_API_KEY]);
        }
        expect(first.requests).to.deep.equal([]);
        expect(first.account.registrations).to.have.length(1);
    });

    it("the base URL alone moved (the same key): the old registration is deleted at its own base URL, with that key", async () => {
        const sameKeyElsewhere = await startEmulator({
            account: account(TEST_API_KEY, { ...rawSipConfig(), domain: OTHER_DOMAIN }),
        });
        try {
            const created = await new SipRegistrationLifecycle(context(TEST_API_KEY, first.url)).create(BASE);
            const moved = new SipRegistrationLifecycle(context(TEST_API_KEY, sameKeyElsewhere.url));
            expect(await moved.diff(created.id, created.outs, BASE)).to.deep.include({ replaces: ["baseUrl"] });
            await moved.delete(created.id, created.outs);
            expect(first.account.registrations).to.deep.equal([]);
            expect(sameKeyElsewhere.requests.filter((request) => request.method === "DELETE")).to.deep.equal([]);
        } finally {
            await sameKeyElsewhere.close();
        }
    });

    it("a state of 0.1.0 (no key fingerprint) whose base URL moved: refused, nothing sent to the old host", async () => {
        const created = await new SipRegistrationLifecycle(context(TEST_API_KEY, first.url)).create(BASE);
        const { keyFingerprint: _dropped, ...earlier } = created.outs;
        first.clearRequests();
        const refused = await rejectionOf(
            new SipRegistrationLifecycle(context(TEST_API_KEY, second.url)).delete(created.id, earlier),
        );
        expect(refused.code).to.equal("conflict");
        expect(refused.message).to.contain("does not record which key reached it");
        expect(first.requests).to.deep.equal([]);
    });

    it("the managed SipConfig's refresh and delete never send the new key to the old host either", async () => {
        const owner = new SipConfigLifecycle(context(TEST_API_KEY, first.url));
        const created = await owner.create({ allowedCidrRanges: ["192.0.2.0/24"] });
        const moved = new SipConfigLifecycle(context(OTHER_API_KEY, second.url));
        first.clearRequests();
        for (const step of [() => moved.delete(created.id, created.outs), () => moved.read(created.id, created.outs)]) {
            const refused = await rejectionOf(step());
            expect(refused.code).to.equal("conflict");
            expect(refused.message).to.contain("The configured key was not sent there");
        }
        expect(first.requests).to.deep.equal([]);
    });

    it("the same base URL spelled another way is the same account, for both resources", async () => {
        const spelled = [`${first.url}/`, first.url.replace("http://", "HTTP://"), `${first.url}//`];
        const ctx = context(TEST_API_KEY, first.url);
        const registration = await new SipRegistrationLifecycle(ctx).create({ ...BASE, baseUrl: first.url });
        const config = await new SipConfigLifecycle(ctx).create({
            baseUrl: first.url,
            allowedCidrRanges: ["192.0.2.0/24"],
        });
        for (const baseUrl of spelled) {
            const registrationDiff = await new SipRegistrationLifecycle(ctx).diff(registration.id, registration.outs, {
                ...BASE,
                baseUrl,
            });
            expect(registrationDiff, baseUrl).to.deep.equal({ changes: false });
            const configDiff = await new SipConfigLifecycle(ctx).diff(config.id, config.outs, {
                baseUrl,
                allowedCidrRanges: ["192.0.2.0/24"],
            });
            expect(configDiff, baseUrl).to.deep.equal({ changes: false });
        }
    });
});

describe("trust at the seams: every secret a request carries is redacted from what comes back", function () {
    this.timeout(20_000);
    let echo: Awaited<ReturnType<typeof startServer>>;
    let mode: { status: number; contentType?: string; location?: boolean };

    before(async () => {
        // Echoes the request body back in the error's detail, as some servers and proxies do.
        echo = await startServer((req, body, res) => {
            if (req.method === "GET" && req.url === "/api/sip") return json(res, 200, rawSipConfig());
            const headers: Record<string, string> = {};
            if (mode.location) headers.location = `http://${encodeURIComponent(body).slice(0, 200)}.example/`;
            res.writeHead(mode.status, { "content-type": mode.contentType ?? "application/json", ...headers });
            res.end(JSON.stringify({ detail: `Could not process ${body}` }));
        });
    });
    after(() => echo.close());

    const client = () => new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: echo.url, maxRetries: 0 });
    const ID = "00000000-0000-4000-8000-000000000001";
    const writes: [string, (password: string) => Promise<unknown>][] = [
        ["POST a registration", (password) => client().createSipRegistration({ ...BASE, password })],
        ["PATCH a registration", (password) => client().updateSipRegistration(ID, { password })],
        [
            "PATCH the fallback handler",
            (secret) =>
                client().patchSipConfig({ fallbackHandler: { url: "https://pbx.example.com/fb", secrets: [secret] } }),
        ],
    ];
    const modes = [
        { status: 400 },
        { status: 422 },
        { status: 500 },
        { status: 409, contentType: "text/plain" },
        { status: 302, location: true },
    ];

    for (const [what, write] of writes) {
        for (const answer of modes) {
            it(`${what}, answered ${answer.status}${answer.location ? " with a Location" : ""}: neither the key nor the secret sent comes back`, async () => {
                mode = answer;
                const error = await rejectionOf(write(PASSWORD));
                expectNoSecret(error, [TEST_API_KEY, PASSWORD]);
                if (answer.status === 400) expect(error.message).to.contain("Could not process");
            });
        }
        it(`${what}: a secret too short to mask is never quoted, the detail left out instead`, async () => {
            mode = { status: 400 };
            const error = await rejectionOf(write("q7z"));
            expect(error.message).to.not.contain("q7z");
            expect(error.message).to.contain("(left out: it holds a secret that was sent)");
        });
    }
});

describe("trust at the seams: messages claim only what is known", function () {
    this.timeout(20_000);
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startEmulator({ account: account() });
    });
    afterEach(() => emulator.close());
    const lifecycle = (warnings: string[] = []) =>
        new SipRegistrationLifecycle({ ...context(TEST_API_KEY, emulator.url, warnings), maxRetries: 0 });

    for (const status of [400, 403, 409, 422]) {
        it(`a create refused with ${status} says nothing about having reached the server`, async () => {
            emulator.addFault({ method: "POST", status });
            const error = await rejectionOf(lifecycle().create(BASE));
            expect(error.maybeApplied).to.equal(false);
            expect(error.message).to.not.contain("may have");
            expect(emulator.account.registrations).to.deep.equal([]);
        });
    }

    it("a create answered 500, the look after it failing too: it may have reached the server, and the next up is said", async () => {
        emulator.addFault({
            method: "POST",
            status: 500,
            before: (self) => self.addFault({ method: "GET", path: "/api/sip/registrations", status: 500 }),
        });
        const error = await rejectionOf(lifecycle().create(BASE));
        expect(error.maybeApplied).to.equal(true);
        expect(error.message).to.contain("The create may have reached the server: run `pulumi up` again");
    });

    for (const [fault, what] of [
        [{ status: 500 }, "answered 500"],
        [{ resetAfterApply: true }, "applied, then the connection reset"],
    ] as const) {
        it(`a registration PATCH ${what}: may have been applied, and what the next up does`, async () => {
            const created = await lifecycle().create(BASE);
            emulator.addFault({ method: "PATCH", ...fault });
            const error = await rejectionOf(
                lifecycle().update(created.id, created.outs, { ...BASE, password: "rotated-password-5b1a" }),
            );
            expect(error.maybeApplied).to.equal(true);
            expect(error.message).to.contain("the server may have applied the PATCH all the same");
            expect(error.message).to.contain(
                "The next `pulumi up` reads the registration and sends what still differs",
            );
            expect(error.message).to.not.contain("nothing was applied");
            expectNoSecret(error, [TEST_API_KEY, "rotated-password-5b1a"]);
        });
    }

    it("a SipConfig PATCH answered 500 that the server applied: no 'nothing was applied', and the recorded reasons say what up does", async () => {
        const config = new SipConfigLifecycle({ ...context(TEST_API_KEY, emulator.url), maxRetries: 0 });
        const created = await config.create({ allowedCidrRanges: ["192.0.2.0/24"] });
        emulator.addFault({ method: "PATCH", status: 500 });
        const error = await rejectionOf(
            config.update(created.id, created.outs, { allowedCidrRanges: ["198.51.100.0/24"] }),
        );
        expect(error.message).to.contain("the server may have applied the PATCH all the same");
        expect(error.message).to.not.contain("nothing was applied");
        const reasons = (error as unknown as { reasons: string[] }).reasons;
        expect(reasons[0]).to.contain("the next `pulumi up` reads the account and writes what still differs");
    });

    it("a write whose 2xx answer cannot be read was applied: never 'nothing was applied'", async () => {
        const client = new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url, maxRetries: 0 });
        for (const fault of [
            { body: "{not json" },
            { body: '{"domain": 5}' },
            { contentType: "text/html", body: "<p>" },
        ]) {
            emulator.addFault({ method: "PATCH", status: 200, ...fault });
            const error = await rejectionOf(client.patchSipConfig({ allowAllAgents: true }));
            expect(error.code).to.equal("invalid_response");
            expect(error.maybeApplied, JSON.stringify(fault)).to.equal(true);
            expect(error.message.toLowerCase()).to.not.contain("nothing was applied");
            expect(error.message.toLowerCase()).to.contain("the server may have applied the patch all the same");
        }
        // A read's bad answer still says nothing was applied: that is what it means there.
        emulator.addFault({ method: "GET", status: 200, body: "{not json" });
        expect((await rejectionOf(client.getSipConfig())).message).to.contain("nothing was applied");
    });

    it("a 404 on one registration says that registration is not there, not that the base URL or account is wrong", async () => {
        const client = new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
        const id = "00000000-0000-4000-8000-00000000abcd";
        for (const call of [
            () => client.getSipRegistration(id),
            () => client.deleteSipRegistration(id),
            () => client.updateSipRegistration(id, { proxy: "pbx2.example.com" }),
        ]) {
            const error = await rejectionOf(call());
            expect(error.code).to.equal("not_found");
            expect(error.message).to.contain(`The SIP registration ${id} is not in the account this key reaches`);
            expect(error.message).to.not.contain("Check the base URL");
            expect(error.message).to.not.contain("SIP enabled");
        }
        // The SIP config itself missing still points at the base URL and the account.
        emulator.addFault({ method: "GET", path: "/api/sip", status: 404 });
        expect((await rejectionOf(client.getSipConfig())).message).to.contain(
            "Check also that the account has SIP enabled",
        );
    });
});

describe("trust at the seams: the emulator's error texts are per field and per type", () => {
    let emulator: Emulator;
    before(async () => {
        emulator = await startEmulator({ account: account() });
    });
    after(() => emulator.close());

    async function send(method: string, path: string, body: string): Promise<{ status: number; body: unknown }> {
        const response = await fetch(`${emulator.url}${path}`, {
            method,
            headers: { "x-api-key": TEST_API_KEY, "content-type": "application/json" },
            body,
        });
        return { status: response.status, body: await response.json() };
    }

    const cases: [string, string, string, unknown][] = [
        [
            "POST",
            "/api/sip/registrations",
            JSON.stringify({ ...BASE, proxy: "pbx example.com" }),
            { proxy: ["This field may not contain spaces."] },
        ],
        [
            "POST",
            "/api/sip/registrations",
            JSON.stringify({ ...BASE, username: "" }),
            { username: ["This field may not be blank."] },
        ],
        [
            "POST",
            "/api/sip/registrations",
            JSON.stringify({ ...BASE, authUser: "a\u0007b" }),
            { authUser: ["This field may not contain control characters."] },
        ],
        ["POST", "/api/sip/registrations", JSON.stringify({ ...BASE, proxy: 5 }), { proxy: ["Not a valid string."] }],
        [
            "POST",
            "/api/sip/registrations",
            "null",
            { non_field_errors: ["Invalid data. Expected a dictionary, but got NoneType."] },
        ],
        [
            "POST",
            "/api/sip/registrations",
            "[]",
            { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] },
        ],
        ["PATCH", "/api/sip", "null", { non_field_errors: ["Invalid data. Expected a dictionary, but got NoneType."] }],
        ["PATCH", "/api/sip", '"text"', { non_field_errors: ["Invalid data. Expected a dictionary, but got str."] }],
        [
            "PATCH",
            "/api/sip",
            JSON.stringify({ allowedCidrRanges: ["nope"] }),
            { allowedCidrRanges: { "0": ["Enter a valid IPv4 CIDR range."] } },
        ],
        [
            "PATCH",
            "/api/sip",
            JSON.stringify({ allowAllAgents: "yes" }),
            { allowAllAgents: ["Must be a valid boolean."] },
        ],
    ];
    for (const [method, path, body, expected] of cases) {
        it(`${method} ${path} ${body.slice(0, 60)} → 400 ${JSON.stringify(expected)}`, async () => {
            expect(await send(method, path, body)).to.deep.equal({ status: 400, body: expected });
        });
    }
});

describe("trust at the seams: bounds on what comes from outside", function () {
    this.timeout(20_000);

    it("a deadline bounds the whole list of registrations, every page: a slow endless server is cut off at it", async () => {
        const server = await startServer((req, _body, res) => {
            const page = Number(new URL(req.url ?? "/", "http://x").searchParams.get("page") ?? "0");
            setTimeout(
                () =>
                    json(res, 200, {
                        next: `http://${req.headers.host}/api/sip/registrations?page=${page + 1}`,
                        results: [],
                    }),
                150,
            );
        });
        try {
            const client = new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: server.url, timeoutMs: 700 });
            const error = await rejectionOf(client.listSipRegistrations());
            expect(error.code).to.equal("timeout");
            // 700 ms at 150 ms a page: at most 5 pages were asked for, never the 100 a per-page deadline allows.
            expect(server.requests()).to.be.within(1, 5);
        } finally {
            await server.close();
        }
    });

    const stored = (created: string): EmulatorRegistration => ({
        registrationId: "00000000-0000-4000-8000-000000000001",
        created,
        username: "ultravox",
        password: PASSWORD,
        proxy: "pbx.example.com",
    });
    const refusedDates = [
        "Jan 1 2024 (\u001b]0;owned\u0007\u001b[2J\r\nforged: line)",
        "Jan 1 2024",
        "2024-01-01",
        "2024-02-30T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00Z (note)",
        "1704067200000",
    ];
    for (const created of refusedDates) {
        it(`a registration created ${JSON.stringify(created)} is refused: every timestamp is RFC 3339`, async () => {
            const emulator = await startEmulator({ account: account() });
            try {
                emulator.replaceRegistrations([stored(created)]);
                const client = new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
                const error = await rejectionOf(client.listSipRegistrations());
                expect(error.code).to.equal("invalid_response");
                expect(error.issues).to.deep.equal(["results.0.created"]);
                expect(error.message).to.not.contain("\u001b");
            } finally {
                await emulator.close();
            }
        });
    }
    it("RFC 3339 date-times with fractions and offsets are taken as they are", async () => {
        const emulator = await startEmulator({ account: account() });
        try {
            for (const created of [
                "2026-01-01T00:00:00Z",
                "2026-01-01T00:00:00.123456+02:00",
                "2026-12-31t23:59:59z",
            ]) {
                emulator.replaceRegistrations([stored(created)]);
                const client = new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
                expect((await client.listSipRegistrations())[0]?.created).to.equal(created);
            }
        } finally {
            await emulator.close();
        }
    });

    it("every input of every resource may be unknown at preview: check accepts it and leaves it to up", async () => {
        const resources = packageSchema.packageSchema.resources as Record<
            string,
            { inputProperties: Record<string, unknown> }
        >;
        const lifecycles: Record<string, { check(olds: object, news: object): Promise<{ failures: unknown[] }> }> = {
            "ultravox:index:SipConfig": new SipConfigLifecycle(context(TEST_API_KEY, "http://127.0.0.1:9")),
            "ultravox:index:SipRegistration": new SipRegistrationLifecycle(context(TEST_API_KEY, "http://127.0.0.1:9")),
        };
        const valid: Record<string, Record<string, unknown>> = {
            "ultravox:index:SipConfig": { allowedCidrRanges: ["192.0.2.0/24"], restoreOnDelete: true },
            "ultravox:index:SipRegistration": { ...BASE },
        };
        expect(Object.keys(resources).sort()).to.deep.equal(Object.keys(lifecycles).sort());
        for (const [token, resource] of Object.entries(resources)) {
            const lifecycle = lifecycles[token];
            if (!lifecycle) throw new Error(`no lifecycle for ${token}`);
            for (const input of [
                ...Object.keys(resource.inputProperties),
                "apiKey",
                "baseUrl",
                "timeoutMs",
                "maxRetries",
            ]) {
                const news = { ...valid[token], [input]: UNKNOWN };
                const checked = await lifecycle.check({}, news);
                expect(checked.failures, `${token}.${input}`).to.deep.equal([]);
            }
        }
        // Unknown inside a list too.
        const nested = await lifecycles["ultravox:index:SipConfig"]?.check(
            {},
            { allowedAgents: [{ agentId: UNKNOWN, toUserPattern: UNKNOWN }], allowedCidrRanges: [UNKNOWN] },
        );
        expect(nested?.failures).to.deep.equal([]);
    });
});

describe("trust at the seams: two creates of one registration at the same moment converge", function () {
    this.timeout(20_000);
    let emulator: Emulator;
    beforeEach(async () => {
        emulator = await startEmulator({ account: account() });
    });
    afterEach(() => emulator.close());

    it("both POST; both end on the older one, and the younger is removed by the create that made it", async () => {
        // Both look-ups answer before either POST lands: each POST is held 300 ms.
        emulator.addFault({ method: "POST", delayMs: 300, times: 2 });
        const warnings: string[] = [];
        const [one, two] = await Promise.all([
            new SipRegistrationLifecycle(context(TEST_API_KEY, emulator.url, warnings)).create(BASE),
            new SipRegistrationLifecycle(context(TEST_API_KEY, emulator.url, warnings)).create(BASE),
        ]);
        const posts = emulator.requests.filter((request) => request.method === "POST");
        expect(posts).to.have.length(2);
        const left = emulator.account.registrations ?? [];
        expect(left).to.have.length(1);
        expect(one?.id).to.equal(left[0]?.registrationId);
        expect(two?.id).to.equal(left[0]?.registrationId);
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.contain("ran at the same moment: this stack keeps the older one");
    });

    it("duplicates it did not make: the create names exactly which to keep and which to remove", async () => {
        const duplicate = (index: number, second: number): EmulatorRegistration => ({
            registrationId: `00000000-0000-4000-8000-00000000000${index}`,
            created: `2026-01-01T00:00:0${second}Z`,
            username: "ultravox",
            password: "x-password",
            proxy: "pbx.example.com",
        });
        emulator.replaceRegistrations([duplicate(3, 5), duplicate(1, 2), duplicate(2, 9)]);
        const error = await rejectionOf(new SipRegistrationLifecycle(context(TEST_API_KEY, emulator.url)).create(BASE));
        expect(error.code).to.equal("conflict");
        expect(error.message).to.contain(
            "keep the oldest, 00000000-0000-4000-8000-000000000001, and remove 00000000-0000-4000-8000-000000000003, 00000000-0000-4000-8000-000000000002",
        );
        expect(emulator.requests.filter((request) => request.method !== "GET")).to.deep.equal([]);
    });
});
