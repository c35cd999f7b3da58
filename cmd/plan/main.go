// Command plan shows what a stack would create and judges it against the
// compliance rules, without an AWS account: it runs the real program under
// the mock harness with the stack's real Pulumi.<stack>.yaml.
//
//	go run ./cmd/plan -stack dev                      # tree, counts and findings table
//	go run ./cmd/plan -stack prod -json               # the plan as JSON
//	go run ./cmd/plan -stack prod -format sarif       # findings as SARIF 2.1.0
//	go run ./cmd/plan -stack prod -format markdown    # findings for a pull-request comment
//	go run ./cmd/plan -stack prod -format tfplan      # the plan as Terraform plan JSON, for plan scanners
//	go run ./cmd/plan -stack prod -from-preview p.json -format json
//	go run ./cmd/plan -stack prod -from-preview p.json -guard
//
// With -from-preview the rules judge a real `pulumi preview --json` file
// instead of the mock-recorded graph; -guard then also fails a replacement
// or deletion of a key, secret, user pool, log bucket or group, trail or
// load balancer unless its URN is given with -allow-replace. A configuration error prints every
// validation message and exits 1; so do blocking findings (mandatory and
// not suppressed) and suppressions that match nothing.
package main

import (
	"os"

	"github.com/example/hardening/plan"
)

func main() {
	os.Exit(plan.Command(os.Args[1:], os.Stdout, os.Stderr))
}
