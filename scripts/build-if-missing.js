#!/usr/bin/env node
// The second half of `prepare`: build dist/ when it is missing. That is the case when npm
// installs this package from git (`npm install github:<owner>/pulumi-ultravox`): npm clones the
// repo, installs its devDependencies, runs `prepare`, then packs the clone, and dist/ is not
// committed. In this repo dist/ is there after the first build (`npm run build`, and `npm pack`
// rebuilds through prepack). Like link-self.js this never runs for a consumer of the tarball.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
if (!fs.existsSync(path.join(root, "dist", "index.js"))) {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
    const built = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
    process.exitCode = built.status ?? 1;
    if (built.status === 0) {
        // Bundling zod into the schemas only makes them faster to load: without it they still work.
        const bundled = spawnSync(process.execPath, [path.join(__dirname, "bundle-validation.js")], {
            cwd: root,
            stdio: "inherit",
        });
        if (bundled.status !== 0) console.warn("build-if-missing: the schemas are left unbundled (slower to load).");
        require("./chmod-bins.js");
    }
}
