package compliance

import (
	"fmt"
	"slices"

	"github.com/example/hardening/internal/restype"
)

// Change is a step of a preview that replaces or deletes a resource.
type Change struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
	Op   string `json:"op"`
}

// destructive are the preview operations that end a resource's life.
var destructive = []string{"replace", "create-replacement", "delete-replaced", "delete"}

// Guarded are the resource types whose replacement or deletion loses data
// or cuts access, with what would be lost.
var Guarded = map[string]string{
	restype.KMSKey:                "every secret, log and state value it encrypts becomes unreadable after the deletion window",
	restype.KMSReplicaKey:         "the secret replicas it encrypts become unreadable",
	restype.SecretsManagerSecret:  "the secret's value and versions; readers fail until the value is restored",
	restype.CognitoUserPool:       "every user, password and MFA enrolment",
	restype.CognitoIdentityPool:   "every federated identity and its role mapping",
	restype.S3BucketV2:            "the logs it holds (audit evidence)",
	restype.CloudWatchLogGroup:    "the logs it holds (audit evidence)",
	restype.LBLoadBalancer:        "the public endpoint: DNS names change and clients are cut off",
	restype.CloudTrailTrail:       "the account's audit trail stops while it is recreated",
	restype.CognitoUserPoolClient: "every session and the client secret the load balancer uses",
}

// Guard returns a violation for every replacement or deletion of a
// guarded resource in g's changes, except those of URNs in allow.
func Guard(g *Graph, allow []string) []Violation {
	var out []Violation
	seen := map[string]bool{}
	for _, c := range g.Changes {
		lost, guarded := Guarded[c.Type]
		if !guarded || !slices.Contains(destructive, c.Op) || seen[c.URN] || slices.Contains(allow, c.URN) {
			continue
		}
		seen[c.URN] = true
		verb := "replace"
		if c.Op == "delete" {
			verb = "delete"
		}
		out = append(out, Violation{URN: c.URN, Message: fmt.Sprintf("%s %s: the preview would %s it, losing %s; if that is intended, review it and rerun with -allow-replace %s",
			shortType(c.Type), nameOf(c.URN), verb, lost, c.URN)})
	}
	return out
}

// GuardRule is the dangerous-change guard as a rule, for reports.
func GuardRule(allow []string) Rule {
	return Rule{
		ID: "change-guard", Severity: Critical,
		Description: "A preview does not replace or delete a resource whose loss loses data or cuts access, unless allowed by URN.",
		Check:       func(g *Graph) []Violation { return Guard(g, allow) },
	}
}
