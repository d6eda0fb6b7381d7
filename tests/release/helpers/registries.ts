/**
 * The registries a release is published to, as real servers on 127.0.0.1, started and stopped by
 * the proof: verdaccio (npm), pypiserver (PyPI), and a static HTTP server for the plugin tarballs.
 * The Go module proxy is a folder (GOPROXY=file://), which needs no server.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import * as path from "node:path";
import { childEnv, type StartedProcess, start } from "../../helpers/process";
import { REPO_ROOT } from "../../helpers/repo";
import { removeDir, tempDir, waitFor } from "../../helpers/tools";

export const VERDACCIO = path.join(REPO_ROOT, ".tools", "verdaccio", "node_modules", "verdaccio", "bin", "verdaccio");
export const TOOLS_PYTHON = path.join(REPO_ROOT, ".tools", "python", "bin", "python");

export interface Server {
    readonly url: string;
    close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 now, for a server that takes its port as an argument. */
export function freeTcpPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

export interface StaticServer extends Server {
    /** `GET /path` of every request served, in order. */
    readonly requests: string[];
}

/**
 * Serves the files of each folder under its prefix (`/release/<file>` from routes.release); 404
 * for anything else, and never a path outside the folder.
 */
export async function startStaticServer(routes: Record<string, string>): Promise<StaticServer> {
    const requests: string[] = [];
    const server = http.createServer((request, response) => {
        requests.push(`${request.method} ${request.url}`);
        const match = /^\/([a-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(request.url ?? "");
        const folder = match ? routes[match[1] as string] : undefined;
        const file = folder && match ? path.join(folder, match[2] as string) : undefined;
        if (request.method !== "GET" || file === undefined || !fs.existsSync(file)) {
            response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
            return;
        }
        response.writeHead(200, {
            "content-type": "application/gzip",
            "content-length": String(fs.statSync(file).size),
        });
        fs.createReadStream(file).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

async function answers(url: string): Promise<boolean> {
    try {
        const response = await fetch(url);
        await response.arrayBuffer();
        return response.ok;
    } catch {
        return false;
    }
}

/** Waits for a server to answer; stops it (with `close`) and says what it printed when it does not. */
async function answering(
    process: StartedProcess,
    what: string,
    url: string,
    close: () => Promise<void>,
): Promise<void> {
    if (!(await waitFor(() => answers(url), 60_000))) {
        const output = process.output();
        await close();
        throw new Error(`${what} did not answer at ${url} within 60 s:\n${output}`);
    }
}

export interface NpmRegistry extends Server {
    /** An npmrc naming this registry and a token of a user it made, for publish and install. */
    readonly userconfig: string;
}

/**
 * verdaccio with its storage in a folder of its own (removed on close): `pulumi-ultravox` is served
 * only from what is published to it; every other package comes through it from this machine's npm
 * registry (`uplink`).
 */
export async function startVerdaccio(uplink: string): Promise<NpmRegistry> {
    const dir = tempDir("uv-release-verdaccio-");
    const port = await freeTcpPort();
    const url = `http://127.0.0.1:${port}/`;
    const config = path.join(dir, "config.yaml");
    fs.writeFileSync(
        config,
        [
            `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
            "auth:",
            "  htpasswd:",
            `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
            "    max_users: 10",
            "uplinks:",
            "  npmjs:",
            `    url: ${JSON.stringify(uplink)}`,
            "    timeout: 120s",
            "packages:",
            "  'pulumi-ultravox':",
            "    access: $all",
            "    publish: $authenticated",
            "  '**':",
            "    access: $all",
            "    publish: $authenticated",
            "    proxy: npmjs",
            `listen: 127.0.0.1:${port}`,
            "log: { type: stdout, format: pretty, level: warn }",
            "",
        ].join("\n"),
    );
    const server = start(process.execPath, [VERDACCIO, "--config", config], { cwd: dir, env: childEnv() });
    const close = async () => {
        await server.stop();
        removeDir(dir);
    };
    await answering(server, "verdaccio", `${url}-/ping`, close);
    // A user of this registry, as `npm adduser` makes one: its token publishes.
    const response = await fetch(`${url}-/user/org.couchdb.user:release`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "release", password: "release-proof-password", type: "user" }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (!response.ok || !token) throw new Error(`verdaccio did not make a user (${response.status}).`);
    const userconfig = path.join(dir, "npmrc");
    fs.writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return { url, userconfig, close };
}

/** pypiserver serving a folder of its own (removed on close), taking uploads without credentials (it listens on loopback only). */
export async function startPypiserver(): Promise<Server> {
    const dir = tempDir("uv-release-pypi-");
    const port = await freeTcpPort();
    const url = `http://127.0.0.1:${port}`;
    const server = start(
        TOOLS_PYTHON,
        ["-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", String(port), "-a", ".", "-P", ".", dir],
        { cwd: dir, env: childEnv() },
    );
    const close = async () => {
        await server.stop();
        removeDir(dir);
    };
    await answering(server, "pypiserver", `${url}/simple/`, close);
    return { url, close };
}

/** Uploads a wheel or an sdist as twine does (the legacy upload API's form). */
export async function uploadToPypi(server: Server, file: string, name: string, version: string): Promise<void> {
    const form = new FormData();
    form.set(":action", "file_upload");
    form.set("protocol_version", "1");
    form.set("name", name);
    form.set("version", version);
    form.set("filetype", file.endsWith(".whl") ? "bdist_wheel" : "sdist");
    form.set("content", new Blob([fs.readFileSync(file)]), path.basename(file));
    const response = await fetch(`${server.url}/`, { method: "POST", body: form });
    const text = await response.text();
    if (!response.ok) throw new Error(`pypiserver refused ${path.basename(file)} (${response.status}): ${text}`);
}
