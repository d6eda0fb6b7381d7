/**
 * The emulator's command line as an installed package runs it: the built-in sample account
 * (`--sample`, no examples/ needed), the account format in `--help`, a clear message for a
 * busy port, and no orphan when the process that started it (npx) dies without a signal.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { type StartedProcess, start } from "../helpers/process";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";
import { until } from "../helpers/tools";

const CLI = join(DIST_DIR, "emulator/main.js");
const SAMPLE_FILE = join(REPO_ROOT, "examples/accounts/sample-account.json");

/** Whether `pid` still runs: an exited process that its new parent has not reaped yet (a zombie) does not. */
function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        // Linux: the state follows the command in parentheses; Z is a zombie.
        return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
    } catch {
        // No /proc off Linux: kill(0) is all there is. On Linux, the process went in between.
        return process.platform !== "linux";
    }
}

describe("emulator: the CLI from an installed package", function () {
    this.timeout(20_000);
    const children: StartedProcess[] = [];
    const others: ChildProcess[] = [];
    const pids: number[] = [];
    afterEach(() => {
        for (const child of children.splice(0)) child.kill();
        for (const child of others.splice(0)) child.kill("SIGKILL");
        for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    });

    function run(args: string[]) {
        const started = start(process.execPath, [CLI, ...args], { env: process.env });
        children.push(started);
        return { ...started, exit: started.exited.then(({ code }) => code) };
    }

    async function listening(cli: { stdout(): string }): Promise<string> {
        await until(() => cli.stdout().includes("\n"), "the emulator's first line");
        const url = /^Ultravox emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(cli.stdout())?.[1];
        if (!url) throw new Error(`unexpected output: ${cli.stdout()}`);
        return url;
    }

    it("--sample serves the same account as examples/accounts/sample-account.json", async () => {
        const file = JSON.parse(readFileSync(SAMPLE_FILE, "utf8")) as { apiKeys: string[] };
        const key = file.apiKeys[0] ?? "";
        const fromSample = await listening(run(["--sample", "--port", "0", "--quiet"]));
        const fromFile = await listening(run(["--account", SAMPLE_FILE, "--port", "0", "--quiet"]));
        const bodies = await Promise.all(
            [fromSample, fromFile].map(async (url) => {
                const response = await fetch(`${url}/api/sip`, { headers: { "x-api-key": key } });
                expect(response.status).to.equal(200);
                return response.json();
            }),
        );
        expect(bodies[0]).to.deep.equal(bodies[1]);
        expect((bodies[0] as { domain: string }).domain).to.equal("demo-account.sip.ultravox.invalid");
    });

    it("--help gives the account format; --account and --sample together are refused", async () => {
        const help = run(["--help"]);
        expect(await help.exit).to.equal(0);
        expect(help.stdout()).to.contain(
            '    "apiKeys": ["<key>", ...],            keys accepted in X-API-Key (required)\n',
        );
        expect(help.stdout()).to.contain("  --sample                serve the built-in sample account");
        const both = run(["--sample", "--account", SAMPLE_FILE, "--port", "0"]);
        expect(await both.exit).to.equal(2);
        expect(both.stderr()).to.equal(
            "pulumi-ultravox-emulator: --account and --sample are two accounts: give one.\n",
        );
    });

    it("a busy port is named, with what to do", async () => {
        const first = await listening(run(["--sample", "--port", "0", "--quiet"]));
        const port = first.split(":").at(-1) ?? "";
        const second = run(["--sample", "--port", port]);
        expect(await second.exit).to.equal(1);
        expect(second.stderr()).to.equal(
            `pulumi-ultravox-emulator: port ${port} on 127.0.0.1 is in use (another emulator?): pick another with --port, or --port 0 for a free one.\n`,
        );
    });

    it("exits when the process that started it dies without a signal (npx killed with -9)", async () => {
        const parent = spawn("sh", ["-c", `"${process.execPath}" "${CLI}" --sample --port 0 --quiet & echo $!; wait`], {
            stdio: ["ignore", "pipe", "ignore"],
        });
        others.push(parent);
        let out = "";
        parent.stdout?.on("data", (chunk: Buffer) => {
            out += chunk.toString();
        });
        await until(() => out.includes("Ultravox emulator listening on"), "the emulator to listen");
        const pid = Number(out.split("\n")[0]);
        pids.push(pid);
        expect(isAlive(pid)).to.equal(true);
        parent.kill("SIGKILL");
        await until(() => !isAlive(pid), "the emulator to exit");
        expect(isAlive(pid)).to.equal(false);
    });
});
