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

/**
 * A registrar's cfg for the proofs: `registrar` + `auth_db` on db_text (`<dir>/db`, which the
 * caller fills with what `kamailioSubscriber` renders), the location table in memory, the control
 * socket in `dir`. `mode` is how auth_db checks a password (the rendered ha1, or the password
 * itself); `qop` adds `qop=auth` to the challenge; `minExpires` lets a test ask for short bindings.
 */
export function registrarCfg(
    dir: string,
    port: number,
    mode: "ha1" | "password",
    options: { qop?: boolean; minExpires?: number } = {},
): string {
    return `#!KAMAILIO
# A registrar for the account Ultravox registers as, for the proof.
debug=2
log_stderror=yes
children=1
listen=udp:127.0.0.1:${port}
auto_aliases=no
dns=no
rev_dns=no
disable_tcp=yes
disable_sctp=yes

loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "db_text.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "ctl.so"
modparam("ctl", "binrpc", "unixs:${dir}/ctl.sock")
modparam("auth_db", "db_url", "text://${dir}/db")
modparam("auth_db", "use_domain", 1)
${
    mode === "ha1"
        ? `modparam("auth_db", "calculate_ha1", 0)\nmodparam("auth_db", "password_column", "ha1")`
        : `modparam("auth_db", "calculate_ha1", 1)\nmodparam("auth_db", "password_column", "password")`
}
# The location table in memory: registrar needs no database table for the proof.
modparam("usrloc", "db_mode", 0)
${options.minExpires === undefined ? "" : `modparam("registrar", "min_expires", ${options.minExpires})`}

request_route {
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    if (!is_method("REGISTER")) {
        sl_send_reply("405", "Method Not Allowed");
        exit;
    }
    if (!www_authorize("$td", "subscriber")) {
        xlog("L_NOTICE", "challenge for $tu ($rc)\\n");
        www_challenge("$td", "${options.qop ? 1 : 0}");
        exit;
    }
    if (!save("location")) sl_reply_error();
}
`;
}
