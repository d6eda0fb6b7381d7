/**
 * Proof against the real nft: the files `nftablesRuleset` renders pass `nft -c`, load into a
 * throwaway network namespace with exactly the expected set, and filter real packets as the
 * renderer's documentation says. Needs nft (Debian nftables) and, for loading, `ip netns`
 * (iproute2) with the rights to create a namespace; each part skips, saying why, without them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { type NftablesOptions, nftablesRuleset } from "pulumi-ultravox";
import { rawSipConfig } from "../helpers/fixtures";
import { run } from "../helpers/process";
import { removeDir, requireTools, skipBecause, tempDir, which } from "../helpers/tools";

interface RulesetCase {
    name: string;
    cidrs: string[];
    options: NftablesOptions;
    family: "inet" | "ip";
    table: string;
    setName: string;
    /** What `nft list set` must show, written out by hand (not computed by the code under test). */
    expectedSet: string[];
}

const CASES: RulesetCase[] = [
    {
        name: "the fixture's CIDRs (host bits set on one, one duplicate)",
        cidrs: rawSipConfig().allowedCidrRanges as string[],
        options: {},
        family: "inet",
        table: "ultravox",
        setName: "ultravox_sip",
        expectedSet: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
    },
    {
        name: "an empty list",
        cidrs: [],
        options: {},
        family: "inet",
        table: "ultravox",
        setName: "ultravox_sip",
        expectedSet: [],
    },
    {
        name: "an RTP range, dropOthers, family ip and custom names",
        cidrs: ["198.51.100.7/32", "192.0.2.0/24"],
        options: {
            rtp: { from: 10000, to: 20000 },
            dropOthers: true,
            family: "ip",
            table: "pbx_edge",
            setName: "Sbcs",
        },
        family: "ip",
        table: "pbx_edge",
        setName: "Sbcs",
        expectedSet: ["192.0.2.0/24", "198.51.100.7/32"],
    },
    {
        // nft refuses overlapping elements in an interval set: the nested /16 must be left out.
        name: "nested and adjacent CIDRs, not aggregated",
        cidrs: ["10.1.0.0/16", "10.0.0.0/8", "192.0.2.128/25", "192.0.2.0/25"],
        options: {},
        family: "inet",
        table: "ultravox",
        setName: "ultravox_sip",
        expectedSet: ["10.0.0.0/8", "192.0.2.0/25", "192.0.2.128/25"],
    },
    {
        name: "the same CIDRs, aggregated",
        cidrs: ["10.1.0.0/16", "10.0.0.0/8", "192.0.2.128/25", "192.0.2.0/25"],
        options: { aggregate: true },
        family: "inet",
        table: "ultravox",
        setName: "ultravox_sip",
        expectedSet: ["10.0.0.0/8", "192.0.2.0/24"],
    },
];

/** Independent of the renderer: tells whether `nft -c` works here at all. */
const PROBE_RULESET = "table inet pu_probe {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n}\n";

/** How `nft -c` can run here: plainly (root), or in a user+network namespace (`unshare -rn`). */
type CheckMode = { argv: string[]; label: string };

/** A failure that says nothing about the file: no rights, or no netlink in this sandbox. */
const NO_RIGHTS = /operation not permitted|permission denied|netlink|could not process rule: no such file/i;

let dir: string;
let nft: string;
let checkMode: CheckMode;

function writeFile(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
}

function nftCheck(file: string) {
    const [command, ...prefix] = checkMode.argv;
    return run(command as string, [...prefix, "-c", "-f", file], { timeoutMs: 10_000 });
}

/** `nft -j list set` elements as CIDRs: nft prints a /32 as a bare address. */
function setElements(json: string): string[] {
    const parsed = JSON.parse(json) as { nftables: { set?: { elem?: unknown[] } }[] };
    const set = parsed.nftables.find((entry) => entry.set !== undefined)?.set;
    if (set === undefined) throw new Error(`no set in: ${json}`);
    return (set.elem ?? []).map((element) => {
        if (typeof element === "string") return `${element}/32`;
        const prefix = (element as { prefix?: { addr: string; len: number } }).prefix;
        if (prefix) return `${prefix.addr}/${prefix.len}`;
        return JSON.stringify(element); // a range or anything else: shows up as a mismatch
    });
}

