package compliance

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// secretsRules judge Secrets Manager secrets.
func secretsRules() []Rule {
	return []Rule{secretsRotation, secretsRotationInterval, secretsCMK, secretsRotationWatched}
}

// rotationsOf returns the rotations of a secret: those that depend on it
// or name it (by name or ARN) in secretId; unsure is set when a rotation's
// secretId is computed from nothing the plan tells apart, so it may be
// this secret's.
func rotationsOf(g *Graph, sec Resource) (rots []Resource, unsure bool) {
	secrets := g.ByType(restype.SecretsManagerSecret)
	for _, rot := range g.ByType(restype.SecretsManagerSecretRotation) {
		id, _ := rot.Inputs["secretId"].(string)
		placed := slices.ContainsFunc(secrets, func(s Resource) bool { return slices.Contains(rot.Dependencies, s.URN) })
		switch {
		case slices.Contains(rot.Dependencies, sec.URN) || id != "" && (id == sec.Str("name") || id == sec.ID):
			rots = append(rots, rot)
		case rot.Unknown("secretId") && !placed:
			unsure = true
		}
	}
	return rots, unsure
}

// secretsRotation follows Security Hub SecretsManager.1 ("Secrets Manager
// secrets should have automatic rotation enabled", Config rule
// secretsmanager-rotation-enabled-check; Security Hub sets no
// maximumAllowedRotationFrequency, so any schedule passes), cdk-nag SMG4
// and CKV2_AWS_57: every secret has a rotation.
var secretsRotation = Rule{ID: "secrets-rotation", Controls: []string{"FSBP SecretsManager.1", "nag SMG4", "CKV2_AWS_57"},
	Source:      "Security Hub SecretsManager.1 (Config secretsmanager-rotation-enabled-check, no maximumAllowedRotationFrequency)",
	Severity:    Medium,
	Description: "Every secret has a rotation (secretsmanager.SecretRotation naming or depending on it), on any schedule. Not judged while a rotation's secretId is computed from nothing the plan can place.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, sec := range g.ByType(restype.SecretsManagerSecret) {
			rots, unsure := rotationsOf(g, sec)
			switch {
			case len(rots) > 0:
			case unsure:
				out = append(out, notJudged(sec))
			default:
				out = append(out, Violation{URN: sec.URN, Message: fmt.Sprintf("%s %s: is never rotated; add a secretsmanager.SecretRotation", shortType(sec.Type), sec.Name)})
			}
		}
		return out
	}}

// secretsRotationInterval follows Security Hub SecretsManager.4 (Config
// rule secretsmanager-secret-periodic-rotation, maxDaysSinceRotation
// default 90): a secret not rotated within 90 days fails. What the plan
// decides is the schedule: a secret without a rotation is never rotated
// and fails; one whose rotation runs at least every 90 days passes (that
// each rotation succeeds is SecretsManager.2's, watched at run time).
// CKV_AWS_304 judges the rotation resource's schedule alone.
var secretsRotationInterval = Rule{ID: "secrets-rotation-interval", Controls: []string{"FSBP SecretsManager.4", "CKV_AWS_304"},
	Source:      "Security Hub SecretsManager.4 (Config secretsmanager-secret-periodic-rotation, maxDaysSinceRotation 90); Checkov CKV_AWS_304",
	Severity:    Medium,
	Description: "Every secret has a rotation that runs at least every 90 days, by automaticallyAfterDays or a rate() schedule (a cron schedule limited to some months runs too seldom); a secret without a rotation is never rotated and fails SecretsManager.4. Whether each rotation succeeds is decided at run time (SecretsManager.2). Not judged while the schedule is computed at deployment.",
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
			rots, unsure := rotationsOf(g, sec)
			switch {
			case len(rots) > 0:
			case unsure:
				v := notJudged(sec)
				v.Controls = []string{"FSBP SecretsManager.4"}
				out = append(out, v)
			default:
				out = append(out, Violation{URN: sec.URN, Controls: []string{"FSBP SecretsManager.4"},
					Message: fmt.Sprintf("%s %s: is never rotated, which SecretsManager.4 fails after 90 days; add a secretsmanager.SecretRotation", shortType(sec.Type), sec.Name)})
			}
		}
		return out
	}}

// scheduleDays returns the longest gap, in days, of a Secrets Manager
// rotation schedule: rate(N days|hours), or cron(minutes hours
// day-of-month month day-of-week year) whose month field limits the months
// it runs in (then a year is assumed: at best every few months, over 90
// days).
func scheduleDays(expr string) (int, bool) {
	if m := rateExpr.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "hour") {
			return (n + 23) / 24, true
		}
		return n, true
	}
	if inner, ok := strings.CutPrefix(expr, "cron("); ok {
		if f := strings.Fields(strings.TrimSuffix(inner, ")")); len(f) >= 4 && f[3] != "*" && f[3] != "?" {
			return 365, true
		}
	}
	return 0, false
}

var rateExpr = regexp.MustCompile(`^rate\((\d+) (days?|hours?)\)$`)

// secretsCMK follows CKV_AWS_149 ("Ensure that Secrets Manager secret is
// encrypted using KMS CMK"): kmsKeyId is set and is not the AWS-managed
// aws/secretsmanager key.
var secretsCMK = Rule{ID: "secrets-cmk", Controls: []string{"CKV_AWS_149"},
	Source:      "Checkov CKV_AWS_149 (kms_key_id set)",
	Severity:    High,
	Description: "Secrets are encrypted with a customer-managed key (kmsKeyId set, not alias/aws/secretsmanager). a key computed at deployment from a key the stack creates counts. Not judged while the key is computed from nothing the plan shows.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.SecretsManagerSecret, func(r Resource) string {
			if k := g.keyAt(r, "kmsKeyId"); k == noKey || k == awsKey {
				return "uses the AWS-managed key; set kmsKeyId to the stack's key"
			}
			return ""
		})(g)
	}}

// secretsRotationWatched judges what the plan decides of Security Hub
// SecretsManager.2 ("Secrets Manager secrets configured with automatic
// rotation should rotate successfully", Config rule
// secretsmanager-scheduled-rotation-success-check): whether a rotation
// ran is known at run time only; the plan decides whether anyone hears of
// a failure.
var secretsRotationWatched = Rule{ID: "secrets-rotation-watched", Controls: []string{"FSBP SecretsManager.2"},
	Source:      "Security Hub SecretsManager.2 (Config secretsmanager-scheduled-rotation-success-check): the part the plan decides",
	Severity:    Medium,
	Description: "A stack that rotates secrets has an EventBridge rule on Secrets Manager's RotationFailed events with a target, so a failed rotation alerts someone; whether each rotation succeeds is decided at run time. Not judged while an event pattern is computed at deployment.",
	Check: func(g *Graph) []Violation {
		rotations := g.ByType(restype.SecretsManagerSecretRotation)
		if len(rotations) == 0 {
			return nil
		}
		unknown := false
		for _, r := range g.ByType(restype.CloudWatchEventRule) {
			if r.Unknown("eventPattern") {
				unknown = true
			}
			if strings.Contains(r.Str("eventPattern"), "RotationFailed") && len(g.Dependents(r.URN, restype.CloudWatchEventTarget)) > 0 {
				return nil
			}
		}
		if unknown {
			return []Violation{notJudged(rotations[0])}
		}
		return []Violation{{URN: rotations[0].URN, Message: fmt.Sprintf("%s %s: a failed rotation alerts no one; add an EventBridge rule on RotationFailed with a target", shortType(rotations[0].Type), rotations[0].Name)}}
	}}
