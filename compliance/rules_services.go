package compliance

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// restrictingKeys are the condition keys that confine a statement whose
// principal is "*" to one account, organization, source or network, as
// AWS's public-access analysis reads them (IAM Access Analyzer, "Policy
// checks" and the S3/KMS/SNS notions of a public policy).
var restrictingKeys = []string{
	"aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths", "aws:principalarn",
	"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths",
	"aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "aws:userid", "aws:resourceaccount",
	"kms:calleraccount", "kms:viaservice",
}

// publicStatement reports whether an Allow statement gives its actions to
// anyone: a "*" principal (or AWS "*") without a condition that names an
// account, organization, source or network. Negated operators (StringNot…,
// ArnNot…), …IfExists operators (which a request without the key passes)
// and values holding a wildcard ("*", "?": AWS Config's KMS.5 and SNS.4
// evaluation treats "arn:aws:iam::*:root" or "1111*" as public) restrict
// nothing.
func publicStatement(s policyStatement) bool {
	if s.Effect != "Allow" {
		return false
	}
	if !s.everyone() {
		return false
	}
	for op, kv := range s.Condition {
		lop := strings.ToLower(op)
		if strings.Contains(lop, "not") || strings.HasSuffix(lop, "ifexists") || strings.Contains(lop, "null") {
			continue
		}
		for k, vals := range kv {
			wild := slices.ContainsFunc(vals, func(v string) bool { return strings.ContainsAny(v, "*?") })
			if slices.Contains(restrictingKeys, strings.ToLower(k)) && len(vals) > 0 && !wild {
				return false
			}
		}
	}
	return true
}

// publicPolicy is a check that no policy document at input of the types
// has a public statement (publicStatement).
func publicPolicy(types []string, input string) func(*Graph) []Violation {
	return forEachIn(types, func(r Resource) string {
		doc, ok := parsePolicy(r.Get(input))
		if !ok {
			return ""
		}
		for i, s := range doc.Statement {
			if publicStatement(s) {
				sid := s.Sid
				if sid == "" {
					sid = fmt.Sprintf("#%d", i)
				}
				return fmt.Sprintf("statement %s allows anyone (Principal \"*\" without an account, organization or source condition); name the principals or add aws:SourceAccount / aws:PrincipalAccount", sid)
			}
		}
		return ""
	})
}

// s3CrossAccountActions are those FSBP S3.6 forbids granting to another
// account (the Config rule s3-bucket-blacklisted-actions-prohibited's
// parameters in Security Hub).
var s3CrossAccountActions = []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}

// supportedRuntimes are the Lambda runtimes not deprecated on the date of
// this list (AWS Lambda developer guide, "Lambda runtimes", supported
// runtimes table, read 2026-11); FSBP Lambda.2 fails any other.
var supportedRuntimes = []string{
	"nodejs24.x", "nodejs22.x", "nodejs20.x",
	"python3.14", "python3.13", "python3.12", "python3.11", "python3.10",
	"java25", "java21", "java17", "java11", "java8.al2",
	"dotnet10", "dotnet8",
	"ruby3.4", "ruby3.3",
	"provided.al2023", "provided.al2",
}

