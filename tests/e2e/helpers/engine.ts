/**
 * The real Pulumi engine for the end-to-end suite: the CLI that `npm run pulumi-cli` builds (or a
 * `pulumi` on PATH), a file backend and plugin home in a temp folder, the passphrase secrets
 * provider, and programs run as Automation API inline programs (the Node.js language host is not
 * served by the Go module proxy; inline programs need only the CLI and the dynamic-provider launcher).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { run } from "../../helpers/process";
import { REPO_ROOT } from "../../helpers/repo";
import { engineMissing } from "../../helpers/tools";

export const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");
export const PASSPHRASE = "e2e-passphrase-not-a-secret";
const BUILD_HINT = "build it with `npm run pulumi-cli` (Go >= 1.26 and the Go module proxy), or put `pulumi` on PATH";

/** The `pulumi` binary: .tools/bin first, then PATH; undefined when neither has one. */
export function findPulumi(): string | undefined {
    const candidates = [TOOLS_BIN, ...(process.env.PATH ?? "").split(path.delimiter)].filter((dir) => dir !== "");
    for (const dir of candidates) {
        const file = path.join(dir, "pulumi");
        if (fs.existsSync(file) && fs.existsSync(path.join(dir, "pulumi-resource-pulumi-nodejs"))) return file;
    }
    return undefined;
}

/**
 * For a `before` hook: the CLI's path, or a skip that says how to get it. Under CI=true a missing
 * CLI fails the suite instead: CI builds it first, so its absence is a broken build.
 */
