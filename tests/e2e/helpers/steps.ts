/**
 * The steps a user takes with the CLI on a stack, each recorded: what every command printed, so a
 * test can search it all for a secret at the end, and the state files, searched byte for byte.
 */
import { expect } from "chai";
import { type CliResult, type Engine, occurrences } from "./engine";

export const printed = (result: CliResult): string => `${result.stdout}\n${result.stderr}`;

export class Steps {
    /** Everything every recorded command printed. */
    readonly transcript: string[] = [];

    constructor(
        private readonly engine: Engine,
        /** What must never be printed nor stored in plain text. */
        private readonly secrets: readonly string[],
    ) {}

    record(result: CliResult): CliResult {
        this.transcript.push(printed(result));
        return result;
    }

    /** A step that must succeed. */
    async ok(result: Promise<CliResult>): Promise<CliResult> {
        const done = this.record(await result);
        expect(done.code, printed(done)).to.equal(0);
        return done;
    }

    /** `stack init`, then each setting with `config set` (`--secret` where marked), as a user sets up a stack. */
    async initStack(dir: string, stack: string, settings: [string, string, "secret"?][]): Promise<void> {
        await this.ok(this.engine.cli(["stack", "init", stack], dir));
        for (const [key, value, secret] of settings) {
            await this.ok(
                this.engine.cli(["config", "set", ...(secret ? ["--secret"] : []), key, value, "--stack", stack], dir),
            );
        }
    }

    /** No secret in `text`; the failure says where, the secret itself masked. */
    expectNoSecretIn(text: string | Buffer, where: string): void {
        for (const secret of this.secrets) {
            const at = text.indexOf(secret);
            const context =
                at < 0
                    ? ""
                    : text
                          .slice(Math.max(0, at - 300), at + 300)
                          .toString()
                          .split(secret)
                          .join("<SECRET>");
            expect(occurrences(text, secret), `${secret} in ${where}: …${context}…`).to.equal(0);
        }
    }

    /** Every file of the backend (state, backups, history): no secret in plain text. */
    expectStateFilesClean(): void {
        for (const { file, bytes } of this.engine.backendFiles()) this.expectNoSecretIn(bytes, file);
    }

    /** Everything printed: no secret; and enough was recorded for that to mean something. */
    expectTranscriptClean(atLeast = 20): void {
        expect(this.transcript.length).to.be.greaterThan(atLeast);
        this.expectNoSecretIn(this.transcript.join("\n"), "the CLI's output");
    }
}
