package compliance

import (
	"fmt"

	"github.com/example/hardening/internal/restype"
)

// guardDutyRules judge the GuardDuty detectors the stack registers.
func guardDutyRules() []Rule { return []Rule{guardDutyProtectionPlans} }

// guardDutyPlans are the protection plans Security Hub asks for: the
// control, the detector feature and the additional configuration it needs
// ("" for none), and the inline datasources path of the older API that
// enables the same plan ("" for none). Security Hub GuardDuty.5
// (guardduty-eks-protection-audit-enabled), .6 (guardduty-lambda-
// protection-enabled), .7 (guardduty-eks-protection-runtime-enabled:
// Runtime Monitoring with EKS automated agent management, or the older
// EKS_RUNTIME_MONITORING feature with its add-on management), .8
// (guardduty-malware-protection-enabled), .9 (guardduty-rds-protection-
// enabled), .10 (guardduty-s3-protection-enabled), .11 (guardduty-
// runtime-monitoring-enabled), .12 (guardduty-ecs-protection-runtime-
// enabled: ECS_FARGATE_AGENT_MANAGEMENT), .13 (guardduty-ec2-protection-
// runtime-enabled: EC2_AGENT_MANAGEMENT).
var guardDutyPlans = []struct {
	control, feature, additional, datasource, legacy string
}{
	{"GuardDuty.5", "EKS_AUDIT_LOGS", "", "datasources.kubernetes.auditLogs.enable", ""},
	{"GuardDuty.6", "LAMBDA_NETWORK_LOGS", "", "", ""},
	{"GuardDuty.7", "RUNTIME_MONITORING", "EKS_ADDON_MANAGEMENT", "", "EKS_RUNTIME_MONITORING"},
	{"GuardDuty.8", "EBS_MALWARE_PROTECTION", "", "datasources.malwareProtection.scanEc2InstanceWithFindings.ebsVolumes.enable", ""},
	{"GuardDuty.9", "RDS_LOGIN_EVENTS", "", "", ""},
	{"GuardDuty.10", "S3_DATA_EVENTS", "", "datasources.s3Logs.enable", ""},
	{"GuardDuty.11", "RUNTIME_MONITORING", "", "", ""},
	{"GuardDuty.12", "RUNTIME_MONITORING", "ECS_FARGATE_AGENT_MANAGEMENT", "", ""},
	{"GuardDuty.13", "RUNTIME_MONITORING", "EC2_AGENT_MANAGEMENT", "", ""},
}

// guardDutyProtectionPlans follows Security Hub GuardDuty.1 (AWS Config
// guardduty-enabled-centralized: a detector enabled in the Region) and
// GuardDuty.5-.13 (the Config rules guardDutyPlans names: each plan's
// feature ENABLED, with the additional configuration its control needs).
// A disabled detector fails all of them; a missing plan fails only its
// own control. A plan enabled through the detector's inline datasources
// (the older API) counts as the feature would.
var guardDutyProtectionPlans = Rule{ID: "guardduty-protection-plans", Controls: []string{"FSBP GuardDuty.1", "FSBP GuardDuty.5", "FSBP GuardDuty.6", "FSBP GuardDuty.7", "FSBP GuardDuty.8",
	"FSBP GuardDuty.9", "FSBP GuardDuty.10", "FSBP GuardDuty.11", "FSBP GuardDuty.12", "FSBP GuardDuty.13"}, Severity: Medium,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html (GuardDuty.1, .5-.13); AWS Config guardduty-enabled-centralized, guardduty-eks-protection-audit-enabled, guardduty-lambda-protection-enabled, guardduty-eks-protection-runtime-enabled, guardduty-malware-protection-enabled, guardduty-rds-protection-enabled, guardduty-s3-protection-enabled, guardduty-runtime-monitoring-enabled, guardduty-ecs-protection-runtime-enabled, guardduty-ec2-protection-runtime-enabled",
	Description: "GuardDuty detectors are enabled (GuardDuty.1) with every protection plan set by name (GuardDuty.5-.13: a DetectorFeature ENABLED with the agent management its control needs, or the detector's datasources); CreateDetector's defaults leave Runtime Monitoring off. Part: the Regions where the stack declares a detector. Not judged while enable or a plan's status is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, d := range g.ByType(restype.GuardDutyDetector) {
			if d.Unknown("enable") {
				out = append(out, notJudged(d))
				continue
			}
			if v, set := d.Bool("enable"); set && !v {
				// A disabled detector fails GuardDuty.1 and every plan.
				out = append(out, Violation{URN: d.URN, Message: fmt.Sprintf("%s %s: is disabled; set enable: true", shortType(d.Type), d.Name)})
				continue
			}
			features := g.Dependents(d.URN, restype.GuardDutyDetectorFeature)
			var unjudgedPlans []string
			for _, p := range guardDutyPlans {
				state := planState(d, features, p.feature, p.additional, p.datasource)
				if state == triNo && p.legacy != "" {
					state = planState(d, features, p.legacy, p.additional, "")
				}
				switch state {
				case triUnknown:
					unjudgedPlans = append(unjudgedPlans, "FSBP "+p.control)
				case triNo:
					what := p.feature + " is not enabled by name"
					if p.additional != "" && planState(d, features, p.feature, "", "") == triYes {
						what = p.feature + " runs without " + p.additional
					}
					out = append(out, Violation{URN: d.URN, Controls: []string{"FSBP " + p.control},
						Message: fmt.Sprintf("%s %s: %s (%s); add a guardduty.DetectorFeature %s with status ENABLED%s", shortType(d.Type), d.Name, what, p.control, p.feature, map[bool]string{true: " and " + p.additional + " ENABLED in additionalConfigurations", false: ""}[p.additional != ""])})
				}
			}
			if len(unjudgedPlans) > 0 {
				v := notJudged(d)
				v.Controls = unjudgedPlans
				out = append(out, v)
			}
		}
		return out
	}}

// planState says whether a detector runs a protection plan: a feature of
// that name with status ENABLED (and the additional configuration, when
// one is named, ENABLED), or the datasource path true; unknown when the
// deciding value is computed at deployment.
func planState(d Resource, features []Resource, name, additional, datasource string) tri {
	result := triNo
	for _, f := range features {
		seen := false
		ft := f.tracked(&seen)
		if ft.Str("name") != name && !seen {
			continue
		}
		ok := ft.Str("status") == "ENABLED"
		if ok && additional != "" {
			ok = false
			for i := range ft.List("additionalConfigurations") {
				p := fmt.Sprintf("additionalConfigurations.%d.", i)
				if ft.Str(p+"name") == additional && ft.Str(p+"status") == "ENABLED" {
					ok = true
				}
			}
		}
		switch {
		case ok && !seen:
			return triYes
		case seen:
			result = triUnknown
		}
	}
	if datasource != "" && result == triNo {
		seen := false
		v, _ := d.tracked(&seen).Bool(datasource)
		switch {
		case seen:
			return triUnknown
		case v:
			return triYes
		}
	}
	return result
}
