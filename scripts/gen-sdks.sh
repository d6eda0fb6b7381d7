#!/usr/bin/env bash
# npm run gen-sdks [-- <folder>]: writes the ultravox package's Python and Go SDKs, generated from
# the schema in provider/package/schema.ts by .tools/bin/ultravox-sdkgen (tools/sdkgen, built by
# npm run pulumi-cli), into provider/package/sdk/ (or <folder>, which the currency test uses).
# The SDKs are never edited by hand: change the schema and run this.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-provider/package/sdk}"
sdkgen=.tools/bin/ultravox-sdkgen
[ -x "$sdkgen" ] || {
    echo "gen-sdks: $sdkgen is missing: run npm run pulumi-cli first (it builds it with the CLI)." >&2
    exit 1
}
npm run build --silent
schema=$(mktemp)
trap 'rm -f "$schema"' EXIT
node -e 'process.stdout.write(`${JSON.stringify(require("./dist/package/schema").packageSchema, null, 2)}\n`)' >"$schema"
"$sdkgen" -schema "$schema" -out "$out" -readme provider/package/sdk-README.md -license LICENSE
# The schema the Pulumi Registry reads (and the plugin serves): committed beside package.json.
if [ "$out" = provider/package/sdk ]; then cp "$schema" schema.json; fi
echo "gen-sdks: wrote $out/python and $out/go" >&2
