/**
 * An invoke's arguments checked against the function's inputs in the schema (the schema the SDKs
 * are generated from): a wrong type, an unknown or a missing input is an `invalid_input`
 * UltravoxError naming it, like the renderers' own checks. Integer ranges are left to the renderers.
 */
import { UltravoxError } from "../index";
import { isSecretEnvelope, unwrapSecrets } from "./settings";

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

/** The arguments, null members dropped (the engine's absent optional values), checked against `inputs`. */
export function checkArguments(args: Args, inputs: ObjectSpec, types: SchemaTypes): Args {
    return checkObject(args, inputs, "", types);
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
    types: SchemaTypes,
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
        const property = spec.properties[name];
        if (property === undefined) {
            throw invalid(
                `${where(name)} is not an input of this function (it takes ${Object.keys(spec.properties).join(", ")}).`,
                where(name),
            );
        }
        out[name] = checkValue(member, property, where(name), types, secret);
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
    if (given in spec.properties) return given;
    const camel = given.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    return camel in spec.properties ? camel : given;
}

/** The value checked against `spec`, secrets unwrapped (the engine's envelopes) as it goes. */
function checkValue(value: unknown, spec: PropertySpec, path: string, types: SchemaTypes, secret: boolean): unknown {
    if (isSecretEnvelope(value)) return checkValue(value.value, spec, path, types, true);
    if (spec.$ref !== undefined) {
        const type = types[spec.$ref.replace("#/types/", "")];
        if (type === undefined) throw new Error(`The schema has no type ${spec.$ref}.`);
        return checkObject(value, type, path, types, secret);
    }
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
            return value.map((item, index) => checkValue(item, spec.items ?? {}, `${path}[${index}]`, types, secret));
        default:
            return unwrapSecrets(value);
    }
}
