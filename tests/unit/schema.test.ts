import { expect } from "chai";
import type { SipConfigData } from "pulumi-ultravox";
import { UltravoxError } from "pulumi-ultravox";
import { AGENT_A, AGENT_B, rawSipConfig } from "../helpers/fixtures";
import { schema } from "../helpers/internal";

const { parseSipConfig } = schema;

function expectInvalid(value: unknown, paths: string[]): UltravoxError {
    let caught: unknown;
    try {
        parseSipConfig(value);
    } catch (error) {
        caught = error;
    }
    expect(caught).to.be.instanceOf(UltravoxError);
    const error = caught as UltravoxError;
    expect(error.code).to.equal("invalid_response");
    expect(error.issues).to.deep.equal(paths);
    for (const path of paths) expect(error.message).to.contain(path);
    return error;
}

function withSip(change: (sip: Record<string, unknown>) => void): Record<string, unknown> {
    const sip = rawSipConfig();
    change(sip);
    return sip;
}

describe("schema: parseSipConfig", () => {
    it("normalizes a full config exactly", () => {
        const warnings: string[] = [];
        const data = parseSipConfig(rawSipConfig(), (message) => warnings.push(message));
        const expected: Omit<SipConfigData, "fingerprint"> = {
            domain: "acme-test.sip.ultravox.invalid",
            allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
            allowAllAgents: false,
            allowedAgents: [
                { agentId: AGENT_B, toUserPattern: "^support$" },
                { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
            ],
            fallbackHandler: {
                url: "https://pbx.example.com/ultravox/fallback",
                secrets: ["fallback-secret-one-0123456789", "fallback-secret-two-9876543210"],
            },
        };
        const { fingerprint, ...rest } = data;
        expect(rest).to.deep.equal(expected);
        expect(warnings).to.deep.equal(["CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24."]);
        // sha256 of the documented material (domain, CIDRs, allowAllAgents, [agentId, toUserPattern] pairs,
        // fallback URL) of this config, computed once outside the package: a golden value.
        expect(fingerprint).to.equal("9a7598eff6b4e7ba04546f2ea794f0747c2a6d5423cdd7eb0bc1f31160b728f6");
    });

    it("fills absent and null optionals with their defaults", () => {
        for (const empty of [undefined, null]) {
            const data = parseSipConfig({
                domain: "d.invalid",
                allowedAgents: [],
                allowedCidrRanges: empty,
                allowAllAgents: empty,
                fallbackHandler: empty,
            });
            expect(data.allowedCidrRanges).to.deep.equal([]);
            expect(data.allowAllAgents).to.equal(false);
            expect(data.fallbackHandler).to.equal(null);
            expect(data.allowedAgents).to.deep.equal([]);
        }
    });

    it("tolerates unknown extra fields and drops them", () => {
        const data = parseSipConfig(withSip((sip) => Object.assign(sip, { newThing: { a: 1 }, version: 7 })));
        expect(Object.keys(data).sort()).to.deep.equal([
            "allowAllAgents",
            "allowedAgents",
            "allowedCidrRanges",
            "domain",
            "fallbackHandler",
            "fingerprint",
        ]);
    });

    it("keeps agent order: the first matching pattern wins", () => {
        const data = parseSipConfig(rawSipConfig());
        expect(data.allowedAgents.map((agent) => agent.agentId)).to.deep.equal([AGENT_B, AGENT_A]);
    });

    it("requires domain and allowedAgents", () => {
        expectInvalid(
            withSip((sip) => {
                delete sip.domain;
            }),
            ["domain"],
        );
        expectInvalid(
            withSip((sip) => {
                delete sip.allowedAgents;
            }),
            ["allowedAgents"],
        );
    });

    it("normalizes agent ids to lower case, and builds the default pattern from the lower-case id", () => {
        const config = parseSipConfig(
            withSip((sip) => {
                sip.allowedAgents = [
                    { agentId: AGENT_A.toUpperCase() },
                    { agentId: AGENT_B.toUpperCase(), toUserPattern: "^support$" },
                ];
            }),
        );
        expect(config.allowedAgents).to.deep.equal([
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
            { agentId: AGENT_B, toUserPattern: "^support$" },
        ]);
    });

    it("rejects an agentId that is not a uuid", () => {
        expectInvalid(
            withSip((sip) => {
                sip.allowedAgents = [{ agentId: "agent-1" }];
            }),
            ["allowedAgents.0.agentId"],
        );
    });

    it("accepts 20 agents and rejects 21", () => {
        const agents = (count: number) =>
            Array.from({ length: count }, (_, i) => ({
                agentId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
            }));
        expect(parseSipConfig(withSip((sip) => (sip.allowedAgents = agents(20)))).allowedAgents).to.have.length(20);
        expectInvalid(
            withSip((sip) => {
                sip.allowedAgents = agents(21);
            }),
            ["allowedAgents"],
        );
    });

    it("accepts a 200-char pattern and rejects 201", () => {
        const at = (length: number) =>
            withSip((sip) => {
                sip.allowedAgents = [{ agentId: AGENT_A, toUserPattern: "x".repeat(length) }];
            });
        expect(parseSipConfig(at(200)).allowedAgents[0]?.toUserPattern).to.have.length(200);
        expectInvalid(at(201), ["allowedAgents.0.toUserPattern"]);
    });

    it("accepts 1 to 10 secrets of up to 120 chars, and nothing outside that", () => {
        const handler = (secrets: string[]) =>
            withSip((sip) => {
                sip.fallbackHandler = { url: "https://h.example.com/x", secrets };
            });
        expect(parseSipConfig(handler(["a"])).fallbackHandler?.secrets).to.deep.equal(["a"]);
        expect(parseSipConfig(handler(Array(10).fill("s"))).fallbackHandler?.secrets).to.have.length(10);
        expect(parseSipConfig(handler(["y".repeat(120)])).fallbackHandler?.secrets[0]).to.have.length(120);
        expectInvalid(handler([]), ["fallbackHandler.secrets"]);
        expectInvalid(handler(Array(11).fill("s")), ["fallbackHandler.secrets"]);
        expectInvalid(handler(["y".repeat(121)]), ["fallbackHandler.secrets.0"]);
    });

    it("requires the fallback handler's url to be a URL", () => {
        expectInvalid(
            withSip((sip) => {
                sip.fallbackHandler = { url: "not a url", secrets: ["s"] };
            }),
            ["fallbackHandler.url"],
        );
    });

    it("rejects CIDRs that are not IPv4 CIDRs, naming each index", () => {
        expectInvalid(
            withSip((sip) => {
                sip.allowedCidrRanges = ["10.0.0.0/8", "2001:db8::/32", "10.0.0.1", "256.0.0.0/8", "1.2.3.4/33"];
            }),
            ["allowedCidrRanges.1", "allowedCidrRanges.2", "allowedCidrRanges.3", "allowedCidrRanges.4"],
        );
    });

    it("rejects wrong types and lists every failing path", () => {
        expectInvalid({ domain: 5, allowedAgents: "x", allowAllAgents: "yes" }, [
            "domain",
            "allowAllAgents",
            "allowedAgents",
        ]);
    });

    it("rejects JSON that is not an object", () => {
        for (const value of [null, [], "x", 3, true]) {
            let caught: unknown;
            try {
                parseSipConfig(value);
            } catch (error) {
                caught = error;
            }
            expect((caught as UltravoxError).code).to.equal("invalid_response");
        }
    });

    it("never puts a rejected value (a too-long secret) in the message", () => {
        const secret = `SECRET${"z".repeat(130)}`;
        const error = expectInvalid(
            withSip((sip) => {
                sip.fallbackHandler = { url: "https://h.example.com/x", secrets: [secret] };
            }),
            ["fallbackHandler.secrets.0"],
        );
        expect(error.message).to.not.contain("SECRET");
    });

    it("gives the same fingerprint whatever the CIDR order, and a new one when content changes", () => {
        const a = parseSipConfig(rawSipConfig());
        const b = parseSipConfig(withSip((sip) => (sip.allowedCidrRanges as string[]).reverse()));
        const c = parseSipConfig(withSip((sip) => (sip.allowedCidrRanges as string[]).push("192.0.2.0/24")));
        const rotated = parseSipConfig(
            withSip((sip) => {
                sip.fallbackHandler = { url: "https://pbx.example.com/ultravox/fallback", secrets: ["rotated"] };
            }),
        );
        expect(b.fingerprint).to.equal(a.fingerprint);
        expect(c.fingerprint).to.not.equal(a.fingerprint);
        // Secrets are left out on purpose: rotating them must not ripple through downstream resources.
        expect(rotated.fingerprint).to.equal(a.fingerprint);
    });
});
