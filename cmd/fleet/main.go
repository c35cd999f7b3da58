// Command fleet previews or updates one wave of a fleet's stacks through
// Pulumi's Automation API, with the wave's concurrency cap, failure
// tolerance and region order (fleet.Rollout):
//
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave canary             # preview
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave canary -update     # update
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave prod -update -retry-failed
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave prod -shard 2/4    # one CI shard
//
// Each stack gets a workspace directory of its own under -work (parallel
// stacks must not share one: pulumi/pulumi#8186), whose Pulumi.yaml runs
// the project's program (main:) and whose stack configuration is the one
// the fleet renders. An update skips a stack whose digest (the program's
// files and the rendered configuration) equals the one recorded at its
// last successful update; digests and failures are kept in the -state
// file, a local JSON file (CI caches it between runs).
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/example/hardening/fleet"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/stackconfig"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("fleet", "examples/fleet.yaml", "the fleet file")
	dir := fs.String("dir", ".", "the project directory (Pulumi.yaml, the program)")
	wave := fs.String("wave", fleet.OrgWave, "the wave to run: "+fleet.OrgWave+" or a wave of the fleet file")
	update := fs.Bool("update", false, "update the stacks (default: preview)")
	retry := fs.Bool("retry-failed", false, "run only the stacks whose last run failed")
	state := fs.String("state", ".fleet/state.json", "the file that keeps each stack's last successful digest and failures")
	work := fs.String("work", ".fleet/work", "the directory of the stacks' workspace directories")
	shard := fs.String("shard", "1/1", "run shard i of n of each of the wave's groups (CI's matrix)")
	list := fs.Bool("list", false, "print the wave's stacks, group by group, and exit")
	listShards := fs.Bool("list-shards", false, "print the wave's CI matrix as JSON (its GitHub environment, approval and shards) and exit")
	maxShards := fs.Int("max-shards", 4, "-list-shards: at most this many shards (never more than the wave's maxConcurrent)")
	kinds := fs.String("kinds", "", "run only stacks of these kinds (comma-separated: "+strings.Join(allKinds, ", ")+"); default every kind in the wave")
	ciRoles := fs.Bool("ci-roles", true, "workload stacks assume their CI role in their account (preview or deploy), as the tooling account's CI role may")
	adminRole := fs.String("admin-role", "", "bootstrap, security and log-archive stacks assume this role name in their account (for example OrganizationAccountAccessRole); default the caller's credentials")
	secretsProvider := fs.String("secrets-provider", "", "the secrets provider of stacks cmd/fleet creates (for example awskms://alias/<key>?region=<region>); default the backend's (a passphrase for a self-managed backend)")
	binary := fs.String("binary", "", "a prebuilt program binary the workspaces run (Pulumi.yaml runtime.options.binary); default the language host compiles the project")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "fleet: %v\n", err); return 1 }
	for _, p := range []*string{file, dir, state, work, binary} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return fail(err)
		}
		*p = abs
	}
	i, n, err := parseShard(*shard)
	if err != nil {
		return fail(err)
	}
	f, err := fleet.Read(*file)
	if err != nil {
		return fail(err)
	}
	stacks, err := f.Stacks()
	if err != nil {
		return fail(err)
	}
	groups, err := f.WaveStacks(stacks, *wave)
	if err != nil {
		return fail(err)
	}
	selected, err := parseKinds(*kinds)
	if err != nil {
		return fail(err)
	}
	groups = onlyKinds(groups, selected)
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	w := waveOf(f, *wave)
	maxConcurrent := fleet.Resolve(w.MaxConcurrent, total, true)
	tolerance := fleet.Resolve(w.FailureTolerance, total, false)
	if *listShards {
		return printShards(stdout, stderr, f, *wave, w, groups, maxConcurrent, *maxShards)
	}
	maxConcurrent, tolerance = shardShare(maxConcurrent, tolerance, n)
	for g := range groups {
		groups[g] = fleet.Shard(groups[g], i, n)
	}
	if *list {
		for _, g := range groups {
			for _, s := range g {
				fmt.Fprintln(stdout, s.Name)
			}
		}
		return 0
	}
	version, err := plan.ProgramVersion(*dir, "")
	if err != nil {
		return fail(err)
	}
	st := fleet.State{}
	if b, err := os.ReadFile(*state); err == nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return fail(fmt.Errorf("-state %s: %w", *state, err))
		}
	}
	eng := &autoEngine{project: *dir, fleetFile: *file, work: *work, binary: *binary, secretsProvider: *secretsProvider, out: stdout,
		config: func(s fleet.Stack, update bool) map[string]string {
			return stackConfig(f, s, update, credentials{ciRoles: *ciRoles, adminRole: *adminRole})
		}}
	outcomes, runErr := fleet.Rollout(context.Background(), eng, groups, maxConcurrent, tolerance, st, fleet.RolloutOptions{
		Update: *update, RetryFailed: *retry, Digest: func(s fleet.Stack) string { return digest(version, s, stacks) },
	})
	for _, o := range outcomes {
		fmt.Fprintf(stdout, "%-40s %s\n", o.Stack, o.Status)
	}
	if err := os.MkdirAll(filepath.Dir(*state), 0o750); err != nil {
		return fail(err)
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := os.WriteFile(*state, append(b, '\n'), 0o600); err != nil {
		return fail(err)
	}
	if runErr != nil {
		return fail(runErr)
	}
	return 0
}

