package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/stackconfig"
)

// projectCopy copies Pulumi.yaml and a stack file into a temporary project
// whose rotation artifact is the tests' stand-in, so that the plan command
// runs as the workflow runs it without a built zip in the repository.
func projectCopy(t *testing.T, stack string, edits ...func(cfg map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), b, 0o600))
	// The other stack files as they are: the account's bootstrap, which
	// the stack's boundary comes from, among them.
	others, err := filepath.Glob(filepath.Join("..", "Pulumi.*.yaml"))
	require.NoError(t, err)
	for _, f := range others {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), raw, 0o600))
	}
	b, err = os.ReadFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(b, &doc))
	cfg := doc["config"].(map[string]any)
	if cfg["hardening:kind"] != string(stackconfig.Bootstrap) {
		secrets, _ := cfg["hardening:secrets"].(map[string]any)
		if secrets == nil {
			secrets = map[string]any{}
		}
		secrets["rotationArtifact"] = artifact
		cfg["hardening:secrets"] = secrets
	}
	for _, e := range edits {
		e(cfg)
	}
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), out, 0o600))
	return dir
}

// runPlan runs the plan command and returns its exit code and output.
func runPlan(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := plan.Command(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPlanCommandAsTheWorkflowRunsIt(t *testing.T) {
	root, _ := filepath.Abs("..")
	for _, stack := range stacks {
		dir := projectCopy(t, stack)
		t.Run(stack+"/sarif", func(t *testing.T) {
			code, out, errOut := runPlan("-stack", stack, "-dir", dir, "-source-root", root, "-format", "sarif")
			require.Equal(t, 0, code, "exit code; stderr: %s", errOut)
			var probe struct{ Runs []struct{ Results []any } }
			require.NoError(t, json.Unmarshal([]byte(out), &probe))
			checkSARIF(t, []byte(out), root, len(probe.Runs[0].Results))
		})
		t.Run(stack+"/markdown", func(t *testing.T) {
			code, out, errOut := runPlan("-stack", stack, "-dir", dir, "-format", "markdown")
			require.Equal(t, 0, code, "exit code; stderr: %s", errOut)
			assert.True(t, strings.HasPrefix(out, compliance.MarkdownMarker(stack)+"\n"), "markdown:\n%s", out)
			assert.Contains(t, out, "✅ passes", "markdown")
			assert.Contains(t, out, "suppressed", "markdown")
		})
	}
	t.Run("blocking findings fail the command", func(t *testing.T) {
		// Without its suppressions dev's AUDIT threat protection blocks.
		dir := projectCopy(t, "dev", func(cfg map[string]any) { delete(cfg, "hardening:compliance") })
		code, out, errOut := runPlan("-stack", "dev", "-dir", dir, "-format", "markdown")
		assert.Equal(t, 1, code, "exit code\n%s\n%s", out, errOut)
		assert.Contains(t, out, "❌", "stdout")
		assert.Contains(t, errOut, "blocking finding", "stderr")
	})
}

// previewOf renders a run as `pulumi preview --json` would (the shape the
// shared field notes record; the CLI cannot run here), every resource with
// op "same" unless ops names another for its type.
func previewOf(m *mockaws.Mocks, ops map[string]string) []byte {
	type state struct {
		Type                 string              `json:"type"`
		ID                   string              `json:"id,omitempty"`
		Custom               bool                `json:"custom"`
		Inputs               map[string]any      `json:"inputs"`
		Parent               string              `json:"parent"`
		Dependencies         []string            `json:"dependencies"`
		PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
		SourcePosition       string              `json:"sourcePosition"`
		Provider             string              `json:"provider,omitempty"`
	}
	type step struct {
		Op       string `json:"op"`
		URN      string `json:"urn"`
		OldState *state `json:"oldState,omitempty"`
		NewState *state `json:"newState,omitempty"`
	}
	var steps []step
	for _, r := range m.Resources() {
		s := &state{
			Type: r.Type, Custom: r.Custom, Inputs: plan.MaskedInputs(r.Inputs), Parent: r.Parent, Dependencies: r.Dependencies,
			PropertyDependencies: r.PropertyDependencies,
			SourcePosition:       fmt.Sprintf("project://%s#%d", r.SourceFile, r.SourceLine),
			Provider:             r.Provider,
		}
		op := "same"
		if o, ok := ops[r.Type]; ok {
			op = o
		}
		if op != "create" {
			s.ID = r.ID // a deployed resource's; a create's is not known
		}
		steps = append(steps, step{Op: op, URN: r.URN, OldState: s, NewState: s})
	}
	b, _ := json.Marshal(map[string]any{"steps": steps})
	return b
}

func TestDangerousChangeGuard(t *testing.T) {
	m := deployed(t, "prod")
	dir := projectCopy(t, "prod")
	key := only(t, m, restype.KMSKey)
	cases := []struct {
		name   string
		ops    map[string]string
		allow  []string
		exit   int
		naming string
	}{
		{"replacing the KMS key", map[string]string{restype.KMSKey: "replace"}, nil, 1, key.URN},
		{"deleting the user pool", map[string]string{restype.CognitoUserPool: "delete"}, nil, 1, "hardening-prod"},
		{"replacing the load balancer", map[string]string{restype.LBLoadBalancer: "create-replacement"}, nil, 1, "hardening-prod-alb"},
		{"a replacement allowed after review", map[string]string{restype.KMSKey: "replace"}, []string{key.URN}, 0, ""},
		{"replacing a listener is not guarded", map[string]string{restype.LBListener: "replace"}, nil, 0, ""},
		{"no change", nil, nil, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "preview.json")
			require.NoError(t, os.WriteFile(file, previewOf(m, c.ops), 0o600))
			args := []string{"-stack", "prod", "-dir", dir, "-from-preview", file, "-guard"}
			for _, a := range c.allow {
				args = append(args, "-allow-replace", a)
			}
			code, out, errOut := runPlan(args...)
			require.Equal(t, c.exit, code, "exit code\n%s\n%s", out, errOut)
			if c.naming != "" {
				assert.Contains(t, out+errOut, c.naming, "the failure does not name %s", c.naming)
				assert.Contains(t, out, "-allow-replace", "the failure does not name the way to allow it")
			}
		})
	}
	t.Run("guard needs a preview", func(t *testing.T) {
		code, _, _ := runPlan("-stack", "prod", "-dir", dir, "-guard")
		assert.Equal(t, 2, code, "exit code")
	})
}

