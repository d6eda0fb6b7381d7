/**
 * Proof against a real Kamailio (Debian kamailio) and real SIP calls (sipp, Debian sip-tester):
 * the dispatcher list from `kamailioDispatcherList` and the address file from
 * `kamailioPermissionsAddress` load with exactly the entries meant, and a Kamailio built on them
 * forwards an INVITE from an allowed source to `agent_<id>@<domain>` (a sipp UAS standing in for
 * Ultravox) while refusing any other source with 403.
 *
 * Everything runs on loopback (all of 127.0.0.0/8): Kamailio on 127.0.0.1:<free port>, the
 * stand-in on 127.0.0.x:5060 (the rendered destination has no port, Ultravox domains carry none),
 * the callers on other 127.0.0.x / 127.0.1.x addresses, which the permissions list tells apart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import {
    agentSipUri,
    explainInboundCall,
    kamailioDispatcherList,
    kamailioPermissionsAddress,
    type SipConfigData,
    UltravoxError,
} from "pulumi-ultravox";
import { AGENT_A, AGENT_B } from "../helpers/fixtures";
import { kamailioArgs, kamcmd as kamcmdOn, startKamailio as startKamailioOn } from "../helpers/kamailio";
import { type RunResult, run, type StartedProcess, start } from "../helpers/process";
import { canBindUdp, freeUdpPort, removeDir, requireTools, skipBecause, tempDir, waitFor } from "../helpers/tools";

const DEFAULT_PATTERN_A = `^agent_${AGENT_A}$`;

/** The fixture account, normalized (the dispatcher list is made from its domain). */
const FIXTURE_CONFIG: SipConfigData = {
    domain: "acme-test.sip.ultravox.invalid",
    allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
    allowAllAgents: false,
    allowedAgents: [
        { agentId: AGENT_B, toUserPattern: "^support$" },
        { agentId: AGENT_A, toUserPattern: DEFAULT_PATTERN_A },
    ],
    fallbackHandler: null,
    fingerprint: "0".repeat(64),
};

const ALLOWED_HOST = "127.0.0.2"; // a /32: Kamailio keeps it in its address hash table
const ALLOWED_IN_SUBNET = "127.0.1.9"; // inside a /24: Kamailio's subnet table
const REFUSED = "127.0.0.3";

/** Kamailio's proxy script: why each line is there is in the comments it carries. */
function kamailioCfg(dir: string, port: number): string {
    return `#!KAMAILIO
# A minimal proxy in front of Ultravox, for the proof: sources outside the rendered
# permissions list get 403; the rest goes to the rendered dispatcher set 1.
debug=2
log_stderror=yes
children=1
listen=udp:127.0.0.1:${port}
auto_aliases=no
dns=no
rev_dns=no
disable_tcp=yes
disable_sctp=yes
# Where no DNS answers, an unresolvable destination must fail fast rather than stall startup.
dns_retr_time=1
dns_retr_no=1
dns_servers_no=1
dns_use_search_list=no
dns_try_naptr=no

loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "xlog.so"
loadmodule "permissions.so"
loadmodule "dispatcher.so"
# For kamcmd: dumps what the modules really loaded.
loadmodule "ctl.so"
modparam("ctl", "binrpc", "unixs:${dir}/ctl.sock")
modparam("dispatcher", "list_file", "${dir}/dispatcher.list")
modparam("permissions", "address_file", "${dir}/address.list")
modparam("tm", "fr_inv_timer", 5000)

request_route {
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    if (!allow_source_address("1")) {
        xlog("L_NOTICE", "refused $rm from $si:$sp\\n");
        if (!is_method("ACK")) sl_send_reply("403", "Forbidden");
        exit;
    }
    # In-dialog requests (ACK of the 200, BYE) go to the Contact in their Request-URI.
    if (has_totag()) {
        t_relay();
        exit;
    }
    if (is_method("ACK")) {
        if (t_check_trans()) t_relay();
        exit;
    }
    if (!is_method("INVITE")) {
        sl_send_reply("405", "Method Not Allowed");
        exit;
    }
    # ds_select_domain keeps the user (agent_<id>) and puts the destination's host into the
    # Request-URI: Ultravox routes on agent_<id>@<domain>.
    if (!ds_select_domain("1", "4")) {
        sl_send_reply("503", "No Destination");
        exit;
    }
    xlog("L_NOTICE", "forwarding $rm from $si:$sp to $ru\\n");
    if (!t_relay()) sl_reply_error();
}
`;
}

