/**
 * Writes the states a release leaves behind, for the upgrade test to replay:
 *
 *     npm run upgrade-states -- <checkout of the release> [<out folder>]
 *
 * `<checkout>` is a built checkout of that release (`git worktree add <dir> <tag>`, then `npm ci`
 * there, which builds it). Its own code writes the states: its package, its @pulumi/pulumi, its
 * emulator and its plugin; this checkout supplies only the programs (tests/upgrade/stacks.ts) and
 * the Pulumi CLI (.tools/bin, `npm run pulumi-cli`). Each stack of STATE_NAMES runs `up` once
 * against an emulator holding `initialAccount()`, one emulator per door, and is exported; the
 * account as the stacks left it is saved beside. In every file the emulator's URL and each secret
 * of SECRETS become placeholders; the states hold the secrets only encrypted, with
 * UPGRADE_PASSPHRASE. Default out folder: tests/upgrade/states/<the release's version>/.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as automationModule from "@pulumi/pulumi/automation";
import type * as emulatorModule from "pulumi-ultravox/emulator";
import { run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";
import {
    dynamicProgram,
    initialAccount,
    isPluginState,
    projectOf,
    SECRETS,
    STACK,
    STATE_NAMES,
    type StateName,
    stackConfig,
    UPGRADE_PASSPHRASE,
    withPlaceholders,
    yamlProgram,
} from "./stacks";

const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");

function fail(message: string): never {
    console.error(`upgrade-states: ${message}`);
    process.exit(1);
}

async function main(): Promise<void> {
    const [checkoutArg, outArg] = process.argv.slice(2);
    if (checkoutArg === undefined) fail("usage: npm run upgrade-states -- <checkout of the release> [<out folder>]");
    const checkout = path.resolve(checkoutArg);
    const load = (id: string): unknown => require(require.resolve(id, { paths: [checkout] }));
    const version = (JSON.parse(fs.readFileSync(path.join(checkout, "package.json"), "utf8")) as { version: string })
        .version;
    if (!fs.existsSync(path.join(checkout, "dist", "index.js"))) fail(`${checkout} is not built: run npm ci there.`);
    const commit = execFileSync("git", ["-C", checkout, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const out = path.resolve(outArg ?? path.join(REPO_ROOT, "tests", "upgrade", "states", version));
    const pulumi = path.join(TOOLS_BIN, "pulumi");
    if (!fs.existsSync(pulumi) || !fs.existsSync(path.join(TOOLS_BIN, "pulumi-language-yaml"))) {
        fail("no Pulumi CLI and YAML host in .tools/bin: run npm run pulumi-cli first.");
    }

    // The release's own code, resolved from its checkout.
    const ultravox = load(path.join(checkout, "dist", "index.js")) as Parameters<typeof dynamicProgram>[1];
    const pulumiSdk = load("@pulumi/pulumi") as Parameters<typeof dynamicProgram>[2];
    const automation = load("@pulumi/pulumi/automation") as typeof automationModule;
    const { startEmulator } = load(path.join(checkout, "dist", "emulator", "index.js")) as typeof emulatorModule;

    const home = fs.mkdtempSync(path.join(os.tmpdir(), "uv-upgrade-states-"));
    const env: Record<string, string> = {
        PULUMI_BACKEND_URL: `file://${path.join(home, "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: UPGRADE_PASSPHRASE,
        PULUMI_HOME: path.join(home, "home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PATH: [TOOLS_BIN, path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
    };
    fs.mkdirSync(path.join(home, "backend"));
    const cli = async (args: string[], cwd: string): Promise<string> => {
        const result = await run(pulumi, [...args, "--non-interactive"], {
            cwd,
            env: { ...process.env, ...env },
            timeoutMs: 240_000,
        });
        if (result.code !== 0)
            fail(`pulumi ${args.join(" ")} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
        return result.stdout;
    };
    const command = await automation.PulumiCommand.get({ root: path.dirname(TOOLS_BIN), skipVersionCheck: true });

    fs.mkdirSync(out, { recursive: true });
    const written: string[] = [];
    const projects: string[] = [];
    try {
        for (const door of ["dynamic", "plugin"] as const) {
            const emulator = await startEmulator({ account: initialAccount() });
            try {
                for (const name of STATE_NAMES.filter((state) => state.startsWith(`${door}-`))) {
                    // Two levels under the checkout: the plugin path and node_modules resolve to the release's.
                    fs.mkdirSync(path.join(checkout, ".build"), { recursive: true });
                    const dir = fs.mkdtempSync(path.join(checkout, ".build", `upgrade-${name}-`));
                    projects.push(dir);
                    await up(name, dir, emulator.url);
                    const exported = await cli(["stack", "export", "--stack", STACK], dir);
                    written.push(save(`${name}.json`, exported, emulator.url, "encrypted"));
                }
                const account = JSON.stringify(emulator.account);
                written.push(save(`account-${door}.json`, account, emulator.url, "placeholders"));
            } finally {
                await emulator.close();
            }
        }
    } finally {
        for (const dir of projects) fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(home, { recursive: true, force: true });
    }
    const cliVersion = (await run(pulumi, ["version"], { env: { ...process.env, ...env } })).stdout.trim();
    fs.writeFileSync(
        path.join(out, "README.md"),
        [
            `# States written by pulumi-ultravox ${version}`,
            "",
            `Written by \`npm run upgrade-states -- <checkout>\` (tests/upgrade/generateStates.ts) from commit`,
            `${commit}, with the Pulumi CLI ${cliVersion}; replayed by tests/e2e/upgrade.test.ts.`,
            'Do not edit or regenerate: they are what users\' state files hold (docs/development.md, "Frozen for upgrades").',
            "",
            "- `<stack>.json`: `pulumi stack export` of each stack of tests/upgrade/stacks.ts, after one `up`.",
            "- `account-<door>.json`: the emulator's account as those stacks left it (one per door).",
            "",
            `Placeholders: \`{{baseUrl}}\` for the emulator's URL, \`{{<name>}}\` for each value of SECRETS in`,
            "stacks.ts (only the accounts hold any: the states hold secrets encrypted, passphrase UPGRADE_PASSPHRASE).",
            "",
        ].join("\n"),
    );
    console.log(`upgrade-states: ${version} (${commit}) → ${path.relative(process.cwd(), out)}: ${written.join(", ")}`);

    async function up(name: StateName, dir: string, baseUrl: string): Promise<void> {
        if (isPluginState(name)) {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram(name as "plugin-managed" | "plugin-read"));
            await cli(["stack", "init", STACK], dir);
            for (const [key, value, secret] of stackConfig(name, baseUrl)) {
                await cli(["config", "set", ...(secret ? ["--secret"] : []), key, value, "--stack", STACK], dir);
            }
            await cli(["up", "--yes", "--stack", STACK], dir);
            return;
        }
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${projectOf(name)}\nruntime: nodejs\n`);
        const stack = await automation.LocalWorkspace.createOrSelectStack(
            {
                stackName: STACK,
                projectName: projectOf(name),
                program: dynamicProgram(name as "dynamic-managed" | "dynamic-read", ultravox, pulumiSdk),
            },
            { workDir: dir, envVars: env, pulumiCommand: command },
        );
        await stack.setAllConfig(
            Object.fromEntries(stackConfig(name, baseUrl).map(([key, value, secret]) => [key, { value, secret }])),
        );
        const result = await stack.up();
        if (result.summary.result !== "succeeded") fail(`up of ${name} ended ${result.summary.result}`);
    }

    /**
     * Writes `text` as JSON with placeholders. A state must hold no secret in plain text (the
     * release's bug, were it so: refused); an account holds them all, each becoming its placeholder.
     */
    function save(file: string, text: string, baseUrl: string, secrets: "encrypted" | "placeholders"): string {
        if (secrets === "encrypted") {
            for (const [secretName, value] of Object.entries(SECRETS)) {
                if (text.includes(value)) fail(`${file} holds ${secretName} in plain text.`);
            }
        }
        fs.writeFileSync(
            path.join(out, file),
            `${withPlaceholders(JSON.stringify(JSON.parse(text), null, 2), baseUrl)}\n`,
        );
        return file;
    }
}

main().catch((error: unknown) => fail(String((error as Error)?.stack ?? error)));
