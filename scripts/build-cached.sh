# Sourced by scripts/pulumi-cli.sh (and its test): build_cached, which builds one binary of a
# pinned Go module into the cache shared by every checkout on the machine. Several builds may run
# at once (two checkouts' npm test, CI beside a developer): each key is built under a lock
# (flock, where util-linux has it) and published by renaming a complete folder into place, never
# by replacing one another build may be reading.
# Needs: $cache_root, $go_version, and the functions say and die.

# cached_or_locked <what> <cache> <built>: true when <built> is there (built before, or by another
# run while this one waited); else false, holding the key's lock in $build_lock_fd until
# publish_build releases it. One build of a key at a time: the others wait here, then find it built.
cached_or_locked() {
    local what=$1 cache=$2 built=$3
    build_lock_fd=
    if [ -x "$built" ]; then
        say "$what: cached build ($cache)"
        return 0
    fi
    mkdir -p "$cache_root"
    if command -v flock >/dev/null; then
        exec {build_lock_fd}>"$cache.lock"
        flock "$build_lock_fd"
        if [ -x "$built" ]; then
            exec {build_lock_fd}>&-
            build_lock_fd=
            say "$what: cached build ($cache), built by another run meanwhile"
            return 0
        fi
    fi
    return 1
}

# publish_build <what> <tmp> <cache> <built> <start>: moves a complete build into place and
# releases the lock cached_or_locked took.
publish_build() {
    local what=$1 tmp=$2 cache=$3 built=$4 start=$5
    # A folder without its binary (a build from before this lock) is moved aside, not reused.
    if [ -e "$cache" ] && [ ! -x "$built" ]; then
        mv "$cache" "$cache.stale.$$" && rm -rf "$cache.stale.$$"
    fi
    # rename(2) of the complete folder: a reader sees all of it or none. Where another run
    # published it first (no flock), that copy is kept and this one dropped.
    if ! mv -T "$tmp" "$cache" 2>/dev/null; then
        rm -rf "$tmp"
        [ -x "$built" ] || die "could not move the build of $what into $cache."
    fi
    [ -z "${build_lock_fd:-}" ] || exec {build_lock_fd}>&-
    build_lock_fd=
    say "built $what in $(($(date +%s) - start)) s: $built"
}

# build_cached <name> <module dir> <what> <go build arguments...>: builds one binary of a pinned
# wrapper module into $cache_root/<name>-<key> unless it is there, and leaves its path in $built.
build_cached() {
    local name=$1 module=$2 what=$3
    shift 3
    local key cache tmp start
    key=$(cat "$module/go.mod" "$module/go.sum" "$module"/*.go <(echo "$go_version $*") | sha256sum | cut -c1-16)
    cache="$cache_root/$name-$key"
    built="$cache/$name"
    cached_or_locked "$what" "$cache" "$built" && return
    say "building $what with $go_version"
    start=$(date +%s)
    if ! (cd "$module" && go mod download 2>&1 | tail -n 20 >&2); then
        die "downloading modules for $what failed: the build needs the Go module proxy ($(go env GOPROXY)). Check the network or GOPROXY, then run npm run pulumi-cli again."
    fi
    tmp="$cache.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # In the background, with a line every 30 s: a cold build takes minutes and says nothing itself.
    (cd "$module" && go build -trimpath -o "$tmp/$name" "$@") &
    local pid=$! waited=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        waited=$((waited + 1))
        if [ $((waited % 30)) -eq 0 ]; then say "still building $what ($waited s)"; fi
    done
    wait "$pid" || {
        rm -rf "$tmp"
        die "go build of $what failed (see above)."
    }
    publish_build "$what" "$tmp" "$cache" "$built" "$start"
}

# install_bin <file> <name>: copies a built binary into $bin atomically (a name of its own per run).
install_bin() {
    cp -f "$1" "$bin/$2.new.$$"
    mv -f "$bin/$2.new.$$" "$bin/$2"
}

# build_cargo_cached <crate> <version> <binary> <what> <cargo install arguments...>: installs a
# crate's binary with cargo (--locked: the crate's own Cargo.lock, whose checksums cargo checks
# against the registry's) into $cache_root/<binary>-<key> unless it is there, under the same lock
# and rename as build_cached; leaves its path in $built.
build_cargo_cached() {
    local crate=$1 version=$2 name=$3 what=$4
    shift 4
    local key cache tmp start
    key=$(echo "$crate $version $(cargo --version) $*" | sha256sum | cut -c1-16)
    cache="$cache_root/$name-$key"
    built="$cache/bin/$name"
    cached_or_locked "$what" "$cache" "$built" && return
    say "building $what with $(cargo --version) (once per machine: several minutes)"
    start=$(date +%s)
    tmp="$cache.tmp.$$"
    rm -rf "$tmp"
    cargo install "$crate" --version "=$version" --locked --root "$tmp" "$@" 2>&1 | tail -n 20 >&2 || true
    [ -x "$tmp/bin/$name" ] || {
        rm -rf "$tmp"
        die "cargo install $crate $version failed (see above): it needs crates.io (check the network, or CARGO_REGISTRIES_*)."
    }
    publish_build "$what" "$tmp" "$cache" "$built" "$start"
}
