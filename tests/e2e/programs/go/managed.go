package programs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go/ultravox"
)

// Managed owns the account's allowlist and fallback handler (stack config `ultravox:*`), and a
// second account's allowlist through an explicit provider.
func Managed(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	allowlist, err := ultravox.NewSipConfig(ctx, "allowlist", &ultravox.SipConfigArgs{
		AllowedCidrRanges: pulumi.StringArray{pulumi.String(cfg.Require("cidr"))},
		FallbackHandler: &ultravox.FallbackHandlerArgs{
			Url:     pulumi.String("https://pbx.example.com/ultravox/fallback-e2e"),
			Secrets: pulumi.StringArray{cfg.RequireSecret("handlerSecret")},
		},
	})
	if err != nil {
		return err
	}
	second, err := ultravox.NewProvider(ctx, "second", &ultravox.ProviderArgs{
		ApiKey:  cfg.RequireSecret("secondApiKey"),
		BaseUrl: pulumi.String(cfg.Require("secondBaseUrl")),
	})
	if err != nil {
		return err
	}
	secondAllowlist, err := ultravox.NewSipConfig(ctx, "secondAllowlist", &ultravox.SipConfigArgs{
		AllowedCidrRanges: pulumi.StringArray{pulumi.String("198.51.100.0/24")},
	}, pulumi.Provider(second))
	if err != nil {
		return err
	}
	ctx.Export("domain", allowlist.Domain)
	ctx.Export("allowedCidrRanges", allowlist.AllowedCidrRanges)
	ctx.Export("secondAllowedCidrRanges", secondAllowlist.AllowedCidrRanges)
	return nil
}

// Adopt adopts the account's existing allowlist with the Import option, giving the values it
// holds (stack config `adoptedCidrs`, a JSON list), so the import changes nothing.
func Adopt(ctx *pulumi.Context) error {
	var cidrs []string
	config.RequireObject(ctx, "adoptedCidrs", &cidrs)
	adopted, err := ultravox.NewSipConfig(ctx, "adopted", &ultravox.SipConfigArgs{
		AllowedCidrRanges: pulumi.ToStringArray(cidrs),
	}, pulumi.Import(pulumi.ID("sip")))
	if err != nil {
		return err
	}
	ctx.Export("allowedCidrRanges", adopted.AllowedCidrRanges)
	return nil
}
