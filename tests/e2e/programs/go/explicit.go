package programs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go/ultravox"
)

// Explicit reads a second account through an explicit provider with its own key and base URL
// (from this project's config), and calls the getSipConfig function through the default provider
// (stack config `ultravox:*`) in its Output form; Plain calls the plain form. In Go the function
// is LookupSipConfig: the generator gives GetSipConfig to the resource's getter.
func Explicit(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	second, err := ultravox.NewProvider(ctx, "second", &ultravox.ProviderArgs{
		ApiKey:  cfg.RequireSecret("secondApiKey"),
		BaseUrl: pulumi.String(cfg.Require("secondBaseUrl")),
	})
	if err != nil {
		return err
	}
	secondSip, err := ultravox.GetSipConfig(ctx, "secondSip", pulumi.ID("sip"), nil, pulumi.Provider(second))
	if err != nil {
		return err
	}
	ctx.Export("secondDomain", secondSip.Domain)
	ctx.Export("secondAllowedCidrRanges", secondSip.AllowedCidrRanges)
	ctx.Export("secondFingerprint", secondSip.Fingerprint)
	ctx.Export("secondFallbackHandler", secondSip.FallbackHandler)

	invoked := ultravox.LookupSipConfigOutput(ctx)
	ctx.Export("invokedDomain", invoked.Domain())
	ctx.Export("invokedAllowedCidrRanges", invoked.AllowedCidrRanges())
	ctx.Export("invokedFingerprint", invoked.Fingerprint())

	return nil
}
