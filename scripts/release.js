#!/usr/bin/env node
/**
 * npm run release -- --out <dir> --plugin-url <url> [--targets linux-amd64,...] [--verbose]
 *
 * Everything a release publishes, from this checkout, into <dir>:
 *   npm/      the package tarball, as npm pack makes it;
 *   python/   the wheel and the sdist of pulumi_ultravox (python -m build), carrying pulumi-plugin.json;
 *   goproxy/  the Go SDK as a module-proxy tree (@v/list, .info, .mod, .zip) at the module path
 *             package.json's repository gives;
 *   plugin/   pulumi-resource-ultravox-v<version>-<os>-<arch>.tar.gz, self-contained executables
 *             (Node's single executable applications), and SHA256SUMS.
 * The schema the SDKs are generated from, and the one the plugin serves, name <url> as the
 * plugin's download URL. On success it prints one line per artifact (`<folder>/<file>  <bytes>`;
 * the Go module as goproxy/<module path>/@v/v<version>.zip) and nothing else; --verbose shows
 * its progress and its tools' output. It needs what npm run pulumi-cli builds (the SDK generator,
 * the module-proxy writer, the Python build tools, rcodesign for macOS), and runs it first when
 * any is missing.
 */

const childProcess = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const plugin = require("./release/plugin");

const root = path.resolve(__dirname, "..");
const tools = path.join(root, ".tools");

function fail(message) {
    process.stderr.write(`release: ${message}\n`);
    process.exit(1);
}

/** Progress, shown only with --verbose: a release that succeeds prints one line per artifact and nothing else. */
let verbose = false;
function say(message) {
    if (verbose) process.stderr.write(`release: ${message}\n`);
}

/**
 * Runs a command with its output kept (banners, deprecation notices and progress of the tools
 * it calls): shown with --verbose, or when the command fails, and never on stdout.
 */
