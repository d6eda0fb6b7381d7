// Read an Ultravox account's SIP configuration into a Pulumi stack.
package ultravox
