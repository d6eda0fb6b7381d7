import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { installMockEngine, type MockEngine, type RecordedResource, settle } from "../helpers/mockEngine";

const VPC_ID = "vpc-0123456789abcdef0";
const PREFIX_LIST_ID = "pl-0a1b2c3d4e5f60718";
const DESCRIPTION = "SIP to the PBX from the PBXs and SBCs allowed to call Ultravox";
const TAGS = { "managed-by": "pulumi-ultravox" };

/** The rules of one CIDR, written out here rather than taken from the package. */
function rulesFor(cidr: string) {
    return [
        {
            protocol: "udp",
            fromPort: 5060,
            toPort: 5060,
            cidrBlocks: [cidr],
            description: "pulumi-ultravox SIP udp 5060",
        },
        {
            protocol: "tcp",
            fromPort: 5060,
            toPort: 5060,
            cidrBlocks: [cidr],
            description: "pulumi-ultravox SIP tcp 5060",
        },
        {
            protocol: "tcp",
            fromPort: 5061,
            toPort: 5061,
            cidrBlocks: [cidr],
            description: "pulumi-ultravox SIP tcp 5061",
        },
        {
            protocol: "udp",
            fromPort: 10000,
            toPort: 20000,
            cidrBlocks: [cidr],
            description: "pulumi-ultravox RTP udp 10000-20000",
        },
    ];
}

// setMocks is process-wide: this file runs in a process of its own (scripts/run-tests.js).
describe("setMocks: examples/aws-pbx-firewall", () => {
    let emulator: Emulator;
    let engine: MockEngine;
    let program: () => Promise<Record<string, unknown>>;

    function stackConfig(extra: Record<string, string>): Record<string, string> {
        return {
            "ultravox:apiKey": TEST_API_KEY,
            "ultravox:baseUrl": emulator.url,
            "mock-project:vpcId": VPC_ID,
            "mock-project:rtpPorts": '{"from":10000,"to":20000}',
            ...extra,
        };
    }

    /** The stack config of the next run, in place of the previous one. */
    function setStackConfig(extra: Record<string, string> = {}): void {
        pulumi.runtime.setAllConfig(stackConfig(extra), ["ultravox:apiKey"]);
    }

    /** Runs the program once and gives what it exported and the resources it registered. */
    async function run(): Promise<{ outputs: Record<string, unknown>; resources: RecordedResource[] }> {
        const before = engine.resources.length;
        // Settling the outputs waits for every resource they depend on, which here is all of them.
        const outputs = (await settle(pulumi.output(await program()))).value as Record<string, unknown>;
        return { outputs, resources: engine.resources.slice(before) };
    }

    before(async () => {
        emulator = await startEmulator({ account: account() });
        engine = await installMockEngine({
            config: stackConfig({
                // Low enough to split the fixture's 4 CIDRs x 4 port ranges.
                "mock-project:maxRulesPerGroup": "8",
            }),
            secretKeys: ["ultravox:apiKey"],
            otherResource: (args) => {
                const id =
                    args.type === "aws:ec2/managedPrefixList:ManagedPrefixList" ? PREFIX_LIST_ID : `sg-${args.name}`;
                return { id, state: { ...args.inputs } };
            },
        });
        // The program is `export = async () => ...`: a Pulumi program the CLI calls.
        program = (await import("../../examples/aws-pbx-firewall/index.js")).default;
    });

    after(async () => {
        await emulator?.close();
    });

    it("security-groups: splits 16 rules over 2 groups of 8, never splitting a CIDR's rules", async () => {
        const { outputs, resources } = await run();
        expect(resources.map(({ type, name }) => ({ type, name }))).to.deep.equal([
            { type: "aws:ec2/securityGroup:SecurityGroup", name: "ultravox-sip-1" },
            { type: "aws:ec2/securityGroup:SecurityGroup", name: "ultravox-sip-2" },
        ]);
        expect(resources.map((resource) => resource.inputs)).to.deep.equal([
            {
                vpcId: VPC_ID,
                description: DESCRIPTION,
                ingress: [...rulesFor("9.0.0.0/8"), ...rulesFor("10.1.2.0/24")],
                tags: TAGS,
            },
            {
                vpcId: VPC_ID,
                description: DESCRIPTION,
                ingress: [...rulesFor("198.51.100.7/32"), ...rulesFor("203.0.113.0/24")],
                tags: TAGS,
            },
        ]);
        expect(outputs).to.deep.equal({
            securityGroupIds: ["sg-ultravox-sip-1", "sg-ultravox-sip-2"],
            ingressRuleCount: 16,
        });
    });

    it("security-groups: one group when the rules fit under the default maxRulesPerGroup of 60", async () => {
        setStackConfig();
        const { outputs, resources } = await run();
        expect(resources.map(({ type, name, inputs }) => ({ type, name, inputs }))).to.deep.equal([
            {
                type: "aws:ec2/securityGroup:SecurityGroup",
                name: "ultravox-sip-1",
                inputs: {
                    vpcId: VPC_ID,
                    description: DESCRIPTION,
                    ingress: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"].flatMap(rulesFor),
                    tags: TAGS,
                },
            },
        ]);
        expect(outputs).to.deep.equal({ securityGroupIds: ["sg-ultravox-sip-1"], ingressRuleCount: 16 });
    });

    it("prefix-list: one managed prefix list of the CIDRs and one group with a rule per port range", async () => {
        setStackConfig({ "mock-project:mode": "prefix-list" });
        const { outputs, resources } = await run();
        expect(resources.map(({ type, name, inputs }) => ({ type, name, inputs }))).to.deep.equal([
            {
                type: "aws:ec2/managedPrefixList:ManagedPrefixList",
                name: "ultravox-sip",
                inputs: {
                    addressFamily: "IPv4",
                    entries: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"].map((cidr) => ({
                        cidr,
                        description: "pulumi-ultravox",
                    })),
                    maxEntries: 4,
                    tags: TAGS,
                },
            },
            {
                type: "aws:ec2/securityGroup:SecurityGroup",
                name: "ultravox-sip",
                inputs: {
                    vpcId: VPC_ID,
                    description: DESCRIPTION,
                    ingress: rulesFor("unused").map(({ cidrBlocks: _, ...rule }) => ({
                        ...rule,
                        prefixListIds: [PREFIX_LIST_ID],
                    })),
                    tags: TAGS,
                },
            },
        ]);
        expect(outputs).to.deep.equal({ prefixListId: PREFIX_LIST_ID, securityGroupIds: ["sg-ultravox-sip"] });
    });

    it("prefix-list: prefixListMaxEntries leaves room for growth", async () => {
        setStackConfig({ "mock-project:mode": "prefix-list", "mock-project:prefixListMaxEntries": "20" });
        const { resources } = await run();
        expect(resources[0]?.inputs.maxEntries).to.equal(20);
    });

    it("refuses an unknown mode before reading the account or declaring anything", async () => {
        setStackConfig({ "mock-project:mode": "nacl" });
        const before = engine.resources.length;
        const requests = emulator.requests.length;
        const error = await program().then(
            () => undefined,
            (caught: unknown) => caught,
        );
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.equal('mode must be one of security-groups, prefix-list; got "nacl".');
        expect(engine.resources.length).to.equal(before);
        expect(emulator.requests.length).to.equal(requests);
    });
});
