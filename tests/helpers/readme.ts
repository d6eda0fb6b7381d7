/** The README's and docs/' code, read the way their tests need it. */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./repo";

/** README.md and every page of docs/, as paths relative to the repo. */
export function markdownFiles(): string[] {
    const pages = fs
        .readdirSync(path.join(REPO_ROOT, "docs"))
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map((name) => `docs/${name}`);
    return ["README.md", ...pages];
}

export function markdown(file: string): string {
    return fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
}

/** The `ts` code blocks of one page, keyed by the file their first line names (`// index.ts: ...`). */
export function pageFiles(file: string): Record<string, string> {
    const files: Record<string, string> = {};
    for (const match of markdown(file).matchAll(/```ts\n([\s\S]*?)```/g)) {
        const code = match[1] ?? "";
        const name = /^\/\/ ([\w.-]+\.ts):/.exec(code)?.[1];
        if (!name) throw new Error(`a ts block of ${file} does not start with "// <file>.ts:": ${code.slice(0, 60)}`);
        files[name] = code;
    }
    return files;
}

/** Every ```ts block of the README and of docs/, in order, with the file and line it starts on. */
export function typescriptBlocks(): { file: string; line: number; code: string }[] {
    return markdownFiles().flatMap((file) => {
        const text = markdown(file);
        return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
            file,
            line: text.slice(0, match.index).split("\n").length,
            code: match[1] ?? "",
        }));
    });
}

/** The ```sh blocks of a page, in order. */
export function shellBlocks(file: string): string[] {
    return [...markdown(file).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
}
