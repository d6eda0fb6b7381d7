#!/usr/bin/env bash
# npm run pulumi-cli: builds the Pulumi CLI from source, pinned by tools/pulumi-cli/go.{mod,sum},
# into .tools/bin/ with the dynamic-provider launcher beside it.
#
# Why from source: the official tarball cannot be downloaded on these machines and no npm or PyPI
# package ships the binary; the Go module proxy serves its source. The Node.js language host
# (pulumi-language-nodejs) is not served by the proxy, so programs run as Automation API inline
# programs, which need only this binary and the launcher (see README, "Development").
#
# Cached: the binaries are kept under $PULUMI_ULTRAVOX_CACHE (default ~/.cache/pulumi-ultravox),
# keyed by the pinned versions, this script and the Go version; a second run copies them in seconds.
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
key=$(cat "$tools/go.mod" "$tools/go.sum" "$0" <(echo "$go_version") | sha256sum | cut -c1-16)
cache="${PULUMI_ULTRAVOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ultravox}/pulumi-cli-$key"

if [ ! -x "$cache/pulumi" ]; then
    say "building pulumi $cli_version with $go_version (first build: a few hundred MB of modules and several minutes of compiling on 2 cores)"
    start=$(date +%s)
    # Pinned: go.sum is committed and -mod=readonly refuses any change to it.
    export GOFLAGS="${GOFLAGS:-} -mod=readonly"
    if ! (cd "$tools" && go mod download 2>&1 | tail -n 20 >&2); then
        die "downloading modules failed: the build needs the Go module proxy ($(go env GOPROXY)). Check the network or GOPROXY, then run npm run pulumi-cli again."
    fi
    tmp="$cache.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    (cd "$tools" && go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$cli_version" \
        -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) || die "go build of the CLI failed (see above)."
    rm -rf "$cache"
    mv "$tmp" "$cache"
    say "built in $(($(date +%s) - start)) s: $cache/pulumi"
else
    say "pulumi $cli_version: cached build ($cache)"
fi

mkdir -p "$bin"
cp -f "$cache/pulumi" "$bin/pulumi.new"
mv -f "$bin/pulumi.new" "$bin/pulumi"

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

printf '%s\n' "$cli_version" >"$bin/.pulumi-version"
say "ready: $("$bin/pulumi" version) in .tools/bin (add it to PATH, or the tests and npm run demo find it there)"
