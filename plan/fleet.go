package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/fleet"
	"github.com/example/hardening/internal/lambdabuild"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/stackconfig"
)

// FleetResult is the offline plan of a whole fleet.
type FleetResult struct {
	Stacks    int
	Resources int
	// Blocking and Other count the stacks' findings (after suppressions):
	// mandatory ones, and the rest.
	Blocking, Other int
	// First are the first blocking findings, stack by stack.
	First []string
	// PerStack is each stack's outcome, in the fleet's order.
	PerStack []StackOutcome
	// Fleet are the fleet rules' violations.
	Fleet    []compliance.FleetViolation
	Duration time.Duration
	// PeakHeap is the largest heap in use seen between stacks.
	PeakHeap uint64
	// ByKind is the time spent planning and judging each kind's stacks.
	ByKind map[string]time.Duration
}

// StackOutcome is one stack's share of a fleet plan.
type StackOutcome struct {
	Name      string
	Resources int
	// Findings are the stack's findings after suppressions, each
	// "rule urn: message".
	Findings []string
}

// fleetTypes are what the fleet rules read; the plan keeps only these of
// each stack's graph, so that a fleet's graphs are not all held at once.
var fleetTypes = map[string]bool{restype.CloudTrailTrail: true, restype.GuardDutyOrganizationConfiguration: true,
	restype.EC2FlowLog: true, restype.EC2VPC: true, restype.ProviderAWS: true, restype.S3BucketV2: true}

// PlanFleet plans every stack of the fleet under the mocks, in one
// process, and judges each with the compliance rules and all of them with
// the fleet rules. dir is the project directory. Accounts are planned
// concurrently, by as many workers as GOMAXPROCS; an account's stacks run
// one after another in the fleet's order, since each sees what the
// account's earlier stacks made (a workload stack checks its bootstrap's
// boundaries). The result does not depend on the number of workers.
func PlanFleet(dir string, f *fleet.File) (*FleetResult, error) {
	return planFleet(dir, f, runtime.GOMAXPROCS(0))
}

// PlanFleetWorkers is PlanFleet with n workers; one plans every stack in
// the fleet's order, the reference the concurrent plan is held to.
func PlanFleetWorkers(dir string, f *fleet.File, n int) (*FleetResult, error) {
	return planFleet(dir, f, n)
}

// stackPlan is one stack's share of the fleet plan.
type stackPlan struct {
	resources int
	findings  []string
	blocking  []string
	other     int
	judged    compliance.FleetStack
	took      time.Duration
	err       error
}

