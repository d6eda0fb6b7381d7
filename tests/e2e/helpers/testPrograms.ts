/**
 * The test programs of tests/e2e/programs/ (not examples users copy), one per language and purpose,
 * each in a project folder two levels under the repo (so `../../provider/package/plugin` is the
 * plugin), run as the examples are: YAML by `pulumi up`, Python and Go by the e2e drivers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../helpers/repo";
import type { Engine } from "./engine";
import { goDriver, type Language, type LanguageProgram, pythonDriver } from "./languages";

/**
 * `read`: SipConfig.get through the default provider. `explicit`: an explicit provider, and
 * getSipConfig. `plain` (Go only): the function's plain form, LookupSipConfig. `managed`: SipConfig
 * owning the allowlist, and a second account's through an explicit provider. `adopt` (Python and
 * Go; YAML adopts with `pulumi import`): SipConfig with the import option.
 */
export type TestProgramName =
    | "read"
    | "explicit"
    | "plain"
    | "managed"
    | "adopt"
    | "registration"
    | "registrationKamailio";

const PROGRAMS = path.join(REPO_ROOT, "tests", "e2e", "programs");
const PLUGINS = { providers: [{ name: "ultravox", path: "../../provider/package/plugin" }] };

export async function testProgram(engine: Engine, language: Language, name: TestProgramName): Promise<LanguageProgram> {
    if (language === "yaml") {
        const dir = engine.projectDir(`yaml-${name}`);
        fs.copyFileSync(path.join(PROGRAMS, "yaml", name, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        return {
            language,
            dir,
            up: (stack) => engine.cli(["up", "--yes", "--stack", stack], dir, 240_000),
            preview: (stack) => engine.cli(["preview", "--stack", stack], dir, 240_000),
        };
    }
    const dir = engine.projectDir(`${language}-${name}`, { runtime: language, plugins: PLUGINS });
    if (name === "plain" && language !== "go") throw new Error("The plain program is Go's only.");
    if (language === "python") {
        const python = await pythonDriver(engine);
        const file = path.join(PROGRAMS, "python", `${name}.py`);
        return {
            language,
            dir,
            up: (stack) => python.up(dir, stack, file),
            preview: (stack) => python.preview(dir, stack, file),
        };
    }
    const go = await goDriver(engine);
    return { language, dir, up: (stack) => go.up(dir, stack, name), preview: (stack) => go.preview(dir, stack, name) };
}
