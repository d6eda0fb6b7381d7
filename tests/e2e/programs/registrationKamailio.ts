// A test program of tests/e2e/registrationKamailio.test.ts (not an example): a SIP registration
// with a PBX (a Kamailio on loopback), waiting until it is active, and that PBX's subscriber
// rendered from the same secret password.
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const config = new pulumi.Config();
const username = config.require("username");
const password = config.requireSecret("pbxPassword");

const registration = new ultravox.SipRegistration("pbx", {
    username,
    password,
    proxy: config.require("proxy"),
    waitForActiveSeconds: config.requireNumber("waitForActiveSeconds"),
});
const subscriber = password.apply((secret) =>
    ultravox.kamailioSubscriber({ username, password: secret }, { domain: config.require("domain") }),
);

export const registrationId = registration.registrationId;
export const successful = registration.successful;
export const subscriberTable = subscriber.subscriberTable;
