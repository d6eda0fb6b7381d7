"""A test program of tests/e2e/managedMultilang.test.ts (not an example): the stack owns the
account's allowlist and fallback handler (stack config `ultravox:*`), and a second account's
allowlist through an explicit provider. Run by tests/e2e/drivers/python."""

import pulumi
import pulumi_ultravox as ultravox

config = pulumi.Config()
allowlist = ultravox.SipConfig(
    "allowlist",
    allowed_cidr_ranges=[config.require("cidr")],
    fallback_handler=ultravox.FallbackHandlerArgs(
        url="https://pbx.example.com/ultravox/fallback-e2e",
        secrets=[config.require_secret("handlerSecret")],
    ),
)
second = ultravox.Provider(
    "second",
    api_key=config.require_secret("secondApiKey"),
    base_url=config.require("secondBaseUrl"),
)
second_allowlist = ultravox.SipConfig(
    "secondAllowlist",
    allowed_cidr_ranges=["198.51.100.0/24"],
    opts=pulumi.ResourceOptions(provider=second),
)

pulumi.export("domain", allowlist.domain)
pulumi.export("allowedCidrRanges", allowlist.allowed_cidr_ranges)
pulumi.export("secondAllowedCidrRanges", second_allowlist.allowed_cidr_ranges)
