/**
 * Importing what the account has on a fresh machine, as docs/installation-configuration.md
 * ("Import existing resources") gives it word for word, for a release whose plugins are served
 * at `server`: the plugin installed by name, version and server (what `pulumi import` cannot
 * find by itself: it would ask the pulumi organisation's GitHub releases), then each import.
 */
export function importCommands(version: string, server: string, registrationId: string): string[] {
    return [
        `pulumi plugin install resource ultravox ${version} --server ${server}`,
        "pulumi import ultravox:index:SipConfig sip sip --yes --out sip.yaml",
        `pulumi import ultravox:index:SipRegistration registration ${registrationId} --yes --out registration.yaml`,
    ];
}
