/**
 * The public surface, read from provider/index.ts with the TypeScript compiler: an explicit
 * export list (no `export *`), the names the package has always exported, and TSDoc on the
 * declaration behind every export (what an editor shows on hover).
 */
import * as path from "node:path";
import { expect } from "chai";
import * as ts from "typescript";
import { REPO_ROOT } from "../helpers/repo";

const INDEX = path.join(REPO_ROOT, "provider", "index.ts");

/** Every name `pulumi-ultravox` exports, values and types: the names of 0.1.0 and those added since. */
const EXPORTS = [
    "AgentAddress",
    "AgentAllowance",
    "AgentDialTarget",
    "AsteriskPjsip",
    "AsteriskPjsipOptions",
    "AsteriskRegistrationAccount",
    "AsteriskRegistrationOptions",
    "AwsManagedPrefixList",
    "AwsPrefixListIngressOptions",
    "AwsPrefixListIngressRule",
    "AwsPrefixListOptions",
    "AwsSecurityGroupChunkOptions",
    "AwsSecurityGroupIngressRule",
    "AzureSecurityRule",
    "AzureSecurityRuleOptions",
    "CanonicalCidrOptions",
    "CarrierTrunkOptions",
    "CarrierTrunkUris",
    "Clock",
    "ClockTimer",
    "CodecOptions",
    "ConnectionInputs",
    "ConnectionOptions",
    "DEFAULT_CODECS",
    "FallbackHandler",
    "FirewallOptions",
    "FreeswitchDirectoryUserOptions",
    "FreeswitchGateway",
    "FreeswitchGatewayOptions",
    "GcpFirewallOptions",
    "GcpFirewallRule",
    "GetSipConfigArgs",
    "GetSipConfigOutputArgs",
    "GetSipConfigResult",
    "GetSipRegistrationsArgs",
    "GetSipRegistrationsOutputArgs",
    "GetSipRegistrationsResult",
    "InboundCall",
    "InboundCallExplanation",
    "InboundRoute",
    "KamailioDispatcherOptions",
    "KamailioPermissionsOptions",
    "KamailioSubscriber",
    "KamailioSubscriberOptions",
    "NftablesOptions",
    "PatternCheck",
    "PortProtocol",
    "PortRange",
    "ReadOptions",
    "RegistrationAccount",
    "Rendered",
    "RenderedText",
    "SIP_SIGNALLING_PORTS",
    "SettingNames",
    "SipConfig",
    "SipConfigArgs",
    "SipConfigData",
    "SipConfigPatch",
    "SipConfigState",
    "SipConfigWithOtherRanges",
    "SipRegistration",
    "SipRegistrationArgs",
    "SipRegistrationData",
    "SipRegistrationInput",
    "SipRegistrationPatch",
    "SipRegistrationState",
    "SipRouting",
    "SipTransport",
    "TrunkOptions",
    "ULTRAVOX_CODECS",
    "UltravoxClient",
    "UltravoxClientOptions",
    "UltravoxCodec",
    "UltravoxError",
    "UltravoxErrorCode",
    "UltravoxErrorOptions",
    "WarningSink",
    "agentDialTargets",
    "agentSipUri",
    "aggregateCidrs",
    "asteriskPjsip",
    "asteriskRegistrationAccount",
    "awsManagedPrefixListArgs",
    "awsPrefixListIngress",
    "awsSecurityGroupIngress",
    "awsSecurityGroupIngressChunks",
    "azureNsgSecurityRules",
    "canonicalCidrs",
    "carrierTrunkUris",
    "checkPattern",
    "chunkCidrs",
    "cidrsContain",
    "explainInboundCall",
    "freeswitchDirectoryUser",
    "freeswitchGateway",
    "gcpFirewallRules",
    "getSipConfig",
    "getSipConfigOutput",
    "getSipRegistrations",
    "getSipRegistrationsOutput",
    "isUltravoxError",
    "kamailioDispatcherList",
    "kamailioPermissionsAddress",
    "kamailioSubscriber",
    "nftablesRuleset",
];

function loadProgram(): { checker: ts.TypeChecker; index: ts.SourceFile } {
    const configFile = path.join(REPO_ROOT, "tsconfig.json");
    const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, REPO_ROOT);
    const program = ts.createProgram([INDEX], { ...parsed.options, noEmit: true });
    const index = program.getSourceFile(INDEX);
    if (!index) throw new Error(`${INDEX} is not in the program`);
    return { checker: program.getTypeChecker(), index };
}

describe("public surface: provider/index.ts", function () {
    this.timeout(60_000);
    let checker: ts.TypeChecker;
    let index: ts.SourceFile;
    let exported: ts.Symbol[];

    before(() => {
        ({ checker, index } = loadProgram());
        const moduleSymbol = checker.getSymbolAtLocation(index);
        exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
    });

    it("is an explicit list: every export statement names what it exports", () => {
        const statements = index.statements.filter(ts.isExportDeclaration);
        expect(statements.length).to.be.greaterThan(10);
        const star = statements.filter((statement) => statement.exportClause === undefined);
        expect(star.map((statement) => statement.getText(index))).to.deep.equal([]);
        const other = index.statements.filter((statement) => !ts.isExportDeclaration(statement));
        expect(other.map((statement) => statement.getText(index))).to.deep.equal([]);
    });

    it("exports exactly the documented names", () => {
        expect(exported.map((symbol) => symbol.name).sort()).to.deep.equal([...EXPORTS].sort());
    });

    it("has TSDoc on the declaration behind every export", () => {
        const undocumented = exported
            .filter((symbol) => {
                const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
                return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === "";
            })
            .map((symbol) => symbol.name);
        expect(undocumented).to.deep.equal([]);
    });
});
