package compliance

import (
	"fmt"
	"regexp"
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

// policySource is one policy document of the stack: the resource holding
// it, whether it is a customer-managed policy (an iam.Policy) rather than
// an inline one, and the document (nil when computed at deployment).
type policySource struct {
	r       Resource
	managed bool
	label   string // "" or the inline policy's name within a role
	doc     *policyDoc
}

// policySources returns the documents at policyInputs, and a role's
// inlinePolicies (which IAM stores as the role's inline policies, the
// same as an iam.RolePolicy: terraform-provider-aws
// internal/service/iam/role.go, inline_policy).
func policySources(g *Graph, identity bool) []policySource {
	var out []policySource
	add := func(r Resource, managed bool, label string, v any) {
		if _, unknown := v.(Unknown); unknown {
			out = append(out, policySource{r: r, managed: managed, label: label})
			return
		}
		if doc, ok := g.policy(v); ok {
			out = append(out, policySource{r: r, managed: managed, label: label, doc: &doc})
		}
	}
	for _, pi := range policyInputs {
		if pi.identity != identity {
			continue
		}
		for _, r := range g.ByType(pi.typ) {
			add(r, pi.typ == restype.IAMPolicy, "", r.Get(pi.input))
		}
	}
	if identity {
		// Users' and groups' inline policies are identity policies too
		// (KMS.2 reads the inline policies of roles, users and groups).
		for _, typ := range []string{restype.IAMUserPolicy, restype.IAMGroupPolicy} {
			for _, r := range g.ByType(typ) {
				add(r, false, "", r.Get("policy"))
			}
		}
		for _, r := range g.ByType(restype.IAMRole) {
			if r.Unknown("inlinePolicies") {
				out = append(out, policySource{r: r, label: "inlinePolicies"})
				continue
			}
			for i, ip := range r.List("inlinePolicies") {
				m, _ := ip.(map[string]any)
				name, _ := m["name"].(string)
				if name == "" {
					name = fmt.Sprintf("inlinePolicies[%d]", i)
				}
				if v, ok := m["policy"]; ok && v != "" {
					add(r, false, "inline policy "+name, v)
				}
			}
		}
	}
	return out
}

// policyViolations judges every document at policyInputs (and, for
// identity policies, roles' inlinePolicies) with judge, which returns
// problems of one statement.
func policyViolations(g *Graph, identity bool, judge func(s policyStatement) []string) []Violation {
	return policyViolationsOf(g, policySources(g, identity), func(_ policySource, s policyStatement) ([]string, []string) {
		return judge(s), nil
	})
}

// policyViolationsOf is policyViolations over srcs whose judge also names
// the controls each problem fails (nil: the rule's).
func policyViolationsOf(g *Graph, srcs []policySource, judge func(src policySource, s policyStatement) (problems, controls []string)) []Violation {
	var out []Violation
	for _, src := range srcs {
		r := src.r
		if src.doc == nil {
			out = append(out, notJudged(r))
			continue
		}
		where := ""
		if src.label != "" {
			where = src.label + " "
		}
		for i, s := range src.doc.Statement {
			msgs, controls := judge(src, s)
			for _, msg := range msgs {
				sid := s.Sid
				if sid == "" {
					sid = fmt.Sprintf("#%d", i)
				}
				out = append(out, Violation{URN: r.URN, Controls: controls, Message: fmt.Sprintf("%s %s: %sstatement %s %s", shortType(r.Type), r.Name, where, sid, msg)})
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
		iamNoAdmin,
		iamNoServiceWildcard,
		kmsNoDecryptAll,
		iamTrustNoWildcard,
		iamNoManagedPolicies,
		iamNoCloudShellFullAccess,
		iamEscalationScoped,
		iamEscalationPaths,
		iamPermissionsBoundary,
		oidcTrustExact,
		iamPasswordPolicy,
	}
}

// iamTrustNoWildcard follows CKV_AWS_60 (Checkov IAMRoleAllowsPublicAssume:
// a trust policy's Allow names a wildcard principal) and CKV_AWS_61
// (IAMRoleAllowAssumeFromAccount: it names a whole account, its ID or
// root, without a condition). Each finding names the one it fails.
var iamTrustNoWildcard = Rule{ID: "iam-trust-no-wildcard", Controls: []string{"CKV_AWS_60", "CKV_AWS_61"},
	Source:      "Checkov CKV_AWS_60, CKV_AWS_61",
	Severity:    High,
	Description: "No trust policy lets any principal assume a role (a wildcard principal, or NotPrincipal: CKV_AWS_60), nor a whole account (its root or ID) without a condition (CKV_AWS_61): name the role or user. Not judged while a trust policy is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return policyViolationsOf(g, policySources(g, false), func(_ policySource, s policyStatement) ([]string, []string) {
			if s.Effect != "Allow" {
				return nil, nil
			}
			if s.NotPrincipal != nil {
				return []string{"trusts every principal but those NotPrincipal names; name the principal"}, []string{"CKV_AWS_60"}
			}
			for _, p := range s.principals() {
				if strings.Contains(p, "*") {
					return []string{fmt.Sprintf("trusts %q; name the principal", p)}, []string{"CKV_AWS_60"}
				}
				if acct, ok := strings.CutPrefix(p, "AWS:"); ok && wholeAccount.MatchString(acct) && len(s.Condition) == 0 {
					return []string{fmt.Sprintf("trusts every principal of account %s; name the role or add a condition", acct)}, []string{"CKV_AWS_61"}
				}
			}
			return nil, nil
		})
	}}

