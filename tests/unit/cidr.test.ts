import { expect } from "chai";
import { aggregateCidrs, canonicalCidrs, chunkCidrs, cidrsContain } from "pulumi-ultravox";
import { thrownBy } from "../helpers/errors";
import { fromJavaScript } from "../helpers/fixtures";
// parseCidr and friends are not part of the public surface: reached through the same dist/ files.
import { cidr } from "../helpers/internal";

const invalidInput = (run: () => unknown) => thrownBy(run, "invalid_input");

describe("cidr: parseIpv4 and parseCidr", () => {
    const addresses: [string, number | undefined][] = [
        ["0.0.0.0", 0],
        ["255.255.255.255", 4294967295],
        ["192.0.2.7", 3221225991],
        ["10.0.0.1", 167772161],
        ["256.0.0.1", undefined],
        ["10.0.0", undefined],
        ["10.0.0.1.5", undefined],
        ["010.0.0.1", undefined],
        [" 10.0.0.1", undefined],
        ["10.0.0.1 ", undefined],
        ["1e1.0.0.1", undefined],
        ["", undefined],
        ["::1", undefined],
    ];
    for (const [text, expected] of addresses) {
        it(`parseIpv4(${JSON.stringify(text)}) is ${expected}`, () => {
            expect(cidr.parseIpv4(text)).to.equal(expected);
        });
    }

    const cidrs: [string, { network: number; prefix: number; hadHostBits: boolean } | undefined][] = [
        ["10.0.0.0/8", { network: 167772160, prefix: 8, hadHostBits: false }],
        ["10.1.2.3/24", { network: 167838208, prefix: 24, hadHostBits: true }],
        ["0.0.0.0/0", { network: 0, prefix: 0, hadHostBits: false }],
        ["255.255.255.255/0", { network: 0, prefix: 0, hadHostBits: true }],
        ["255.255.255.255/32", { network: 4294967295, prefix: 32, hadHostBits: false }],
        ["10.0.0.0/33", undefined],
        ["10.0.0.0/08", undefined],
        ["10.0.0.0/", undefined],
        ["10.0.0.0/-1", undefined],
        ["10.0.0.0/8/8", undefined],
        ["10.0.0.0", undefined],
        ["10.0.0.0 /8", undefined],
        ["::/0", undefined],
    ];
    for (const [text, expected] of cidrs) {
        it(`parseCidr(${JSON.stringify(text)})`, () => {
            expect(cidr.parseCidr(text)).to.deep.equal(expected);
        });
    }

    it("refuses non-strings without throwing", () => {
        expect(cidr.parseIpv4(fromJavaScript(42))).to.equal(undefined);
        expect(cidr.parseCidr(fromJavaScript(null))).to.equal(undefined);
    });
});

describe("cidr: canonicalCidrs", () => {
    const cases: [string, string[], string[]][] = [
        ["empty", [], []],
        ["zeroes host bits", ["10.1.2.3/24", "192.0.2.77/32"], ["10.1.2.0/24", "192.0.2.77/32"]],
        ["removes duplicates, also after zeroing", ["10.1.2.0/24", "10.1.2.9/24", "10.1.2.0/24"], ["10.1.2.0/24"]],
        [
            "sorts numerically, not as text",
            ["10.0.0.0/8", "9.0.0.0/8", "100.0.0.0/8", "2.0.0.0/8"],
            ["2.0.0.0/8", "9.0.0.0/8", "10.0.0.0/8", "100.0.0.0/8"],
        ],
        [
            "puts the shorter prefix first on the same network",
            ["10.0.0.0/16", "10.0.0.0/8", "10.0.0.0/24"],
            ["10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24"],
        ],
        [
            "orders by network before prefix",
            ["10.1.0.0/16", "10.0.0.0/24", "10.0.0.0/16"],
            ["10.0.0.0/16", "10.0.0.0/24", "10.1.0.0/16"],
        ],
        ["keeps nested ranges (no aggregation)", ["10.0.0.0/8", "10.1.0.0/16"], ["10.0.0.0/8", "10.1.0.0/16"]],
        [
            "handles both ends of the space",
            ["255.255.255.255/32", "0.0.0.0/0", "0.0.0.0/32"],
            ["0.0.0.0/0", "0.0.0.0/32", "255.255.255.255/32"],
        ],
    ];
    for (const [name, input, expected] of cases) {
        it(name, () => {
            expect(canonicalCidrs(input)).to.deep.equal(expected);
        });
    }

    it("warns once per entry with host bits set, naming both forms", () => {
        const warnings: string[] = [];
        canonicalCidrs(["10.1.2.3/24", "10.0.0.0/8", "10.1.2.3/24", "192.0.2.1/31"], {
            onWarning: (message) => warnings.push(message),
        });
        expect(warnings).to.deep.equal([
            "CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.",
            "CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.",
            "CIDR 192.0.2.1/31 has host bits set; using 192.0.2.0/31.",
        ]);
    });

    const invalid: [unknown, number][] = [
        ["10.0.0.0", 1],
        ["10.0.0.0/33", 1],
        ["256.0.0.0/8", 1],
        ["010.0.0.0/8", 1],
        [" 10.0.0.0/8", 1],
        ["2001:db8::/32", 1],
        ["", 1],
        [42, 1],
    ];
    for (const [entry, index] of invalid) {
        it(`names the index of the invalid entry ${JSON.stringify(entry)}`, () => {
            const error = invalidInput(() => canonicalCidrs(["10.0.0.0/8", entry as string, "9.0.0.0/8"]));
            expect(error.issues).to.deep.equal([String(index)]);
            expect(error.message).to.contain(`Entry ${index} (${JSON.stringify(entry)})`);
        });
    }

    it("refuses a list that is not an array", () => {
        invalidInput(() => canonicalCidrs(fromJavaScript("10.0.0.0/8")));
    });
});

