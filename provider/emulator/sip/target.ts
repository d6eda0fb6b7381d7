/**
 * Where a registration's REGISTER goes, and the names it carries. The emulator sends only to a
 * loopback address (127.0.0.0/8, given as digits: no name is resolved), so that a test stack can
 * register with a PBX on the same machine and nothing ever leaves it.
 */

/** A host and port to send to, and the domain the REGISTER names (the `proxy`'s host). */
export interface RegisterTarget {
    /** Where the datagrams go: the outbound proxy when given, else the proxy. Always 127.x.y.z. */
    address: string;
    port: number;
    /** The `proxy`'s host, for the Request-URI, From and To. */
    domain: string;
    /** The `proxy`'s port when it names one, for the Request-URI. */
    domainPort: number | undefined;
}

const DEFAULT_SIP_PORT = 5060;
/** `host`, `host:port` or a SIP URI of one (`sip:host:port;transport=udp`, a user part allowed): the host a name or an IPv4 address. */
const HOST_PORT =
    /^(?:sips?:)?(?:[^@\s]{1,100}@)?([A-Za-z0-9](?:[A-Za-z0-9.-]{0,98}[A-Za-z0-9])?)(?::(\d{1,5}))?(?:;[^\s]{0,100})?$/i;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The host and port a proxy names, or undefined when it is not one this emulator can read. */
export function hostPort(proxy: string): { host: string; port: number | undefined } | undefined {
    const match = HOST_PORT.exec(proxy);
    if (!match) return undefined;
    const host = match[1] as string;
    const port = match[2] === undefined ? undefined : Number(match[2]);
    if (port !== undefined && (port < 1 || port > 65535)) return undefined;
    return { host, port };
}

/** Whether `host` is an IPv4 address in 127.0.0.0/8, written as digits. */
export function isLoopbackAddress(host: string): boolean {
    const octets = IPV4.exec(host)?.slice(1).map(Number) ?? [];
    return octets.length === 4 && octets.every((octet) => octet <= 255) && octets[0] === 127;
}

/**
 * The target of a registration, or undefined when the emulator must not contact it: the server
 * it sends to (the outbound proxy when given, else the proxy) is not a loopback address, or a
 * name cannot be read.
 */
export function registerTarget(registration: {
    proxy: string;
    outboundProxy?: string | null;
}): RegisterTarget | undefined {
    const proxy = hostPort(registration.proxy);
    if (!proxy) return undefined;
    const via = registration.outboundProxy ? hostPort(registration.outboundProxy) : proxy;
    if (!via || !isLoopbackAddress(via.host)) return undefined;
    return { address: via.host, port: via.port ?? DEFAULT_SIP_PORT, domain: proxy.host, domainPort: proxy.port };
}

/** RFC 3261's user part: unreserved and user-unreserved characters as they are, any other byte %-escaped. */
export function sipUser(user: string): string {
    return Array.from(Buffer.from(user, "utf8"))
        .map((byte) => {
            const character = String.fromCharCode(byte);
            return /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/.test(character) && byte < 0x80
                ? character
                : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
        })
        .join("");
}
