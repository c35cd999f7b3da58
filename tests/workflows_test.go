package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// shaPin is an action reference pinned to a commit.
var shaPin = regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)

type workflowStep struct {
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]string `yaml:"with"`
}

type workflowJob struct {
	Needs       any               `yaml:"needs"`
	Permissions map[string]string `yaml:"permissions"`
	Environment any               `yaml:"environment"`
	Env         map[string]string `yaml:"env"`
	Strategy    struct {
		MaxParallel int   `yaml:"max-parallel"`
		FailFast    *bool `yaml:"fail-fast"`
		Matrix      struct {
			Include any `yaml:"include"`
			Shard   any `yaml:"shard"`
		} `yaml:"matrix"`
	} `yaml:"strategy"`
	Concurrency struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Steps []workflowStep `yaml:"steps"`
	If    string         `yaml:"if"`
}

type workflow struct {
	On          map[string]any `yaml:"on"`
	Concurrency struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Env         map[string]string      `yaml:"env"`
	Permissions map[string]string      `yaml:"permissions"`
	Jobs        map[string]workflowJob `yaml:"jobs"`
}

type compositeAction struct {
	Runs struct {
		Using string         `yaml:"using"`
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"runs"`
}

func readWorkflows(t *testing.T) map[string]workflow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 5, "workflows")
	out := map[string]workflow{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var w workflow
		require.NoError(t, yaml.Unmarshal(b, &w), f)
		out[filepath.Base(f)] = w
	}
	return out
}

func readAction(t *testing.T, name string) compositeAction {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", ".github", "actions", name, "action.yml"))
	require.NoError(t, err)
	var a compositeAction
	require.NoError(t, yaml.Unmarshal(b, &a), name)
	require.Equal(t, "composite", a.Runs.Using, name)
	return a
}

// runsGo says whether a step needs the Go toolchain: it runs go or a
// project script that does.
func runsGo(s workflowStep) bool {
	return regexp.MustCompile(`(^|\s)(go |\.ci/|bash \.ci/)`).MatchString(s.Run)
}

func runsPulumi(s workflowStep) bool {
	return regexp.MustCompile(`(^|\s)pulumi |\.ci/(preview|run)`).MatchString(s.Run)
}

// TestWorkflows: least privilege, pinned actions, the Go version and the
// Pulumi CLI from go.mod through the two local actions, and the jobs each
// workflow needs.
func TestWorkflows(t *testing.T) {
	wf := readWorkflows(t)
	for name, w := range wf {
		t.Run(name+"/no default permissions; each job asks for its own", func(t *testing.T) {
			assert.NotNil(t, w.Permissions)
			assert.Empty(t, w.Permissions, "top-level permissions")
			for id, j := range w.Jobs {
				assert.NotNil(t, j.Permissions, "job %s has no permissions block", id)
				for scope, level := range j.Permissions {
					if level == "write" {
						assert.Contains(t, []string{"id-token", "security-events", "pull-requests"}, scope, "job %s writes %s", id, scope)
					}
				}
			}
		})
		t.Run(name+"/actions pinned to commit SHAs", func(t *testing.T) {
			for id, j := range w.Jobs {
				for _, s := range j.Steps {
					if s.Uses != "" && !strings.HasPrefix(s.Uses, "./") {
						assert.Regexp(t, shaPin, s.Uses, "job %s", id)
					}
				}
			}
		})
		t.Run(name+"/Go from go.mod and the Pulumi CLI at the SDK's version, before they are used", func(t *testing.T) {
			assert.NotContains(t, w.Env, "GOTOOLCHAIN", "the toolchain's one home is go.mod (.github/actions/go reads it)")
			for id, j := range w.Jobs {
				goReady, pulumiReady := false, false
				for _, s := range j.Steps {
					switch s.Uses {
					case "./.github/actions/go":
						goReady = true
					case "./.github/actions/pulumi":
						assert.True(t, goReady, "job %s installs Pulumi before Go", id)
						pulumiReady = true
					}
					assert.NotContains(t, s.Uses, "actions/setup-go@", "job %s sets up Go itself; use ./.github/actions/go", id)
					assert.NotContains(t, s.Uses, "pulumi/actions@", "job %s installs Pulumi itself; use ./.github/actions/pulumi", id)
					if runsGo(s) {
						assert.True(t, goReady, "job %s runs %q before ./.github/actions/go", id, s.Run)
					}
					if runsPulumi(s) {
						assert.True(t, pulumiReady, "job %s runs %q before ./.github/actions/pulumi", id, s.Run)
					}
				}
			}
		})
	}

	t.Run("the local actions: setup-go and pulumi/actions pinned, versions from go.mod", func(t *testing.T) {
		goAction := readAction(t, "go")
		var setup, exported bool
		for _, s := range goAction.Runs.Steps {
			if strings.HasPrefix(s.Uses, "actions/setup-go@") {
				assert.Regexp(t, shaPin, s.Uses)
				assert.Equal(t, "go.mod", s.With["go-version-file"])
				setup = true
			}
			exported = exported || strings.Contains(s.Run, `GOTOOLCHAIN=$(.ci/toolchain)`) && strings.Contains(s.Run, "GITHUB_ENV")
		}
		assert.True(t, setup && exported, "the go action sets up Go and exports GOTOOLCHAIN from .ci/toolchain")

		pulumiAction := readAction(t, "pulumi")
		var fromSDK, installed bool
		for _, s := range pulumiAction.Runs.Steps {
			fromSDK = fromSDK || strings.Contains(s.Run, "go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3")
			if strings.HasPrefix(s.Uses, "pulumi/actions@") {
				assert.Regexp(t, shaPin, s.Uses)
				assert.Equal(t, "${{ steps.sdk.outputs.version }}", s.With["pulumi-version"])
				installed = true
			}
		}
		assert.True(t, fromSDK && installed, "the pulumi action installs the CLI at go.mod's SDK version")
	})

	jobs := stackJobs(t)
	matrixJob := func(t *testing.T, w workflow, id string) workflowJob {
		t.Helper()
		j, ok := w.Jobs[id]
		require.True(t, ok, "job %s", id)
		assert.Equal(t, "${{ fromJSON(needs.stacks.outputs.matrix) }}", j.Strategy.Matrix.Include, "job %s runs every stack from go run ./cmd/stacks", id)
		assert.Equal(t, "stacks", j.Needs, "job %s", id)
		var matrix bool
		for _, s := range w.Jobs["stacks"].Steps {
			matrix = matrix || strings.Contains(s.Run, "go run ./cmd/stacks")
		}
		assert.True(t, matrix, "the stacks job reads the stack files")
		return j
	}
	t.Run("pull request: one preview job per stack, with the policy pack, through the stack's preview role, in its preview environment", func(t *testing.T) {
		j := matrixJob(t, wf["pull-request.yml"], "preview")
		assert.Equal(t, "${{ matrix.previewEnvironment }}", j.Environment)
		var pack, role bool
		for _, s := range j.Steps {
			pack = pack || strings.Contains(s.Run, ".ci/preview")
			if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
				role = s.With["role-to-assume"] == "${{ vars[matrix.previewRoleVar] }}"
			}
		}
		assert.True(t, pack && role, "preview script %v, the stack's OIDC preview role %v", pack, role)
		var checks bool
		for _, s := range wf["pull-request.yml"].Jobs["checks"].Steps {
			checks = checks || s.Run == "bash .ci/run"
		}
		assert.True(t, checks, "pull requests run .ci/run")
		for _, sj := range jobs {
			if sj.Production {
				assert.NotEmpty(t, sj.PreviewEnvironment, "%s previews only from its protected environment", sj.Stack)
			}
		}
	})
	t.Run("deploy: one stack at a time, production last, in its environment, guarded, never cancelled", func(t *testing.T) {
		j := matrixJob(t, wf["deploy.yml"], "deploy")
		assert.Equal(t, 1, j.Strategy.MaxParallel)
		require.NotNil(t, j.Strategy.FailFast)
		assert.True(t, *j.Strategy.FailFast, "a failed stack stops the stacks after it")
		assert.Equal(t, "${{ matrix.deployEnvironment }}", j.Environment)
		assert.NotEmpty(t, j.Concurrency.Group)
		assert.False(t, j.Concurrency.CancelInProgress)
		var guarded, role bool
		for _, s := range j.Steps {
			guarded = guarded || strings.Contains(s.Run, "-guard") && strings.Index(s.Run, "-guard") < strings.Index(s.Run, "pulumi up")
			if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
				role = s.With["role-to-assume"] == "${{ vars[matrix.deployRoleVar] }}"
			}
		}
		assert.True(t, guarded, "the dangerous-change guard runs before pulumi up")
		up, verified := -1, -1
		for i, s := range j.Steps {
			if strings.Contains(s.Run, "pulumi up") {
				up = i
			}
			if strings.Contains(s.Run, `go run ./cmd/verify -stack "$STACK"`) {
				verified = i
			}
		}
		assert.Greater(t, verified, up, "cmd/verify checks the deployed stack after pulumi up")
		assert.True(t, role, "the stack's deploy role")
		last := jobs[len(jobs)-1]
		assert.True(t, last.Production, "production deploys last, after %s", last.Stack)
	})
	t.Run("drift: a refreshed preview of every stack that expects no changes, through its drift role outside any environment", func(t *testing.T) {
		j := matrixJob(t, wf["drift.yml"], "drift")
		assert.Nil(t, j.Environment, "the drift role trusts the branch's own runs, which an environment would rename")
		var ok, role bool
		for _, s := range j.Steps {
			ok = ok || strings.Contains(s.Run, "--refresh") && strings.Contains(s.Run, "--expect-no-changes")
			if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
				role = s.With["role-to-assume"] == "${{ vars[matrix.driftRoleVar] }}"
			}
		}
		assert.True(t, ok)
		assert.True(t, role, "the stack's drift role")
	})
	t.Run("fleet: a wave's workload stacks as a matrix of shards from the fleet file, previewed then updated in the wave's environment through the tooling CI role", func(t *testing.T) {
		w, ok := wf["fleet.yml"]
		require.True(t, ok, "the fleet workflow")
		assert.NotEmpty(t, w.Concurrency.Group, "one run per wave at a time")
		assert.Contains(t, w.Concurrency.Group, "inputs.wave")
		assert.False(t, w.Concurrency.CancelInProgress, "a rollout in flight is never cancelled")
		var listed bool
		for _, s := range w.Jobs["shards"].Steps {
			listed = listed || strings.Contains(s.Run, "go run ./cmd/fleet") && strings.Contains(s.Run, "-list-shards") && strings.Contains(s.Run, "-kinds workload")
		}
		assert.True(t, listed, "the shards job computes the matrix with go run ./cmd/fleet -list-shards")
		const matrix = "fromJSON(needs.shards.outputs.matrix)"
		for _, id := range []string{"preview", "update"} {
			j, ok := w.Jobs[id]
			require.True(t, ok, "job %s", id)
			assert.Equal(t, "${{ "+matrix+".shards }}", j.Strategy.Matrix.Shard, "job %s: one job per shard", id)
			assert.Equal(t, "${{ "+matrix+".environment }}", j.Environment, "job %s: in the wave's environment, behind its reviewers", id)
			assert.Contains(t, j.If, matrix+".stacks > 0", "job %s: skipped for a wave without workload stacks (an empty matrix fails)", id)
			var role, pulumiReady bool
			var fleetRun string
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
					role = s.With["role-to-assume"] == "${{ "+matrix+".ciRole }}"
					assert.False(t, pulumiReady, "job %s: credentials before the CLI runs", id)
				}
				pulumiReady = pulumiReady || s.Uses == "./.github/actions/pulumi"
				if strings.Contains(s.Run, "go run ./cmd/fleet") {
					fleetRun = s.Run
				}
			}
			assert.True(t, role, "job %s assumes the tooling account's CI role the fleet file names", id)
			assert.Contains(t, fleetRun, `-shard "$SHARD"`, "job %s runs its shard", id)
			assert.Contains(t, fleetRun, "-kinds workload", "job %s: bootstraps are an administrator's", id)
			assert.Equal(t, id == "update", strings.Contains(fleetRun, "-update"), "job %s: only the update job updates", id)
		}
		assert.Equal(t, []any{"shards", "preview"}, w.Jobs["update"].Needs, "the update follows the preview")
		assert.Contains(t, w.Jobs["update"].If, "inputs.update")

		// Every field the workflow reads of the matrix is one cmd/fleet prints.
		b, err := os.ReadFile(filepath.Join("..", ".github", "workflows", "fleet.yml"))
		require.NoError(t, err)
		cmd := exec.Command("go", "run", "./cmd/fleet", "-fleet", "examples/fleet.yaml", "-wave", "canary", "-kinds", "workload", "-list-shards")
		cmd.Dir = ".."
		out, err := cmd.Output()
		require.NoError(t, err, "go run ./cmd/fleet -list-shards")
		var printed map[string]any
		require.NoError(t, json.Unmarshal(out, &printed))
		fields := regexp.MustCompile(`fromJSON\(needs\.shards\.outputs\.matrix\)\.(\w+)`).FindAllStringSubmatch(string(b), -1)
		require.NotEmpty(t, fields)
		for _, f := range fields {
			assert.Contains(t, printed, f[1], "fleet.yml reads %s of the matrix; cmd/fleet -list-shards prints %v", f[1], printed)
		}
	})
	t.Run("vulnerabilities: every pull request scans with the pinned database, every night with the live one", func(t *testing.T) {
		ci, err := os.ReadFile(filepath.Join("..", ".ci", "run"))
		require.NoError(t, err)
		assert.Regexp(t, `(?m)^\.ci/vulncheck$`, string(ci))
		v := wf["vulnerabilities.yml"]
		assert.Contains(t, v.On, "schedule")
		var live bool
		for _, s := range v.Jobs["govulncheck"].Steps {
			live = live || s.Run == ".ci/vulncheck" && s.Env["HARDENING_VULNDB"] == "live"
		}
		assert.True(t, live, "the nightly scan runs .ci/vulncheck against the live database")
	})
}

// stackJob is an entry of the matrix go run ./cmd/stacks prints.
type stackJob struct {
	Stack              string `json:"stack"`
	Production         bool   `json:"production"`
	PreviewEnvironment string `json:"previewEnvironment"`
	DeployEnvironment  string `json:"deployEnvironment"`
}

func stackJobs(t *testing.T) []stackJob {
	t.Helper()
	cmd := exec.Command("go", "run", "./cmd/stacks")
	cmd.Dir = ".."
	out, err := cmd.Output()
	require.NoError(t, err, "go run ./cmd/stacks")
	var jobs []stackJob
	require.NoError(t, json.Unmarshal(out, &jobs))
	require.NotEmpty(t, jobs)
	var names []string
	for _, j := range jobs {
		names = append(names, j.Stack)
	}
	assert.ElementsMatch(t, stacks, names, "the matrix holds every stack file")
	return jobs
}

// ciFiles are the scripts, workflows and local actions CI runs.
func ciFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{".ci/*", ".github/workflows/*.yml", ".github/actions/*/action.yml", "tests/engine/*.sh"} {
		m, err := filepath.Glob(filepath.Join("..", pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	return files
}

// TestOneHomeForEachFact: the Go version lives in go.mod and the stack list
// in the stack files; no script, workflow or action repeats either.
func TestOneHomeForEachFact(t *testing.T) {
	goVersion := regexp.MustCompile(`go1\.\d+(\.\d+)?`)
	stackName := regexp.MustCompile(`(^|[^\w/.-])(` + strings.Join(stacks, "|") + `)([^\w/.-]|$)`)
	for _, f := range append(ciFiles(t), filepath.Join("..", "README.md")) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, line := range strings.Split(string(b), "\n") {
			assert.NotRegexp(t, goVersion, line, "%s:%d names a Go version; read go.mod's (.ci/toolchain)", f, i+1)
			if !strings.HasSuffix(f, "README.md") {
				assert.NotRegexp(t, stackName, line, "%s:%d names a stack; read the stack files (go run ./cmd/stacks, Pulumi.*.yaml)", f, i+1)
			}
		}
	}
}

// TestNoUpstreamSourceInTheRepository: the project holds its own code;
// third-party code comes as module dependencies. A second go.mod would be
// a copied module; Pulumi's copyright header a copied file.
func TestNoUpstreamSourceInTheRepository(t *testing.T) {
	pulumiCopyright := strings.Join([]string{"Pulumi", "Corporation"}, " ") // split, so this file does not match itself
	out, err := exec.Command("git", "-C", "..", "ls-files").Output()
	require.NoError(t, err)
	for _, f := range strings.Fields(string(out)) {
		assert.False(t, filepath.Base(f) == "go.mod" && f != "go.mod", "%s is a second module in the tree", f)
		assert.NotEqual(t, "LICENSE", filepath.Base(f), "%s: a copied project's licence", f)
		if strings.HasSuffix(f, ".go") {
			b, err := os.ReadFile(filepath.Join("..", f))
			if os.IsNotExist(err) {
				continue
			}
			require.NoError(t, err)
			assert.False(t, strings.Contains(string(b), pulumiCopyright), "%s carries Pulumi's copyright header", f)
		}
	}
}
