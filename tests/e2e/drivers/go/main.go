// Command driver runs examples/go-stack-outputs (or a test program of tests/e2e/programs/go, by
// name) as an Automation API inline program: the Go language host is not served by the Go module
// proxy, and an inline program needs only the CLI.
//
//	driver <up|preview|refresh> <project folder> <stack> [example|read|explicit|plain|managed|adopt|registration]
//
// The project folder's Pulumi.yaml (plugins, name) is used as it is; the engine's output goes to
// stdout and stderr, and a failed operation exits 1 with its error.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"ultravox-e2e-programs"
	"ultravox-go-stack-outputs/program"
)

// The programs a run may choose; "example" is the default.
var runs = map[string]pulumi.RunFunc{
	"example":      program.Run,
	"read":         programs.Read,
	"explicit":     programs.Explicit,
	"plain":        programs.Plain,
	"managed":      programs.Managed,
	"adopt":        programs.Adopt,
	"registration": programs.Registration,
}

func main() {
	if len(os.Args) != 4 && len(os.Args) != 5 {
		fail(fmt.Errorf("usage: driver <up|preview|refresh> <project folder> <stack> [example|read|explicit|plain|managed|adopt|registration]"))
	}
	operation, workDir, stackName := os.Args[1], os.Args[2], os.Args[3]
	name := "example"
	if len(os.Args) == 5 {
		name = os.Args[4]
	}
	run, known := runs[name]
	if !known {
		fail(fmt.Errorf("unknown program %q", name))
	}
	ctx := context.Background()

	workspace, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(workDir), auto.Program(run))
	if err != nil {
		fail(err)
	}
	stack, err := auto.SelectStack(ctx, stackName, workspace)
	if err != nil {
		fail(err)
	}
	switch operation {
	case "up":
		_, err = stack.Up(ctx, optup.ProgressStreams(os.Stdout), optup.ErrorProgressStreams(os.Stderr))
	case "preview":
		_, err = stack.Preview(ctx, optpreview.ProgressStreams(os.Stdout), optpreview.ErrorProgressStreams(os.Stderr))
	case "refresh":
		_, err = stack.Refresh(ctx, optrefresh.ProgressStreams(os.Stdout), optrefresh.ErrorProgressStreams(os.Stderr))
	default:
		err = fmt.Errorf("unknown operation %q", operation)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "driver: %v\n", err)
	os.Exit(1)
}
