package compliance

import (
	"fmt"

	"github.com/example/hardening/internal/restype"
)

// logsRules judge CloudWatch Logs log groups.
func logsRules() []Rule { return []Rule{logsEncrypted, logsRetained} }

// logsEncrypted follows CKV_AWS_158 (Checkov
// CloudWatchLogGroupKMSKey: kms_key_id set).
var logsEncrypted = Rule{ID: "logs-encrypted", Controls: []string{"CKV_AWS_158"},
	Source:      "Checkov CKV_AWS_158 (kms_key_id set)",
	Severity:    Medium,
	Description: "Log groups are encrypted with a customer-managed key (kmsKeyId); a key computed at deployment from a key the stack creates counts. Not judged while the key is computed from nothing the plan shows.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.CloudWatchLogGroup, func(r Resource) string {
			if k := g.keyAt(r, "kmsKeyId"); k == noKey || k == awsKey {
				return "is not encrypted with a customer-managed key; set kmsKeyId"
			}
			return ""
		})(g)
	}}

// logsRetained follows Security Hub CloudWatch.16 (Config rule
// cw-loggroup-retention-period-check, MinRetentionTime default 365: a
// group whose retention is shorter fails; one that never expires, as
// CloudWatch Logs keeps a group without retentionInDays or with 0, passes)
// and CKV_AWS_338 (Checkov CloudWatchLogGroupRetentionYear:
// retention_in_days set and at least 365, so an unset one fails). Each
// finding names the controls it fails.
var logsRetained = Rule{ID: "logs-retained", Controls: []string{"CKV_AWS_338", "SecurityHub CloudWatch.16"},
	Source:      "Security Hub CloudWatch.16 (Config cw-loggroup-retention-period-check, MinRetentionTime 365); Checkov CKV_AWS_338",
	Severity:    Low,
	Description: "Log groups keep their logs at least a year (retentionInDays 365 or more); a group that never expires (unset or 0) passes CloudWatch.16 and fails CKV_AWS_338, which wants the retention decided. Not judged while the retention is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, lg := range g.ByType(restype.CloudWatchLogGroup) {
			seen := false
			r := lg.tracked(&seen)
			d, set := r.Num("retentionInDays")
			var v *Violation
			switch {
			case set && d > 0 && d < 365:
				v = &Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: keeps logs %d days; keep them at least 365", shortType(r.Type), r.Name, int(d))}
			case !r.Unknown("retentionInDays") && (!set || d == 0):
				v = &Violation{URN: r.URN, Controls: []string{"CKV_AWS_338"}, Message: fmt.Sprintf("%s %s: never expires its logs, without a retention decided; set retentionInDays (365 or more)", shortType(r.Type), r.Name)}
			}
			switch {
			case seen:
				out = append(out, notJudged(lg))
			case v != nil:
				out = append(out, *v)
			}
		}
		return out
	}}
