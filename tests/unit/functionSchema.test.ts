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

/**
 * Type-checks each probe (code that may import `SPEC`) with the package's compiler options, all in
 * one program (a program per probe would load the package's types again each time): each probe's
 * error messages, by name.
 */
function typeErrors(probes: Record<string, string>): Record<string, string[]> {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "uv-describedAs-"));
    try {
        const files = Object.fromEntries(Object.keys(probes).map((name) => [name, path.join(folder, `${name}.ts`)]));
        for (const [name, code] of Object.entries(probes)) fs.writeFileSync(files[name] as string, code);
        const config = ts.getParsedCommandLineOfConfigFile(
            path.join(REPO_ROOT, "tsconfig.json"),
            {},
            {
                ...ts.sys,
                onUnRecoverableConfigFileDiagnostic: () => undefined,
            },
        );
        const program = ts.createProgram(Object.values(files), { ...config?.options, noEmit: true });
        const diagnostics = ts.getPreEmitDiagnostics(program);
        return Object.fromEntries(
            Object.entries(files).map(([name, file]) => [
                name,
                diagnostics
                    .filter((diagnostic) => diagnostic.file?.fileName === file)
                    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")),
            ]),
        );
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
    const TWO_OPTIONS = "{ table?: string; setName?: string }";
    let errors: Record<string, string[]>;

    before(() => {
        errors = typeErrors({
            agree: probe("table: string(), setName: string()", TWO_OPTIONS),
            schemaLacksOne: probe("table: string()", TWO_OPTIONS),
            // The same, given an argument: the compiler then names the missing option in its type.
            schemaLacksOneNamed: probe("table: string()", TWO_OPTIONS).replace("});\n", '}, "x");\n'),
            schemaHasExtra: probe("table: string(), extra: string()", "{ table?: string }"),
        });
    });

    it("compiles when the names agree", () => {
        expect(errors.agree).to.deep.equal([]);
    });

    it("fails the build, naming the option, when the TypeScript side has one the schema lacks", () => {
        expect(errors.schemaLacksOne).to.deep.equal(["Expected 2 arguments, but got 1."]);
        expect((errors.schemaLacksOneNamed ?? []).join("\n")).to.contain('"setName"');
    });

    it("fails the build when the schema has an input the TypeScript options do not", () => {
        expect(errors.schemaHasExtra).to.deep.equal(["Expected 2 arguments, but got 1."]);
    });
});