// iamEscalationScoped follows CKV_AWS_286 (Checkov: IAM policies do not
// allow privilege escalation), read whole as IAM evaluates a principal's
// policies.
var iamEscalationScoped = Rule{ID: "iam-escalation-scoped", Controls: []string{"CKV_AWS_286"},
	Source:      "Checkov CKV_AWS_286; IAM policy evaluation logic (identity policies, boundary, explicit Deny)",
	Severity:    High,
	Description: "No identity policy, read whole (Deny statements included), lets its role change policies, trust, boundaries, users, key, bucket or secret policies, or function code of resources outside its stack.",
	Check:       escalationScoped}

// iamPermissionsBoundary is the project's own: every role carries a
// permissions boundary (docs/identity.md).
var iamPermissionsBoundary = Rule{ID: "iam-permissions-boundary",
	Source:      "project: docs/identity.md (every role under the stack's boundary)",
	Severity:    High,
	Description: "Every role carries a permissions boundary. Not judged while it is computed at deployment.",
	Check: forEach(restype.IAMRole, func(r Resource) string {
		if r.Get("permissionsBoundary") == nil || r.Str("permissionsBoundary") == "" && !r.Unknown("permissionsBoundary") {
			return "has no permissions boundary; attach the stack's boundary policy"
		}
		return ""
	})}

// oidcTrustExact is the project's own (docs/identity.md; GitHub's OIDC
// guide, "Configuring the role and trust policy"): a role trusted by
// GitHub Actions matches aud and sub exactly.
var oidcTrustExact = Rule{ID: "oidc-trust-exact",
	Source:      "project: docs/identity.md; GitHub Actions OIDC subject claims",
	Severity:    Critical,
	Description: "Roles trusted by GitHub Actions match aud exactly and sub exactly but for a pull request's number (\":ref:refs/pull/*/merge\", which the subject template with the ref carries), so no other repository, context, environment or branch satisfies them. Not judged while a trust policy is computed at deployment.",
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
	}}

