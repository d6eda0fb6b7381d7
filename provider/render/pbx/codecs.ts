/** The codecs Ultravox accepts, and the names callers may give them. */

import { quote } from "../../core/quote";
import { invalidInput } from "../inputs";

/** The codecs Ultravox accepts: G.722, G.722.1, G.722.2, Opus, PCMU, PCMA, iLBC. */
export type UltravoxCodec = "pcmu" | "pcma" | "g722" | "g7221" | "g7222" | "opus" | "ilbc";

/** Every codec Ultravox accepts, as the renderers name them. */
export const ULTRAVOX_CODECS: readonly UltravoxCodec[] = Object.freeze([
    "pcmu",
    "pcma",
    "g722",
    "g7221",
    "g7222",
    "opus",
    "ilbc",
]);

/** G.711 first: every carrier and PBX has it; then wideband. */
export const DEFAULT_CODECS: readonly UltravoxCodec[] = Object.freeze(["pcmu", "pcma", "g722", "opus"]);

const CODEC_ALIASES: Record<string, UltravoxCodec> = { ulaw: "pcmu", mulaw: "pcmu", alaw: "pcma" };

/** Normalized, deduplicated codecs; anything Ultravox does not accept is an error naming it. */
export function resolveCodecs(codecs: readonly string[] = DEFAULT_CODECS): UltravoxCodec[] {
    if (!Array.isArray(codecs) || codecs.length === 0) {
        throw invalidInput("codecs must be a non-empty array of codec names.", "codecs");
    }
    const out: UltravoxCodec[] = [];
    codecs.forEach((name, index) => {
        const key = typeof name === "string" ? name.toLowerCase().replace(/[.\-_ ]/g, "") : "";
        const codec =
            (Object.hasOwn(CODEC_ALIASES, key) ? CODEC_ALIASES[key] : undefined) ??
            (ULTRAVOX_CODECS as readonly string[]).find((known) => known === key);
        if (codec === undefined) {
            throw invalidInput(
                `codecs[${index}] ${quote(name)} is not a codec Ultravox accepts (G.722, G.722.1, G.722.2, Opus, PCMU, PCMA, iLBC).`,
                `codecs.${index}`,
            );
        }
        if (!out.includes(codec as UltravoxCodec)) out.push(codec as UltravoxCodec);
    });
    return out;
}
