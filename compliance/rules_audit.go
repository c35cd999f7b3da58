package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// trailRules judge each CloudTrail trail the stack registers. Security Hub
// judges the account (at least one trail qualifies); a stack that creates a
// trail means it to be that trail, so each one is held to all of them.
func trailRules() []Rule {
	return []Rule{
		{ID: "cloudtrail-multi-region", Controls: []string{"FSBP CloudTrail.1", "CIS 3.1", "CKV_AWS_67"}, Severity: High,
			Description: "Trails are multi-Region, logging, and record every read and write management event, global services included.",
			Check: forEach(restype.CloudTrailTrail, func(r Resource) string {
				if v, _ := r.Bool("isMultiRegionTrail"); !v {
					return "records one Region only; set isMultiRegionTrail: true"
				}
				if v, set := r.Bool("enableLogging"); set && !v {
					return "is not logging; set enableLogging: true"
				}
				if v, set := r.Bool("includeGlobalServiceEvents"); set && !v {
					return "leaves out global services (IAM, STS); set includeGlobalServiceEvents: true"
				}
				if !allManagementEvents(r) {
					return "does not record every read and write management event; add a selector for all of them (readWriteType All, includeManagementEvents, no excluded sources)"
				}
				return ""
			})},
		{ID: "cloudtrail-encrypted", Controls: []string{"FSBP CloudTrail.2", "CIS 3.5", "CKV_AWS_35"}, Severity: Medium,
			Description: "Trails encrypt their log files with a customer-managed KMS key.",
			Check: forEach(restype.CloudTrailTrail, func(r Resource) string {
				if r.Inputs["kmsKeyId"] == nil {
					return "log files are not encrypted with a customer-managed key; set kmsKeyId"
				}
				return ""
			})},
		{ID: "cloudtrail-log-validation", Controls: []string{"FSBP CloudTrail.4", "CIS 3.2", "CKV_AWS_36"}, Severity: Medium,
			Description: "Trails sign digest files, so a changed or deleted log file is detected.",
			Check: forEach(restype.CloudTrailTrail, func(r Resource) string {
				if v, _ := r.Bool("enableLogFileValidation"); !v {
					return "has no log file validation; set enableLogFileValidation: true"
				}
				return ""
			})},
		{ID: "cloudtrail-cloudwatch-logs", Controls: []string{"FSBP CloudTrail.5", "CKV2_AWS_10"}, Severity: Low,
			Description: "Trails deliver to a CloudWatch Logs group, where the metric filters and alarms read them.",
			Check: forEach(restype.CloudTrailTrail, func(r Resource) string {
				if r.Inputs["cloudWatchLogsGroupArn"] == nil || r.Inputs["cloudWatchLogsRoleArn"] == nil {
					return "does not deliver to CloudWatch Logs; set cloudWatchLogsGroupArn and cloudWatchLogsRoleArn"
				}
				return ""
			})},
		// Config's cloudtrail-all-write-s3-data-event-check and its read
		// twin ask for a multi-Region trail logging the data events of
		// "all current and future S3 buckets": a selector naming buckets,
		// or leaving one out, does not pass.
		// Security Hub S3.22 / CIS 3.8 (writes) and S3.23 / CIS 3.9
		// (reads): at least one multi-Region trail logs the data events of
		// every bucket; each finding names the half it fails.
		{ID: "cloudtrail-s3-data-events", Controls: []string{"SecurityHub S3.22", "SecurityHub S3.23", "CIS 3.8", "CIS 3.9"}, Severity: Medium,
			Description: "At least one multi-Region trail records object-level writes (S3.22, CIS 3.8) and reads (S3.23, CIS 3.9) in every S3 bucket. Not judged while a trail's selectors are computed at deployment.",
			Check: func(g *Graph) []Violation {
				trails := g.ByType(restype.CloudTrailTrail)
				if len(trails) == 0 {
					return nil
				}
				var out []Violation
				halves := []struct {
					read     bool
					what     string
					controls []string
				}{{false, "writes", []string{"SecurityHub S3.22", "CIS 3.8"}}, {true, "reads", []string{"SecurityHub S3.23", "CIS 3.9"}}}
				for _, h := range halves {
					ok, unknown := false, false
					for _, t := range trails {
						seen := false
						r := t.tracked(&seen)
						multi, _ := r.Bool("isMultiRegionTrail")
						covers := multi && s3DataEvents(r, h.read)
						ok = ok || covers && !seen
						unknown = unknown || seen
					}
					switch {
					case ok:
					case unknown:
						v := notJudged(trails[0])
						v.Controls = h.controls
						out = append(out, v)
					default:
						out = append(out, Violation{URN: trails[0].URN, Controls: h.controls, Message: fmt.Sprintf("%s %s: does not record S3 object %s in every bucket; add an AWS::S3::Object data resource of arn:<partition>:s3, readWriteType All, to a multi-Region trail", shortType(trails[0].Type), trails[0].Name, h.what)})
					}
				}
				return out
			}},
	}
}

