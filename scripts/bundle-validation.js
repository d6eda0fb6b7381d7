#!/usr/bin/env node
// The third step of `npm run build`: replaces tsc's dist/api/validation.js (a re-export of the two
// schema modules) by one file holding them and the part of zod they use. zod's module tree took
// 50-100 ms to load on every first read (the program's for getSipConfig, the dynamic provider's for
// SipConfig.get, the plugin's); the bundle loads in ~10 ms (BENCHMARKS.md, benchmark 6).
//
// Built from the TypeScript source so that esbuild takes zod's ES modules and keeps only what the
// schemas reach (`import * as z`, not `import { z }`, lets it drop the rest: ~185 KB instead of
// ~770 KB). Every other module of ours stays a require() of its compiled file in dist/, so there
// is one UltravoxError class, one cidr module, and nothing of ours is copied.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const apiSource = path.join(root, "provider", "api");
/** The modules that go into the bundle; any other relative import stays a require(). */
const BUNDLED = new Set(
    ["validation.ts", "schema.ts", "registrationSchema.ts"].map((name) => path.join(apiSource, name)),
);

async function main() {
    const esbuild = require(require.resolve("esbuild", { paths: [root] }));
    const zodFolder = path.dirname(require.resolve("zod/package.json", { paths: [root] }));
    const zodVersion = JSON.parse(fs.readFileSync(path.join(zodFolder, "package.json"), "utf8")).version;
    const zodLicense = fs.readFileSync(path.join(zodFolder, "LICENSE"), "utf8").trim();
    const outfile = path.join(root, "dist", "api", "validation.js");
    await esbuild.build({
        entryPoints: [path.join(apiSource, "validation.ts")],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node22",
        outfile,
        logLevel: "warning",
        banner: {
            js: `/* Built by scripts/bundle-validation.js from provider/api/{validation,schema,registrationSchema}.ts, with zod ${zodVersion}:\n${zodLicense}\n*/`,
        },
        plugins: [
            {
                name: "ours-stay-modules",
                setup(build) {
                    build.onResolve({ filter: /^\.\.?\// }, (args) => {
                        const target = path.resolve(args.resolveDir, `${args.path}.ts`);
                        if (BUNDLED.has(target)) return undefined;
                        if (!target.startsWith(`${path.join(root, "provider")}${path.sep}`)) return undefined;
                        // Same folder layout in dist/ as in provider/: the relative path stays right.
                        return { path: args.path, external: true };
                    });
                },
            },
        ],
    });
    const bundled = fs.readFileSync(outfile, "utf8");
    if (/require\("zod/.test(bundled)) throw new Error(`${outfile} still requires zod: it was not bundled.`);
}

main().catch((error) => {
    console.error(`bundle-validation: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
