#!/usr/bin/env node
// npm run demo: starts the emulator on the sample account, reads it exactly as the data source
// does (the provider's configure + read), prints what a stack receives, then shows the CLI.
// With the Pulumi CLI (npm run pulumi-cli, or one on PATH) it then runs the repo-root project
// through the real engine: pulumi preview, pulumi up and pulumi stack output on a throwaway backend.

const { execFile } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const accountFile = path.join(root, "examples/accounts/sample-account.json");

function heading(text) {
    console.log(`\n== ${text}`);
}

function mask(secret) {
    return `${"*".repeat(8)} (${secret.length} chars)`;
}

async function main() {
    const { startEmulator } = require("pulumi-ultravox/emulator");
    const ultravox = require("pulumi-ultravox");
    const provider = require("pulumi-ultravox/provider-impl");
    const account = JSON.parse(fs.readFileSync(accountFile, "utf8"));
    const apiKey = account.apiKeys[0];
    const emulator = await startEmulator({ account: accountFile });
    try {
        heading(`Ultravox emulator on ${emulator.url} (account: examples/accounts/sample-account.json)`);

        // Exactly the data source's path: the engine hands the stack config to configure, then reads.
        const stackConfig = { "ultravox:apiKey": apiKey, "ultravox:baseUrl": emulator.url };
        await provider.configure({ config: { get: (key) => stackConfig[key], require: (key) => stackConfig[key] } });
        const { id, props } = await provider.read("sip", {});

        heading(`What SipConfig.get("ultravox-sip") gives the stack (id "${id}")`);
        console.log(`domain              ${props.domain}`);
        console.log(`allowedCidrRanges   ${props.allowedCidrRanges.join(", ") || "(none)"}`);
        console.log(`allowAllAgents      ${props.allowAllAgents}`);
        console.log("allowedAgents");
        // sip:agent_<id> only where that To user reaches the agent; else the pattern to dial.
        for (const agent of ultravox.agentDialTargets(props)) {
            console.log(`  ${agent.agentId}`);
            console.log(
                `    dial            ${agent.uri ?? `a To user matching ${agent.toUserPattern} (${agent.note})`}`,
            );
            console.log(`    toUserPattern   ${agent.toUserPattern}`);
        }
        const handler = props.fallbackHandler;
        console.log(`fallbackHandler     ${handler ? `${handler.url} [secret output]` : "null"}`);
        for (const secret of handler?.secrets ?? []) console.log(`  secret            ${mask(secret)}`);
        console.log(`fallbackHandlerUrl  ${props.fallbackHandlerUrl}`);
        console.log(`fingerprint         ${props.fingerprint}`);

        const cli = path.join(root, "dist/cli/main.js");
        if (fs.existsSync(cli)) {
            const env = { ...process.env, ULTRAVOX_API_KEY: apiKey, ULTRAVOX_BASE_URL: emulator.url };
            // Asynchronously: the emulator answering it lives in this process.
            const run = (args) =>
                new Promise((resolve) => {
                    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) => {
                        heading(`npx pulumi-ultravox ${args.join(" ")}`);
                        process.stdout.write(stdout);
                        process.stderr.write(stderr);
                        console.log(`(exit code ${error ? error.code : 0})`);
                        resolve();
                    });
                });
            await run(["render", "asterisk"]);
            await run(["check", "--from", "203.0.113.10", "--to", "support-sales"]);
            await run(["check", "--from", "192.0.2.1", "--to", "support"]);
        }

        const pulumi = findPulumi();
        if (pulumi) {
            await pulumiUp(pulumi, apiKey, emulator.url);
        } else {
            heading(
                "pulumi preview / up: skipped (no Pulumi CLI: build it with `npm run pulumi-cli`, or put `pulumi` on PATH)",
            );
        }
    } finally {
        await emulator.close();
    }
}

/** The CLI that `npm run pulumi-cli` builds, else one on PATH (with the dynamic-provider launcher beside it). */
function findPulumi() {
    const dirs = [path.join(root, ".tools", "bin"), ...(process.env.PATH ?? "").split(path.delimiter)];
    return dirs
        .filter((dir) => dir && fs.existsSync(path.join(dir, "pulumi-resource-pulumi-nodejs")))
        .map((dir) => path.join(dir, "pulumi"))
        .find((file) => fs.existsSync(file));
}

/**
 * The repo-root project (Pulumi.yaml → examples/stack-outputs) through the real CLI, on a throwaway
 * local backend. Its program runs as an Automation API inline program, which needs only the CLI:
 * the Node.js language host is not built here (see README, "Development").
 */
async function pulumiUp(pulumi, apiKey, baseUrl) {
    const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");
    fs.mkdirSync(path.join(root, ".pulumi-demo"), { recursive: true });
    const home = fs.mkdtempSync(path.join(root, ".pulumi-demo", "run-"));
    const env = {
        PULUMI_BACKEND_URL: `file://${home}`,
        PULUMI_CONFIG_PASSPHRASE: "demo-only",
        PULUMI_HOME: path.join(home, "home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PATH: [path.dirname(pulumi), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    };
    // Asynchronously: the emulator answering the plugin lives in this process.
    const cli = (...args) =>
        new Promise((resolve, reject) => {
            execFile(
                pulumi,
                [...args, "--non-interactive"],
                { cwd: root, env: { ...process.env, ...env } },
                (error, stdout, stderr) => {
                    if (error) reject(new Error(`pulumi ${args[0]} failed: ${stderr}`));
                    else resolve(stdout);
                },
            );
        });
    const program = path.join(root, ".build", "examples", "stack-outputs", "index.js");
    const stackName = `demo-${process.pid}`;
    try {
        heading(
            `pulumi ${(await cli("version")).trim()}: stack init, config set --secret ultravox:apiKey, config set ultravox:baseUrl`,
        );
        await cli("stack", "init", stackName);
        await cli("config", "set", "--secret", "ultravox:apiKey", apiKey);
        await cli("config", "set", "ultravox:baseUrl", baseUrl);
        const stack = await LocalWorkspace.selectStack(
            {
                stackName,
                projectName: "pulumi-ultravox-demo",
                program: async () => {
                    delete require.cache[program];
                    return { ...require(program) };
                },
            },
            {
                workDir: root,
                envVars: env,
                pulumiCommand: await PulumiCommand.get({
                    root: path.dirname(path.dirname(pulumi)),
                    skipVersionCheck: true,
                }),
            },
        );
        const print = (text) => process.stdout.write(text);
        heading("pulumi preview");
        await stack.preview({ onOutput: print });
        heading("pulumi up");
        await stack.up({ onOutput: print });
        heading("pulumi stack output");
        print(await cli("stack", "output"));
        await cli("stack", "rm", "--yes", "--force");
    } finally {
        fs.rmSync(path.join(root, `Pulumi.${stackName}.yaml`), { force: true });
        fs.rmSync(home, { recursive: true, force: true });
    }
}

main().catch((error) => {
    console.error(String(error));
    process.exit(1);
});