func TestStatefulResourcesAreMarked(t *testing.T) {
	m := deployed(t, "prod")
	for typ := range compliance.Guarded {
		switch typ {
		case restype.CloudTrailTrail, restype.CognitoUserPoolClient, restype.CognitoIdentityPool:
			continue // recreated without loss of data; the preview guard covers them
		}
		for _, r := range m.ByType(typ) {
			assert.True(t, r.Protect, "prod %s %s is not protected; a replacement would not be stopped by the engine", typ, r.Name)
		}
	}
}

// TestPartialPreviewRefused: after the first `up`, `pulumi preview --json`
// leaves out unchanged resources unless --show-sames; judging that part
// reported suppressions matching nothing and rules firing on what was left
// out. The reader says so instead.
func TestPartialPreviewRefused(t *testing.T) {
	m := deployed(t, "prod")
	whole := previewOf(m, map[string]string{restype.KMSKey: "update"})
	_, err := compliance.ReadPreview(bytes.NewReader(whole))
	assert.NoError(t, err, "a --show-sames preview")
	var doc struct {
		Steps []map[string]any `json:"steps"`
	}
	mustJSON(t, string(whole), &doc)
	var partial []map[string]any
	for _, s := range doc.Steps {
		if s["op"] != "same" {
			partial = append(partial, s)
		}
	}
	for name, steps := range map[string][]map[string]any{"only the changes": partial, "no changes at all": {}} {
		b, _ := json.Marshal(map[string]any{"steps": steps})
		_, err := compliance.ReadPreview(bytes.NewReader(b))
		assert.ErrorContains(t, err, "--show-sames", "%s: want a refusal naming --show-sames", name)
	}
	firstRun := previewOf(m, nil)
	b := bytes.ReplaceAll(firstRun, []byte(`"op":"same"`), []byte(`"op":"create"`))
	_, err = compliance.ReadPreview(bytes.NewReader(b))
	assert.NoError(t, err, "a first preview, all creates")
	script, err := os.ReadFile(filepath.Join("..", ".ci", "preview"))
	assert.NoError(t, err, ".ci/preview")
	assert.Contains(t, string(script), "--json --show-sames", ".ci/preview does not ask for --show-sames")
}
