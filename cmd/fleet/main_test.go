package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/fleet"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i, n int
		ok   bool
	}{{"1/1", 1, 1, true}, {"2/4", 2, 4, true}, {"0/4", 0, 0, false}, {"5/4", 0, 0, false}, {"x", 0, 0, false}, {"1/0", 0, 0, false}} {
		i, n, err := parseShard(tc.in)
		assert.Equal(t, tc.ok, err == nil, "%s: %v", tc.in, err)
		assert.Equal(t, []int{tc.i, tc.n}, []int{i, n}, tc.in)
	}
}

func TestListsAWavesShard(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-fleet", "../../examples/fleet.yaml", "-dir", "../..", "-wave", "canary", "-list", "-shard", "1/2"}, &out, &errOut), errOut.String())
	lines := strings.Fields(out.String())
	assert.Equal(t, []string{"bootstrap-app001", "wl-app001-use1", "wl-app001-usw2", "wl-app001-euw1", "wl-app001-euc1"}, lines,
		"shard 1 of 2 of each group: the first account's bootstrap, then its stack in each region in the wave's order")
}

// TestStackConfigAssumesTheRightAccountsRole: each stack's provider
// assumes a role of its own account: a workload stack its CI role (preview
// for a preview, deploy for an update) in a session named for it; the
// bootstrap, security and log-archive stacks the administrator role when
// one is named; the org stack and, without roles, every stack the
// caller's credentials.
func TestStackConfigAssumesTheRightAccountsRole(t *testing.T) {
	f, err := fleet.Read("../../examples/fleet.yaml")
	require.NoError(t, err)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	byName := map[string]fleet.Stack{}
	for _, s := range stacks {
		byName[s.Name] = s
	}
	wl, other := byName["wl-app001-usw2"], byName["wl-app002-usw2"]
	require.NotEqual(t, wl.AccountID, other.AccountID)
	admin := credentials{ciRoles: true, adminRole: "OrganizationAccountAccessRole"}
	for _, tc := range []struct {
		name   string
		stack  fleet.Stack
		update bool
		c      credentials
		want   string // the role ARN; "" for no aws:assumeRole
	}{
		{"a workload preview takes its preview role", wl, false, admin, "arn:aws:iam::" + wl.AccountID + ":role/ci/hardening-wl-app001-usw2-ci-preview"},
		{"a workload update takes its deploy role", wl, true, admin, "arn:aws:iam::" + wl.AccountID + ":role/ci/hardening-wl-app001-usw2-ci-deploy"},
		{"another account's workload takes that account's role", other, true, admin, "arn:aws:iam::" + other.AccountID + ":role/ci/hardening-wl-app002-usw2-ci-deploy"},
		{"a bootstrap takes the administrator role", byName["bootstrap-app001"], true, admin, "arn:aws:iam::" + wl.AccountID + ":role/OrganizationAccountAccessRole"},
		{"the log-archive stack takes the administrator role of its account", byName[fleet.LogArchiveKind], true, admin, "arn:aws:iam::" + f.Organization.LogArchive + ":role/OrganizationAccountAccessRole"},
		{"a security stack takes it in the delegated administrator", byName[fleet.SecurityStack("eu-west-1")], true, admin, "arn:aws:iam::" + f.Organization.Security + ":role/OrganizationAccountAccessRole"},
		{"the org stack runs as the management account's caller", byName[fleet.OrgKind], true, admin, ""},
		{"a bootstrap without an administrator role runs as the caller", byName["bootstrap-app001"], true, credentials{ciRoles: true}, ""},
		{"a workload without CI roles runs as the caller", wl, true, credentials{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEmpty(t, tc.stack.Name)
			cfg := stackConfig(f, tc.stack, tc.update, tc.c)
			for k, v := range tc.stack.Config {
				assert.Equal(t, v, cfg[k], "the rendered %s is kept", k)
			}
			raw, ok := cfg["aws:assumeRole"]
			if tc.want == "" {
				assert.False(t, ok, "no role assumed: %s", raw)
				return
			}
			var got map[string]string
			require.NoError(t, json.Unmarshal([]byte(raw), &got))
			assert.Equal(t, map[string]string{"roleArn": tc.want, "sessionName": tc.stack.Name}, got)
			_, inRendered := tc.stack.Config["aws:assumeRole"]
			assert.False(t, inRendered, "credentials are not part of the rendered configuration (nor of its digest)")
		})
	}
}

