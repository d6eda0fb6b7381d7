/**
 * The README and docs/: the README stays short, the pages are in the Pulumi Registry's layout, and
 * every link between them resolves (a file that exists, and an anchor that is one of its headings).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { markdown, markdownFiles } from "../helpers/readme";
import { REPO_ROOT } from "../helpers/repo";

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
