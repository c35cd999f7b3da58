// Command hardening is the Pulumi program of the AWS security-hardening
// baseline. Run it with `pulumi up`; see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/baseline"
)

func main() {
	pulumi.Run(baseline.Run)
}
