/**
 * The input checks the renderers share. Each failure is an `invalid_input` UltravoxError whose
 * message names the option and what it takes, and whose `issues` holds the option's path.
 */
import { UltravoxError } from "../core/errors";
import { quote } from "../core/quote";
import { hasLineBreaking } from "../core/text";

export function invalidInput(message: string, issue?: string): UltravoxError {
    return new UltravoxError("invalid_input", message, issue === undefined ? {} : { issues: [issue] });
}

/** An integer from `min` to `max`; `noun` names it in the message ("an integer port"). */
export function checkInteger(value: unknown, name: string, min: number, max: number, noun = "an integer"): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw invalidInput(`${name} must be ${noun} from ${min} to ${max}, got ${quote(value)}.`, name);
    }
    return value;
}

/**
 * Refuses the options a renderer does not take, when a JavaScript caller (or an options object
 * shared between renderers) passes them anyway: an option is used or refused, never ignored.
 */
export function refuseOptions(options: object, names: readonly string[], renderer: string, why: string): void {
    for (const name of names) {
        const value = (options as Record<string, unknown>)[name];
        if (value !== undefined) throw invalidInput(`${renderer} takes no ${name}: ${why}`, name);
    }
}

/** Names and values written into config files: no spaces, quotes, comment or section characters. */
const SAFE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,79}$/;

export function checkToken(value: unknown, name: string): string {
    if (typeof value !== "string" || !SAFE_TOKEN.test(value)) {
        throw invalidInput(
            `${name} ${quote(value)} must start with a letter or digit and hold up to 80 letters, digits or "_.+-".`,
            name,
        );
    }
    return value;
}

/**
 * Free text written into a rendered file or rule (a description, a Kamailio column): no control,
 * line-separator or paragraph-separator character, in any format, so a value cannot end its line
 * and add one of its own.
 */
export function checkFileText(value: unknown, name: string): string {
    if (typeof value !== "string") throw invalidInput(`${name} must be a string.`, name);
    if (hasLineBreaking(value)) {
        throw invalidInput(
            `${name} ${quote(value)} holds a control, line-separator or paragraph-separator character, which a rendered file cannot carry.`,
            name,
        );
    }
    return value;
}
