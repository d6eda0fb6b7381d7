package programs

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go/ultravox"
)

// Registration creates a SIP registration and, from the same secret password, the Kamailio
// subscriber Ultravox registers as.
func Registration(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	password := cfg.RequireSecret("pbxPassword")
	registration, err := ultravox.NewSipRegistration(ctx, "registration", &ultravox.SipRegistrationArgs{
		Username: pulumi.String("ultravox"),
		Password: password,
		Proxy:    pulumi.String(cfg.Require("proxy")),
	})
	if err != nil {
		return err
	}
	subscriber := ultravox.KamailioSubscriberOutput(ctx, ultravox.KamailioSubscriberOutputArgs{
		Username: pulumi.String("ultravox"),
		Password: password,
		Domain:   pulumi.String("pbx.example.test"),
	})
	ctx.Export("registrationId", registration.RegistrationId)
	ctx.Export("registeredProxy", registration.Proxy)
	ctx.Export("successful", registration.Successful)
	ctx.Export("subscriberTable", subscriber.SubscriberTable())
	return nil
}
