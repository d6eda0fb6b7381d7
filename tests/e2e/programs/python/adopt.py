"""A test program of tests/e2e/managedMultilang.test.ts (not an example): adopts the account's
existing allowlist with the `import_` option, giving the values it holds, so the import changes
nothing. Run by tests/e2e/drivers/python."""

import pulumi
import pulumi_ultravox as ultravox

config = pulumi.Config()
adopted = ultravox.SipConfig(
    "adopted",
    allowed_cidr_ranges=config.require_object("adoptedCidrs"),
    opts=pulumi.ResourceOptions(import_="sip"),
)
pulumi.export("allowedCidrRanges", adopted.allowed_cidr_ranges)
