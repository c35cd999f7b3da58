package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/restype"
)

// policyInputs are where each type keeps IAM policy documents, and whether
// they are identity policies (KMS.1/2 and IAM.1/21 apply) or trust ones.
var policyInputs = []struct {
	typ, input string
	identity   bool
}{
	{restype.IAMRolePolicy, "policy", true},
	{restype.IAMPolicy, "policy", true},
	{restype.IAMRole, "assumeRolePolicy", false},
}

// policyViolations judges every document at policyInputs with judge, which
// returns problems of one statement.
func policyViolations(g *Graph, identity bool, judge func(s policyStatement) []string) []Violation {
	var out []Violation
	for _, pi := range policyInputs {
		if pi.identity != identity {
			continue
		}
		for _, r := range g.ByType(pi.typ) {
			v := r.Get(pi.input)
			if _, unknown := v.(Unknown); unknown {
				out = append(out, notJudged(r))
				continue
			}
			doc, ok := g.policy(v)
			if !ok {
				continue // absent
			}
			for i, s := range doc.Statement {
				for _, msg := range judge(s) {
					sid := s.Sid
					if sid == "" {
						sid = fmt.Sprintf("#%d", i)
					}
					out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: statement %s %s", shortType(r.Type), r.Name, sid, msg)})
				}
			}
		}
	}
	return out
}

// allowsEverything reports whether a statement's resources are all of
// them: "*" anywhere in the list (the others add nothing), or NotResource.
func allowsEverything(s policyStatement) bool {
	return contains(s.Resource, "*") || len(s.NotResource) > 0
}

// allowsAction reports whether a statement's Action (IAM wildcards, case
// insensitive) or NotAction lets action through.
func allowsAction(s policyStatement, action string) bool {
	if len(s.NotAction) > 0 {
		for _, a := range s.NotAction {
			if iampolicy.Pattern(a, true).MatchString(strings.ToLower(action)) {
				return false
			}
		}
		return true
	}
	for _, a := range s.Action {
		if iampolicy.Pattern(a, true).MatchString(strings.ToLower(action)) {
			return true
		}
	}
	return false
}

