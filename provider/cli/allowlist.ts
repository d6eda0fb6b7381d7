/** `allow` and `disallow`: one CIDR added to or removed from allowedCidrRanges. */
import { canonicalCidrs } from "../core/cidr";
import { clientFrom, type Options } from "./options";
import { UsageError } from "./usageError";

export async function changeAllowlist(command: "allow" | "disallow", cidr: string | undefined, options: Options) {
    if (!cidr) throw new UsageError(`${command} needs a CIDR, such as 203.0.113.7/32.`);
    const [wanted] = canonicalCidrs([cidr]);
    const client = clientFrom(options);
    const current = await client.getSipConfig({ fresh: true });
    const next =
        command === "allow"
            ? canonicalCidrs([...current.allowedCidrRanges, wanted as string])
            : current.allowedCidrRanges.filter((existing) => existing !== wanted);
    if (next.length === current.allowedCidrRanges.length && next.every((c, i) => c === current.allowedCidrRanges[i])) {
        return `${wanted} was already ${command === "allow" ? "allowed" : "absent"}; nothing changed.\nallowedCidrRanges: ${next.join(", ") || "(none)"}\n`;
    }
    const after = await client.patchSipConfig({ allowedCidrRanges: next });
    return `allowedCidrRanges: ${after.allowedCidrRanges.join(", ") || "(none)"}\n`;
}
