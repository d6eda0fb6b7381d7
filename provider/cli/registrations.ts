/**
 * `registrations list` and `registrations remove <id>`: the account's SIP registrations from a
 * shell. The CLI never takes a password: it neither creates nor updates one (a stack does, from a
 * secret), so none can end up in shell history or `ps`.
 */
import type { UltravoxClient } from "../api/client";
import type { SipRegistrationData } from "../core/types";
import { json } from "./show";
import { printableValue } from "./terminal";
import { UsageError } from "./usageError";

export type RegistrationsAction = { action: "list" } | { action: "remove"; registrationId: string };

export function registrationsAction(positionals: readonly string[]): RegistrationsAction {
    const [, action, registrationId, ...rest] = positionals;
    if (action === "list" && registrationId === undefined) return { action: "list" };
    if (action === "remove" && registrationId !== undefined && rest.length === 0)
        return { action: "remove", registrationId };
    throw new UsageError("registrations takes `list` or `remove <registrationId>`.");
}

const COLUMNS = ["registrationId", "username", "proxy", "outboundProxy", "authUser", "successful", "created"] as const;

/** A cell: `-` where the API gives null (for `successful`: it does not say whether the registration is active). */
function cell(value: string | boolean | null): string {
    return value === null ? "-" : printableValue(String(value));
}

export function registrationsTable(registrations: readonly SipRegistrationData[]): string {
    if (registrations.length === 0) return "(no SIP registrations)\n";
    // Values come from the API: each printable, on its line.
    const rows = registrations.map((registration) => COLUMNS.map((column) => cell(registration[column])));
    const widths = COLUMNS.map((column, index) =>
        Math.max(column.length, ...rows.map((row) => (row[index] ?? "").length)),
    );
    const line = (cells: readonly string[]) =>
        `${cells
            .map((cell, index) => cell.padEnd(widths[index] ?? 0))
            .join("  ")
            .trimEnd()}\n`;
    return line(COLUMNS) + rows.map(line).join("");
}

export async function runRegistrations(
    request: RegistrationsAction,
    client: UltravoxClient,
    asJson: boolean,
): Promise<{ output: string; code: number }> {
    if (request.action === "list") {
        const registrations = await client.listSipRegistrations();
        return { output: asJson ? json(registrations) : registrationsTable(registrations), code: 0 };
    }
    await client.deleteSipRegistration(request.registrationId);
    return { output: `removed SIP registration ${printableValue(request.registrationId)}\n`, code: 0 };
}
