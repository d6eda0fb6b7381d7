/**
 * How the functions are described: the schema's building blocks (a property of each type, an
 * object, a reference to a type), the fragments several functions share, and the compile-time
 * check that holds each function's inputs to its TypeScript options (`describedAs`).
 */
import type { SipRouting, WarningSink } from "../../core/types";
import type { ObjectSpec, PropertySpec } from "../arguments";

export type Args = Record<string, unknown>;

/** An object type of the schema. */
export interface TypeSpec extends ObjectSpec {
    type: "object";
    description: string;
}

/** One function: what the schema says of it, and what runs it. */
export interface PackageFunction {
    description: string;
    inputs: ObjectSpec;
    outputs: ObjectSpec;
    run(args: Args): unknown;
}

export const TYPE_PREFIX = "ultravox:index:";
export const ref = (name: string): PropertySpec => ({ $ref: `#/types/${TYPE_PREFIX}${name}` });
export const string = (description?: string): PropertySpec => ({
    type: "string",
    ...(description ? { description } : {}),
});
export const integer = (description: string): PropertySpec => ({ type: "integer", description });
export const boolean = (description: string): PropertySpec => ({ type: "boolean", description });
export const list = (items: PropertySpec, description?: string): PropertySpec => ({
    type: "array",
    items,
    ...(description ? { description } : {}),
});
export const stringMap = (description: string): PropertySpec => ({
    type: "object",
    additionalProperties: { type: "string" },
    description,
});
/** An object's properties and required names; the names stay literal, for `describedAs`. */
export const object = <Properties extends Record<string, PropertySpec>>(
    properties: Properties,
    required: (keyof Properties & string)[] = [],
): { properties: Properties; required: string[] } => ({ properties, required });

/** The names in one of `A` and `B` but not in the other. */
type NamesNotInBoth<A, B> = Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>;

/** No argument when `A` and `B` have the same names; else one, whose type names the names that differ. */
type SameNamesProof<A, B> = [NamesNotInBoth<A, B>] extends [never] ? [] : [missingOrExtra: NamesNotInBoth<A, B>];

/**
 * A function whose inputs are exactly `Inputs`' names (the TypeScript function's data and
 * options, `SchemaOptions` of them): `describedAs<Inputs>()({ description, inputs, outputs, run })`
 * fails the build, naming the names, when an option is added on one side only, so a new
 * TypeScript option never silently misses the other languages.
 */
export function describedAs<Inputs>() {
    return <Properties extends Record<string, PropertySpec>>(
        fn: PackageFunction & { inputs: { properties: Properties } },
        ..._proof: SameNamesProof<Properties, Inputs>
    ): PackageFunction => fn;
}

/** A TypeScript options type as the schema describes it: the warning callback becomes the result's `warnings`. */
export type SchemaOptions<Options> = Omit<Options, "onWarning">;

/** A CIDR renderer's data: its first argument, as the schema names it. */
export interface CidrInputs {
    allowedCidrRanges: string[];
}

/**
 * The read's routing values as the schema takes them: `fallbackHandlerUrl` stands for
 * `fallbackHandler`, which holds the signing secrets (only whether a handler is set matters).
 */
export type RoutingValues = Omit<SipRouting, "fallbackHandler">;

/** A trunk renderer's data: the routing values, but the CIDRs it does not use. */
export type RoutingInputs = Omit<RoutingValues, "allowedCidrRanges">;

export const WARNINGS = list(
    string(),
    "What the caller should know about the result, in plain sentences; empty when all is well.",
);

/** The CIDR renderers' input. */
export const CIDRS = {
    allowedCidrRanges: list(string(), "The IPv4 CIDRs to allow: the read's `allowedCidrRanges` (or any list)."),
};
/** What every firewall renderer takes besides the CIDRs (`FirewallOptions`). */
export const FIREWALL_OPTIONS = {
    ports: list(ref("PortRange"), "Default SIP signalling: udp 5060, tcp 5060, tcp 5061."),
    rtp: { ...ref("RtpRange"), description: "An RTP media range (UDP) to open as well. No default." },
    aggregate: boolean("Merge adjacent and nested CIDRs first. Default false."),
    description: string(
        "Used verbatim on every rule; default one per port range, e.g. `pulumi-ultravox SIP udp 5060`.",
    ),
};
/** The read's routing values a trunk renderer reads (`SipRouting`). */
export const ROUTING = {
    domain: string("The read's `domain`."),
    allowedAgents: list(ref("AgentAllowance"), "The read's `allowedAgents`."),
    allowAllAgents: boolean("The read's `allowAllAgents`."),
    fallbackHandlerUrl: string(
        "The read's `fallbackHandlerUrl`: whether one is set decides where an unmatched To user goes. Default none.",
    ),
};
export const ROUTING_REQUIRED: (keyof typeof ROUTING)[] = ["domain", "allowedAgents", "allowAllAgents"];
/** `TrunkOptions` and `CodecOptions`. */
export const TRUNK_OPTIONS = {
    agents: list(string(), "Agent ids to write addresses for. Default: every `allowedAgents` entry, in order."),
    transport: string('"udp" (default), "tcp" or "tls".'),
};
export const CODECS = {
    codecs: list(
        string(),
        "In order of preference (`G.722.1` = `g7221`, `ulaw`/`alaw` accepted). Default pcmu, pcma, g722, opus.",
    ),
};
export const DIAL_STRINGS = stringMap("Agent id → the dial string of its `agent_<id>` To user.");
export const TEXT = { text: string("The rendered file."), warnings: WARNINGS };

/**
 * Runs a CIDR renderer on the arguments: `allowedCidrRanges` and the renderer's options, its
 * `onWarning` calls collected into `warnings`.
 */
export function renderCidrs<T>(
    args: Args,
    render: (cidrs: string[], options: never) => T,
): { result: T; warnings: string[] } {
    const { allowedCidrRanges, ...options } = args;
    const warnings: string[] = [];
    const onWarning: WarningSink = (message) => warnings.push(message);
    const result = render(allowedCidrRanges as string[], { ...options, onWarning } as never);
    return { result, warnings };
}

/** Splits the read's routing values (`SipRouting`) from the renderer's options. */
export function routingAndOptions(args: Args): { config: SipRouting; options: Args } {
    const { domain, allowedCidrRanges, allowedAgents, allowAllAgents, fallbackHandlerUrl, ...options } = args;
    const config = {
        domain,
        allowedCidrRanges: allowedCidrRanges ?? [],
        allowedAgents,
        allowAllAgents,
        fallbackHandlerUrl: fallbackHandlerUrl ?? null,
    } as SipRouting;
    return { config, options };
}