func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("-shard %q: give i/n with 1 <= i <= n", s)
	}
	return i, n, nil
}

// digest is a stack's digest; a bootstrap's covers its account's workload
// stacks' configuration too, which its boundaries and CI roles are made
// from (the program reads them from the fleet file).
func digest(version string, s fleet.Stack, all []fleet.Stack) string {
	d := plan.Digest(version, s)
	if s.Kind != string(stackconfig.Bootstrap) {
		return d
	}
	for _, w := range all {
		if w.Kind == string(stackconfig.WorkloadKind) && w.AccountID == s.AccountID {
			d += "\n" + plan.Digest(version, w)
		}
	}
	sum := sha256.Sum256([]byte(d))
	return hex.EncodeToString(sum[:])
}

// shardShare is one shard's part of the wave's concurrency cap and
// failure tolerance, which are the whole wave's: each rounded down (a cap
// of at least 1), so that the shards together never exceed the wave's
// while there are no more shards than the cap (-list-shards makes no
// more).
func shardShare(maxConcurrent, tolerance, shards int) (int, int) {
	return max(1, maxConcurrent/shards), tolerance / shards
}

// allKinds are the stack kinds -kinds takes.
var allKinds = []string{fleet.OrgKind, fleet.LogArchiveKind, fleet.SecurityKind, string(stackconfig.Bootstrap), string(stackconfig.WorkloadKind)}

func parseKinds(s string) (map[string]bool, error) {
	if s == "" {
		return nil, nil
	}
	out := map[string]bool{}
	for _, k := range strings.Split(s, ",") {
		if !slices.Contains(allKinds, k) {
			return nil, fmt.Errorf("-kinds: %q is not a stack kind; use %s", k, strings.Join(allKinds, ", "))
		}
		out[k] = true
	}
	return out, nil
}

