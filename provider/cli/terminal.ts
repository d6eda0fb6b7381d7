/**
 * What the CLI writes to a terminal or a log: API data (a domain, a pattern, an error detail)
 * is untrusted, and a control character in it could clear the screen, retitle the terminal or
 * hide text. Every C0 and C1 control, DEL, the Unicode line separators, and every format
 * character (category Cf: zero-width characters, word joiners, the BOM, soft hyphens, bidi
 * controls), which would make `^sup\u200Bport$` look like `^support$`, are written as `\uXXXX`:
 * visible, and still valid inside JSON strings.
 */

// C0 but tab and newline, DEL, C1, U+2028/2029, and every format character (Cf).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu;

/** `\uXXXX` for each UTF-16 unit: a format character outside the BMP becomes its surrogate pair, as JSON writes it. */
function escaped(character: string): string {
    let out = "";
    for (let index = 0; index < character.length; index++) {
        out += `\\u${character.charCodeAt(index).toString(16).padStart(4, "0")}`;
    }
    return out;
}

/** The text with every control character escaped but tab and newline: for the CLI's own multi-line output. */
export function printable(text: string): string {
    return text.replace(CONTROLS_KEEPING_LINES, escaped);
}

/** The text on one line, every control character escaped, newlines too: for a value from the API. */
export function printableValue(text: string): string {
    return text.replace(CONTROLS, escaped);
}
