/**
 * The emulator's SIP client, piece by piece: the digest answer (RFC 2617's own example), a
 * challenge and a response read defensively (they come from the network), and which proxies it
 * may contact (127.0.0.0/8 written as digits, nothing else).
 */
import { expect } from "chai";
import { sipDigest, sipMessage, sipTarget } from "../helpers/internal";

const { parseChallenge, digestAuthorization } = sipDigest;
const { parseResponse, grantedExpires, registerMessage } = sipMessage;
const { registerTarget, isLoopbackAddress, sipUser } = sipTarget;

describe("emulator SIP client: digest authentication", () => {
    it("answers RFC 2617's example challenge (qop=auth) with its published response", () => {
        const challenge = parseChallenge(
            'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
        );
        expect(challenge).to.deep.equal({
            realm: "testrealm@host.com",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            opaque: "5ccc069c403ebaf9f0171e9517f40e41",
            qop: "auth",
            stale: false,
        });
        const answer = digestAuthorization(challenge as NonNullable<typeof challenge>, {
            username: "Mufasa",
            password: "Circle Of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonceCount: 1,
            cnonce: "0a4f113b",
        });
        expect(answer).to.equal(
            'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001, opaque="5ccc069c403ebaf9f0171e9517f40e41"',
        );
    });

    it("answers a challenge without qop (RFC 2069), and quotes a realm's quote and backslash back escaped", () => {
        const challenge = parseChallenge('digest realm="a\\"b\\\\c", nonce=abc123, algorithm=md5, stale=TRUE');
        expect(challenge).to.deep.equal({
            realm: 'a"b\\c',
            nonce: "abc123",
            opaque: undefined,
            qop: undefined,
            stale: true,
        });
        const answer = digestAuthorization(challenge as NonNullable<typeof challenge>, {
            username: "ultravox",
            password: "pw",
            method: "REGISTER",
            uri: "sip:127.0.0.1",
            nonceCount: 1,
        });
        expect(answer).to.match(
            /^Digest username="ultravox", realm="a\\"b\\\\c", nonce="abc123", uri="sip:127\.0\.0\.1", response="[0-9a-f]{32}", algorithm=MD5$/,
        );
    });

    it("refuses what it cannot answer safely: not digest, another algorithm or qop, no nonce, a line break, a control character, too long, duplicated, malformed", () => {
        for (const header of [
            'Basic realm="x"',
            'Digest realm="x", nonce="n", algorithm=SHA-256',
            'Digest realm="x", nonce="n", qop="auth-int"',
            'Digest realm="x"',
            'Digest realm="x", nonce=""',
            'Digest realm="x\r\nEvil: yes", nonce="n"',
            'Digest realm="x\u0000", nonce="n"',
            `Digest realm="${"x".repeat(600)}", nonce="n"`,
            `Digest realm="x", nonce="${"n".repeat(2100)}"`,
            'Digest realm="x", realm="y", nonce="n"',
            'Digest realm="x" nonce="n"',
            'Digest realm="x, nonce="n"',
            `Digest ${Array.from({ length: 20 }, (_, index) => `p${index}=1`).join(", ")}, realm="x", nonce="n"`,
        ]) {
            expect(parseChallenge(header), JSON.stringify(header)).to.equal(undefined);
        }
    });
});

