/**
 * SIP registrations through the client against the emulator (a real local server): every page of
 * the list, create (201, no password back), read, PATCH, delete (204), what is retried and what is
 * not, and pages that are not to be trusted.
 */
import { expect } from "chai";
import { type SipRegistrationData, UltravoxClient, UltravoxError } from "pulumi-ultravox";
import { type Emulator, type EmulatorRegistration, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { expectNoSecret } from "../helpers/leaks";

const PASSWORD = "pbx-registration-password-0f3c";

function stored(index: number): EmulatorRegistration {
    return {
        registrationId: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
        created: `2026-01-01T00:00:${String(index % 60).padStart(2, "0")}Z`,
        username: `user${index}`,
        password: `secret-${index}`,
        proxy: "pbx.example.com",
        outboundProxy: index % 2 === 0 ? null : "edge.example.com:5061",
        authUser: null,
    };
}

async function failure(promise: Promise<unknown>): Promise<UltravoxError> {
    try {
        await promise;
    } catch (error) {
        expect(error).to.be.instanceOf(UltravoxError);
        expectNoSecret(error, [TEST_API_KEY, PASSWORD]);
        return error as UltravoxError;
    }
    throw new Error("expected the call to fail");
}

describe("client: SIP registrations against the emulator", function () {
    this.timeout(20_000);
    let emulator: Emulator;
    const client = (options: { maxRetries?: number; timeoutMs?: number } = {}) =>
        new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url, ...options });

    before(async () => {
        emulator = await startEmulator({ account: account() });
    });
    after(() => emulator?.close());
    beforeEach(() => {
        emulator.clearFaults();
        emulator.clearRequests();
        emulator.replaceRegistrations([]);
    });

    it("lists every page: 25 registrations in 1 page of 100, the password never served", async () => {
        emulator.replaceRegistrations(Array.from({ length: 25 }, (_, index) => stored(index)));
        const listed = await client().listSipRegistrations();
        expect(listed.map((registration) => registration.username)).to.deep.equal(
            Array.from({ length: 25 }, (_, index) => `user${index}`),
        );
        expect(listed[1]).to.deep.equal({
            registrationId: "00000000-0000-4000-8000-000000000001",
            created: "2026-01-01T00:00:01Z",
            username: "user1",
            proxy: "pbx.example.com",
            outboundProxy: "edge.example.com:5061",
            authUser: null,
            successful: null,
        } satisfies SipRegistrationData);
        expect(JSON.stringify(listed)).to.not.contain("secret-");
    });

    it("follows the server's next link page after page (250 registrations: 3 pages)", async () => {
        emulator.replaceRegistrations(Array.from({ length: 250 }, (_, index) => stored(index)));
        const listed = await client().listSipRegistrations();
        expect(listed).to.have.length(250);
        expect(new Set(listed.map((registration) => registration.registrationId)).size).to.equal(250);
        expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).to.deep.equal([
            "GET /api/sip/registrations",
            "GET /api/sip/registrations",
            "GET /api/sip/registrations",
        ]);
    });

    it("creates (201): the answer holds no password; the emulator stored it", async () => {
        const created = await client().createSipRegistration({
            username: "ultravox",
            password: PASSWORD,
            proxy: "pbx.example.com",
        });
        expect(created.username).to.equal("ultravox");
        expect(created.outboundProxy).to.equal(null);
        expect(created.authUser).to.equal(null);
        expect(created.registrationId).to.match(/^[0-9a-f-]{36}$/);
        expect(Date.parse(created.created)).to.not.be.NaN;
        expect(emulator.account.registrations?.[0]?.password).to.equal(PASSWORD);
        expect(await client().getSipRegistration(created.registrationId)).to.deep.equal(created);
    });

    it("PATCHes in place and deletes (204); a registration gone is not_found", async () => {
        emulator.replaceRegistrations([stored(1)]);
        const id = stored(1).registrationId;
        const updated = await client().updateSipRegistration(id, { authUser: "auth1", password: PASSWORD });
        expect(updated.authUser).to.equal("auth1");
        expect(emulator.account.registrations?.[0]?.password).to.equal(PASSWORD);
        await client().deleteSipRegistration(id);
        expect(emulator.account.registrations).to.deep.equal([]);
        const gone = await failure(client().deleteSipRegistration(id));
        expect(gone.code).to.equal("not_found");
        expect((await failure(client().getSipRegistration(id))).code).to.equal("not_found");
    });

    const badInputs: [string, Record<string, unknown>, string][] = [
        ["an empty password", { password: "" }, "password: Empty"],
        ["a 61-character username", { username: "u".repeat(61) }, "username: Longer than 60 characters"],
        ["a space in the username", { username: "ultra vox" }, "username: Has a space"],
        ["a line break in the proxy", { proxy: "pbx.example.com\r\nX: y" }, "proxy: Has a control character"],
        [
            "a 101-character outbound proxy",
            { outboundProxy: "p".repeat(101) },
            "outboundProxy: Longer than 100 characters",
        ],
        ["a control character in authUser", { authUser: "a\u0000b" }, "authUser: Has a control character"],
    ];
    for (const [name, change, issue] of badInputs) {
        it(`refuses ${name} before any request (invalid_input naming the field, not the value)`, async () => {
            const input = { username: "ultravox", password: PASSWORD, proxy: "pbx.example.com", ...change };
            const error = await failure(client().createSipRegistration(input as never));
            expect(error.code).to.equal("invalid_input");
            expect(error.message).to.contain(issue);
            expect(emulator.requests).to.deep.equal([]);
        });
    }

    it("refuses an id that is not one before any request", async () => {
        const error = await failure(client().getSipRegistration("../sip"));
        expect(error.code).to.equal("invalid_input");
        expect(emulator.requests).to.deep.equal([]);
    });

    it("does not send a POST again after the connection broke: it may have created the registration", async () => {
        emulator.addFault({ method: "POST", resetAfterApply: true, times: 4 });
        const error = await failure(
            client({ maxRetries: 3 }).createSipRegistration({
                username: "ultravox",
                password: PASSWORD,
                proxy: "pbx.example.com",
            }),
        );
        expect(error.code).to.equal("network");
        expect(emulator.requests.filter((request) => request.method === "POST")).to.have.length(1);
        expect(emulator.account.registrations).to.have.length(1);
    });

    it("sends a DELETE again after a reset (deleting twice leaves what deleting once does)", async () => {
        emulator.replaceRegistrations([stored(1)]);
        emulator.addFault({ method: "DELETE", status: 503 });
        await client().deleteSipRegistration(stored(1).registrationId);
        expect(emulator.requests.map((request) => `${request.method} ${request.status}`)).to.deep.equal([
            "DELETE 503",
            "DELETE 204",
        ]);
    });

    describe("untrusted pages", () => {
        const page = (next: string | null, results: unknown[] = []) =>
            JSON.stringify({ next, previous: null, results });

        it("refuses a next page on another origin, not following it", async () => {
            emulator.addFault({
                method: "GET",
                path: "/api/sip/registrations",
                body: page("http://198.51.100.9/api/sip/registrations?cursor=x"),
            });
            const error = await failure(client().listSipRegistrations());
            expect(error.code).to.equal("invalid_response");
            expect(error.message).to.contain("away from the configured base URL");
            expect(error.message).to.not.contain("198.51.100.9");
            expect(emulator.requests).to.have.length(1);
        });

        it("refuses a next page on another path of the same origin", async () => {
            emulator.addFault({
                method: "GET",
                path: "/api/sip/registrations",
                body: page(`${emulator.url}/api/sip?cursor=x`),
            });
            expect((await failure(client().listSipRegistrations())).message).to.contain(
                "away from the configured base URL",
            );
        });

        it("refuses a next page given twice (a loop), after two requests", async () => {
            const again = `${emulator.url}/api/sip/registrations?cursor=b`;
            emulator.addFault({ method: "GET", path: "/api/sip/registrations", body: page(again), times: 2 });
            const error = await failure(client().listSipRegistrations());
            expect(error.message).to.contain("already given (a loop)");
            expect(emulator.requests).to.have.length(2);
        });

        it("refuses a list that never ends, after maxPages pages", async () => {
            for (let index = 0; index < 6; index++) {
                emulator.addFault({
                    method: "GET",
                    path: "/api/sip/registrations",
                    body: page(`${emulator.url}/api/sip/registrations?cursor=${index}`),
                });
            }
            const error = await failure(client().listSipRegistrations({ maxPages: 5 }));
            expect(error.message).to.contain("has more than 5 pages");
            expect(emulator.requests).to.have.length(5);
        });

        it("refuses a list past maxItems registrations", async () => {
            emulator.replaceRegistrations(Array.from({ length: 12 }, (_, index) => stored(index)));
            const error = await failure(client().listSipRegistrations({ maxItems: 10 }));
            expect(error.message).to.contain("holds more than 10 registrations");
        });

        it("refuses a registration that fails validation, naming the path", async () => {
            emulator.addFault({
                method: "GET",
                path: "/api/sip/registrations",
                body: page(null, [{ ...stored(1), username: "a\nb" }]),
            });
            const error = await failure(client().listSipRegistrations());
            expect(error.code).to.equal("invalid_response");
            expect(error.issues).to.deep.equal(["results.0.username"]);
        });

        it("reads successful as the API says it: true, false, null, or absent (an older API) as null; anything else is refused", async () => {
            const { successful: _absent, ...older } = { ...stored(3), successful: null };
            emulator.replaceRegistrations([
                { ...stored(0), successful: true },
                { ...stored(1), successful: false },
                { ...stored(2), successful: null },
            ]);
            expect(
                (await client().listSipRegistrations()).map((registration) => registration.successful),
            ).to.deep.equal([true, false, null]);
            emulator.addFault({ method: "GET", path: "/api/sip/registrations", body: page(null, [older]) });
            expect(
                (await client().listSipRegistrations()).map((registration) => registration.successful),
            ).to.deep.equal([null]);
            emulator.addFault({
                method: "GET",
                path: "/api/sip/registrations",
                body: page(null, [{ ...stored(1), successful: "true" }]),
            });
            const error = await failure(client().listSipRegistrations());
            expect(error.code).to.equal("invalid_response");
            expect(error.issues).to.deep.equal(["results.0.successful"]);
        });
    });
});