// iamPasswordPolicy follows Security Hub IAM.7 (Config rule
// iam-password-policy with Security Hub's parameters: every character
// class, MinimumPasswordLength 8), IAM.15 and CIS v3.0.0 1.8 (14
// characters), IAM.16 and CIS 1.9 (PasswordReusePrevention 24), and
// CKV_AWS_10-15; each finding names the controls that problem fails.
var iamPasswordPolicy = Rule{ID: "iam-password-policy", Controls: []string{"FSBP IAM.7", "CIS 1.8", "CIS 1.9", "SecurityHub IAM.15", "SecurityHub IAM.16",
	"CKV_AWS_10", "CKV_AWS_11", "CKV_AWS_12", "CKV_AWS_13", "CKV_AWS_14", "CKV_AWS_15"},
	Source:      "Security Hub IAM.7 (Config iam-password-policy: character classes, MinimumPasswordLength 8), IAM.15, IAM.16; CIS v3.0.0 1.8, 1.9 audits; Checkov CKV_AWS_10-15",
	Severity:    Medium,
	Description: "The account password policy requires every character class (IAM.7), 14 or more characters (CIS 1.8, IAM.15; fewer than 8 fails IAM.7 too) and remembers the last 24 passwords (CIS 1.9, IAM.16). Not judged while a setting is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, p := range g.ByType(restype.IAMAccountPasswordPolicy) {
			seen := false
			r := p.tracked(&seen)
			var found []Violation
			fail := func(msg string, controls ...string) {
				found = append(found, Violation{URN: r.URN, Controls: controls, Message: fmt.Sprintf("%s %s: %s", shortType(r.Type), r.Name, msg)})
			}
			classes := map[string]string{"requireUppercaseCharacters": "CKV_AWS_15", "requireLowercaseCharacters": "CKV_AWS_11", "requireNumbers": "CKV_AWS_12", "requireSymbols": "CKV_AWS_14"}
			for _, k := range []string{"requireUppercaseCharacters", "requireLowercaseCharacters", "requireNumbers", "requireSymbols"} {
				if v, _ := r.Bool(k); !v {
					fail("does not set "+k+"; require every character class", "FSBP IAM.7", classes[k])
				}
			}
			n, _ := r.Num("minimumPasswordLength")
			switch {
			case n < 8:
				fail(fmt.Sprintf("accepts %d-character passwords; set minimumPasswordLength 14 or more (CIS 1.8)", int(n)), "FSBP IAM.7", "CIS 1.8", "SecurityHub IAM.15", "CKV_AWS_10")
			case n < 14:
				fail(fmt.Sprintf("accepts %d-character passwords; set minimumPasswordLength 14 or more (CIS 1.8)", int(n)), "CIS 1.8", "SecurityHub IAM.15", "CKV_AWS_10")
			}
			if reuse, _ := r.Num("passwordReusePrevention"); reuse < 24 {
				fail(fmt.Sprintf("remembers %d passwords; set passwordReusePrevention 24 (CIS 1.9)", int(reuse)), "CIS 1.9", "SecurityHub IAM.16", "CKV_AWS_13")
			}
			if seen {
				found = []Violation{notJudged(p)}
			}
			out = append(out, found...)
		}
		return out
	}}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// adminARN is the AWS-managed AdministratorAccess policy, in any
// partition.
var adminARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/AdministratorAccess$`)

// cloudShellARN is the AWS-managed AWSCloudShellFullAccess policy.
var cloudShellARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/AWSCloudShellFullAccess$`)

// policyUse says how the stack uses its customer-managed policies, by the
// iam.Policy's URN: attached to an identity (an attachment or a role's
// managedPolicyArns naming it) or used as a permissions boundary;
// attachUnknown is set when an attachment's policy is computed from
// nothing the plan knows.
func policyUse(g *Graph) (attached, boundary map[string]bool, attachUnknown bool) {
	attached = map[string]bool{}
	boundary = boundaryPolicies(g)
	byName := map[string]string{}
	for _, p := range g.ByType(restype.IAMPolicy) {
		if n := p.Str("name"); n != "" {
			byName[n] = p.URN
		}
	}
	mark := func(r Resource, input string, arns []any) {
		for _, u := range r.PropertyDependencies[input] {
			attached[u] = true
		}
		for _, a := range arns {
			s, ok := a.(string)
			if !ok {
				if _, u := a.(Unknown); u && len(r.PropertyDependencies[input]) == 0 {
					attachUnknown = true
				}
				continue
			}
			name := s[strings.LastIndex(s, "/")+1:]
			if u, ok := byName[name]; ok && strings.Contains(s, ":policy/") {
				attached[u] = true
			}
		}
	}
	for _, typ := range attachmentTypes {
		for _, r := range g.ByType(typ) {
			mark(r, "policyArn", []any{r.Get("policyArn")})
		}
	}
	for _, l := range attachmentLists {
		for _, r := range g.ByType(l.typ) {
			if r.Unknown(l.input) {
				mark(r, l.input, []any{Unknown{}})
				continue
			}
			mark(r, l.input, r.List(l.input))
		}
	}
	return attached, boundary, attachUnknown
}

// attachmentTypes attach a managed policy to identities: a role, a user, a
// group, or any of them (iam.PolicyAttachment).
var attachmentTypes = []string{restype.IAMRolePolicyAttachment, restype.IAMUserPolicyAttachment, restype.IAMGroupPolicyAttachment, restype.IAMPolicyAttachment}

// attachmentLists attach a list of managed policies: a role's
// managedPolicyArns, and the *PolicyAttachmentsExclusive resources, which
// attach the policies they list (and detach any other).
var attachmentLists = []struct{ typ, input string }{
	{restype.IAMRole, "managedPolicyArns"},
	{restype.IAMRolePolicyAttachmentsExclusive, "policyArns"},
	{restype.IAMUserPolicyAttachmentsExclusive, "policyArns"},
	{restype.IAMGroupPolicyAttachmentsExclusive, "policyArns"},
}

