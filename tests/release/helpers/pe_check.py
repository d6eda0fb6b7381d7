"""The release proof's look at a Windows executable, with pefile: prints JSON on stdout.

security: the certificate table's directory entry [file offset, size] ([0, 0]: unsigned);
length and sectionsEnd: the file's size and where its last section ends (equal: nothing
appended, no leftover signature bytes); checksum: the header's and the one pefile computes;
resources: the names of RCDATA resources (the injected NODE_SEA_BLOB); machine; warnings:
pefile's, less the two kinds the official node.exe itself gives (its export table holds more
than 8192 symbols; V8's chained unwind entries), so that any other is new.
"""

import json
import re
import sys

import pefile

KNOWN_IN_NODE = re.compile(
    r"^(Export directory contains more than 8192 symbol entries\. Assuming corrupt\.|"
    r"Failed parsing FunctionEntry of UNWIND_INFO at [0-9a-f]+: 'Chained function entry cannot be changed')$"
)

path = sys.argv[1]
headers = pefile.PE(path, fast_load=True)
checksum = {"header": headers.OPTIONAL_HEADER.CheckSum, "computed": headers.generate_checksum()}
pe = pefile.PE(path)
security = pe.OPTIONAL_HEADER.DATA_DIRECTORY[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_SECURITY"]]
resources = []
for kind in pe.DIRECTORY_ENTRY_RESOURCE.entries if hasattr(pe, "DIRECTORY_ENTRY_RESOURCE") else []:
    if kind.id == pefile.RESOURCE_TYPE["RT_RCDATA"]:
        resources += [str(entry.name) for entry in kind.directory.entries if entry.name is not None]
print(
    json.dumps(
        {
            "machine": hex(pe.FILE_HEADER.Machine),
            "security": [security.VirtualAddress, security.Size],
            "length": len(pe.__data__),
            "sectionsEnd": max(s.PointerToRawData + s.SizeOfRawData for s in pe.sections),
            "checksum": checksum,
            "resources": sorted(resources),
            "warnings": [w for w in pe.get_warnings() if not KNOWN_IN_NODE.match(w)],
        }
    )
)
