/**
 * What a consumer's `npm install` of the packed package gets and runs: no install script of
 * ours, neither the self-link nor the Node 22 bootstrap (both are for this repo only), and the
 * subpaths that state files and programs load.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { expect } from "chai";
import { type Consumer, getConsumer } from "../helpers/consumer";

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"];

describe("package: what a consumer installs from the tarball", function () {
    this.timeout(180_000);
    let consumer: Consumer;
    let manifest: { scripts?: Record<string, string>; exports: Record<string, unknown> };

    before(async () => {
        consumer = await getConsumer();
        manifest = JSON.parse(fs.readFileSync(path.join(consumer.packageDir, "package.json"), "utf8"));
    });

    it("declares no script npm runs when a consumer installs it", () => {
        const scripts = Object.keys(manifest.scripts ?? {});
        expect(scripts).to.include("prepare");
        expect(scripts.filter((name) => INSTALL_SCRIPTS.includes(name))).to.deep.equal([]);
    });

    it("ran no prepare in the consumer: no self-link, and no scripts/ folder shipped", () => {
        expect(fs.existsSync(path.join(consumer.packageDir, "scripts"))).to.equal(false);
        expect(fs.existsSync(path.join(consumer.packageDir, "node_modules", "pulumi-ultravox"))).to.equal(false);
    });

    it("brings no Node of its own: the node devDependency stays in this repo", () => {
        expect(fs.existsSync(path.join(consumer.dir, "node_modules", "node"))).to.equal(false);
        expect(fs.existsSync(path.join(consumer.dir, "node_modules", ".bin", "node"))).to.equal(false);
    });

    it("resolves the entry, ./provider-impl and ./emulator to the compiled layout", () => {
        const programRequire = createRequire(path.join(consumer.dir, "index.js"));
        const resolved = ["pulumi-ultravox", "pulumi-ultravox/provider-impl", "pulumi-ultravox/emulator"].map(
            (request) => path.relative(fs.realpathSync(consumer.packageDir), programRequire.resolve(request)),
        );
        expect(resolved).to.deep.equal([
            path.join("dist", "index.js"),
            path.join("dist", "pulumi", "providerImpl.js"),
            path.join("dist", "emulator", "index.js"),
        ]);
    });
});
