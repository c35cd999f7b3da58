package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/plan"
	"github.com/example/hardening/internal/restype"
)

// projectCopy copies Pulumi.yaml and a stack file into a temporary project
// whose rotation artifact is the tests' stand-in, so that the plan command
// runs as the workflow runs it without a built zip in the repository.
func projectCopy(t *testing.T, stack string, edits ...func(cfg map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	cfg := doc["config"].(map[string]any)
	secrets, _ := cfg["hardening:secrets"].(map[string]any)
	if secrets == nil {
		secrets = map[string]any{}
	}
	secrets["rotationArtifact"] = artifact
	cfg["hardening:secrets"] = secrets
	for _, e := range edits {
		e(cfg)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), out, 0o600); err != nil {
		t.Fatal(err)
	}
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
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var probe struct{ Runs []struct{ Results []any } }
			if err := json.Unmarshal([]byte(out), &probe); err != nil {
				t.Fatal(err)
			}
			checkSARIF(t, []byte(out), root, len(probe.Runs[0].Results))
		})
		t.Run(stack+"/markdown", func(t *testing.T) {
			code, out, errOut := runPlan("-stack", stack, "-dir", dir, "-format", "markdown")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.HasPrefix(out, compliance.MarkdownMarker(stack)+"\n") || !strings.Contains(out, "✅ passes") || !strings.Contains(out, "suppressed") {
				t.Errorf("markdown:\n%s", out)
			}
		})
	}
	t.Run("blocking findings fail the command", func(t *testing.T) {
		// Without its suppressions dev's AUDIT threat protection blocks.
		dir := projectCopy(t, "dev", func(cfg map[string]any) { delete(cfg, "hardening:compliance") })
		code, out, errOut := runPlan("-stack", "dev", "-dir", dir, "-format", "markdown")
		if code != 1 || !strings.Contains(out, "❌") || !strings.Contains(errOut, "blocking finding") {
			t.Errorf("exit %d\n%s\n%s", code, out, errOut)
		}
	})
}

// previewOf renders a run as `pulumi preview --json` would (the shape the
// shared field notes record; the CLI cannot run here), every resource with
// op "same" unless ops names another for its type.
func previewOf(m *mockaws.Mocks, ops map[string]string) []byte {
	type state struct {
		Type           string         `json:"type"`
		Custom         bool           `json:"custom"`
		Inputs         map[string]any `json:"inputs"`
		Parent         string         `json:"parent"`
		Dependencies   []string       `json:"dependencies"`
		SourcePosition string         `json:"sourcePosition"`
		Provider       string         `json:"provider,omitempty"`
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
			SourcePosition: fmt.Sprintf("project://%s#%d", r.SourceFile, r.SourceLine),
			Provider:       r.Provider,
		}
		op := "same"
		if o, ok := ops[r.Type]; ok {
			op = o
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
		{"deleting the user pool", map[string]string{"aws:cognito/userPool:UserPool": "delete"}, nil, 1, "hardening-prod"},
		{"replacing the load balancer", map[string]string{restype.LBLoadBalancer: "create-replacement"}, nil, 1, "hardening-prod-alb"},
		{"a replacement allowed after review", map[string]string{restype.KMSKey: "replace"}, []string{key.URN}, 0, ""},
		{"replacing a listener is not guarded", map[string]string{"aws:lb/listener:Listener": "replace"}, nil, 0, ""},
		{"no change", nil, nil, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "preview.json")
			if err := os.WriteFile(file, previewOf(m, c.ops), 0o600); err != nil {
				t.Fatal(err)
			}
			args := []string{"-stack", "prod", "-dir", dir, "-from-preview", file, "-guard"}
			for _, a := range c.allow {
				args = append(args, "-allow-replace", a)
			}
			code, out, errOut := runPlan(args...)
			if code != c.exit {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, c.exit, out, errOut)
			}
			if c.naming != "" && (!strings.Contains(out+errOut, c.naming) || !strings.Contains(out, "-allow-replace")) {
				t.Errorf("the failure does not name %s or the way to allow it:\n%s", c.naming, out)
			}
		})
	}
	t.Run("guard needs a preview", func(t *testing.T) {
		if code, _, _ := runPlan("-stack", "prod", "-dir", dir, "-guard"); code != 2 {
			t.Errorf("exit %d", code)
		}
	})
}

func TestStatefulResourcesAreMarked(t *testing.T) {
	m := deployed(t, "prod")
	for typ := range compliance.Guarded {
		switch typ {
		case "aws:cloudtrail/trail:Trail", "aws:cognito/userPoolClient:UserPoolClient", "aws:cognito/identityPool:IdentityPool":
			continue // recreated without loss of data; the preview guard covers them
		}
		for _, r := range m.ByType(typ) {
			if !r.Protect {
				t.Errorf("prod %s %s is not protected; a replacement would not be stopped by the engine", typ, r.Name)
			}
		}
	}
}