// Hooks inside a describe: at the top level mocha would run them (and their skips) for every file.
describe("proof: nftables", () => {
    before(async function () {
        nft = requireTools(this, ["nft"]).nft as string;
        dir = tempDir("pu-nft");
        const probe = writeFile("probe.nft", PROBE_RULESET);
        const plain = await run(nft, ["-c", "-f", probe], { timeoutMs: 10_000 });
        if (plain.code === 0) {
            checkMode = { argv: [nft], label: "nft -c -f" };
            return;
        }
        const unshare = which("unshare");
        if (NO_RIGHTS.test(plain.stderr) && unshare !== undefined) {
            const namespaced = await run(unshare, ["-rn", nft, "-c", "-f", probe], { timeoutMs: 10_000 });
            if (namespaced.code === 0) {
                checkMode = { argv: [unshare, "-rn", nft], label: "unshare -rn nft -c -f" };
                return;
            }
        }
        skipBecause(this, `nft -c cannot run here (no rights or netlink?): ${plain.stderr.trim()}`);
    });

    after(() => removeDir(dir));

    describe("nftablesRuleset passes nft -c", () => {
        for (const testCase of CASES) {
            it(`accepts ${testCase.name}`, async () => {
                const file = writeFile("case.nft", nftablesRuleset(testCase.cidrs, testCase.options));
                const result = await nftCheck(file);
                expect(result.stderr).to.equal("");
                expect(result.code).to.equal(0);
            });
        }

        it("accepts every table and set name the renderer lets through, from nft's vocabulary", async () => {
            // Words nft's scanner knows in some context: the renderer refuses its keywords, and each
            // name it does accept must then load (nft 1.0.6 refuses keywords even quoted).
            const words = [
                "filter",
                "nat",
                "route",
                "raw",
                "mangle",
                "security",
                "input",
                "output",
                "forward",
                "prerouting",
                "postrouting",
                "ingress",
                "egress",
                "new",
                "established",
                "related",
                "invalid",
                "state",
                "sip",
                "TCP",
                "Drop",
                "elements_v4",
                "auto_merge",
                "netmask",
                "level",
                "group",
                "hash",
                "zone",
                "label",
                "helper",
                "event",
                "random",
                "fanout",
                "bypass",
                "burst",
                "key",
                "data",
                "never",
                "merge",
                "counter",
                "table",
                "set",
                "udp",
                "elements",
                "typeof",
                "flags",
            ];
            const accepted: string[] = [];
            const refusedByRenderer: string[] = [];
            for (const word of words) {
                let text: string;
                try {
                    text = nftablesRuleset(["192.0.2.0/24"], { table: word, setName: word });
                } catch {
                    refusedByRenderer.push(word);
                    continue;
                }
                const result = await nftCheck(writeFile("name.nft", text));
                expect(result.code, `nft refused the name ${word}: ${result.stderr}`).to.equal(0);
                accepted.push(word);
            }
            // The keywords among them are refused by the renderer, not left for nft to choke on.
            expect(refusedByRenderer).to.deep.equal([
                "random",
                "counter",
                "table",
                "set",
                "udp",
                "elements",
                "typeof",
                "flags",
            ]);
            expect(accepted).to.have.length(words.length - 8);
            // And nft does refuse a keyword as a name: the renderer's refusal is needed.
            const keyword = writeFile(
                "keyword.nft",
                nftablesRuleset(["192.0.2.0/24"], { table: "x_counter" }).replaceAll("x_counter", "counter"),
            );
            expect((await nftCheck(keyword)).code).to.equal(1);
        });

        it("rejects a broken ruleset (a misspelt type), so the check can fail", async () => {
            const text = nftablesRuleset(["192.0.2.0/24"]).replace("type ipv4_addr", "type ipv4_adr");
            const result = await nftCheck(writeFile("typo.nft", text));
            expect(result.code).to.equal(1);
            expect(result.stderr).to.contain("unknown datatype ipv4_adr");
        });

        it("rejects a nested CIDR in the set, which is why the renderer leaves nested ones out", async () => {
            const text = nftablesRuleset(["10.0.0.0/8"]).replace(
                "\t\t\t10.0.0.0/8",
                "\t\t\t10.0.0.0/8,\n\t\t\t10.1.0.0/16",
            );
            expect(text).to.contain("10.0.0.0/8,\n\t\t\t10.1.0.0/16\n");
            const result = await nftCheck(writeFile("nested.nft", text));
            expect(result.code).to.equal(1);
            expect(result.stderr).to.contain("conflicting intervals specified");
        });
    });

    describe("nftablesRuleset loaded for real in a throwaway network namespace", () => {
        const namespace = `pu-test-${process.pid}`;
        let ip: string;
        let created = false;

        const inNamespace = (args: readonly string[], timeoutMs = 10_000) =>
            run(ip, ["netns", "exec", namespace, ...args], { timeoutMs });

        async function load(text: string) {
            const result = await inNamespace([nft, "-f", writeFile("load.nft", text)]);
            expect(result.stderr).to.equal("");
            expect(result.code).to.equal(0);
        }

        async function listSet(family: string, table: string, setName: string): Promise<string[]> {
            const result = await inNamespace([nft, "-j", "list", "set", family, table, setName]);
            expect(result.code, result.stderr).to.equal(0);
            return setElements(result.stdout);
        }

        before(async function () {
            if (checkMode === undefined) skipBecause(this, "nft -c does not run here, see above");
            const tools = requireTools(this, ["ip"]);
            ip = tools.ip as string;
            const add = await run(ip, ["netns", "add", namespace], { timeoutMs: 10_000 });
            if (add.code !== 0) {
                skipBecause(
                    this,
                    `cannot create a network namespace (${add.stderr.trim()}); needs root or CAP_SYS_ADMIN`,
                );
            }
            created = true;
            const up = await run(ip, ["-n", namespace, "link", "set", "lo", "up"], { timeoutMs: 10_000 });
            expect(up.code, up.stderr).to.equal(0);
        });

        after(async () => {
            if (created) await run(ip, ["netns", "delete", namespace], { timeoutMs: 10_000 });
        });

        for (const testCase of CASES) {
            it(`loads ${testCase.name} with exactly ${testCase.expectedSet.length} set elements`, async () => {
                await load(nftablesRuleset(testCase.cidrs, testCase.options));
                const elements = await listSet(testCase.family, testCase.table, testCase.setName);
                expect(elements).to.deep.equal(testCase.expectedSet);
            });
        }

        it("replaces the table whole on reload: the set afterwards holds the new CIDRs only", async () => {
            await load(nftablesRuleset(["203.0.113.0/24", "198.51.100.7/32"]));
            await load(nftablesRuleset(["203.0.113.0/24", "198.51.100.7/32"]));
            await load(nftablesRuleset(["192.0.2.0/24"]));
            expect(await listSet("inet", "ultravox", "ultravox_sip")).to.deep.equal(["192.0.2.0/24"]);
            const tables = await inNamespace([nft, "list", "tables"]);
            expect(tables.stdout.split("\n").filter((line) => line.includes("ultravox"))).to.deep.equal([
                "table inet ultravox",
            ]);
        });

        describe("packets", () => {
            // Runs inside the namespace: a UDP 5060 and a TCP 5061 listener on 127.0.0.1, and one
            // datagram and one connection attempt from each source address (all of 127/8 is lo).
            const PROBE = `
    const dgram = require("node:dgram");
    const net = require("node:net");
    const sources = JSON.parse(process.argv[2]);
    const connects = (source) => new Promise((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port: 5061, localAddress: source });
        const timer = setTimeout(() => { socket.destroy(); resolve(false); }, 300);
        socket.on("connect", () => { clearTimeout(timer); socket.destroy(); resolve(true); });
        socket.on("error", () => { clearTimeout(timer); resolve(false); });
    });
    (async () => {
        const udpFrom = new Set();
        const udp = dgram.createSocket("udp4");
        udp.on("message", (_message, remote) => udpFrom.add(remote.address));
        await new Promise((resolve) => udp.bind(5060, "127.0.0.1", resolve));
        const tcp = net.createServer((socket) => socket.destroy());
        await new Promise((resolve) => tcp.listen(5061, "127.0.0.1", resolve));
        const tcpFrom = [];
        for (const source of sources) {
            const client = dgram.createSocket("udp4");
            await new Promise((resolve) => client.bind(0, source, resolve));
            await new Promise((resolve) => client.send("OPTIONS", 5060, "127.0.0.1", resolve));
            client.close();
            if (await connects(source)) tcpFrom.push(source);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        udp.close();
        tcp.close();
        console.log(JSON.stringify({ udp: sources.filter((source) => udpFrom.has(source)), tcp: tcpFrom }));
    })();
    `;
            const SOURCES = ["127.0.0.2", "127.0.0.3"];

            async function probe(): Promise<{ udp: string[]; tcp: string[] }> {
                const script = writeFile("probe.js", PROBE);
                const result = await inNamespace([process.execPath, script, JSON.stringify(SOURCES)]);
                expect(result.code, result.stderr).to.equal(0);
                return JSON.parse(result.stdout) as { udp: string[]; tcp: string[] };
            }

            // Tables from the tests above are still loaded (one drops 5060): start each test clean.
            beforeEach(async () => {
                const flush = await inNamespace([nft, "flush", "ruleset"]);
                expect(flush.code, flush.stderr).to.equal(0);
            });

            it("with dropOthers: SIP from a listed source gets through, from any other it is dropped", async () => {
                await load(nftablesRuleset(["127.0.0.2/32"], { dropOthers: true }));
                const seen = await probe();
                expect(seen).to.deep.equal({ udp: ["127.0.0.2"], tcp: ["127.0.0.2"] });
            });

            it("without dropOthers the file restricts nothing (policy accept), as documented", async () => {
                await load(nftablesRuleset(["127.0.0.2/32"]));
                const seen = await probe();
                expect(seen).to.deep.equal({ udp: SOURCES, tcp: SOURCES });
            });

            it("an accept here does not override a drop in the host's own chain, as documented", async () => {
                // A stand-in for the host's firewall: another table, another base chain on input.
                await load(
                    "table inet host {\n\tchain input {\n\t\ttype filter hook input priority 10; policy accept;\n" +
                        "\t\tudp dport 5060 drop\n\t\ttcp dport 5061 drop\n\t}\n}\n",
                );
                await load(nftablesRuleset(["127.0.0.2/32"], { dropOthers: true }));
                expect(await probe()).to.deep.equal({ udp: [], tcp: [] });
            });
        });
    });
});
