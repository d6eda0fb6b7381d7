/**
 * Proof against a real XML parser (xmllint, Debian libxml2-utils): the FreeSWITCH gateway and
 * ACL files `freeswitchGateway` renders, and the directory user `freeswitchDirectoryUser` renders, are well-formed and parse to exactly the values meant,
 * and its XML escaping round-trips. FreeSWITCH itself is not packaged in Debian 12, so a strict
 * parser stands in for its own (ezxml-based, more lenient) one: what libxml2 reads as meant,
 * FreeSWITCH reads as meant.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { freeswitchDirectoryUser, freeswitchGateway, type SipConfigData, UltravoxError } from "pulumi-ultravox";
import { AGENT_A, AGENT_B } from "../helpers/fixtures";
import { run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";
import { removeDir, requireTools, tempDir } from "../helpers/tools";

/** Not exported from the package entry: loaded from the same dist/ the entry uses. */
const { escapeXml } = require(
    path.join(REPO_ROOT, "dist", "render", "pbx", "freeswitch"),
) as typeof import("../../dist/render/pbx/freeswitch");

const CONFIG: SipConfigData = {
    domain: "acme-test.sip.ultravox.invalid",
    allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32"],
    allowAllAgents: false,
    allowedAgents: [
        { agentId: AGENT_B, toUserPattern: "^support$" },
        { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
    ],
    fallbackHandler: null,
    fingerprint: "0".repeat(64),
};

describe("proof: FreeSWITCH XML through xmllint", () => {
    let xmllint: string;
    let dir: string;

    before(function () {
        xmllint = requireTools(this, ["xmllint"]).xmllint as string;
        dir = tempDir("pu-fs");
    });

    after(() => removeDir(dir));

    function write(name: string, text: string): string {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    }

    async function wellFormed(file: string) {
        return run(xmllint, ["--noout", file], { timeoutMs: 10_000 });
    }

    /** The string value of an XPath 1.0 expression, as libxml2 reads the file. */
    async function xpath(file: string, expression: string): Promise<string> {
        const result = await run(xmllint, ["--xpath", expression, file], { timeoutMs: 10_000 });
        expect(result.code, `${expression}: ${result.stderr}`).to.equal(0);
        // xmllint ends a string result with one newline of its own.
        expect(result.stdout.endsWith("\n"), result.stdout).to.equal(true);
        return result.stdout.slice(0, -1);
    }

    /** `name=value` for each `<param>` of the gateway, in document order. */
    async function params(file: string): Promise<string[]> {
        const count = Number(await xpath(file, "count(/include/gateway/param)"));
        const out: string[] = [];
        for (let index = 1; index <= count; index++) {
            out.push(
                await xpath(
                    file,
                    `concat(/include/gateway/param[${index}]/@name, "=", /include/gateway/param[${index}]/@value)`,
                ),
            );
        }
        return out;
    }

    it("accepts the default gateway and ACL, which parse to exactly the values meant", async () => {
        const rendered = freeswitchGateway(CONFIG);
        // AGENT_B answers to "support" only: dialling agent_<B> would be rejected, and the renderer says so.
        expect(rendered.warnings).to.have.length(1);
        expect(rendered.warnings[0]).to.contain(`agent_${AGENT_B} matches no allowedAgents pattern`);
        // No dial string for B: agent_<B> certainly does not reach B.
        expect(rendered.dialStrings).to.deep.equal({ [AGENT_A]: `sofia/gateway/ultravox/agent_${AGENT_A}` });
        const gateway = write("gateway.xml", rendered.gatewayXml);
        const acl = write("acl.xml", rendered.aclXml);
        for (const file of [gateway, acl]) {
            const result = await wellFormed(file);
            expect(result.stderr).to.equal("");
            expect(result.code).to.equal(0);
        }
        expect(await xpath(gateway, "string(/include/gateway/@name)")).to.equal("ultravox");
        expect(await params(gateway)).to.deep.equal([
            "proxy=acme-test.sip.ultravox.invalid",
            "realm=acme-test.sip.ultravox.invalid",
            "register=false",
            "caller-id-in-from=true",
            "register-transport=udp",
        ]);
        expect(
            await xpath(
                gateway,
                'concat(/include/gateway/variables/variable[@name="absolute_codec_string"]/@value, " ", /include/gateway/variables/variable/@direction)',
            ),
        ).to.equal("PCMU,PCMA,G722,opus outbound");
        expect(await xpath(acl, 'concat(/include/list/@name, " ", /include/list/@default)')).to.equal("ultravox deny");
        expect(await xpath(acl, "count(/include/list/node)")).to.equal("3");
        const nodes: string[] = [];
        for (let index = 1; index <= 3; index++) {
            nodes.push(
                await xpath(acl, `concat(/include/list/node[${index}]/@type, " ", /include/list/node[${index}]/@cidr)`),
            );
        }
        expect(nodes).to.deep.equal(["allow 9.0.0.0/8", "allow 10.1.2.0/24", "allow 198.51.100.7/32"]);
    });

    it("accepts the variants: TLS, every codec FreeSWITCH names, custom names, no CIDRs", async () => {
        const rendered = freeswitchGateway(CONFIG, {
            transport: "tls",
            codecs: ["G.722.1", "G.722.2", "iLBC", "opus", "alaw", "ulaw", "g722"],
            gatewayName: "uv-prod.1",
            aclName: "ultravox_pbx",
            aclCidrs: [],
            callerIdInFrom: false,
        });
        const gateway = write("gateway-variant.xml", rendered.gatewayXml);
        const acl = write("acl-variant.xml", rendered.aclXml);
        for (const file of [gateway, acl]) expect((await wellFormed(file)).code).to.equal(0);
        expect(await xpath(gateway, "string(/include/gateway/@name)")).to.equal("uv-prod.1");
        expect(await params(gateway)).to.deep.equal([
            "proxy=acme-test.sip.ultravox.invalid",
            "realm=acme-test.sip.ultravox.invalid",
            "register=false",
            "caller-id-in-from=false",
            "register-transport=tls",
        ]);
        expect(await xpath(gateway, "string(/include/gateway/variables/variable/@value)")).to.equal(
            "G7221@16000h,AMR-WB,iLBC,opus,PCMA,PCMU,G722",
        );
        // An empty list with default="deny": FreeSWITCH then refuses every source, not none.
        expect(await xpath(acl, 'concat(/include/list/@name, " ", /include/list/@default)')).to.equal(
            "ultravox_pbx deny",
        );
        expect(await xpath(acl, "count(/include/list/node)")).to.equal("0");
    });

    it("escapes the five XML specials so that a parser reads back the exact text", async () => {
        // No field of freeswitchGateway can carry them (see the next test), so escapeXml is
        // exercised directly, in an attribute and in text, as the renderer uses it.
        const nasty = `a&b<c>d"e'f &amp; ]]> &#60; x`;
        const file = write(
            "escaped.xml",
            `<root><item value="${escapeXml(nasty)}" other='${escapeXml(nasty)}'>${escapeXml(nasty)}</item></root>\n`,
        );
        const result = await wellFormed(file);
        expect(result.stderr).to.equal("");
        expect(result.code).to.equal(0);
        expect(await xpath(file, "string(/root/item/@value)")).to.equal(nasty);
        expect(await xpath(file, "string(/root/item/@other)")).to.equal(nasty);
        expect(await xpath(file, "string(/root/item)")).to.equal(nasty);
    });

    it("refuses XML specials in every free-text option, before any XML is written", () => {
        const attempts: [string, () => unknown][] = [
            ["gatewayName", () => freeswitchGateway(CONFIG, { gatewayName: 'a"b' })],
            ["gatewayName", () => freeswitchGateway(CONFIG, { gatewayName: "a&b" })],
            ["aclName", () => freeswitchGateway(CONFIG, { aclName: "a<b" })],
            ["aclCidrs", () => freeswitchGateway(CONFIG, { aclCidrs: ['10.0.0.0/8"/><node type="allow'] })],
            ["domain", () => freeswitchGateway({ ...CONFIG, domain: "a&b.example" })],
            ["codecs", () => freeswitchGateway(CONFIG, { codecs: ["PCMU<"] })],
        ];
        for (const [field, attempt] of attempts) {
            let caught: unknown;
            try {
                attempt();
            } catch (error) {
                caught = error;
            }
            expect(caught, field).to.be.instanceOf(UltravoxError);
            expect((caught as UltravoxError).code, field).to.equal("invalid_input");
        }
    });

    it("the directory user Ultravox registers as: a password with every XML special reads back exact, one user, one param", async () => {
        const password = `pa"ss'<w>&rd ]]> &amp; /><user id="evil"`;
        const file = write(
            "directory-user.xml",
            freeswitchDirectoryUser({ username: "ultravox", password }, { context: "public" }).xml,
        );
        const result = await wellFormed(file);
        expect(result.stderr).to.equal("");
        expect(result.code).to.equal(0);
        expect(await xpath(file, "count(//user)")).to.equal("1");
        expect(await xpath(file, "string(/include/user/@id)")).to.equal("ultravox");
        expect(await xpath(file, "count(/include/user/params/param)")).to.equal("1");
        expect(await xpath(file, 'string(/include/user/params/param[@name="password"]/@value)')).to.equal(password);
        expect(await xpath(file, 'string(/include/user/variables/variable[@name="user_context"]/@value)')).to.equal(
            "public",
        );
    });

    it("rejects broken XML, so the check can fail", async () => {
        const unescaped = await wellFormed(write("unescaped.xml", '<include><list name="a&b"/></include>\n'));
        expect(unescaped.code).to.equal(1);
        expect(unescaped.stderr).to.contain("EntityRef");
        const truncated = freeswitchGateway(CONFIG).gatewayXml.replace("  </gateway>\n", "");
        const unclosed = await wellFormed(write("unclosed.xml", truncated));
        expect(unclosed.code).to.equal(1);
        expect(unclosed.stderr).to.contain("Opening and ending tag mismatch: gateway");
    });
});
