package compliance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/internal/restype"
)

func fleetStack(name, kind, account, region string, rs ...Resource) FleetStack {
	return FleetStack{Name: name, Kind: kind, Account: account, Region: region, Graph: &Graph{Resources: rs}}
}

func TestFleetRules(t *testing.T) {
	orgTrail := res(restype.CloudTrailTrail, "org", map[string]any{"isOrganizationTrail": true})
	orgGD := res(restype.GuardDutyOrganizationConfiguration, "gd", map[string]any{"autoEnableOrganizationMembers": "ALL"})
	detector := res(restype.GuardDutyDetector, "det", map[string]any{})
	vpc := res(restype.EC2VPC, "vpc", map[string]any{})
	central := res(restype.EC2FlowLog, "fl", map[string]any{"logDestinationType": "s3", "logDestination": "arn:aws:s3:::hardening-flow-logs-100000000003-us-east-1"})
	local := res(restype.EC2FlowLog, "fl", map[string]any{"logDestinationType": "cloud-watch-logs"})
	security := fleetStack("security-use1", "security", "100000000002", "us-east-1", orgTrail, orgGD, detector)
	archive := fleetStack("log-archive", "log-archive", "100000000003", "us-east-1")
	for _, tc := range []struct {
		name   string
		rule   FleetRule
		stacks []FleetStack
		want   []string
	}{
		{"password policy from two stacks of one account", FleetAccountWideOnce, []FleetStack{
			fleetStack("a", "bootstrap", "1", "us-east-1", res(restype.IAMAccountPasswordPolicy, "p1", nil)),
			fleetStack("b", "workload", "1", "us-west-2", res(restype.IAMAccountPasswordPolicy, "p2", nil)),
		}, []string{"iam.AccountPasswordPolicy in account 1 is also created by stack a"}},
		{"password policy once per account", FleetAccountWideOnce, []FleetStack{
			fleetStack("a", "bootstrap", "1", "us-east-1", res(restype.IAMAccountPasswordPolicy, "p1", nil)),
			fleetStack("b", "bootstrap", "2", "us-east-1", res(restype.IAMAccountPasswordPolicy, "p2", nil)),
		}, nil},
		{"detectors in two regions of one account", FleetAccountWideOnce, []FleetStack{
			fleetStack("a", "security", "1", "us-east-1", detector), fleetStack("b", "security", "1", "us-west-2", detector),
		}, nil},
		{"two detectors in one account and region", FleetAccountWideOnce, []FleetStack{
			fleetStack("a", "security", "1", "us-east-1", detector), fleetStack("b", "workload", "1", "us-east-1", detector),
		}, []string{"guardduty.Detector in account 1 is also created by stack a"}},
		{"one organization trail", FleetOneOrganizationTrail, []FleetStack{security, archive}, nil},
		{"no organization trail", FleetOneOrganizationTrail, []FleetStack{archive}, []string{"no stack creates an organization trail"}},
		{"two organization trails", FleetOneOrganizationTrail, []FleetStack{security, fleetStack("org", "org", "1", "us-east-1", orgTrail)}, []string{"2 organization trails"}},
		{"member detector where the organization manages GuardDuty", FleetNoMemberDetector, []FleetStack{security, fleetStack("wl", "workload", "2", "us-east-1", detector)}, []string{"a GuardDuty detector in member account 2"}},
		{"the administrator's own detector", FleetNoMemberDetector, []FleetStack{security}, nil},
		{"member detector without organization GuardDuty", FleetNoMemberDetector, []FleetStack{fleetStack("wl", "workload", "2", "us-east-1", detector)}, nil},
		{"flow logs kept in the member account", FleetFlowLogsToLogArchive, []FleetStack{archive, fleetStack("wl", "workload", "2", "us-east-1", vpc, local)}, []string{"no flow log of the VPC reaches the log-archive account 100000000003"}},
		{"flow logs delivered to the log archive", FleetFlowLogsToLogArchive, []FleetStack{archive, fleetStack("wl", "workload", "2", "us-east-1", vpc, local, central)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := EvaluateFleet(tc.stacks, []FleetRule{tc.rule})
			var got []string
			for _, v := range vs {
				got = append(got, v.Message)
			}
			assert.Len(t, got, len(tc.want), "violations: %v", got)
			for i, w := range tc.want {
				if i < len(got) {
					assert.Contains(t, got[i], w)
				}
			}
		})
	}
}