describe("cidr: aggregateCidrs", () => {
    const cases: [string, string[], string[]][] = [
        ["empty", [], []],
        ["merges two adjacent halves", ["10.0.0.128/25", "10.0.0.0/25"], ["10.0.0.0/24"]],
        ["drops a nested range", ["10.0.0.0/8", "10.200.0.0/16", "10.0.0.7/32"], ["10.0.0.0/8"]],
        [
            "does not merge unaligned neighbours into one block",
            ["10.0.1.0/24", "10.0.2.0/24"],
            ["10.0.1.0/24", "10.0.2.0/24"],
        ],
        [
            "merges the aligned pair and keeps the rest",
            ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
            ["10.0.0.0/23", "10.0.2.0/24"],
        ],
        ["covers the whole space with /0", ["128.0.0.0/1", "0.0.0.0/1"], ["0.0.0.0/0"]],
        ["merges at the top of the space", ["255.255.255.255/32", "255.255.255.254/32"], ["255.255.255.254/31"]],
        [
            "splits a run into the fewest blocks",
            ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32"],
            ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32"],
        ],
        [
            "rebuilds a block from its four quarters",
            ["192.0.2.192/26", "192.0.2.0/26", "192.0.2.128/26", "192.0.2.64/26"],
            ["192.0.2.0/24"],
        ],
        ["zeroes host bits and removes duplicates", ["10.1.2.3/24", "10.1.2.0/24"], ["10.1.2.0/24"]],
        ["keeps separate ranges apart, sorted", ["198.51.100.0/24", "9.0.0.0/8"], ["9.0.0.0/8", "198.51.100.0/24"]],
    ];
    for (const [name, input, expected] of cases) {
        it(name, () => {
            expect(aggregateCidrs(input)).to.deep.equal(expected);
        });
    }

    it("names the index of an invalid entry", () => {
        expect(invalidInput(() => aggregateCidrs(["10.0.0.0/8", "bogus"])).issues).to.deep.equal(["1"]);
    });
});

describe("cidr: chunkCidrs", () => {
    const list = ["9.0.0.0/8", "10.0.0.0/8", "11.0.0.0/8", "12.0.0.0/8", "13.0.0.0/8"];
    const cases: [number, string[][]][] = [
        [1, [["9.0.0.0/8"], ["10.0.0.0/8"], ["11.0.0.0/8"], ["12.0.0.0/8"], ["13.0.0.0/8"]]],
        [2, [["9.0.0.0/8", "10.0.0.0/8"], ["11.0.0.0/8", "12.0.0.0/8"], ["13.0.0.0/8"]]],
        [5, [list]],
        [60, [list]],
    ];
    for (const [size, expected] of cases) {
        it(`splits 5 entries by ${size}`, () => {
            expect(chunkCidrs(list, size)).to.deep.equal(expected);
        });
    }

    it("gives no chunks for an empty list", () => {
        expect(chunkCidrs([], 3)).to.deep.equal([]);
    });

    for (const size of [0, -1, 1.5, Number.NaN]) {
        it(`refuses the chunk size ${size}`, () => {
            expect(invalidInput(() => chunkCidrs(list, size)).message).to.contain("Chunk size");
        });
    }

    it("names the index of an invalid entry", () => {
        expect(invalidInput(() => chunkCidrs(["10.0.0.0/8", "10.0.0.0/8", "x"], 2)).issues).to.deep.equal(["2"]);
    });
});

describe("cidr: cidrsContain", () => {
    const ranges = ["10.0.0.0/8", "192.0.2.0/24", "198.51.100.7/32"];
    const cases: [string, boolean][] = [
        ["10.0.0.0", true],
        ["10.255.255.255", true],
        ["9.255.255.255", false],
        ["11.0.0.0", false],
        ["192.0.2.0", true],
        ["192.0.2.255", true],
        ["192.0.3.0", false],
        ["198.51.100.7", true],
        ["198.51.100.6", false],
        ["198.51.100.8", false],
    ];
    for (const [ip, expected] of cases) {
        it(`${ip} is ${expected ? "in" : "not in"} the ranges`, () => {
            expect(cidrsContain(ranges, ip)).to.equal(expected);
        });
    }

    it("treats /0 as every address and an empty list as none", () => {
        expect(cidrsContain(["0.0.0.0/0"], "255.255.255.255")).to.equal(true);
        expect(cidrsContain([], "10.0.0.1")).to.equal(false);
    });

    it("uses the network of a range written with host bits", () => {
        expect(cidrsContain(["10.1.2.3/24"], "10.1.2.200")).to.equal(true);
    });

    it("refuses an address that is not IPv4", () => {
        expect(invalidInput(() => cidrsContain(ranges, "10.0.0.256")).message).to.contain('"10.0.0.256"');
    });

    it("names the index of an invalid range", () => {
        expect(invalidInput(() => cidrsContain(["10.0.0.0/8", "nope"], "10.0.0.1")).issues).to.deep.equal(["1"]);
    });
});
