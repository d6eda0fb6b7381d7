/**
 * Property-based fuzzing (fast-check) of the validator and normalizer (`parseSipConfig`) and of
 * the CIDR tools it rests on. Seeded and bounded so a run is deterministic and takes a few
 * seconds; set FUZZ_SEED (and FUZZ_RUNS) to explore other inputs.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { aggregateCidrs, canonicalCidrs, type SipConfigData, UltravoxError } from "pulumi-ultravox";
import { schema } from "../helpers/internal";

const { parseSipConfig, MAX_AGENTS, MAX_PATTERN_LENGTH, MAX_SECRETS, MAX_SECRET_LENGTH } = schema;

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_127);
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const params = { seed: SEED, numRuns: RUNS };

/** Every fallback secret starts with this: it must never show in an error message. */
const SECRET_MARK = "ŝecret·";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TWO_32 = 2 ** 32;

// ---- an independent reference for IPv4 CIDRs (not the package's code) -------------------------

function toAddress(text: string): number {
    return text.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function toDotted(address: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** [first, last] addresses of a well-formed CIDR, host bits ignored. */
function rangeOf(cidr: string): [number, number] {
    const [address, prefixText] = cidr.split("/") as [string, string];
    const size = 2 ** (32 - Number(prefixText));
    const first = toAddress(address) - (toAddress(address) % size);
    return [first, first + size - 1];
}

function canonicalOf(cidr: string): string {
    const prefix = Number(cidr.split("/")[1]);
    return `${toDotted(rangeOf(cidr)[0])}/${prefix}`;
}

/** Canonical, deduplicated, sorted by network then prefix. */
function referenceCanonical(list: readonly string[]): string[] {
    const unique = [...new Set(list.map(canonicalOf))];
    return unique.sort((a, b) => rangeOf(a)[0] - rangeOf(b)[0] || Number(a.split("/")[1]) - Number(b.split("/")[1]));
}

/** The union of the ranges, merged, as the unique fewest-CIDR cover (largest aligned blocks first). */
function referenceAggregate(list: readonly string[]): string[] {
    const ranges = list.map(rangeOf).sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [first, last] of ranges) {
        const top = merged.at(-1);
        if (top && first <= top[1] + 1) top[1] = Math.max(top[1], last);
        else merged.push([first, last]);
    }
    const out: string[] = [];
    for (const [first, last] of merged) {
        let cursor = first;
        while (cursor <= last) {
            let prefix = 0;
            // The shortest prefix whose block is aligned at `cursor` and ends within the range.
            while (cursor % 2 ** (32 - prefix) !== 0 || cursor + 2 ** (32 - prefix) - 1 > last) prefix++;
            out.push(`${toDotted(cursor)}/${prefix}`);
            cursor += 2 ** (32 - prefix);
        }
    }
    return out;
}

// ---- arbitraries ------------------------------------------------------------------------------

/** Any IPv4 CIDR, host bits set or not; short prefixes are rare, as in real allowlists. */
const cidrArb = fc
    .tuple(
        fc.integer({ min: 0, max: TWO_32 - 1 }),
        fc.oneof(
            { weight: 1, arbitrary: fc.integer({ min: 0, max: 7 }) },
            { weight: 8, arbitrary: fc.integer({ min: 8, max: 32 }) },
        ),
    )
    .map(([address, prefix]) => `${toDotted(address)}/${prefix}`);

/** Strings that are not IPv4 CIDRs: near misses first, then anything. */
const notCidrArb = fc.oneof(
    fc.constantFrom(
        "10.0.0.0/33",
        "10.0.0.256/8",
        "010.0.0.0/8",
        "10.0.0.0/08",
        "10.0.0/8",
        "10.0.0.0",
        "::1/128",
        " 10.0.0.0/8",
        "10.0.0.0/8 ",
        "10.0.0.0/-1",
        "1.2.3.4/",
    ),
    fc.string().filter((text) => !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text)),
);

const secretArb = fc.string({ maxLength: MAX_SECRET_LENGTH - SECRET_MARK.length }).map((rest) => SECRET_MARK + rest);

