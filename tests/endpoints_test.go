package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network"
)

// prodEnv is where the mocks deploy prod.
var prodEnv = awsenv.Env{AccountID: mockaws.AccountID, Partition: "aws", Region: "us-east-1"}

// withEndpoint adds to g a VPC endpoint of svc shaped as the program
// makes it (a copy of prod's kms endpoint), with policy ("" for none), and
// returns its URN.
func withEndpoint(t *testing.T, g *compliance.Graph, svc, policy string) string {
	t.Helper()
	i := slices.IndexFunc(g.Resources, func(r compliance.Resource) bool {
		return r.Type == restype.EC2VPCEndpoint && strings.HasSuffix(r.Name, "-kms")
	})
	require.GreaterOrEqual(t, i, 0, "prod has no kms endpoint to copy")
	ep := g.Resources[i]
	ep.Name, ep.URN = strings.TrimSuffix(ep.Name, "kms")+svc, strings.TrimSuffix(ep.URN, "kms")+svc
	typ := string(awsname.Interface)
	if e, ok := awsname.LookupVPCEndpoint(svc); ok {
		typ = string(e.Type)
	}
	ep.Inputs = map[string]any{"serviceName": prodEnv.EndpointService(svc), "vpcEndpointType": typ}
	if policy != "" {
		ep.Inputs["policy"] = policy
	}
	g.Resources = append(g.Resources, ep)
	return ep.URN
}

// programPolicy is the endpoint policy the program sets for svc ("" for
// none).
func programPolicy(t *testing.T, svc string) string {
	t.Helper()
	doc, err := network.EndpointPolicy(svc, prodEnv)
	require.NoError(t, err)
	if doc == nil {
		return ""
	}
	s, err := doc.EndpointJSON(network.ECRLayerBucketARN(prodEnv))
	require.NoError(t, err)
	return s
}

func endpointFindings(t *testing.T, g *compliance.Graph, urn string) []string {
	t.Helper()
	rule, ok := compliance.Lookup("deploy-endpoint-access")
	require.True(t, ok)
	var got []string
	for _, v := range rule.Check(g) {
		if v.URN == urn {
			got = append(got, v.Message)
		}
	}
	return got
}

// TestEveryEndpointThePlanAcceptsPasses: for each endpoint the
// configuration accepts, the policy the program gives it (or none, where
// the service takes none) lets through what the workloads and AWS's
// services send through it, and stops other accounts.
func TestEveryEndpointThePlanAcceptsPasses(t *testing.T) {
	for _, e := range awsname.VPCEndpoints {
		t.Run(e.Name, func(t *testing.T) {
			g := graphOf(t, "prod")
			urn := withEndpoint(t, g, e.Name, programPolicy(t, e.Name))
			assert.Empty(t, endpointFindings(t, g, urn))
			if !e.Policy {
				assert.Empty(t, programPolicy(t, e.Name), "%s takes no endpoint policy; the program must set none", e.Name)
			}
		})
	}
}

// TestEndpointAccessRule: invented endpoints and policies, each with the
// finding the rule must make.
func TestEndpointAccessRule(t *testing.T) {
	const acct = mockaws.AccountID
	ours := `"Condition":{"StringEquals":{"aws:PrincipalAccount":"` + acct + `"}}`
	cases := []struct {
		name, svc, policy string
		want              string // "" for no finding
	}{
		{"S3 image layers only for this account's principals", "s3", policyJSON(
			`{"Sid":"ThisAccountOnly","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + acct + `","aws:ResourceAccount":"` + acct + `"}}},` +
				`{"Sid":"ImageLayersOfECR","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*",` + ours + `}`),
			"ECR's image-layer download (a URL ECR presigns, not this account's principal) (s3:GetObject on arn:aws:s3:::prod-us-east-1-starport-layer-bucket/sha256/layer as arn:aws:iam::000000000000:role/ecr) must be let through by its endpoint policy, but is implicit deny"},
		{"S3 open to every bucket", "s3", policyJSON(`{"Sid":"Any","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*",` + ours + `}`),
			"a workload writing to another account's bucket (s3:PutObject on arn:aws:s3:::attacker/object as arn:aws:iam::" + acct + ":role/workload) must be stopped by its endpoint policy, but is allow"},
		{"S3 layer bucket writable", "s3", policyJSON(
			`{"Sid":"ThisAccountOnly","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + acct + `","aws:ResourceAccount":"` + acct + `"}}},` +
				`{"Sid":"ImageLayersOfECR","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"}`),
			"a write to ECR's image-layer bucket"},
		{"the program's S3 policy", "s3", programPolicy(t, "s3"), ""},
		{"CloudWatch by its endpoint's name", "monitoring", policyJSON(`{"Sid":"ThisAccountOnly","Effect":"Allow","Principal":"*","Action":"monitoring:*","Resource":"*",` + ours + `}`),
			"a workload's PutMetricData (cloudwatch:PutMetricData on * as arn:aws:iam::" + acct + ":role/workload) must be let through by its endpoint policy, but is implicit deny"},
		{"Kinesis by its endpoint's name", "kinesis-streams", policyJSON(`{"Sid":"ThisAccountOnly","Effect":"Allow","Principal":"*","Action":"kinesis-streams:*","Resource":"*",` + ours + `}`),
			"a workload's PutRecord"},
		{"the program's CloudWatch policy", "monitoring", programPolicy(t, "monitoring"), ""},
		{"a policy on an endpoint that takes none", "ecs-agent", policyJSON(`{"Sid":"ThisAccountOnly","Effect":"Allow","Principal":"*","Action":"ecs:*","Resource":"*",` + ours + `}`),
			"ecs-agent takes no custom endpoint policy"},
		{"no policy where one is taken", "kms", "", "has no endpoint policy: the default allows every principal"},
		{"a service the catalogue does not know", "frobnicate", policyJSON(`{"Sid":"X","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*",` + ours + `}`),
			`service "com.amazonaws.us-east-1.frobnicate" is not in internal/awsname.VPCEndpoints`},
		{"another account let through", "secretsmanager", policyJSON(`{"Sid":"Any","Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalAccount":"*"}}}`),
			"another account's credentials calling secretsmanager:"},
		{"the rotation function's random password refused", "secretsmanager", policyJSON(`{"Sid":"Secrets","Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:us-east-1:` + acct + `:secret:*",` + ours + `}`),
			"the rotation function's GetRandomPassword"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := graphOf(t, "prod")
			got := endpointFindings(t, g, withEndpoint(t, g, c.svc, c.policy))
			if c.want == "" {
				assert.Empty(t, got)
				return
			}
			require.NotEmpty(t, got, "want a finding containing %q", c.want)
			assert.True(t, slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, c.want) }), "findings %v, want one containing %q", got, c.want)
		})
	}
}