// allManagementEvents reports whether a trail's selectors record every read
// and write management event. A trail without selectors records them all
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html).
func allManagementEvents(r Resource) bool {
	if adv := r.List("advancedEventSelectors"); len(adv) > 0 {
		for _, s := range adv {
			fields := fieldSelectors(s)
			if eq, ok := fields["eventCategory"]; ok && slices.Equal(eq.equals, []string{"Management"}) && len(fields) == 1 {
				return true
			}
		}
		return false
	}
	sels := r.List("eventSelectors")
	if len(sels) == 0 {
		return true
	}
	for _, s := range sels {
		m, _ := s.(map[string]any)
		include, set := m["includeManagementEvents"].(bool)
		if (set && !include) || !readWriteCovers(m["readWriteType"], true) || !readWriteCovers(m["readWriteType"], false) {
			continue
		}
		if ex, _ := m["excludeManagementEventSources"].([]any); len(ex) > 0 {
			continue
		}
		return true
	}
	return false
}

// s3DataEvents reports whether a trail records S3 object reads (read) or
// writes in every bucket.
func s3DataEvents(r Resource, read bool) bool {
	if adv := r.List("advancedEventSelectors"); len(adv) > 0 {
		for _, s := range adv {
			fields := fieldSelectors(s)
			if !slices.Equal(fields["eventCategory"].equals, []string{"Data"}) ||
				!slices.Equal(fields["resources.type"].equals, []string{"AWS::S3::Object"}) {
				continue
			}
			ro, filtered := fields["readOnly"]
			if filtered && !slices.Equal(ro.equals, []string{map[bool]string{true: "true", false: "false"}[read]}) {
				continue
			}
			// Any other field (resources.ARN, eventName, ...) narrows it.
			if n := len(fields) - 2; (filtered && n == 1) || (!filtered && n == 0) {
				return true
			}
		}
		return false
	}
	for _, s := range r.List("eventSelectors") {
		m, _ := s.(map[string]any)
		if !readWriteCovers(m["readWriteType"], read) {
			continue
		}
		drs, _ := m["dataResources"].([]any)
		for _, d := range drs {
			dr, _ := d.(map[string]any)
			if dr["type"] != "AWS::S3::Object" {
				continue
			}
			vals, _ := dr["values"].([]any)
			for _, v := range vals {
				// "arn:aws:s3" (or with ":::") is every bucket; a bucket's
				// ARN is that bucket only.
				if s, _ := v.(string); strings.HasPrefix(s, "arn:") && (strings.HasSuffix(s, ":s3") || strings.HasSuffix(s, ":s3:::")) {
					return true
				}
			}
		}
	}
	return false
}

// readWriteCovers reports whether an event selector's readWriteType (All
// when unset) covers read or write events.
func readWriteCovers(v any, read bool) bool {
	switch s, _ := v.(string); s {
	case "", "All":
		return true
	case "ReadOnly":
		return read
	case "WriteOnly":
		return !read
	}
	return false
}

type fieldSelector struct{ equals []string }

// fieldSelectors indexes an advanced event selector's field selectors by
// field; a field with any operator other than Equals keeps an empty equals.
func fieldSelectors(s any) map[string]fieldSelector {
	m, _ := s.(map[string]any)
	fs, _ := m["fieldSelectors"].([]any)
	out := map[string]fieldSelector{}
	for _, f := range fs {
		fm, _ := f.(map[string]any)
		field, _ := fm["field"].(string)
		var sel fieldSelector
		eq, _ := fm["equals"].([]any)
		for _, e := range eq {
			if s, ok := e.(string); ok {
				sel.equals = append(sel.equals, s)
			}
		}
		for _, op := range []string{"notEquals", "startsWiths", "notStartsWiths", "endsWiths", "notEndsWiths"} {
			if l, _ := fm[op].([]any); len(l) > 0 {
				sel.equals = nil
			}
		}
		out[field] = sel
	}
	return out
}

// runtimeAgents are the Runtime Monitoring agent configurations and the
// control each meets (Security Hub GuardDuty.7 EKS, .12 ECS, .13 EC2).
var runtimeAgents = map[string]string{"EKS_ADDON_MANAGEMENT": "GuardDuty.7", "ECS_FARGATE_AGENT_MANAGEMENT": "GuardDuty.12", "EC2_AGENT_MANAGEMENT": "GuardDuty.13"}