const agentArb = fc.record(
    {
        agentId: fc.uuid(),
        toUserPattern: fc.option(fc.string({ maxLength: MAX_PATTERN_LENGTH }), { nil: null }),
    },
    { requiredKeys: ["agentId"] },
);

const handlerArb = fc.record({
    url: fc.webUrl(),
    secrets: fc.array(secretArb, { minLength: 1, maxLength: MAX_SECRETS }),
});

/** An independent reading of RFC 1123: labels of 1-63 letters, digits and inner hyphens, 253 chars in all. */
function referenceIsHostName(text: string): boolean {
    if (text.length < 1 || text.length > 253) return false;
    return text.split(".").every((label) => {
        if (label.length < 1 || label.length > 63 || label.startsWith("-") || label.endsWith("-")) return false;
        return [...label].every((char) =>
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".includes(char),
        );
    });
}

const KNOWN_FIELDS = new Set(["domain", "allowedCidrRanges", "allowAllAgents", "allowedAgents", "fallbackHandler"]);

/** A raw GET /api/sip answer that is valid: optionals absent, null or set, unknown fields added. */
const validRawArb = fc
    .tuple(
        fc.record(
            {
                domain: fc.domain().filter(referenceIsHostName),
                allowedCidrRanges: fc.option(fc.array(cidrArb, { maxLength: 40 }), { nil: null }),
                allowAllAgents: fc.option(fc.boolean(), { nil: null }),
                allowedAgents: fc.array(agentArb, { maxLength: MAX_AGENTS }),
                fallbackHandler: fc.option(handlerArb, { nil: null }),
            },
            { requiredKeys: ["domain", "allowedAgents"] },
        ),
        fc.dictionary(
            fc.string().filter((key) => !KNOWN_FIELDS.has(key)),
            fc.jsonValue({ maxDepth: 2 }),
            { maxKeys: 3 },
        ),
    )
    .map(([known, extra]) => ({ ...extra, ...known }) as Record<string, unknown>);

type Raw = Record<string, unknown>;
interface Mutation {
    /** The path the validator must name, and where the change is made (`allowedAgents.3.agentId`). */
    path: string;
    /** The new value there; `REMOVE` deletes the field. */
    value: unknown;
}

const REMOVE = Symbol("remove");

function applyMutation(raw: Raw, { path, value }: Mutation): Raw {
    const copy = structuredClone(raw);
    const keys = path.split(".");
    const last = keys.pop() as string;
    let parent = copy as Record<string, unknown>;
    for (const key of keys) parent = parent[key] as Record<string, unknown>;
    if (value === REMOVE) delete parent[last];
    else parent[last] = value;
    return copy;
}

const at =
    (path: string) =>
    (value: unknown): Mutation => ({ path, value });

const notStringArb = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.constant({}),
);
const notArrayArb = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.constant({}));
const notObjectArb = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.string({ maxLength: 8 }),
    fc.array(fc.integer(), { maxLength: 2 }),
);
const notGuidArb = fc.oneof(
    fc.string().filter((text) => !GUID.test(text)),
    fc.uuid().map((id) => id.slice(0, -1)),
    fc.uuid().map((id) => `${id}0`),
    fc.uuid().map((id) => id.replaceAll("-", "")),
);

