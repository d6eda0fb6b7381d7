/**
 * Windows executables (PE/COFF): the official node.exe carries an Authenticode signature, a
 * certificate table appended at the end of the file and named by the optional header's security
 * data directory. Injecting the SEA blob rewrites the file, which leaves that table invalid
 * (postject warns "The signature seems corrupted!"). So it is removed first, as signing tools do:
 * the directory entry zeroed, the table cut off the end, the header checksum computed again. The
 * release ships the executable unsigned; the proof checks it with a PE parser (pefile).
 */

const fs = require("node:fs");

const PE32_PLUS = 0x20b;
const PE32 = 0x10b;
const SECURITY_DIRECTORY = 4;

/** Where the fields this needs are, or an error naming what is not a PE file. */
function layout(bytes) {
    if (bytes.length < 0x40 || bytes.toString("latin1", 0, 2) !== "MZ") throw new Error("not a PE file (no MZ header)");
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 24 > bytes.length || bytes.toString("latin1", pe, pe + 4) !== "PE\0\0")
        throw new Error("not a PE file (no PE signature)");
    const optional = pe + 24;
    const magic = bytes.readUInt16LE(optional);
    if (magic !== PE32_PLUS && magic !== PE32) throw new Error(`unknown optional header magic 0x${magic.toString(16)}`);
    const directories = optional + (magic === PE32_PLUS ? 112 : 96);
    const count = bytes.readUInt32LE(directories - 4);
    if (count <= SECURITY_DIRECTORY) return { checksum: optional + 64, security: undefined };
    return { checksum: optional + 64, security: directories + SECURITY_DIRECTORY * 8 };
}

/** The PE header checksum (as Windows' CheckSumMappedFile computes it), the checksum field read as 0. */
function peChecksum(bytes, checksumOffset) {
    let sum = 0;
    for (let offset = 0; offset < bytes.length; offset += 2) {
        if (offset === checksumOffset || offset === checksumOffset + 2) continue;
        const word = offset + 1 < bytes.length ? bytes.readUInt16LE(offset) : bytes[offset];
        sum += word;
        sum = (sum & 0xffff) + (sum >>> 16);
    }
    sum = (sum & 0xffff) + (sum >>> 16);
    return (sum + bytes.length) >>> 0;
}

/**
 * Removes the Authenticode signature of the executable at `file` in place. Returns whether there
 * was one. Refuses a certificate table that is not at the end of the file (it cannot be cut off
 * without moving what follows).
 */
function removeSignature(file) {
    const bytes = fs.readFileSync(file);
    const { checksum, security } = layout(bytes);
    if (security === undefined) return false;
    const offset = bytes.readUInt32LE(security);
    const size = bytes.readUInt32LE(security + 4);
    if (offset === 0 && size === 0) return false;
    // The table is 8-byte aligned, so padding may follow it; nothing else may.
    const end = offset + size;
    if (offset > bytes.length || end > bytes.length || bytes.length - end >= 8)
        throw new Error(`${file}: the certificate table (${offset}+${size}) is not at the end of the file`);
    const stripped = Buffer.from(bytes.subarray(0, offset));
    stripped.writeUInt32LE(0, security);
    stripped.writeUInt32LE(0, security + 4);
    stripped.writeUInt32LE(peChecksum(stripped, checksum), checksum);
    fs.writeFileSync(file, stripped);
    return true;
}

/** Recomputes the header checksum of the executable at `file` (after the injection changed it). */
function fixChecksum(file) {
    const bytes = fs.readFileSync(file);
    const { checksum } = layout(bytes);
    bytes.writeUInt32LE(peChecksum(bytes, checksum), checksum);
    fs.writeFileSync(file, bytes);
}

module.exports = { fixChecksum, peChecksum, removeSignature };
