/**
 * Installing from source. From a tarball (`npm install ./pulumi-ultravox-<version>.tgz`) is what
 * every consumer test does (tests/helpers/consumer.ts installs the packed tarball). From git,
 * npm clones the repo, installs its devDependencies and runs `prepare` in the clone before
 * packing it: here the clone is the repo's tracked files (what a clone holds: no dist/, no
 * node_modules), the devDependencies are linked from this repo instead of installed, and
 * `npm run prepare` must leave a built package.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { npm } from "../helpers/consumer";
import { run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";

describe("install from git: prepare builds a fresh clone", function () {
    this.timeout(180_000);
    let clone: string;

    before(async () => {
        clone = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ultravox-clone-"));
        const listed = await run("git", ["ls-files", "-z"], { cwd: REPO_ROOT, timeoutMs: 30_000 });
        expect(listed.code, listed.stderr).to.equal(0);
        for (const file of listed.stdout.split("\0").filter(Boolean)) {
            const from = path.join(REPO_ROOT, file);
            if (!fs.existsSync(from)) continue; // deleted in the working tree
            fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
            fs.copyFileSync(from, path.join(clone, file));
            fs.chmodSync(path.join(clone, file), fs.statSync(from).mode);
        }
        // The devDependencies npm would install, linked one by one (never this repo's self-link,
        // which prepare's link-self.js would otherwise replace through the link).
        fs.mkdirSync(path.join(clone, "node_modules"));
        for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
            if (entry === "pulumi-ultravox" || entry.startsWith(".")) continue;
            fs.symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(clone, "node_modules", entry));
        }
    });

    after(() => {
        if (clone) fs.rmSync(clone, { recursive: true, force: true });
    });

    it("a clone has no dist/; npm run prepare builds it and links the package into the clone", async () => {
        expect(fs.existsSync(path.join(clone, "dist"))).to.equal(false);
        await npm(["run", "prepare", "--silent"], clone, 150_000);
        for (const file of [
            "index.js",
            "index.d.ts",
            "pulumi/providerImpl.js",
            "testing/index.js",
            "emulator/main.js",
        ]) {
            expect(fs.existsSync(path.join(clone, "dist", file)), file).to.equal(true);
        }
        expect(fs.realpathSync(path.join(clone, "node_modules", "pulumi-ultravox"))).to.equal(fs.realpathSync(clone));
        const loaded = await run(
            process.execPath,
            ["-e", 'process.stdout.write(typeof require("pulumi-ultravox").SipConfig.get)'],
            {
                cwd: clone,
                timeoutMs: 30_000,
            },
        );
        expect(loaded.stdout, loaded.stderr).to.equal("function");
    });
});