func planFleet(dir string, f *fleet.File, workers int) (*FleetResult, error) {
	stacks, err := f.Stacks()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res := &FleetResult{Stacks: len(stacks), ByKind: map[string]time.Duration{}}
	if os.Getenv("GOGC") == "" {
		// A stack's plan is garbage once judged and the fleet keeps little
		// of it (26 MiB live after 25 accounts, mostly compiled ARN
		// patterns), so the collector's default pace (GOGC 100) spends a
		// tenth of the plan's CPU on a small heap; 400 trades heap for it.
		defer debug.SetGCPercent(debug.SetGCPercent(fleetGCPercent))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The soft limit makes the collector work harder before the
		// process nears the fleet plan's 1 GiB budget.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(fleetMemoryLimit))
	}
	// Every workload stack's program checks the rotation zip (the rendered
	// stacks name it relative to the project): built once, before any
	// stack runs, when missing or stale.
	for _, s := range stacks {
		if s.Kind != string(stackconfig.WorkloadKind) {
			continue
		}
		cfg, err := stackConfig(s)
		if err != nil {
			return nil, err
		}
		if _, err := lambdabuild.Ensure(dir, lambdabuild.Package, cfg.Secrets.RotationArtifact); err != nil {
			return nil, fmt.Errorf("secrets.rotationArtifact: building the rotation function: %w", err)
		}
		break
	}
	var accounts [][]int
	group := map[string]int{}
	for i, s := range stacks {
		g, ok := group[s.AccountID]
		if !ok {
			g = len(accounts)
			group[s.AccountID] = g
			accounts = append(accounts, nil)
		}
		accounts[g] = append(accounts[g], i)
	}
	p := &fleetPlanner{dir: dir, stacks: stacks, rules: compliance.Rules(), plans: make([]stackPlan, len(stacks))}
	work := make(chan []int)
	var wg sync.WaitGroup
	for range max(1, min(workers, len(accounts))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idx := range work {
				p.account(idx)
			}
		}()
	}
	for _, idx := range accounts {
		work <- idx
	}
	close(work)
	wg.Wait()
	var judged []compliance.FleetStack
	for i, sp := range p.plans {
		if sp.err != nil {
			return nil, fmt.Errorf("stack %s: %w", stacks[i].Name, sp.err)
		}
		res.Resources += sp.resources
		res.Blocking += len(sp.blocking)
		for _, b := range sp.blocking {
			if len(res.First) < 20 {
				res.First = append(res.First, b)
			}
		}
		res.Other += sp.other
		res.PerStack = append(res.PerStack, StackOutcome{Name: stacks[i].Name, Resources: sp.resources, Findings: sp.findings})
		res.ByKind[stacks[i].Kind] += sp.took
		judged = append(judged, sp.judged)
	}
	res.PeakHeap = p.peakHeap.Load()
	res.Fleet = compliance.EvaluateFleet(judged, compliance.FleetRules())
	res.Duration = time.Since(start)
	return res, nil
}

// fleetGCPercent and fleetMemoryLimit are the collector's pace and soft
// memory limit while a fleet is planned.
const (
	fleetGCPercent   = 400
	fleetMemoryLimit = 768 << 20
)

// fleetPlanner plans a fleet's stacks, account by account, into plans.
type fleetPlanner struct {
	dir      string
	stacks   []fleet.Stack
	rules    []compliance.Rule
	plans    []stackPlan
	peakHeap atomic.Uint64
}

// account plans one account's stacks (indexes into stacks) in order; it
// stops at the first that fails.
func (p *fleetPlanner) account(idx []int) {
	// The account holds what its stacks planned before this one made.
	policies := map[string]string{}
	for _, i := range idx {
		began := time.Now()
		sp := p.stack(p.stacks[i], policies)
		sp.took = time.Since(began)
		p.plans[i] = sp
		if sp.err != nil {
			return
		}
		var mem runtime.MemStats
		runtime.ReadMemStats(&mem)
		for {
			old := p.peakHeap.Load()
			if mem.HeapInuse <= old || p.peakHeap.CompareAndSwap(old, mem.HeapInuse) {
				break
			}
		}
	}
}

// stack plans and judges one stack; the account's policies are what its
// earlier stacks registered, and gain this one's.
func (p *fleetPlanner) stack(s fleet.Stack, policies map[string]string) stackPlan {
	cfg, err := stackConfig(s)
	if err != nil {
		return stackPlan{err: err}
	}
	ms := &mockaws.Stack{Project: stackconfig.Namespace, Name: s.Name, Region: s.Region, Config: s.Config, Dir: p.dir, Existing: policies}
	m, err := ms.Run(fleetProgram(s, p.stacks))
	if err != nil {
		return stackPlan{err: err}
	}
	maps.Copy(policies, m.Policies())
	recorded := m.Resources()
	g := ComplianceGraph(recorded)
	if cfg != nil && cfg.Kind == stackconfig.WorkloadKind {
		g.Intent = baseline.NetworkIntent(stackconfig.Namespace, s.Name, cfg)
	}
	sups, err := suppressionsOf(s)
	if err != nil {
		return stackPlan{err: err}
	}
	rep, err := compliance.Evaluate(g, p.rules, sups)
	if err != nil {
		return stackPlan{err: err}
	}
	sp := stackPlan{resources: len(recorded)}
	for _, b := range rep.Blocking() {
		sp.blocking = append(sp.blocking, s.Name+": "+b.Message)
	}
	for _, fd := range rep.Findings {
		if fd.Suppressed {
			continue
		}
		sp.findings = append(sp.findings, fd.Rule+" "+fd.URN+": "+fd.Message)
		if !fd.Mandatory {
			sp.other++
		}
	}
	slim := &compliance.Graph{Account: g.Account, Region: g.Region, Partition: g.Partition}
	for _, r := range g.Resources {
		if fleetTypes[r.Type] || isAccountWide(r.Type) {
			slim.Resources = append(slim.Resources, r)
		}
	}
	sp.judged = compliance.FleetStack{Name: s.Name, Kind: s.Kind, Account: s.AccountID, Region: s.Region, Graph: slim}
	return sp
}

