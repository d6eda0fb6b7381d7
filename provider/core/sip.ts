/** SIP addresses of Ultravox agents. */

/** `sip:agent_<id>@<domain>`, the address to dial an agent at. */
export function agentSipUri(agentId: string, domain: string, transport?: "udp" | "tcp" | "tls"): string {
    return `sip:agent_${agentId}@${domain}${transport && transport !== "udp" ? `;transport=${transport}` : ""}`;
}
