/**
 * The README and docs/: the README stays short, the pages are in the Pulumi Registry's layout, and
 * every link between them resolves (a file that exists, and an anchor that is one of its headings).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { markdown, markdownFiles } from "../helpers/readme";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

function anchors(file: string): Set<string> {
    const text = markdown(file).replace(/^```[\s\S]*?^```$/gm, "");
    return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] ?? "")));
}

/** Whether the lines of `block` appear one after another in `file`, the same indentation added to each. */
function isExcerpt(block: string, file: string): boolean {
    const wanted = block.replace(/\n$/, "").split("\n");
    const lines = file.split("\n");
    const first = wanted[0] ?? "";
    return lines.some((line, start) => {
        if (!line.endsWith(first) || line.trim() !== first.trim()) return false;
        const indent = line.slice(0, line.length - first.length);
        return wanted.every((want, offset) => lines[start + offset] === (want === "" ? "" : indent + want));
    });
}

/** Every `[text](target)` outside code, with its target. */
function links(file: string): string[] {
    const text = markdown(file)
        .replace(/^```[\s\S]*?^```$/gm, "")
        .replace(/`[^`\n]*`/g, "");
    return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? "");
}

describe("docs: the README and docs/ in the Pulumi Registry's layout", () => {
    it("the README is at most 250 lines, and keeps the two set-up commands of a clone", () => {
        const readme = markdown("README.md");
        expect(readme.split("\n").length).to.be.at.most(250);
        expect(readme).to.contain("npm ci && npm run demo");
        expect(readme).to.contain("npm ci && npm test");
    });

    it("docs/ has _index.md, installation-configuration.md and a page for each topic, each with Registry front matter", () => {
        const pages = markdownFiles().filter((file) => file.startsWith("docs/"));
        expect(pages).to.include.members(
            [
                "_index",
                "installation-configuration",
                "renderers",
                "cli",
                "emulator",
                "testing",
                "cross-language",
                "registrations",
                "security",
                "limits",
                "development",
            ].map((name) => `docs/${name}.md`),
        );
        for (const page of pages) {
            expect(markdown(page), page).to.match(/^---\ntitle: .+\nmeta_desc: .+\nlayout: package\n---\n/);
        }
    });

    it("every relative link resolves to a file, and every anchor to one of its headings", () => {
        const broken: string[] = [];
        let checked = 0;
        for (const file of markdownFiles()) {
            for (const target of links(file)) {
                if (/^[a-z]+:/i.test(target)) continue;
                checked++;
                const [relative = "", anchor] = target.split("#");
                const resolved =
                    relative === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), relative));
                if (!fs.existsSync(path.join(REPO_ROOT, resolved))) {
                    broken.push(`${file}: ${target} (no ${resolved})`);
                    continue;
                }
                if (anchor !== undefined && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) {
                    broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
                }
            }
        }
        expect(checked).to.be.greaterThan(20);
        expect(broken).to.deep.equal([]);
    });

    it("a snippet marked `<!-- excerpt: <file> -->` is, line for line, a part of that file (a program a test runs)", () => {
        const marked = markdownFiles().flatMap((file) =>
            [...markdown(file).matchAll(/^<!-- excerpt: (\S+) -->\n```\w*\n([\s\S]*?)^```$/gm)].map((match) => ({
                where: `${file}: ${match[1]}`,
                source: match[1] ?? "",
                block: match[2] ?? "",
            })),
        );
        expect(marked.length).to.be.at.least(3);
        for (const { where, source, block } of marked) {
            expect(isExcerpt(block, fs.readFileSync(path.join(REPO_ROOT, source), "utf8")), where).to.equal(true);
        }
        expect(isExcerpt("a:\n  b: 1\n", "x:\n  a:\n    b: 1\n")).to.equal(true);
        expect(isExcerpt("a:\n  b: 2\n", "x:\n  a:\n    b: 1\n")).to.equal(false);
    });

    it("the link check itself fails a missing file and a missing anchor", () => {
        expect(anchors("docs/security.md").has("failure-behaviour")).to.equal(true);
        expect(anchors("docs/security.md").has("no-such-heading")).to.equal(false);
        expect(fs.existsSync(path.join(REPO_ROOT, "docs/no-such-page.md"))).to.equal(false);
    });
});

const REPOSITORY_BLOB = "https://github.com/pulumi-ultravox/pulumi-ultravox/blob/HEAD/";
/** The pages the Pulumi Registry renders; links to the others must leave the Registry. */
const REGISTRY_PAGES = ["docs/_index.md", "docs/installation-configuration.md"];

/** A page's text outside fenced code blocks and inline code. */
function prose(file: string): string {
    return markdown(file)
        .replace(/^```[\s\S]*?^```$/gm, "")
        .replace(/`[^`\n]*`/g, "");
}

