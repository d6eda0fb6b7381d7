/**
 * What the renderers return.
 *
 * A renderer of the SIP config (Asterisk, FreeSWITCH, Kamailio dispatcher, carriers) returns
 * what it rendered (`text`, or named texts and values) together with `warnings`: how the config
 * would route the addresses it wrote, for the caller to show. They are never dropped.
 *
 * A renderer of a CIDR list (the firewalls, nftables, the Kamailio permissions file) returns the
 * target's own shape, so that it spreads straight into a cloud SDK's arguments; its one possible
 * warning, a CIDR with host bits set, goes to the `onWarning` option.
 */
export interface Rendered {
    /** What the caller should know about the result, in plain sentences; empty when all is well. */
    warnings: string[];
}

/** A rendered file: its text and the warnings about it. */
export interface RenderedText extends Rendered {
    text: string;
}