/** Flat `key: value` records of a kamcmd dump, one per top-level `{ ... }`. */
function kamcmdRecords(text: string): Record<string, string>[] {
    const records: Record<string, string>[] = [];
    let current: Record<string, string> | undefined;
    for (const line of text.split("\n")) {
        if (line === "{") current = {};
        else if (line === "}" && current) {
            records.push(current);
            current = undefined;
        } else {
            const match = /^\s*([A-Za-z_]+): (.*)$/.exec(line);
            if (match && current) current[match[1] as string] = match[2] as string;
        }
    }
    return records;
}

/** `set uri flags priority [attrs]` per destination of `kamcmd dispatcher.list`, sorted. */
function dispatcherDestinations(text: string): string[] {
    const out: string[] = [];
    let set = "";
    let destination: string[] | undefined;
    const flush = () => {
        if (destination) out.push(destination.join(" "));
        destination = undefined;
    };
    for (const line of text.split("\n")) {
        const match = /^\s*(ID|URI|FLAGS|PRIORITY|BODY): (.*)$/.exec(line);
        if (!match) continue;
        const [, key, value] = match as unknown as [string, string, string];
        if (key === "ID") {
            flush();
            set = value;
        } else if (key === "URI") {
            flush();
            destination = [set, value];
        } else destination?.push(value);
    }
    flush();
    return out.sort();
}

interface SipMessage {
    direction: "sent" | "received";
    startLine: string;
    /** Header lines, in order. */
    headers: string[];
}

function headerValues(message: SipMessage | undefined, name: string): string[] {
    const prefix = `${name}: `;
    return (message?.headers ?? []).filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length));
}

/** The messages of a sipp `-trace_msg` file. */
function sippMessages(file: string): SipMessage[] {
    if (!fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, "utf8")
        .split(/^-{20,} .*$/m)
        .map((block) => {
            const header = /^\s*UDP message (sent|received)/.exec(block);
            if (!header) return undefined;
            const lines = block
                .split("\n")
                .slice(1)
                .map((line) => line.replace(/\r$/, ""))
                .filter((line) => line !== "");
            return {
                direction: header[1] as "sent" | "received",
                startLine: lines[1] ?? "",
                headers: lines.slice(2),
            };
        })
        .filter((message): message is SipMessage => message !== undefined);
}

// ---- sipp scenarios ---------------------------------------------------------------------

const AGENT_USER = `agent_${AGENT_A}`;

/**
 * Ultravox's stand-in: answers two calls. The ereg with check_it fails the call (and sipp's
 * exit code) unless the Request-URI user is agent_<id>; the request line it saw goes back to the
 * caller in X-Request-Line, so each call's test sees it too (sipp still answers a failed check).
 */
const UAS_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="Ultravox stand-in">
  <recv request="INVITE">
    <action>
      <ereg regexp="^INVITE sip:${AGENT_USER}@[^ ]+ SIP/2\\.0" search_in="msg" check_it="true" assign_to="line"/>
      <log message="request line: [$line]"/>
    </action>
  </recv>
  <send>
    <![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
X-Request-Line: [$line]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Length: 0

]]>
  </send>
  <recv request="ACK"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]>
  </send>
