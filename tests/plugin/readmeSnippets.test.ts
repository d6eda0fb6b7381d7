/**
 * Every TypeScript snippet in the README and docs/, type-checked as a user's program: in a project laid
 * out like Pulumi's TypeScript template (Pulumi.yaml, package.json, the template's tsconfig:
 * CommonJS, strict, no esModuleInterop, no skipLibCheck) against the packed package. A snippet
 * gets the imports and placeholders it needs declared before it (a `const sip` it continues
 * from, `aws`/`gcp` stand-ins: those packages are not what is under test); snippets that name
 * their file (`// index.ts: ...`) are complete files and get nothing. A CommonJS project has no
 * top-level `await`, so a snippet using one fails here (TS1378).
 */
import { expect } from "chai";
import { getConsumer, PULUMI_TEMPLATE_TSCONFIG, typeCheckProject } from "../helpers/consumer";
import { typescriptBlocks } from "../helpers/readme";

const IMPORTS = 'import * as pulumi from "@pulumi/pulumi";\nimport * as ultravox from "pulumi-ultravox";\n';

/** Stand-ins for @pulumi/aws and @pulumi/gcp: a resource class taking the args the README passes. */
const CLOUD_PLACEHOLDERS = `
declare namespace aws {
    namespace ec2 {
        class Eip extends pulumi.CustomResource {
            readonly publicIp: pulumi.Output<string>;
            constructor(name: string, args?: {});
        }
        class SecurityGroup extends pulumi.CustomResource {
            constructor(name: string, args: { vpcId: pulumi.Input<string>; ingress: pulumi.Input<pulumi.Input<ultravox.AwsSecurityGroupIngressRule>[]> });
        }
    }
}
declare namespace gcp {
    namespace compute {
        class Firewall extends pulumi.CustomResource {
            readonly name: pulumi.Output<string>;
            constructor(name: string, args: ultravox.GcpFirewallRule & { network: pulumi.Input<string> });
        }
    }
}
`;

/** What each snippet needs before it, keyed by the start of its first line. */
const PRELUDES: Record<string, string> = {
    'import * as pulumi from "@pulumi/pulumi";': "",
    "const output: pulumi.Output<ultravox.GetSipConfigResult>": IMPORTS,
    "async function main(): Promise<void> {": IMPORTS,
    'const pbxIp = new aws.ec2.Eip("pbx");': `${IMPORTS}${CLOUD_PLACEHOLDERS}const cfg = new pulumi.Config();\n`,
    "const afterWrite = ultravox.SipConfig.get(": `${IMPORTS}const owned = new ultravox.SipConfig("ultravox-sip", { allowedCidrRanges: ["192.0.2.0/24"] });\n`,
    "/** A clock whose time moves only when the test moves it. */": `${IMPORTS}import type { Emulator } from "pulumi-ultravox/emulator";\n`,
    "// AWS: a security group for the PBX": `${IMPORTS}${CLOUD_PLACEHOLDERS}const sip = ultravox.SipConfig.get("ultravox-sip", "sip");\ndeclare const vpcId: pulumi.Input<string>;\n`,
    "export = async () => {\n    const { allowedCidrRanges }": `${IMPORTS}${CLOUD_PLACEHOLDERS}declare const network: pulumi.Input<string>;\n`,
    "// index.ts: the stack under test": "",
    "// index.test.ts: mocha": "",
    "// allowlist.ts: a stack that owns": "",
    "// allowlist.test.ts: mocha": "",
};

describe("README and docs/: every TypeScript snippet compiles in a Pulumi template project", function () {
    this.timeout(240_000);

    it("type-checks each snippet with the imports and placeholders it needs, and no top-level await", async () => {
        const blocks = typescriptBlocks();
        const files: Record<string, string> = {};
        const unknown: string[] = [];
        const used = new Set<string>();
        for (const [index, block] of blocks.entries()) {
            const key = Object.keys(PRELUDES).find((start) => block.code.startsWith(start));
            if (key === undefined) {
                unknown.push(`${block.file}:${block.line}: ${block.code.split("\n")[0]}`);
                continue;
            }
            used.add(key);
            const named = /^\/\/ ([\w.-]+\.ts):/.exec(block.code)?.[1];
            files[named ?? `snippet-${index + 1}-${block.file.replace(/\W+/g, "-")}-line-${block.line}.ts`] =
                `${PRELUDES[key]}${block.code}`;
        }
        // A new snippet needs its prelude here; a snippet that went away, its entry removed.
        expect(unknown).to.deep.equal([]);
        expect([...used]).to.deep.equal(Object.keys(PRELUDES));
        expect(Object.keys(files).length).to.equal(blocks.length);
        const consumer = await getConsumer();
        const result = await typeCheckProject(consumer, "readme-snippets", {
            packageJson: { main: "index.js", devDependencies: { "@types/node": "^22", typescript: "^5" } },
            tsconfig: { ...PULUMI_TEMPLATE_TSCONFIG, files: Object.keys(files) },
            files: {
                ...files,
                "Pulumi.yaml": "name: readme-snippets\nruntime: nodejs\ndescription: The README's snippets\n",
            },
            types: ["mocha"],
        });
        expect(result.output.trim()).to.equal("");
        expect(result.code).to.equal(0);
    });

    it("fails a snippet with a top-level await, as a CommonJS program does", async () => {
        const consumer = await getConsumer();
        const result = await typeCheckProject(consumer, "readme-snippets-await", {
            tsconfig: PULUMI_TEMPLATE_TSCONFIG,
            files: {
                "index.ts": `${IMPORTS}const config = await ultravox.getSipConfig();\nexport const domain = config.domain;\n`,
            },
        });
        expect(result.code).to.equal(2);
        expect(result.output).to.contain("error TS1378");
    });
});
