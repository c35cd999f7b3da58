package compliance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/internal/restype"
)

// projectCase is one row of a table test for a rule of the project's own
// (no public control): want is pass, fail with a message containing msg,
// or not judged.
type projectCase struct {
	name  string
	graph *Graph
	want  verdict
	msg   string
}

func runProjectCases(t *testing.T, rule Rule, cases []projectCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, verdictOf(t, rule, c.graph, ""))
			if c.msg != "" {
				var msgs []string
				for _, v := range rule.Check(c.graph) {
					msgs = append(msgs, v.Message)
				}
				assert.Contains(t, strings.Join(msgs, "\n"), c.msg)
			}
		})
	}
}

// urned is r with an URN of the engine's shape, for rules that read the
// type out of a dependency's URN; deps name such resources.
func urned(r Resource, deps ...Resource) Resource {
	r.URN = "urn:pulumi:prod::hardening::" + r.Type + "::" + r.Name
	for _, d := range deps {
		r.Dependencies = append(r.Dependencies, d.URN)
	}
	return r
}

func stackGraph(rs ...Resource) *Graph {
	return &Graph{Partition: "aws", Region: "us-east-1", Account: "123456789012", Resources: rs}
}

func policyOf(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// bigPolicy is a managed policy of about n characters without white space.
func bigPolicy(n int) string {
	return policyOf(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", n) + `/*"}`)
}

func TestDeployIAMPolicySize(t *testing.T) {
	trust := policyOf(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`)
	runProjectCases(t, deployIAMPolicySize, []projectCase{
		{"a managed policy of 6,000 characters", stackGraph(res(restype.IAMPolicy, "p", map[string]any{"policy": bigPolicy(6000)})), pass, ""},
		{"a managed policy of 6,200 characters", stackGraph(res(restype.IAMPolicy, "p", map[string]any{"policy": bigPolicy(6200)})), fail, "over IAM's quota of 6144"},
		{"a trust policy of 2,100 characters", stackGraph(res(restype.IAMRole, "r", map[string]any{"assumeRolePolicy": policyOf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/` + strings.Repeat("r", 2100) + `"},"Action":"sts:AssumeRole"}`)})), fail, "over IAM's quota of 2048"},
		{"two inline policies that fit alone and not together", stackGraph(res(restype.IAMRole, "r", map[string]any{"assumeRolePolicy": trust, "inlinePolicies": []any{
			map[string]any{"name": "a", "policy": bigPolicy(5200)}, map[string]any{"name": "b", "policy": bigPolicy(5200)}}})), fail, "10240"},
		{"a managed policy computed at deployment", stackGraph(res(restype.IAMPolicy, "p", map[string]any{"policy": Unknown{}})), unjudged, ""},
	})
}

func TestDeployEC2Description(t *testing.T) {
	runProjectCases(t, deployEC2Description, []projectCase{
		{"letters, digits and the accepted punctuation", stackGraph(res(restype.EC2SecurityGroup, "sg", map[string]any{"description": "App tier (port 8443): from the load balancer #1"})), pass, ""},
		{"an apostrophe", stackGraph(res(restype.VPCSecurityGroupIngressRule, "in", map[string]any{"description": "the app's port"})), fail, "EC2 accepts only"},
		{"256 characters", stackGraph(res(restype.EC2SecurityGroup, "sg", map[string]any{"description": strings.Repeat("x", 256)})), fail, "EC2 accepts at most 255"},
		{"an inline rule's description", stackGraph(res(restype.EC2SecurityGroup, "sg", map[string]any{"description": "ok", "ingress": []any{map[string]any{"description": "naïve"}}})), fail, "ingress:"},
		{"a description computed at deployment", stackGraph(res(restype.EC2SecurityGroup, "sg", map[string]any{"description": Unknown{}})), unjudged, ""},
	})
}

func TestDeployOrdering(t *testing.T) {
	igw := res(restype.EC2InternetGateway, "igw", map[string]any{})
	route := res(restype.EC2Route, "route", map[string]any{"destinationCidrBlock": "0.0.0.0/0", "gatewayId": Unknown{}})
	lb := func(deps ...string) Resource { return res(restype.LBLoadBalancer, "lb", map[string]any{}, deps...) }
	runProjectCases(t, deployOrdering, []projectCase{
		{"the load balancer after the gateway and the route (the gateway id unknown)", stackGraph(igw, route, lb("igw", "route")), pass, ""},
		{"the load balancer without the gateway", stackGraph(igw, route, lb("route")), fail, "created without waiting for the internet gateway"},
		{"the load balancer without the public route", stackGraph(igw, route, lb("igw")), fail, "route to the internet gateway"},
	})
}

func TestDeployAWSNames(t *testing.T) {
	runProjectCases(t, deployAWSNames, []projectCase{
		{"a log group name of its pattern", stackGraph(res(restype.CloudWatchLogGroup, "lg", map[string]any{"name": "/cloudtrail/hardening-prod"})), pass, ""},
		{"a log group name with a space", stackGraph(res(restype.CloudWatchLogGroup, "lg", map[string]any{"name": "/cloudtrail/hardening prod"})), fail, "does not match logs.LogGroupName's pattern"},
		{"a web ACL rule's metric name with a space", stackGraph(res(restype.WAFv2WebACL, "acl", map[string]any{"rules": []any{map[string]any{"visibilityConfig": map[string]any{"metricName": "rate limit"}}}})), fail, "wafv2.MetricName"},
		{"a log group name computed at deployment", stackGraph(res(restype.CloudWatchLogGroup, "lg", map[string]any{"name": Unknown{}})), unjudged, ""},
	})
}

func TestDeployIAMPolicyLint(t *testing.T) {
	runProjectCases(t, deployIAMPolicyLint, []projectCase{
		{"an action of the SAR on its resource type", stackGraph(res(restype.IAMPolicy, "p", map[string]any{"policy": policyOf(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)})), pass, ""},
		{"an action that does not exist", stackGraph(res(restype.IAMPolicy, "p", map[string]any{"policy": policyOf(`{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}`)})), fail, "s3:GetObjects"},
		{"not a policy document", stackGraph(res(restype.IAMPolicy, "p", map[string]any{"policy": "{"})), fail, "is not a policy document"},
		{"a policy computed at deployment", stackGraph(res(restype.IAMPolicy, "p", map[string]any{"policy": Unknown{}})), unjudged, ""},
	})
}

func TestDriftRefreshStable(t *testing.T) {
	secret := urned(res(restype.SecretsManagerSecret, "s", map[string]any{}))
	runProjectCases(t, driftRefreshStable, []projectCase{
		{"a key with environment variables", stackGraph(res(restype.LambdaFunction, "fn", map[string]any{"kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k", "environment": map[string]any{"variables": map[string]any{"A": "b"}}})), pass, ""},
		{"a key without environment variables", stackGraph(res(restype.LambdaFunction, "fn", map[string]any{"kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"})), fail, "sets kmsKeyArn without environment variables"},
		{"a version of a rotated secret", stackGraph(secret, urned(res(restype.SecretsManagerSecretRotation, "rot", map[string]any{}), secret),
			urned(res(restype.SecretsManagerSecretVersion, "v", map[string]any{}), secret)), fail, "writes a value of a secret the rotation function rotates"},
		{"a version of a secret nobody rotates", stackGraph(secret, urned(res(restype.SecretsManagerSecretVersion, "v", map[string]any{}), secret)), pass, ""},
	})
}