func iamRules() []Rule {
	return []Rule{
		{ID: "iam-no-admin", Controls: []string{"FSBP IAM.1", "CIS 1.16", "CKV_AWS_62"}, Severity: Critical,
			Description: "No IAM policy allows every action on every resource.",
			Check: func(g *Graph) []Violation {
				return policyViolations(g, true, func(s policyStatement) []string {
					if s.Effect == "Allow" && (contains(s.Action, "*") || contains(s.Action, "*:*") || len(s.NotAction) > 0) && allowsEverything(s) {
						return []string{`allows "*" on "*"; list the actions the role needs`}
					}
					return nil
				})
			}},
		{ID: "iam-no-service-wildcard", Controls: []string{"FSBP IAM.21", "nag IAM5"}, Severity: High,
			Description: "No IAM policy allows a whole service (service:*); permissions boundaries, which grant nothing, are exempt (the Config rule's excludePermissionBoundaryPolicy).",
			Check: func(g *Graph) []Violation {
				boundaries := boundaryPolicies(g)
				all := policyViolations(g, true, func(s policyStatement) []string {
					var out []string
					for _, a := range s.Action {
						if s.Effect == "Allow" && strings.HasSuffix(a, ":*") {
							out = append(out, fmt.Sprintf("allows %s; list the actions", a))
						}
					}
					return out
				})
				var out []Violation
				for _, v := range all {
					if !boundaries[v.URN] {
						out = append(out, v)
					}
				}
				return out
			}},
		{ID: "kms-no-decrypt-all", Controls: []string{"FSBP KMS.1", "FSBP KMS.2"}, Severity: High,
			Description: "No IAM policy allows decryption with every KMS key.",
			Check: func(g *Graph) []Violation {
				return policyViolations(g, true, func(s policyStatement) []string {
					if s.Effect != "Allow" || !allowsEverything(s) {
						return nil
					}
					for _, a := range []string{"kms:Decrypt", "kms:ReEncryptFrom"} {
						if allowsAction(s, a) {
							return []string{fmt.Sprintf("allows %s on every key; name the keys", a)}
						}
					}
					return nil
				})
			}},
		{ID: "iam-trust-no-wildcard", Controls: []string{"CKV_AWS_60", "CKV_AWS_61"}, Severity: High,
			Description: "No trust policy lets any principal assume a role, nor a whole account (its root or ID) without a condition (CKV_AWS_61): name the role or user.",
			Check: func(g *Graph) []Violation {
				return policyViolations(g, false, func(s policyStatement) []string {
					if s.Effect != "Allow" {
						return nil
					}
					for _, p := range s.principals() {
						if p == "*" || p == "AWS:*" || strings.Contains(p, "*") {
							return []string{fmt.Sprintf("trusts %q; name the principal", p)}
						}
						if acct, ok := strings.CutPrefix(p, "AWS:"); ok && wholeAccount.MatchString(acct) && len(s.Condition) == 0 {
							return []string{fmt.Sprintf("trusts every principal of account %s; name the role or add a condition", acct)}
						}
					}
					return nil
				})
			}},
		{ID: "iam-no-managed-policies", Controls: []string{"CIS 1.22", "SecurityHub IAM.27", "nag IAM4"}, Severity: Low,
			Description: "Roles do not attach AWS-managed policies.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				for _, r := range g.ByType(restype.IAMRolePolicyAttachment) {
					if strings.Contains(r.Str("policyArn"), ":iam::aws:policy/") {
						out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("iam.RolePolicyAttachment %s: attaches AWS-managed %s; write the actions the role needs", r.Name, r.Str("policyArn"))})
					}
				}
				for _, r := range g.ByType(restype.IAMRole) {
					for _, a := range r.List("managedPolicyArns") {
						if s, _ := a.(string); strings.Contains(s, ":iam::aws:policy/") {
							out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("iam.Role %s: attaches AWS-managed %s; write the actions the role needs", r.Name, s)})
						}
					}
				}
				return out
			}},
		{ID: "iam-escalation-scoped", Controls: []string{"CKV_AWS_286"}, Severity: High,
			Description: "No identity policy, read whole (Deny statements included), lets its role change policies, trust, boundaries, users, key, bucket or secret policies, or function code of resources outside its stack.",
			Check:       escalationScoped},
		{ID: "iam-escalation-paths", Severity: Critical,
			Description: "No principal CI or a pull request signs in as reaches, through any chain of assumed trust, trust rewrites, policy writes and attachments, policy versions, roles passed to services that run code, function code, access keys or new roles (a graph in the manner of PMapper), administrator rights, another stack's principals or resources; a pull request's role reaches no other principal. The account's principals the plan does not own are modelled as administrators without a boundary.",
			Check:       escalationPaths},
		{ID: "iam-permissions-boundary", Severity: High,
			Description: "Every role carries a permissions boundary.",
			Check: forEach(restype.IAMRole, func(r Resource) string {
				if r.Get("permissionsBoundary") == nil || r.Str("permissionsBoundary") == "" && !r.Unknown("permissionsBoundary") {
					return "has no permissions boundary; attach the stack's boundary policy"
				}
				return ""
			})},
		{ID: "oidc-trust-exact", Severity: Critical,
			Description: "Roles trusted by GitHub Actions match aud exactly and sub exactly but for a pull request's number (\":ref:refs/pull/*/merge\", which the subject template with the ref carries), so no other repository, context, environment or branch satisfies them.",
			Check: func(g *Graph) []Violation {
				return policyViolations(g, false, func(s policyStatement) []string {
					federated := false
					for _, p := range s.principals() {
						federated = federated || strings.Contains(p, "token.actions.githubusercontent.com")
					}
					if s.Effect != "Allow" || !federated {
						return nil
					}
					const subKey, audKey = "token.actions.githubusercontent.com:sub", "token.actions.githubusercontent.com:aud"
					eq, like := s.Condition["StringEquals"], s.Condition["StringLike"]
					sub, aud := append(slices.Clone(eq[subKey]), like[subKey]...), eq[audKey]
					for k := range like {
						if k != subKey {
							return []string{fmt.Sprintf("matches %s with StringLike; match it with StringEquals", k)}
						}
					}
					if len(sub) == 0 || len(aud) == 0 {
						return []string{"does not pin both sub and aud; any repository's workflow could assume it"}
					}
					for _, v := range aud {
						if strings.ContainsAny(v, "*?") {
							return []string{fmt.Sprintf("has a wildcard in %q", v)}
						}
					}
					for _, v := range sub {
						// A pull request's number is the one part a trust
						// cannot name in advance.
						fixed := strings.TrimSuffix(v, ":ref:refs/pull/*/merge")
						switch {
						case !strings.HasPrefix(v, "repo:"):
							return []string{fmt.Sprintf("subject %q does not name its repository first", v)}
						case strings.ContainsAny(fixed, "*?"):
							return []string{fmt.Sprintf("has a wildcard in %q outside a pull request's number", v)}
						case fixed != v && slices.Contains(eq[subKey], v):
							return []string{fmt.Sprintf("matches %q with StringEquals, so its * is literal and no token matches", v)}
						}
					}
					return nil
				})
			}},
	}
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}
