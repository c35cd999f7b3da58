package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// s3Rules judge buckets and the account's S3 settings.
func s3Rules() []Rule {
	return []Rule{s3PublicAccessBlocked, s3TLSOnly, s3AccountPublicAccessBlock, s3NoCrossAccountAdmin, s3ACLsDisabled,
		s3Lifecycle, s3VersionedLifecycle, s3EventNotifications, s3AccessLogging, s3MFADelete}
}

// blockSettings are the four settings of an S3 public access block.
var blockSettings = []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"}

// blockCheckov are the Checkov checks of each setting.
var blockCheckov = map[string]string{"blockPublicAcls": "CKV_AWS_53", "blockPublicPolicy": "CKV_AWS_54", "ignorePublicAcls": "CKV_AWS_55", "restrictPublicBuckets": "CKV_AWS_56"}

// blocks returns the settings turned on by the public access blocks of
// the given resources, and whether one is computed at deployment.
func blocks(rs []Resource) (on map[string]bool, unknown bool) {
	on = map[string]bool{}
	for _, p := range rs {
		for _, k := range blockSettings {
			if p.Unknown(k) {
				unknown = true
			}
			if v, _ := p.Bool(k); v {
				on[k] = true
			}
		}
	}
	return on, unknown
}

// bucketPolicies are the policy documents a bucket carries: its
// s3.BucketPolicy resources' and its own policy input.
func bucketPolicies(g *Graph, b Resource) []any {
	var out []any
	if p := b.Get("policy"); p != nil {
		out = append(out, p)
	}
	for _, p := range g.Dependents(b.URN, restype.S3BucketPolicy) {
		out = append(out, p.Get("policy"))
	}
	return out
}

// ownershipEnforced says whether a bucket's ownership controls disable
// ACLs (BucketOwnerEnforced), and whether that is computed at deployment.
func ownershipEnforced(g *Graph, b Resource) (enforced, declared, unknown bool) {
	for _, o := range g.Dependents(b.URN, restype.S3BucketOwnershipControls) {
		declared = true
		if o.Unknown("rule.objectOwnership") || o.Unknown("rule") {
			unknown = true
		}
		enforced = enforced || o.Str("rule.objectOwnership") == "BucketOwnerEnforced"
	}
	return enforced, declared, unknown
}

