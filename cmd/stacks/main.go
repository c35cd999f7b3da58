// Command stacks prints the project's workload stacks as the workflows'
// job matrix (JSON): one entry per Pulumi.<stack>.yaml of a workload stack
// with CI, non-production stacks first,
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
	// PreviewRoleVar, DeployRoleVar and DriftRoleVar name the repository
	// variables that hold the roles' ARNs (DEV_PREVIEW_ROLE_ARN for dev;
	// the bootstrap stack's ciRoleArns output).
	PreviewRoleVar string `json:"previewRoleVar"`
	DeployRoleVar  string `json:"deployRoleVar"`
	DriftRoleVar   string `json:"driftRoleVar"`
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

// matrix reads and validates every stack file in dir, together, and
// returns the workload stacks: bootstrap stacks are an administrator's to
// run, never CI's.
func matrix(dir string) ([]job, error) {
	stacks, err := stackconfig.LoadProject(dir)
	if err != nil {
		return nil, err
	}
	var jobs []job
	for _, s := range stacks {
		cfg := s.Config
		if cfg.Kind != stackconfig.WorkloadKind || cfg.Identity.CI.Repository == "" {
			continue
		}
		prefix := strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
		jobs = append(jobs, job{
			Stack: s.Name, Production: cfg.Production, Region: cfg.Region,
			PreviewEnvironment: cfg.Identity.CI.PreviewEnvironment, DeployEnvironment: cfg.Identity.CI.Environment,
			PreviewRoleVar: prefix + "_PREVIEW_ROLE_ARN", DeployRoleVar: prefix + "_DEPLOY_ROLE_ARN", DriftRoleVar: prefix + "_DRIFT_ROLE_ARN",
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
