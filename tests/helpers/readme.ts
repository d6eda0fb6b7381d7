/** The README's code, read the way its tests need it. */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./repo";

export function readme(): string {
    return fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
}

/** The `ts` code blocks of one README section, keyed by the file their first line names (`// index.ts: ...`). */
export function sectionFiles(heading: string): Record<string, string> {
    const text = readme();
    const start = text.indexOf(`\n## ${heading}\n`);
    if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
    const end = text.indexOf("\n## ", start + 1);
    const section = text.slice(start, end < 0 ? undefined : end);
    const files: Record<string, string> = {};
    for (const match of section.matchAll(/```ts\n([\s\S]*?)```/g)) {
        const code = match[1] ?? "";
        const file = /^\/\/ ([\w.-]+\.ts):/.exec(code)?.[1];
        if (!file)
            throw new Error(`a ts block of "${heading}" does not start with "// <file>.ts:": ${code.slice(0, 60)}`);
        files[file] = code;
    }
    return files;
}

/** Every ```ts block of the README, in order, with the line it starts on. */
export function typescriptBlocks(): { line: number; code: string }[] {
    const text = readme();
    return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
        line: text.slice(0, match.index).split("\n").length,
        code: match[1] ?? "",
    }));
}
