package compliance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/internal/restype"
)

// onProvider is r created through the provider named.
func onProvider(r Resource, provider string) Resource {
	r.Provider = "urn:" + provider
	return r
}

func westProvider(region any) Resource {
	return res(restype.ProviderAWS, "west", map[string]any{"region": region})
}

func TestSecurityHubEveryRegion(t *testing.T) {
	hub := res(restype.SecurityHubAccount, "hub", map[string]any{"enableDefaultStandards": false})
	westHub := onProvider(res(restype.SecurityHubAccount, "hub-west", map[string]any{}), "west")
	replica := onProvider(res(restype.KMSReplicaKey, "replica", map[string]any{}), "west")
	region := func(g *Graph) *Graph { g.Region = "us-east-1"; return g }
	runCases(t, securityHubEveryRegion, []ruleCase{
		{"one Region, one hub", "CIS 4.16", region(graphOf(hub)), pass},
		{"a hub in each provider's Region", "CIS 4.16", region(graphOf(hub, westProvider("us-west-2"), replica, westHub)), pass},
		{"a replica in us-west-2 without a hub there", "CIS 4.16", region(graphOf(hub, westProvider("us-west-2"), replica)), fail},
		{"a provider for us-west-2 with nothing on it yet", "CIS 4.16", region(graphOf(hub, westProvider("us-west-2"))), fail},
		{"a secret replicated to us-west-2", "CIS 4.16", region(graphOf(hub, res(restype.SecretsManagerSecret, "s", map[string]any{"replicas": []any{map[string]any{"region": "us-west-2"}}}))), fail},
		{"the other hub on the default provider", "CIS 4.16", region(graphOf(hub, res(restype.SecurityHubAccount, "hub2", map[string]any{}), westProvider("us-west-2"), replica)), fail},
		{"a provider's Region computed", "CIS 4.16", region(graphOf(hub, westProvider(Unknown{}), replica, westHub)), unjudged},
		// The stack's Region unknown: the hub is in it, like the key.
		{"the stack's Region unknown", "CIS 4.16", graphOf(hub, res(restype.KMSKey, "k", map[string]any{})), pass},
	})
	// A stack without a hub leaves Security Hub to the account's other stack.
	assert.Equal(t, pass, verdictOf(t, securityHubEveryRegion, region(graphOf(westProvider("us-west-2"), replica)), "CIS 4.16"), "a stack without a hub")
}

func TestSecurityHubStandards(t *testing.T) {
	hub := res(restype.SecurityHubAccount, "hub", map[string]any{})
	sub := func(name string, arn any) Resource {
		return res(restype.SecurityHubStandardsSubscription, name, map[string]any{"standardsArn": arn}, "hub")
	}
	fsbp := sub("fsbp", "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0")
	cis := sub("cis", "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0")
	region := func(g *Graph) *Graph { g.Region = "us-east-1"; return g }
	westHub := onProvider(res(restype.SecurityHubAccount, "hub-west", map[string]any{}), "west")
	runCases(t, securityHubStandards, []ruleCase{
		{"both standards", "", region(graphOf(hub, fsbp, cis)), pass},
		{"the other Region's hub collects findings without standards", "", region(graphOf(hub, fsbp, cis, westProvider("us-west-2"), westHub)), pass},
		{"CIS v1.4 instead of v3.0", "", region(graphOf(hub, fsbp, sub("cis", "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"))), fail},
		{"the standard of another Region", "", region(graphOf(hub, fsbp, sub("cis", "arn:aws:securityhub:us-west-2::standards/cis-aws-foundations-benchmark/v/3.0.0"))), fail},
		{"no subscriptions", "", region(graphOf(hub)), fail},
		{"a standard's ARN computed", "", region(graphOf(hub, fsbp, sub("cis", Unknown{}))), unjudged},
	})
}