var shaPin = regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)

func TestWorkflows(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", ".github", "workflows", "*.yml"))
	if len(files) < 3 {
		t.Fatalf("%d workflows", len(files))
	}
	type job struct {
		Permissions map[string]string `yaml:"permissions"`
		Environment any               `yaml:"environment"`
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress bool   `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
		Steps []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	}
	type workflow struct {
		On          map[string]any    `yaml:"on"`
		Env         map[string]string `yaml:"env"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]job    `yaml:"jobs"`
	}
	gomod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	toolchain := regexp.MustCompile(`(?m)^toolchain (\S+)$`).FindSubmatch(gomod)
	if toolchain == nil {
		t.Fatal("go.mod has no toolchain line")
	}
	wf := map[string]workflow{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(b, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := filepath.Base(f)
		wf[name] = w
		t.Run(name+"/no default permissions; each job asks for its own", func(t *testing.T) {
			if w.Permissions == nil || len(w.Permissions) != 0 {
				t.Errorf("top-level permissions %v, want {}", w.Permissions)
			}
			for id, j := range w.Jobs {
				if j.Permissions == nil {
					t.Errorf("job %s has no permissions block", id)
				}
				for scope, level := range j.Permissions {
					if level == "write" && scope != "id-token" && scope != "security-events" && scope != "pull-requests" {
						t.Errorf("job %s writes %s", id, scope)
					}
				}
			}
		})
		t.Run(name+"/builds with go.mod's toolchain", func(t *testing.T) {
			if got := w.Env["GOTOOLCHAIN"]; got != string(toolchain[1]) {
				t.Errorf("env.GOTOOLCHAIN = %q, want go.mod's %s: setup-go or a machine's GOTOOLCHAIN=local would otherwise build with a toolchain that has known vulnerabilities", got, toolchain[1])
			}
		})
		t.Run(name+"/actions pinned to commit SHAs", func(t *testing.T) {
			for id, j := range w.Jobs {
				for _, s := range j.Steps {
					if s.Uses != "" && !strings.HasPrefix(s.Uses, "./") && !shaPin.MatchString(s.Uses) {
						t.Errorf("job %s uses %s, not pinned to a commit", id, s.Uses)
					}
				}
			}
		})
	}
	t.Run("deploy: dev then prod behind the production environment, never cancelled, each verified after pulumi up", func(t *testing.T) {
		d := wf["deploy.yml"]
		prod := d.Jobs["prod"]
		if fmt.Sprint(prod.Environment) != "production" {
			t.Errorf("prod environment %v", prod.Environment)
		}
		for id, j := range d.Jobs {
			if j.Concurrency.Group == "" || j.Concurrency.CancelInProgress {
				t.Errorf("job %s concurrency %+v", id, j.Concurrency)
			}
		}
		var guarded bool
		for _, s := range prod.Steps {
			guarded = guarded || strings.Contains(s.Run, "-guard")
		}
		if !guarded {
			t.Error("prod deploys without the dangerous-change guard")
		}
		// cmd/verify runs after each pulumi up, on that job's stack, into
		// the job summary.
		for id, j := range d.Jobs {
			up, verified := -1, -1
			for i, s := range j.Steps {
				if strings.Contains(s.Run, "pulumi up --stack "+id+" ") {
					up = i
				}
				if strings.Contains(s.Run, "go run ./cmd/verify -stack "+id+" -outputs") && strings.Contains(s.Run, "$GITHUB_STEP_SUMMARY") {
					verified = i
				}
			}
			if up < 0 || verified <= up {
				t.Errorf("job %s: pulumi up at step %d, cmd/verify at step %d; verify must follow the deploy", id, up, verified)
			}
		}
	})
	t.Run("drift: a refreshed preview that expects no changes", func(t *testing.T) {
		var ok bool
		for _, s := range wf["drift.yml"].Jobs["drift"].Steps {
			ok = ok || (strings.Contains(s.Run, "--refresh") && strings.Contains(s.Run, "--expect-no-changes"))
		}
		if !ok {
			t.Error("no refreshed preview expecting no changes")
		}
	})
	t.Run("vulnerabilities: every pull request scans with the pinned database, every night with the live one", func(t *testing.T) {
		ci, err := os.ReadFile(filepath.Join("..", ".ci", "run"))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^\.ci/vulncheck$`).Match(ci) || !regexp.MustCompile(`(?m)^export GOTOOLCHAIN=`+regexp.QuoteMeta(string(toolchain[1]))+`$`).Match(ci) {
			t.Error(".ci/run does not run .ci/vulncheck with go.mod's toolchain")
		}
		var checks bool
		for _, s := range wf["pull-request.yml"].Jobs["checks"].Steps {
			checks = checks || s.Run == "bash .ci/run"
		}
		if !checks {
			t.Error("pull requests do not run .ci/run")
		}
		v := wf["vulnerabilities.yml"]
		if _, ok := v.On["schedule"]; !ok {
			t.Error("vulnerabilities.yml has no schedule")
		}
		var live bool
		for _, s := range v.Jobs["govulncheck"].Steps {
			live = live || (s.Run == ".ci/vulncheck" && s.Env["HARDENING_VULNDB"] == "live")
		}
		if !live {
			t.Error("the nightly scan does not run .ci/vulncheck against the live database")
		}
	})
	t.Run("pull request: preview with the policy pack through the preview role; prod's from its protected environment", func(t *testing.T) {
		script, err := os.ReadFile(filepath.Join("..", ".ci", "preview"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(script), "--policy-pack ./policypack") {
			t.Error(".ci/preview runs no policy pack")
		}
		for job, stack := range map[string]string{"preview-dev": "dev", "preview-prod": "prod"} {
			j := wf["pull-request.yml"].Jobs[job]
			var pack, role bool
			for _, s := range j.Steps {
				pack = pack || strings.Contains(s.Run, ".ci/preview")
				role = role || strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@")
			}
			if !pack || !role {
				t.Errorf("%s: preview script %v, OIDC role %v", job, pack, role)
			}
			// The preview role of a stack with identity.ci.previewEnvironment
			// trusts only jobs in that environment.
			want := stackConfig(t, stack).Identity.CI.PreviewEnvironment
			if got := fmt.Sprint(j.Environment); want != "" && got != want || want == "" && j.Environment != nil {
				t.Errorf("%s runs in environment %v, want %q (identity.ci.previewEnvironment)", job, j.Environment, want)
			}
		}
	})
}

// TestPulumiCLIIsBuiltFromPinnedSource: no installer is piped from the
// network into a shell; the CLI module is the SDK's version.
func TestPulumiCLIIsBuiltFromPinnedSource(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", ".ci", "install-pulumi"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"curl", "wget", "| sh", "|sh", "get.pulumi.com"} {
		if strings.Contains(string(script), bad) {
			t.Errorf(".ci/install-pulumi contains %q", bad)
		}
	}
	root, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	cli, err := os.ReadFile(filepath.Join("..", "engine", "cli", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sdk := regexp.MustCompile(`github.com/pulumi/pulumi/sdk/v3 (v\S+)`).FindSubmatch(root)
	pkg := regexp.MustCompile(`github.com/pulumi/pulumi/pkg/v3 (v\S+)`).FindSubmatch(cli)
	if sdk == nil || pkg == nil || string(sdk[1]) != string(pkg[1]) {
		t.Errorf("SDK %s, CLI %s: the CLI must match the SDK", sdk, pkg)
	}
	if _, err := os.Stat(filepath.Join("..", "engine", "cli", "go.sum")); err != nil {
		t.Errorf("engine/cli has no go.sum to verify the CLI's modules against: %v", err)
	}
}

// TestPartialPreviewRefused: after the first `up`, `pulumi preview --json`
// leaves out unchanged resources unless --show-sames; judging that part
// reported suppressions matching nothing and rules firing on what was left
// out. The reader says so instead.
func TestPartialPreviewRefused(t *testing.T) {
	m := deployed(t, "prod")
	whole := previewOf(m, map[string]string{"aws:kms/key:Key": "update"})
	if _, err := compliance.ReadPreview(bytes.NewReader(whole)); err != nil {
		t.Errorf("a --show-sames preview: %v", err)
	}
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
		if err == nil || !strings.Contains(err.Error(), "--show-sames") {
			t.Errorf("%s: %v, want a refusal naming --show-sames", name, err)
		}
	}
	firstRun := previewOf(m, nil)
	b := bytes.ReplaceAll(firstRun, []byte(`"op":"same"`), []byte(`"op":"create"`))
	if _, err := compliance.ReadPreview(bytes.NewReader(b)); err != nil {
		t.Errorf("a first preview, all creates: %v", err)
	}
	script, err := os.ReadFile(filepath.Join("..", ".ci", "preview"))
	if err != nil || !strings.Contains(string(script), "--json --show-sames") {
		t.Errorf(".ci/preview does not ask for --show-sames (%v)", err)
	}
}
