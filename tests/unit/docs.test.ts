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

    it("the link check itself fails a missing file and a missing anchor", () => {
        expect(anchors("docs/security.md").has("failure-behaviour")).to.equal(true);
        expect(anchors("docs/security.md").has("no-such-heading")).to.equal(false);
        expect(fs.existsSync(path.join(REPO_ROOT, "docs/no-such-page.md"))).to.equal(false);
    });
});
