// Package programs holds the Go test programs of tests/e2e/multilangFaults.test.ts (not examples),
// run by tests/e2e/drivers/go as Automation API inline programs.
package programs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go/ultravox"
)

// Read is SipConfig.get through the default provider (stack config), for the fault cases.
func Read(ctx *pulumi.Context) error {
	sip, err := ultravox.GetSipConfig(ctx, "sip", pulumi.ID("sip"), nil)
	if err != nil {
		return err
	}
	ctx.Export("domain", sip.Domain)
	ctx.Export("allowedCidrRanges", sip.AllowedCidrRanges)
	ctx.Export("fingerprint", sip.Fingerprint)
	ctx.Export("fallbackHandler", sip.FallbackHandler)
	return nil
}
