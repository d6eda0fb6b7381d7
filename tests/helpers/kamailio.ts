/** A real Kamailio for the proofs: its command line, its control socket, and a start that waits until it answers. */
import * as path from "node:path";
import { expect } from "chai";
import { type RunResult, run, type StartedProcess, start } from "./process";
import { waitFor } from "./tools";

/**
 * -DD: stay in the foreground (still forking its workers), so the test owns it; -E: log to
 * stderr; small memory and one worker are plenty for one request at a time. `where` holds the
 * cfg's files, the pid file and the control socket (`ctl.sock`, which the cfg must serve).
 */
export function kamailioArgs(cfg: string): string[] {
    const where = path.dirname(cfg);
    return ["-DD", "-E", "-n", "1", "-m", "32", "-M", "4", "-w", where, "-Y", where, "-P", `${where}/kamailio.pid`];
}

/** `kamcmd` on the control socket in the cfg's folder. */
export function kamcmd(tool: string, cfg: string, command: string, ...args: string[]): Promise<RunResult> {
    const socket = `unixs:${path.join(path.dirname(cfg), "ctl.sock")}`;
    return run(tool, ["-s", socket, command, ...args], { timeoutMs: 5000 });
}

/** Starts Kamailio on `cfg` and waits until it answers on its control socket; `started` gets it, to stop it after. */
export async function startKamailio(
    tools: Record<string, string>,
    cfg: string,
    started: StartedProcess[],
): Promise<StartedProcess> {
    const daemon = start(tools.kamailio as string, [...kamailioArgs(cfg), "-f", cfg]);
    started.push(daemon);
    const ready = await waitFor(
        async () =>
            daemon.exit() !== undefined || (await kamcmd(tools.kamcmd as string, cfg, "core.uptime")).code === 0,
        10_000,
    );
    expect(daemon.exit(), `kamailio exited:\n${daemon.output()}`).to.equal(undefined);
    expect(ready, `kamailio not ready after 10 s:\n${daemon.output()}`).to.equal(true);
    return daemon;
}
