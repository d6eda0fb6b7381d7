"""A fresh Python project adopting what the account has with the `import` resource option, as
docs/installation-configuration.md ("Import existing resources") says: the SDK names the
plugin's version and download URL, so the engine downloads the plugin by itself."""

import pulumi
import pulumi_ultravox as ultravox

config = pulumi.Config()
sip = ultravox.SipConfig(
    "sip",
    allowed_cidr_ranges=config.require_object("cidrs"),
    opts=pulumi.ResourceOptions(import_="sip"),
)
registration = ultravox.SipRegistration(
    "registration",
    username="adopted",
    password=config.require_secret("pbxPassword"),
    proxy="pbx.example.test",
    opts=pulumi.ResourceOptions(import_=config.require("registrationId")),
)
pulumi.export("allowedCidrRanges", sip.allowed_cidr_ranges)
pulumi.export("registrationId", registration.id)
