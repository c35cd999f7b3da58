package compliance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/example/hardening/awsname"
	"github.com/example/hardening/iampolicy"
	"github.com/example/hardening/iampolicy/sar"
)

// deployRules refuse offline what AWS would refuse at `pulumi up`: inputs
// the provider passes through unchecked and AWS rejects. They are critical,
// so they block the plan command, the policy pack and CI.
func deployRules() []Rule {
	return []Rule{
		{ID: "deploy-iam-policy-size", Severity: Critical,
			Description: "Every IAM policy fits its quota (IAM user guide, IAM and AWS STS quotas; white space not counted): a managed policy or boundary 6,144 characters, a role's inline policies together 10,240, a trust policy 2,048.",
			Check:       policySizes},
		{ID: "deploy-iam-policy-lint", Severity: Critical,
			Description: "Every policy document (identity, boundary, trust, key, bucket, topic, queue, secret, endpoint, log resource policy) names actions that exist, condition keys that the conditioned actions' requests carry, and resources of types its actions take, per the AWS Service Authorization Reference (iampolicy/sar); otherwise the statement is silently dead.",
			Check:       policyLint},
		{ID: "deploy-ec2-description", Severity: Critical,
			Description: "Security group and rule descriptions use only the characters EC2 accepts (a-z A-Z 0-9, space, ._-:/()#,@[]+=&;{}!$*), at most 255; the provider does not check, so `pulumi up` fails with InvalidParameterValue.",
			Check: forEachIn([]string{tSG, tSGIngress, tSGEgress, tSGRule}, func(r Resource) string {
				var problems []string
				if d, ok := r.Get("description").(string); ok {
					if err := awsname.EC2Description(d); err != nil {
						problems = append(problems, err.Error())
					}
				}
				for _, dir := range []string{"ingress", "egress"} {
					for i := range r.List(dir) {
						if d := r.Str(fmt.Sprintf("%s.%d.description", dir, i)); d != "" {
							if err := awsname.EC2Description(d); err != nil {
								problems = append(problems, dir+": "+err.Error())
							}
						}
					}
				}
				return strings.Join(problems, "; ")
			})},
	}
}

// PolicyDocuments are where each resource type keeps a policy document.
var PolicyDocuments = []struct{ Type, Input string }{
	{tPolicy, "policy"}, {tRolePolicy, "policy"}, {tRole, "assumeRolePolicy"},
	{tKMSKey, "policy"}, {tReplicaKey, "policy"}, {tBucketPolicy, "policy"},
	{"aws:sns/topicPolicy:TopicPolicy", "policy"}, {"aws:sqs/queuePolicy:QueuePolicy", "policy"},
	{"aws:secretsmanager/secretPolicy:SecretPolicy", "policy"}, {"aws:ec2/vpcEndpoint:VpcEndpoint", "policy"},
	{"aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "policyDocument"},
}

// policyLint lints every known policy document of the graph.
func policyLint(g *Graph) []Violation {
	var out []Violation
	for _, pd := range PolicyDocuments {
		for _, r := range g.ByType(pd.Type) {
			text := r.Str(pd.Input)
			if text == "" {
				continue // absent, or not known until deployment
			}
			problems, err := sar.LintJSON(text)
			if err != nil {
				out = append(out, Violation{r.URN, fmt.Sprintf("%s %s: %s is not a policy document: %v", shortType(r.Type), r.Name, pd.Input, err)})
				continue
			}
			for _, p := range problems {
				out = append(out, Violation{r.URN, fmt.Sprintf("%s %s: %s %s", shortType(r.Type), r.Name, pd.Input, p)})
			}
		}
	}
	return out
}

// policySizes checks each known policy document against its IAM quota. A
// document not known until deployment cannot be measured here; the
// components measure theirs before registering (iampolicy.CheckSize).
func policySizes(g *Graph) []Violation {
	var out []Violation
	over := func(r Resource, what string, n, limit int) {
		out = append(out, Violation{r.URN, fmt.Sprintf("%s %s: %s is %d characters without white space, over IAM's quota of %d; IAM refuses it at deployment", shortType(r.Type), r.Name, what, n, limit)})
	}
	for _, r := range g.ByType(tPolicy) {
		if s := r.Str("policy"); s != "" {
			if n := iampolicy.Size(s); n > iampolicy.ManagedPolicyMaxChars {
				over(r, "the managed policy", n, iampolicy.ManagedPolicyMaxChars)
			}
		}
	}
	inline := map[string]int{}
	first := map[string]Resource{}
	for _, r := range g.ByType(tRole) {
		if s := r.Str("assumeRolePolicy"); s != "" {
			if n := iampolicy.Size(s); n > iampolicy.TrustPolicyMaxChars {
				over(r, "the trust policy", n, iampolicy.TrustPolicyMaxChars)
			}
		}
		for _, p := range r.List("inlinePolicies") {
			if m, ok := p.(map[string]any); ok {
				if s, ok := m["policy"].(string); ok {
					inline[r.Name] += iampolicy.Size(s)
					first[r.Name] = r
				}
			}
		}
	}
	for _, r := range g.ByType(tRolePolicy) {
		role := r.Str("role")
		if s := r.Str("policy"); s != "" && role != "" {
			inline[role] += iampolicy.Size(s)
			if _, ok := first[role]; !ok {
				first[role] = r
			}
		}
	}
	roles := make([]string, 0, len(inline))
	for role := range inline {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	for _, role := range roles {
		if n := inline[role]; n > iampolicy.RoleInlinePoliciesMaxChars {
			over(first[role], "role "+role+"'s inline policies together", n, iampolicy.RoleInlinePoliciesMaxChars)
		}
	}
	return out
}

// boundaryPolicies are the URNs of the managed policies that some role of
// the graph carries as its permissions boundary.
func boundaryPolicies(g *Graph) map[string]bool {
	out := map[string]bool{}
	var used []string
	for _, r := range g.ByType(tRole) {
		if b := r.Str("permissionsBoundary"); b != "" {
			used = append(used, b)
		}
	}
	for _, p := range g.ByType(tPolicy) {
		name := p.Str("name")
		for _, b := range used {
			if name != "" && strings.HasSuffix(b, ":policy/"+name) {
				out[p.URN] = true
			}
		}
	}
	return out
}
