/** pulumi-ultravox: the public surface. Nothing here loads got or zod until first used. */
export {
    aggregateCidrs,
    canonicalCidrs,
    chunkCidrs,
    cidrsContain,
} from "./cidr";
export { UltravoxClient, type UltravoxClientOptions } from "./client";
export { isUltravoxError, UltravoxError, type UltravoxErrorCode } from "./errors";
export {
    type GetSipConfigArgs,
    type GetSipConfigOutputArgs,
    type GetSipConfigResult,
    getSipConfig,
    getSipConfigOutput,
} from "./getSipConfig";
export { agentSipUri, type SipConfigOutputs } from "./outputs";
export { SipConfig, type SipConfigGetArgs } from "./sipConfig";
export type { AgentAllowance, FallbackHandler, SipConfigData, WarningSink } from "./types";
