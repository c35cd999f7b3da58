package stackconfig

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStackKindsAndAccounts: a stack names its one account; a bootstrap
// stack takes only its own settings and a workload stack none of them;
// production never shares its account by name.
func TestStackKindsAndAccounts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"no account", map[string]string{"aws:allowedAccountIds": ""}, `aws:allowedAccountIds: "" is not a list of account IDs`},
		{"two accounts", map[string]string{"aws:allowedAccountIds": `["111122223333","123456789012"]`}, "name exactly one 12-digit AWS account ID"},
		{"a short account", map[string]string{"aws:allowedAccountIds": `["12345"]`}, "name exactly one 12-digit AWS account ID"},
		{"an unknown kind", map[string]string{"kind": "tooling"}, `kind: "tooling" is not a stack kind; use workload (default) or bootstrap`},
		{"a bootstrap setting in a workload stack", map[string]string{"bootstrap": `{"stacks":["dev"]}`}, "bootstrap: is a bootstrap stack's setting"},
		{"production sharing its account by name", map[string]string{"sharedAccount": "true"}, "sharedAccount: true in a production stack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(tc.values)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	t.Run("no account set", func(t *testing.T) {
		_, err := Parse(func(key string) (string, bool) {
			if key == "aws:allowedAccountIds" {
				return "", false
			}
			v, ok := minimal[key]
			return v, ok
		}, func(string) bool { return false })
		assert.ErrorContains(t, err, "aws:allowedAccountIds: is not set")
	})
	t.Run("a bootstrap refuses workload settings and an empty stack list", func(t *testing.T) {
		values := map[string]string{"kind": "bootstrap", "aws:allowedAccountIds": `["111122223333"]`, "network": `{"azCount":2}`, "bootstrap": `{"stacks":["dev","dev","bad name"]}`}
		_, err := ParseKeys([]string{"kind", "network", "bootstrap"}, func(k string) (string, bool) { v, ok := values[k]; return v, ok }, func(string) bool { return false })
		require.Error(t, err)
		for _, want := range []string{
			"network: is a workload stack's setting; a bootstrap stack takes bootstrap, kind, production, protectStateful",
			`bootstrap.stacks[1]: "dev" is listed twice`,
			`bootstrap.stacks[2]: "bad name" is not a stack name`,
		} {
			assert.ErrorContains(t, err, want)
		}
		values["bootstrap"] = `{"stacks":[]}`
		_, err = ParseKeys([]string{"kind", "bootstrap"}, func(k string) (string, bool) { v, ok := values[k]; return v, ok }, func(string) bool { return false })
		assert.ErrorContains(t, err, "bootstrap.stacks: is empty")
	})
}

