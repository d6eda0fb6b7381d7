/** Validation errors as Django REST Framework words them, so the emulator answers like the real API. */
import type { z } from "zod";

export type ErrorTree = { [key: string]: ErrorTree | string[] };

/**
 * zod issues as DRF field errors: `{"allowedAgents": {"0": {"agentId": ["Must be a valid UUID."]}}}`,
 * one message list per field path; errors of the body as a whole go under `non_field_errors`.
 */
export function drfErrors(issues: readonly z.core.$ZodIssue[], input: unknown): ErrorTree {
    const tree: ErrorTree = {};
    for (const issue of issues) {
        const path = issue.path.length > 0 ? issue.path.map(String) : ["non_field_errors"];
        const leaf = path.pop() as string;
        let node = tree;
        for (const segment of path) node = subtree(node, segment);
        messagesAt(node, leaf).push(drfMessage(issue, valueAt(input, issue.path)));
    }
    return tree;
}

/** The dict at node[key], created if need be; messages already there move under `non_field_errors`. */
function subtree(node: ErrorTree, key: string): ErrorTree {
    const child = node[key];
    if (child !== undefined && !Array.isArray(child)) return child;
    const tree: ErrorTree = child ? { non_field_errors: child } : {};
    node[key] = tree;
    return tree;
}

function messagesAt(node: ErrorTree, key: string): string[] {
    const existing = node[key];
    if (existing === undefined) {
        const list: string[] = [];
        node[key] = list;
        return list;
    }
    return Array.isArray(existing) ? existing : messagesAt(existing, "non_field_errors");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
    let value = input;
    for (const segment of path) {
        value =
            value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
    }
    return value;
}

/** Python's name for a JSON value's type, as DRF messages print it (`type(data).__name__`). */
function pythonType(value: unknown): string {
    if (value === null || value === undefined) return "NoneType";
    if (Array.isArray(value)) return "list";
    if (typeof value === "string") return "str";
    if (typeof value === "boolean") return "bool";
    if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
    return "dict";
}

/**
 * The package's own rules (zod refinements), each in the words of the field it guards, as a DRF
 * validator says them; the real API's exact wording for these is not published.
 */
const CUSTOM_RULE_WORDING: Readonly<Record<string, string>> = {
    "Not an IPv4 CIDR (a.b.c.d/n)": "Enter a valid IPv4 CIDR range.",
    "Has a space": "This field may not contain spaces.",
    "Has a control character": "This field may not contain control characters.",
};

/** DRF's wording for each check; zod's own message for anything else. */
function drfMessage(issue: z.core.$ZodIssue, value: unknown): string {
    if (value === undefined && issue.path.length > 0) return "This field is required.";
    if (value === null && issue.path.length > 0) return "This field may not be null.";
    switch (issue.code) {
        case "invalid_type":
            if (issue.expected === "boolean") return "Must be a valid boolean.";
            if (issue.expected === "string") return "Not a valid string.";
            if (issue.expected === "number" || issue.expected === "int") return "A valid integer is required.";
            if (issue.expected === "array") return `Expected a list of items but got type "${pythonType(value)}".`;
            if (issue.expected === "object")
                return `Invalid data. Expected a dictionary, but got ${pythonType(value)}.`;
            return issue.message;
        case "invalid_format":
            if (issue.format === "guid" || issue.format === "uuid") return "Must be a valid UUID.";
            if (issue.format === "url") return "Enter a valid URL.";
            return issue.message;
        case "too_big":
            return `Ensure this field has no more than ${issue.maximum} ${issue.origin === "string" ? "characters" : "elements"}.`;
        case "too_small":
            // DRF's CharField refuses "" as blank, before any length rule.
            if (issue.origin === "string" && value === "") return "This field may not be blank.";
            return `Ensure this field has at least ${issue.minimum} ${issue.origin === "string" ? "characters" : "elements"}.`;
        case "custom":
            return CUSTOM_RULE_WORDING[issue.message] ?? issue.message;
        default:
            return issue.message;
    }
}
