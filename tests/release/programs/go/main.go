// A fresh Go module's program: the ultravox SDK as `go get` fetched it through the module proxy,
// run as an Automation API inline program (the Go language host is not served here) on the stack
// the test made with the CLI. Prints the stack's outputs as JSON on its last line.
//
//	go run . <project folder> <stack>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"MODULE_PATH/ultravox"
)

func program(ctx *pulumi.Context) error {
	config, err := ultravox.LookupSipConfig(ctx)
	if err != nil {
		return err
	}
	ctx.Export("domain", pulumi.String(config.Domain))
	ctx.Export("allowedCidrRanges", pulumi.ToStringArray(config.AllowedCidrRanges))
	return nil
}

func main() {
	ctx := context.Background()
	dir, stackName := os.Args[1], os.Args[2]
	workspace, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(dir), auto.Program(program))
	if err != nil {
		fail(err)
	}
	stack, err := auto.SelectStack(ctx, stackName, workspace)
	if err != nil {
		fail(err)
	}
	result, err := stack.Up(ctx, optup.ErrorProgressStreams(os.Stderr), optup.ProgressStreams(os.Stderr))
	if err != nil {
		fail(err)
	}
	outputs := map[string]any{}
	for name, output := range result.Outputs {
		outputs[name] = output.Value
	}
	encoded, err := json.Marshal(outputs)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(encoded))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "release-go: %v\n", err)
	os.Exit(1)
}
