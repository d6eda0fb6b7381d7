/**
 * What one CLI run reads and writes: the environment it takes its settings from, and its two
 * output streams. The binary passes the process's; a test runs the same code in-process with its
 * own, so only what concerns a process (exit codes on a closed pipe, runs that overlap) needs one.
 */
import * as os from "node:os";

export interface CliIo {
    readonly env: NodeJS.ProcessEnv;
    out(text: string): void;
    err(text: string): void;
}

export function processIo(): CliIo {
    return {
        env: process.env,
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
    };
}

/** The temporary folder the run's environment names (TMPDIR), as os.tmpdir() reads it from the process's. */
export function tempFolder(env: NodeJS.ProcessEnv): string {
    return env === process.env ? os.tmpdir() : (env.TMPDIR ?? os.tmpdir());
}
