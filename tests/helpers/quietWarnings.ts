/**
 * A mocha root hook (loaded with `--require`): the warnings that code under test prints to the
 * console (Pulumi's `log.warn` without an engine, the dynamic provider's `warning: ...` lines)
 * are held, and shown only with a test that fails. The test output says what runs and what
 * failed; tests that expect a warning assert it where it is delivered.
 */
type ConsoleWrite = (...args: unknown[]) => void;

const held: string[] = [];

function holding(original: ConsoleWrite): ConsoleWrite {
    return (...args: unknown[]) => {
        const [first] = args;
        if (typeof first === "string" && first.startsWith("warning: ")) held.push(args.map(String).join(" "));
        else original(...args);
    };
}

const original = console.error;
// From the start (hooks that run programs print too), for the whole run.
console.warn = holding(console.warn);
console.error = holding(console.error);

export const mochaHooks = {
    afterEach(this: Mocha.Context): void {
        if (this.currentTest?.state === "failed") for (const line of held) original(line);
        held.length = 0;
    },
};
