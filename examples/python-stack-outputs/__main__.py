"""Reads the account's SIP config and exports what other stacks need, as examples/stack-outputs does.

Credentials: `pulumi config set --secret ultravox:apiKey <key>` (or ULTRAVOX_API_KEY).
"""

import pulumi
import pulumi_ultravox as ultravox

# A data source: read at preview and at up, never written. An account has one SIP config: id "sip".
sip = ultravox.SipConfig.get("ultravox-sip", "sip")

pulumi.export("sipDomain", sip.domain)
pulumi.export("allowedCidrRanges", sip.allowed_cidr_ranges)
pulumi.export("allowAllAgents", sip.allow_all_agents)
# In the API's order (first match wins), each with its toUserPattern filled in.
pulumi.export("allowedAgents", sip.allowed_agents)
# How to dial each agent: uri only where sip:agent_<id>@<domain> reaches it; else note says what to dial.
pulumi.export("agentDialTargets", sip.agent_dial_targets)
pulumi.export("fallbackHandlerUrl", sip.fallback_handler_url)
pulumi.export("fingerprint", sip.fingerprint)
# Files for a PBX host, rendered by the package's functions (the TypeScript renderers).
nftables = ultravox.nftables_ruleset_output(allowed_cidr_ranges=sip.allowed_cidr_ranges)
pulumi.export("nftablesRuleset", nftables.text)
pjsip = ultravox.asterisk_pjsip_output(
    domain=sip.domain,
    allowed_agents=sip.allowed_agents,
    allow_all_agents=sip.allow_all_agents,
    fallback_handler_url=sip.fallback_handler_url,
)
pulumi.export("asteriskPjsip", pjsip.text)
# A secret output: `pulumi stack output` shows [secret], the state holds it encrypted.
pulumi.export("fallbackHandler", sip.fallback_handler)
