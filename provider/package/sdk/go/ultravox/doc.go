// Read and own an Ultravox account's SIP configuration from a Pulumi stack.
package ultravox
