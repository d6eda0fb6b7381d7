/**
 * The package's bins stay runnable after any rebuild of a clone: tsc writes dist/ without the
 * executable bit and npm sets it only when it links a package, so the build itself must set it.
 * Run on a copy of the sources (the suite's own dist/ is left alone), with the repo's node_modules.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";

describe("bins: executable after every build", function () {
    this.timeout(180_000);
    let copy: string;

    before(() => {
        copy = fs.mkdtempSync(path.join(os.tmpdir(), "uv-bins-"));
        for (const entry of ["provider", "scripts", "package.json", "tsconfig.json", "tsconfig.base.json"]) {
            fs.cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
        }
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    });
    after(() => fs.rmSync(copy, { recursive: true, force: true }));

    const bins = (): Record<string, string> =>
        (JSON.parse(fs.readFileSync(path.join(copy, "package.json"), "utf8")) as { bin: Record<string, string> }).bin;

    /** Runs each bin as a shell would (by its path, so the executable bit and the shebang are what count). */
    async function runsEveryBin(): Promise<void> {
        const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` };
        const version = await run(path.join(copy, bins()["pulumi-ultravox"] ?? ""), ["--version"], {
            env,
            timeoutMs: 30_000,
        });
        expect(version.stderr).to.equal("");
        expect(version.stdout).to.equal(
            `${JSON.parse(fs.readFileSync(path.join(copy, "package.json"), "utf8")).version}\n`,
        );
        const emulator = await run(path.join(copy, bins()["pulumi-ultravox-emulator"] ?? ""), ["--help"], {
            env,
            timeoutMs: 30_000,
        });
        expect(emulator.code).to.equal(0);
        expect(emulator.stdout).to.match(/^Usage: pulumi-ultravox-emulator /);
        for (const file of Object.values(bins())) {
            expect(fs.statSync(path.join(copy, file)).mode & 0o111, file).to.equal(0o111);
        }
    }

    for (const round of [1, 2]) {
        it(`npm run build (round ${round}) leaves every bin executable`, async () => {
            const built = await run("npm", ["run", "build", "--silent"], { cwd: copy, timeoutMs: 150_000 });
            expect(built.code, built.stderr).to.equal(0);
            await runsEveryBin();
        });
    }

    it("prepare's build of a git install (dist/ missing) leaves every bin executable", async () => {
        fs.rmSync(path.join(copy, "dist"), { recursive: true, force: true });
        const built = await run(process.execPath, ["scripts/build-if-missing.js"], { cwd: copy, timeoutMs: 150_000 });
        expect(built.code, built.stderr).to.equal(0);
        await runsEveryBin();
    });
});
