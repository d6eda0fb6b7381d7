/**
 * Proof against a real Kamailio (Debian kamailio, db_text, auth_db, registrar) and a real SIP
 * client (sipp): the subscriber `kamailioSubscriber` renders loads, a REGISTER with digest
 * authentication as that user gets 200 with the right password and 401 with a wrong one, and the
 * contact is then in Kamailio's location table. Both ways auth_db can check a password are proven:
 * with the rendered `ha1` (calculate_ha1 off) and with the password itself, escaped for db_text.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { kamailioSubscriber, UltravoxError } from "pulumi-ultravox";
import { kamcmd, registrarCfg, startKamailio } from "../helpers/kamailio";
import { type RunResult, run, type StartedProcess } from "../helpers/process";
import { freeUdpPort, removeDir, requireTools, tempDir } from "../helpers/tools";

const USER = "ultravox";
const DOMAIN = "pbx.example.test";
/** db_text's column separator and escape character in it: the renderer must escape both. */
const PASSWORD = "pa:ss\\w0rd;x";
const WRONG = "pa:ss\\w0rd;y";

/** A REGISTER, challenged, then sent again with the digest of `password`; the second answer must be `expected`. */
function registerScenario(password: string, expected: 200 | 401): string {
    const xmlText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const headers = (cseq: number) => `Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:${USER}@${DOMAIN}>;tag=[pid]SIPpTag00[call_number]
To: <sip:${USER}@${DOMAIN}>
Call-ID: [call_id]
CSeq: ${cseq} REGISTER
Contact: <sip:${USER}@[local_ip]:[local_port]>
Expires: 300
Max-Forwards: 70`;
    return `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="Ultravox registers">
  <send retrans="500">
    <![CDATA[
REGISTER sip:${DOMAIN} SIP/2.0
${headers(1)}
Content-Length: 0

]]>
  </send>
  <recv response="401" auth="true"/>
  <send retrans="500">
    <![CDATA[
REGISTER sip:${DOMAIN} SIP/2.0
${headers(2)}
[authentication username=${USER} password=${xmlText(password)}]
Content-Length: 0

]]>
  </send>
  <recv response="${expected}"/>
</scenario>
`;
}

describe("proof: Kamailio loads the rendered subscriber, and a REGISTER with digest authentication as that user", function () {
    this.timeout(60_000);
    let tools: Record<string, string>;
    let dir: string;
    const daemons: StartedProcess[] = [];

    before(function () {
        tools = requireTools(this, ["kamailio", "kamcmd", "sipp"]);
        dir = tempDir("pu-kamreg");
    });
    after(async () => {
        await Promise.all(daemons.map((daemon) => daemon.stop()));
        removeDir(dir);
    });

    async function startRegistrar(
        mode: "ha1" | "password",
    ): Promise<{ where: string; port: number; daemon: StartedProcess }> {
        const where = path.join(dir, mode);
        fs.mkdirSync(path.join(where, "db"), { recursive: true });
        const rendered = kamailioSubscriber({ username: USER, password: PASSWORD }, { domain: DOMAIN });
        fs.writeFileSync(path.join(where, "db", "subscriber"), rendered.subscriberTable);
        fs.writeFileSync(path.join(where, "db", "version"), rendered.versionTable);
        const port = await freeUdpPort();
        const cfg = path.join(where, "kamailio.cfg");
        fs.writeFileSync(cfg, registrarCfg(where, port, mode));
        const check = await run(tools.kamailio as string, ["-c", "-f", cfg], { timeoutMs: 10_000 });
        expect(check.code, check.stderr).to.equal(0);
        const daemon = await startKamailio(tools, cfg, daemons);
        return { where, port, daemon };
    }

    async function register(where: string, port: number, password: string, expected: 200 | 401): Promise<RunResult> {
        const scenario = path.join(where, `register-${expected}.xml`);
        fs.writeFileSync(scenario, registerScenario(password, expected));
        return run(
            tools.sipp as string,
            [
                "-sf",
                scenario,
                "-m",
                "1",
                "-i",
                "127.0.0.1",
                "-p",
                String(await freeUdpPort()),
                "-timeout",
                "10",
                "-timeout_error",
                "-nostdin",
                `127.0.0.1:${port}`,
            ],
            { cwd: where, timeoutMs: 20_000 },
        );
    }

    for (const mode of ["ha1", "password"] as const) {
        describe(`auth_db checking the ${mode === "ha1" ? "rendered ha1" : "password itself (escaped for db_text)"}`, () => {
            let registrar: { where: string; port: number; daemon: StartedProcess };
            before(async () => {
                registrar = await startRegistrar(mode);
            });
            after(async () => registrar?.daemon.stop());

            it("a wrong password is challenged again (401), and nothing is registered", async () => {
                const result = await register(registrar.where, registrar.port, WRONG, 401);
                expect(result.code, `${result.stdout}\n${result.stderr}\n${registrar.daemon.output()}`).to.equal(0);
                const dump = await kamcmd(
                    tools.kamcmd as string,
                    path.join(registrar.where, "kamailio.cfg"),
                    "ul.dump",
                );
                expect(dump.code, dump.stderr).to.equal(0);
                expect(dump.stdout).to.contain("Domain: location");
                expect(dump.stdout).to.not.contain(`AoR: ${USER}`);
            });

            it("the right password gets 200, and the contact is in the location table", async () => {
                const result = await register(registrar.where, registrar.port, PASSWORD, 200);
                expect(result.code, `${result.stdout}\n${result.stderr}\n${registrar.daemon.output()}`).to.equal(0);
                const lookup = await kamcmd(
                    tools.kamcmd as string,
                    path.join(registrar.where, "kamailio.cfg"),
                    "ul.lookup",
                    "location",
                    `${USER}@${DOMAIN}`,
                );
                expect(lookup.code, lookup.stderr).to.equal(0);
                // usrloc keys the AoR by user (its use_domain is off); the contact is sipp's.
                expect(lookup.stdout).to.match(new RegExp(`AoR: ${USER}\\n`));
                expect(lookup.stdout).to.match(new RegExp(`Address: sip:${USER}@127\\.0\\.0\\.1:\\d+\\n`));
                expect(registrar.daemon.output()).to.not.match(/\bERROR\b/);
            });
        });
    }

    it("the renderer refuses a username or password that would add a line, before Kamailio sees it", () => {
        for (const account of [
            { username: "ultravox\n2:evil", password: PASSWORD },
            { username: USER, password: "x\n2:evil:pbx.example.test:x" },
            { username: "ultra:vox", password: PASSWORD },
        ]) {
            expect(() => kamailioSubscriber(account, { domain: DOMAIN }), JSON.stringify(account.username))
                .to.throw(UltravoxError)
                .with.property("code", "invalid_input");
        }
    });
});
