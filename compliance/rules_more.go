package compliance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/example/hardening/internal/restype"
)

func dataRules() []Rule {
	return []Rule{
		{ID: "kms-rotation", Controls: []string{"SecurityHub KMS.4", "CIS 3.6", "nag KMS5", "CKV_AWS_7"}, Severity: High,
			Description: "Customer-managed keys rotate automatically.",
			Check: forEach(restype.KMSKey, func(r Resource) string {
				if v, _ := r.Bool("enableKeyRotation"); !v && r.Str("customerMasterKeySpec") != "RSA_2048" {
					return "does not rotate; set enableKeyRotation: true"
				}
				return ""
			})},
		{ID: "secrets-rotation", Controls: []string{"FSBP SecretsManager.1", "nag SMG4", "CKV2_AWS_57"}, Severity: Medium,
			Description: "Every secret has a rotation schedule.",
			Check:       withDependent(restype.SecretsManagerSecret, restype.SecretsManagerSecretRotation, "is never rotated; add a secretsmanager.SecretRotation")},
		// Security Hub SecretsManager.4 (Config rule
		// secretsmanager-secret-periodic-rotation, maxDaysSinceRotation
		// default 90): a secret not rotated within 90 days fails, one never
		// rotated included. The plan decides the schedule; whether each
		// rotation succeeds is SecretsManager.2's and the runtime's.
		{ID: "secrets-rotation-interval", Controls: []string{"FSBP SecretsManager.4", "CKV_AWS_304"}, Severity: Medium,
			Description: "Every secret has a rotation that runs at least every 90 days, by automaticallyAfterDays or a rate() schedule (a cron schedule limited to some months runs too seldom); a secret without a rotation fails (never rotated). Not judged while the schedule is computed at deployment.",
			Check: func(g *Graph) []Violation {
				out := forEach(restype.SecretsManagerSecretRotation, func(r Resource) string {
					if d, ok := r.Num("rotationRules.automaticallyAfterDays"); ok && d > 90 {
						return fmt.Sprintf("rotates every %d days; rotate at least every 90", int(d))
					}
					if days, ok := scheduleDays(r.Str("rotationRules.scheduleExpression")); ok && days > 90 {
						return fmt.Sprintf("rotates every %d days (%s); rotate at least every 90", days, r.Str("rotationRules.scheduleExpression"))
					}
					return ""
				})(g)
				for _, sec := range g.ByType(restype.SecretsManagerSecret) {
					if len(g.Dependents(sec.URN, restype.SecretsManagerSecretRotation)) == 0 {
						out = append(out, Violation{URN: sec.URN, Controls: []string{"FSBP SecretsManager.4"},
							Message: fmt.Sprintf("%s %s: is never rotated, which SecretsManager.4 fails after 90 days; add a secretsmanager.SecretRotation", shortType(sec.Type), sec.Name)})
					}
				}
				return out
			}},
		{ID: "secrets-cmk", Controls: []string{"CKV_AWS_149"}, Severity: High,
			Description: "Secrets are encrypted with a customer-managed key.",
			Check: forEach(restype.SecretsManagerSecret, func(r Resource) string {
				if k := r.Str("kmsKeyId"); (k == "" && !r.Unknown("kmsKeyId")) || strings.HasSuffix(k, "alias/aws/secretsmanager") {
					return "uses the AWS-managed key; set kmsKeyId to the stack's key"
				}
				return ""
			})},
		{ID: "lambda-environment", Controls: []string{"CKV_AWS_45", "CKV_AWS_173"}, Severity: High,
			Description: "Function environments hold no secrets and are encrypted with a customer-managed key.",
			Check: forEach(restype.LambdaFunction, func(r Resource) string {
				vars, _ := r.Get("environment.variables").(map[string]any)
				for k := range vars {
					if secretName.MatchString(k) {
						return fmt.Sprintf("keeps %s in its environment; read it from Secrets Manager at run time", k)
					}
				}
				if len(vars) > 0 && r.Get("kmsKeyArn") == nil {
					return "has an environment encrypted with the AWS-managed key; set kmsKeyArn"
				}
				return ""
			})},
		{ID: "logs-encrypted", Controls: []string{"CKV_AWS_158"}, Severity: Medium,
			Description: "Log groups are encrypted with a customer-managed key.",
			Check: forEach(restype.CloudWatchLogGroup, func(r Resource) string {
				if r.Get("kmsKeyId") == nil {
					return "is not encrypted with a customer-managed key; set kmsKeyId"
				}
				return ""
			})},
		{ID: "logs-retained", Controls: []string{"CKV_AWS_338", "SecurityHub CloudWatch.16"}, Severity: Low,
			Description: "Log groups keep their logs at least a year.",
			Check: forEach(restype.CloudWatchLogGroup, func(r Resource) string {
				if d, ok := r.Num("retentionInDays"); ok && d < 365 {
					return fmt.Sprintf("keeps logs %d days; keep them at least 365", int(d))
				}
				if !r.Unknown("retentionInDays") && r.Get("retentionInDays") == nil {
					return "keeps logs forever without a decision; set retentionInDays"
				}
				return ""
			})},
		// Security Hub S3.8 (s3-bucket-level-public-access-prohibited, all
		// four settings) judges the bucket's public access block; S3.2 and
		// S3.3 (s3-bucket-public-read-prohibited / -write-prohibited) judge
		// whether a policy or ACL makes the bucket publicly readable or
		// writable with no block (the bucket's or the account's) stopping
		// it; each finding names the controls it fails.
		{ID: "s3-public-access-blocked", Controls: []string{"FSBP S3.8", "FSBP S3.2", "FSBP S3.3", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"}, Severity: High,
			Description: "Every bucket blocks all public access (S3.8); no bucket policy or ACL makes it publicly readable (S3.2) or writable (S3.3) unless the bucket's or the account's public access block stops it. Not judged while a setting or policy is computed at deployment.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				account := map[string]bool{}
				for _, p := range g.ByType(restype.S3AccountPublicAccessBlock) {
					for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
						if v, _ := p.Bool(k); v {
							account[k] = true
						}
					}
				}
				for _, bucket := range g.ByType(restype.S3BucketV2) {
					seen := false
					b := bucket.tracked(&seen)
					var found []Violation
					on := map[string]bool{}
					for _, p := range g.Dependents(b.URN, restype.S3BucketPublicAccessBlock) {
						for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
							if p.Unknown(k) {
								seen = true
							}
							if v, _ := p.Bool(k); v {
								on[k] = true
							}
						}
					}
					if !(on["blockPublicAcls"] && on["blockPublicPolicy"] && on["ignorePublicAcls"] && on["restrictPublicBuckets"]) {
						found = append(found, Violation{URN: b.URN, Controls: []string{"FSBP S3.8", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"},
							Message: fmt.Sprintf("s3.BucketV2 %s: does not block public access; add a public access block with all four settings true", b.Name)})
					}
					read, write := false, false
					if !(on["restrictPublicBuckets"] || account["restrictPublicBuckets"]) {
						for _, p := range g.Dependents(b.URN, restype.S3BucketPolicy) {
							if p.Unknown("policy") {
								seen = true
							}
							doc, ok := parsePolicy(p.Get("policy"))
							if !ok {
								continue
							}
							for _, st := range doc.Statement {
								if !publicStatement(st) {
									continue
								}
								read = read || allowsAction(st, "s3:GetObject") || allowsAction(st, "s3:ListBucket")
								write = write || allowsAction(st, "s3:PutObject") || allowsAction(st, "s3:DeleteObject")
							}
						}
					}
					if !(on["ignorePublicAcls"] || account["ignorePublicAcls"]) {
						switch b.Str("acl") {
						case "public-read":
							read = true
						case "public-read-write":
							read, write = true, true
						}
					}
					if read {
						found = append(found, Violation{URN: b.URN, Controls: []string{"FSBP S3.2"}, Message: fmt.Sprintf("s3.BucketV2 %s: anyone may read it (a public policy or ACL, no block stopping it); remove the grant and block public access", b.Name)})
					}
					if write {
						found = append(found, Violation{URN: b.URN, Controls: []string{"FSBP S3.3"}, Message: fmt.Sprintf("s3.BucketV2 %s: anyone may write it (a public policy or ACL, no block stopping it); remove the grant and block public access", b.Name)})
					}
					if seen {
						found = []Violation{notJudged(bucket)}
					}
					out = append(out, found...)
				}
				return out
			}},
		{ID: "s3-tls-only", Controls: []string{"FSBP S3.5", "CIS 2.1.1"}, Severity: High,
			Description: "Every bucket policy denies everyone every S3 action (s3:* or *) on the bucket and its objects when aws:SecureTransport is false.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				for _, b := range g.ByType(restype.S3BucketV2) {
					denied, unknown := false, false
					for _, p := range g.Dependents(b.URN, restype.S3BucketPolicy) {
						if _, u := p.Get("policy").(Unknown); u {
							unknown = true
							continue
						}
						doc, ok := g.policy(p.Get("policy"))
						if !ok {
							continue
						}
						for _, s := range doc.Statement {
							denied = denied || tlsOnly(s)
						}
					}
					switch {
					case denied:
					case unknown:
						out = append(out, notJudged(b))
					default:
						out = append(out, Violation{URN: b.URN, Message: fmt.Sprintf("s3.BucketV2 %s: accepts requests without TLS; deny everyone s3:* on the bucket and bucket/* when aws:SecureTransport is false", b.Name)})
					}
				}
				return out
			}},
	}
}