// publicGrantees are the ACL groups S3 treats as public ("The meaning of
// public": AllUsers and AuthenticatedUsers).
var publicGrantees = []string{"http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}

// bucketACL is what a bucket's ACLs (its acl input, and s3.BucketAclV2
// resources: a canned acl or accessControlPolicy grants) give: public read
// or write, any grant to someone other than the owner, and whether an ACL
// is computed at deployment.
type bucketACL struct{ read, write, others, unknown bool }

func aclOf(g *Graph, b Resource) bucketACL {
	var a bucketACL
	canned := func(acl string) {
		switch acl {
		case "", "private":
		case "public-read", "authenticated-read":
			a.read, a.others = true, true
		case "public-read-write":
			a.read, a.write, a.others = true, true, true
		default: // log-delivery-write, aws-exec-read, bucket-owner-read, ...
			a.others = true
		}
	}
	if b.Unknown("acl") {
		a.unknown = true
	}
	canned(b.Str("acl"))
	for _, r := range g.Dependents(b.URN, restype.S3BucketAclV2) {
		if r.Unknown("acl") || r.Unknown("accessControlPolicy") {
			a.unknown = true
		}
		canned(r.Str("acl"))
		for i := range r.List("accessControlPolicy.grants") {
			p := fmt.Sprintf("accessControlPolicy.grants.%d.", i)
			uri, perm := r.Str(p+"grantee.uri"), r.Str(p+"permission")
			if r.Str(p+"grantee.type") != "CanonicalUser" || r.Str(p+"grantee.id") != r.Str("accessControlPolicy.owner.id") {
				a.others = true
			}
			if slices.Contains(publicGrantees, uri) {
				a.read = a.read || perm == "READ" || perm == "FULL_CONTROL"
				a.write = a.write || perm == "WRITE" || perm == "FULL_CONTROL"
			}
		}
	}
	return a
}

// s3PublicAccessBlocked follows Security Hub S3.8 (Config rule
// s3-bucket-level-public-access-prohibited: all four settings of the
// bucket's own block; the account's does not count) with CKV_AWS_53-56
// (one per setting), and S3.2 / S3.3 (Config
// s3-bucket-public-read-prohibited / -write-prohibited: a bucket policy
// or ACL that makes the bucket publicly readable or writable, unless a
// block of the bucket or the account stops it: BlockPublicPolicy refuses
// a public policy and RestrictPublicBuckets ignores one;
// BlockPublicAcls and IgnorePublicAcls do the same for ACLs, as does
// BucketOwnerEnforced ownership). Each finding names the controls it
// fails.
var s3PublicAccessBlocked = Rule{ID: "s3-public-access-blocked", Controls: []string{"FSBP S3.8", "FSBP S3.2", "FSBP S3.3", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"},
	Source:      "Security Hub S3.8 (Config s3-bucket-level-public-access-prohibited), S3.2 (s3-bucket-public-read-prohibited), S3.3 (s3-bucket-public-write-prohibited); Checkov CKV_AWS_53-56",
	Severity:    High,
	Description: "Every bucket's own public access block turns on all four settings (S3.8; CKV_AWS_53-56 each setting of a block the stack declares); no bucket policy (s3.BucketPolicy or the bucket's policy) or ACL (acl, s3.BucketAclV2) makes a bucket publicly readable (S3.2) or writable (S3.3) unless the bucket's or the account's block, or BucketOwnerEnforced ownership for ACLs, stops it. Not judged while a setting, policy or ACL is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		account, accountUnknown := blocks(g.ByType(restype.S3AccountPublicAccessBlock))
		for _, b := range g.ByType(restype.S3BucketV2) {
			pabs := g.Dependents(b.URN, restype.S3BucketPublicAccessBlock)
			on, unknown := blocks(pabs)
			if unknown {
				out = append(out, notJudged(b))
				continue
			}
			var off, ckv []string
			for _, k := range blockSettings {
				if !on[k] {
					off = append(off, k)
					// Checkov judges a block resource's settings; a bucket
					// without one is S3.8's alone.
					if len(pabs) > 0 {
						ckv = append(ckv, blockCheckov[k])
					}
				}
			}
			if len(off) > 0 {
				out = append(out, Violation{URN: b.URN, Controls: append([]string{"FSBP S3.8"}, ckv...),
					Message: fmt.Sprintf("s3.BucketV2 %s: does not block public access (%s off); add a public access block with all four settings true", b.Name, strings.Join(off, ", "))})
			}
			read, write, undecided := false, false, false
			stops := func(keys ...string) (stopped, maybe bool) {
				for _, k := range keys {
					if on[k] || account[k] {
						return true, false
					}
				}
				return false, accountUnknown
			}
			if stopped, maybe := stops("blockPublicPolicy", "restrictPublicBuckets"); !stopped {
				for _, p := range bucketPolicies(g, b) {
					if _, u := p.(Unknown); u {
						undecided = true
						continue
					}
					doc, ok := g.policy(p)
					if !ok {
						continue
					}
					for _, st := range doc.Statement {
						if !publicStatement(st) {
							continue
						}
						undecided = undecided || maybe
						read = read || allowsAction(st, "s3:GetObject") || allowsAction(st, "s3:ListBucket") || allowsAction(st, "s3:GetObjectVersion")
						write = write || allowsAction(st, "s3:PutObject") || allowsAction(st, "s3:DeleteObject") || allowsAction(st, "s3:DeleteObjectVersion")
					}
				}
			}
			enforced, _, ownUnknown := ownershipEnforced(g, b)
			if stopped, maybe := stops("blockPublicAcls", "ignorePublicAcls"); !stopped && !enforced {
				a := aclOf(g, b)
				undecided = undecided || a.unknown || (ownUnknown || maybe) && (a.read || a.write)
				read, write = read || a.read, write || a.write
			}
			if read && !undecided {
				out = append(out, Violation{URN: b.URN, Controls: []string{"FSBP S3.2"}, Message: fmt.Sprintf("s3.BucketV2 %s: anyone may read it (a public policy or ACL, no block stopping it); remove the grant and block public access", b.Name)})
			}
			if write && !undecided {
				out = append(out, Violation{URN: b.URN, Controls: []string{"FSBP S3.3"}, Message: fmt.Sprintf("s3.BucketV2 %s: anyone may write it (a public policy or ACL, no block stopping it); remove the grant and block public access", b.Name)})
			}
			if undecided {
				v := notJudged(b)
				v.Controls = []string{"FSBP S3.2", "FSBP S3.3"}
				out = append(out, v)
			}
		}
		return out
	}}

// tlsDenies reports what a statement denies of what FSBP S3.5 looks for: a
// Deny of s3:* (or *) to everyone when aws:SecureTransport is false, on the
// bucket and on its objects ("*" is both); one statement or several may
// cover the two.
func tlsDenies(s policyStatement) (bucket, objects bool) {
	secure := append(slices.Clone(s.Condition["Bool"]["aws:SecureTransport"]), s.Condition["BoolIfExists"]["aws:SecureTransport"]...)
	if s.Effect != "Deny" || !contains(secure, "false") || !s.everyone() {
		return false, false
	}
	if !contains(s.Action, "s3:*") && !contains(s.Action, "*") {
		return false, false
	}
	for _, r := range s.Resource {
		bucket = bucket || r == "*" || !strings.Contains(r, "/")
		objects = objects || r == "*" || strings.HasSuffix(r, "/*")
	}
	return bucket, objects
}

// s3TLSOnly follows Security Hub S3.5 (Config rule
// s3-bucket-ssl-requests-only) and CIS v3.0.0 2.1.1 (the audit looks for a
// Deny with aws:SecureTransport false): a bucket without such a policy
// accepts plain HTTP.
var s3TLSOnly = Rule{ID: "s3-tls-only", Controls: []string{"FSBP S3.5", "CIS 2.1.1"},
	Source:      "Security Hub S3.5 (Config s3-bucket-ssl-requests-only); CIS v3.0.0 2.1.1 audit",
	Severity:    High,
	Description: "Every bucket's policy (s3.BucketPolicy or the bucket's policy) denies everyone every S3 action (s3:* or *) on the bucket and its objects when aws:SecureTransport is false (a string or a JSON boolean). Not judged while the policy is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, b := range g.ByType(restype.S3BucketV2) {
			bucket, objects, unknown := false, false, false
			for _, p := range bucketPolicies(g, b) {
				if _, u := p.(Unknown); u {
					unknown = true
					continue
				}
				doc, ok := g.policy(p)
				if !ok {
					continue
				}
				for _, s := range doc.Statement {
					bu, ob := tlsDenies(s)
					bucket, objects = bucket || bu, objects || ob
				}
			}
			switch {
			case bucket && objects:
			case unknown:
				out = append(out, notJudged(b))
			default:
				out = append(out, Violation{URN: b.URN, Message: fmt.Sprintf("s3.BucketV2 %s: accepts requests without TLS; deny everyone s3:* on the bucket and bucket/* when aws:SecureTransport is false", b.Name)})
			}
		}
		return out
	}}

