/**
 * Every password the API takes, read back by each PBX as its own code reads a rendered file.
 * Asterisk and FreeSWITCH are not packaged in Debian 12 and cannot be built here (see
 * docs/limits.md): their reading is modelled below from their source, each rule naming the file
 * and function it comes from, and the model is applied to what the renderers write. FreeSWITCH's
 * XML itself is read by a real parser (xmllint) after the modelled preprocessor. Kamailio is
 * proven by running it (tests/proof/kamailioRegistration.test.ts, emulatorRegisters.test.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { asteriskRegistrationAccount, freeswitchDirectoryUser, UltravoxError } from "pulumi-ultravox";
import { SPECIAL_PASSWORDS } from "../helpers/passwords";
import { run } from "../helpers/process";
import { removeDir, requireTools, tempDir } from "../helpers/tools";

/**
 * How Asterisk reads `name = value` on one line of a config file (main/config.c):
 * - `config_text_file_load`: a `;` preceded by `\` is kept and that backslash dropped ("Escaped
 *   semicolons aren't comments"); `;--` opens a block comment, `--;` closes one; any other `;`
 *   ends the line. No other backslash is an escape.
 * - `process_text_line`: the name ends at the first `=`; a `>` right after it makes the line an
 *   object assignment (`=>`) and is not part of the value; name and value are `ast_strip`ped.
 */
function asteriskReads(line: string): { name: string; value: string; object: boolean } | undefined {
    let text = line;
    let at = 0;
    let comment = 0;
    let kept = "";
    for (;;) {
        const semi = text.indexOf(";", at);
        if (semi < 0) break;
        if (semi > at && text[semi - 1] === "\\" && comment === 0) {
            text = `${text.slice(0, semi - 1)}${text.slice(semi)}`;
            at = semi;
        } else if (text[semi + 1] === "-" && text[semi + 2] === "-" && text[semi + 3] !== "-") {
            if (comment === 0) kept += text.slice(0, semi);
            comment++;
            text = text.slice(semi + 3);
            at = 0;
        } else if (comment > 0 && semi >= at + 2 && text[semi - 1] === "-" && text[semi - 2] === "-") {
            comment--;
            text = text.slice(semi + 1);
            at = 0;
        } else if (comment === 0) {
            text = text.slice(0, semi);
            break;
        } else {
            at = semi + 1;
        }
    }
    const processed = comment > 0 ? kept : kept + text;
    const equals = processed.indexOf("=");
    if (equals < 0) return undefined;
    let value = processed.slice(equals + 1);
    const object = value.startsWith(">");
    if (object) value = value.slice(1);
    return { name: processed.slice(0, equals).trim(), value: value.trim(), object };
}

/** The `password` an Asterisk auth section holds, read from the rendered text. */
function asteriskPassword(text: string): string | undefined {
    const line = text.split("\n").find((candidate) => candidate.startsWith("password"));
    return line === undefined ? undefined : asteriskReads(line)?.value;
}

/**
 * What FreeSWITCH's preprocessor (src/switch_xml.c, `preprocess`) writes for the XML parser, line
 * by line: `expand_vars` replaces each `$${name}` with the global variable's value (here
 * `default_password` is `1234`, as in the vanilla config; an unknown one is empty); a line holding
 * `<include>`, `</include>` or `<?` is dropped; a line holding `X-pre-process` (`switch_stristr`:
 * any case) is dropped (it is a directive, or ignored); a line holding `<!--#` is cut there.
 */
function freeswitchPreprocess(text: string): string {
    const globals: Record<string, string> = { default_password: "1234", domain: "pbx.example.test" };
    const out: string[] = [];
    for (const raw of text.split("\n")) {
        const line = raw.replace(/\$\$\{([^}]*)\}/g, (_all, name: string) => globals[name] ?? "");
        if (line.includes("<include>") || line.includes("</include>") || line.includes("<?")) continue;
        if (/x-pre-process/i.test(line)) continue;
        const directive = line.indexOf("<!--#");
        out.push(directive < 0 ? line : line.slice(0, directive));
    }
    return out.join("\n");
}

