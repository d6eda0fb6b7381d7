/**
 * Process helpers for the proof tests, which run real software (nft, xmllint, kamailio, sipp).
 * Every child runs in a process group of its own, so a timeout or a cleanup kills it with
 * everything it forked; nothing started here outlives the test that started it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** sbin too: nft, ip and kamailio live there and a non-root PATH often lacks it. */
const EXTRA_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** The absolute path of an executable, or undefined when it is not installed. */
export function which(tool: string): string | undefined {
    const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...EXTRA_DIRS].filter((dir) => dir !== "");
    for (const dir of dirs) {
        const candidate = path.join(dir, tool);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
            // not here: try the next directory
        }
    }
    return undefined;
}

/**
 * Skips the current test or hook, saying why on the console (mocha's own report shows only
 * "pending"), when any of `tools` is missing. Returns their paths otherwise.
 */
export function requireTools(context: Mocha.Context, tools: readonly string[]): Record<string, string> {
    const found: Record<string, string> = {};
    const missing: string[] = [];
    for (const tool of tools) {
        const location = which(tool);
        if (location === undefined) missing.push(tool);
        else found[tool] = location;
    }
    if (missing.length > 0) {
        console.log(`      skipped: ${missing.join(", ")} not installed (run .ci/run, which installs them)`);
        context.skip();
    }
    return found;
}

/** Prints why and skips. */
export function skipBecause(context: Mocha.Context, reason: string): never {
    console.log(`      skipped: ${reason}`);
    return context.skip();
}

export interface RunResult {
    /** Exit code, or null when killed by a signal. */
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

export interface RunOptions {
    timeoutMs?: number;
    cwd?: string;
    input?: string;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
        process.kill(-child.pid, signal);
    } catch {
        // the group is gone already
    }
}

/** Runs a command to completion; on timeout its process group is killed and `timedOut` set. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: options.cwd,
            detached: true,
            stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
        });
        child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
            stderr += chunk;
        });
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup(child, "SIGKILL");
        }, timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout, stderr, timedOut });
        });
        if (child.stdin) {
            // A child that exits without reading its input must not crash the test run (EPIPE).
            child.stdin.on("error", () => {});
            child.stdin.end(options.input);
        }
    });
}

/** A long-running child (kamailio, a sipp UAS) whose output is collected as it comes. */
export interface Daemon {
    readonly pid: number;
    /** stdout and stderr so far, interleaved. */
    output(): string;
    /** Whether it has exited, and how. */
    exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
    /** Resolves when it exits, or with undefined after `timeoutMs`. */
    waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>;
    /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
    stop(graceMs?: number): Promise<void>;
}

export function startDaemon(command: string, args: readonly string[], options: { cwd?: string } = {}): Daemon {
    const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    const pid = child.pid;
    let text = "";
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const append = (chunk: string) => {
        text += chunk;
    };
    child.stdout?.setEncoding("utf8").on("data", append);
    child.stderr?.setEncoding("utf8").on("data", append);
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.on("close", (code, signal) => {
            exited = { code, signal };
            resolve(exited);
        });
    });
    const waitForExit = (timeoutMs: number) =>
        Promise.race([
            done,
            new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref()),
        ]);
    return {
        pid,
        output: () => text,
        exit: () => exited,
        waitForExit,
        async stop(graceMs = 3000) {
            if (exited) return;
            killGroup(child, "SIGTERM");
            if ((await waitForExit(graceMs)) === undefined) {
                killGroup(child, "SIGKILL");
                await done;
            }
        },
    };
}

/** Polls `check` every 50 ms until it returns true; false after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await check()) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return check();
}

/** Whether a UDP socket can bind `address:port` right now. */
export function canBindUdp(address: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = dgram.createSocket("udp4");
        socket.once("error", () => {
            socket.close();
            resolve(false);
        });
        socket.bind(port, address, () => socket.close(() => resolve(true)));
    });
}

/** A UDP port the kernel considers free on `address` (it could be taken again before use; unlikely). */
export function freeUdpPort(address = "127.0.0.1"): Promise<number> {
    return new Promise((resolve, reject) => {
        const socket = dgram.createSocket("udp4");
        socket.once("error", reject);
        socket.bind(0, address, () => {
            const { port } = socket.address();
            socket.close(() => resolve(port));
        });
    });
}

/** A fresh directory under the OS temp dir; remove it with `removeDir`. */
export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
}
