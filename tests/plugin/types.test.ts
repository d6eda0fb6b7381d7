/**
 * The package's types in a user's project, as `npm pack` builds them: the published `.d.ts`
 * name no dependency but the peer `@pulumi/pulumi` and Node's built-ins (zod's types broke
 * `tsc` without esModuleInterop/skipLibCheck), and a consumer importing every entry point
 * compiles in Pulumi's template project and in the other module setups users have.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { type Consumer, getConsumer, PULUMI_TEMPLATE_TSCONFIG, typeCheckProject } from "../helpers/consumer";

/** The only modules a published declaration may import from outside the package. */
const ALLOWED_EXTERNAL = /^(@pulumi\/pulumi(\/.*)?|node:[a-z_/]+)$/;

function declarationFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return declarationFiles(full);
        return entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)"([^"]+)"/g)].map(
        (match) => match[1] ?? "",
    );
}

/** Imports every entry point the package exports and uses a value and a type of each. */
function consumerSource(entryPoints: readonly string[]): string {
    const lines = [
        'import * as pulumi from "@pulumi/pulumi";',
        'import * as ultravox from "pulumi-ultravox";',
        'import { type EmulatorAccount, startEmulator } from "pulumi-ultravox/emulator";',
        'import * as providerImpl from "pulumi-ultravox/provider-impl";',
        'import { type MockUltravox, mockUltravox } from "pulumi-ultravox/testing";',
        "",
        'const sip = ultravox.SipConfig.get("ultravox-sip", "sip");',
        "export const sipDomain: pulumi.Output<string> = sip.domain;",
        "export const agentUris = pulumi",
        "    .all([sip.allowedAgents, sip.domain])",
        "    .apply(([agents, domain]) => agents.map((agent) => ultravox.agentSipUri(agent.agentId, domain)));",
        "export const ruleset = sip.allowedCidrRanges.apply((cidrs) => ultravox.nftablesRuleset(cidrs));",
        "export const pjsip = sip.routing.apply((routing) => ultravox.asteriskPjsip(routing).text);",
        'export const fromFunction: pulumi.Output<ultravox.GetSipConfigResult> = ultravox.getSipConfigOutput({ baseUrl: "http://127.0.0.1:1" });',
        "export async function readPlain(): Promise<string> {",
        '    const client = new ultravox.UltravoxClient({ apiKey: "key", timeoutMs: 10_000 });',
        "    const data: ultravox.SipConfigData = await client.getSipConfig();",
        "    return data.domain;",
        "}",
        'const account: EmulatorAccount = { apiKeys: ["key"], sip: { domain: "example.invalid", allowedAgents: [] } };',
        "export const emulatorUrl: Promise<string> = startEmulator({ account }).then(async (emulator) => {",
        "    await emulator.close();",
        "    return emulator.url;",
        "});",
        "export const providerImplExports: string[] = Object.keys(providerImpl);",
        'export const mocked: Promise<MockUltravox> = mockUltravox({ domain: "example.invalid", allowedAgents: [] });',
        "export function isError(error: unknown): boolean {",
        '    return ultravox.isUltravoxError(error) && error.code === "config";',
        "}",
    ];
    // An entry point added to package.json without a line here fails the test that lists them.
    expect(entryPoints).to.deep.equal([
        "pulumi-ultravox",
        "pulumi-ultravox/provider-impl",
        "pulumi-ultravox/emulator",
        "pulumi-ultravox/testing",
    ]);
    return `${lines.join("\n")}\n`;
}

describe("types: the packed package compiles in a user's project", function () {
    this.timeout(240_000);
    let consumer: Consumer;
    let entryPoints: string[];

    before(async () => {
        consumer = await getConsumer();
        const manifest = JSON.parse(fs.readFileSync(path.join(consumer.packageDir, "package.json"), "utf8")) as {
            exports: Record<string, unknown>;
        };
        entryPoints = Object.keys(manifest.exports)
            .filter((subpath) => subpath !== "./package.json")
            .map((subpath) => (subpath === "." ? "pulumi-ultravox" : `pulumi-ultravox/${subpath.slice(2)}`));
    });

    it("publishes declarations that import only @pulumi/pulumi, node: built-ins and files it ships", () => {
        const files = declarationFiles(path.join(consumer.packageDir, "dist"));
        expect(files.length).to.be.greaterThan(20);
        const offending: string[] = [];
        for (const file of files) {
            for (const specifier of importsOf(file)) {
                const relative = path.relative(consumer.packageDir, file);
                if (specifier.startsWith(".")) {
                    const target = path.resolve(path.dirname(file), specifier);
                    const found = [`${target}.d.ts`, path.join(target, "index.d.ts")].some((candidate) =>
                        fs.existsSync(candidate),
                    );
                    if (!found) offending.push(`${relative}: ${specifier} (not shipped)`);
                } else if (!ALLOWED_EXTERNAL.test(specifier)) {
                    offending.push(`${relative}: ${specifier}`);
                }
            }
        }
        expect(offending).to.deep.equal([]);
        const zodTypes = files.filter((file) =>
            /import\(\s*"(zod|got)"|\bz\.(Zod|core|infer)\b/.test(fs.readFileSync(file, "utf8")),
        );
        expect(zodTypes.map((file) => path.relative(consumer.packageDir, file))).to.deep.equal([]);
    });

    const setups: { name: string; packageJson?: Record<string, unknown>; compilerOptions: Record<string, unknown> }[] =
        [
            { name: "template-commonjs", compilerOptions: PULUMI_TEMPLATE_TSCONFIG.compilerOptions },
            {
                name: "node16-commonjs",
                compilerOptions: { strict: true, target: "es2022", module: "node16", moduleResolution: "node16" },
            },
            {
                name: "nodenext-esm",
                packageJson: { type: "module" },
                compilerOptions: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" },
            },
            {
                name: "bundler-esm",
                packageJson: { type: "module" },
                compilerOptions: { strict: true, target: "es2022", module: "esnext", moduleResolution: "bundler" },
            },
        ];

    for (const setup of setups) {
        it(`compiles a consumer of every entry point: ${setup.name}, strict, no esModuleInterop, no skipLibCheck`, async () => {
            const compilerOptions = { ...setup.compilerOptions, esModuleInterop: false, skipLibCheck: false };
            const result = await typeCheckProject(consumer, `types-${setup.name}`, {
                ...(setup.packageJson ? { packageJson: setup.packageJson } : {}),
                tsconfig: { compilerOptions, files: ["index.ts"] },
                files: { "index.ts": consumerSource(entryPoints) },
            });
            expect(result.output.trim()).to.equal("");
            expect(result.code).to.equal(0);
        });
    }

    it("reports a type error in the consumer (the check can fail)", async () => {
        const result = await typeCheckProject(consumer, "types-failing", {
            tsconfig: PULUMI_TEMPLATE_TSCONFIG,
            files: {
                "index.ts":
                    'import * as ultravox from "pulumi-ultravox";\nexport const n: number = ultravox.SipConfig.get("x", "sip").domain;\n',
            },
        });
        expect(result.code).to.equal(2);
        expect(result.output).to.match(
            /index\.ts\(2,14\): error TS2322: Type 'Output<string>' is not assignable to type 'number'\./,
        );
    });
});
