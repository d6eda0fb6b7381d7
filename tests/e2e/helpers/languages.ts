/**
 * Python, Go and YAML programs for the end-to-end suite: each example of examples/<lang>-stack-outputs
 * copied into a project folder two levels under the repo (so its relative plugin path still points
 * at provider/package/plugin), and run the way this machine can run it: YAML through `pulumi up`
 * with the YAML language host that `npm run pulumi-cli` builds, Python and Go as Automation API
 * inline programs (their language hosts are not served by the Go module proxy) by the drivers in
 * tests/e2e/drivers/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { run as runProcess } from "../../helpers/process";
import { REPO_ROOT } from "../../helpers/repo";
import { engineMissing } from "../../helpers/tools";
import { type CliResult, type Engine, TOOLS_BIN } from "./engine";

export type Language = "yaml" | "python" | "go";
export const LANGUAGES: readonly Language[] = ["yaml", "python", "go"];

const PYTHON = path.join(REPO_ROOT, ".tools", "python", "bin", "python");
const PYTHON_SDK = path.join(REPO_ROOT, "provider", "package", "sdk", "python");
const DRIVERS = path.join(REPO_ROOT, "tests", "e2e", "drivers");

export function exampleDir(language: Language): string {
    return path.join(REPO_ROOT, "examples", `${language}-stack-outputs`);
}

/** What each language needs beyond the CLI, all from `npm run pulumi-cli`; a skip (a failure under CI=true) without it. */
export function requireLanguageTools(context: Mocha.Context): void {
    const missing = [
        [path.join(TOOLS_BIN, "pulumi-language-yaml"), "the YAML language host"],
        [PYTHON, "the Python venv with the Pulumi SDK"],
    ]
        .filter(([file]) => !fs.existsSync(file as string))
        .map(([, what]) => what as string);
    if (!onPath("go")) missing.push("Go (for the Go example)");
    if (missing.length === 0) return;
    engineMissing(context, `missing ${missing.join(", ")}: run npm run pulumi-cli`);
}

function onPath(command: string): boolean {
    return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/** Runs `file args` with the engine's environment (its backend, home, PATH with the CLI and node). */
export async function run(
    engine: Engine,
    file: string,
    args: readonly string[],
    cwd: string,
    extraEnv: Record<string, string> = {},
    timeoutMs = 240_000,
): Promise<CliResult> {
    const result = await runProcess(file, args, {
        cwd,
        env: { ...process.env, ...engine.env, ...extraEnv },
        timeoutMs,
    });
    return { code: result.code ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A program of one language, ready to run against a stack of the engine. */
export interface LanguageProgram {
    readonly language: Language;
    /** The project folder (a copy of the example's Pulumi.yaml). */
    readonly dir: string;
    up(stack: string): Promise<CliResult>;
    /** Only where a test needs it (the test programs). */
    preview?(stack: string): Promise<CliResult>;
}

/**
 * Prepares the language's program: the Go driver compiled (with the committed go.sum, offline), the
 * Python SDK installed as users install it (pip, from a copy, into a folder of this run).
 */
export async function prepare(engine: Engine, language: Language): Promise<LanguageProgram> {
    const dir = engine.projectDir(`${language}-example`);
    fs.copyFileSync(path.join(exampleDir(language), "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));

    if (language === "yaml") {
        return { language, dir, up: (stack) => engine.cli(["up", "--yes", "--stack", stack], dir, 240_000) };
    }
    if (language === "python") {
        const python = await pythonDriver(engine);
        const program = path.join(exampleDir("python"), "__main__.py");
        return { language, dir, up: (stack) => python.up(dir, stack, program) };
    }
    const go = await goDriver(engine);
    return { language, dir, up: (stack) => go.up(dir, stack) };
}

/** Runs `up` of a program (a file for Python, a name the Go driver knows for Go) on a stack of a project folder. */
export interface Driver {
    up(dir: string, stack: string, program?: string): Promise<CliResult>;
    preview(dir: string, stack: string, program?: string): Promise<CliResult>;
}

const AUTOMATION_ENV = { PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true" };

/** tests/e2e/drivers/python, with the Python SDK installed as users install it (pip, from a copy, into a folder of this run). */
export async function pythonDriver(engine: Engine): Promise<Driver> {
    const site = path.join(engine.dir, "python-site");
    if (!fs.existsSync(site)) {
        const source = path.join(engine.dir, "python-sdk");
        fs.cpSync(PYTHON_SDK, source, { recursive: true });
        const pip = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"];
        const install = await run(
            engine,
            PYTHON,
            [...pip, "--no-build-isolation", "--no-index", "--target", site, source],
            engine.dir,
        );
        if (install.code !== 0) throw new Error(`pip install of the Python SDK failed:\n${install.stderr}`);
    }
    const driver = path.join(DRIVERS, "python", "driver.py");
    const operation =
        (name: "up" | "preview") =>
        (dir: string, stack: string, program = path.join(exampleDir("python"), "__main__.py")) =>
            run(engine, PYTHON, [driver, name, dir, stack, program], dir, { ...AUTOMATION_ENV, PYTHONPATH: site });
    return { up: operation("up"), preview: operation("preview") };
}

/** tests/e2e/drivers/go, compiled (with the committed go.sum, offline). */
export async function goDriver(engine: Engine): Promise<Driver> {
    const binary = path.join(engine.dir, "go-driver");
    if (!fs.existsSync(binary)) {
        const build = await run(engine, "go", ["build", "-o", binary, "."], path.join(DRIVERS, "go"), {
            GOFLAGS: "-mod=readonly",
            GOPROXY: "off",
        });
        if (build.code !== 0) throw new Error(`go build of the Go driver failed:\n${build.stderr}`);
    }
    const operation =
        (name: "up" | "preview") =>
        (dir: string, stack: string, program = "example") =>
            run(engine, binary, [name, dir, stack, program], dir, AUTOMATION_ENV);
    return { up: operation("up"), preview: operation("preview") };
}