/** One change that makes a valid config invalid, and the path it breaks. */
function mutationArb(raw: Raw): fc.Arbitrary<Mutation> {
    const cidrs = (raw.allowedCidrRanges as string[] | null | undefined) ?? [];
    const agents = raw.allowedAgents as Raw[];
    const handler = raw.fallbackHandler as { url: string; secrets: string[] } | null | undefined;
    const options: fc.Arbitrary<Mutation>[] = [
        fc.constant(at("domain")(REMOVE)),
        fc
            .oneof(
                notStringArb,
                fc.constant(""),
                fc.string({ unit: "binary" }).filter((text) => !referenceIsHostName(text)),
            )
            .map(at("domain")),
        notArrayArb.map(at("allowedCidrRanges")),
        // null is not a mutation here: allowAllAgents is nullable.
        fc.oneof(fc.string(), fc.integer(), fc.constant({})).map(at("allowAllAgents")),
        fc.constant(at("allowedAgents")(REMOVE)),
        fc.oneof(notArrayArb, fc.constant(null)).map(at("allowedAgents")),
        fc
            .array(agentArb, { minLength: MAX_AGENTS + 1 - agents.length, maxLength: MAX_AGENTS + 5 - agents.length })
            .map((more) => at("allowedAgents")([...agents, ...more])),
        notObjectArb.map(at("fallbackHandler")),
    ];
    if (cidrs.length > 0) {
        options.push(
            fc
                .tuple(fc.nat(cidrs.length - 1), fc.oneof(notCidrArb, notStringArb))
                .map(([index, value]) => at(`allowedCidrRanges.${index}`)(value)),
        );
    }
    if (agents.length > 0) {
        const index = fc.nat(agents.length - 1);
        options.push(
            fc.tuple(index, notObjectArb).map(([i, value]) => at(`allowedAgents.${i}`)(value)),
            fc
                .tuple(index, fc.oneof(notGuidArb, fc.integer(), fc.constant(null), fc.constant(REMOVE)))
                .map(([i, value]) => at(`allowedAgents.${i}.agentId`)(value)),
            fc
                .tuple(
                    index,
                    fc.oneof(
                        fc.string({ minLength: MAX_PATTERN_LENGTH + 1, maxLength: 400 }),
                        fc.integer(),
                        fc.boolean(),
                    ),
                )
                .map(([i, value]) => at(`allowedAgents.${i}.toUserPattern`)(value)),
        );
    }
    if (handler) {
        options.push(
            fc
                .oneof(
                    fc.string().filter((text) => !URL.canParse(text)),
                    fc.integer(),
                    fc.constant(null),
                    fc.constant(REMOVE),
                )
                .map(at("fallbackHandler.url")),
            fc
                .oneof(
                    fc.constant([]),
                    fc.array(secretArb, { minLength: MAX_SECRETS + 1, maxLength: MAX_SECRETS + 5 }),
                    fc.constant(null),
                    fc.integer(),
                    fc.constant(REMOVE),
                )
                .map(at("fallbackHandler.secrets")),
            fc
                .tuple(
                    fc.nat(handler.secrets.length - 1),
                    fc.oneof(
                        // A secret one char too long: its value must not reach the message.
                        secretArb.map((secret) => secret.padEnd(MAX_SECRET_LENGTH + 1, "x")),
                        fc.integer(),
                        fc.constant(null),
                    ),
                )
                .map(([i, value]) => at(`fallbackHandler.secrets.${i}`)(value)),
        );
    }
    return fc.oneof(...options);
}

// ---- checks -----------------------------------------------------------------------------------

function fingerprintOf(data: Omit<SipConfigData, "fingerprint">): string {
    const material = JSON.stringify([
        data.domain,
        data.allowedCidrRanges,
        data.allowAllAgents,
        data.allowedAgents.map((agent) => [agent.agentId, agent.toUserPattern]),
        data.fallbackHandler ? data.fallbackHandler.url : null,
    ]);
    return createHash("sha256").update(material).digest("hex");
}

/** What `parseSipConfig` must give for a valid raw config, computed independently. */
function expectedFrom(raw: Raw): SipConfigData {
    const handler = raw.fallbackHandler as { url: string; secrets: string[] } | null | undefined;
    const rest = {
        domain: raw.domain as string,
        allowedCidrRanges: referenceCanonical((raw.allowedCidrRanges as string[] | null | undefined) ?? []),
        allowAllAgents: (raw.allowAllAgents as boolean | null | undefined) ?? false,
        allowedAgents: (raw.allowedAgents as { agentId: string; toUserPattern?: string | null }[]).map((agent) => ({
            agentId: agent.agentId,
            toUserPattern: agent.toUserPattern ?? `^agent_${agent.agentId}$`,
        })),
        fallbackHandler: handler ? { url: handler.url, secrets: [...handler.secrets] } : null,
    };
    return { ...rest, fingerprint: fingerprintOf(rest) };
}

