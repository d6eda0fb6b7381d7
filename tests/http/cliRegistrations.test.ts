/** `pulumi-ultravox registrations list` and `registrations remove <id>` against the emulator. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { runCli as cli } from "../helpers/cli";
import { account, TEST_API_KEY } from "../helpers/fixtures";

const FIRST = "00000000-0000-4000-8000-000000000001";
const SECOND = "00000000-0000-4000-8000-000000000002";

describe("CLI: registrations list and remove", function () {
    this.timeout(20_000);
    let emulator: Emulator;
    let env: Record<string, string>;

    before(async () => {
        emulator = await startEmulator({ account: account() });
        env = { ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url };
    });
    after(() => emulator?.close());
    beforeEach(() =>
        emulator.replaceRegistrations([
            {
                registrationId: FIRST,
                created: "2026-12-01T10:00:00Z",
                username: "ultravox",
                password: "first-password-never-shown",
                proxy: "pbx.example.com",
                outboundProxy: null,
                authUser: null,
                successful: true,
            },
            {
                registrationId: SECOND,
                created: "2026-12-02T10:00:00Z",
                username: "uv\u001b[31mred",
                password: "second-password-never-shown",
                proxy: "pbx2.example.com:5061",
                outboundProxy: "edge.example.com",
                authUser: "auth2",
            },
        ]),
    );

    it("lists them as a table, no password, and refuses a registration with a control character (as the API may not send one)", async () => {
        // The second holds an escape sequence: the list is refused whole, naming the path.
        const refused = await cli(["registrations", "list"], env);
        expect(refused.code).to.equal(3);
        expect(refused.stderr).to.contain("results.1.username: Has a control character");
        expect(refused.stderr).to.not.contain("\u001b");
        emulator.replaceRegistrations(emulator.account.registrations?.slice(0, 1) ?? []);
        const listed = await cli(["registrations", "list"], env);
        expect(listed.code, listed.stderr).to.equal(0);
        expect(listed.stdout).to.equal(
            [
                "registrationId                        username  proxy            outboundProxy  authUser  successful  created",
                `${FIRST}  ultravox  pbx.example.com  -              -         true        2026-12-01T10:00:00Z`,
                "",
            ].join("\n"),
        );
        // false as the API says it; an answer without the field (an older API): not known, "-".
        const [first] = emulator.account.registrations ?? [];
        if (!first) throw new Error("no registration");
        const { successful: _absent, ...older } = { ...first, registrationId: SECOND };
        emulator.replaceRegistrations([{ ...first, successful: false }, older]);
        const statuses = await cli(["registrations", "list"], env);
        expect(statuses.stdout.split("\n").map((line) => line.split(/\s+/)[5])).to.deep.equal([
            "successful",
            "false",
            "-",
            undefined,
        ]);
        expect(listed.stdout + listed.stderr).to.not.contain("never-shown");
    });

    it("--json gives the registrations as the client does", async () => {
        emulator.replaceRegistrations(emulator.account.registrations?.slice(0, 1) ?? []);
        const listed = await cli(["registrations", "list", "--json"], env);
        expect(listed.code, listed.stderr).to.equal(0);
        expect(JSON.parse(listed.stdout)).to.deep.equal([
            {
                registrationId: FIRST,
                created: "2026-12-01T10:00:00Z",
                username: "ultravox",
                proxy: "pbx.example.com",
                outboundProxy: null,
                authUser: null,
                successful: true,
            },
        ]);
    });

    it("removes one by id; removing it again is a not_found error (exit 3)", async () => {
        const removed = await cli(["registrations", "remove", FIRST], env);
        expect(removed.code, removed.stderr).to.equal(0);
        expect(removed.stdout).to.equal(`removed SIP registration ${FIRST}\n`);
        expect(emulator.account.registrations?.map((r) => r.registrationId)).to.deep.equal([SECOND]);
        const again = await cli(["registrations", "remove", FIRST], env);
        expect(again.code).to.equal(3);
        expect(again.stderr).to.match(/^pulumi-ultravox: not_found: DELETE /);
    });

    it("refuses a bad id or a missing action before any request (usage, exit 2)", async () => {
        emulator.clearRequests();
        for (const args of [
            ["registrations"],
            ["registrations", "remove"],
            ["registrations", "remove", "../sip"],
            ["registrations", "add", "x"],
        ]) {
            const run = await cli(args, env);
            expect(run.code, args.join(" ")).to.equal(2);
        }
        expect(emulator.requests).to.deep.equal([]);
    });

    it("help registrations shows both forms", async () => {
        const help = await cli(["help", "registrations"], env);
        expect(help.code).to.equal(0);
        expect(help.stdout).to.contain("  registrations list [--json]");
        expect(help.stdout).to.contain("  registrations remove <id>");
    });

    it("registrations list --timeout-ms bounds the whole list: a slow endless server is cut off at it, not page by page", async () => {
        let pages = 0;
        const server = createServer((req, res) => {
            pages++;
            setTimeout(() => {
                res.writeHead(200, { "content-type": "application/json" });
                res.end(
                    JSON.stringify({
                        next: `http://${req.headers.host}/api/sip/registrations?page=${pages}`,
                        results: [],
                    }),
                );
            }, 200);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            const listed = await cli(["registrations", "list", "--timeout-ms", "1000"], {
                ULTRAVOX_API_KEY: TEST_API_KEY,
                ULTRAVOX_BASE_URL: url,
            });
            expect(listed.code).to.not.equal(0);
            expect(listed.stderr).to.contain("did not complete within 1000 ms");
            // 1000 ms at 200 ms a page: 5 pages at most, never the 100 a deadline per page lets through.
            expect(pages).to.be.within(1, 5);
        } finally {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    });
});
