// Command policypack is the compliance rules as a Pulumi policy pack, run
// by the Pulumi CLI during a preview or an update:
//
//	HARDENING_STACK=prod pulumi preview --stack prod --policy-pack ./policypack
//
// Critical and high findings are mandatory and fail the preview. The pack
// reads the suppressions of the stack named by HARDENING_STACK from
// Pulumi.<stack>.yaml in HARDENING_PROJECT_DIR (default "..", the project
// beside this directory); without HARDENING_STACK nothing is suppressed.
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
		sups, err := suppressions()
		if err != nil {
			return nil, err
		}
		return compliance.Pack(sups)
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func suppressions() ([]compliance.Suppression, error) {
	stack := os.Getenv("HARDENING_STACK")
	if stack == "" {
		return nil, nil
	}
	dir := os.Getenv("HARDENING_PROJECT_DIR")
	if dir == "" {
		dir = ".."
	}
	return compliance.ReadSuppressions(filepath.Join(dir, "Pulumi."+stack+".yaml"))
}
