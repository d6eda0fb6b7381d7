/** `render <target>`: a PBX or firewall definition from the account's config. */
import { isSipTransport } from "../core/sip";
import type { SipConfigData, WarningSink } from "../core/types";
import { awsSecurityGroupIngress } from "../render/firewall/aws";
import { azureNsgSecurityRules } from "../render/firewall/azure";
import { gcpFirewallRules } from "../render/firewall/gcp";
import { nftablesRuleset } from "../render/firewall/nftables";
import { resolvePorts } from "../render/firewall/ports";
import type { FirewallOptions } from "../render/firewall/rules";
import { asteriskPjsip } from "../render/pbx/asterisk";
import { carrierTrunkUris } from "../render/pbx/carrier";
import { resolveCodecs } from "../render/pbx/codecs";
import { freeswitchGateway } from "../render/pbx/freeswitch";
import { kamailioDispatcherList, kamailioPermissionsAddress } from "../render/pbx/kamailio";
import type { CodecOptions, TrunkOptions } from "../render/pbx/trunk";
import type { RenderedText } from "../render/rendered";
import type { Options } from "./parse";
import { json } from "./show";
import { UsageError } from "./usageError";

/** The command-line options that feed a renderer; each target takes only some of them. */
type RenderFlag = "agents" | "transport" | "codecs" | "rtp" | "aggregate";

interface Target {
    flags: readonly RenderFlag[];
    /** Whether the output is built from allowedCidrRanges (so the read's CIDR warnings concern it). */
    usesCidrs: boolean;
    render(config: SipConfigData, options: Options): RenderedText;
}

const TRUNK: readonly RenderFlag[] = ["agents", "transport"];
const TRUNK_WITH_CODECS: readonly RenderFlag[] = [...TRUNK, "codecs"];
const FIREWALL: readonly RenderFlag[] = ["rtp", "aggregate"];

/** A firewall target: the account's CIDRs rendered as text, the host-bit warnings collected. */
function firewallTarget(toText: (cidrs: readonly string[], options: FirewallOptions) => string): Target {
    return {
        flags: FIREWALL,
        usesCidrs: true,
        render: (config, options) =>
            collecting((onWarning) => toText(config.allowedCidrRanges, firewallOptions(options, onWarning))),
    };
}

const TARGETS = {
    asterisk: {
        flags: TRUNK_WITH_CODECS,
        usesCidrs: false,
        render: (config, options) => asteriskPjsip(config, trunkOptions(options)),
    },
    freeswitch: {
        flags: TRUNK_WITH_CODECS,
        usesCidrs: false,
        render: (config, options) => {
            const { gatewayXml, warnings } = freeswitchGateway(config, trunkOptions(options));
            return { text: gatewayXml, warnings };
        },
    },
    "freeswitch-acl": {
        flags: TRUNK_WITH_CODECS,
        usesCidrs: true,
        // The ACL lists addresses, not agents: how agents' addresses route does not concern it.
        render: (config, options) => ({ text: freeswitchGateway(config, trunkOptions(options)).aclXml, warnings: [] }),
    },
    "kamailio-dispatcher": {
        flags: TRUNK,
        usesCidrs: false,
        render: (config, options) => kamailioDispatcherList(config, trunkOptions(options)),
    },
    "kamailio-address": {
        flags: ["aggregate"],
        usesCidrs: true,
        render: (config, options) =>
            collecting((onWarning) =>
                kamailioPermissionsAddress(config.allowedCidrRanges, { aggregate: options.aggregate, onWarning }),
            ),
    },
    nftables: firewallTarget(nftablesRuleset),
    aws: firewallTarget((cidrs, options) => json(awsSecurityGroupIngress(cidrs, options))),
    gcp: firewallTarget((cidrs, options) => json(gcpFirewallRules(cidrs, options))),
    azure: firewallTarget((cidrs, options) => json(azureNsgSecurityRules(cidrs, options))),
    carrier: {
        flags: TRUNK,
        usesCidrs: false,
        render: (config, options) => {
            const result = carrierTrunkUris(config, trunkOptions(options));
            return { text: json(result), warnings: result.warnings };
        },
    },
} satisfies Record<string, Target>;

