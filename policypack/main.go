// Command policypack is the compliance rules as a Pulumi policy pack, run
// by the Pulumi CLI during a preview or an update:
//
//	pulumi preview --stack prod --policy-pack ./policypack
//
// Critical and high findings are mandatory and fail the preview. The pack
// judges each stack with that stack's suppressions, read from
// Pulumi.<stack>.yaml in the project directory: the stack is the one the
// engine names in the resources' URNs, and the project directory is the
// analyzer's working directory when it holds Pulumi.yaml (the engine starts
// the analyzer there), else its parent (the pack beside the project), or
// HARDENING_PROJECT_DIR. A stack file that cannot be read fails the
// preview rather than judging without suppressions.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/example/hardening/compliance"
)

func main() {
	if err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) {
		return compliance.Pack(suppressions)
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func suppressions(stack string) ([]compliance.Suppression, error) {
	if want := os.Getenv("HARDENING_STACK"); want != "" && want != stack {
		return nil, fmt.Errorf("HARDENING_STACK is %s, but the engine is judging %s", want, stack)
	}
	dir, err := compliance.ProjectDir(os.Getenv("HARDENING_PROJECT_DIR"))
	if err != nil {
		return nil, err
	}
	return compliance.ReadSuppressions(filepath.Join(dir, "Pulumi."+stack+".yaml"))
}