// tlsOnly reports whether a statement is the one FSBP S3.5 looks for: a
// Deny of s3:* (or *) to everyone, on the bucket and its objects (or "*"),
// when aws:SecureTransport is false.
func tlsOnly(s policyStatement) bool {
	if s.Effect != "Deny" || !contains(s.Condition["Bool"]["aws:SecureTransport"], "false") {
		return false
	}
	if !contains(s.Action, "s3:*") && !contains(s.Action, "*") {
		return false
	}
	bucket, objects := false, false
	for _, r := range s.Resource {
		bucket = bucket || r == "*" || !strings.Contains(r, "/")
		objects = objects || r == "*" || strings.HasSuffix(r, "/*")
	}
	return s.everyone() && bucket && objects
}

// scheduleDays returns the longest gap, in days, of a Secrets Manager
// rotation schedule: rate(N days|hours), or cron(...) whose month field
// limits the months it runs in (then a year is assumed).
func scheduleDays(expr string) (int, bool) {
	if m := rateExpr.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "hour") {
			return (n + 23) / 24, true
		}
		return n, true
	}
	if inner, ok := strings.CutPrefix(expr, "cron("); ok {
		if f := strings.Fields(strings.TrimSuffix(inner, ")")); len(f) >= 5 && f[4] != "*" && f[4] != "?" {
			return 365, true
		}
	}
	return 0, false
}

