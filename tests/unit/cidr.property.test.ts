import { expect } from "chai";
import fc from "fast-check";
import { aggregateCidrs, canonicalCidrs, chunkCidrs, cidrsContain } from "pulumi-ultravox";

// Each property stays well under a second; the file as a whole under 5 s.
const RUNS = { numRuns: 300 };
const TWO_32 = 2 ** 32;

/** An independent reading of a.b.c.d/n as an inclusive address interval. */
function interval(text: string): [number, number] {
    const [address = "", prefixText = ""] = text.split("/");
    const value = address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(prefixText));
    const start = value - (value % size);
    return [start, start + size - 1];
}

/** The addresses covered, as sorted, disjoint, non-adjacent intervals: one normal form per set. */
function coverage(list: readonly string[]): [number, number][] {
    const sorted = list.map(interval).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const merged: [number, number][] = [];
    for (const [start, end] of sorted) {
        const last = merged[merged.length - 1];
        if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
        else merged.push([start, end]);
    }
    return merged;
}

function format(address: number, prefix: number): string {
    return `${Math.floor(address / 16777216)}.${Math.floor(address / 65536) % 256}.${Math.floor(address / 256) % 256}.${address % 256}/${prefix}`;
}

/** Any CIDR, host bits often set; prefixes skewed long so ranges overlap and touch now and then. */
const anyCidr = fc
    .tuple(
        fc.integer({ min: 0, max: TWO_32 - 1 }),
        fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 20, max: 32 })),
    )
    .map(([address, prefix]) => format(address, prefix));

/** CIDRs crowded into 10.0.0.0/16, so that nesting and adjacency are common. */
const crowdedCidr = fc
    .tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 16, max: 32 }))
    .map(([offset, prefix]) => format(167772160 + offset, prefix));

const cidrList = fc.array(fc.oneof(anyCidr, crowdedCidr), { maxLength: 40 });
const withShuffle = cidrList.chain((list) =>
    fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
);

describe("cidr: properties", () => {
    it("aggregation covers exactly the addresses of its input", () => {
        fc.assert(
            fc.property(cidrList, (list) => {
                expect(coverage(aggregateCidrs(list))).to.deep.equal(coverage(list));
            }),
            RUNS,
        );
    });

    it("aggregation gives sorted, disjoint blocks that no two of can merge", () => {
        fc.assert(
            fc.property(cidrList, (list) => {
                const blocks = aggregateCidrs(list);
                expect(canonicalCidrs(blocks)).to.deep.equal(blocks);
                for (let index = 1; index < blocks.length; index++) {
                    const [previousStart, previousEnd] = interval(blocks[index - 1] as string);
                    const [start, end] = interval(blocks[index] as string);
                    expect(start).to.be.greaterThan(previousEnd);
                    const size = end - start + 1;
                    const siblings =
                        previousEnd - previousStart + 1 === size &&
                        previousEnd + 1 === start &&
                        previousStart % (2 * size) === 0;
                    expect(siblings, `${blocks[index - 1]} and ${blocks[index]} form one block`).to.equal(false);
                }
                expect(aggregateCidrs(blocks)).to.deep.equal(blocks);
            }),
            RUNS,
        );
    });

    it("canonicalization is idempotent, order-blind and keeps the addresses", () => {
        fc.assert(
            fc.property(withShuffle, ([list, shuffled]) => {
                const canonical = canonicalCidrs(list);
                expect(canonicalCidrs(canonical)).to.deep.equal(canonical);
                expect(canonicalCidrs(shuffled)).to.deep.equal(canonical);
                expect(new Set(canonical).size).to.equal(canonical.length);
                expect(coverage(canonical)).to.deep.equal(coverage(list));
            }),
            RUNS,
        );
    });

    it("canonical order is numeric: by network, then by prefix", () => {
        fc.assert(
            fc.property(cidrList, (list) => {
                const keys = canonicalCidrs(list).map((text) => [interval(text)[0], Number(text.split("/")[1])]);
                for (let index = 1; index < keys.length; index++) {
                    const [network, prefix] = keys[index] as [number, number];
                    const [previousNetwork, previousPrefix] = keys[index - 1] as [number, number];
                    expect(
                        network > previousNetwork || (network === previousNetwork && prefix > previousPrefix),
                    ).to.equal(true);
                }
            }),
            RUNS,
        );
    });

    it("cidrsContain agrees with enumerating every address of the ranges in a /20", () => {
        // The universe is 192.0.16.0/20 (4096 addresses); ranges are /24 to /32 inside it.
        const base = 3221229568;
        const range = fc
            .tuple(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 24, max: 32 }))
            .map(([offset, prefix]) => format(base + offset, prefix));
        fc.assert(
            fc.property(
                fc.array(range, { maxLength: 12 }),
                fc.integer({ min: -256, max: 4096 + 255 }),
                (ranges, offset) => {
                    const address = base + offset;
                    const ip = format(address, 32).split("/")[0] as string;
                    const covered = new Set<number>();
                    for (const text of ranges) {
                        const [start, end] = interval(text);
                        for (let each = start; each <= end; each++) covered.add(each);
                    }
                    expect(cidrsContain(ranges, ip)).to.equal(covered.has(address));
                },
            ),
            RUNS,
        );
    });

    it("chunks rejoin to the input, each within the size", () => {
        fc.assert(
            fc.property(cidrList, fc.integer({ min: 1, max: 12 }), (list, size) => {
                const chunks = chunkCidrs(list, size);
                expect(chunks.flat()).to.deep.equal(list);
                expect(chunks.length).to.equal(Math.ceil(list.length / size));
                chunks.forEach((chunk, index) => {
                    if (index < chunks.length - 1) expect(chunk.length).to.equal(size);
                    else expect(chunk.length).to.be.within(1, size);
                });
            }),
            RUNS,
        );
    });
});
