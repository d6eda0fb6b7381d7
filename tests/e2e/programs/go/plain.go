package programs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go/ultravox"
)

// Plain calls the function's plain form, LookupSipConfig, through the default provider. The Go SDK
// refuses a plain invoke whose result holds a secret; the function's holds none (no fallback handler).
func Plain(ctx *pulumi.Context) error {
	plain, err := ultravox.LookupSipConfig(ctx)
	if err != nil {
		return err
	}
	ctx.Export("plainDomain", pulumi.String(plain.Domain))
	ctx.Export("plainFallbackHandlerUrl", pulumi.StringPtrFromPtr(plain.FallbackHandlerUrl))
	return nil
}
