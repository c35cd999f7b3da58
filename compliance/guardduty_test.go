package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

// detectorGraph is an enabled detector with every protection plan as
// features, less the features edit drops or changes.
func detectorGraph(detector map[string]any, edit func(fs map[string]map[string]any)) *Graph {
	fs := map[string]map[string]any{}
	for _, name := range []string{"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"} {
		fs[name] = map[string]any{"name": name, "status": "ENABLED"}
	}
	fs["RUNTIME_MONITORING"] = map[string]any{"name": "RUNTIME_MONITORING", "status": "ENABLED", "additionalConfigurations": []any{
		map[string]any{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"},
		map[string]any{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"},
		map[string]any{"name": "EC2_AGENT_MANAGEMENT", "status": "ENABLED"},
	}}
	if edit != nil {
		edit(fs)
	}
	g := graphOf(res(restype.GuardDutyDetector, "d", detector))
	for name, in := range fs {
		g.Resources = append(g.Resources, withRefs(res(restype.GuardDutyDetectorFeature, "f-"+name, in), "detectorId", "d"))
	}
	return g
}

func TestGuardDutyProtectionPlans(t *testing.T) {
	on := map[string]any{"enable": true}
	drop := func(names ...string) func(map[string]map[string]any) {
		return func(fs map[string]map[string]any) {
			for _, n := range names {
				delete(fs, n)
			}
		}
	}
	agent := func(name, status any) func(map[string]map[string]any) {
		return func(fs map[string]map[string]any) {
			for _, a := range fs["RUNTIME_MONITORING"]["additionalConfigurations"].([]any) {
				if m := a.(map[string]any); m["name"] == name {
					m["status"] = status
				}
			}
		}
	}
	status := func(name string, v any) func(map[string]map[string]any) {
		return func(fs map[string]map[string]any) { fs[name]["status"] = v }
	}
	disabled := detectorGraph(map[string]any{"enable": false}, nil)
	computed := detectorGraph(map[string]any{"enable": Unknown{}}, nil)
	var cases []ruleCase
	for _, ctl := range guardDutyProtectionPlans.Controls {
		cases = append(cases,
			ruleCase{"every plan " + ctl, ctl, detectorGraph(on, nil), pass},
			ruleCase{"disabled detector " + ctl, ctl, disabled, fail},
			ruleCase{"enable computed " + ctl, ctl, computed, unjudged})
	}
	// Each plan's own cases: missing, and its status computed.
	for _, p := range guardDutyPlans {
		ctl := "FSBP " + p.control
		if p.additional == "" {
			cases = append(cases,
				ruleCase{p.feature + " missing fails " + ctl, ctl, detectorGraph(on, drop(p.feature)), fail},
				ruleCase{p.feature + " DISABLED fails " + ctl, ctl, detectorGraph(on, status(p.feature, "DISABLED")), fail},
				ruleCase{p.feature + " status computed " + ctl, ctl, detectorGraph(on, status(p.feature, Unknown{})), unjudged})
			continue
		}
		cases = append(cases,
			ruleCase{p.additional + " disabled fails " + ctl, ctl, detectorGraph(on, agent(p.additional, "DISABLED")), fail},
			ruleCase{p.additional + " status computed " + ctl, ctl, detectorGraph(on, agent(p.additional, Unknown{})), unjudged})
	}
	runCases(t, guardDutyProtectionPlans, append(cases, []ruleCase{
		{"unset enable is enabled", "FSBP GuardDuty.1", detectorGraph(map[string]any{}, nil), pass},
		{"no Lambda protection leaves GuardDuty.1 passing", "FSBP GuardDuty.1", detectorGraph(on, drop("LAMBDA_NETWORK_LOGS")), pass},
		{"no S3 protection leaves GuardDuty.6 passing", "FSBP GuardDuty.6", detectorGraph(on, drop("S3_DATA_EVENTS")), pass},
		{"no EC2 agent leaves GuardDuty.12 passing", "FSBP GuardDuty.12", detectorGraph(on, agent("EC2_AGENT_MANAGEMENT", "DISABLED")), pass},
		{"no EC2 agent leaves GuardDuty.11 passing", "FSBP GuardDuty.11", detectorGraph(on, agent("EC2_AGENT_MANAGEMENT", "DISABLED")), pass},
		{"no Runtime Monitoring fails GuardDuty.13", "FSBP GuardDuty.13", detectorGraph(on, drop("RUNTIME_MONITORING")), fail},
		{"S3 protection by the detector's datasources", "FSBP GuardDuty.10", detectorGraph(map[string]any{"datasources": map[string]any{"s3Logs": map[string]any{"enable": true}}}, drop("S3_DATA_EVENTS")), pass},
		{"S3 datasource computed", "FSBP GuardDuty.10", detectorGraph(map[string]any{"datasources": map[string]any{"s3Logs": map[string]any{"enable": Unknown{}}}}, drop("S3_DATA_EVENTS")), unjudged},
		{"EKS audit logs by datasources", "FSBP GuardDuty.5", detectorGraph(map[string]any{"datasources": map[string]any{"kubernetes": map[string]any{"auditLogs": map[string]any{"enable": true}}}}, drop("EKS_AUDIT_LOGS")), pass},
		{"EBS malware protection datasource off", "FSBP GuardDuty.8", detectorGraph(map[string]any{"datasources": map[string]any{"malwareProtection": map[string]any{"scanEc2InstanceWithFindings": map[string]any{"ebsVolumes": map[string]any{"enable": false}}}}}, drop("EBS_MALWARE_PROTECTION")), fail},
		{"EKS runtime by the older EKS_RUNTIME_MONITORING feature", "FSBP GuardDuty.7", detectorGraph(on, func(fs map[string]map[string]any) {
			agent("EKS_ADDON_MANAGEMENT", "DISABLED")(fs)
			fs["EKS_RUNTIME_MONITORING"] = map[string]any{"name": "EKS_RUNTIME_MONITORING", "status": "ENABLED", "additionalConfigurations": []any{map[string]any{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}}}
		}), pass},
	}...))
}
