/**
 * An invoke's arguments checked against the function's inputs in the schema (the schema the SDKs
 * are generated from): a wrong type, an unknown or a missing input is an `invalid_input`
 * UltravoxError naming it, like the renderers' own checks. Integer ranges are left to the renderers.
 */

import { UltravoxError } from "../core/errors";
import { replaceLineBreaking } from "../core/text";
import { isSecretEnvelope } from "./settings";

/** A property in the schema's JSON form (the subset these functions use). */
export interface PropertySpec {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
    $ref?: string;
    description?: string;
}

export interface ObjectSpec {
    properties: Record<string, PropertySpec>;
    required: string[];
}

/** The schema's object types, by token. */
export type SchemaTypes = Record<string, { properties: Record<string, PropertySpec>; required?: string[] }>;

type Args = Record<string, unknown>;

/** Checked arguments, unwrapped; the values that arrived as secrets (each string or number inside an envelope); whether any did. */
export interface CheckedArguments {
    values: Args;
    secrets: string[];
    /** Whether any argument arrived secret, a boolean or an empty list included. */
    anySecret: boolean;
}

/** The arguments, null members dropped (the engine's absent optional values), checked against `inputs`. */
export function checkArguments(args: Args, inputs: ObjectSpec, types: SchemaTypes): CheckedArguments {
    const context: Context = { types, secrets: [], anySecret: false };
    const values = checkObject(args, inputs, "", context);
    return { values, secrets: context.secrets, anySecret: context.anySecret };
}

/** What the checks carry down: the schema's types, and where to note each secret scalar met. */
interface Context {
    types: SchemaTypes;
    secrets: string[];
    anySecret: boolean;
}

/** `record[key]` for the record's own keys only: `toString` or `constructor` is not a member. */
export function ownMember<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
    return Object.hasOwn(record, key) ? record[key] : undefined;
}

function invalid(message: string, path: string): UltravoxError {
    return new UltravoxError("invalid_input", message, { issues: [path] });
}

/**
 * What an error says it got: a secret (or anything inside one) only as "a secret value", a list or
 * an object by kind, a string cut short. A wrong argument can be the fallback handler passed
 * where its URL was meant: its signing secrets must not reach the engine's output.
 */
function shown(value: unknown, secret: boolean): string {
    if (secret) return "a secret value";
    if (Array.isArray(value)) return `a list of ${value.length}`;
    if (typeof value === "object" && value !== null) return "an object";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function checkObject(
    value: unknown,
    spec: { properties: Record<string, PropertySpec>; required?: string[] },
    path: string,
    context: Context,
    secret = false,
): Args {
    const where = (name: string) => (path === "" ? name : `${path}.${name}`);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw invalid(`${path} must be an object, got ${shown(value, secret)}.`, path);
    }
    const out: Args = {};
    for (const [given, member] of Object.entries(value)) {
        // The engine sends an absent optional value as null: absent it is.
        if (member === null || member === undefined) continue;
        const name = path === "" ? given : schemaName(given, spec);
        const property = ownMember(spec.properties, name);
        if (property === undefined) {
            const takes = Object.keys(spec.properties);
            throw invalid(
                `${where(shownName(name))} is not an input of this function (${takes.length === 0 ? "it takes none" : `it takes ${takes.join(", ")}`}).`,
                where(shownName(name)),
            );
        }
        out[name] = checkValue(member, property, where(name), context, secret);
    }
    for (const name of spec.required ?? []) {
        if (out[name] === undefined) throw invalid(`${where(name)} is required.`, where(name));
    }
    return out;
}

/**
 * A member of a nested object under its schema name. The Python SDK sends the objects of a read's
 * output (`sip.allowed_agents`) passed to an invoke under their Python names (`agent_id`), as it
 * has no types for invoke arguments to translate them by: those names are the same members.
 */
function schemaName(given: string, spec: { properties: Record<string, PropertySpec> }): string {
    if (Object.hasOwn(spec.properties, given)) return given;
    const camel = given.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    return Object.hasOwn(spec.properties, camel) ? camel : given;
}

/** An unknown input's name as a message shows it: printable and bounded (it comes from the caller). */
function shownName(name: string): string {
    const printable = replaceLineBreaking(name, "?");
    return printable.length > 60 ? `${printable.slice(0, 57)}...` : printable;
}

/** The value checked against `spec`, secrets unwrapped (the engine's envelopes) as it goes. */
function checkValue(value: unknown, spec: PropertySpec, path: string, context: Context, secret: boolean): unknown {
    if (isSecretEnvelope(value)) {
        context.anySecret = true;
        return checkValue(value.value, spec, path, context, true);
    }
    if (spec.$ref !== undefined) {
        const type = ownMember(context.types, spec.$ref.replace("#/types/", ""));
        if (type === undefined) throw new Error(`The schema has no type ${spec.$ref}.`);
        return checkObject(value, type, path, context, secret);
    }
    if (secret && (typeof value === "string" || typeof value === "number")) context.secrets.push(String(value));
    const fail = (noun: string) => invalid(`${path} must be ${noun}, got ${shown(value, secret)}.`, path);
    switch (spec.type) {
        case "string":
            if (typeof value !== "string") throw fail("a string");
            return value;
        case "boolean":
            if (typeof value !== "boolean") throw fail("a boolean");
            return value;
        // Integers are checked (range included) by the renderers themselves, with their own messages.
        case "integer":
        case "number":
            if (typeof value !== "number") throw fail("a number");
            return value;
        case "array":
            if (!Array.isArray(value)) throw fail("a list");
            return value.map((item, index) => checkValue(item, spec.items ?? {}, `${path}[${index}]`, context, secret));
        default:
            return unwrapNoting(value, secret, context);
    }
}

/** A value of no declared shape (a map) unwrapped all the way down, each secret scalar noted in the context. */
function unwrapNoting(value: unknown, secret: boolean, context: Context): unknown {
    if (isSecretEnvelope(value)) {
        context.anySecret = true;
        return unwrapNoting(value.value, true, context);
    }
    if (Array.isArray(value)) return value.map((item) => unwrapNoting(item, secret, context));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.entries(value).map(([key, member]) => [key, unwrapNoting(member, secret, context)]),
        );
    }
    if (secret && (typeof value === "string" || typeof value === "number")) context.secrets.push(String(value));
    return value;
}
