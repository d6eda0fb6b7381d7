"""A test program of tests/e2e/multilangFaults.test.ts (not an example): an explicit provider with
its own key and base URL (from this project's config) reading a second account, and the
get_sip_config function, in both forms, through the default provider (stack config `ultravox:*`).
Run by tests/e2e/drivers/python."""

import pulumi
import pulumi_ultravox as ultravox

config = pulumi.Config()
second = ultravox.Provider(
    "second",
    api_key=config.require_secret("secondApiKey"),
    base_url=config.require("secondBaseUrl"),
)
second_sip = ultravox.SipConfig.get("secondSip", "sip", opts=pulumi.ResourceOptions(provider=second))

pulumi.export("secondDomain", second_sip.domain)
pulumi.export("secondAllowedCidrRanges", second_sip.allowed_cidr_ranges)
pulumi.export("secondFingerprint", second_sip.fingerprint)
pulumi.export("secondFallbackHandler", second_sip.fallback_handler)

invoked = ultravox.get_sip_config_output()
pulumi.export("invokedDomain", invoked.domain)
pulumi.export("invokedAllowedCidrRanges", invoked.allowed_cidr_ranges)
pulumi.export("invokedFingerprint", invoked.fingerprint)

# The plain form: values, not Outputs.
plain = ultravox.get_sip_config()
pulumi.export("plainDomain", plain.domain)
pulumi.export("plainAllowedCidrRanges", plain.allowed_cidr_ranges)
pulumi.export("plainFingerprint", plain.fingerprint)
