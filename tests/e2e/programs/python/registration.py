"""A test program of tests/e2e/registrationsMultilang.test.ts (not an example): a SIP registration
and, from the same secret password, the Kamailio subscriber Ultravox registers as.
Run by tests/e2e/drivers/python."""

import pulumi
import pulumi_ultravox as ultravox

config = pulumi.Config()
password = config.require_secret("pbxPassword")
registration = ultravox.SipRegistration(
    "registration",
    username="ultravox",
    password=password,
    proxy=config.require("proxy"),
)
subscriber = ultravox.kamailio_subscriber_output(username="ultravox", password=password, domain="pbx.example.test")

pulumi.export("registrationId", registration.registration_id)
pulumi.export("registeredProxy", registration.proxy)
pulumi.export("successful", registration.successful)
pulumi.export("subscriberTable", subscriber.subscriber_table)
