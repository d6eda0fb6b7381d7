#!/usr/bin/env node
// Makes package.json's bins executable after a build: tsc writes dist/ without the executable
// bit, and npm sets it only when it links a package, so without this every rebuild of a clone
// (npm run build, demo, test, pack) would leave `npx pulumi-ultravox` at "Permission denied".
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const { bin } = require(path.join(root, "package.json"));
for (const file of Object.values(bin)) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    fs.chmodSync(full, fs.statSync(full).mode | 0o111);
}
