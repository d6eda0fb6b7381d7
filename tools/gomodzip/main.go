// Command gomodzip writes one version of a Go module in the module proxy's layout
// (`go help goproxy`): <out>/<escaped module path>/@v/{list,<v>.info,<v>.mod,<v>.zip}. The zip is
// made by golang.org/x/mod/zip, the go command's own rules (file set, size limits, paths), so the
// go command accepts what a real proxy would serve.
//
//	gomodzip -dir provider/package/sdk/go -module <path> -version v0.1.0 -time <RFC 3339> -out <goproxy>
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/zip"
)

func main() {
	dir := flag.String("dir", "", "the module's folder (holds go.mod)")
	path := flag.String("module", "", "the module path go.mod must declare")
	version := flag.String("version", "", "the semantic version, with its v")
	stamp := flag.String("time", "", "the version's time (RFC 3339), for .info")
	out := flag.String("out", "", "the proxy tree's root")
	flag.Parse()
	if err := run(*dir, *path, *version, *stamp, *out); err != nil {
		fmt.Fprintf(os.Stderr, "gomodzip: %v\n", err)
		os.Exit(1)
	}
}

func run(dir, path, version, stamp, out string) error {
	if dir == "" || path == "" || version == "" || stamp == "" || out == "" {
		return fmt.Errorf("usage: gomodzip -dir <module folder> -module <path> -version <vX.Y.Z> -time <RFC 3339> -out <folder>")
	}
	if !semver.IsValid(version) || semver.Canonical(version) != version {
		return fmt.Errorf("%q is not a canonical semantic version (vX.Y.Z)", version)
	}
	when, err := time.Parse(time.RFC3339, stamp)
	if err != nil {
		return fmt.Errorf("-time: %w", err)
	}
	modBytes, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	declared := modfile.ModulePath(modBytes)
	if declared != path {
		return fmt.Errorf("%s/go.mod declares module %q, not %q", dir, declared, path)
	}
	release := module.Version{Path: path, Version: version}
	if err := module.Check(path, version); err != nil {
		return err
	}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return err
	}
	vdir := filepath.Join(out, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	zipFile, err := os.Create(filepath.Join(vdir, version+".zip"))
	if err != nil {
		return err
	}
	if err := zip.CreateFromDir(zipFile, release, dir); err != nil {
		zipFile.Close()
		return err
	}
	if err := zipFile.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(vdir, version+".mod"), modBytes, 0o644); err != nil {
		return err
	}
	info, err := json.Marshal(map[string]string{"Version": version, "Time": when.UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(vdir, version+".info"), info, 0o644); err != nil {
		return err
	}
	// list: every version the tree holds, one a line, this one added once.
	listPath := filepath.Join(vdir, "list")
	known, _ := os.ReadFile(listPath)
	versions := []string{}
	for _, line := range strings.Split(string(known), "\n") {
		if line != "" && line != version {
			versions = append(versions, line)
		}
	}
	versions = append(versions, version)
	semver.Sort(versions)
	return os.WriteFile(listPath, []byte(strings.Join(versions, "\n")+"\n"), 0o644)
}
