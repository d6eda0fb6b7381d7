/** The client names itself and its version to the API (a real server on 127.0.0.1 records it). */
import * as fs from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import * as path from "node:path";
import { expect } from "chai";
import { UltravoxClient } from "pulumi-ultravox";
import { rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { REPO_ROOT } from "../helpers/repo";

describe("client: the user agent", () => {
    it("is pulumi-ultravox/<package.json's version>", async () => {
        const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
            version: string;
        };
        const seen: IncomingHttpHeaders[] = [];
        const server = createServer((request, response) => {
            seen.push(request.headers);
            response.writeHead(200, { "content-type": "application/json" });
            response.end(JSON.stringify(rawSipConfig()));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const { port } = server.address() as { port: number };
            await new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: `http://127.0.0.1:${port}` }).getSipConfig();
        } finally {
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
        expect(seen.map((headers) => headers["user-agent"])).to.deep.equal([`pulumi-ultravox/${version}`]);
    });
});
