"""A test program of tests/e2e/multilangFaults.test.ts (not an example): SipConfig.get through the
default provider (stack config), for the fault cases. Run by tests/e2e/drivers/python."""

import pulumi
import pulumi_ultravox as ultravox

sip = ultravox.SipConfig.get("sip", "sip")

pulumi.export("domain", sip.domain)
pulumi.export("allowedCidrRanges", sip.allowed_cidr_ranges)
pulumi.export("fingerprint", sip.fingerprint)
pulumi.export("fallbackHandler", sip.fallback_handler)
