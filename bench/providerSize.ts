/**
 * 5. Size of the serialized provider text (`__provider`, stored in every state file) as the SDK
 * serializes it in a consumer program: for `SipConfig.get` (the read provider) and for the
 * managed form `new SipConfig(name, args)`, against the do-nothing provider of benchmark 1.
 */
import { getConsumer } from "../tests/helpers/consumer";
import { type BenchResult, type BenchRow, DO_NOTHING_PROGRAM, runIfMain, serializeInConsumer } from "./common";

const GOAL_BYTES = 1536;

const PROGRAM = `
ultravox.SipConfig.get("read-form", "sip");
new ultravox.SipConfig("managed-form", { allowedCidrRanges: ["203.0.113.0/24"], allowAllAgents: false });
${DO_NOTHING_PROGRAM}
`;

export async function run(): Promise<BenchResult> {
    const consumer = await getConsumer();
    const texts = await serializeInConsumer(consumer, PROGRAM, ["read-form", "managed-form", "do-nothing"]);
    const bytes = (name: string) => Buffer.byteLength(texts[name] as string);
    const baseline = `${bytes("do-nothing")} B (do-nothing provider)`;
    const rows: BenchRow[] = [
        ["5. serialized provider: SipConfig.get", "read-form"],
        ["5. serialized provider: new SipConfig(name, args)", "managed-form"],
    ].map(([name, key]) => ({
        name: name as string,
        figure: `${bytes(key as string)} B`,
        baseline,
        comparison: `${((bytes(key as string) / GOAL_BYTES) * 100).toFixed(0)} % of the goal`,
        goal: `≤ ${GOAL_BYTES} B`,
        met: bytes(key as string) <= GOAL_BYTES,
    }));
    return { rows, notes: [] };
}

runIfMain(module, run);