// s3AccountPublicAccessBlock follows Security Hub S3.1 (Config rule
// s3-account-level-public-access-blocks-periodic, all four settings true
// by default) and CIS v3.0.0 2.1.4 (the audit's account-level
// get-public-access-block).
var s3AccountPublicAccessBlock = Rule{ID: "s3-account-public-access-block", Controls: []string{"FSBP S3.1", "CIS 2.1.4"},
	Source:      "Security Hub S3.1 (Config s3-account-level-public-access-blocks-periodic); CIS v3.0.0 2.1.4 audit (s3control get-public-access-block)",
	Severity:    High,
	Description: "The account's public access block, where the stack owns it, turns on all four settings. Not judged while a setting is computed at deployment.",
	Check: forEach(restype.S3AccountPublicAccessBlock, func(r Resource) string {
		var off []string
		for _, k := range blockSettings {
			if v, _ := r.Bool(k); !v {
				off = append(off, k)
			}
		}
		if len(off) > 0 {
			return "leaves " + strings.Join(off, ", ") + " off (the provider's default); set all four true"
		}
		return ""
	})}

// s3CrossAccountActions are those FSBP S3.6 forbids granting to another
// account (Config rule s3-bucket-blacklisted-actions-prohibited with
// Security Hub's blacklistedActionPatterns).
var s3CrossAccountActions = []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}

