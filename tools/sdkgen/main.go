// Command sdkgen writes the ultravox package's Python and Go SDKs from its schema, with the code
// generators of the pinned pkg/v3 (the same ones `pulumi package gen-sdk` reaches through the
// Python and Go language hosts, which the Go module proxy does not serve here).
//
//	npm run gen-sdks   (or: ultravox-sdkgen -schema schema.json -out provider/package/sdk)
//
// It replaces <out>/python and <out>/go entirely, so a stale file cannot survive a regeneration.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-ultravox sdkgen"

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	out := flag.String("out", "", "the folder that receives python/ and go/")
	readme := flag.String("readme", "", "the README each SDK carries (the Python package's long description)")
	license := flag.String("license", "", "the LICENSE each SDK carries")
	flag.Parse()
	if *schemaPath == "" || *out == "" || *readme == "" || *license == "" {
		fail(fmt.Errorf("usage: sdkgen -schema <schema.json> -out <folder> -readme <README.md> -license <LICENSE>"))
	}
	if err := run(*schemaPath, *out, *readme, *license); err != nil {
		fail(err)
	}
}

func run(schemaPath, out, readmePath, licensePath string) error {
	// The Python generator's pyproject.toml names README.md as the long description; setuptools
	// puts LICENSE in both dists. The Go module carries them too (a module proxy's zip has only
	// the module's folder).
	extra := map[string][]byte{}
	for name, file := range map[string]string{"README.md": readmePath, "LICENSE": licensePath} {
		content, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		extra[name] = content
	}
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	// BindSpec validates against the metaschema. The package references no other package, so a
	// loader that knows none is enough.
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %v", schemaPath, diags)
	}

	pythonFiles, err := python.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		return fmt.Errorf("python: %w", err)
	}
	goFiles, err := gogen.GeneratePackage(tool, pkg, nil)
	if err != nil {
		return fmt.Errorf("go: %w", err)
	}
	for name, content := range extra {
		pythonFiles[name] = content
		goFiles[name] = content
	}
	if err := write(filepath.Join(out, "python"), pythonFiles); err != nil {
		return err
	}
	return write(filepath.Join(out, "go"), goFiles)
}

func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, content := range files {
		file := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
	os.Exit(1)
}
