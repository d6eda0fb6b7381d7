#!/usr/bin/env node
// npm run demo: starts the emulator on the sample account, reads it exactly as the data source
// does (the provider's configure + read), prints what a stack receives, then shows the CLI.
// Where the `pulumi` CLI is on PATH it also runs `pulumi up` on a throwaway local backend.

const { execFile, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const accountFile = path.join(root, "examples/accounts/sample-account.json");

function heading(text) {
    console.log(`\n== ${text}`);
}

function mask(secret) {
    return `${"*".repeat(8)} (${secret.length} chars)`;
}

function onPath(command) {
    return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
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
        for (const agent of props.allowedAgents) {
            console.log(`  ${agent.agentId}`);
            console.log(`    dial            ${ultravox.agentSipUri(agent.agentId, props.domain)}`);
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

        if (onPath("pulumi")) {
            await pulumiUp(apiKey, emulator.url);
        } else {
            heading("pulumi up: skipped (no `pulumi` CLI on PATH; install it to see the stack outputs)");
        }
    } finally {
        await emulator.close();
    }
}

async function pulumiUp(apiKey, baseUrl) {
    heading("pulumi up on a throwaway local backend");
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ultravox-demo-"));
    const env = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "demo-only",
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    const pulumi = (...args) =>
        execFileSync("pulumi", [...args, "--non-interactive"], { cwd: root, env, stdio: "inherit" });
    try {
        pulumi("stack", "init", "demo");
        pulumi("config", "set", "--secret", "ultravox:apiKey", apiKey);
        pulumi("config", "set", "ultravox:baseUrl", baseUrl);
        pulumi("up", "--yes", "--skip-preview");
        pulumi("stack", "output");
        pulumi("stack", "rm", "--yes", "--force");
    } finally {
        fs.rmSync(path.join(root, "Pulumi.demo.yaml"), { force: true });
        fs.rmSync(backend, { recursive: true, force: true });
    }
}

main().catch((error) => {
    console.error(String(error));
    process.exit(1);
});
