// The module-proxy writer of npm run release (scripts/release.js): a module of its own, so that
// its one dependency is pinned by this go.sum.
module pulumi-ultravox/tools/gomodzip

go 1.26.0

require golang.org/x/mod v0.42.0
