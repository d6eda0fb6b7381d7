/**
 * SIP messages over UDP, as a registering client needs them: a REGISTER written out, and a
 * response read back defensively. A response comes from the network (untrusted): its size, its
 * number of headers and each line are bounded, and anything malformed is dropped whole.
 */

/** Larger datagrams are dropped: a REGISTER's answer is a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 16 * 1024;
const MAX_HEADERS = 64;
const MAX_LINE_LENGTH = 2048;

/** RFC 3261's compact header names, for the headers this client reads. */
const COMPACT: Record<string, string> = { i: "call-id", v: "via", f: "from", t: "to", m: "contact" };

export interface SipResponse {
    status: number;
    reason: string;
    /** Lower-case full names; each header's values in order (a comma-separated line stays one value). */
    headers: Map<string, string[]>;
}

/** The first value of a header, or undefined. */
export function header(response: SipResponse, name: string): string | undefined {
    return response.headers.get(name.toLowerCase())?.[0];
}

/** Reads a response, or gives undefined for anything that is not one (a request, a truncated or oversized datagram). */
export function parseResponse(datagram: Buffer): SipResponse | undefined {
    if (datagram.length > MAX_RESPONSE_BYTES) return undefined;
    const text = datagram.toString("latin1");
    const end = text.search(/\r?\n\r?\n/);
    const head = end < 0 ? text : text.slice(0, end);
    const lines = head.split(/\r?\n/);
    if (lines.length > MAX_HEADERS + 1 || lines.some((line) => line.length > MAX_LINE_LENGTH)) return undefined;
    const status = /^SIP\/2\.0 ([1-6]\d\d) ([\x20-\x7e\x80-\xff]{0,200})$/.exec(lines[0] ?? "");
    if (!status) return undefined;
    const headers = new Map<string, string[]>();
    let last: { name: string; values: string[] } | undefined;
    for (const line of lines.slice(1)) {
        if (/^[ \t]/.test(line)) {
            // A folded line continues the header before it.
            if (!last) return undefined;
            const index = last.values.length - 1;
            last.values[index] = `${last.values[index]} ${line.trim()}`;
            if ((last.values[index] as string).length > MAX_LINE_LENGTH) return undefined;
            continue;
        }
        const match = /^([A-Za-z0-9!%*_+`'~.-]{1,64})[ \t]*:[ \t]*(.*)$/.exec(line);
        if (!match) return undefined;
        const raw = (match[1] as string).toLowerCase();
        const name = COMPACT[raw] ?? raw;
        const values = headers.get(name) ?? [];
        values.push((match[2] as string).trim());
        headers.set(name, values);
        last = { name, values };
    }
    return { status: Number(status[1]), reason: status[2] as string, headers };
}

/** What one REGISTER says. Every value is one this client made or checked: none holds a line break. */
export interface RegisterRequest {
    requestUri: string;
    /** `sip:user@domain`, for From and To. */
    addressOfRecord: string;
    /** `sip:user@127.0.0.1:port`. */
    contact: string;
    /** Where this client listens: `127.0.0.1:port`. */
    sentBy: string;
    branch: string;
    fromTag: string;
    callId: string;
    cseq: number;
    expires: number;
    /** `Authorization` or `Proxy-Authorization`, with its value, after a challenge. */
    authorization?: { name: "Authorization" | "Proxy-Authorization"; value: string };
}

export function registerMessage(request: RegisterRequest): string {
    const lines = [
        `REGISTER ${request.requestUri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${request.sentBy};branch=${request.branch};rport`,
        "Max-Forwards: 70",
        `From: <${request.addressOfRecord}>;tag=${request.fromTag}`,
        `To: <${request.addressOfRecord}>`,
        `Call-ID: ${request.callId}`,
        `CSeq: ${request.cseq} REGISTER`,
        `Contact: <${request.contact}>;expires=${request.expires}`,
        `Expires: ${request.expires}`,
        ...(request.authorization ? [`${request.authorization.name}: ${request.authorization.value}`] : []),
        "User-Agent: pulumi-ultravox-emulator",
        "Content-Length: 0",
    ];
    for (const line of lines) {
        if (/[\r\n]/.test(line)) throw new Error("A SIP header would hold a line break.");
    }
    return `${lines.join("\r\n")}\r\n\r\n`;
}

/** The CSeq number and method of a response, or undefined. */
export function cseqOf(response: SipResponse): { number: number; method: string } | undefined {
    const match = /^(\d{1,10})\s+([A-Z]{1,20})$/.exec(header(response, "cseq") ?? "");
    return match ? { number: Number(match[1]), method: match[2] as string } : undefined;
}

/** The branch of the top Via of a response, or undefined. */
export function branchOf(response: SipResponse): string | undefined {
    const via = header(response, "via") ?? "";
    return /;\s*branch=([A-Za-z0-9.!%*_+`'~-]{1,100})/i.exec(via)?.[1];
}

/**
 * How long the registrar keeps `contact`: the `expires` of that Contact in a 2xx, else the
 * Expires header, else undefined. Bounded to a day.
 */
export function grantedExpires(response: SipResponse, contact: string): number | undefined {
    for (const value of response.headers.get("contact") ?? []) {
        for (const entry of value.split(/,(?=\s*<)/)) {
            const uri = /<([^>]{1,300})>/.exec(entry)?.[1];
            const expires = /;\s*expires\s*=\s*(\d{1,9})/i.exec(entry)?.[1];
            if (uri === contact && expires !== undefined) return Math.min(Number(expires), 86_400);
        }
    }
    const expires = /^\d{1,9}$/.exec(header(response, "expires") ?? "")?.[0];
    return expires === undefined ? undefined : Math.min(Number(expires), 86_400);
}
