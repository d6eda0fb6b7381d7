/**
 * Characters that end or break a line of text: C0 and C1 controls (U+0085 included), DEL, and the
 * line and paragraph separators. No value from a caller or the API that is written into a file,
 * an allowlist entry or a message line may hold one.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Whether `text` holds a control, line-separator or paragraph-separator character. */
export function hasLineBreaking(text: string): boolean {
    LINE_BREAKING.lastIndex = 0;
    return LINE_BREAKING.test(text);
}

/** `text` with each such character replaced by `replacement`. */
export function replaceLineBreaking(text: string, replacement: string): string {
    return text.replace(LINE_BREAKING, replacement);
}