// awsManagedAttachments returns, for every attachment of an AWS-managed
// policy whose ARN matches re, the resource attaching it and the ARN.
func awsManagedAttachments(g *Graph, re *regexp.Regexp) []Violation {
	var out []Violation
	// An ARN computed from nothing the stack declares may be any policy's;
	// one computed from a stack's iam.Policy is customer-managed.
	computed := func(r Resource, input string) bool {
		return r.Unknown(input) && len(r.PropertyDependencies[input]) == 0
	}
	for _, typ := range attachmentTypes {
		for _, r := range g.ByType(typ) {
			if computed(r, "policyArn") {
				out = append(out, notJudged(r))
				continue
			}
			if a := r.Str("policyArn"); re.MatchString(a) {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: attaches AWS-managed %s", shortType(r.Type), r.Name, a)})
			}
		}
	}
	for _, l := range attachmentLists {
		for _, r := range g.ByType(l.typ) {
			if computed(r, l.input) {
				out = append(out, notJudged(r))
				continue
			}
			for _, a := range r.List(l.input) {
				if s, _ := a.(string); re.MatchString(s) {
					out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: attaches AWS-managed %s", shortType(r.Type), r.Name, s)})
				}
			}
		}
	}
	return out
}

// fullAdmin reports whether a statement is the one IAM.1, CIS 1.16 and
// CKV_AWS_62 look for, read as written: "Effect": "Allow" with "Action":
// "*" over "Resource": "*" (Config iam-policy-no-statements-with-admin-access
// calls "Action": "service:*" compliant; the CIS audit looks for
// "Action": "*" and "Resource": "*"). A NotAction or NotResource statement
// is IAM.21's and the escalation rules', not this one's.
func fullAdmin(s policyStatement) bool {
	return s.Effect == "Allow" && (contains(s.Action, "*") || contains(s.Action, "*:*")) && contains(s.Resource, "*")
}

// iamNoAdmin follows Security Hub IAM.1 (Config rule
// iam-policy-no-statements-with-admin-access, excludePermissionBoundaryPolicy
// true): a customer-managed policy attached to an identity allows "*" on
// "*"; CIS v3.0.0 1.16, whose audit lists attached policies
// (list-policies --only-attached), AWS-managed AdministratorAccess
// included; CKV_AWS_62 reads every identity policy document, inline ones
// too. A policy used only as a permissions boundary grants nothing and is
// exempt from all three; one attached nowhere fails only CKV_AWS_62.
var iamNoAdmin = Rule{ID: "iam-no-admin", Controls: []string{"FSBP IAM.1", "CIS 1.16", "CKV_AWS_62"}, Severity: Critical,
	Source:      "Security Hub IAM.1 (Config iam-policy-no-statements-with-admin-access, excludePermissionBoundaryPolicy true); CIS v3.0.0 1.16 audit (list-policies --only-attached); Checkov CKV_AWS_62",
	Description: "No identity policy allows every action on every resource (\"Action\": \"*\" over \"Resource\": \"*\", as written): a customer-managed policy attached to an identity fails IAM.1 and CIS 1.16, the AWS-managed AdministratorAccess attached fails CIS 1.16, an inline policy (iam.RolePolicy or a role's inlinePolicies) or a policy attached nowhere fails CKV_AWS_62; a policy used only as a permissions boundary is exempt (excludePermissionBoundaryPolicy). Not judged while a document is computed at deployment.",
	Check: func(g *Graph) []Violation {
		attached, boundary, attachUnknown := policyUse(g)
		out := policyViolationsOf(g, policySources(g, true), func(src policySource, s policyStatement) ([]string, []string) {
			if !fullAdmin(s) {
				return nil, nil
			}
			switch {
			case !src.managed:
				return []string{`allows "*" on "*"; list the actions the role needs`}, []string{"CKV_AWS_62"}
			case attached[src.r.URN]:
				return []string{`allows "*" on "*" and is attached to an identity; list the actions the role needs`}, []string{"FSBP IAM.1", "CIS 1.16", "CKV_AWS_62"}
			case boundary[src.r.URN]:
				return nil, nil
			case attachUnknown:
				return []string{`allows "*" on "*"; whether it is attached is computed at deployment`}, []string{"CKV_AWS_62"}
			}
			return []string{`allows "*" on "*"; list the actions the role needs`}, []string{"CKV_AWS_62"}
		})
		for _, v := range awsManagedAttachments(g, adminARN) {
			if !v.NotJudged {
				v.Message += " (every action on every resource); list the actions the role needs"
			}
			v.Controls = []string{"CIS 1.16"}
			out = append(out, v)
		}
		return out
	}}