func isAccountWide(t string) bool { _, ok := compliance.AccountWideTypes[t]; return ok }

// stackConfig parses a workload or bootstrap stack's configuration; nil
// for the organization's stacks.
func stackConfig(s fleet.Stack) (*stackconfig.Config, error) {
	if fleet.IsOrgKind(s.Kind) {
		return nil, nil
	}
	cfg, err := fleet.Parse1(s)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", s.Name, err)
	}
	return cfg, nil
}

// fleetProgram is the program a fleet stack runs: the baseline, with a
// bootstrap given its account's rendered workload stacks (what the program
// reads from the fleet file named by fleet.EnvFile when cmd/fleet runs it).
func fleetProgram(s fleet.Stack, all []fleet.Stack) pulumi.RunFunc {
	if s.Kind != string(stackconfig.Bootstrap) {
		return baseline.Run
	}
	return func(ctx *pulumi.Context) error {
		cfg, err := stackconfig.Load(ctx)
		if err != nil {
			return err
		}
		ws, err := fleet.Workloads(all, s.AccountID)
		if err != nil {
			return err
		}
		_, err = baseline.DeployBootstrapOf(ctx, cfg, ws)
		return err
	}
}

// suppressionsOf reads a rendered stack's compliance.suppressions.
func suppressionsOf(s fleet.Stack) ([]compliance.Suppression, error) {
	raw, ok := s.Config[stackconfig.Namespace+":compliance"]
	if !ok {
		return nil, nil
	}
	var section struct {
		Suppressions []compliance.Suppression `yaml:"suppressions"`
	}
	if err := yaml.Unmarshal([]byte(raw), &section); err != nil { // JSON is YAML
		return nil, fmt.Errorf("compliance: %w", err)
	}
	if ps := compliance.CheckSuppressions(section.Suppressions); len(ps) > 0 {
		return nil, &compliance.SuppressionError{Problems: ps}
	}
	return section.Suppressions, nil
}