</scenario>
`;

const INVITE = `INVITE sip:${AGENT_USER}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:pbx@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:${AGENT_USER}@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:pbx@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0
`;

/** A PBX calling the agent through Kamailio: succeeds only on a 200, then hangs up. */
const UAC_SCENARIO_200 = `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="PBX call, allowed">
  <send retrans="500">
    <![CDATA[
${INVITE}
]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:pbx@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
  <send retrans="500">
    <![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:pbx@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
`;

/** A caller the permissions must refuse: succeeds only on a 403 (anything else is unexpected). */
const UAC_SCENARIO_403 = `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="PBX call, refused">
  <send retrans="500">
    <![CDATA[
${INVITE}
]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="403"/>
  <send>
    <![CDATA[
ACK sip:${AGENT_USER}@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
From: <sip:pbx@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
</scenario>
`;

describe("proof: Kamailio with the rendered lists, and a real call through it", function () {
    this.timeout(45_000);

    let tools: Record<string, string>;
    let dir: string;
    const daemons: StartedProcess[] = [];

    before(function () {
        tools = requireTools(this, ["kamailio", "kamcmd", "sipp"]);
        dir = tempDir("pu-kam");
    });

    after(async () => {
        // Stop whatever is still running, even after a failure.
        await Promise.all(daemons.map((daemon) => daemon.stop()));
        removeDir(dir);
    });

    /** Writes the lists and the cfg into a directory of their own. */
    function setUp(name: string, dispatcher: string, addresses: string, port: number): string {
        const where = path.join(dir, name);
        fs.mkdirSync(where);
        fs.writeFileSync(path.join(where, "dispatcher.list"), dispatcher);
        fs.writeFileSync(path.join(where, "address.list"), addresses);
        const cfg = path.join(where, "kamailio.cfg");
        fs.writeFileSync(cfg, kamailioCfg(where, port));
        return cfg;
    }

    const kamcmd = (cfg: string, command: string): Promise<RunResult> => kamcmdOn(tools.kamcmd as string, cfg, command);
    const startKamailio = (cfg: string): Promise<StartedProcess> => startKamailioOn(tools, cfg, daemons);

    function problems(log: string): string[] {
        return log.split("\n").filter((line) => /\b(ERROR|WARNING|CRITICAL|ALERT|BUG)\b/.test(line));
    }

    describe("loading the lists", () => {
        let cfg: string;
        let daemon: StartedProcess;

        before(async () => {
            // Four sets from the fixture's domain: flags 16 (no resolving at load) for UDP, TCP
            // and TLS with priority and attrs; and the default flags 0, which must resolve a
            // domain that never will (.invalid), so Kamailio skips that one, as documented.
            const dispatcher = [
                kamailioDispatcherList(FIXTURE_CONFIG, { flags: 16 }).text,
                kamailioDispatcherList(FIXTURE_CONFIG, { setId: 2, flags: 16, transport: "tcp" }).text,
                kamailioDispatcherList(FIXTURE_CONFIG, {
                    setId: 3,
                    flags: 16,
                    priority: 5,
                    transport: "tls",
                    attrs: "duid=ultravox;maxload=50",
                }).text,
                kamailioDispatcherList(FIXTURE_CONFIG, { setId: 4 }).text,
            ].join("");
            // Group 1 rendered (port and tag set); group 2 a hand-written /0 line, the one mask the
            // renderer refuses, to see what Kamailio makes of it.
            const addresses = `${kamailioPermissionsAddress(FIXTURE_CONFIG.allowedCidrRanges, {
                tag: "ultravox",
                port: 5060,
            })}2 0.0.0.0 0 0\n`;
            cfg = setUp("lists", dispatcher, addresses, await freeUdpPort());
            daemon = await startKamailio(cfg);
        });

        after(async () => daemon?.stop());

        it("kamailio -c accepts the cfg (it does not read the lists: starting does)", async () => {
            const result = await run(tools.kamailio as string, ["-c", "-f", cfg], { timeoutMs: 10_000 });
            expect(result.code, result.stderr).to.equal(0);
            expect(result.stdout + result.stderr).to.contain("config file ok");
        });

        it("loads every dispatcher destination with its flags, priority and attrs", async () => {
            const result = await kamcmd(cfg, "dispatcher.list");
            expect(result.code, result.stderr).to.equal(0);
            const domain = FIXTURE_CONFIG.domain;
            // FLAGS AX: active, not probed.
            expect(dispatcherDestinations(result.stdout)).to.deep.equal([
                `1 sip:${domain} AX 0`,
                `2 sip:${domain};transport=tcp AX 0`,
                `3 sip:${domain};transport=tls AX 5 duid=ultravox;maxload=50`,
            ]);
        });

        it("skips the flags-0 destination it cannot resolve, saying so, and complains of nothing else", () => {
            const domain = FIXTURE_CONFIG.domain;
            // "<pid> ERROR: dispatcher [file.c:line]: function(): text": the level, module and text.
            const complaints = problems(daemon.output()).map((line) =>
                line.replace(/^.*?\b(ERROR|WARNING): (\w+) \[[^\]]*\]: \w+\(\): /, "$1 $2: "),
            );
            expect(complaints).to.deep.equal([
                `ERROR dispatcher: could not resolve ${domain} (missing no-probing flag?!?)`,
                `WARNING dispatcher: unable to add destination sip:${domain} to set 4 -- skipping`,
            ]);
        });

        it("loads every address: the /32 into the address table, the others as subnets, with the tag", async () => {
            const hosts = await kamcmd(cfg, "permissions.addressDump");
            const subnets = await kamcmd(cfg, "permissions.subnetDump");
            expect(hosts.code, hosts.stderr).to.equal(0);
            expect(subnets.code, subnets.stderr).to.equal(0);
            expect(
                kamcmdRecords(hosts.stdout)
                    .map((entry) => `${entry.group} ${entry.ip} ${entry.port} ${entry.tag}`)
                    .filter((entry) => entry.startsWith("1 ")),
            ).to.deep.equal(["1 198.51.100.7 5060 ultravox"]);
            expect(
                kamcmdRecords(subnets.stdout)
                    .map((entry) => `${entry.group} ${entry.ip}/${entry.mask} ${entry.port} ${entry.tag}`)
                    .sort(),
            ).to.deep.equal([
                "1 10.1.2.0/24 5060 ultravox",
                "1 203.0.113.0/24 5060 ultravox",
                "1 9.0.0.0/8 5060 ultravox",
            ]);
        });

        it("reads mask 0 as the single address 0.0.0.0, which is why the renderer refuses /0", async () => {
            const hosts = await kamcmd(cfg, "permissions.addressDump");
            const subnets = await kamcmd(cfg, "permissions.subnetDump");
            const group2 = (text: string) => kamcmdRecords(text).filter((entry) => entry.group === "2");
            // An address, not a subnet: a /0 line would let in only a source of 0.0.0.0, i.e. nobody.
            expect(
                group2(hosts.stdout).map((entry) => `${entry.ip} ${entry.mask ?? "(no mask: a host)"}`),
            ).to.deep.equal(["0.0.0.0 (no mask: a host)"]);
            expect(group2(subnets.stdout)).to.deep.equal([]);
            expect(() => kamailioPermissionsAddress(["0.0.0.0/0"]))
                .to.throw(UltravoxError)
                .with.property("code", "invalid_input");
            expect(kamailioPermissionsAddress(["0.0.0.0/1", "128.0.0.0/1"])).to.contain(
                "1 0.0.0.0 1 0\n1 128.0.0.0 1 0\n",
            );
        });
    });

    it("refuses to start on a broken address file, so loading can fail", async () => {
        const broken = kamailioPermissionsAddress(["127.0.0.2/32"]).replace("1 127.0.0.2 32 0", "1 127.0.0.2 33 0");
        const cfg = setUp(
            "broken",
            kamailioDispatcherList(FIXTURE_CONFIG, { flags: 16 }).text,
            broken,
            await freeUdpPort(),
        );
        const result = await run(tools.kamailio as string, [...kamailioArgs(cfg), "-f", cfg], { timeoutMs: 10_000 });
        expect(result.timedOut).to.equal(false);
        expect(result.code).to.not.equal(0);
        expect(result.stderr).to.contain("init_addresses(): reload of address table failed");
    });

    describe("a call: sipp caller → Kamailio → sipp standing in for Ultravox", () => {
        let kamailioPort: number;
        let uasAddress: string;
        let callConfig: SipConfigData;
        let uas: StartedProcess;
        let callDir: string;
        /** The port each caller used, to find it in the Via headers the stand-in saw. */
        const callerPorts = new Map<string, number>();

        before(async function () {
            // The rendered destination is sip:<domain>, port 5060: find a loopback address where
            // 5060 is free (a wildcard listener on 5060 would take them all).
            for (let last = 5; last <= 30 && uasAddress === undefined; last++) {
                if (await canBindUdp(`127.0.0.${last}`, 5060)) uasAddress = `127.0.0.${last}`;
            }
            if (uasAddress === undefined) skipBecause(this, "UDP port 5060 is taken on every 127.0.0.5-30");
            callConfig = {
                ...FIXTURE_CONFIG,
                domain: uasAddress,
                allowedCidrRanges: [`${ALLOWED_HOST}/32`, "127.0.1.0/24"],
                allowedAgents: [{ agentId: AGENT_A, toUserPattern: DEFAULT_PATTERN_A }],
            };
            kamailioPort = await freeUdpPort();
            const cfg = setUp(
                "call",
                kamailioDispatcherList(callConfig).text,
                kamailioPermissionsAddress(callConfig.allowedCidrRanges),
                kamailioPort,
            );
            callDir = path.dirname(cfg);
            const check = await run(tools.kamailio as string, ["-c", "-f", cfg], { timeoutMs: 10_000 });
            expect(check.code, check.stderr).to.equal(0);
            await startKamailio(cfg);
            fs.writeFileSync(path.join(callDir, "uas.xml"), UAS_SCENARIO);
            fs.writeFileSync(path.join(callDir, "uac-200.xml"), UAC_SCENARIO_200);
            fs.writeFileSync(path.join(callDir, "uac-403.xml"), UAC_SCENARIO_403);
            // Two calls to take: the refused one must never reach it.
            uas = start(
                tools.sipp as string,
                [
                    ...["-sf", "uas.xml", "-i", uasAddress, "-p", "5060", "-m", "2"],
                    ...["-timeout", "20s", "-timeout_error", "-nostdin"],
                    ...["-trace_msg", "-message_file", "uas.msg", "-trace_logs", "-log_file", "uas.log"],
                ],
                { cwd: callDir },
            );
            daemons.push(uas);
            // sipp has no readiness signal: wait until its socket holds 5060.
            const bound = await waitFor(async () => !(await canBindUdp(uasAddress, 5060)), 5000);
            expect(bound, `the sipp UAS did not bind ${uasAddress}:5060:\n${uas.output()}`).to.equal(true);
        });

        after(async () => uas?.stop());

        /** One sipp caller, bound to `source`, one call, bounded by its own and our timeout. */
        async function call(source: string, scenario: string) {
            const port = await freeUdpPort(source);
            callerPorts.set(source, port);
            const trace = `uac-${source}.msg`;
            const result = await run(
                tools.sipp as string,
                [
                    ...["-sf", scenario, "-i", source, "-p", String(port), `127.0.0.1:${kamailioPort}`],
                    ...[
                        "-m",
                        "1",
                        "-timeout",
                        "10s",
                        "-timeout_error",
                        "-nostdin",
                        "-trace_msg",
                        "-message_file",
                        trace,
                    ],
                ],
                { cwd: callDir, timeoutMs: 15_000 },
            );
            const received = sippMessages(path.join(callDir, trace)).filter((m) => m.direction === "received");
            return { result, port, received, statuses: received.map((message) => message.startLine) };
        }

        it(`refuses a caller outside the rendered permissions (${REFUSED}) with 403`, async () => {
            const { result, statuses } = await call(REFUSED, "uac-403.xml");
            expect(statuses).to.deep.equal(["SIP/2.0 403 Forbidden"]);
            expect(result.code, result.stdout.slice(-2000)).to.equal(0); // 0: the scenario got its 403
            expect(explainInboundCall(callConfig, { sourceIp: REFUSED, toUser: `agent_${AGENT_A}` }).accepted).to.equal(
                false,
            );
        });

        for (const source of [ALLOWED_HOST, ALLOWED_IN_SUBNET]) {
            it(`forwards a call from ${source} to agent_<id>@<domain>: 100, 200, then 200 for the BYE`, async () => {
                const { result, received, statuses } = await call(source, "uac-200.xml");
                expect(statuses.map((status) => status.split(" ")[1])).to.deep.equal(["100", "200", "200"]);
                // The stand-in's answer to the INVITE says which Request-URI reached it.
                expect(headerValues(received[1], "X-Request-Line")).to.deep.equal([
                    `INVITE ${agentSipUri(AGENT_A, uasAddress)} SIP/2.0`,
                ]);
                expect(result.code, result.stdout.slice(-2000)).to.equal(0);
                const explained = explainInboundCall(callConfig, { sourceIp: source, toUser: `agent_${AGENT_A}` });
                expect([explained.accepted, explained.route, explained.agentId]).to.deep.equal([
                    true,
                    "agent",
                    AGENT_A,
                ]);
            });
        }

        it("the stand-in saw exactly the two allowed INVITEs, via Kamailio, to sip:agent_<id>@<domain>", async () => {
            const exited = await uas.waitForExit(10_000);
            expect(exited, `the UAS's exit (undefined: still running):\n${uas.output().slice(-2000)}`).to.deep.equal({
                code: 0,
                signal: null,
            });
            const invites = sippMessages(path.join(callDir, "uas.msg")).filter(
                (message) => message.direction === "received" && message.startLine.startsWith("INVITE "),
            );
            const requestLine = `INVITE ${agentSipUri(AGENT_A, uasAddress)} SIP/2.0`;
            expect(invites.map((invite) => invite.startLine)).to.deep.equal([requestLine, requestLine]);
            // Top Via: Kamailio's; next: the caller's, so each INVITE came through the proxy.
            const vias = (invite: SipMessage) =>
                headerValues(invite, "Via").map((via) => via.replace(/;branch=.*$/, ""));
            expect(invites.map(vias)).to.deep.equal(
                [ALLOWED_HOST, ALLOWED_IN_SUBNET].map((source) => [
                    `SIP/2.0/UDP 127.0.0.1:${kamailioPort}`,
                    `SIP/2.0/UDP ${source}:${callerPorts.get(source)}`,
                ]),
            );
            const logged = fs.readFileSync(path.join(callDir, "uas.log"), "utf8").trim().split("\n");
            expect(logged).to.deep.equal([`request line: ${requestLine}`, `request line: ${requestLine}`]);
        });
    });
});
