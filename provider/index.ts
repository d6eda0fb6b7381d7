/** pulumi-ultravox: the public surface. Nothing here loads got or zod until first used. */
export {
    aggregateCidrs,
    canonicalCidrs,
    chunkCidrs,
    cidrsContain,
} from "./cidr";
export { UltravoxClient, type UltravoxClientOptions } from "./client";
export { isUltravoxError, UltravoxError, type UltravoxErrorCode } from "./errors";
// PBX and firewall side: pure functions of the SIP config.
export {
    checkPattern,
    explainInboundCall,
    type InboundCall,
    type InboundCallExplanation,
    type InboundRoute,
    type PatternCheck,
} from "./explain";
export {
    type AwsManagedPrefixList,
    type AwsPrefixListIngressRule,
    type AwsPrefixListOptions,
    type AwsSecurityGroupChunkOptions,
    type AwsSecurityGroupIngressRule,
    type AzureSecurityRule,
    type AzureSecurityRuleOptions,
    awsManagedPrefixListEntries,
    awsPrefixListIngress,
    awsSecurityGroupIngress,
    awsSecurityGroupIngressChunks,
    azureNsgSecurityRules,
    type FirewallOptions,
    type GcpFirewallOptions,
    type GcpFirewallRule,
    gcpFirewallRules,
    type NftablesOptions,
    nftablesRuleset,
    type PortProtocol,
    type PortRange,
    SIP_SIGNALLING_PORTS,
} from "./firewall";
export {
    type GetSipConfigArgs,
    type GetSipConfigOutputArgs,
    type GetSipConfigResult,
    getSipConfig,
    getSipConfigOutput,
} from "./getSipConfig";
export { agentSipUri, type SipConfigOutputs } from "./outputs";
export { SipConfig, type SipConfigArgs, type SipConfigGetArgs } from "./sipConfig";
export {
    type AgentAddress,
    type AsteriskPjsip,
    type AsteriskPjsipOptions,
    asteriskPjsip,
    type CarrierTrunkUris,
    carrierTrunkUris,
    DEFAULT_CODECS,
    type FreeswitchGateway,
    type FreeswitchGatewayOptions,
    freeswitchGateway,
    type KamailioDispatcherOptions,
    type KamailioPermissionsOptions,
    kamailioDispatcher,
    kamailioPermissionsAddress,
    type SipTransport,
    type TrunkOptions,
    ULTRAVOX_CODECS,
    type UltravoxCodec,
} from "./trunks";
export type { AgentAllowance, FallbackHandler, SipConfigData, SipRouting, WarningSink } from "./types";
