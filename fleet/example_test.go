package fleet_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/fleet"
)

func readExample(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../examples/fleet.yaml")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(b, &doc))
	return doc
}

func TestExampleFleetRenders(t *testing.T) {
	f, err := fleet.Read("../examples/fleet.yaml")
	require.NoError(t, err)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	kinds := map[string]int{}
	names := map[string]bool{}
	for _, s := range stacks {
		kinds[s.Kind]++
		assert.False(t, names[s.Name], "stack %s twice", s.Name)
		names[s.Name] = true
	}
	assert.Equal(t, map[string]int{"org": 1, "log-archive": 1, "security": 4, "bootstrap": 100, "workload": 400}, kinds)
	assert.Equal(t, "org", stacks[0].Name, "the organization's stacks come first")
}

// TestBootstrapsTrustTheToolingCIRole: every account's bootstrap names the
// tooling account's CI role for its CI roles to trust, and creates no
// GitHub OIDC provider of its own.
func TestBootstrapsTrustTheToolingCIRole(t *testing.T) {
	f, err := fleet.Read("../examples/fleet.yaml")
	require.NoError(t, err)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	want := "arn:aws:iam::" + f.Organization.Tooling + ":role/ci/" + fleet.ToolingCIRoleName
	assert.Equal(t, want, f.ToolingCIRoleARN())
	n := 0
	for _, s := range stacks {
		if s.Kind != "bootstrap" {
			continue
		}
		n++
		cfg, err := fleet.Parse1(s)
		require.NoError(t, err, s.Name)
		assert.Equal(t, want, cfg.Bootstrap.Fleet.CIRoleARN, s.Name)
		assert.False(t, cfg.Bootstrap.CreateProvider, "%s: no OIDC provider in a fleet account", s.Name)
	}
	assert.Equal(t, 100, n)
}

