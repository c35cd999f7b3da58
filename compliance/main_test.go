package compliance

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// tabled records the rules a table test judged through verdictOf.
var tabled sync.Map

// judgedElsewhere are the rules whose cases need more than a small graph:
// the whole stack's plan (tests/compliance_test.go flips a real setting
// per rule) or a graph of many resources of their own.
var judgedElsewhere = map[string]string{
	"deploy-service-access":     "what each AWS service sends is judged against the real key, topic, queue and bucket policies (tests/compliance_test.go)",
	"deploy-endpoint-access":    "the workloads' requests through each endpoint need the real endpoint policies (tests/compliance_test.go, tests/endpoints_test.go)",
	"deploy-input-constraints":  "TestInputRules",
	"deploy-arn-inputs":         "TestInputRules",
	"deploy-service-principals": "TestInputRules",
	"deploy-tags":               "TestInputRules",
	"deploy-policy-grammar":     "TestInputRules",
	"ec2-network-flows":         "TestReachabilityRule (reachability_test.go) builds whole networks",
	"iam-escalation-paths":      "TestEscalationPaths (escalation_test.go) builds account graphs",
}

// TestMain fails a full run of the package's tests when a registered rule
// has no table test here: every rule's cases sit beside it.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		for _, r := range Rules() {
			if _, ok := tabled.Load(r.ID); !ok && judgedElsewhere[r.ID] == "" {
				fmt.Fprintf(os.Stderr, "rule %s has no table test in compliance/ (runCases or runProjectCases)\n", r.ID)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// TestEveryRuleNamesItsSource: each registered rule says what passes, the
// evaluation logic it follows, and has a check; IDs are unique.
func TestEveryRuleNamesItsSource(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.NotEmpty(t, r.Source, "%s has no Source", r.ID)
		assert.NotEmpty(t, r.Description, "%s has no Description", r.ID)
		assert.NotNil(t, r.Check, "%s has no Check", r.ID)
		assert.False(t, seen[r.ID], "%s is registered twice", r.ID)
		seen[r.ID] = true
	}
}
