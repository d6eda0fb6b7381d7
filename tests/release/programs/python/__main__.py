"""A fresh Python project's program: pulumi_ultravox as pip installed it from the index."""

import pulumi
import pulumi_ultravox as ultravox

config = ultravox.get_sip_config()
pulumi.export("domain", config.domain)
pulumi.export("allowedCidrRanges", config.allowed_cidr_ranges)