// conditionAccounts are the accounts a statement's positive conditions
// confine it to (aws:PrincipalAccount, aws:SourceAccount,
// kms:CallerAccount, and the account of aws:PrincipalArn or
// aws:SourceArn values); ok is false when no condition names one.
func conditionAccounts(s policyStatement) (accts []string, ok bool) {
	for op, kv := range s.Condition {
		if !positiveOperator(op) {
			continue
		}
		for k, vals := range kv {
			switch strings.ToLower(k) {
			case "aws:principalaccount", "aws:sourceaccount", "kms:calleraccount":
				if !confines(k, vals) {
					continue
				}
				return vals, true
			case "aws:principalarn", "aws:sourcearn":
				if !confines(k, vals) {
					continue
				}
				var out []string
				for _, v := range vals {
					out = append(out, principalAccount(v))
				}
				if !slices.Contains(out, "") {
					return out, true
				}
			}
		}
	}
	return nil, false
}

// s3NoCrossAccountAdmin follows Security Hub S3.6 (Config rule
// s3-bucket-blacklisted-actions-prohibited, blacklistedActionPatterns
// s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy,
// s3:PutEncryptionConfiguration, s3:PutObjectAcl): a bucket policy
// allows none of them to a principal of another account. "*" (or any
// wildcard principal) is every account's unless a condition confines it
// to fixed accounts; an account principal (its ID, root or any ARN in it)
// is compared with the stack's own account, which a preview tells by the
// stack's own ARNs (stackAccounts); while that is not known, the finding
// is not judged.
var s3NoCrossAccountAdmin = Rule{ID: "s3-no-cross-account-admin", Controls: []string{"FSBP S3.6"},
	Source:      "Security Hub S3.6 (Config s3-bucket-blacklisted-actions-prohibited, blacklistedActionPatterns s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration, s3:PutObjectAcl)",
	Severity:    High,
	Description: "No bucket policy (s3.BucketPolicy or the bucket's policy) gives another account, or anyone, s3:DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy, PutEncryptionConfiguration or PutObjectAcl (wildcards such as s3:Put* or * and NotAction included). Not judged while the policy, or the stack's own account that an account principal is compared with, is computed at deployment.",
	Check: func(g *Graph) []Violation {
		own := stackAccounts(g)
		judge := func(r Resource, v any) string {
			doc, ok := parsePolicy(v)
			if !ok {
				return ""
			}
			for i, s := range doc.Statement {
				if s.Effect != "Allow" {
					continue
				}
				var blocked []string
				for _, a := range s3CrossAccountActions {
					if allowsAction(s, a) {
						blocked = append(blocked, a)
					}
				}
				if len(blocked) == 0 {
					continue
				}
				foreign := ""
				account := func(id, who string) {
					switch {
					case own[id]:
					case len(own) == 0:
						// Whose account it is cannot be told before the
						// stack's is known.
						r.sawUnknown()
					default:
						foreign = who
					}
				}
				for _, p := range s.principals() {
					acct, isAWS := strings.CutPrefix(p, "AWS:")
					switch {
					case p == "*" || isAWS && strings.ContainsAny(acct, "*?"):
						accts, confined := conditionAccounts(s)
						if !confined || publicStatement(s) {
							foreign = p
							break
						}
						for _, a := range accts {
							account(a, p+" of account "+a)
						}
					case !isAWS:
						// A service principal is AWS's, judged by the
						// bucket's own conditions, not S3.6.
					default:
						account(principalAccount(acct), acct)
					}
				}
				if s.NotPrincipal != nil {
					foreign = "every principal but those NotPrincipal names"
				}
				if foreign != "" {
					return fmt.Sprintf("statement %s gives %s to %s; grant another account only the actions it needs to write", sidOf(s, i), strings.Join(blocked, ", "), foreign)
				}
			}
			return ""
		}
		out := forEach(restype.S3BucketPolicy, func(r Resource) string { return judge(r, r.Get("policy")) })(g)
		return append(out, forEach(restype.S3BucketV2, func(r Resource) string {
			if r.Get("policy") == nil {
				return ""
			}
			return judge(r, r.Get("policy"))
		})(g)...)
	}}

