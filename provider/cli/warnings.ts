/**
 * A command's warnings, each said once, as `warning: <text>` on stderr before the output: `allow`
 * reads the account several times and a pattern can concern several agents, but a reader needs
 * each fact once. The read's own warnings (host bits in allowedCidrRanges) are said only by
 * commands whose output is built from allowedCidrRanges.
 */
import type { WarningSink } from "../core/types";
import { printableValue } from "./terminal";

export class CommandWarnings {
    readonly #fromRead = new Set<string>();
    readonly #fromCommand = new Set<string>();

    /** For the client: what parsing the account reported. */
    readonly onReadWarning: WarningSink = (message) => {
        this.#fromRead.add(message);
    };

    /** What the command itself found (a renderer's or an explanation's warnings). */
    add(messages: Iterable<string>): void {
        for (const message of messages) this.#fromCommand.add(message);
    }

    /** Writes each distinct warning once to `write`, then forgets them; the read's only if `outputUsesCidrs`. */
    flush(outputUsesCidrs: boolean, write: (line: string) => void): void {
        const said = new Set<string>([...(outputUsesCidrs ? this.#fromRead : []), ...this.#fromCommand]);
        for (const message of said) write(`warning: ${printableValue(message)}\n`);
        this.#fromRead.clear();
        this.#fromCommand.clear();
    }
}
