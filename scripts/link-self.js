#!/usr/bin/env node
// The repo root is a runnable Pulumi project whose program uses this package. The dynamic-provider
// plugin loads `pulumi-ultravox/provider-impl` from the program's folder through node_modules (its
// serialized code has no file of its own, so Node's self-reference does not apply): link the
// package into its own node_modules, as an install would place it.
//
// Run by `prepare`, so on `npm ci` / `npm install` in this repo (and before `npm pack`). npm never
// runs `prepare` for a package installed from the registry or from a tarball, and scripts/ is not
// in the tarball: nothing here reaches a consumer (tests/plugin/package.test.ts checks it).

const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-ultravox");
try {
    if (fs.realpathSync(link) === root) process.exit(0);
    fs.rmSync(link, { recursive: true, force: true });
} catch {
    // Not there yet.
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
