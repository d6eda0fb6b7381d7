/**
 * The dependency rules of provider/'s folders, read from the compiled modules (what Node loads,
 * so a type-only import, which costs nothing at run time, does not count).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as ts from "typescript";
import { runNode } from "../helpers/process";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";

const SOURCE_DIR = path.join(REPO_ROOT, "provider");
const FOLDERS = [
    "core",
    "api",
    "lifecycle",
    "pulumi",
    "routing",
    "render",
    "cli",
    "emulator",
    "testing",
    "package",
] as const;
type Folder = (typeof FOLDERS)[number] | "index";

interface CompiledModule {
    /** `render/pbx/kamailio.js`: the path under dist/. */
    name: string;
    folder: Folder;
    /** The specifiers of its require() and import() calls, in order. */
    imports: string[];
}

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return sourceFiles(full);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

function folderOf(name: string): Folder {
    const first = name.split("/")[0] ?? "";
    if (name === "index.js") return "index";
    const folder = FOLDERS.find((candidate) => candidate === first);
    if (!folder) throw new Error(`${name} is in no known folder of provider/: add it to FOLDERS and to the rules`);
    return folder;
}

/** require("x") and import("x") calls with a literal argument, found by parsing (comments do not count). */
function importsOf(code: string, fileName: string): string[] {
    const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) {
            const callee = node.expression;
            const isRequire = ts.isIdentifier(callee) && callee.text === "require";
            const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
            const [argument] = node.arguments;
            if ((isRequire || isImport) && argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
        }
        ts.forEachChild(node, visit);
    };
    visit(file);
    return found;
}

/** Every module compiled from provider/ (from the sources, so a stale file left in dist/ is not read). */
function compiledModules(): CompiledModule[] {
    return sourceFiles(SOURCE_DIR).map((source) => {
        const name = path.relative(SOURCE_DIR, source).split(path.sep).join("/").replace(/\.ts$/, ".js");
        const compiled = path.join(DIST_DIR, name);
        if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npm run build\``);
        return { name, folder: folderOf(name), imports: importsOf(fs.readFileSync(compiled, "utf8"), compiled) };
    });
}

/** What an import reaches: one of our folders, a package (`got`, `@pulumi/pulumi`, `node:fs`), or a file outside provider/. */
function targetOf(from: CompiledModule, specifier: string): Folder | `package:${string}` | `file:${string}` {
    if (specifier === "pulumi-ultravox/provider-impl") return "pulumi";
    if (specifier.startsWith(".")) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from.name), specifier));
        // Outside provider/ (the package's own package.json): a file, not a folder of ours.
        if (resolved.startsWith("../")) return `file:${resolved}`;
        return folderOf(resolved.endsWith(".js") ? resolved : `${resolved}.js`);
    }
    const parts = specifier.split("/");
    const packageName = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? "");
    return `package:${packageName}`;
}

/** `from → to` for every import of a module in `folders` that reaches one of `targets`. */
function edges(modules: readonly CompiledModule[], folders: readonly Folder[], targets: readonly string[]): string[] {
    return modules
        .filter((module) => folders.includes(module.folder))
        .flatMap((module) =>
            module.imports
                .filter((specifier) => targets.includes(targetOf(module, specifier)))
                .map((specifier) => `${module.name} → ${specifier}`),
        );
}

const allFolders: Folder[] = [...FOLDERS, "index"];
const except = (...folders: Folder[]) => allFolders.filter((folder) => !folders.includes(folder));