// s3ACLsDisabled follows Security Hub S3.12 (Config rule
// s3-bucket-acl-prohibited: ACLs grant user access to the bucket; a bucket
// whose ACLs are off, BucketOwnerEnforced ownership and S3's default for
// new buckets since April 2023, or whose ACL grants only its owner,
// passes) and CKV2_AWS_65 (Checkov: the bucket has ownership controls
// with BucketOwnerEnforced). Each finding names the controls it fails.
var s3ACLsDisabled = Rule{ID: "s3-acls-disabled", Controls: []string{"FSBP S3.12", "CKV2_AWS_65"},
	Source:      "Security Hub S3.12 (Config s3-bucket-acl-prohibited); Checkov CKV2_AWS_65",
	Severity:    Medium,
	Description: "No bucket ACL (acl, s3.BucketAclV2) grants anyone but the owner while ACLs are on (S3.12); every bucket declares s3.BucketOwnershipControls with BucketOwnerEnforced, so access is decided by policies alone (CKV2_AWS_65). Not judged while ownership or an ACL is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, b := range g.ByType(restype.S3BucketV2) {
			enforced, _, unknown := ownershipEnforced(g, b)
			a := aclOf(g, b)
			if unknown {
				out = append(out, notJudged(b))
				continue
			}
			if !enforced {
				out = append(out, Violation{URN: b.URN, Controls: []string{"CKV2_AWS_65"}, Message: fmt.Sprintf("s3.BucketV2 %s: does not disable ACLs; add s3.BucketOwnershipControls with objectOwnership BucketOwnerEnforced", b.Name)})
				switch {
				case a.unknown:
					v := notJudged(b)
					v.Controls = []string{"FSBP S3.12"}
					out = append(out, v)
				case a.others:
					out = append(out, Violation{URN: b.URN, Controls: []string{"FSBP S3.12"}, Message: fmt.Sprintf("s3.BucketV2 %s: grants access through its ACL; remove the grants and set objectOwnership BucketOwnerEnforced", b.Name)})
				}
			}
		}
		return out
	}}

// s3Lifecycle follows Security Hub S3.13 (Config rule
// s3-lifecycle-policy-check, no parameters set: a lifecycle configuration
// with an enabled rule) and CKV2_AWS_61.
var s3Lifecycle = Rule{ID: "s3-lifecycle", Controls: []string{"FSBP S3.13", "CKV2_AWS_61"},
	Source:      "Security Hub S3.13 (Config s3-lifecycle-policy-check); Checkov CKV2_AWS_61",
	Severity:    Low,
	Description: "Every bucket has a lifecycle configuration with an enabled rule. Not judged while its rules are computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.S3BucketV2, func(b Resource) string {
			if hasEnabledLifecycleRule(g, b) {
				return ""
			}
			return "keeps every object forever; add s3.BucketLifecycleConfigurationV2 with an enabled expiration rule"
		})(g)
	}}

