#!/usr/bin/env bash
# npm run pulumi-cli: builds the Pulumi CLI from source, pinned by tools/pulumi-cli/go.{mod,sum},
# into .tools/bin/ with the dynamic-provider launcher beside it; then what the other languages need:
# the YAML language host (tools/pulumi-yaml), the SDK generator (tools/sdkgen), a Python venv with
# the pinned Pulumi Python SDK (tools/python/requirements.txt, from PyPI) in .tools/python, and the
# Go modules of the Go example (from the Go module proxy); and what the release and its proof need
# (the Go module-proxy writer, verdaccio, rcodesign).
#
# Why from source: the official tarball cannot be downloaded on these machines and no npm or PyPI
# package ships the binary; the Go module proxy serves its source. The Node.js language host
# (pulumi-language-nodejs) is not served by the proxy, so programs run as Automation API inline
# programs, which need only this binary and the launcher (see README, "Development").
#
# Cached: the binaries are kept under $PULUMI_ULTRAVOX_CACHE (default ~/.cache/pulumi-ultravox),
# each keyed by its pinned module files, its build command and the Go version; a second run copies
# them in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools="$root/tools/pulumi-cli"
bin="$root/.tools/bin"

say() { printf 'pulumi-cli: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

command -v go >/dev/null ||
    die "Go is not on PATH. The CLI is built from source with Go >= 1.26 (https://go.dev/doc/install, or your distribution's golang package), then run npm run pulumi-cli again."
go_version=$(go env GOVERSION)
case "$go_version" in
go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
*) die "Go $go_version is too old: the pinned CLI (tools/pulumi-cli/go.mod) needs Go >= 1.26." ;;
esac

cli_version=$(sed -nE 's#^(require)?[[:space:]]*github\.com/pulumi/pulumi/pkg/v3 (v[^ ]+).*#\2#p' "$tools/go.mod")
[ -n "$cli_version" ] || die "tools/pulumi-cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3."
cache_root="${PULUMI_ULTRAVOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ultravox}"
# Pinned: each go.sum is committed and -mod=readonly refuses any change to it.
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

# build_cached and install_bin: safe when several builds run at once.
# shellcheck source=scripts/build-cached.sh
source "$root/scripts/build-cached.sh"

mkdir -p "$bin"
# The CLI's first build: a few hundred MB of modules and several minutes of compiling on 2 cores.
build_cached pulumi "$tools" "pulumi $cli_version" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$cli_version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
install_bin "$built" pulumi


# The engine starts dynamic providers as the plugin `pulumi-resource-pulumi-nodejs`, which the
# official distribution ships as a launcher for @pulumi/pulumi's cmd/dynamic-provider, resolved
# from the program's folder (the plugin's working directory), so the program's own SDK runs it.
cat >"$bin/pulumi-resource-pulumi-nodejs" <<'LAUNCHER'
#!/bin/sh
provider=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }))') || {
    echo "pulumi-resource-pulumi-nodejs: @pulumi/pulumi is not installed in $(pwd) or above it: run npm install there." >&2
    exit 1
}
exec node "$provider" "$@"
LAUNCHER
chmod +x "$bin/pulumi-resource-pulumi-nodejs"

# Pulumi YAML programs run through this language host (a module of its own: see its go.mod).
yaml_version=$(sed -nE 's#^(require)?[[:space:]]*github\.com/pulumi/pulumi-yaml (v[^ ]+).*#\2#p' "$root/tools/pulumi-yaml/go.mod")
build_cached pulumi-language-yaml "$root/tools/pulumi-yaml" "pulumi-language-yaml $yaml_version" \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" .
install_bin "$built" pulumi-language-yaml

# The generator of the ultravox package's Python and Go SDKs (npm run gen-sdks, and the test that
# checks the committed SDKs are current).
build_cached ultravox-sdkgen "$root/tools/sdkgen" "the SDK generator" .
install_bin "$built" ultravox-sdkgen

# Python: a venv with the pinned Pulumi SDK, rebuilt when the pins change.
requirements="$root/tools/python/requirements.txt"
venv="$root/.tools/python"
python=$(command -v python3 || true)
[ -n "$python" ] || die "python3 is not on PATH: the Python e2e tests and examples need Python >= 3.9 with venv (Debian: python3-venv)."
pins=$(cat "$requirements" <("$python" --version) | sha256sum | cut -c1-16)
if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$pins" ]; then
    say "installing the Python SDK ($(grep -E '^pulumi==' "$requirements")) into .tools/python from PyPI"
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "python3 -m venv failed: install the venv module (Debian: python3-venv)."
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" ||
        die "pip could not install tools/python/requirements.txt: the Python SDK comes from PyPI (check the network or PIP_INDEX_URL)."
    echo "$pins" >"$venv/.pins"
else
    say "Python SDK: $(grep -E '^pulumi==' "$requirements") in .tools/python"
fi

# Go: the modules of the Go example and its test driver, fetched now so the tests need no network.
(cd "$root/tests/e2e/drivers/go" && go mod download 2>&1 | tail -n 20 >&2) ||
    die "downloading the Go example's modules failed: they come from the Go module proxy ($(go env GOPROXY))."

# The release (npm run release) and its proof (tests/release/): the Go module-proxy writer, and
# verdaccio, the npm registry server the proof publishes to, pinned by tools/verdaccio's lock.
build_cached gomodzip "$root/tools/gomodzip" "the Go module-proxy writer" .
install_bin "$built" gomodzip
verdaccio="$root/.tools/verdaccio"
lock_key=$(cat "$root/tools/verdaccio/package-lock.json" <(node --version) | sha256sum | cut -c1-16)
if [ "$(cat "$verdaccio/.pins" 2>/dev/null)" != "$lock_key" ]; then
    say "installing verdaccio ($(sed -nE 's/.*"verdaccio": "([^"]+)".*/\1/p' "$root/tools/verdaccio/package.json" | head -n 1)) into .tools/verdaccio from npm"
    rm -rf "$verdaccio"
    mkdir -p "$verdaccio"
    cp "$root/tools/verdaccio/package.json" "$root/tools/verdaccio/package-lock.json" "$verdaccio/"
    (cd "$verdaccio" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2) ||
        die "npm could not install verdaccio (tools/verdaccio): it comes from the npm registry ($(npm config get registry))."
    echo "$lock_key" >"$verdaccio/.pins"
else
    say "verdaccio: in .tools/verdaccio"
fi

# rcodesign (the Rust crate apple-codesign, pinned): signs the release's macOS executables ad hoc
# on Linux, and verifies them in the release proof. Without cargo the release makes no macOS
# plugin (it says so) and the rest still builds.
if command -v cargo >/dev/null; then
    build_cargo_cached apple-codesign 0.29.0 rcodesign "rcodesign (apple-codesign 0.29.0)" --no-default-features
    install_bin "$built" rcodesign
else
    say "cargo is not on PATH: rcodesign is not built, so npm run release cannot sign the macOS executables (install Rust, e.g. your distribution's cargo package, then run npm run pulumi-cli again)."
fi

printf '%s\n' "$cli_version" >"$bin/.pulumi-version"
say "ready: $("$bin/pulumi" version) in .tools/bin (add it to PATH, or the tests and npm run demo find it there)"