// TestBootstrapFleetTrust: a fleet's bootstrap names exactly one role of
// another account for its CI roles to trust.
func TestBootstrapFleetTrust(t *testing.T) {
	for _, tc := range []struct {
		name, arn, want string
	}{
		{"the tooling account's role", "arn:aws:iam::999988887777:role/ci/hardening-fleet-ci", ""},
		{"a role without a path", "arn:aws-us-gov:iam::999988887777:role/fleet-ci", ""},
		{"a wildcard role", "arn:aws:iam::999988887777:role/ci/*", "is not one IAM role's ARN"},
		{"an account root", "arn:aws:iam::999988887777:root", "is not one IAM role's ARN"},
		{"a user", "arn:aws:iam::999988887777:user/ci", "is not one IAM role's ARN"},
		{"a name over 64 characters", "arn:aws:iam::999988887777:role/" + strings.Repeat("r", 65), "is not one IAM role's ARN"},
		{"a role of the bootstrap's own account", "arn:aws:iam::111122223333:role/ci/hardening-fleet-ci", "is a role of this account (111122223333)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values := map[string]string{"kind": "bootstrap", "aws:allowedAccountIds": `["111122223333"]`, "bootstrap": `{"stacks":["dev"],"fleet":{"ciRoleArn":"` + tc.arn + `"}}`}
			cfg, err := ParseKeys([]string{"kind", "bootstrap"}, func(k string) (string, bool) { v, ok := values[k]; return v, ok }, func(string) bool { return false })
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.arn, cfg.Bootstrap.Fleet.CIRoleARN)
				return
			}
			assert.ErrorContains(t, err, "bootstrap.fleet.ciRoleArn: ")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestCheckProject: the stack files agree on accounts and bootstraps.
func TestCheckProject(t *testing.T) {
	workload := func(account string, production, shared bool) *Config {
		c := Default()
		c.AccountID, c.Production, c.SharedAccount = account, production, shared
		return &c
	}
	bootstrap := func(account string, stacks ...string) *Config {
		c := Default()
		c.Kind, c.AccountID, c.Bootstrap.Stacks = Bootstrap, account, stacks
		return &c
	}
	const a, b = "111122223333", "123456789012"
	for _, tc := range []struct {
		name   string
		stacks []Stack
		want   []string
	}{
		{"one account per environment", []Stack{
			{"dev", workload(a, false, false)}, {"prod", workload(b, true, false)},
			{"bootstrap-dev", bootstrap(a, "dev")}, {"bootstrap-prod", bootstrap(b, "prod")},
		}, nil},
		{"production shares its account", []Stack{
			{"dev", workload(b, false, true)}, {"prod", workload(b, true, false)}, {"bootstrap", bootstrap(b, "dev", "prod")},
		}, []string{"Pulumi.prod.yaml: aws:allowedAccountIds: 123456789012 is also the account of dev; a production stack has its account to itself"}},
		{"two non-production stacks share without saying so", []Stack{
			{"dev", workload(a, false, false)}, {"qa", workload(a, false, true)}, {"bootstrap", bootstrap(a, "dev", "qa")},
		}, []string{"Pulumi.dev.yaml: aws:allowedAccountIds: 111122223333 is also the account of qa; give each environment its own account, or accept the risk by name with sharedAccount: true"}},
		{"non-production stacks that share by name", []Stack{
			{"dev", workload(a, false, true)}, {"qa", workload(a, false, true)}, {"bootstrap", bootstrap(a, "dev", "qa")},
		}, nil},
		{"an account without a bootstrap", []Stack{{"dev", workload(a, false, false)}}, []string{"account 111122223333 (stacks dev) has no bootstrap stack"}},
		{"a bootstrap that misses a stack, names another account's and one without a file", []Stack{
			{"dev", workload(a, false, false)}, {"prod", workload(b, true, false)},
			{"bootstrap-dev", bootstrap(a, "prod", "ghost")}, {"bootstrap-prod", bootstrap(b, "prod")},
		}, []string{
			"Pulumi.bootstrap-dev.yaml: bootstrap.stacks: does not list dev",
			`Pulumi.bootstrap-dev.yaml: bootstrap.stacks[0]: "prod" deploys into account 123456789012, not this bootstrap's 111122223333`,
			`Pulumi.bootstrap-dev.yaml: bootstrap.stacks[1]: "ghost" has no stack file`,
		}},
		{"two bootstraps of one account", []Stack{
			{"dev", workload(a, false, false)}, {"b1", bootstrap(a, "dev")}, {"b2", bootstrap(a, "dev")},
		}, []string{"account 111122223333 has 2 bootstrap stacks (b1, b2)"}},
		{"a bootstrap listing a bootstrap", []Stack{
			{"dev", workload(a, false, false)}, {"b1", bootstrap(a, "dev", "b1")},
		}, []string{`bootstrap.stacks[1]: "b1" is a bootstrap stack`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := CheckProject(tc.stacks)
			if tc.want == nil {
				assert.Empty(t, errs)
				return
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				assert.True(t, found, "want %q in %q", w, got)
			}
		})
	}
}
