/** pulumi-ultravox: the public surface. Nothing here loads got or zod until first used. */

export { UltravoxClient, type UltravoxClientOptions } from "./api/client";
export {
    aggregateCidrs,
    canonicalCidrs,
    chunkCidrs,
    cidrsContain,
} from "./core/cidr";
export { isUltravoxError, UltravoxError, type UltravoxErrorCode } from "./core/errors";
export { agentSipUri } from "./core/sip";
export type { AgentAllowance, FallbackHandler, SipConfigData, SipRouting, WarningSink } from "./core/types";
export {
    type GetSipConfigArgs,
    type GetSipConfigOutputArgs,
    type GetSipConfigResult,
    getSipConfig,
    getSipConfigOutput,
} from "./pulumi/getSipConfig";
export type { SipConfigOutputs } from "./pulumi/outputs";
export { SipConfig, type SipConfigArgs, type SipConfigGetArgs } from "./pulumi/sipConfig";
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
} from "./render/firewall";
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
} from "./render/pbx";
export {
    checkPattern,
    explainInboundCall,
    type InboundCall,
    type InboundCallExplanation,
    type InboundRoute,
    type PatternCheck,
} from "./routing/explain";