function run(command, args, options = {}) {
    const result = childProcess.spawnSync(command, args, {
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        ...options,
    });
    if (result.error) fail(`${command} could not start: ${result.error.message}`);
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (result.status !== 0) {
        process.stderr.write(output);
        fail(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    }
    if (verbose) process.stderr.write(output);
}

function parseArguments(argv) {
    const options = { targets: plugin.DEFAULT_TARGETS };
    for (let index = 0; index < argv.length; index++) {
        const flag = argv[index];
        const value = argv[index + 1];
        if (flag === "--verbose") {
            verbose = true;
            continue;
        }
        if (!["--out", "--plugin-url", "--targets"].includes(flag))
            fail(`unknown argument ${JSON.stringify(flag)}: usage: npm run release -- --out <dir> --plugin-url <url>`);
        if (value === undefined || value.startsWith("--")) fail(`${flag} needs a value.`);
        index++;
        if (flag === "--out") options.out = path.resolve(value);
        if (flag === "--plugin-url") options.pluginUrl = value;
        if (flag === "--targets") options.targets = value.split(",").filter(Boolean);
    }
    if (!options.out || !options.pluginUrl) fail("usage: npm run release -- --out <dir> --plugin-url <url>");
    options.pluginUrl = checkedPluginUrl(options.pluginUrl);
    for (const target of options.targets) {
        if (!plugin.TARGETS[target])
            fail(`unknown target ${JSON.stringify(target)}: one of ${Object.keys(plugin.TARGETS).join(", ")}.`);
    }
    return options;
}

/**
 * The engine fetches <url>/pulumi-resource-ultravox-v<version>-<os>-<arch>.tar.gz, ${VERSION},
 * ${OS} and ${ARCH} replaced: an http(s) URL, without credentials (the SDKs publish it), a
 * query or a fragment (the file name is appended to the path).
 */
function checkedPluginUrl(text) {
    let url;
    try {
        url = new URL(text);
    } catch {
        fail(`--plugin-url ${JSON.stringify(text)} is not a URL.`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
        fail("--plugin-url must be an https: URL (http: for a test server).");
    if (url.username || url.password) fail("--plugin-url must not carry credentials: every SDK publishes it.");
    if (url.search || url.hash)
        fail("--plugin-url must not have a query or a fragment: the engine appends the tarball's name to its path.");
    return text.replace(/\/+$/, "");
}

/** package.json's version, which the CHANGELOG must have a section for before it is released. */
function releaseVersion() {
    const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version))
        fail(`package.json's version ${JSON.stringify(version)} is not a semantic version.`);
    const changelog = fs.readFileSync(path.join(root, "CHANGELOG.md"), "utf8");
    if (!changelogHasSection(changelog, version)) {
        fail(`CHANGELOG.md has no section for ${version}: add "## ${version} - <date>" with what the release changes.`);
    }
    return version;
}

function changelogHasSection(changelog, version) {
    const escaped = version.replace(/[.+-]/g, "\\$&");
    return new RegExp(`^## \\[?${escaped}\\]?(\\s|$)`, "m").test(changelog);
}

const PYTHON = path.join(tools, "python", "bin", "python");

/** What the release runs besides Node: the SDK generator, the module-proxy writer, Python's `build`. */
function missingTools(targets) {
    const needed = ["ultravox-sdkgen", "gomodzip"];
    if (targets.some((target) => plugin.TARGETS[target].format === "macho")) needed.push("rcodesign");
    const missing = needed
        .filter((name) => !fs.existsSync(path.join(tools, "bin", name)))
        .map((name) =>
            name === "rcodesign"
                ? "rcodesign (built with cargo, for the macOS executables; or leave darwin out with --targets)"
                : name,
        );
    const build = childProcess.spawnSync(PYTHON, ["-c", "import build, setuptools"], { stdio: "ignore" });
    if (build.status !== 0) missing.push("the Python venv with build and setuptools");
    return missing;
}

/**
 * On a clean clone, builds them with npm run pulumi-cli (Go and Python from their registries;
 * cached in ~/.cache/pulumi-ultravox, so once per machine).
 */
function ensureTools(targets) {
    const missing = missingTools(targets);
    if (missing.length === 0) return;
    say(`${missing.join(", ")} missing: building them with npm run pulumi-cli (cached after the first time)`);
    run("bash", [path.join(root, "scripts", "pulumi-cli.sh")], { cwd: root });
    const still = missingTools(targets);
    if (still.length > 0) fail(`${still.join(", ")} still missing after npm run pulumi-cli (see above).`);
}

function tool(name) {
    return path.join(tools, "bin", name);
}

/** The time a release is stamped with: the commit's, so that two runs on one commit make the same files. */
function sourceEpoch() {
    if (process.env.SOURCE_DATE_EPOCH && /^\d+$/.test(process.env.SOURCE_DATE_EPOCH))
        return Number(process.env.SOURCE_DATE_EPOCH);
    const git = childProcess.spawnSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" });
    const epoch = Number(git.stdout?.trim());
    return git.status === 0 && Number.isInteger(epoch) && epoch > 0 ? epoch : Math.floor(Date.now() / 1000);
}

function freshFolder(folder) {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    return folder;
}

function sha256(file) {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

async function main() {
    const options = parseArguments(process.argv.slice(2));
    const [major] = process.versions.node.split(".").map(Number);
    if (major < 22)
        fail(
            `Node ${process.version} is too old: the release needs Node 22 or later (npm run puts the devDependency's first on PATH).`,
        );
    const version = releaseVersion();
    ensureTools(options.targets);
    const epoch = sourceEpoch();
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(epoch) };
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "ultravox-release-"));
    // Everything is built into a staging folder beside the output and moved into place at the end:
    // a release that fails halfway leaves <out> as it was.
    fs.mkdirSync(options.out, { recursive: true });
    const stage = fs.mkdtempSync(path.join(options.out, ".staging-"));
    try {
        say(`building ${version} into ${options.out}, plugin URL ${options.pluginUrl}`);
        run("npm", ["run", "build", "--silent"], { cwd: root });
        const distribution = require(path.join(root, "dist/package/distribution.js"));
        const { packageSchemaWith } = require(path.join(root, "dist/package/schema.js"));
        const modulePath = distribution.goModulePath();

        // The SDKs, generated with the release's download URL.
        const schemaFile = path.join(work, "schema.json");
        fs.writeFileSync(schemaFile, JSON.stringify(packageSchemaWith(options.pluginUrl), null, 2));
        const sdk = path.join(work, "sdk");
        run(tool("ultravox-sdkgen"), [
            "-schema",
            schemaFile,
            "-out",
            sdk,
            "-readme",
            path.join(root, "provider", "package", "sdk-README.md"),
            "-license",
            path.join(root, "LICENSE"),
        ]);

        // npm: the tarball npm pack makes (already built: no second build through prepack).
        const npmOut = freshFolder(path.join(stage, "npm"));
        run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", npmOut], { cwd: root });

        // Python: a wheel and an sdist, with the standard build front end, offline (--no-isolation:
        // setuptools is pinned in the tools venv).
        const pythonOut = freshFolder(path.join(stage, "python"));
        run(
            PYTHON,
            ["-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", pythonOut, path.join(sdk, "python")],
            { env },
        );

        // Go: the module-proxy tree of this version.
        const goOut = freshFolder(path.join(stage, "goproxy"));
        run(tool("gomodzip"), [
            "-dir",
            path.join(sdk, "go"),
            "-module",
            modulePath,
            "-version",
            `v${version}`,
            "-time",
            new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
            "-out",
            goOut,
        ]);

        // The plugin: one self-contained executable a platform, and the checksums of the tarballs.
        const pluginOut = freshFolder(path.join(stage, "plugin"));
        const tarballs = await plugin.buildPlugins({
            root,
            work: path.join(work, "plugin"),
            out: pluginOut,
            version,
            pluginUrl: options.pluginUrl,
            targets: options.targets,
            epoch,
            say,
            rcodesign: tool("rcodesign"),
        });
        const sums = tarballs.map((file) => `${sha256(file)}  ${path.basename(file)}\n`).join("");
        fs.writeFileSync(path.join(pluginOut, "SHA256SUMS"), sums);

        for (const name of ["npm", "python", "goproxy", "plugin"]) {
            fs.rmSync(path.join(options.out, name), { recursive: true, force: true });
            fs.renameSync(path.join(stage, name), path.join(options.out, name));
        }
        const artifacts = ["npm", "python", "plugin"].flatMap((name) =>
            fs
                .readdirSync(path.join(options.out, name))
                .sort()
                .map((file) => `${name}/${file}`),
        );
        artifacts.push(`goproxy/${modulePath}/@v/v${version}.zip`);
        for (const artifact of artifacts) {
            process.stdout.write(`${artifact}  ${fs.statSync(path.join(options.out, artifact)).size}\n`);
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
        fs.rmSync(stage, { recursive: true, force: true });
    }
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