// TestEndpointPoliciesByName: endpoints whose name is not their IAM prefix
// pass their calls, and one whose service takes no policy gets none (the
// program run with them in network.interfaceEndpoints).
func TestEndpointPoliciesByName(t *testing.T) {
	s := loadStack(t, "prod")
	setField(t, s, "network", "interfaceEndpoints", []string{"secretsmanager", "kms", "logs", "sts", "monitoring", "kinesis-streams", "ecs-agent"})
	m, err := s.Run(baseline.Run)
	require.NoError(t, err)
	role := "arn:aws:iam::" + mockaws.AccountID + ":role/hardening-prod-app"
	endpoint := func(svc string) mockaws.Resource {
		return find(t, m, restype.EC2VPCEndpoint, svc, func(r mockaws.Resource) bool { return str(r, "serviceName") == prodEnv.EndpointService(svc) })
	}
	checkAccess(t, str(endpoint("monitoring"), "policy"), []access{
		{"a workload puts metrics through the CloudWatch endpoint", principal(role, "cloudwatch:PutMetricData", "*", "aws:PrincipalAccount", mockaws.AccountID), true},
	})
	checkAccess(t, str(endpoint("kinesis-streams"), "policy"), []access{
		{"a workload writes to a stream through the Kinesis endpoint", principal(role, "kinesis:PutRecord", "arn:aws:kinesis:us-east-1:"+mockaws.AccountID+":stream/s", "aws:PrincipalAccount", mockaws.AccountID), true},
	})
	assert.Nil(t, input(endpoint("ecs-agent"), "policy"), "ecs-agent takes no endpoint policy: CreateVpcEndpoint refuses one")
}

// TestConfigurationsThatWouldNotServe: the program refuses, before
// registering anything, a stack whose rotation has no route to Secrets
// Manager, and one whose target group port no rule opens; each error
// names the key.
func TestConfigurationsThatWouldNotServe(t *testing.T) {
	cases := []struct {
		name  string
		key   string
		value any
		field string
		want  string
	}{
		{"rotation without the Secrets Manager endpoint", "network", []string{"kms", "logs", "sts"}, "interfaceEndpoints",
			`network.interfaceEndpoints: has no "secretsmanager", the only route to Secrets Manager from the private subnets, and secrets.inventory[0] (app-db-password) is rotated by the rotation function`},
		{"a target port the network does not open", "tls", 9443, "targetPort",
			"tls.targetPort: 9443 differs from network.appPort 8443"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := loadStack(t, "prod")
			setField(t, s, c.key, c.field, c.value)
			m, err := s.Run(baseline.Run)
			require.ErrorContains(t, err, c.want)
			assert.Empty(t, m.ByType(restype.EC2VPC), "nothing is registered before the configuration validates")
		})
	}
}

// TestWorkloadEndpointsAreKnown: the endpoints the program adds for a kind
// of workload are in the catalogue, so their policies come from data.
func TestWorkloadEndpointsAreKnown(t *testing.T) {
	for service, endpoints := range baseline.WorkloadEndpoints {
		for _, e := range endpoints {
			assert.NoError(t, awsname.InterfaceEndpoint(e), "%s needs %s", service, e)
		}
	}
}
