/**
 * What a release publishes must agree: one version everywhere (package.json, the schema the
 * plugin serves, the committed SDKs, the CHANGELOG's section), the Go module path and the plugin's
 * download URL from package.json's repository, and a plugin that refuses an SDK of another version.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { thrownBy } from "../helpers/errors";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";

const distribution = require(
    path.join(DIST_DIR, "package/distribution"),
) as typeof import("../../dist/package/distribution");
const schemaModule = require(path.join(DIST_DIR, "package/schema")) as typeof import("../../dist/package/schema");
const packageSettings = require(
    path.join(DIST_DIR, "package/settings"),
) as typeof import("../../dist/package/settings");

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    version: string;
    repository: { url: string };
};
const SDK = path.join(REPO_ROOT, "provider", "package", "sdk");

function read(...parts: string[]): string {
    return fs.readFileSync(path.join(...parts), "utf8");
}

describe("release: one version everywhere", () => {
    const { version } = manifest;

    it("the schema, the plugin's version and the committed SDKs are package.json's version", () => {
        expect(schemaModule.packageSchema.version).to.equal(version);
        expect(schemaModule.PACKAGE_VERSION).to.equal(version);
        expect(read(SDK, "python", "pyproject.toml")).to.match(
            new RegExp(`^\\s*version = "${version.replace(/\./g, "\\.")}"$`, "m"),
        );
        for (const file of [
            path.join(SDK, "python", "pulumi_ultravox", "pulumi-plugin.json"),
            path.join(SDK, "go", "ultravox", "pulumi-plugin.json"),
        ]) {
            const plugin = JSON.parse(read(file)) as { name: string; version: string; server: string };
            expect(plugin.version, file).to.equal(version);
            expect(plugin.name, file).to.equal("ultravox");
            expect(plugin.server, file).to.equal(schemaModule.packageSchema.pluginDownloadURL);
        }
    });

    it("the CHANGELOG has a section for the version, below Unreleased", () => {
        const headings = read(REPO_ROOT, "CHANGELOG.md")
            .split("\n")
            .filter((line) => line.startsWith("## "));
        expect(headings[0]).to.equal("## Unreleased");
        expect(headings[1]).to.match(new RegExp(`^## \\[?${version.replace(/\./g, "\\.")}\\]?(\\s|$)`));
    });
});

describe("release: where the package is published, from package.json's repository", () => {
    it("reads the GitHub repository from each form npm accepts", () => {
        for (const repository of [
            "git+https://github.com/Owner/Name.git",
            "https://github.com/owner/name",
            "github:owner/name",
            "owner/name",
            { type: "git", url: "git+https://github.com/owner/name.git" },
        ]) {
            expect(distribution.repositoryPath(repository), JSON.stringify(repository)).to.equal(
                "github.com/owner/name",
            );
        }
    });

    it("refuses a repository that is not on GitHub, or none", () => {
        expect(() => distribution.repositoryPath("https://gitlab.com/owner/name")).to.throw(
            "is not a GitHub repository",
        );
        expect(() => distribution.repositoryPath(undefined)).to.throw("package.json has no repository");
        expect(() => distribution.repositoryPath("https://github.com/owner/name/../other")).to.throw(
            "is not a GitHub repository",
        );
    });

    it("derives the Go module path and the plugin's download URL, and the schema and SDKs carry them", () => {
        const modulePath = distribution.goModulePath();
        expect(modulePath).to.equal(`${distribution.repositoryPath(manifest.repository)}/provider/package/sdk/go`);
        expect(distribution.releasePluginDownloadUrl({ url: "https://github.com/o/n" })).to.equal(
            // biome-ignore lint/suspicious/noTemplateCurlyInString: the engine's placeholder, literally
            "https://github.com/o/n/releases/download/v${VERSION}",
        );
        const { language, pluginDownloadURL } = schemaModule.packageSchema;
        expect(pluginDownloadURL).to.equal(distribution.releasePluginDownloadUrl());
        expect(language.go.modulePath).to.equal(modulePath);
        expect(language.go.importBasePath).to.equal(`${modulePath}/ultravox`);
        expect(read(SDK, "go", "go.mod").split("\n")[0]).to.equal(`module ${modulePath}`);
        expect(schemaModule.packageSchemaWith("http://127.0.0.1:1/x").pluginDownloadURL).to.equal(
            "http://127.0.0.1:1/x",
        );
    });
});

describe("release: what users read and what publishes it", () => {
    const { version } = manifest;

    it("the README's install lines are the ones the release proof runs, at this version", () => {
        const readme = read(REPO_ROOT, "README.md");
        const install = readme.slice(readme.indexOf("## Install"), readme.indexOf("## A stack in ten lines"));
        expect(install).to.contain("npm install pulumi-ultravox @pulumi/pulumi ");
        expect(install).to.contain("pip install pulumi_ultravox ");
        expect(install).to.contain(`go get ${distribution.goModulePath()}@v${version} `);
        expect(install).to.contain(`        version: ${version}\n`);
        // What the engine fetches for this version: the URL with its placeholder filled in.
        const releaseUrl = distribution.releasePluginDownloadUrl().replace(/\$\{VERSION\}/, version);
        expect(install).to.contain(`        pluginDownloadURL: ${releaseUrl}\n`);
        // The YAML program the proof runs has the same shape, the version and URL filled in by the test.
        expect(read(REPO_ROOT, "tests", "release", "programs", "yaml", "Pulumi.yaml")).to.contain(
            "      function: ultravox:index:getSipConfig\n      arguments: {}\n      options:\n        version: PLUGIN_VERSION\n        pluginDownloadURL: PLUGIN_DOWNLOAD_URL\n",
        );
    });

    it("the SDKs' README (the Python dists' description) points at the repository package.json names", () => {
        const readme = read(REPO_ROOT, "provider", "package", "sdk-README.md");
        expect(readme).to.contain(`<${distribution.repositoryUrl()}>`);
        expect(readme).to.contain("pip install pulumi_ultravox\n");
        for (const sdk of ["python", "go"]) {
            expect(read(SDK, sdk, "README.md"), sdk).to.equal(readme);
            expect(read(SDK, sdk, "LICENSE"), sdk).to.equal(read(REPO_ROOT, "LICENSE"));
        }
    });

    it("the release workflow is a thin caller: on a v* tag, npm run release, then only publishing", () => {
        const workflow = read(REPO_ROOT, ".github", "workflows", "release.yml");
        expect(workflow).to.match(/^on:\n {2}push:\n {4}tags: \["v\*"\]$/m);
        expect(workflow).to.contain("npm run release -- --out release");
        expect(workflow).to.contain("npm publish release/npm/*.tgz --provenance");
        expect(workflow).to.contain("packages-dir: release/python");
        expect(workflow).to.contain("release/plugin/*");
        // Nothing it publishes is built here rather than by the script the tests run.
        for (const builder of ["npm pack", "python -m build", "postject", "esbuild", "go build"]) {
            expect(workflow, builder).to.not.contain(builder);
        }
    });
});

describe("release: the plugin refuses an SDK of another version", () => {
    const { checkPluginVersion } = packageSettings;

    it("takes its own version, and no version (an explicit provider of an older engine)", () => {
        expect(() => checkPluginVersion({ version: "0.1.0" }, "0.1.0")).to.not.throw();
        expect(() => checkPluginVersion({}, "0.1.0")).to.not.throw();
        expect(() => checkPluginVersion({ version: "" }, "0.1.0")).to.not.throw();
    });

    it("refuses another version, naming both and the command that removes the wrong plugin", () => {
        const error = thrownBy(() => checkPluginVersion({ version: "0.2.0" }, "0.1.0"), "config");
        expect(error.message).to.equal(
            'The program\'s ultravox SDK asks for plugin version "0.2.0", but this plugin (pulumi-resource-ultravox) is version 0.1.0: it was installed under the wrong version. Remove it (`pulumi plugin rm resource ultravox 0.2.0`) and run again so that the engine downloads the plugin that matches the SDK, or install the SDK of version 0.1.0.',
        );
    });

    it("quotes a hostile version bounded and never puts it in the command it suggests", () => {
        const hostile = `1.0.0; rm -rf / ${"x".repeat(500)}`;
        const error = thrownBy(() => checkPluginVersion({ version: hostile }, "0.1.0"), "config");
        expect(error.message).to.contain("`pulumi plugin rm resource ultravox <version>`");
        expect(error.message).to.not.contain("x".repeat(100));
    });
});