// fewZones says what is wrong when a resource placed in n subnets spans
// fewer than two Availability Zones: fewer than two subnets, or subnets the
// plan registers (its dependencies) all in one zone. Subnets from outside
// the plan are counted, not placed.
func fewZones(g *Graph, r Resource, n int) string {
	if n < 2 {
		return fmt.Sprintf("is in %d subnet(s); give it subnets in two or more Availability Zones", n)
	}
	var zones []string
	subnets := 0
	for _, s := range g.ByType(restype.EC2Subnet) {
		if !slices.Contains(r.Dependencies, s.URN) {
			continue
		}
		subnets++
		z := s.Str("availabilityZone") + s.Str("availabilityZoneId")
		if z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	if subnets >= n && len(zones) == 1 {
		return fmt.Sprintf("has all %d subnets in %s; give it subnets in two or more Availability Zones", n, zones[0])
	}
	return ""
}

func serviceRules() []Rule {
	return []Rule{
		// KMS.3 fails a key pending deletion. The plan decides how long an
		// unintended ScheduleKeyDeletion can be cancelled (the window);
		// change-guard blocks a preview that would delete the key.
		{ID: "kms-deletion-window", Controls: []string{"FSBP KMS.3"}, Severity: Medium,
			Description: "Keys wait the longest deletion window KMS allows (30 days), so an unintended deletion can be noticed (CIS 4.7 alarm) and cancelled.",
			Check: forEachIn([]string{restype.KMSKey, restype.KMSReplicaKey}, func(r Resource) string {
				if d, set := r.Num("deletionWindowInDays"); set && d < 30 {
					return fmt.Sprintf("can be deleted %d days after a ScheduleKeyDeletion; set deletionWindowInDays 30", int(d))
				}
				return ""
			})},
		{ID: "kms-key-policy", Controls: []string{"FSBP KMS.5", "CKV_AWS_33", "CKV2_AWS_64"}, Severity: High,
			Description: "Key policies grant no \"*\" principal unless a condition confines it to an account, organization or source, and keep the lockout safety check.",
			Check: forEachIn([]string{restype.KMSKey, restype.KMSReplicaKey}, func(r Resource) string {
				if v, _ := r.Bool("bypassPolicyLockoutSafetyCheck"); v {
					return "bypasses the policy lockout safety check; set bypassPolicyLockoutSafetyCheck: false"
				}
				doc, ok := parsePolicy(r.Get("policy"))
				if !ok {
					if r.Get("policy") == nil {
						return "has the default key policy; give it one that separates administrators from users"
					}
					return ""
				}
				for _, s := range doc.Statement {
					if publicStatement(s) {
						return fmt.Sprintf("statement %s lets anyone use the key; name the principals or confine them with kms:CallerAccount", s.Sid)
					}
				}
				return ""
			})},
		{ID: "sns-topic-not-public", Controls: []string{"FSBP SNS.4"}, Severity: High,
			Description: "SNS topic policies give no action to anyone outside an account, organization or source.",
			Check:       publicPolicy([]string{restype.SNSTopicPolicy, restype.SNSTopic}, "policy")},
		{ID: "lambda-not-public", Controls: []string{"FSBP Lambda.1", "CKV_AWS_364"}, Severity: High,
			// Security Hub Lambda.1 (Config rule
			// lambda-function-public-access-prohibited): a service principal
			// without a source condition is public; an S3 bucket's ARN names
			// no account, so for s3.amazonaws.com only sourceAccount confines
			// it (Lambda developer guide, "Granting function access to AWS
			// services": "if you specify the source, also specify the
			// account, because bucket names can be deleted and recreated by
			// another account").
			Description: "Function permissions name their principal; a service principal is confined to this account or the source resource (sourceAccount, or sourceArn for services whose ARNs name their account; S3 needs sourceAccount), so no other account's resource can invoke it.",
			Check: forEach(restype.LambdaPermission, func(r Resource) string {
				p := r.Str("principal")
				switch {
				case p == "*":
					return `lets anyone invoke the function (principal "*"); name the principal`
				case p == "s3.amazonaws.com" && (r.Get("sourceAccount") == nil || r.Get("sourceAccount") == ""):
					return "lets S3 invoke the function for a bucket of any account (a bucket ARN names no account); set sourceAccount"
				case strings.HasSuffix(p, ".amazonaws.com") && r.Get("sourceArn") == nil && r.Get("sourceAccount") == nil:
					return fmt.Sprintf("lets %s invoke the function on behalf of any account; set sourceArn or sourceAccount", p)
				}
				return ""
			})},
		{ID: "lambda-supported-runtime", Controls: []string{"FSBP Lambda.2", "CKV_AWS_363"}, Severity: Medium,
			Description: "Functions run on a runtime Lambda still supports (patched by AWS).",
			Check: forEach(restype.LambdaFunction, func(r Resource) string {
				if rt := r.Str("runtime"); rt != "" && !slices.Contains(supportedRuntimes, rt) {
					return fmt.Sprintf("runs on %s, which Lambda no longer patches; use one of %s", rt, strings.Join(supportedRuntimes, ", "))
				}
				return ""
			})},
		{ID: "lambda-multi-az", Controls: []string{"FSBP Lambda.5"}, Severity: Medium,
			Description: "Functions attached to a VPC run in subnets of at least two Availability Zones.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.LambdaFunction, func(r Resource) string {
					if n := len(r.List("vpcConfig.subnetIds")); n > 0 {
						return fewZones(g, r, n)
					}
					return ""
				})(g)
			}},
		{ID: "s3-no-cross-account-admin", Controls: []string{"FSBP S3.6"}, Severity: High,
			Description: "Bucket policies give no other account (or anyone) the right to change the bucket's policy, ACLs or encryption.",
			Check: func(g *Graph) []Violation {
				own := stackAccounts(g)
				return forEach(restype.S3BucketPolicy, func(r Resource) string {
					doc, ok := parsePolicy(r.Get("policy"))
					if !ok {
						return ""
					}
					for _, s := range doc.Statement {
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
						for _, p := range s.principals() {
							acct, isAWS := strings.CutPrefix(p, "AWS:")
							id := principalAccount(acct)
							switch {
							case p == "*" || p == "AWS:*" || isAWS && strings.ContainsAny(acct, "*?"):
								foreign = p
							case !isAWS:
								// A service principal is AWS's, judged by
								// the bucket's own conditions, not S3.6.
							case own[id]:
							case len(own) == 0:
								// Whose account it is cannot be told
								// before the stack's is known.
								r.sawUnknown()
							default:
								foreign = acct
							}
						}
						if foreign == "" {
							continue
						}
						return fmt.Sprintf("statement %s gives %s to %s; grant another account only the actions it needs to write", s.Sid, blocked[0], foreign)
					}
					return ""
				})(g)
			}},
		{ID: "s3-acls-disabled", Controls: []string{"FSBP S3.12", "CKV2_AWS_65"}, Severity: Medium,
			Description: "Every bucket disables ACLs (object ownership BucketOwnerEnforced): access is decided by policies alone.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.S3BucketV2, func(b Resource) string {
					for _, o := range g.Dependents(b.URN, restype.S3BucketOwnershipControls) {
						if o.Str("rule.objectOwnership") == "BucketOwnerEnforced" {
							return ""
						}
					}
					return "manages access with ACLs; add s3.BucketOwnershipControls with objectOwnership BucketOwnerEnforced"
				})(g)
			}},
		{ID: "s3-lifecycle", Controls: []string{"FSBP S3.13", "CKV2_AWS_61"}, Severity: Low,
			Description: "Every bucket has a lifecycle configuration with an enabled rule.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.S3BucketV2, func(b Resource) string {
					for _, l := range g.Dependents(b.URN, restype.S3BucketLifecycleConfigurationV2) {
						for i := range l.List("rules") {
							if l.Str(fmt.Sprintf("rules.%d.status", i)) == "Enabled" {
								return ""
							}
						}
					}
					return "keeps every object forever; add s3.BucketLifecycleConfigurationV2 with an enabled expiration rule"
				})(g)
			}},
		// SecretsManager.2 fails a rotation that did not succeed; what the
		// plan decides is whether anyone hears of a failure.
		{ID: "secrets-rotation-watched", Controls: []string{"FSBP SecretsManager.2"}, Severity: Medium,
			Description: "A stack that rotates secrets has an EventBridge rule on Secrets Manager's RotationFailed events with a target, so a failed rotation alerts someone.",
			Check: func(g *Graph) []Violation {
				rotations := g.ByType(restype.SecretsManagerSecretRotation)
				if len(rotations) == 0 {
					return nil
				}
				for _, r := range g.ByType(restype.CloudWatchEventRule) {
					if strings.Contains(r.Str("eventPattern"), "RotationFailed") && len(g.Dependents(r.URN, restype.CloudWatchEventTarget)) > 0 {
						return nil
					}
				}
				return []Violation{{URN: rotations[0].URN, Message: fmt.Sprintf("%s %s: a failed rotation alerts no one; add an EventBridge rule on RotationFailed with a target", shortType(rotations[0].Type), rotations[0].Name)}}
			}},
		{ID: "s3-access-logging", Controls: []string{"FSBP S3.9", "CIS 3.4", "SecurityHub CloudTrail.7", "CKV_AWS_18"}, Severity: Medium,
			Description: "Every bucket sends S3 server access logs to another bucket (the trail bucket included, CIS 3.4).",
			Check: func(g *Graph) []Violation {
				var out []Violation
				for _, b := range g.ByType(restype.S3BucketV2) {
					logged, unknown := false, false
					// A logging configuration depends on its source and its
					// target: the source is the bucket it names.
					for _, l := range g.Dependents(b.URN, restype.S3BucketLoggingV2) {
						switch name := l.Str("bucket"); {
						case l.Unknown("bucket") || b.Unknown("bucket") || b.Unknown("bucketPrefix"):
							unknown = true
						case name != "" && (name == b.Str("bucket") || b.Str("bucketPrefix") != "" && strings.HasPrefix(name, b.Str("bucketPrefix"))):
							logged = true
						}
					}
					switch {
					case logged:
					case unknown:
						out = append(out, notJudged(b))
					default:
						out = append(out, Violation{URN: b.URN, Message: fmt.Sprintf("%s %s: keeps no record of requests to it; add s3.BucketLoggingV2 with the stack's access-log bucket as target", shortType(b.Type), b.Name)})
					}
				}
				return out
			}},
		{ID: "s3-mfa-delete", Controls: []string{"SecurityHub S3.20", "CIS 2.1.2"}, Severity: Low,
			Description: "Versioned buckets require MFA to delete a version or suspend versioning (only the root user can turn it on, with its MFA device).",
			Check: func(g *Graph) []Violation {
				return forEach(restype.S3BucketV2, func(b Resource) string {
					for _, v := range g.Dependents(b.URN, restype.S3BucketVersioningV2) {
						if v.Str("versioningConfiguration.mfaDelete") == "Enabled" {
							return ""
						}
					}
					return "lets a version be deleted without MFA; the root user enables MFA delete (aws s3api put-bucket-versioning --mfa)"
				})(g)
			}},
		// Security Hub IAM.7 (Config rule iam-password-policy with its
		// defaults: every character class, MinimumPasswordLength 8),
		// IAM.15 and CIS 1.8 (14 characters), IAM.16 and CIS 1.9
		// (PasswordReusePrevention 24); each finding names the controls
		// that problem fails.
		{ID: "iam-password-policy", Controls: []string{"FSBP IAM.7", "CIS 1.8", "CIS 1.9", "SecurityHub IAM.15", "SecurityHub IAM.16",
			"CKV_AWS_10", "CKV_AWS_11", "CKV_AWS_12", "CKV_AWS_13", "CKV_AWS_14", "CKV_AWS_15"}, Severity: Medium,
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
			}},
	}
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
// group the stack declares), which a preview of an update carries; empty
// when nothing tells (a first preview, the policy pack).
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
	return out
}

// ownARN is an ARN with an account: group 1 the account, group 2 the last
// name in its resource part.
var ownARN = regexp.MustCompile(`^arn:aws[a-z-]*:(?:iam|sns|logs):[a-z0-9-]*:(\d{12}):(?:[a-z-]+[/:])?(?:[^/]*/)*([^/:]+(?::\*)?)$`)