var rateExpr = regexp.MustCompile(`^rate\((\d+) (days?|hours?)\)$`)

// wholeAccount matches an AWS principal that is an account: its ID or
// its root ARN.
var wholeAccount = regexp.MustCompile(`^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$`)

// secretName matches input and variable names that hold credentials.
var secretName = regexp.MustCompile(`(?i)(password|passwd|secret|token|private_?key|privatekeypem|api_?key|credential)`)

// secretInputs are inputs that hold secrets whatever their name says.
var secretInputs = map[string][]string{
	restype.SecretsManagerSecretVersion: {"secretString", "secretBinary"},
	restype.ACMCertificate:              {"privateKey"},
	restype.RandomPassword:              {"result"},
}

func projectRules() []Rule {
	return []Rule{
		{ID: "no-plaintext-secrets", Severity: Critical,
			Description: "No input that holds a password, token, key or secret value is left unsecret.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				// Input names repeat across resources: match each once.
				named := map[string]bool{}
				for _, r := range g.Resources {
					for k, v := range r.Inputs {
						isNamed, seen := named[k]
						if !seen {
							isNamed = secretName.MatchString(k) && !nonSecretNames[k]
							named[k] = isNamed
						}
						if !isNamed && !contains(secretInputs[r.Type], k) {
							continue
						}
						switch x := v.(type) {
						case string:
							if x != "" {
								out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: input %s is in plain text in the state and the plan; wrap it with pulumi.ToSecret", shortType(r.Type), r.Name, k)})
							}
						case Unknown:
							// A preview knows whether a value not computed
							// yet is secret (it renders one as [secret]):
							// this one will be stored in plain text.
							out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: input %s is computed at deployment from an output not marked secret, so its value lands in plain text in the state; wrap it with pulumi.ToSecret", shortType(r.Type), r.Name, k)})
						}
					}
				}
				return out
			}},
	}
}

// nonSecretNames are inputs whose names look secret but hold references.
var nonSecretNames = map[string]bool{
	"secretId": true, "secretArn": true, "kmsKeyId": true, "tokenValidityUnits": true, "enableTokenRevocation": true,
	"refreshTokenValidity": true, "accessTokenValidity": true, "idTokenValidity": true, "refreshTokenRotation": true,
	"generateSecret": true, "secretName": true, "recoveryWindowInDays": true, "secretStringWo": true,
	"tokenDomains": true, "passwordPolicy": true, "secretsManagerArn": true, "forceOverwriteReplicaSecret": true,
}
