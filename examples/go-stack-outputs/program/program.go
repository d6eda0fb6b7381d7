// Package program is the Go example's Pulumi program.
// Credentials: `pulumi config set --secret ultravox:apiKey <key>` (or ULTRAVOX_API_KEY).
package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go/ultravox"
)

// Run reads the SIP config (a data source: read at preview and at up, never written; an account
// has one SIP config, id "sip") and exports it.
func Run(ctx *pulumi.Context) error {
	sip, err := ultravox.GetSipConfig(ctx, "ultravox-sip", pulumi.ID("sip"), nil)
	if err != nil {
		return err
	}
	ctx.Export("sipDomain", sip.Domain)
	ctx.Export("allowedCidrRanges", sip.AllowedCidrRanges)
	ctx.Export("allowAllAgents", sip.AllowAllAgents)
	// In the API's order (first match wins), each with its toUserPattern filled in.
	ctx.Export("allowedAgents", sip.AllowedAgents)
	// How to dial each agent: uri only where sip:agent_<id>@<domain> reaches it; else note says what to dial.
	ctx.Export("agentDialTargets", sip.AgentDialTargets)
	ctx.Export("fallbackHandlerUrl", sip.FallbackHandlerUrl)
	ctx.Export("fingerprint", sip.Fingerprint)
	// Files for a PBX host, rendered by the package's functions (the TypeScript renderers).
	nftables := ultravox.NftablesRulesetOutput(ctx, ultravox.NftablesRulesetOutputArgs{
		AllowedCidrRanges: sip.AllowedCidrRanges,
	})
	ctx.Export("nftablesRuleset", nftables.Text())
	pjsip := ultravox.AsteriskPjsipOutput(ctx, ultravox.AsteriskPjsipOutputArgs{
		Domain:             sip.Domain,
		AllowedAgents:      sip.AllowedAgents,
		AllowAllAgents:     sip.AllowAllAgents,
		FallbackHandlerUrl: sip.FallbackHandlerUrl,
	})
	ctx.Export("asteriskPjsip", pjsip.Text())
	// A secret output: `pulumi stack output` shows [secret], the state holds it encrypted.
	ctx.Export("fallbackHandler", sip.FallbackHandler)
	return nil
}