// onlyKinds keeps the stacks of the selected kinds (all when none is
// selected) and drops the groups left empty.
func onlyKinds(groups [][]fleet.Stack, kinds map[string]bool) [][]fleet.Stack {
	if kinds == nil {
		return groups
	}
	var out [][]fleet.Stack
	for _, g := range groups {
		var kept []fleet.Stack
		for _, s := range g {
			if kinds[s.Kind] {
				kept = append(kept, s)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

func waveOf(f *fleet.File, name string) fleet.Wave {
	for _, w := range f.Waves {
		if w.Name == name {
			return w
		}
	}
	// The organization wave: its stacks one at a time, no failure
	// tolerated.
	return fleet.Wave{Name: name, MaxConcurrent: "1", FailureTolerance: "0", Approval: true}
}

// Matrix is what -list-shards prints: the CI matrix of one wave.
type Matrix struct {
	Wave string `json:"wave"`
	// Environment is the GitHub environment the wave's jobs run in; the
	// tooling account's CI role trusts its jobs' OIDC subject, and a wave
	// with approval needs its required reviewers.
	Environment string `json:"environment"`
	Approval    bool   `json:"approval"`
	// CIRole is the tooling account's CI role the jobs assume through
	// OIDC, and Region the region of their session (the home region).
	CIRole string `json:"ciRole"`
	Region string `json:"region"`
	Stacks int    `json:"stacks"`
	// Shards are the -shard values of the wave's jobs ("1/3", ...); empty
	// when the wave has no stacks of the kinds asked for.
	Shards []string `json:"shards"`
}

// printShards prints the wave's matrix: as many shards as the wave's
// concurrency cap allows (each shard runs at least one stack at a time),
// no more than maxShards nor than the largest group has stacks.
func printShards(stdout, stderr io.Writer, f *fleet.File, wave string, w fleet.Wave, groups [][]fleet.Stack, maxConcurrent, maxShards int) int {
	if maxShards < 1 {
		fmt.Fprintf(stderr, "fleet: -max-shards %d: give at least 1\n", maxShards)
		return 2
	}
	m := Matrix{Wave: wave, Environment: fleet.Environment(wave), Approval: w.Approval, CIRole: f.ToolingCIRoleARN(), Region: f.Organization.HomeRegion, Shards: []string{}}
	largest := 0
	for _, g := range groups {
		m.Stacks += len(g)
		largest = max(largest, len(g))
	}
	n := min(maxShards, maxConcurrent, largest)
	for i := 1; i <= n; i++ {
		m.Shards = append(m.Shards, fmt.Sprintf("%d/%d", i, n))
	}
	b, err := json.Marshal(m)
	if err != nil {
		fmt.Fprintf(stderr, "fleet: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, string(b))
	return 0
}

// credentials say which role each stack's provider assumes.
type credentials struct {
	// ciRoles: workload stacks assume their CI role (preview or deploy).
	ciRoles bool
	// adminRole: the role name bootstrap, security and log-archive stacks
	// assume in their account ("" for the caller's credentials).
	adminRole string
}

// stackConfig is the configuration cmd/fleet sets on a stack: the one
// the fleet renders, and the provider's credentials (aws:assumeRole,
// pulumi-aws v6's provider configuration: sdk/v6/go/aws/config, key
// "aws:assumeRole", an object with roleArn and sessionName). A workload
// stack assumes its own CI role in its own account: the preview role for
// a preview, the deploy role for an update; each trusts only the tooling
// account's CI role, in a session named for the stack
// (identity.FleetTrustPolicy). The org stack runs with the caller's
// credentials, which must be the management account's.
func stackConfig(f *fleet.File, s fleet.Stack, update bool, c credentials) map[string]string {
	cfg := maps.Clone(s.Config)
	partition := stackconfig.Partition(s.Region)
	role := ""
	switch {
	case s.Kind == string(stackconfig.WorkloadKind) && c.ciRoles:
		kind := "preview"
		if update {
			kind = "deploy"
		}
		role = identity.CIRoleARN(stackconfig.Namespace+"-"+s.Name, kind, awsenv.Env{Partition: partition, AccountID: s.AccountID})
	case s.Kind != string(stackconfig.WorkloadKind) && s.Kind != fleet.OrgKind && c.adminRole != "":
		role = "arn:" + partition + ":iam::" + s.AccountID + ":role/" + c.adminRole
	}
	if role != "" {
		b, err := json.Marshal(map[string]string{"roleArn": role, "sessionName": s.Name})
		if err != nil {
			panic(err) // a map of strings always marshals
		}
		cfg[assumeRoleKey] = string(b)
	}
	return cfg
}

// assumeRoleKey is pulumi-aws v6's provider configuration of the role to
// assume (sdk/v6/go/aws/config: GetAssumeRole reads "aws:assumeRole").
const assumeRoleKey = "aws:assumeRole"

// autoEngine runs a stack through the Automation API in a workspace
// directory of its own.
type autoEngine struct {
	project, fleetFile, work, binary, secretsProvider string
	out                                               io.Writer
	// config is the stack's configuration, credentials included.
	config func(s fleet.Stack, update bool) map[string]string
}

func (e *autoEngine) Run(ctx context.Context, s fleet.Stack, update bool) error {
	ws := filepath.Join(e.work, s.Name)
	if err := os.MkdirAll(ws, 0o750); err != nil {
		return err
	}
	proj, err := os.ReadFile(filepath.Join(e.project, "Pulumi.yaml"))
	if err != nil {
		return err
	}
	// The workspace's project file runs the project's program (from its
	// directory, where its relative paths point), or the prebuilt binary.
	proj, err = workspaceProject(proj, e.project, e.binary)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(ws, "Pulumi.yaml"), proj, 0o600); err != nil { // #nosec G703 -- the workspace directory cmd/fleet made for the stack
		return err
	}
	opts := []auto.LocalWorkspaceOption{auto.EnvVars(map[string]string{fleet.EnvFile: e.fleetFile})}
	if e.secretsProvider != "" {
		opts = append(opts, auto.SecretsProvider(e.secretsProvider))
	}
	stack, err := auto.UpsertStackLocalSource(ctx, s.Name, ws, opts...)
	if err != nil {
		return fmt.Errorf("select stack: %w", err)
	}
	cfg := auto.ConfigMap{}
	for k, v := range e.config(s, update) {
		cfg[k] = auto.ConfigValue{Value: v}
	}
	if err := stack.SetAllConfig(ctx, cfg); err != nil {
		return fmt.Errorf("set config: %w", err)
	}
	if update {
		_, err = stack.Up(ctx, optup.ProgressStreams(prefixed(e.out, s.Name)))
	} else {
		_, err = stack.Preview(ctx, optpreview.ProgressStreams(prefixed(e.out, s.Name)))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", map[bool]string{true: "up", false: "preview"}[update], err)
	}
	return nil
}

// workspaceProject is the project file of a stack's workspace: the
// project's, with main naming the project directory and, given a binary,
// the runtime running it (runtime.options.binary of the Go language host).
func workspaceProject(proj []byte, dir, binary string) ([]byte, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(proj, &doc); err != nil {
		return nil, fmt.Errorf("Pulumi.yaml: %w", err)
	}
	doc["main"] = dir
	if binary != "" {
		doc["runtime"] = map[string]any{"name": "go", "options": map[string]any{"binary": binary}}
	}
	return yaml.Marshal(doc)
}

// prefixed writes each line of a stack's progress with the stack's name.
func prefixed(w io.Writer, name string) io.Writer { return &prefixWriter{w: w, prefix: name + ": "} }

type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(p.w, p.prefix+l); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}
