/**
 * What the Pulumi Registry reads: the schema committed at the repository's root (a listing names
 * its path) is the one the plugin serves, and carries the listing's metadata; the logo it names
 * is in the repository.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { type PackagePlugin, startPackagePlugin } from "../helpers/packagePlugin";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";

const distribution = require(
    path.join(DIST_DIR, "package/distribution"),
) as typeof import("../../dist/package/distribution");

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    name: string;
    homepage: string;
    license: string;
};

describe("registry: the committed schema.json, and the listing's metadata", function () {
    this.timeout(60_000);
    let plugin: PackagePlugin;
    const committed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as Record<
        string,
        unknown
    > & { language: { nodejs: { packageName: string } } };

    before(async () => {
        plugin = await startPackagePlugin();
    });

    after(async () => plugin?.stop());

    it("schema.json is exactly the schema the plugin serves (npm run gen-sdks writes it)", async () => {
        expect(committed, "schema.json (run npm run gen-sdks)").to.deep.equal(JSON.parse(await plugin.schema()));
    });

    it("names the publisher, logo, keywords, home page, repository and license the Registry shows", () => {
        expect(committed).to.include({
            name: "ultravox",
            publisher: "pulumi-ultravox",
            homepage: manifest.homepage,
            repository: "https://github.com/pulumi-ultravox/pulumi-ultravox",
            license: manifest.license,
            logoUrl: `https://raw.githubusercontent.com/pulumi-ultravox/pulumi-ultravox/HEAD/${distribution.LOGO_FILE}`,
        });
        expect(committed.keywords).to.include.members(["pulumi", "ultravox", "kind/native", "category/network"]);
        // One Node.js package name: the npm package this repository publishes.
        expect(committed.language.nodejs.packageName).to.equal(manifest.name);
    });

    it("the logo it names is an SVG in the repository", () => {
        const logo = fs.readFileSync(path.join(REPO_ROOT, distribution.LOGO_FILE), "utf8");
        expect(logo).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 64 64"/);
        expect(logo.trimEnd().endsWith("</svg>")).to.equal(true);
    });
});