// WriteFleet writes the fleet plan's summary.
func (r *FleetResult) WriteFleet(w io.Writer, path string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "fleet %s: %d stacks, %d resources planned in %.1f s (%.1f stacks/s, peak heap %d MiB)\n", path, r.Stacks, r.Resources,
		r.Duration.Seconds(), float64(r.Stacks)/r.Duration.Seconds(), r.PeakHeap>>20)
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "  %-12s %6.1f s\n", k, r.ByKind[k].Seconds())
	}
	fmt.Fprintf(&b, "findings: %d blocking, %d not blocking (after suppressions)\n", r.Blocking, r.Other)
	for _, f := range r.First {
		fmt.Fprintf(&b, "  blocking: %s\n", f)
	}
	fmt.Fprintf(&b, "fleet rules: %d violations\n", len(r.Fleet))
	for i, v := range r.Fleet {
		if i == 20 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(r.Fleet)-20)
			break
		}
		fmt.Fprintf(&b, "  %s: %s %s: %s\n", v.Rule, v.Stack, v.Resource, v.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// programPaths are the files whose content is the program: a change to
// any of them may change every stack.
var programPaths = []string{"go.mod", "go.sum", "main.go", "Pulumi.yaml", "audit", "baseline", "fleet", "identity", "internal", "network", "ratelimit", "secrets", "stackconfig", "tls"}

// ProgramVersion is a digest of the program's files at rev ("" for the
// working tree), from git's blob hashes.
func ProgramVersion(dir, rev string) (string, error) {
	var lines []string
	if rev != "" {
		out, err := exec.Command("git", append([]string{"-C", dir, "ls-tree", "-r", rev, "--"}, programPaths...)...).Output() // #nosec G204 -- git, with the project directory and a revision the user gives
		if err != nil {
			return "", fmt.Errorf("git ls-tree %s: %w", rev, err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			// "<mode> blob <hash>\t<path>"
			meta, path, _ := strings.Cut(l, "\t")
			if f := strings.Fields(meta); len(f) == 3 && !strings.HasSuffix(path, "_test.go") {
				lines = append(lines, path+" "+f[2])
			}
		}
	} else {
		out, err := exec.Command("git", append([]string{"-C", dir, "ls-files", "--"}, programPaths...)...).Output() // #nosec G204 -- git, with the project directory
		if err != nil {
			return "", fmt.Errorf("git ls-files: %w", err)
		}
		var paths []string
		for _, p := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if p != "" && !strings.HasSuffix(p, "_test.go") {
				paths = append(paths, p)
			}
		}
		cmd := exec.Command("git", "-C", dir, "hash-object", "--stdin-paths") // #nosec G204 -- git, with the project directory
		cmd.Stdin = strings.NewReader(strings.Join(paths, "\n") + "\n")
		hashes, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("git hash-object: %w", err)
		}
		for i, h := range strings.Fields(string(hashes)) {
			lines = append(lines, paths[i]+" "+h)
		}
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:]), nil
}

// Digest is a stack's digest: the program version and its rendered
// configuration. An unchanged digest means an update would change nothing
// the fleet controls.
func Digest(version string, s fleet.Stack) string {
	keys := make([]string, 0, len(s.Config))
	for k := range s.Config {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", version, s.Name)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\n", k, s.Config[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Changed lists the stacks of the fleet whose digest differs from the
// same stack's at git revision base (the fleet file and the program as
// they were there); a stack new since base is changed.
func Changed(dir, path, base string) ([]string, error) {
	f, err := fleet.Read(path)
	if err != nil {
		return nil, err
	}
	now, err := f.Stacks()
	if err != nil {
		return nil, err
	}
	version, err := ProgramVersion(dir, "")
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return nil, err
	}
	old := map[string]string{}
	if b, err := exec.Command("git", "-C", dir, "show", base+":"+filepath.ToSlash(rel)).Output(); err == nil { // #nosec G204 -- git, with the project directory and the base the user gives
		bf, err := fleet.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("the fleet file at %s: %w", base, err)
		}
		then, err := bf.Stacks()
		if err != nil {
			return nil, fmt.Errorf("the fleet file at %s: %w", base, err)
		}
		baseVersion, err := ProgramVersion(dir, base)
		if err != nil {
			return nil, err
		}
		for _, s := range then {
			old[s.Name] = Digest(baseVersion, s)
		}
	}
	var changed []string
	for _, s := range now {
		if old[s.Name] != Digest(version, s) {
			changed = append(changed, s.Name)
		}
	}
	return changed, nil
}

// DigestsJSON writes each stack's digest, for cmd/fleet and the workflow.
func DigestsJSON(w io.Writer, dir string, stacks []fleet.Stack) error {
	version, err := ProgramVersion(dir, "")
	if err != nil {
		return err
	}
	out := map[string]string{}
	for _, s := range stacks {
		out[s.Name] = Digest(version, s)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}
