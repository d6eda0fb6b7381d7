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

/**
 * An RFC 3339 date-time (`2026-01-01T00:00:00Z`, `2026-01-01T00:00:00.123+02:00`), as the API's
 * OpenAPI `date-time` is, and a real one (no 31 February). `Date.parse` alone is not a check: it
 * accepts free text and ignores what stands in parentheses, so a server could pass any string.
 */
const RFC3339_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

export function isRfc3339DateTime(text: string): boolean {
    const match = RFC3339_DATE_TIME.exec(text);
    if (!match) return false;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
    ];
    const offsetHour = match[9] === undefined ? 0 : Number(match[9]);
    const offsetMinute = match[10] === undefined ? 0 : Number(match[10]);
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return (
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        day <= daysInMonth &&
        hour <= 23 &&
        minute <= 59 &&
        second <= 60 &&
        offsetHour <= 23 &&
        offsetMinute <= 59
    );
}