// TestListShards: the CI matrix of a wave has its GitHub environment and
// approval, and no more shards than its concurrency cap, -max-shards or
// its largest group allow.
func TestListShards(t *testing.T) {
	const ciRole = "arn:aws:iam::100000000004:role/ci/hardening-fleet-ci" // examples/fleet.yaml's tooling account
	for _, tc := range []struct {
		name string
		args []string
		want Matrix
	}{
		{"prod: 20% of 300 workload stacks, capped at 4 shards", []string{"-wave", "prod", "-kinds", "workload"},
			Matrix{Wave: "prod", Environment: "fleet-prod", Approval: true, CIRole: ciRole, Region: "us-east-1", Stacks: 300, Shards: []string{"1/4", "2/4", "3/4", "4/4"}}},
		{"canary: maxConcurrent 2", []string{"-wave", "canary", "-kinds", "workload"},
			Matrix{Wave: "canary", Environment: "fleet-canary", CIRole: ciRole, Region: "us-east-1", Stacks: 8, Shards: []string{"1/2", "2/2"}}},
		{"canary with bootstraps", []string{"-wave", "canary"},
			Matrix{Wave: "canary", Environment: "fleet-canary", CIRole: ciRole, Region: "us-east-1", Stacks: 10, Shards: []string{"1/2", "2/2"}}},
		{"prodcanary: -max-shards 1", []string{"-wave", "prodcanary", "-kinds", "workload", "-max-shards", "1"},
			Matrix{Wave: "prodcanary", Environment: "fleet-prodcanary", Approval: true, CIRole: ciRole, Region: "us-east-1", Stacks: 20, Shards: []string{"1/1"}}},
		{"the organization wave holds no workload stack", []string{"-wave", fleet.OrgWave, "-kinds", "workload"},
			Matrix{Wave: fleet.OrgWave, Environment: "fleet-organization", Approval: true, CIRole: ciRole, Region: "us-east-1", Shards: []string{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			require.Equal(t, 0, run(append([]string{"-fleet", "../../examples/fleet.yaml", "-dir", "../..", "-list-shards"}, tc.args...), &out, &errOut), errOut.String())
			var got Matrix
			require.NoError(t, json.Unmarshal(out.Bytes(), &got), out.String())
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("bad -kinds and -max-shards are refused", func(t *testing.T) {
		var out, errOut bytes.Buffer
		assert.Equal(t, 1, run([]string{"-fleet", "../../examples/fleet.yaml", "-dir", "../..", "-wave", "canary", "-list-shards", "-kinds", "workloads"}, &out, &errOut))
		assert.Contains(t, errOut.String(), `-kinds: "workloads" is not a stack kind`)
		errOut.Reset()
		assert.Equal(t, 2, run([]string{"-fleet", "../../examples/fleet.yaml", "-dir", "../..", "-wave", "canary", "-list-shards", "-max-shards", "0"}, &out, &errOut))
		assert.Contains(t, errOut.String(), "-max-shards 0")
	})
}

// TestBootstrapDigestCoversItsWorkloads: a change to a workload stack's
// configuration changes its bootstrap's digest (the boundary and CI roles
// are made from it), and no other account's.
func TestBootstrapDigestCoversItsWorkloads(t *testing.T) {
	f, err := fleet.Read("../../examples/fleet.yaml")
	require.NoError(t, err)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	digests := func(all []fleet.Stack) map[string]string {
		out := map[string]string{}
		for _, s := range all {
			out[s.Name] = digest("v1", s, all)
		}
		return out
	}
	before := digests(stacks)
	changed := make([]fleet.Stack, len(stacks))
	copy(changed, stacks)
	for i, s := range changed {
		if s.Name == "wl-app001-usw2" {
			cfg := maps.Clone(s.Config)
			cfg["hardening:network"] = strings.Replace(cfg["hardening:network"], `"azCount":2`, `"azCount":3`, 1)
			require.NotEqual(t, s.Config["hardening:network"], cfg["hardening:network"])
			changed[i].Config = cfg
		}
	}
	after := digests(changed)
	var differ []string
	for name := range before {
		if before[name] != after[name] {
			differ = append(differ, name)
		}
	}
	slices.Sort(differ)
	assert.Equal(t, []string{"bootstrap-app001", "wl-app001-usw2"}, differ)
}

// TestWorkspaceProject: a workspace runs the project's program from its
// directory, or the prebuilt binary.
func TestWorkspaceProject(t *testing.T) {
	proj := []byte("name: hardening\nruntime: go\ndescription: x\n")
	for _, tc := range []struct {
		name, binary string
		runtime      any
	}{
		{"compiled by the language host", "", "go"},
		{"a prebuilt binary", "/tmp/bin/hardening", map[string]any{"name": "go", "options": map[string]any{"binary": "/tmp/bin/hardening"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := workspaceProject(proj, "/src/project", tc.binary)
			require.NoError(t, err)
			var doc map[string]any
			require.NoError(t, yaml.Unmarshal(out, &doc))
			assert.Equal(t, map[string]any{"name": "hardening", "runtime": tc.runtime, "description": "x", "main": "/src/project"}, doc)
		})
	}
	_, err := workspaceProject([]byte("name: [unclosed"), "/src", "")
	assert.ErrorContains(t, err, "Pulumi.yaml")
}

// TestShardShare: the shards of a wave together run at most its cap at
// once and stop within its tolerance.
func TestShardShare(t *testing.T) {
	for _, tc := range []struct{ maxConcurrent, tolerance, shards, wantCap, wantTol int }{
		{60, 15, 4, 15, 3},
		{5, 2, 4, 1, 0},
		{2, 0, 2, 1, 0},
		{7, 7, 1, 7, 7},
		{1, 3, 4, 1, 0}, // more shards than the cap, given by hand: each still runs
	} {
		c, tol := shardShare(tc.maxConcurrent, tc.tolerance, tc.shards)
		assert.Equal(t, []int{tc.wantCap, tc.wantTol}, []int{c, tol}, "%+v", tc)
		if tc.shards <= tc.maxConcurrent {
			assert.LessOrEqual(t, c*tc.shards, tc.maxConcurrent, "%+v: the shards together exceed the cap", tc)
		}
		assert.LessOrEqual(t, tol*tc.shards, tc.tolerance, "%+v: the shards together exceed the tolerance", tc)
	}
}
