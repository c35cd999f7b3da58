// Command plan shows what a stack would create, without an AWS account: it
// runs the real program under the mock harness with the stack's real
// Pulumi.<stack>.yaml and prints the resources as a component tree with a
// count per type, or as JSON.
//
//	go run ./cmd/plan -stack dev
//	go run ./cmd/plan -stack prod -json > prod-plan.json
//
// A configuration error prints every validation message and exits 1.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/mockaws"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/stackconfig"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "dev", "stack name: reads Pulumi.<stack>.yaml")
	dir := fs.String("dir", ".", "project directory (holds Pulumi.yaml)")
	asJSON := fs.Bool("json", false, "write JSON instead of the tree")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	s, err := mockaws.LoadStack(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 1
	}
	// Validate first, so that a config error reads as the list of its
	// problems rather than through the Pulumi runtime's error wrapping.
	if _, err := stackconfig.Parse(s.Value, s.IsSecret); err != nil {
		fmt.Fprintf(stderr, "plan: Pulumi.%s.yaml: %v\n", *stack, err)
		return 1
	}
	m, err := s.Run(baseline.Run)
	if err != nil {
		fmt.Fprintf(stderr, "plan: stack %s: %v\n", *stack, err)
		return 1
	}
	report := plan.NewReport(s.Project, s.Name, *dir, m.Resources())
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteTree(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return 1
	}
	return 0
}
