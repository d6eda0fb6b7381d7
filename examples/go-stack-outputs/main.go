// Reads the account's SIP config and exports what other stacks need, as examples/stack-outputs does.
// The program itself is in package program, so the e2e suite can also run it through the Automation API.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"ultravox-go-stack-outputs/program"
)

func main() {
	pulumi.Run(program.Run)
}