// guardDutyPlans are the protection plans Security Hub asks for, each with
// the additional configurations it needs, and the control.
var guardDutyPlans = []struct {
	name, control string
	additional    []string
}{
	{"S3_DATA_EVENTS", "GuardDuty.10", nil},
	{"EKS_AUDIT_LOGS", "GuardDuty.5", nil},
	{"EBS_MALWARE_PROTECTION", "GuardDuty.8", nil},
	{"RDS_LOGIN_EVENTS", "GuardDuty.9", nil},
	{"LAMBDA_NETWORK_LOGS", "GuardDuty.6", nil},
	{"RUNTIME_MONITORING", "GuardDuty.11", []string{"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"}},
}

// guardDutyRules judge the GuardDuty detectors the stack registers.
func guardDutyRules() []Rule {
	return []Rule{
		{ID: "guardduty-protection-plans", Controls: []string{"FSBP GuardDuty.1", "FSBP GuardDuty.5", "FSBP GuardDuty.6", "FSBP GuardDuty.7", "FSBP GuardDuty.8",
			"FSBP GuardDuty.9", "FSBP GuardDuty.10", "FSBP GuardDuty.11", "FSBP GuardDuty.12", "FSBP GuardDuty.13"}, Severity: Medium,
			Description: "GuardDuty detectors are enabled with every protection plan set by name; CreateDetector's defaults leave Runtime Monitoring off.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				for _, d := range g.ByType(restype.GuardDutyDetector) {
					fail := func(msg string, controls ...string) {
						var labels []string
						for _, c := range controls {
							labels = append(labels, "FSBP "+c)
						}
						out = append(out, Violation{URN: d.URN, Controls: labels, Message: fmt.Sprintf("%s %s: %s", shortType(d.Type), d.Name, msg)})
					}
					if d.Unknown("enable") {
						out = append(out, notJudged(d))
						continue
					}
					if v, set := d.Bool("enable"); set && !v {
						// A disabled detector fails GuardDuty.1 and every plan.
						out = append(out, Violation{URN: d.URN, Message: fmt.Sprintf("%s %s: is disabled; set enable: true", shortType(d.Type), d.Name)})
						continue
					}
					enabled := map[string]map[string]bool{}
					for _, f := range g.Dependents(d.URN, restype.GuardDutyDetectorFeature) {
						if f.Str("status") != "ENABLED" {
							continue
						}
						extra := map[string]bool{}
						for _, a := range f.List("additionalConfigurations") {
							m, _ := a.(map[string]any)
							if m["status"] == "ENABLED" {
								name, _ := m["name"].(string)
								extra[name] = true
							}
						}
						enabled[f.Str("name")] = extra
					}
					for _, p := range guardDutyPlans {
						extra, ok := enabled[p.name]
						controls := []string{p.control}
						if p.name == "RUNTIME_MONITORING" {
							// Without Runtime Monitoring no runtime
							// agent runs: GuardDuty.7, .12 and .13 fail too.
							controls = []string{"GuardDuty.7", "GuardDuty.11", "GuardDuty.12", "GuardDuty.13"}
						}
						if !ok {
							fail(p.name+" is not enabled by name ("+strings.Join(controls, ", ")+"); add a guardduty.DetectorFeature with status ENABLED", controls...)
							continue
						}
						for _, a := range p.additional {
							if !extra[a] {
								c := runtimeAgents[a]
								fail(p.name+" runs without "+a+" ("+c+"); enable it in additionalConfigurations", c)
							}
						}
					}
				}
				return out
			}},
	}
}

// alarmRules judge where the stack's alarms go.
func alarmRules() []Rule {
	return []Rule{
		// The CIS monitoring recommendations end with a subscriber on the
		// alarms' topic: an alarm nobody receives detects nothing.
		{ID: "alarm-topic-subscribed", Controls: []string{"CIS 4.1", "CIS 4.2", "CIS 4.3", "CIS 4.4", "CIS 4.5", "CIS 4.6", "CIS 4.7", "CIS 4.8", "CIS 4.9",
			"CIS 4.10", "CIS 4.11", "CIS 4.12", "CIS 4.13", "CIS 4.14", "CIS 4.15"}, Severity: Medium,
			Description: "Every SNS topic an alarm notifies has a subscriber.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				for _, t := range g.ByType(restype.SNSTopic) {
					alarms := len(g.Dependents(t.URN, restype.CloudWatchMetricAlarm))
					if alarms > 0 && len(g.Dependents(t.URN, restype.SNSTopicSubscription)) == 0 {
						out = append(out, Violation{URN: t.URN, Message: fmt.Sprintf("%s %s: notifies no one of its %d alarms; subscribe an address or endpoint (hardening:alerts)", shortType(t.Type), t.Name, alarms)})
					}
				}
				return out
			}},
	}
}