// hasEnabledLifecycleRule reports whether a lifecycle configuration of
// bucket b has an enabled rule; a rule list or status computed at
// deployment is recorded on b (its rule is then not judged).
func hasEnabledLifecycleRule(g *Graph, b Resource) bool {
	for _, l := range g.Dependents(b.URN, restype.S3BucketLifecycleConfigurationV2) {
		if l.Unknown("rules") {
			b.sawUnknown()
		}
		for i := range l.List("rules") {
			status := fmt.Sprintf("rules.%d.status", i)
			if l.Str(status) == "Enabled" {
				return true
			}
			if l.Unknown(status) {
				b.sawUnknown()
			}
		}
	}
	return false
}

// s3VersionedLifecycle follows Security Hub S3.10 ("S3 general purpose
// buckets with versioning enabled should have Lifecycle configurations",
// Config rule s3-version-lifecycle-policy-check): a bucket whose
// versioning is Enabled has a lifecycle configuration with an enabled
// rule.
var s3VersionedLifecycle = Rule{ID: "s3-versioned-lifecycle", Controls: []string{"FSBP S3.10"},
	Source:      "Security Hub S3.10 (Config s3-version-lifecycle-policy-check)",
	Severity:    Medium,
	Description: "A bucket with versioning enabled has a lifecycle configuration with an enabled rule. Not judged while its versioning or rules are computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.S3BucketV2, func(b Resource) string {
			versioned := false
			for _, v := range g.Dependents(b.URN, restype.S3BucketVersioningV2) {
				versioned = versioned || v.Str("versioningConfiguration.status") == "Enabled"
				if v.Unknown("versioningConfiguration.status") {
					b.sawUnknown()
				}
			}
			if !versioned {
				return ""
			}
			if hasEnabledLifecycleRule(g, b) {
				return ""
			}
			return "keeps every noncurrent version forever; add s3.BucketLifecycleConfigurationV2 with an enabled rule"
		})(g)
	}}

// s3EventNotifications follows Security Hub S3.11 ("S3 general purpose
// buckets should have event notifications enabled", Config rule
// s3-event-notifications-enabled, no eventTypes or destinationArn
// parameters set): a bucket has a notification configuration with at
// least one destination (or EventBridge).
var s3EventNotifications = Rule{ID: "s3-event-notifications", Controls: []string{"FSBP S3.11"},
	Source:      "Security Hub S3.11 (Config s3-event-notifications-enabled, no parameters)",
	Severity:    Medium,
	Description: "Every bucket sends event notifications (s3.BucketNotification with a topic, queue, function or EventBridge). Not judged while the configuration is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.S3BucketV2, func(b Resource) string {
			for _, n := range g.Dependents(b.URN, restype.S3BucketNotification) {
				if v, _ := n.Bool("eventbridge"); v || len(n.List("topics")) > 0 || len(n.List("queues")) > 0 || len(n.List("lambdaFunctions")) > 0 {
					return ""
				}
				if n.Unknown("topics") || n.Unknown("queues") || n.Unknown("lambdaFunctions") || n.Unknown("eventbridge") {
					b.sawUnknown()
				}
			}
			return "sends no event notifications; add an s3.BucketNotification (eventbridge: true, or a topic or queue)"
		})(g)
	}}

// trailBucket reports whether a CloudTrail trail of the stack delivers to
// bucket b (its s3BucketName names it, or is computed from it).
func trailBucket(g *Graph, b Resource) bool {
	for _, t := range g.ByType(restype.CloudTrailTrail) {
		if n := t.Str("s3BucketName"); n != "" && n == b.Str("bucket") || slices.Contains(t.PropertyDependencies["s3BucketName"], b.URN) {
			return true
		}
	}
	return false
}

