/**
 * What the CLI writes to a terminal or a log: API data (a domain, a pattern, an error detail)
 * is untrusted, and a control character in it could clear the screen, retitle the terminal or
 * hide text. Every C0 and C1 control, DEL, and the Unicode line separators and bidirectional
 * overrides are written as `\uXXXX`: visible, and still valid inside JSON strings.
 */

// C0 but tab and newline, DEL, C1, U+2028/2029, and the bidi embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escaped(character: string): string {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** The text with every control character escaped but tab and newline: for the CLI's own multi-line output. */
export function printable(text: string): string {
    return text.replace(CONTROLS_KEEPING_LINES, escaped);
}

/** The text on one line, every control character escaped, newlines too: for a value from the API. */
export function printableValue(text: string): string {
    return text.replace(CONTROLS, escaped);
}

export function writeOut(text: string): void {
    process.stdout.write(printable(text));
}

export function writeErr(text: string): void {
    process.stderr.write(printable(text));
}