// serviceWildcard returns the unrestricted wildcards of an Allow
// statement's actions: "service:*" and "*" (Config
// iam-policy-no-statements-with-full-access: "ec2:Describe*" is
// compliant, "ec2:*" is not).
func serviceWildcard(s policyStatement) []string {
	if s.Effect != "Allow" {
		return nil
	}
	var out []string
	for _, a := range s.Action {
		if a == "*" || strings.HasSuffix(a, ":*") {
			out = append(out, a)
		}
	}
	return out
}

// iamNoServiceWildcard follows Security Hub IAM.21 (Config rule
// iam-policy-no-statements-with-full-access, excludePermissionBoundaryPolicy
// true: a customer-managed policy allows every action of a service,
// "service:*"; inline and AWS-managed policies are not its) and cdk-nag
// IAM5, which reads every policy the stack writes, inline ones too. Each
// finding names the controls it fails.
var iamNoServiceWildcard = Rule{ID: "iam-no-service-wildcard", Controls: []string{"FSBP IAM.21", "nag IAM5"},
	Source:      "Security Hub IAM.21 (Config iam-policy-no-statements-with-full-access, excludePermissionBoundaryPolicy true); cdk-nag IAM5",
	Severity:    High,
	Description: "No IAM policy allows a whole service (an unrestricted wildcard, service:* or *; a prefix such as s3:Get* is compliant): a customer-managed policy fails IAM.21 and nag IAM5, an inline one (iam.RolePolicy, a role's inlinePolicies, user and group policies) nag IAM5 only; permissions boundaries, which grant nothing, are exempt (excludePermissionBoundaryPolicy). Not judged while a document is computed at deployment.",
	Check: func(g *Graph) []Violation {
		boundaries := boundaryPolicies(g)
		attached, _, _ := policyUse(g)
		var srcs []policySource
		for _, src := range policySources(g, true) {
			if !(src.managed && boundaries[src.r.URN] && !attached[src.r.URN]) {
				srcs = append(srcs, src)
			}
		}
		return policyViolationsOf(g, srcs, func(src policySource, s policyStatement) ([]string, []string) {
			var out []string
			for _, a := range serviceWildcard(s) {
				out = append(out, fmt.Sprintf("allows %s; list the actions", a))
			}
			if !src.managed {
				return out, []string{"nag IAM5"}
			}
			return out, nil
		})
	}}

// everyKey reports whether a statement's resources cover every KMS key:
// "*", NotResource, or an ARN pattern matching keys of any account in any
// Region ("arn:aws:kms:*:*:key/*"). Security Hub KMS.1 and KMS.2 (judged
// by Zelkova) fail "all KMS keys" and name keys "in a particular Region
// for your account" as the remedy: a pattern bound to one account passes.
func everyKey(s policyStatement) bool {
	if allowsEverything(s) {
		return true
	}
	for _, p := range s.Resource {
		re := iampolicy.Pattern(p, false)
		if re.MatchString("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab") &&
			re.MatchString("arn:aws:kms:eu-west-3:444455556666:key/mrk-0f1e2d3c") {
			return true
		}
	}
	return false
}