// s3AccessLogging follows Security Hub S3.9 (Config rule
// s3-bucket-logging-enabled: every bucket) and CKV_AWS_18, and, for the
// bucket a CloudTrail trail delivers to, CIS v3.0.0 3.4 and Security Hub
// CloudTrail.7 ("Ensure S3 bucket access logging is enabled on the
// CloudTrail S3 bucket"). Each finding names the controls it fails.
var s3AccessLogging = Rule{ID: "s3-access-logging", Controls: []string{"FSBP S3.9", "CIS 3.4", "SecurityHub CloudTrail.7", "CKV_AWS_18"},
	Source:      "Security Hub S3.9 (Config s3-bucket-logging-enabled), CloudTrail.7; CIS v3.0.0 3.4 audit (get-bucket-logging of the trail's bucket); Checkov CKV_AWS_18",
	Severity:    Medium,
	Description: "Every bucket sends S3 server access logs to a bucket (S3.9, CKV_AWS_18); for a trail's bucket that is CIS 3.4 and CloudTrail.7 too. Not judged while the logging configuration or the bucket's name is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, b := range g.ByType(restype.S3BucketV2) {
			logged, unknown := false, false
			// A logging configuration depends on its source and its
			// target: the source is the bucket it names.
			for _, l := range g.Dependents(b.URN, restype.S3BucketLoggingV2) {
				switch name := l.Str("bucket"); {
				case l.Unknown("bucket") || b.Unknown("bucket") || b.Unknown("bucketPrefix"):
					unknown = unknown || !slices.Contains(l.PropertyDependencies["bucket"], b.URN)
					logged = logged || slices.Contains(l.PropertyDependencies["bucket"], b.URN)
				case name != "" && (name == b.Str("bucket") || b.Str("bucketPrefix") != "" && strings.HasPrefix(name, b.Str("bucketPrefix"))):
					logged = true
				}
			}
			controls := []string{"FSBP S3.9", "CKV_AWS_18"}
			if trailBucket(g, b) {
				controls = s3AccessLoggingControls
			}
			switch {
			case logged:
			case unknown:
				v := notJudged(b)
				v.Controls = controls
				out = append(out, v)
			default:
				out = append(out, Violation{URN: b.URN, Controls: controls, Message: fmt.Sprintf("%s %s: keeps no record of requests to it; add s3.BucketLoggingV2 with the stack's access-log bucket as target", shortType(b.Type), b.Name)})
			}
		}
		return out
	}}

var s3AccessLoggingControls = []string{"FSBP S3.9", "CIS 3.4", "SecurityHub CloudTrail.7", "CKV_AWS_18"}

// s3MFADelete follows CIS v3.0.0 2.1.2 (the audit's get-bucket-versioning
// shows MFADelete Enabled, for every bucket) and Security Hub S3.20 ("S3
// general purpose buckets should have MFA delete enabled", judged on
// versioned buckets). Each finding names the controls it fails.
var s3MFADelete = Rule{ID: "s3-mfa-delete", Controls: []string{"SecurityHub S3.20", "CIS 2.1.2"},
	Source:      "CIS v3.0.0 2.1.2 audit (get-bucket-versioning MFADelete); Security Hub S3.20",
	Severity:    Low,
	Description: "Buckets require MFA to delete a version or suspend versioning (only the root user can turn it on, with its MFA device): every bucket for CIS 2.1.2, versioned ones for S3.20. Not judged while versioning is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, b := range g.ByType(restype.S3BucketV2) {
			versioned, mfa, unknown := false, false, false
			for _, v := range g.Dependents(b.URN, restype.S3BucketVersioningV2) {
				unknown = unknown || v.Unknown("versioningConfiguration") || v.Unknown("versioningConfiguration.status") || v.Unknown("versioningConfiguration.mfaDelete")
				versioned = versioned || v.Str("versioningConfiguration.status") == "Enabled"
				mfa = mfa || v.Str("versioningConfiguration.mfaDelete") == "Enabled"
			}
			controls := []string{"CIS 2.1.2"}
			if versioned {
				controls = append(controls, "SecurityHub S3.20")
			}
			switch {
			case mfa:
			case unknown:
				v := notJudged(b)
				v.Controls = []string{"SecurityHub S3.20", "CIS 2.1.2"}
				out = append(out, v)
			default:
				out = append(out, Violation{URN: b.URN, Controls: controls, Message: fmt.Sprintf("%s %s: lets a version be deleted without MFA; the root user enables MFA delete (aws s3api put-bucket-versioning --mfa)", shortType(b.Type), b.Name)})
			}
		}
		return out
	}}