export function requirePulumi(context: Mocha.Context): string {
    const pulumi = findPulumi();
    if (pulumi !== undefined) return pulumi;
    return engineMissing(context, `no Pulumi CLI was found (${BUILD_HINT})`);
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * One isolated Pulumi home: its own file backend, plugin folder and passphrase. Everything it
 * starts gets `env`, so nothing reaches for the network or the user's ~/.pulumi.
 */
export class Engine {
    readonly dir: string;
    readonly backendDir: string;
    readonly env: Record<string, string>;
    #command: automation.PulumiCommand | undefined;

    /** `passphrase`: of the secrets provider; a checked-in state (tests/upgrade) names its own. */
    constructor(
        readonly pulumi: string,
        passphrase = PASSPHRASE,
    ) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "uv-e2e-"));
        this.backendDir = path.join(this.dir, "backend");
        fs.mkdirSync(this.backendDir);
        this.env = {
            PULUMI_BACKEND_URL: `file://${this.backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: passphrase,
            PULUMI_HOME: path.join(this.dir, "home"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            // The launcher beside the CLI, and the node of this run (22 or 24) for the plugin.
            PATH: [path.dirname(pulumi), path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
        };
    }

    /** A project folder inside the repo, so the plugin (started there) resolves the package by name. */
    projectDir(name: string, settings: Record<string, unknown> = {}): string {
        const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".build", `e2e-${name}-`));
        const yaml = Object.entries({ name, runtime: "nodejs", ...settings })
            .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
            .join("\n");
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `${yaml}\n`);
        return dir;
    }

    async command(): Promise<automation.PulumiCommand> {
        this.#command ??= await automation.PulumiCommand.get({
            root: path.dirname(path.dirname(this.pulumi)),
            skipVersionCheck: true,
        });
        return this.#command;
    }

    /** The CLI itself, as a user types it, in `cwd`. */
    async cli(args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<CliResult> {
        const result = await run(this.pulumi, [...args, "--non-interactive"], {
            cwd,
            env: { ...process.env, ...this.env },
            timeoutMs,
        });
        return { code: result.code ?? -1, stdout: result.stdout, stderr: result.stderr };
    }

    /** `pulumi stack output --json` of `stack` in `dir`, parsed; throws with the CLI's stderr when it fails. */
    async stackOutputs(dir: string, stack: string, showSecrets = false): Promise<Record<string, unknown>> {
        const args = ["stack", "output", "--json", "--stack", stack, ...(showSecrets ? ["--show-secrets"] : [])];
        const result = await this.cli(args, dir);
        if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
        return JSON.parse(result.stdout) as Record<string, unknown>;
    }

    /** A stack of an inline program whose project is `workDir`'s Pulumi.yaml. */
    async stack(stackName: string, workDir: string, program: automation.PulumiFn): Promise<automation.Stack> {
        const projectName = readProjectName(workDir);
        return automation.LocalWorkspace.createOrSelectStack(
            { stackName, projectName, program },
            { workDir, envVars: this.env, pulumiCommand: await this.command() },
        );
    }

    /** The raw state file on disk, as the file backend writes it. */
    stateFile(project: string, stack: string): Buffer {
        return fs.readFileSync(path.join(this.backendDir, ".pulumi", "stacks", project, `${stack}.json`));
    }

    /** Every file under the backend folder (state, backups, history), for plaintext searches. */
    backendFiles(): { file: string; bytes: Buffer }[] {
        const files: { file: string; bytes: Buffer }[] = [];
        const walk = (dir: string): void => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) walk(full);
                else files.push({ file: path.relative(this.backendDir, full), bytes: fs.readFileSync(full) });
            }
        };
        walk(this.backendDir);
        return files;
    }

    cleanup(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

function readProjectName(workDir: string): string {
    const yaml = fs.readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8");
    const name = /^name:\s*"?([^"\n]+)"?\s*$/m.exec(yaml)?.[1];
    if (name === undefined) throw new Error(`${workDir}/Pulumi.yaml has no name.`);
    return name;
}

/**
 * A compiled program (an example, or a test program), loaded afresh on every run as the language
 * host would: its top-level code registers the resources and its exports become the stack outputs.
 */
export function programAt(relativeToRepo: string): automation.PulumiFn {
    const file = require.resolve(path.join(REPO_ROOT, ".build", relativeToRepo));
    return async () => {
        delete require.cache[file];
        return { ...(require(file) as Record<string, unknown>) };
    };
}

/** Collects an operation's output and engine events, for assertions and transcripts. */
export class Transcript {
    stdout = "";
    stderr = "";
    readonly events: automation.EngineEvent[] = [];
    readonly onOutput = (text: string): void => {
        this.stdout += text;
    };
    readonly onError = (text: string): void => {
        this.stderr += text;
    };
    readonly onEvent = (event: automation.EngineEvent): void => void this.events.push(event);

    get all(): string {
        return `${this.stdout}\n${this.stderr}`;
    }

    /** The step the engine reported for resource `name` of `type` (the same steps `--json` prints). */
    step(type: string, name: string): automation.StepEventMetadata | undefined {
        for (const event of this.events) {
            const metadata = event.resOutputsEvent?.metadata;
            if (metadata?.type === type && metadata.urn.endsWith(`::${name}`)) return metadata;
        }
        return undefined;
    }
}

/** Runs `fn`, and resolves to the error it threw (or fails when it did not throw). */
export async function failureOf(fn: () => Promise<unknown>): Promise<Error> {
    try {
        await fn();
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the operation to fail, and it succeeded");
}

/** How many times `needle` occurs in `haystack` (bytes). */
export function occurrences(haystack: Buffer | string, needle: string): number {
    const bytes = Buffer.isBuffer(haystack) ? haystack : Buffer.from(haystack);
    let count = 0;
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) count++;
    return count;
}

export interface StateResource {
    type: string;
    urn: string;
    id?: string;
    external?: boolean;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

/** The one resource of `type` in a `pulumi stack export` document. */
export function stateResource(deployment: unknown, type: string): StateResource {
    const resources = (deployment as { deployment: { resources: StateResource[] } }).deployment.resources;
    const matches = resources.filter((resource) => resource.type === type);
    if (matches.length !== 1) throw new Error(`expected one resource of type ${type}, found ${matches.length}`);
    return matches[0] as StateResource;
}
