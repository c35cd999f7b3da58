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
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/mockaws"
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
	s, err := mockaws.LoadStack(dir, stack)
	if err != nil {
		return nil, fmt.Errorf("policy pack: %w", err)
	}
	raw, ok := s.Value("compliance")
	if !ok {
		return nil, nil
	}
	var c struct {
		Suppressions []compliance.Suppression `json:"suppressions"`
	}
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, fmt.Errorf("policy pack: Pulumi.%s.yaml hardening:compliance: %w", stack, err)
	}
	return c.Suppressions, nil
}
