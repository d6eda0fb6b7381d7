/**
 * The plugin's functions are held to the TypeScript renderers' options at compile time
 * (`describedAs` in provider/package/functions/spec.ts). The build proves the names agree today;
 * this proves the check fails, naming the name, when they do not.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as ts from "typescript";
import { REPO_ROOT } from "../helpers/repo";

const SPEC = path.join(REPO_ROOT, "provider/package/functions/spec");

/** Type-checks `code` (which may import `SPEC`) with the package's compiler options; the error messages. */
function typeErrors(code: string): string[] {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "uv-describedAs-"));
    try {
        const file = path.join(folder, "probe.ts");
        fs.writeFileSync(file, code);
        const config = ts.getParsedCommandLineOfConfigFile(
            path.join(REPO_ROOT, "tsconfig.json"),
            {},
            {
                ...ts.sys,
                onUnRecoverableConfigFileDiagnostic: () => undefined,
            },
        );
        const program = ts.createProgram([file], { ...config?.options, noEmit: true });
        return ts
            .getPreEmitDiagnostics(program)
            .filter((diagnostic) => diagnostic.file?.fileName === file)
            .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    } finally {
        fs.rmSync(folder, { recursive: true, force: true });
    }
}

const probe = (properties: string, inputs: string) => `
import { describedAs, object, string } from ${JSON.stringify(SPEC)};
export const fn = describedAs<${inputs}>()({
    description: "A probe.",
    inputs: object({ ${properties} }),
    outputs: object({ text: string() }),
    run: () => ({ text: "" }),
});
`;

describe("describedAs: a function's schema inputs are its TypeScript options' names", function () {
    this.timeout(60_000);

    it("compiles when the names agree", () => {
        expect(
            typeErrors(probe("table: string(), setName: string()", "{ table?: string; setName?: string }")),
        ).to.deep.equal([]);
    });

    it("fails the build, naming the option, when the TypeScript side has one the schema lacks", () => {
        const errors = typeErrors(probe("table: string()", "{ table?: string; setName?: string }"));
        expect(errors).to.deep.equal(["Expected 2 arguments, but got 1."]);
        const named = typeErrors(
            `${probe("table: string()", "{ table?: string; setName?: string }").replace("});\n", '}, "x");\n')}`,
        );
        expect(named.join("\n")).to.contain('"setName"');
    });

    it("fails the build when the schema has an input the TypeScript options do not", () => {
        const errors = typeErrors(probe("table: string(), extra: string()", "{ table?: string }"));
        expect(errors).to.deep.equal(["Expected 2 arguments, but got 1."]);
    });
});