describe("layout: dependency rules of provider/, read from the compiled imports", () => {
    const modules = compiledModules();

    it("reads the imports it checks (each rule's subject is found where it is allowed)", () => {
        const byName = (name: string) => modules.find((module) => module.name === name)?.imports ?? [];
        expect(byName("api/schema.js")).to.include("zod");
        expect(byName("api/transport.js")).to.include.members(["node:http", "node:https"]);
        expect(byName("pulumi/sipConfig.js")).to.include("@pulumi/pulumi");
        expect(byName("pulumi/dynamicProvider.js")).to.include("pulumi-ultravox/provider-impl");
        expect(byName("package/engineLog.js")).to.include("@pulumi/pulumi/proto/engine_pb");
        expect(byName("pulumi/providerImpl.js")).to.include("../lifecycle/sipConfig");
        expect(byName("package/sipConfig.js")).to.include("../lifecycle/sipConfig");
        expect(byName("render/pbx/trunk.js")).to.include("../../routing/route");
        expect(modules.map((module) => module.folder)).to.include.members(allFolders);
    });

    it("core depends on nothing of ours outside core, and on no package but Node's own", () => {
        const reached = modules
            .filter((module) => module.folder === "core")
            .flatMap((module) =>
                module.imports
                    .filter((specifier) => {
                        const target = targetOf(module, specifier);
                        return target !== "core" && !target.startsWith("package:node:");
                    })
                    .map((specifier) => `${module.name} → ${specifier}`),
            );
        expect(reached).to.deep.equal([]);
    });

    it("only pulumi/, testing/ (the mocks) and package/ (the plugin: its gRPC stubs) import @pulumi/pulumi", () => {
        expect(edges(modules, except("pulumi", "testing", "package"), ["package:@pulumi/pulumi"])).to.deep.equal([]);
    });

    it("nothing of ours imports package/: it is the plugin's own entry point, built on lifecycle/ (the one implementation of SipConfig's steps), the renderers and core/; never the public surface, pulumi/ or api/, which load the SDK's runtime or bypass the lifecycle", () => {
        expect(edges(modules, except("package"), ["package"])).to.deep.equal([]);
        expect(edges(modules, ["package"], ["index", "api", "pulumi", "cli", "emulator", "testing"])).to.deep.equal([]);
    });

    it("package/ takes only the SDK's gRPC stubs (`@pulumi/pulumi/proto/...`), so that the plugin starts without the SDK's runtime", () => {
        const sdkImports = modules
            .filter((module) => module.folder === "package")
            .flatMap((module) =>
                module.imports
                    .filter((specifier) => targetOf(module, specifier) === "package:@pulumi/pulumi")
                    .map((specifier) => `${module.name} → ${specifier}`),
            );
        expect(sdkImports).to.include("package/server.js → @pulumi/pulumi/proto/provider_pb");
        expect(sdkImports.filter((edge) => !edge.includes("→ @pulumi/pulumi/proto/"))).to.deep.equal([]);
    });

    it("loading the plugin's server loads neither the SDK's runtime nor got nor zod (require.cache of a fresh process)", async () => {
        const script = `
require(${JSON.stringify(path.join(DIST_DIR, "package", "server.js"))});
const loaded = Object.keys(require.cache)
    .map((file) => file.split(/[\\/]node_modules[\\/]/).pop())
    .filter((file) => /^(@pulumi[\\/]pulumi[\\/](index|runtime|resource|output)|got[\\/]|zod[\\/])/.test(file));
process.stdout.write(JSON.stringify(loaded));
`;
        const result = await runNode(["-e", script], { cwd: REPO_ROOT, timeoutMs: 30_000 });
        expect(result.code, result.stderr).to.equal(0);
        expect(JSON.parse(result.stdout)).to.deep.equal([]);
    });

    it("lifecycle/ (both doors' SipConfig steps) depends only on core/ and api/: no door, no SDK", () => {
        expect(
            edges(
                modules,
                ["lifecycle"],
                [
                    "pulumi",
                    "package",
                    "routing",
                    "render",
                    "cli",
                    "emulator",
                    "testing",
                    "index",
                    "package:@pulumi/pulumi",
                ],
            ),
        ).to.deep.equal([]);
    });

    it("only api/ imports zod (and no module imports got, which the package no longer depends on)", () => {
        expect(edges(modules, except("api"), ["package:zod"])).to.deep.equal([]);
        expect(edges(modules, allFolders, ["package:got"])).to.deep.equal([]);
    });

    it("render/ and routing/ never import pulumi/ or api/", () => {
        expect(edges(modules, ["render", "routing"], ["pulumi", "api"])).to.deep.equal([]);
    });

    it("only routing/linearPattern imports re2js (the linear-time engine for untrusted patterns)", () => {
        expect(
            modules.flatMap((module) =>
                module.imports
                    .filter((specifier) => targetOf(module, specifier) === "package:re2js")
                    .map(() => module.name),
            ),
        ).to.deep.equal(["routing/linearPattern.js"]);
    });

    it("loading pulumi-ultravox loads neither got nor zod nor re2js (require.cache of a fresh process)", async () => {
        // The same process then loads the schema and evaluates a pattern, to show that the check
        // sees zod and re2js when they are loaded.
        const script = `
const loaded = () => Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/](got|zod|re2js)[\\\\/]/.test(file))
    .map((file) => file.match(/node_modules[\\\\/](got|zod|re2js)[\\\\/]/)[1]);
const index = require(${JSON.stringify(path.join(DIST_DIR, "index.js"))});
const afterIndex = [...new Set(loaded())];
require(${JSON.stringify(path.join(DIST_DIR, "api", "schema.js"))});
const afterSchema = [...new Set(loaded())];
index.checkPattern("^support$");
process.stdout.write(JSON.stringify({ afterIndex, afterSchema, afterPattern: [...new Set(loaded())].sort() }));
`;
        const result = await runNode(["-e", script], { cwd: REPO_ROOT, timeoutMs: 30_000 });
        expect(result.code, result.stderr).to.equal(0);
        expect(JSON.parse(result.stdout)).to.deep.equal({
            afterIndex: [],
            afterSchema: ["zod"],
            afterPattern: ["re2js", "zod"],
        });
    });

    it("no import cycle among provider/'s modules, type-only imports included (read from the sources)", () => {
        const files = sourceFiles(SOURCE_DIR);
        const known = new Set(files);
        const resolve = (from: string, specifier: string): string | undefined => {
            if (!specifier.startsWith(".")) return undefined;
            const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ""));
            return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => known.has(candidate));
        };
        const graph = new Map<string, string[]>();
        for (const file of files) {
            // preProcessFile lists every import and export-from, `import type` included.
            const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
            graph.set(
                file,
                importedFiles.flatMap(({ fileName }) => resolve(file, fileName) ?? []),
            );
        }
        // Tarjan's strongly connected components: a component of more than one module is a cycle.
        const cycles: string[][] = [];
        const index = new Map<string, number>();
        const low = new Map<string, number>();
        const stack: string[] = [];
        const onStack = new Set<string>();
        let counter = 0;
        const visit = (file: string): void => {
            index.set(file, counter);
            low.set(file, counter);
            counter++;
            stack.push(file);
            onStack.add(file);
            for (const next of graph.get(file) ?? []) {
                if (!index.has(next)) {
                    visit(next);
                    low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
                } else if (onStack.has(next)) {
                    low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
                }
            }
            if (low.get(file) === index.get(file)) {
                const component: string[] = [];
                let member: string | undefined;
                do {
                    member = stack.pop();
                    if (member === undefined) break;
                    onStack.delete(member);
                    component.push(path.relative(SOURCE_DIR, member));
                } while (member !== file);
                if (component.length > 1) cycles.push(component.sort());
            }
        };
        for (const file of files) if (!index.has(file)) visit(file);
        expect(graph.size).to.be.greaterThan(50);
        expect(cycles).to.deep.equal([]);
    });
});
