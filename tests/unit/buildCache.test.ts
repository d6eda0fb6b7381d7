/**
 * scripts/build-cached.sh, which `npm run pulumi-cli` builds the engine with into the cache every
 * checkout on the machine shares: several builds at once (two checkouts' `npm test`, CI beside a
 * developer) each get a complete binary, and the key is built once. A tiny Go module stands in
 * for the CLI, through the same function.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { type RunResult, run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";
import { removeDir, requireTools, tempDir } from "../helpers/tools";

/** Sources the script as pulumi-cli.sh does, builds, copies the binary into its own bin and runs it. */
const DRIVER = `set -euo pipefail
say() { printf 'pulumi-cli: %s\\n' "$*" >&2; }
die() { say "$*"; exit 1; }
cache_root=$1 module=$2 bin=$3
go_version=$(go env GOVERSION)
source "$4/scripts/build-cached.sh"
build_cached hello "$module" "the hello module" .
mkdir -p "$bin"
install_bin "$built" hello
"$bin/hello"
`;

describe("the engine's build cache: safe when several builds run at once", function () {
    this.timeout(120_000);
    let work: string;
    let module: string;

    before(function () {
        requireTools(this, ["go", "flock"]);
        work = tempDir("uv-build-cache-");
        module = path.join(work, "module");
        fs.mkdirSync(module);
        fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.22\n");
        fs.writeFileSync(path.join(module, "go.sum"), "");
        fs.writeFileSync(
            path.join(module, "main.go"),
            'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from the cache") }\n',
        );
    });

    after(() => removeDir(work));

    function build(cache: string, index: number): Promise<RunResult> {
        return run("bash", ["-c", DRIVER, "driver", cache, module, path.join(work, `bin-${index}`), REPO_ROOT], {
            env: { ...process.env, GOFLAGS: "-mod=readonly" },
            timeoutMs: 100_000,
        });
    }

    it("three builds started at once all succeed with the same complete binary, built once", async () => {
        const cache = path.join(work, "cache-three");
        const results = await Promise.all([0, 1, 2].map((index) => build(cache, index)));
        for (const result of results) {
            expect(result.code, result.stderr).to.equal(0);
            expect(result.stdout).to.equal("hello from the cache\n");
        }
        const said = results.map((result) => result.stderr);
        expect(said.filter((text) => text.includes("pulumi-cli: building the hello module with go"))).to.have.length(1);
        expect(said.filter((text) => text.includes("the hello module: cached build ("))).to.have.length(2);
        // One folder per key, complete; no temporary or stale folder left behind.
        const entries = fs.readdirSync(cache).sort();
        const folders = entries.filter((name) => !name.endsWith(".lock"));
        expect(folders).to.have.length(1);
        expect(folders[0]).to.match(/^hello-[0-9a-f]{16}$/);
        expect(fs.readdirSync(path.join(cache, folders[0] ?? ""))).to.deep.equal(["hello"]);
        expect(entries).to.deep.equal([folders[0], `${folders[0]}.lock`]);
    });

    it("a cached folder that lost its binary is rebuilt, not reused", async () => {
        const cache = path.join(work, "cache-broken");
        expect((await build(cache, 3)).code).to.equal(0);
        const [folder = ""] = fs.readdirSync(cache).filter((name) => !name.endsWith(".lock"));
        fs.rmSync(path.join(cache, folder, "hello"));
        const again = await build(cache, 4);
        expect(again.code, again.stderr).to.equal(0);
        expect(again.stderr).to.contain("building the hello module");
        expect(again.stdout).to.equal("hello from the cache\n");
        expect(fs.readdirSync(path.join(cache, folder))).to.deep.equal(["hello"]);
    });
});