/** What the renderers refuse (a file cannot carry it): C0, DEL, C1, U+2028 and U+2029. */
function isControlOrSeparator(character: string): boolean {
    const code = character.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

describe("proof: each PBX reads the rendered account's password as written (Asterisk and FreeSWITCH by their source's rules)", function () {
    this.timeout(120_000);

    describe("Asterisk (main/config.c's rules)", () => {
        it("the model reads what Asterisk's own files say it does", () => {
            expect(asteriskReads("password=pa\\\\ss")?.value).to.equal("pa\\\\ss");
            expect(asteriskReads("password=a\\;b ; comment")?.value).to.equal("a;b");
            expect(asteriskReads("password=>x")).to.deep.equal({ name: "password", value: "x", object: true });
            expect(asteriskReads("password=a;--block--;b")?.value).to.equal("ab");
        });

        for (const password of SPECIAL_PASSWORDS) {
            it(`reads ${JSON.stringify(password)} back exactly`, () => {
                const text = asteriskRegistrationAccount({ username: "uvx-prod", password }).text;
                expect(asteriskPassword(text)).to.equal(password);
                // And nothing else of the file changes: one auth password line, the sections named after username.
                expect(text.split("\n").filter((line) => line.startsWith("password"))).to.have.length(1);
            });
        }

        it("reads any printable password back exactly (property: 500 passwords of printable ASCII and Unicode)", () => {
            const printable = fc
                .string({
                    unit: fc.oneof(
                        fc.constantFrom(..."\\;>=-$ {}#[]\"'"),
                        fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
                        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
                    ),
                    minLength: 1,
                    maxLength: 60,
                })
                .filter((text) => text.trim() === text && ![...text].some(isControlOrSeparator));
            fc.assert(
                fc.property(printable, (password) => {
                    expect(
                        asteriskPassword(asteriskRegistrationAccount({ username: "uvx-prod", password }).text),
                    ).to.equal(password);
                }),
                { numRuns: 500 },
            );
        });

        it("names the endpoint and AOR after username (res_pjsip_endpoint_identifier_user.c username_identify; res_pjsip_registrar.c find_aor_name), the auth after authUser", () => {
            const text = asteriskRegistrationAccount({
                username: "uvx-prod",
                authUser: "uvx-auth",
                password: "p",
            }).text;
            expect(text).to.match(/\[uvx-auth\]\ntype=auth\nauth_type=userpass\nusername = uvx-auth\n/);
            expect(text).to.match(/\[uvx-prod\]\ntype=aor\n/);
            expect(text).to.match(/\[uvx-prod\]\ntype=endpoint\nauth=uvx-auth\naors=uvx-prod\n/);
            const error = (() => {
                try {
                    asteriskRegistrationAccount({ username: "uvx-prod", password: "p" }, { endpointName: "ultravox" });
                } catch (caught) {
                    return caught as UltravoxError;
                }
                throw new Error("accepted");
            })();
            expect(error).to.be.instanceOf(UltravoxError).with.property("code", "invalid_input");
            expect(error.message).to.contain('endpointName "ultravox" differs from username "uvx-prod"');
        });
    });

    describe("FreeSWITCH (switch_xml.c's preprocess(), then a real XML parser)", () => {
        let xmllint: string;
        let dir: string;
        before(function () {
            xmllint = requireTools(this, ["xmllint"]).xmllint as string;
            dir = tempDir("pu-fsrules");
        });
        after(() => removeDir(dir));

        async function readBack(password: string, index: number): Promise<string> {
            const file = path.join(dir, `user-${index}.xml`);
            fs.writeFileSync(
                file,
                freeswitchPreprocess(freeswitchDirectoryUser({ username: "uvx-prod", password }).xml),
            );
            const result = await run(
                xmllint,
                ["--xpath", 'string(/user/params/param[@name="password"]/@value)', file],
                {
                    timeoutMs: 10_000,
                },
            );
            expect(result.code, result.stderr).to.equal(0);
            return result.stdout.replace(/\n$/, "");
        }

        it("the model does what FreeSWITCH's preprocessor does to a raw value", () => {
            expect(freeswitchPreprocess('<param name="password" value="a$${default_password}b"/>')).to.equal(
                '<param name="password" value="a1234b"/>',
            );
            expect(freeswitchPreprocess('a\n<param name="password" value="my-X-PRE-PROCESS-pass"/>\nb')).to.equal(
                "a\nb",
            );
        });

        SPECIAL_PASSWORDS.forEach((password, index) => {
            it(`reads ${JSON.stringify(password)} back exactly`, async () => {
                expect(await readBack(password, index)).to.equal(password);
            });
        });

        it("keeps a username holding x-pre-process and the user id as written", async () => {
            const file = path.join(dir, "user-id.xml");
            fs.writeFileSync(
                file,
                freeswitchPreprocess(freeswitchDirectoryUser({ username: "x-pre-process", password: "p" }).xml),
            );
            const result = await run(xmllint, ["--xpath", "string(/user/@id)", file], { timeoutMs: 10_000 });
            expect(result.stdout).to.equal("x-pre-process\n");
        });
    });
});