/** The shape every successful result has, whatever the input. */
function expectWellFormed(data: SipConfigData): void {
    expect(Object.keys(data).sort()).to.deep.equal([
        "allowAllAgents",
        "allowedAgents",
        "allowedCidrRanges",
        "domain",
        "fallbackHandler",
        "fingerprint",
    ]);
    expect(data.domain).to.be.a("string").and.not.equal("");
    expect(data.allowedCidrRanges).to.deep.equal(referenceCanonical(data.allowedCidrRanges));
    expect(data.allowAllAgents).to.be.a("boolean");
    expect(data.allowedAgents.length).to.be.at.most(MAX_AGENTS);
    for (const agent of data.allowedAgents) {
        expect(Object.keys(agent).sort()).to.deep.equal(["agentId", "toUserPattern"]);
        expect(agent.agentId).to.match(GUID);
        expect(agent.toUserPattern).to.be.a("string");
    }
    if (data.fallbackHandler !== null) {
        expect(Object.keys(data.fallbackHandler).sort()).to.deep.equal(["secrets", "url"]);
        expect(data.fallbackHandler.secrets.length).to.be.within(1, MAX_SECRETS);
    }
    const { fingerprint, ...rest } = data;
    expect(fingerprint).to.equal(fingerprintOf(rest));
}

/** parseSipConfig's result, or its error, which must be an UltravoxError of code invalid_response. */
function attempt(value: unknown, onWarning?: (message: string) => void): SipConfigData | UltravoxError {
    try {
        return parseSipConfig(value, onWarning);
    } catch (error) {
        expect(error, String(error)).to.be.instanceOf(UltravoxError);
        expect((error as UltravoxError).code).to.equal("invalid_response");
        return error as UltravoxError;
    }
}

function withCidrs(raw: Raw, cidrs: string[]): Raw {
    return { ...structuredClone(raw), allowedCidrRanges: cidrs };
}

