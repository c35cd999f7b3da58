package compliance

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// accountKeys are the condition keys whose value is an account (or an
// organization) that a request's principal or source must belong to.
var accountKeys = map[string]bool{
	"aws:principalaccount": true, "aws:sourceaccount": true, "aws:sourceowner": true, "kms:calleraccount": true,
	"aws:principalorgid": true, "aws:sourceorgid": true, "aws:userid": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
}

// confines reports whether a condition key with these values confines a
// statement for "*" to named accounts, organizations, sources or
// networks, as AWS's public-access analysis reads them (AWS Config
// lambda-function-public-access-prohibited: "to be considered non-public,
// a policy must grant access only to fixed values ... that don't contain a
// wildcard or ... variables"; S3 "The meaning of public": fixed values of
// aws:SourceArn, aws:SourceVpc(e), aws:SourceIp, aws:SourceAccount,
// aws:SourceOwner, aws:PrincipalOrgID, aws:userid). Every value must
// confine: the list is an OR. kms:ViaService and aws:ResourceAccount name
// no caller and confine nothing.
func confines(key string, vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	k := strings.ToLower(key)
	for _, v := range vals {
		if v == "" || strings.Contains(v, "${") || !confiningValue(k, v) {
			return false
		}
	}
	return true
}

func confiningValue(k, v string) bool {
	switch {
	case k == "aws:sourcearn" || k == "aws:principalarn":
		return arnConfined(v)
	case k == "aws:principalorgpaths" || k == "aws:sourceorgpaths":
		org, _, _ := strings.Cut(v, "/")
		return org != "" && !strings.ContainsAny(org, "*?")
	case k == "aws:sourceip":
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, err := netip.ParseAddr(v)
			return err == nil && a.IsValid()
		}
		// A short prefix is most of the internet (S3 treats 0.0.0.0/1 as
		// public).
		return p.Bits() >= 8 && p.Addr().Is4() || p.Bits() >= 32 && p.Addr().Is6()
	case accountKeys[k]:
		return !strings.ContainsAny(v, "*?")
	}
	return false
}

// arnConfined reports whether an ARN condition value names one account's
// resources (or, for a service whose ARNs carry no account, such as S3, one
// named resource). ArnLike matches each of the six colon-separated parts
// on its own (IAM user guide, "ARN condition operators"), so a wildcard
// elsewhere keeps the account; a wildcard in the account part, or in a
// value too short to place it ("arn:aws:sns:*", which StringLike matches
// across colons), confines nothing.
func arnConfined(v string) bool {
	f := strings.SplitN(v, ":", 6)
	if len(f) < 6 {
		return !strings.ContainsAny(v, "*?")
	}
	if f[4] == "" {
		return !strings.ContainsAny(f[5], "*?")
	}
	return !strings.ContainsAny(f[4], "*?")
}

// positiveOperator reports whether a condition operator requires the key's
// value to match: negated operators (StringNot…, ArnNot…), …IfExists (which
// a request without the key passes), Null and ForAllValues (true of a
// request without the key) confine nothing.
func positiveOperator(op string) bool {
	l := strings.ToLower(op)
	return !strings.Contains(l, "not") && !strings.HasSuffix(l, "ifexists") && !strings.Contains(l, "null") && !strings.HasPrefix(l, "forallvalues:")
}

// wildPrincipal reports whether a statement's principal is anyone: "*",
// {"AWS": "*"}, an AWS principal holding a wildcard ("arn:aws:iam::*:root"),
// or an Allow with NotPrincipal.
func wildPrincipal(s policyStatement) bool {
	if s.everyone() {
		return true
	}
	for _, p := range s.principals() {
		if a, ok := strings.CutPrefix(p, "AWS:"); ok && strings.ContainsAny(a, "*?") {
			return true
		}
	}
	return false
}

// publicStatement reports whether an Allow statement gives its actions to
// anyone: a wildcard principal (wildPrincipal) without a condition that
// confines it (confines) under a positive operator. AWS Config's KMS.5,
// SNS.4, SQS.3 and Lambda.1 evaluations treat a wildcard condition value
// ("*", "arn:aws:iam::*:root", "1111*") as public.
func publicStatement(s policyStatement) bool {
	if s.Effect != "Allow" || !wildPrincipal(s) {
		return false
	}
	for op, kv := range s.Condition {
		if !positiveOperator(op) {
			continue
		}
		for k, vals := range kv {
			if confines(k, vals) {
				return false
			}
		}
	}
	return true
}

