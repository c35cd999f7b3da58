package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
)

// projectVerdict is the project's verdict on control of rule for a small
// graph: fail when a finding naming it fails, not judged when one is not
// judged, else pass.
func projectVerdict(t *testing.T, g *compliance.Graph, ruleID, control string) string {
	t.Helper()
	var rule *compliance.Rule
	for _, r := range compliance.Rules() {
		if r.ID == ruleID {
			rule = &r
		}
	}
	require.NotNil(t, rule, "no rule %s", ruleID)
	require.Contains(t, rule.Controls, control)
	rep, err := compliance.Evaluate(g, []compliance.Rule{*rule}, nil)
	require.NoError(t, err)
	out := pass
	for _, f := range rep.Findings {
		if len(f.Controls) > 0 && !contains(f.Controls, control) {
			continue
		}
		if !f.NotJudged {
			return fail
		}
		out = notJudged
	}
	return out
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// decision is a disagreement between Trivy and the project on one input,
// and the verdict the control's own logic gives (docs/scanner-reconciliation.md).
type decision struct {
	name          string
	rule, control string
	graph         *compliance.Graph
	trivy, want   string
}

func graph(rs ...compliance.Resource) *compliance.Graph {
	return &compliance.Graph{Resources: rs, Partition: "aws", Region: "us-east-1", Account: "123456789012"}
}

func sg(name string) compliance.Resource {
	return compliance.Resource{Type: restype.EC2SecurityGroup, Name: name, URN: "urn:" + name, ID: "sg-" + name,
		Inputs: map[string]any{"description": "tier " + name, "vpcId": "vpc-1"}}
}

func egress(name string, inputs map[string]any) compliance.Resource {
	in := map[string]any{"securityGroupId": "sg-lb", "description": "planted"}
	for k, v := range inputs {
		in[k] = v
	}
	return compliance.Resource{Type: restype.VPCSecurityGroupEgressRule, Name: name, URN: "urn:" + name, Inputs: in,
		PropertyDependencies: map[string][]string{"securityGroupId": {"urn:lb"}}}
}

func listener(policy string) compliance.Resource {
	in := map[string]any{"port": 443.0, "protocol": "HTTPS", "loadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1",
		"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/c",
		"defaultActions": []any{map[string]any{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}}}
	if policy != "" {
		in["sslPolicy"] = policy
	}
	return compliance.Resource{Type: restype.LBListener, Name: "https", URN: "urn:https", Inputs: in}
}

func bucket(name string) compliance.Resource {
	return compliance.Resource{Type: restype.S3BucketV2, Name: name, URN: "urn:" + name, ID: name + "-1",
		Inputs: map[string]any{"bucketPrefix": name + "-"}}
}

func publicAccessBlock(b string, acls bool) compliance.Resource {
	return compliance.Resource{Type: restype.S3BucketPublicAccessBlock, Name: b, URN: "urn:pab-" + b, Dependencies: []string{"urn:" + b},
		Inputs:               map[string]any{"bucket": b + "-1", "blockPublicAcls": acls, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true},
		PropertyDependencies: map[string][]string{"bucket": {"urn:" + b}}}
}

// logTargetPolicy grants the S3 logging service PutObject on the bucket,
// which Trivy's AVD-AWS-0089 takes as an exemption.
func logTargetPolicy(b string) compliance.Resource {
	return compliance.Resource{Type: restype.S3BucketPolicy, Name: b, URN: "urn:policy-" + b, Dependencies: []string{"urn:" + b},
		Inputs:               map[string]any{"bucket": b + "-1", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::` + b + `-1/*"}]}`},
		PropertyDependencies: map[string][]string{"bucket": {"urn:" + b}}}
}

// decisions are the disagreements the reconciliation found, each with
// the verdict of the control's logic; the project's rule must give it.
var decisions = []decision{
	{"HTTPS egress to 0.0.0.0/0 is not all-protocol egress (CKV_AWS_382 fails port -1 only)",
		"ec2-sg-no-open-egress", "CKV_AWS_382",
		graph(sg("lb"), egress("lb-to-idp", map[string]any{"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0"})),
		fail, pass},
	{"all-protocol egress to ::/0 fails CKV_AWS_382 as Trivy's AVD-AWS-0104 does",
		"ec2-sg-no-open-egress", "CKV_AWS_382",
		graph(sg("lb"), egress("lb-to-any", map[string]any{"ipProtocol": "-1", "cidrIpv6": "::/0"})),
		fail, fail},
	{"ELBSecurityPolicy-TLS13-1-2-2021-06 is not on ELB.17's list (Trivy's outdated list lacks it)",
		"elb-tls-policy", "FSBP ELB.17", graph(listener("ELBSecurityPolicy-TLS13-1-2-2021-06")), pass, fail},
	{"S3.8 needs all four public access block settings (Trivy's AVD-AWS-0094 asks only for the block)",
		"s3-public-access-blocked", "FSBP S3.8", graph(bucket("trail"), publicAccessBlock("trail", false)), pass, fail},
	{"all four settings on pass S3.8",
		"s3-public-access-blocked", "FSBP S3.8", graph(bucket("trail"), publicAccessBlock("trail", true)), pass, pass},
	{"S3.9 has no exemption for a log-target bucket (Trivy's AVD-AWS-0089 exempts one the logging service writes to)",
		"s3-access-logging", "FSBP S3.9", graph(bucket("access-logs"), logTargetPolicy("access-logs")), pass, fail},
	{"an unset TLS policy is ELBSecurityPolicy-2016-08, which both fail",
		"elb-tls-policy", "FSBP ELB.17", graph(listener("")), fail, fail},
}

func TestDisagreementsGetTheControlsVerdict(t *testing.T) {
	for _, d := range decisions {
		t.Run(d.name, func(t *testing.T) {
			assert.Equal(t, d.want, projectVerdict(t, d.graph, d.rule, d.control), "Trivy says %s", d.trivy)
		})
	}
}
