// pulumi-language-yaml for this repo: upstream's YAML language host (pulumi-yaml v1.25.0, the
// newest the Go module proxy serves), served as upstream's own main does, plus one RPC it lacks.
//
// Why: from CLI v3.2xx on, `pulumi package add` asks the project's language host to Link the
// package; before that the CLI itself skipped linking for YAML, since a YAML program needs nothing
// more than the `packages:` entry the CLI writes. v1.25.0 predates the RPC and answers
// UNIMPLEMENTED, so `package add` failed after generating the SDK. Link here answers what that
// older CLI did: nothing to link, and a one-line instruction.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi-yaml/pkg/server"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// yamlHost is upstream's host with Link answered.
type yamlHost struct {
	pulumirpc.LanguageRuntimeServer
}

func (yamlHost) Link(_ context.Context, request *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	names := ""
	for i, dependency := range request.GetPackages() {
		if i > 0 {
			names += ", "
		}
		names += dependency.GetPackage().GetName()
	}
	return &pulumirpc.LinkResponse{
		ImportInstructions: fmt.Sprintf("Use %s in this YAML program by its type tokens (no import is needed).", names),
	}, nil
}

func main() {
	var tracing, root, compiler string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	flag.StringVar(&root, "root", "", "Root of the program execution")
	flag.StringVar(&compiler, "compiler", "", "[obsolete] Compiler to use to pre-process YAML")
	flag.Parse()
	logging.InitLogging(false, 0, false)
	cmdutil.InitTracing("pulumi-language-yaml", "pulumi-language-yaml", tracing)

	var engineAddress string
	var cancel chan bool
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
		cancel = stopWhenEngineGoes(engineAddress)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, yamlHost{server.NewLanguageHost(engineAddress, tracing, false)})
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	// The engine reads the port from the first line.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

// stopWhenEngineGoes closes the returned channel on SIGINT or when the engine stops answering.
func stopWhenEngineGoes(engineAddress string) chan bool {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		stop()
		close(cancel)
	}()
	if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
		cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
	}
	return cancel
}