describe("emulator SIP client: responses read defensively", () => {
    const response = (lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");

    it("reads a 200 with compact and folded headers, and the expiry granted to its own contact", () => {
        const parsed = parseResponse(
            response([
                "SIP/2.0 200 OK",
                "v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport=5070",
                "i: call-1@127.0.0.1",
                "CSeq: 2 REGISTER",
                "m: <sip:other@127.0.0.1:5999>;expires=3600, <sip:uvx@127.0.0.1:5070>;expires=60",
                "Server: a",
                "  folded",
                "Expires: 120",
            ]),
        );
        expect(parsed?.status).to.equal(200);
        expect(parsed?.headers.get("call-id")).to.deep.equal(["call-1@127.0.0.1"]);
        expect(parsed?.headers.get("server")).to.deep.equal(["a folded"]);
        expect(sipMessage.branchOf(parsed as never)).to.equal("z9hG4bKabc");
        expect(sipMessage.cseqOf(parsed as never)).to.deep.equal({ number: 2, method: "REGISTER" });
        expect(grantedExpires(parsed as never, "sip:uvx@127.0.0.1:5070")).to.equal(60);
        expect(grantedExpires(parsed as never, "sip:gone@127.0.0.1:1")).to.equal(120);
    });

    it("drops a request, a bad status line, an oversized datagram, too many headers, an over-long line, a fold with nothing before it", () => {
        for (const datagram of [
            response(["REGISTER sip:x SIP/2.0", "CSeq: 1 REGISTER"]),
            response(["SIP/2.0 99 Odd"]),
            response(["SIP/2.0 200 OK\u0000"]),
            Buffer.alloc(16 * 1024 + 1, "a"),
            response(["SIP/2.0 200 OK", ...Array.from({ length: 65 }, (_, index) => `X-${index}: y`)]),
            response(["SIP/2.0 200 OK", `X: ${"y".repeat(2100)}`]),
            response(["SIP/2.0 200 OK", " folded"]),
            response(["SIP/2.0 200 OK", "no colon here"]),
        ]) {
            expect(parseResponse(datagram)).to.equal(undefined);
        }
    });

    it("writes no header holding a line break", () => {
        const request = {
            requestUri: "sip:127.0.0.1",
            addressOfRecord: "sip:u@127.0.0.1",
            contact: "sip:u@127.0.0.1:5070",
            sentBy: "127.0.0.1:5070",
            branch: "z9hG4bK1",
            fromTag: "t",
            callId: "c",
            cseq: 1,
            expires: 300,
        };
        expect(registerMessage(request)).to.match(
            /^REGISTER sip:127\.0\.0\.1 SIP\/2\.0\r\n[\s\S]*Content-Length: 0\r\n\r\n$/,
        );
        expect(() => registerMessage({ ...request, callId: "c\r\nEvil: 1" })).to.throw("line break");
    });
});

describe("emulator SIP client: whom it may contact", () => {
    it("only 127.0.0.0/8, written as digits: the outbound proxy when given, else the proxy", () => {
        expect(registerTarget({ proxy: "127.0.0.1" })).to.deep.equal({
            address: "127.0.0.1",
            port: 5060,
            domain: "127.0.0.1",
            domainPort: undefined,
        });
        expect(registerTarget({ proxy: "sip:127.1.2.3:5080;transport=udp" })).to.deep.equal({
            address: "127.1.2.3",
            port: 5080,
            domain: "127.1.2.3",
            domainPort: 5080,
        });
        expect(registerTarget({ proxy: "pbx.example.test", outboundProxy: "127.0.0.1:5070" })).to.deep.equal({
            address: "127.0.0.1",
            port: 5070,
            domain: "pbx.example.test",
            domainPort: undefined,
        });
        for (const registration of [
            { proxy: "pbx.example.test" },
            { proxy: "localhost" },
            { proxy: "127.0.0.1.example.test" },
            { proxy: "128.0.0.1" },
            { proxy: "127.0.0.256" },
            { proxy: "127.0.0.1:0" },
            { proxy: "127.0.0.1:65536" },
            { proxy: "127.0.0.1", outboundProxy: "192.0.2.1" },
            { proxy: "pbx<evil>", outboundProxy: "127.0.0.1" },
            { proxy: "[::1]:5060" },
        ]) {
            expect(registerTarget(registration), JSON.stringify(registration)).to.equal(undefined);
        }
        expect(isLoopbackAddress("127.255.255.255")).to.equal(true);
        expect(isLoopbackAddress("0127.0.0.1")).to.equal(false);
    });

    it("escapes a user part as RFC 3261 says", () => {
        expect(sipUser("uvx-prod_1.+")).to.equal("uvx-prod_1.+");
        expect(sipUser("a@b:c<d>é")).to.equal("a%40b%3Ac%3Cd%3E%C3%A9");
    });
});