type RenderTarget = keyof typeof TARGETS;
export const RENDER_TARGETS = Object.keys(TARGETS) as RenderTarget[];

/** A CIDR-list renderer's text, with the warnings it sent to `onWarning`. */
function collecting(render: (onWarning: WarningSink) => string): RenderedText {
    const warnings: string[] = [];
    const text = render((message) => warnings.push(message));
    return { text, warnings };
}

function list(text: string | undefined): string[] | undefined {
    return text
        ?.split(",")
        .map((item) => item.trim())
        .filter(Boolean);
}

function trunkOptions(options: Options): TrunkOptions & CodecOptions {
    const trunk: TrunkOptions & CodecOptions = {};
    const agents = list(options.agents);
    const codecs = list(options.codecs);
    if (agents) trunk.agents = agents;
    if (codecs) trunk.codecs = codecs;
    if (options.transport !== undefined) {
        if (!isSipTransport(options.transport)) throw new UsageError("--transport must be udp, tcp or tls.");
        trunk.transport = options.transport;
    }
    return trunk;
}

function firewallOptions(options: Options, onWarning: WarningSink): FirewallOptions {
    const firewall: FirewallOptions = { aggregate: options.aggregate, onWarning };
    if (options.rtp !== undefined) {
        const match = /^(\d+)-(\d+)$/.exec(options.rtp);
        if (!match) throw new UsageError("--rtp must look like 10000-20000.");
        firewall.rtp = { from: Number(match[1]), to: Number(match[2]) };
    }
    return firewall;
}

/** Flags given on the command line (`--aggregate` counts when set). */
function givenFlags(options: Options): RenderFlag[] {
    const given: RenderFlag[] = [];
    for (const flag of ["agents", "transport", "codecs", "rtp"] as const) {
        if (options[flag] !== undefined) given.push(flag);
    }
    if (options.aggregate) given.push("aggregate");
    return given;
}

/** Whether the target's output is built from allowedCidrRanges; false for an unknown target. */
export function renderUsesCidrs(target: string | undefined): boolean {
    return target !== undefined && Object.hasOwn(TARGETS, target) && TARGETS[target as RenderTarget].usesCidrs;
}

/**
 * The target and its flags checked before the account is read, so that a typo costs no API call:
 * an unknown target, a flag the target does not take, a transport, codec or RTP range it cannot
 * use. (Which agents are listed needs the account, and is checked by the renderer.)
 */
export function checkRenderArguments(target: string | undefined, options: Options): Target {
    if (target === undefined) throw new UsageError(`render needs a target: ${RENDER_TARGETS.join(", ")}.`);
    if (!Object.hasOwn(TARGETS, target)) {
        throw new UsageError(`unknown render target ${JSON.stringify(target)}; targets: ${RENDER_TARGETS.join(", ")}.`);
    }
    const chosen: Target = TARGETS[target as RenderTarget];
    const ignored = givenFlags(options).filter((flag) => !chosen.flags.includes(flag));
    if (ignored.length > 0) {
        throw new UsageError(
            `render ${target} takes no ${ignored.map((flag) => `--${flag}`).join(", ")}; it takes ${chosen.flags.map((flag) => `--${flag}`).join(", ")}.`,
        );
    }
    const trunk = trunkOptions(options);
    if (trunk.codecs !== undefined) resolveCodecs(trunk.codecs);
    const firewall = firewallOptions(options, () => undefined);
    if (firewall.rtp !== undefined) resolvePorts({ rtp: firewall.rtp });
    return chosen;
}

/** The target's text and warnings. A flag the target does not take is a usage error. */
export function render(target: string | undefined, config: SipConfigData, options: Options): RenderedText {
    return checkRenderArguments(target, options).render(config, options);
}
