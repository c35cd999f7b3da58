package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/stackconfig"
)

func TestMatrixOfTheProject(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, write(&buf, filepath.Join("..", "..")))
	var jobs []job
	require.NoError(t, json.Unmarshal(buf.Bytes(), &jobs))
	stacks, err := stackconfig.LoadProject(filepath.Join("..", ".."))
	require.NoError(t, err)
	var workloads []string
	for _, s := range stacks {
		if s.Config.Kind == stackconfig.WorkloadKind {
			workloads = append(workloads, s.Name)
		} else {
			assert.NotContains(t, buf.String(), `"stack":"`+s.Name+`"`, "a bootstrap stack is never CI's")
		}
	}
	require.Len(t, jobs, len(workloads), "one job per workload stack")
	seenProduction := false
	for _, j := range jobs {
		assert.FileExists(t, filepath.Join("..", "..", "Pulumi."+j.Stack+".yaml"))
		assert.NotEmpty(t, j.Region, j.Stack)
		assert.False(t, seenProduction && !j.Production, "%s comes after a production stack", j.Stack)
		seenProduction = seenProduction || j.Production
		if j.Production {
			assert.NotEmpty(t, j.PreviewEnvironment, "%s previews only from an environment with reviewers", j.Stack)
			assert.NotEmpty(t, j.DeployEnvironment, "%s deploys only from an environment", j.Stack)
		}
	}
	assert.True(t, seenProduction, "the project has a production stack")
}

// TestMatrixRefusesABrokenStackFile: a stack file that does not validate
// fails the matrix, so no workflow job runs on it.
func TestMatrixRefusesABrokenStackFile(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi.dev.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.qa.yaml"), []byte("config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: [\"111122223333\"]\n  hardening:network:\n    azCount: 9\n"), 0o600))
	_, err := matrix(dir)
	assert.ErrorContains(t, err, "Pulumi.qa.yaml")
	assert.ErrorContains(t, err, "network.azCount")

	_, err = matrix(t.TempDir())
	assert.ErrorContains(t, err, "holds no Pulumi.<stack>.yaml")
}