// kmsNoDecryptAll follows Security Hub KMS.1 (Config rule
// iam-customer-policy-blocked-kms-actions: customer-managed policies,
// blockedActionsPatterns kms:Decrypt,kms:ReEncryptFrom,
// excludePermissionBoundaryPolicy true) and KMS.2
// (iam-inline-policy-blocked-kms-actions: inline policies of identities,
// the same actions): either fails when the actions are allowed on all
// keys.
var kmsNoDecryptAll = Rule{ID: "kms-no-decrypt-all", Controls: []string{"FSBP KMS.1", "FSBP KMS.2"}, Severity: High,
	Source:      "Security Hub KMS.1 (Config iam-customer-policy-blocked-kms-actions), KMS.2 (iam-inline-policy-blocked-kms-actions): blockedActionsPatterns kms:Decrypt, kms:ReEncryptFrom; excludePermissionBoundaryPolicy true",
	Description: "No IAM policy allows kms:Decrypt or kms:ReEncryptFrom on every KMS key (\"*\" or a key ARN pattern such as arn:aws:kms:*:*:key/*): a customer-managed policy, attached or not, fails KMS.1 (unless only a permissions boundary), an inline one (iam.RolePolicy, a role's inlinePolicies, iam.UserPolicy, iam.GroupPolicy) KMS.2; conditions are not read (the controls read the Resource element), an unconditioned Deny of the action on every key in the same document overrides. Not judged while a document is computed at deployment.",
	Check: func(g *Graph) []Violation {
		boundaries := boundaryPolicies(g)
		attached, _, _ := policyUse(g)
		return policyViolationsOf(g, policySources(g, true), func(src policySource, s policyStatement) ([]string, []string) {
			if s.Effect != "Allow" || !everyKey(s) || src.managed && boundaries[src.r.URN] && !attached[src.r.URN] {
				return nil, nil
			}
			control := []string{"FSBP KMS.2"}
			if src.managed {
				control = []string{"FSBP KMS.1"}
			}
			for _, a := range []string{"kms:Decrypt", "kms:ReEncryptFrom"} {
				if allowsAction(s, a) && !deniedOnEveryKey(*src.doc, a) {
					return []string{fmt.Sprintf("allows %s on every key; name the keys", a)}, control
				}
			}
			return nil, nil
		})
	}}

// deniedOnEveryKey reports whether a document denies action on every key
// without a condition, which overrides its Allow (IAM policy evaluation
// logic: an explicit Deny wins).
func deniedOnEveryKey(d policyDoc, action string) bool {
	for _, s := range d.Statement {
		if s.Effect == "Deny" && len(s.Condition) == 0 && everyKey(s) && allowsAction(s, action) {
			return true
		}
	}
	return false
}

// iamNoManagedPolicies is cdk-nag IAM4: roles do not attach AWS-managed
// policies.
var iamNoManagedPolicies = Rule{ID: "iam-no-managed-policies", Controls: []string{"nag IAM4"}, Severity: Low,
	Source:      "cdk-nag AwsSolutions-IAM4",
	Description: "Roles, users and groups do not attach AWS-managed policies. Not judged while an attached ARN is computed from nothing the stack declares.",
	Check: func(g *Graph) []Violation {
		out := awsManagedAttachments(g, regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/`))
		for i := range out {
			if !out[i].NotJudged {
				out[i].Message += "; write the actions the role needs"
			}
		}
		return out
	}}

// iamNoCloudShellFullAccess follows CIS v3.0.0 1.22 and Security Hub IAM.27
// (Config rule iam-policy-blacklisted-check, policyArns
// arn:aws:iam::aws:policy/AWSCloudShellFullAccess): no identity has
// AWSCloudShellFullAccess attached.
var iamNoCloudShellFullAccess = Rule{ID: "iam-no-cloudshell-full-access", Controls: []string{"CIS 1.22", "SecurityHub IAM.27"}, Severity: Medium,
	Source:      "CIS v3.0.0 1.22 audit (list-entities-for-policy AWSCloudShellFullAccess); Security Hub IAM.27 (Config iam-policy-blacklisted-check)",
	Description: "No role, user or group attaches the AWS-managed AWSCloudShellFullAccess policy (file transfer and shell from the console). Not judged while an attached ARN is computed from nothing the stack declares.",
	Check: func(g *Graph) []Violation {
		out := awsManagedAttachments(g, cloudShellARN)
		for i := range out {
			if !out[i].NotJudged {
				out[i].Message += "; grant CloudShell to the few who need it with a narrower policy"
			}
		}
		return out
	}}

// iamEscalationPaths is the project's own, after Principal Mapper's graph
// of who can become whom (docs/identity.md): every edge an identity's
// policies open, each decided by the project's evaluator.
var iamEscalationPaths = Rule{ID: "iam-escalation-paths",
	Source:      "project: docs/identity.md; Principal Mapper's privilege-escalation edges (nccgroup/PMapper), decided by the IAM policy evaluation logic",
	Severity:    Critical,
	Description: "No principal CI or a pull request signs in as reaches, through any chain of assumed trust, trust rewrites, policy writes and attachments, policy versions, roles passed to services that run code, function code, access keys or new roles (a graph in the manner of PMapper), administrator rights, another stack's principals or resources; a pull request's role reaches no other principal. The account's principals the plan does not own are modelled as administrators without a boundary.",
	Check:       escalationPaths,
}
