/**
 * Two accounts behind one base URL, as the real API serves every account at one origin: a
 * loopback server that forwards each request to the emulator of the account its key belongs to
 * (401 for a key of neither). Each emulator keeps its own record of what reached it.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface KeyRouter {
    readonly url: string;
    close(): Promise<void>;
}

export async function startKeyRouter(routes: Readonly<Record<string, string>>): Promise<KeyRouter> {
    const server: Server = createServer((req, res) => {
        const key = String(req.headers["x-api-key"] ?? "");
        const target = routes[key];
        if (target === undefined) {
            res.writeHead(401, { "content-type": "application/json" });
            res.end(JSON.stringify({ detail: "Invalid API key." }));
            return;
        }
        const forwarded = request(
            `${target}${req.url ?? "/"}`,
            { method: req.method, headers: req.headers },
            (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
            },
        );
        forwarded.on("error", () => res.destroy());
        req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