/** Each fenced block of a page, with its language. */
function codeBlocks(file: string): { language: string; code: string }[] {
    return [...markdown(file).matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
        language: match[1] ?? "",
        code: match[2] ?? "",
    }));
}

describe("docs: the Registry's pages, and no statement the code contradicts", () => {
    const schema = require(path.join(DIST_DIR, "package/schema")).packageSchema as {
        version: string;
        resources: Record<string, { inputProperties?: Record<string, unknown> }>;
        config: { variables: Record<string, { secret?: boolean }> };
    };
    const distribution = require(
        path.join(DIST_DIR, "package/distribution"),
    ) as typeof import("../../dist/package/distribution");
    const plugin = require(path.join(REPO_ROOT, "scripts", "release", "plugin.js")) as { DEFAULT_TARGETS: string[] };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the engine's placeholder, literally
    const releaseUrl = distribution.releasePluginDownloadUrl().replace("${VERSION}", schema.version);
    const everyPage = markdownFiles();

    it("the Registry's pages open with front matter and no # heading, and link only to addresses that work there", () => {
        const problems: string[] = [];
        for (const page of REGISTRY_PAGES) {
            const body = prose(page).replace(/^---\n[\s\S]*?\n---\n/, "");
            if (/^# /m.test(body)) problems.push(`${page}: a # heading (the Registry shows the title)`);
            for (const target of links(page)) {
                if (target.startsWith("#")) {
                    if (!anchors(page).has(target.slice(1))) problems.push(`${page}: ${target} (no such heading)`);
                } else if (target.startsWith(REPOSITORY_BLOB)) {
                    const [file = "", anchor] = target.slice(REPOSITORY_BLOB.length).split("#");
                    if (!fs.existsSync(path.join(REPO_ROOT, file))) problems.push(`${page}: ${target} (no ${file})`);
                    else if (anchor !== undefined && !anchors(file).has(anchor))
                        problems.push(`${page}: ${target} (no heading #${anchor} in ${file})`);
                } else if (!/^https:\/\//.test(target)) {
                    problems.push(`${page}: ${target} (relative: the Registry renders only these two pages)`);
                }
            }
        }
        expect(problems).to.deep.equal([]);
    });

    it("no doubled link, and no placeholder where a reader expects the real value", () => {
        for (const page of everyPage) {
            expect(prose(page), page).to.not.match(/\]\([^)\s]+\)\([^)\s]+\)/);
            expect(markdown(page), page).to.not.match(/PLUGIN_VERSION|PLUGIN_DOWNLOAD_URL/);
        }
    });

    it("the platforms named are the ones the release builds, and macOS is not said to be missing", () => {
        const named = everyPage.flatMap((page) =>
            [
                ...prose(page)
                    .replace(/\s+/g, " ")
                    .matchAll(/published for ((?:[a-z]+-(?:amd64|arm64)(?:, | and )?)+)/g),
            ].map((match) => ({
                page,
                targets: (match[1] ?? "")
                    .split(/, | and /)
                    .filter(Boolean)
                    .sort(),
            })),
        );
        expect(named.length).to.be.at.least(2);
        for (const { page, targets } of named) expect(targets, page).to.deep.equal([...plugin.DEFAULT_TARGETS].sort());
        if (plugin.DEFAULT_TARGETS.some((target) => target.startsWith("darwin"))) {
            for (const page of everyPage) {
                expect(prose(page).replace(/\s+/g, " "), page).to.not.match(
                    /not for macOS|no executable is published|darwin is not (built|published)|What is not published: darwin/i,
                );
            }
        }
    });

    it("import: no page says there is none while the schema has resources; the commands are the ones the release proof runs", () => {
        expect(Object.keys(schema.resources)).to.include.members([
            "ultravox:index:SipConfig",
            "ultravox:index:SipRegistration",
        ]);
        for (const page of everyPage) {
            // Code spans kept, their backticks dropped: "No `pulumi import`" reads "No pulumi import".
            const text = markdown(page)
                .replace(/^```[\s\S]*?^```$/gm, "")
                .replace(/`/g, "")
                .replace(/\s+/g, " ");
            expect(text, page).to.not.match(
                /no pulumi import|pulumi import is not (supported|available)|dynamic resources do not support it/i,
            );
            expect(text, page).to.not.match(/plugin refuses a create/i);
        }
        const { importCommands } = require(
            path.join(REPO_ROOT, ".build", "tests", "release", "helpers", "importCommands.js"),
        ) as {
            importCommands(version: string, server: string, registrationId: string): string[];
        };
        const wanted = `${importCommands(schema.version, releaseUrl, "<registrationId>").join("\n")}\n`;
        expect(codeBlocks("docs/installation-configuration.md").map((block) => block.code)).to.include(wanted);
        // Managed SipConfig crosses languages: the schema takes its inputs, so a create is not refused.
        expect(Object.keys(schema.resources["ultravox:index:SipConfig"]?.inputProperties ?? {})).to.include(
            "allowedCidrRanges",
        );
    });

    it("YAML's install block is the release proof's program, at this version and the release's URL", () => {
        const program = fs
            .readFileSync(path.join(REPO_ROOT, "tests", "release", "programs", "yaml", "Pulumi.yaml"), "utf8")
            .replace("PLUGIN_VERSION", schema.version)
            .replace("PLUGIN_DOWNLOAD_URL", releaseUrl);
        const yaml = codeBlocks("docs/installation-configuration.md").filter((block) => block.language === "yaml");
        const install = yaml.find((block) => block.code.includes("pluginDownloadURL"));
        expect(install, "the YAML install block").to.not.equal(undefined);
        expect(isExcerpt(install?.code ?? "", program), install?.code).to.equal(true);
    });

    it("the ESC example gives the stack the config key the schema declares secret, and the variable the settings read", () => {
        const esc = codeBlocks("docs/installation-configuration.md").find((block) =>
            block.code.includes("pulumiConfig:"),
        );
        expect(esc, "the ESC environment").to.not.equal(undefined);
        const configKeys = [...(esc?.code ?? "").matchAll(/^ {4}(ultravox:\w+): /gm)].map((match) => match[1]);
        expect(configKeys).to.deep.equal(["ultravox:apiKey"]);
        expect(schema.config.variables.apiKey?.secret).to.equal(true);
        expect(esc?.code).to.match(/^ {6}fn::secret: /m);
        const variables = [...(esc?.code ?? "").matchAll(/^ {4}([A-Z_]+): /gm)].map((match) => match[1] ?? "");
        expect(variables).to.deep.equal(["ULTRAVOX_API_KEY"]);
        const settings = fs.readFileSync(path.join(REPO_ROOT, "provider", "api", "settings.ts"), "utf8");
        for (const variable of variables) expect(settings).to.contain(`"${variable}"`);
    });
});
