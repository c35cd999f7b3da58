// Command stacks prints the project's stacks as the workflows' job matrix
// (JSON): one entry per Pulumi.<stack>.yaml, non-production stacks first,
// each with the GitHub environments and the repository variables that
// hold its roles. The stack files are the one list of stacks.
//
//	go run ./cmd/stacks        # [{"stack":"dev",...},{"stack":"prod",...}]
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/stackconfig"
)

// job is one stack's entry in the workflows' matrix.
type job struct {
	Stack      string `json:"stack"`
	Production bool   `json:"production"`
	Region     string `json:"region"`
	// PreviewEnvironment and DeployEnvironment are the GitHub
	// environments the jobs run in ("" for none), from identity.ci.
	PreviewEnvironment string `json:"previewEnvironment"`
	DeployEnvironment  string `json:"deployEnvironment"`
	// PreviewRoleVar and DeployRoleVar name the repository variables that
	// hold the roles' ARNs (DEV_PREVIEW_ROLE_ARN for dev).
	PreviewRoleVar string `json:"previewRoleVar"`
	DeployRoleVar  string `json:"deployRoleVar"`
}

func main() {
	if err := write(os.Stdout, "."); err != nil {
		fmt.Fprintln(os.Stderr, "stacks:", err)
		os.Exit(1)
	}
}

func write(w io.Writer, dir string) error {
	jobs, err := matrix(dir)
	if err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(jobs)
}

// matrix reads and validates every stack file in dir.
func matrix(dir string) ([]job, error) {
	names, err := mockaws.StackNames(dir)
	if err != nil {
		return nil, err
	}
	var jobs []job
	for _, name := range names {
		s, err := mockaws.LoadStack(dir, name)
		if err != nil {
			return nil, err
		}
		cfg, err := stackconfig.ParseKeys(s.Keys(), s.Value, s.IsSecret)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.%s.yaml: %w", name, err)
		}
		prefix := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		jobs = append(jobs, job{
			Stack: name, Production: cfg.Production, Region: s.Region,
			PreviewEnvironment: cfg.Identity.CI.PreviewEnvironment, DeployEnvironment: cfg.Identity.CI.Environment,
			PreviewRoleVar: prefix + "_PREVIEW_ROLE_ARN", DeployRoleVar: prefix + "_DEPLOY_ROLE_ARN",
		})
	}
	// Deployments run in this order: a production stack after the others.
	slices.SortStableFunc(jobs, func(a, b job) int {
		switch {
		case a.Production == b.Production:
			return 0
		case a.Production:
			return 1
		}
		return -1
	})
	return jobs, nil
}
