/** Azure network security group rules, shaped like `azure-native.network` SecurityRuleArgs. */
import { chunk } from "../../core/chunk";
import { quote } from "../../core/quote";
import { checkInteger, invalidInput } from "../inputs";
import { portText } from "./ports";
import { type FirewallOptions, prepareRules } from "./rules";

/** Shaped like an element of `azure-native.network.NetworkSecurityGroup`'s `securityRules` (SecurityRuleArgs). */
export interface AzureSecurityRule {
    name: string;
    priority: number;
    direction: "Inbound";
    access: "Allow";
    protocol: "Udp" | "Tcp";
    sourceAddressPrefixes: string[];
    sourcePortRange: "*";
    destinationAddressPrefix: "*";
    destinationPortRanges: string[];
    description: string;
}

/** What `azureNsgSecurityRules` takes: the firewall options, and the rules' names, priorities and size. */
export interface AzureSecurityRuleOptions extends FirewallOptions {
    /** The first rule's priority; the others follow one by one. Default 1000. */
    priorityStart?: number;
    /** Rule names are `<namePrefix>-<udp|tcp>-<n>`. Default `ultravox-sip`. */
    namePrefix?: string;
    /** Default 4000, Azure's limit of address prefixes per rule. */
    maxPrefixesPerRule?: number;
}

const AZURE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$/;

/**
 * One rule per chunk of prefixes and protocol, chunk-major, so a growing list only appends rules
 * (and priorities). No CIDRs: no rules.
 */
export function azureNsgSecurityRules(
    cidrs: readonly string[],
    options: AzureSecurityRuleOptions = {},
): AzureSecurityRule[] {
    const maxPrefixes = checkInteger(
        options.maxPrefixesPerRule ?? 4000,
        "maxPrefixesPerRule",
        1,
        Number.MAX_SAFE_INTEGER,
    );
    const namePrefix = options.namePrefix ?? "ultravox-sip";
    if (typeof namePrefix !== "string" || !AZURE_NAME.test(namePrefix)) {
        throw invalidInput(
            `namePrefix ${quote(namePrefix)} must start with a letter or digit and hold up to 63 letters, digits, '.', '_' or '-'.`,
            "namePrefix",
        );
    }
    const priorityStart = checkInteger(options.priorityStart ?? 1000, "priorityStart", 100, 4096);
    const { cidrs: resolved, ports, describe } = prepareRules(cidrs, options);
    if (options.description !== undefined && options.description.length > 140) {
        throw invalidInput("Azure allows at most 140 characters of description.", "description");
    }
    const protocols = [...new Set(ports.map((port) => port.protocol))];
    const rules: AzureSecurityRule[] = [];
    chunk(resolved, maxPrefixes).forEach((prefixes, chunkIndex) => {
        for (const protocol of protocols) {
            const mine = ports.filter((port) => port.protocol === protocol);
            const priority = priorityStart + rules.length;
            if (priority > 4096) {
                throw invalidInput(
                    `The rules need priorities up to ${priority}, past Azure's 4096; lower priorityStart.`,
                    "priorityStart",
                );
            }
            rules.push({
                name: `${namePrefix}-${protocol}-${chunkIndex + 1}`,
                priority,
                direction: "Inbound",
                access: "Allow",
                protocol: protocol === "udp" ? "Udp" : "Tcp",
                sourceAddressPrefixes: prefixes,
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRanges: mine.map((port) => portText(port)),
                description:
                    options.description ??
                    (mine.length === 1 && mine[0] ? describe(mine[0]) : `pulumi-ultravox SIP ${protocol}`),
            });
        }
    });
    return rules;
}
