/**
 * Child processes for the tests, through one helper: `start` runs a command and collects its
 * output as it comes; `run` is `start` awaited to completion, bounded by a timeout.
 *
 * Every child runs in a process group of its own, so a timeout or a stop kills it with
 * everything it forked, and whatever is still running when this process exits is killed then:
 * nothing started here outlives the test run.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface Exit {
    /** Exit code, or null when killed by a signal. */
    code: number | null;
    signal: NodeJS.Signals | null;
}

export interface ProcessOptions {
    cwd?: string;
    /** Default `childEnv()`: this process's environment without ULTRAVOX_* and PULUMI_*. */
    env?: NodeJS.ProcessEnv;
    /** Written to stdin, which is then closed. Default: no stdin. */
    input?: string;
}

export interface RunOptions extends ProcessOptions {
    /** Killed (SIGKILL, the whole group) after this long; the result then says so. Default 15 000 ms. */
    timeoutMs?: number;
}

export interface RunResult extends Exit {
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

/** A running child whose output is collected as it comes. */
export interface StartedProcess {
    readonly pid: number;
    readonly child: ChildProcess;
    stdout(): string;
    stderr(): string;
    /** stdout and stderr so far, interleaved as they arrived. */
    output(): string;
    /** How it exited, once it has. */
    exit(): Exit | undefined;
    /** Resolves when it exits. */
    readonly exited: Promise<Exit>;
    /** Resolves when it exits, or with undefined after `timeoutMs`. */
    waitForExit(timeoutMs: number): Promise<Exit | undefined>;
    /** Resolves with the first match of `pattern` in stdout; rejects after `timeoutMs` or when the process exits first. */
    waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
    /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
    stop(graceMs?: number): Promise<Exit>;
    /** SIGKILL to the group, at once. */
    kill(): void;
}

/**
 * The environment of a child process: this process's, without anything that could change
 * what the package reads (a developer's ULTRAVOX_* or PULUMI_* variables), plus `overrides`.
 */
export function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!/^(ULTRAVOX_|PULUMI_)/.test(key)) env[key] = value;
    }
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete env[key];
        else env[key] = value;
    }
    return env;
}

const running = new Set<StartedProcess>();
process.once("exit", () => {
    for (const started of running) started.kill();
});

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
        process.kill(-child.pid, signal);
    } catch {
        // the group is gone already
    }
}

/** Starts `command` in a process group of its own. Throws when it cannot be spawned at all. */
export function start(command: string, args: readonly string[], options: ProcessOptions = {}): StartedProcess {
    const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? childEnv(),
        detached: true,
        stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let output = "";
    let exit: Exit | undefined;
    const stdoutListeners = new Set<() => void>();
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        output += chunk;
        for (const listener of stdoutListeners) listener();
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        output += chunk;
    });
    const exited = new Promise<Exit>((resolve, reject) => {
        child.once("error", (error) => {
            if (child.pid === undefined) reject(error);
        });
        child.once("close", (code, signal) => {
            exit = { code, signal };
            running.delete(started);
            resolve(exit);
        });
    });
    if (child.stdin) {
        // A child that exits without reading its input must not crash the test run (EPIPE).
        child.stdin.on("error", () => {});
        child.stdin.end(options.input);
    }
    const waitForExit = (timeoutMs: number) =>
        Promise.race([
            exited,
            new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref()),
        ]);
    const started: StartedProcess = {
        pid: child.pid ?? -1,
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        output: () => output,
        exit: () => exit,
        exited,
        waitForExit,
        waitForStdout(pattern, timeoutMs) {
            return new Promise((resolve, reject) => {
                const done = (error?: Error, match?: RegExpExecArray) => {
                    clearTimeout(timer);
                    stdoutListeners.delete(check);
                    if (match) resolve(match);
                    else reject(error);
                };
                const check = () => {
                    const match = pattern.exec(stdout);
                    if (match) done(undefined, match);
                };
                const timer = setTimeout(
                    () => done(new Error(`no ${pattern} on stdout within ${timeoutMs} ms`)),
                    timeoutMs,
                );
                stdoutListeners.add(check);
                void exited.then(
                    (how) => done(new Error(`exited (${how.code ?? how.signal}) before printing ${pattern}`)),
                    (error: Error) => done(error),
                );
                check();
            });
        },
        async stop(graceMs = 3000) {
            if (exit) return exit;
            signalGroup(child, "SIGTERM");
            const how = await waitForExit(graceMs);
            if (how) return how;
            signalGroup(child, "SIGKILL");
            return exited;
        },
        kill() {
            if (!exit) signalGroup(child, "SIGKILL");
        },
    };
    running.add(started);
    return started;
}

/** Runs a command to completion; on timeout its process group is killed and `timedOut` set. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const started = start(command, args, options);
    let timedOut = false;
    const timer = setTimeout(() => {
        timedOut = true;
        started.kill();
    }, options.timeoutMs ?? 15_000);
    try {
        const { code, signal } = await started.exited;
        return { code, signal, stdout: started.stdout(), stderr: started.stderr(), timedOut };
    } finally {
        clearTimeout(timer);
    }
}

/** Runs `node <args>` with this process's Node (22: what the package and the SDK require). */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run(process.execPath, args, options);
}
