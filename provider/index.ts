/**
 * pulumi-ultravox: the public surface, and the only one; every other module is internal.
 * One explicit export list, in folder order: api/ (the client), core/ (errors, CIDR tools, the
 * SIP address, the data types), pulumi/ (SipConfig, getSipConfig), render/ (firewall rules and
 * PBX trunks), routing/ (what happens to a call). TSDoc sits on each declaration.
 * Loading this module loads no zod: the client loads its schema on first use.
 */

export { UltravoxClient, type UltravoxClientOptions } from "./api/client";
export type { ConnectionOptions, SettingNames } from "./api/settings";
export {
    aggregateCidrs,
    type CanonicalCidrOptions,
    canonicalCidrs,
    chunkCidrs,
    cidrsContain,
} from "./core/cidr";
export type { Clock, ClockTimer } from "./core/clock";
export { isUltravoxError, UltravoxError, type UltravoxErrorCode, type UltravoxErrorOptions } from "./core/errors";
export { agentSipUri, type SipTransport } from "./core/sip";
export type {
    AgentAllowance,
    FallbackHandler,
    ReadOptions,
    SipConfigData,
    SipConfigPatch,
    SipConfigWithOtherRanges,
    SipRegistrationData,
    SipRegistrationInput,
    SipRegistrationPatch,
    SipRouting,
    WarningSink,
} from "./core/types";
export type { ConnectionInputs } from "./pulumi/connectionInputs";
export {
    type GetSipConfigArgs,
    type GetSipConfigOutputArgs,
    type GetSipConfigResult,
    getSipConfig,
    getSipConfigOutput,
} from "./pulumi/getSipConfig";
export {
    type GetSipRegistrationsArgs,
    type GetSipRegistrationsOutputArgs,
    type GetSipRegistrationsResult,
    getSipRegistrations,
    getSipRegistrationsOutput,
} from "./pulumi/getSipRegistrations";
export { SipConfig, type SipConfigArgs, type SipConfigState } from "./pulumi/sipConfig";
export { SipRegistration, type SipRegistrationArgs, type SipRegistrationState } from "./pulumi/sipRegistration";
export {
    type AwsManagedPrefixList,
    type AwsPrefixListIngressOptions,
    type AwsPrefixListIngressRule,
    type AwsPrefixListOptions,
    type AwsSecurityGroupChunkOptions,
    type AwsSecurityGroupIngressRule,
    awsManagedPrefixListArgs,
    awsPrefixListIngress,
    awsSecurityGroupIngress,
    awsSecurityGroupIngressChunks,
} from "./render/firewall/aws";
export { type AzureSecurityRule, type AzureSecurityRuleOptions, azureNsgSecurityRules } from "./render/firewall/azure";
export { type GcpFirewallOptions, type GcpFirewallRule, gcpFirewallRules } from "./render/firewall/gcp";
export { type NftablesOptions, nftablesRuleset } from "./render/firewall/nftables";
export { type PortProtocol, type PortRange, SIP_SIGNALLING_PORTS } from "./render/firewall/ports";
export type { FirewallOptions } from "./render/firewall/rules";
export { type AsteriskPjsip, type AsteriskPjsipOptions, asteriskPjsip } from "./render/pbx/asterisk";
export { type CarrierTrunkOptions, type CarrierTrunkUris, carrierTrunkUris } from "./render/pbx/carrier";
export { DEFAULT_CODECS, ULTRAVOX_CODECS, type UltravoxCodec } from "./render/pbx/codecs";
export { type FreeswitchGateway, type FreeswitchGatewayOptions, freeswitchGateway } from "./render/pbx/freeswitch";
export {
    type KamailioDispatcherOptions,
    type KamailioPermissionsOptions,
    kamailioDispatcherList,
    kamailioPermissionsAddress,
} from "./render/pbx/kamailio";
export {
    type AsteriskRegistrationAccount,
    type AsteriskRegistrationOptions,
    asteriskRegistrationAccount,
    type FreeswitchDirectoryUserOptions,
    freeswitchDirectoryUser,
    type KamailioSubscriber,
    type KamailioSubscriberOptions,
    kamailioSubscriber,
    type RegistrationAccount,
} from "./render/pbx/registration";
export type { AgentAddress, CodecOptions, TrunkOptions } from "./render/pbx/trunk";
export type { Rendered, RenderedText } from "./render/rendered";
export { type AgentDialTarget, agentDialTargets } from "./routing/dial";
export { explainInboundCall, type InboundCall, type InboundCallExplanation } from "./routing/explain";
export { checkPattern, type PatternCheck } from "./routing/pattern";
export type { InboundRoute } from "./routing/route";