// TestInvalidFleets flips one part of the example fleet at a time; each
// must be refused with the problem at its key path, and the other
// problems of a fleet with several must all be reported.
func TestInvalidFleets(t *testing.T) {
	accounts := func(doc map[string]any) []any { return doc["accounts"].([]any) }
	acct := func(doc map[string]any, i int) map[string]any { return accounts(doc)[i].(map[string]any) }
	org := func(doc map[string]any) map[string]any { return doc["organization"].(map[string]any) }
	wave := func(doc map[string]any, i int) map[string]any { return doc["waves"].([]any)[i].(map[string]any) }
	for _, tc := range []struct {
		name  string
		flip  func(doc map[string]any)
		wants []string
	}{
		{"unknown top-level key", func(d map[string]any) { d["acounts"] = []any{} }, []string{"acounts: is not a known setting (did you mean accounts?)"}},
		{"unknown account key", func(d map[string]any) { acct(d, 3)["profil"] = "dev" }, []string{"accounts[3].profil: is not a known setting"}},
		{"wrong type", func(d map[string]any) { acct(d, 3)["tags"] = "wave" }, []string{"accounts[3].tags: expected an object"}},
		{"eleven-digit account ID", func(d map[string]any) { acct(d, 5)["id"] = "20000000005" }, []string{"accounts[5].id: \"20000000005\" is not a 12-digit AWS account ID"}},
		{"duplicate account ID", func(d map[string]any) { acct(d, 6)["id"] = acct(d, 5)["id"] }, []string{"accounts[6].id: 200000000006 is also accounts[5]'s ID"}},
		{"duplicate account name", func(d map[string]any) { acct(d, 7)["name"] = "app001" }, []string{"accounts[7].name: \"app001\" is also accounts[0]'s name"}},
		{"name with upper case", func(d map[string]any) { acct(d, 7)["name"] = "App7" }, []string{"accounts[7].name: \"App7\" is not an account name"}},
		{"name too long for the derived bucket prefix", func(d map[string]any) { acct(d, 7)["name"] = "averyverylongname" }, []string{"accounts[7].name: \"averyverylongname\" makes stack wl-averyverylongname-use1's log bucket prefix"}},
		{"workload in the management account", func(d map[string]any) { acct(d, 8)["id"] = org(d)["management"] }, []string{"accounts[8].id: 100000000001 is one of the organization's own accounts"}},
		{"overlapping CIDRs within an account", func(d map[string]any) {
			acct(d, 9)["cidrs"].(map[string]any)["us-west-2"] = "10.10.0.0/16"
		}, []string{"accounts[9].cidrs.us-west-2: 10.10.0.0/16 overlaps accounts[9].cidrs.us-east-1 (10.10.0.0/18) in the same account"}},
		{"overlapping CIDRs across accounts", func(d map[string]any) {
			acct(d, 10)["cidrs"].(map[string]any)["eu-west-1"] = "10.4.128.0/18"
		}, []string{"accounts[10].cidrs.eu-west-1: 10.4.128.0/18 overlaps accounts[3].cidrs.eu-west-1 (10.4.128.0/18); network.uniqueAcrossAccounts"}},
		{"missing region CIDR", func(d map[string]any) { delete(acct(d, 11)["cidrs"].(map[string]any), "eu-central-1") }, []string{"accounts[11].cidrs.eu-central-1: is not set"}},
		{"CIDR of an excluded region", func(d map[string]any) { acct(d, 11)["excludedRegions"] = []any{"eu-central-1"} }, []string{"accounts[11].cidrs.eu-central-1: is not a region the account uses"}},
		{"excluded region outside the fleet", func(d map[string]any) { acct(d, 11)["excludedRegions"] = []any{"ap-south-1"} }, []string{"accounts[11].excludedRegions[0]: \"ap-south-1\" is not one of regions"}},
		{"not a CIDR", func(d map[string]any) { acct(d, 12)["cidrs"].(map[string]any)["us-east-1"] = "10.12.0.1/18" }, []string{"accounts[12].cidrs.us-east-1: \"10.12.0.1/18\" is not a network address block"}},
		{"CIDR the network component refuses", func(d map[string]any) { acct(d, 12)["cidrs"].(map[string]any)["us-east-1"] = "8.8.0.0/18" }, []string{"accounts[12].cidrs.us-east-1: "}},
		{"unknown profile", func(d map[string]any) { acct(d, 13)["profile"] = "staging" }, []string{"accounts[13].profile: \"staging\" is not a profile; valid here: dev, prod"}},
		{"account in no wave", func(d map[string]any) { acct(d, 14)["tags"] = map[string]any{"wave": "none"} }, []string{"accounts[14]: app015 is in no wave"}},
		{"account in two waves", func(d map[string]any) { wave(d, 0)["select"].(map[string]any)["accounts"] = []any{"app050"} }, []string{"accounts[49]: app050 is in waves canary, prod"}},
		{"production wave without approval", func(d map[string]any) { wave(d, 3)["approval"] = false }, []string{"waves[3].approval: false, but the wave holds production accounts"}},
		{"bad concurrency", func(d map[string]any) { wave(d, 1)["maxConcurrent"] = "many" }, []string{"waves[1].maxConcurrent: \"many\" is not a count"}},
		{"zero concurrency", func(d map[string]any) { wave(d, 1)["maxConcurrent"] = "0" }, []string{"waves[1].maxConcurrent: \"0\" runs nothing"}},
		{"tolerance over 100%", func(d map[string]any) { wave(d, 1)["failureTolerance"] = "150%" }, []string{"waves[1].failureTolerance: \"150%\" is over 100%"}},
		{"region order misses a region", func(d map[string]any) { wave(d, 3)["regionOrder"] = []any{"us-east-1"} }, []string{"waves[3].regionOrder: leaves out \"us-west-2\""}},
		{"region order names an unknown region", func(d map[string]any) {
			wave(d, 3)["regionOrder"] = []any{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "mars-1"}
		}, []string{"waves[3].regionOrder[4]: \"mars-1\" is not one of regions"}},
		{"selector names no account", func(d map[string]any) { wave(d, 0)["select"] = map[string]any{"accounts": []any{"ghost"}} }, []string{"waves[0].select.accounts[0]: \"ghost\" is neither the name nor the ID"}},
		{"empty selector", func(d map[string]any) { wave(d, 0)["select"] = map[string]any{} }, []string{"waves[0].select: selects nothing"}},
		{"duplicate wave name", func(d map[string]any) { wave(d, 1)["name"] = "canary" }, []string{"waves[1].name: \"canary\" is the name of an earlier wave"}},
		{"management administers CloudTrail", func(d map[string]any) {
			org(d)["delegatedAdministrators"].(map[string]any)["cloudtrail"] = org(d)["management"]
		}, []string{"organization.delegatedAdministrators.cloudtrail: 100000000001 is the management account, which cannot be cloudtrail's delegated administrator (CloudTrail user guide"}},
		{"management administers Security Hub", func(d map[string]any) {
			org(d)["delegatedAdministrators"].(map[string]any)["securityhub"] = org(d)["management"]
		}, []string{"organization.delegatedAdministrators.securityhub: 100000000001 is the management account, which cannot be securityhub's delegated administrator"}},
		{"workload account administers GuardDuty", func(d map[string]any) {
			org(d)["delegatedAdministrators"].(map[string]any)["guardduty"] = acct(d, 0)["id"]
		}, []string{"organization.delegatedAdministrators.guardduty: 200000000001 is neither the security account"}},
		{"unknown delegated service", func(d map[string]any) { org(d)["delegatedAdministrators"].(map[string]any)["macie"] = "100000000002" }, []string{"organization.delegatedAdministrators.macie: is not a service the org stack delegates"}},
		{"security is the log archive", func(d map[string]any) { org(d)["logArchive"] = org(d)["security"] }, []string{"organization.logArchive: 100000000002 is also organization.security"}},
		{"no tooling account", func(d map[string]any) { delete(org(d), "tooling") }, []string{"organization.tooling: \"\" is not a 12-digit AWS account ID"}},
		{"the tooling account is the management account", func(d map[string]any) { org(d)["tooling"] = org(d)["management"] }, []string{"organization.tooling: 100000000001 is also organization.management"}},
		{"a workload account is the tooling account", func(d map[string]any) { acct(d, 3)["id"] = org(d)["tooling"] }, []string{"accounts[3].id: 100000000004 is one of the organization's own accounts"}},
		{"bad organization ID", func(d map[string]any) { org(d)["id"] = "org-1" }, []string{"organization.id: \"org-1\" is not an organization ID"}},
		{"home region outside the fleet", func(d map[string]any) { org(d)["homeRegion"] = "ap-south-1" }, []string{"organization.homeRegion: \"ap-south-1\" is not one of regions"}},
		{"unknown region", func(d map[string]any) { d["regions"] = append(d["regions"].([]any), "us-middle-1") }, []string{"regions[4]: \"us-middle-1\" is not an AWS region"}},
		{"region twice", func(d map[string]any) { d["regions"] = append(d["regions"].([]any), "us-east-1") }, []string{"regions[4]: \"us-east-1\" is listed twice"}},
		{"profile setting refused by the stack's validation", func(d map[string]any) {
			p := d["profiles"].(map[string]any)["prod"].(map[string]any)["config"].(map[string]any)
			p["rateLimit"] = map[string]any{"mode": "count"}
		}, []string{"profiles.prod.config.rateLimit.mode: \"count\" in a production stack", "and 319 more"}},
		{"profile with an unknown setting", func(d map[string]any) {
			d["profiles"].(map[string]any)["dev"].(map[string]any)["config"].(map[string]any)["netwrk"] = map[string]any{}
		}, []string{"profiles.dev.config.netwrk: is not a setting"}},
		{"several problems at once", func(d map[string]any) {
			acct(d, 5)["id"] = "1"
			wave(d, 1)["maxConcurrent"] = "x"
			org(d)["homeRegion"] = "nowhere-1"
		}, []string{"accounts[5].id:", "waves[1].maxConcurrent:", "organization.homeRegion:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := readExample(t)
			tc.flip(doc)
			b, err := yaml.Marshal(doc)
			require.NoError(t, err)
			f, err := fleet.Parse(b)
			if err == nil {
				_, err = f.Stacks()
			}
			require.Error(t, err, "the fleet must be refused")
			for _, w := range tc.wants {
				assert.Contains(t, err.Error(), w)
			}
			assert.Less(t, strings.Count(err.Error(), "\n  - "), 12, "one flip, few problems: %v", err)
		})
	}
}

func TestRegionCodesAreUniqueAcrossAWS(t *testing.T) {
	seen := map[string]string{}
	for _, r := range []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "eu-central-1", "eu-central-2", "eu-west-1", "eu-north-1", "eu-south-1", "us-gov-west-1", "us-gov-east-1", "ca-west-1", "il-central-1", "me-central-1", "mx-central-1", "sa-east-1", "ap-east-1", "ap-east-2"} {
		c := fleet.RegionCode(r)
		assert.Empty(t, seen[c], "%s and %s share code %s", r, seen[c], c)
		seen[c] = r
	}
	assert.Equal(t, "apse2", fleet.RegionCode("ap-southeast-2"))
	assert.Equal(t, "usgw1", fleet.RegionCode("us-gov-west-1"))
}

func TestResolveCountOrPercentage(t *testing.T) {
	for _, tc := range []struct {
		v     string
		total int
		least bool
		want  int
	}{{"5", 100, true, 5}, {"25%", 80, true, 20}, {"1%", 10, true, 1}, {"1%", 10, false, 0}, {"0", 10, false, 0}} {
		assert.Equal(t, tc.want, fleet.Resolve(tc.v, tc.total, tc.least), "%s of %d", tc.v, tc.total)
	}
}
