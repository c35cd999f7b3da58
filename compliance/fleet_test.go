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
	vpc.ID = "vpc-1"
	vpc2 := res(restype.EC2VPC, "vpc2", map[string]any{})
	const archiveBucket = "hardening-flow-logs-100000000003-us-east-1"
	flowLog := func(name, vpcID, typ, dest, traffic string) Resource {
		return res(restype.EC2FlowLog, name, map[string]any{"vpcId": vpcID, "logDestinationType": typ, "logDestination": dest, "trafficType": traffic})
	}
	central := flowLog("fl-central", "vpc-1", "s3", "arn:aws:s3:::"+archiveBucket, "ALL")
	local := flowLog("fl", "vpc-1", "cloud-watch-logs", "arn:aws:logs:us-east-1:2:log-group:/vpc/wl/flow-logs", "ALL")
	security := fleetStack("security-use1", "security", "100000000002", "us-east-1", orgTrail, orgGD, detector)
	archive := fleetStack("log-archive", "log-archive", "100000000003", "us-east-1",
		res(restype.S3BucketV2, "flow-logs", map[string]any{"bucket": archiveBucket}))
	workload := func(rs ...Resource) []FleetStack {
		return []FleetStack{archive, fleetStack("wl", "workload", "2", "us-east-1", rs...)}
	}
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
		{"flow logs kept in the member account", FleetFlowLogsToLogArchive, workload(vpc, local), []string{"no flow log of ALL traffic of VPC vpc reaches a bucket of the log-archive account 100000000003"}},
		{"flow logs delivered to the log archive", FleetFlowLogsToLogArchive, workload(vpc, local, central), nil},
		{"flow logs delivered under a prefix of the archive bucket", FleetFlowLogsToLogArchive,
			workload(vpc, flowLog("fl-central", "vpc-1", "s3", "arn:aws:s3:::"+archiveBucket+"/members/", "ALL")), nil},
		{"the VPC taken by reference, its id not known yet", FleetFlowLogsToLogArchive,
			workload(vpc2, withRefs(flowLog("fl-central", "", "s3", "arn:aws:s3:::"+archiveBucket, "ALL"), "vpcId", "vpc2")), nil},
		{"a bucket that carries the archive's account ID but is not its", FleetFlowLogsToLogArchive,
			workload(vpc, flowLog("fl-central", "vpc-1", "s3", "arn:aws:s3:::copy-of-100000000003-logs", "ALL")), []string{"VPC vpc"}},
		{"only rejected traffic reaches the archive", FleetFlowLogsToLogArchive,
			workload(vpc, flowLog("fl-central", "vpc-1", "s3", "arn:aws:s3:::"+archiveBucket, "REJECT")), []string{"VPC vpc"}},
		{"a Firehose stream of the archive account, not its bucket", FleetFlowLogsToLogArchive,
			workload(vpc, flowLog("fl-central", "vpc-1", "kinesis-data-firehose", "arn:aws:firehose:us-east-1:100000000003:deliverystream/flow-logs", "ALL")), []string{"VPC vpc"}},
		{"another VPC's flow log", FleetFlowLogsToLogArchive, workload(vpc, vpc2, central), []string{"VPC vpc2"}},
		{"no log-archive stack", FleetFlowLogsToLogArchive, []FleetStack{fleetStack("wl", "workload", "2", "us-east-1", vpc, central)},
			[]string{"the fleet has no log-archive stack"}},
		{"a workload stack without a VPC", FleetFlowLogsToLogArchive, workload(), nil},
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