describe("fuzz: parseSipConfig and the CIDR tools (fast-check, seeded)", function () {
    // Generous for a loaded 2-core machine; a run takes a few seconds.
    this.timeout(30_000);

    it(`random JSON (fc.jsonValue): a well-formed result or an invalid_response, nothing else (seed ${SEED})`, () => {
        fc.assert(
            fc.property(fc.jsonValue(), (value) => {
                const result = attempt(value);
                if (!(result instanceof UltravoxError)) expectWellFormed(result);
            }),
            params,
        );
    });

    it("random values of any kind (fc.anything), at the top and in every field", () => {
        const anyField = fc.record({
            domain: fc.anything(),
            allowedCidrRanges: fc.anything(),
            allowAllAgents: fc.anything(),
            allowedAgents: fc.anything(),
            fallbackHandler: fc.anything(),
        });
        fc.assert(
            fc.property(fc.oneof(fc.anything(), anyField), (value) => {
                const result = attempt(value);
                if (!(result instanceof UltravoxError)) expectWellFormed(result);
            }),
            params,
        );
    });

    it("every valid config normalizes to exactly what an independent reference computes, warning once per host-bit entry", () => {
        fc.assert(
            fc.property(validRawArb, (raw) => {
                const warnings: string[] = [];
                const result = attempt(raw, (message) => warnings.push(message));
                expect(result).to.deep.equal(expectedFrom(raw));
                const hostBits = ((raw.allowedCidrRanges as string[] | null | undefined) ?? []).filter(
                    (cidr) => canonicalOf(cidr) !== cidr,
                );
                expect(warnings).to.deep.equal(
                    hostBits.map((cidr) => `CIDR ${cidr} has host bits set; using ${canonicalOf(cidr)}.`),
                );
            }),
            params,
        );
    });

    it("one mutation of a valid config: invalid_response naming that path, and never a secret's value", () => {
        const mutated = validRawArb.chain((raw) => mutationArb(raw).map((mutation) => ({ raw, mutation })));
        fc.assert(
            fc.property(mutated, ({ raw, mutation }) => {
                const result = attempt(applyMutation(raw, mutation));
                expect(result, `expected a failure at ${mutation.path}`).to.be.instanceOf(UltravoxError);
                const error = result as UltravoxError;
                // zod may report a second issue at the same path (a string's .length checked as an
                // array's): every issue is at the mutated path or under it, and there is one at least.
                expect(error.issues).to.include(mutation.path);
                for (const issue of error.issues ?? []) {
                    expect(issue === mutation.path || issue.startsWith(`${mutation.path}.`), issue).to.equal(true);
                }
                expect(error.message).to.contain(`${mutation.path}: `);
                expect(error.message.includes(SECRET_MARK), error.message).to.equal(false);
            }),
            params,
        );
    });

    it("normalization is idempotent: a result fed back as raw gives the same result", () => {
        fc.assert(
            fc.property(validRawArb, (raw) => {
                const once = parseSipConfig(raw);
                const warnings: string[] = [];
                // The fingerprint field goes back in too, as an unknown field: it is dropped and recomputed.
                const twice = parseSipConfig(structuredClone(once), (message) => warnings.push(message));
                expect(twice).to.deep.equal(once);
                expect(warnings).to.deep.equal([]);
            }),
            params,
        );
    });

    it("the fingerprint is stable under reordering, duplicating and host bits of the CIDRs", () => {
        const reshaped = validRawArb
            .filter((raw) => Array.isArray(raw.allowedCidrRanges) && raw.allowedCidrRanges.length > 0)
            .chain((raw) => {
                const cidrs = raw.allowedCidrRanges as string[];
                const variant = fc.tuple(fc.constantFrom(...cidrs), fc.nat()).map(([cidr, noise]) => {
                    // The same network with some host bits set.
                    const [first, last] = rangeOf(cidr);
                    return `${toDotted(first + (noise % (last - first + 1)))}/${cidr.split("/")[1]}`;
                });
                const reordered = fc.shuffledSubarray([...cidrs, ...cidrs], { minLength: cidrs.length * 2 });
                return fc
                    .tuple(
                        reordered,
                        fc.array(variant, { maxLength: 10 }),
                        fc.array(fc.constantFrom(...cidrs), { maxLength: 10 }),
                    )
                    .chain(([shuffled, variants, duplicates]) =>
                        fc.shuffledSubarray([...shuffled, ...variants, ...duplicates], {
                            minLength: shuffled.length + variants.length + duplicates.length,
                        }),
                    )
                    .map((list) => ({ raw, list }));
            });
        fc.assert(
            fc.property(reshaped, ({ raw, list }) => {
                const original = parseSipConfig(raw);
                const variant = parseSipConfig(withCidrs(raw, list));
                expect(variant).to.deep.equal(original);
            }),
            params,
        );
    });

    it("the fingerprint changes when, and only when, routing content changes (not the fallback secrets)", () => {
        type Change = { what: string; changes: boolean; apply: (raw: Raw, data: SipConfigData) => Raw | undefined };
        const changes: Change[] = [
            {
                what: "domain",
                changes: true,
                apply: (raw) => ({ ...raw, domain: `${raw.domain as string}x` }),
            },
            {
                what: "allowAllAgents flipped",
                changes: true,
                apply: (raw, data) => ({ ...raw, allowAllAgents: !data.allowAllAgents }),
            },
            {
                what: "a CIDR added",
                changes: true,
                apply: (raw, data) => {
                    const extra = ["192.0.2.0/24", "198.51.100.0/25", "203.0.113.128/32"].find(
                        (cidr) => !data.allowedCidrRanges.includes(cidr),
                    );
                    return extra === undefined ? undefined : withCidrs(raw, [...data.allowedCidrRanges, extra]);
                },
            },
            {
                what: "a CIDR removed",
                changes: true,
                apply: (raw, data) =>
                    data.allowedCidrRanges.length === 0 ? undefined : withCidrs(raw, data.allowedCidrRanges.slice(1)),
            },
            {
                what: "an agent's pattern",
                changes: true,
                apply: (raw, data) =>
                    data.allowedAgents.length === 0
                        ? undefined
                        : {
                              ...raw,
                              allowedAgents: data.allowedAgents.map((agent, index) =>
                                  index === 0
                                      ? { ...agent, toUserPattern: agent.toUserPattern === "^a$" ? "^b$" : "^a$" }
                                      : agent,
                              ),
                          },
            },
            {
                what: "the agent order (first match wins)",
                changes: true,
                apply: (raw, data) => {
                    const agents = data.allowedAgents;
                    if (agents.length < 2 || JSON.stringify(agents[0]) === JSON.stringify(agents.at(-1)))
                        return undefined;
                    return { ...raw, allowedAgents: [agents.at(-1), ...agents.slice(1, -1), agents[0]] };
                },
            },
            {
                what: "the fallback URL",
                changes: true,
                apply: (raw, data) => ({
                    ...raw,
                    fallbackHandler: {
                        url:
                            data.fallbackHandler?.url === "https://a.example/"
                                ? "https://b.example/"
                                : "https://a.example/",
                        secrets: [`${SECRET_MARK}new`],
                    },
                }),
            },
            {
                what: "only the fallback secrets",
                changes: false,
                apply: (raw, data) =>
                    data.fallbackHandler === null
                        ? undefined
                        : {
                              ...raw,
                              fallbackHandler: { url: data.fallbackHandler.url, secrets: [`${SECRET_MARK}rotated`] },
                          },
            },
            {
                what: "only unknown fields",
                changes: false,
                apply: (raw) => ({ ...raw, somethingNew: { version: 2 } }),
            },
        ];
        fc.assert(
            fc.property(validRawArb, fc.constantFrom(...changes), (raw, change) => {
                const before = parseSipConfig(raw);
                const changed = change.apply(raw, before);
                fc.pre(changed !== undefined);
                const after = parseSipConfig(changed);
                expect(after.fingerprint !== before.fingerprint, change.what).to.equal(change.changes);
            }),
            { ...params, numRuns: RUNS * 2 },
        );
    });

    it("canonicalCidrs and aggregateCidrs match an independent reference on random lists", () => {
        fc.assert(
            fc.property(fc.array(cidrArb, { maxLength: 60 }), (list) => {
                const canonical = canonicalCidrs(list);
                expect(canonical).to.deep.equal(referenceCanonical(list));
                expect(canonicalCidrs(canonical)).to.deep.equal(canonical);
                const aggregated = aggregateCidrs(list);
                expect(aggregated).to.deep.equal(referenceAggregate(list));
                expect(aggregateCidrs(aggregated)).to.deep.equal(aggregated);
            }),
            params,
        );
    });

    it("aggregateCidrs on dense neighbourhoods (adjacent and nested blocks) matches the reference", () => {
        // Addresses in one /20 so that blocks touch and nest often: the merging paths get exercised.
        const dense = fc
            .tuple(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 20, max: 32 }))
            .map(([offset, prefix]) => `${toDotted(toAddress("10.20.0.0") + offset)}/${prefix}`);
        fc.assert(
            fc.property(fc.array(dense, { maxLength: 200 }), (list) => {
                expect(aggregateCidrs(list)).to.deep.equal(referenceAggregate(list));
            }),
            params,
        );
    });

    it("CIDR tools refuse non-CIDRs with invalid_input, naming the index, never crashing", () => {
        fc.assert(
            fc.property(fc.array(cidrArb, { maxLength: 5 }), notCidrArb, fc.nat(5), (list, bad, at) => {
                const index = Math.min(at, list.length);
                const withBad = [...list.slice(0, index), bad, ...list.slice(index)];
                for (const tool of [canonicalCidrs, aggregateCidrs]) {
                    let caught: unknown;
                    try {
                        tool(withBad);
                    } catch (error) {
                        caught = error;
                    }
                    expect(caught).to.be.instanceOf(UltravoxError);
                    expect((caught as UltravoxError).code).to.equal("invalid_input");
                    expect((caught as UltravoxError).issues).to.deep.equal([String(index)]);
                }
            }),
            params,
        );
    });
});
