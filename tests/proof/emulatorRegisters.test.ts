/**
 * Proof against a real Kamailio (registrar + auth_db on db_text, challenging with qop=auth): the
 * emulator registers a loopback registration as Ultravox does. The subscriber is what
 * `kamailioSubscriber` renders from the same password; the right password makes `successful`
 * true and puts the emulator's contact in Kamailio's location table, a wrong one makes it false
 * and registers nothing, a short expiry is refreshed before it runs out, a PATCH of the password
 * registers again, and a delete takes the binding back. A proxy off loopback is never contacted.
 */
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { kamailioSubscriber } from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { kamcmd, registrarCfg, startKamailio } from "../helpers/kamailio";
import { SPECIAL_PASSWORDS } from "../helpers/passwords";
import type { StartedProcess } from "../helpers/process";
import { freeUdpPort, removeDir, requireTools, tempDir } from "../helpers/tools";

const USER = "uvx-prod";
const AUTH_USER = "uvx-auth";
/** db_text's separator and escape, a Asterisk comment and FreeSWITCH's preprocessor markers: all reach Kamailio as written. */
const PASSWORD = "pa:ss\\w0rd;x$${default_password}-X-PRE-PROCESS";

describe("proof: the emulator REGISTERs with a real Kamailio on loopback, with digest authentication (qop=auth)", function () {
    this.timeout(60_000);
    let tools: Record<string, string>;
    let dir: string;
    let cfg: string;
    let port: number;
    let emulator: Emulator;
    const daemons: StartedProcess[] = [];

    before(async function () {
        tools = requireTools(this, ["kamailio", "kamcmd"]);
        dir = tempDir("pu-emureg");
        fs.mkdirSync(path.join(dir, "db"), { recursive: true });
        const rendered = kamailioSubscriber(
            { username: USER, authUser: AUTH_USER, password: PASSWORD },
            { domain: "127.0.0.1" },
        );
        fs.writeFileSync(path.join(dir, "db", "subscriber"), rendered.subscriberTable);
        fs.writeFileSync(path.join(dir, "db", "version"), rendered.versionTable);
        port = await freeUdpPort();
        cfg = path.join(dir, "kamailio.cfg");
        fs.writeFileSync(cfg, registrarCfg(dir, port, "ha1", { qop: true, minExpires: 1 }));
        await startKamailio(tools, cfg, daemons);
        emulator = await startEmulator({
            account: account(),
            sip: { expiresSeconds: 2, retryMs: 500, transactionTimeoutMs: 3000 },
        });
    });
    after(async () => {
        await emulator?.close();
        await Promise.all(daemons.map((daemon) => daemon.stop()));
        removeDir(dir);
    });

    const api = (method: string, pathName: string, body?: unknown) =>
        fetch(`${emulator.url}/api/sip/registrations${pathName}`, {
            method,
            headers: { "x-api-key": TEST_API_KEY, "content-type": "application/json" },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
    const successful = async (id: string) =>
        ((await (await api("GET", `/${id}`)).json()) as { successful: boolean | null }).successful;
    const lookup = () => kamcmd(tools.kamcmd as string, cfg, "ul.lookup", "location", `${USER}@127.0.0.1`);
    const waitSuccessful = async (id: string, value: boolean) => {
        let last: boolean | null = null;
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline) {
            last = await successful(id);
            if (last === value) return;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`successful stayed ${String(last)}, not ${String(value)}:\n${daemons[0]?.output()}`);
    };

    let id: string;

    it("a wrong password: successful false, and nothing in the location table", async () => {
        const created = await api("POST", "", {
            username: USER,
            authUser: AUTH_USER,
            password: `${PASSWORD}-wrong`,
            proxy: `127.0.0.1:${port}`,
        });
        expect(created.status).to.equal(201);
        const body = (await created.json()) as { registrationId: string; successful: boolean | null };
        id = body.registrationId;
        // Not known until the registrar answers.
        expect(body.successful).to.equal(null);
        await waitSuccessful(id, false);
        const result = await lookup();
        expect(result.stdout + result.stderr).to.not.contain(`AoR: ${USER}`);
    });

    it("PATCHing the password registers again: successful true, and the emulator's contact in Kamailio's location table", async () => {
        expect((await api("PATCH", `/${id}`, { password: PASSWORD })).status).to.equal(200);
        await waitSuccessful(id, true);
        const result = await lookup();
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`AoR: ${USER}\\n`));
        expect(result.stdout).to.match(new RegExp(`Address: sip:${USER}@127\\.0\\.0\\.1:\\d+\\n`));
        expect(result.stdout).to.match(/User-Agent: pulumi-ultravox-emulator\n/);
    });

    it("refreshes the binding before it expires (2 s asked and granted)", async () => {
        const cseqOf = async () => Number(/CSeq: (\d+)/.exec((await lookup()).stdout)?.[1]);
        const first = await cseqOf();
        let later = first;
        const deadline = Date.now() + 6000;
        while (Date.now() < deadline && later <= first + 2) {
            await new Promise((resolve) => setTimeout(resolve, 250));
            later = await cseqOf();
        }
        // Each refresh is a challenged REGISTER and its answer: two CSeqs. Two refreshes in 6 s,
        // and the binding never lapsed (ul.lookup found it every time).
        expect(later).to.be.greaterThan(first + 2);
        expect(await successful(id)).to.equal(true);
    });

    it("a change takes the old binding back before registering anew: a wrong password leaves nothing registered", async () => {
        expect((await api("PATCH", `/${id}`, { password: `${PASSWORD}-rotated-wrong` })).status).to.equal(200);
        await waitSuccessful(id, false);
        // The old binding was taken back with the old password (Expires: 0); the new one is refused.
        expect((await lookup()).stdout).to.not.match(new RegExp(`AoR: ${USER}`));
        expect((await api("PATCH", `/${id}`, { password: PASSWORD })).status).to.equal(200);
        await waitSuccessful(id, true);
        expect((await lookup()).stdout).to.match(new RegExp(`AoR: ${USER}\\n`));
    });

    it("a delete takes the binding back (REGISTER with Expires: 0)", async () => {
        expect((await api("DELETE", `/${id}`)).status).to.equal(204);
        const deadline = Date.now() + 5000;
        let result = await lookup();
        while (Date.now() < deadline && /AoR: /.test(result.stdout)) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            result = await lookup();
        }
        expect(result.stdout).to.not.match(new RegExp(`AoR: ${USER}`));
    });

    it("a proxy off loopback is never contacted: successful stays null, and not one datagram reaches a listener", async () => {
        const listener = dgram.createSocket("udp4");
        const received: Buffer[] = [];
        listener.on("message", (datagram) => received.push(datagram));
        await new Promise<void>((resolve) => listener.bind(0, "127.0.0.1", () => resolve()));
        try {
            const created = await api("POST", "", {
                username: USER,
                password: PASSWORD,
                proxy: "pbx.example.test",
                outboundProxy: `192.0.2.10:${listener.address().port}`,
            });
            const { registrationId } = (await created.json()) as { registrationId: string };
            await new Promise((resolve) => setTimeout(resolve, 1500));
            expect(await successful(registrationId)).to.equal(null);
            expect(received).to.deep.equal([]);
        } finally {
            listener.close();
        }
    });

    for (const mode of ["ha1", "password"] as const) {
        it(`every password each PBX reads specially, rendered into Kamailio's subscriber table (auth_db checking the ${mode}), registers: successful true for each`, async () => {
            const where = path.join(dir, `special-${mode}`);
            fs.mkdirSync(path.join(where, "db"), { recursive: true });
            const rows = SPECIAL_PASSWORDS.map(
                (password, index) =>
                    kamailioSubscriber(
                        { username: `user${index}`, password },
                        { domain: "127.0.0.1", id: index + 1 },
                    ).subscriberTable.split("\n")[1],
            );
            const { subscriberTable, versionTable } = kamailioSubscriber(
                { username: "header", password: "x" },
                { domain: "127.0.0.1" },
            );
            fs.writeFileSync(
                path.join(where, "db", "subscriber"),
                `${[subscriberTable.split("\n")[0], ...rows].join("\n")}\n`,
            );
            fs.writeFileSync(path.join(where, "db", "version"), versionTable);
            const specialPort = await freeUdpPort();
            const specialCfg = path.join(where, "kamailio.cfg");
            fs.writeFileSync(specialCfg, registrarCfg(where, specialPort, mode, { qop: true }));
            await startKamailio(tools, specialCfg, daemons);
            const ids: string[] = [];
            for (const [index, password] of SPECIAL_PASSWORDS.entries()) {
                const created = await api("POST", "", {
                    username: `user${index}`,
                    password,
                    proxy: `127.0.0.1:${specialPort}`,
                });
                expect(created.status).to.equal(201);
                ids.push(((await created.json()) as { registrationId: string }).registrationId);
            }
            for (const [index, id] of ids.entries()) {
                try {
                    await waitSuccessful(id, true);
                } catch (error) {
                    throw new Error(`${JSON.stringify(SPECIAL_PASSWORDS[index])}: ${(error as Error).message}`);
                }
            }
            for (const id of ids) expect((await api("DELETE", `/${id}`)).status).to.equal(204);
        });
    }
});
