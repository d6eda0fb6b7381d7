import { createHash } from "node:crypto";
import { expect } from "chai";
import {
    asteriskRegistrationAccount,
    freeswitchDirectoryUser,
    kamailioSubscriber,
    type RegistrationAccount,
    UltravoxError,
} from "pulumi-ultravox";

const ACCOUNT: RegistrationAccount = { username: "ultravox", password: "s3cret;pa\\ss<&>\"'" };
const md5 = (text: string) => createHash("md5").update(text).digest("hex");

function refusal(call: () => unknown): UltravoxError {
    try {
        call();
    } catch (error) {
        expect(error).to.be.instanceOf(UltravoxError);
        return error as UltravoxError;
    }
    throw new Error("expected invalid_input");
}

describe("registration renderers: the account Ultravox registers as, for the PBX", () => {
    it("asteriskRegistrationAccount: auth, aor of one contact, endpoint, named after username; only the password's ; escaped (main/config.c)", () => {
        expect(asteriskRegistrationAccount(ACCOUNT, { transportSection: "transport-tls" })).to.deep.equal({
            text: [
                "; Ultravox registers here as ultravox (a SipRegistration of the same username and password).",
                "[ultravox]",
                "type=auth",
                "auth_type=userpass",
                "username = ultravox",
                "password = s3cret\\;pa\\ss<&>\"'",
                "",
                "[ultravox]",
                "type=aor",
                "max_contacts=1",
                "remove_existing=yes",
                "",
                "[ultravox]",
                "type=endpoint",
                "transport=transport-tls",
                "auth=ultravox",
                "aors=ultravox",
                "context=from-ultravox",
                "disallow=all",
                "allow=ulaw,alaw",
                "",
            ].join("\n"),
            dialString: "PJSIP/ultravox",
        });
    });

    it("authenticates as authUser when it is given; a username other than endpointName names the sections (Asterisk matches the From and To user)", () => {
        const text = asteriskRegistrationAccount({ ...ACCOUNT, username: "uvx-prod", authUser: "auth-7" }).text;
        expect(text).to.contain("[auth-7]\ntype=auth\nauth_type=userpass\nusername = auth-7\n");
        expect(text).to.contain("[uvx-prod]\ntype=aor\n");
        expect(text).to.contain("[uvx-prod]\ntype=endpoint\nauth=auth-7\naors=uvx-prod\n");
        expect(asteriskRegistrationAccount({ ...ACCOUNT, username: "uvx-prod" }).dialString).to.equal("PJSIP/uvx-prod");
        expect(
            asteriskRegistrationAccount({ ...ACCOUNT, username: "uvx-prod" }, { endpointName: "uvx-prod" }).text,
        ).to.contain("[uvx-prod]\ntype=auth\n");
        expect(
            refusal(() => asteriskRegistrationAccount({ ...ACCOUNT, username: "uvx-prod" }, { endpointName: "uv" }))
                .issues,
        ).to.deep.equal(["endpointName"]);
        expect(freeswitchDirectoryUser({ ...ACCOUNT, authUser: "auth-7" }).xml).to.contain('<user id="auth-7">');
    });

    it("freeswitchDirectoryUser: the password XML-escaped, so it cannot add an element", () => {
        expect(freeswitchDirectoryUser(ACCOUNT, { context: "public" }).xml).to.equal(
            [
                "<include>",
                '  <user id="ultravox">',
                "    <params>",
                '      <param name="password" value="s3cret;pa\\ss&#60;&#38;&#62;&#34;&#39;"/>',
                "    </params>",
                "    <variables>",
                '      <variable name="user_context" value="public"/>',
                "    </variables>",
                "  </user>",
                "</include>",
                "",
            ].join("\n"),
        );
    });

    it("kamailioSubscriber: db_text's : and \\ escaped, ha1 and ha1b computed for the realm", () => {
        const account = { username: "ultravox", password: "pa:ss\\w0rd" };
        expect(kamailioSubscriber(account, { domain: "pbx.example.test", id: 7 })).to.deep.equal({
            subscriberTable: [
                "id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)",
                `7:ultravox:pbx.example.test:pa\\:ss\\\\w0rd:${md5("ultravox:pbx.example.test:pa:ss\\w0rd")}:${md5("ultravox@pbx.example.test:pbx.example.test:pa:ss\\w0rd")}`,
                "",
            ].join("\n"),
            versionTable: "table_name(string) table_version(int)\nsubscriber:7\nlocation:9\n",
        });
    });

    const hostile: [string, RegistrationAccount][] = [
        ["a line break in the password", { username: "ultravox", password: "x\n[evil]\ntype=endpoint" }],
        ["U+2028 in the password", { username: "ultravox", password: "x\u2028y" }],
        ["an empty password", { username: "ultravox", password: "" }],
        ["a password with a leading space", { username: "ultravox", password: " x" }],
        ["a bracket in the username", { username: "ultra]vox", password: "x" }],
        ["a space in the username", { username: "ultra vox", password: "x" }],
        ["a 61-character username", { username: "u".repeat(61), password: "x" }],
        ["a quote in authUser", { username: "ultravox", password: "x", authUser: 'a"b' }],
    ];
    for (const [name, account] of hostile) {
        it(`refuses ${name} in every format, naming the field, never quoting the password`, () => {
            for (const render of [
                () => asteriskRegistrationAccount(account),
                () => freeswitchDirectoryUser(account),
                () => kamailioSubscriber(account, { domain: "pbx.example.test" }),
            ]) {
                const error = refusal(render);
                expect(error.code).to.equal("invalid_input");
                for (const part of ["evil", "\\u2028", "\\n"]) expect(error.message).to.not.contain(part);
            }
        });
    }

    it("refuses a Kamailio domain that is not a host name", () => {
        expect(refusal(() => kamailioSubscriber(ACCOUNT, { domain: "pbx:5060" })).issues).to.deep.equal(["domain"]);
    });
});
