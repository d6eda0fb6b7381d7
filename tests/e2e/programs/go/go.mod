// The Go test programs of tests/e2e/multilangFaults.test.ts, built into the e2e driver
// (tests/e2e/drivers/go), whose go.mod and go.sum pin every dependency.
module ultravox-e2e-programs

go 1.26.6

require (
	github.com/pulumi/pulumi/sdk/v3 v3.276.0
	github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go v0.0.0
)

replace github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go => ../../../../provider/package/sdk/go