// publicPolicy is a check that no policy document at input of the types
// has a public statement (publicStatement); not judged while the document
// is computed at deployment.
func publicPolicy(types []string, input string) func(*Graph) []Violation {
	return forEachIn(types, func(r Resource) string {
		doc, ok := parsePolicy(r.Get(input))
		if !ok {
			return ""
		}
		for i, s := range doc.Statement {
			if publicStatement(s) {
				return fmt.Sprintf("statement %s allows anyone (a wildcard principal without a fixed account, organization, source or network condition); name the principals or add aws:SourceAccount / aws:PrincipalAccount", sidOf(s, i))
			}
		}
		return ""
	})
}

// sidOf names a statement: its Sid, or "#i".
func sidOf(s policyStatement, i int) string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("#%d", i)
}

// principalAccount is the account of an AWS principal: its 12 digits, or
// the account field of its ARN.
func principalAccount(p string) string {
	if parts := strings.Split(p, ":"); len(parts) >= 5 && strings.HasPrefix(p, "arn:") {
		return parts[4]
	}
	return p
}

// stackAccounts are the accounts the stack deploys into: the graph's
// Account when known; otherwise those the stack's own ARNs name (a known
// ARN input whose last part is the name of a role, policy, topic or log
// group the stack declares), an explicit provider's allowedAccountIds or
// assumed role, and the root a key policy gives kms:*; empty when nothing
// tells (a first preview of computed ARNs, the policy pack).
func stackAccounts(g *Graph) map[string]bool {
	out := map[string]bool{}
	if g.Account != "" {
		out[g.Account] = true
		return out
	}
	names := map[string]bool{}
	for _, typ := range []string{restype.IAMRole, restype.IAMPolicy, restype.SNSTopic, restype.CloudWatchLogGroup} {
		for _, r := range g.ByType(typ) {
			if n := r.Str("name"); n != "" {
				names[n] = true
				names[n[strings.LastIndex(n, "/")+1:]] = true
			}
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if m := ownARN.FindStringSubmatch(x); m != nil && names[strings.TrimSuffix(m[2], ":*")] {
				out[m[1]] = true
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, r := range g.Resources {
		walk(r.Inputs)
	}
	// An explicit provider names the account it deploys into: its
	// allowedAccountIds, or the role it assumes.
	for _, p := range g.ByType(restype.ProviderAWS) {
		for _, a := range p.List("allowedAccountIds") {
			if s, ok := a.(string); ok && accountID.MatchString(s) {
				out[s] = true
			}
		}
		for _, arn := range []string{p.Str("assumeRole.roleArn"), p.Str("assumeRoles.0.roleArn")} {
			if a := principalAccount(arn); arn != "" && accountID.MatchString(a) {
				out[a] = true
			}
		}
	}
	// A key policy gives its own account's root every KMS action (the KMS
	// default key policy's "Enable IAM User Permissions").
	for _, k := range g.ByType(restype.KMSKey) {
		doc, ok := parsePolicy(k.Inputs["policy"])
		if !ok {
			continue
		}
		for _, st := range doc.Statement {
			if st.Effect != "Allow" || !contains(st.Action, "kms:*") {
				continue
			}
			for _, pr := range st.principals() {
				if m := rootARN.FindStringSubmatch(strings.TrimPrefix(pr, "AWS:")); m != nil {
					out[m[1]] = true
				}
			}
		}
	}
	return out
}

// accountID is an AWS account ID; rootARN an account's root principal.
var (
	accountID = regexp.MustCompile(`^\d{12}$`)
	rootARN   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):root$`)
)

// ownARN is an ARN with an account: group 1 the account, group 2 the last
// name in its resource part.
var ownARN = regexp.MustCompile(`^arn:aws[a-z-]*:(?:iam|sns|logs):[a-z0-9-]*:(\d{12}):(?:[a-z-]+[/:])?(?:[^/]*/)*([^/:]+(?::\*)?)$`)
