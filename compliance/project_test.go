package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestELBTargetPortOpen(t *testing.T) {
	rule := ruleByID(t, "elb-target-port-open")
	// The load balancer's group lb and the app's group app, by id (the
	// offline plan) or by property dependency alone (a first preview).
	group := func(name, id string) Resource {
		r := res(restype.EC2SecurityGroup, name, map[string]any{})
		r.ID = id
		return r
	}
	lb := func(ids any) Resource {
		return withRefs(res(restype.LBLoadBalancer, "alb", map[string]any{"securityGroups": ids}), "securityGroups", "lb")
	}
	egress := func(group any, port float64) Resource {
		return withRefs(res(restype.VPCSecurityGroupEgressRule, "lb-to-app", map[string]any{"securityGroupId": group, "ipProtocol": "tcp", "fromPort": port, "toPort": port}), "securityGroupId", "lb")
	}
	ingress := func(group, from any, port float64) Resource {
		r := res(restype.VPCSecurityGroupIngressRule, "app-from-lb", map[string]any{"securityGroupId": group, "referencedSecurityGroupId": from, "ipProtocol": "tcp", "fromPort": port, "toPort": port})
		r = withRefs(r, "securityGroupId", "app")
		return withRefs(r, "referencedSecurityGroupId", "lb")
	}
	target := res(restype.LBTargetGroup, "app-targets", map[string]any{"port": 8443.0})
	unknown := Unknown{}
	runProjectCases(t, rule, []projectCase{
		{"the target port opened on both sides, by id", stackGraph(group("lb", "sg-1"), group("app", "sg-2"), lb([]any{"sg-1"}), egress("sg-1", 8443), ingress("sg-2", "sg-1", 8443), target), pass, ""},
		{"the egress rule on another port", stackGraph(group("lb", "sg-1"), group("app", "sg-2"), lb([]any{"sg-1"}), egress("sg-1", 8080), ingress("sg-2", "sg-1", 8443), target), fail, "which no egress rule of the load balancer's security groups opens"},
		{"the ingress rule on another port", stackGraph(group("lb", "sg-1"), group("app", "sg-2"), lb([]any{"sg-1"}), egress("sg-1", 8443), ingress("sg-2", "sg-1", 8080), target), fail, "which no security group admits"},
		{"a first preview: every id computed, the groups named by dependency", stackGraph(group("lb", ""), group("app", ""), lb([]any{unknown}), egress(unknown, 8443), ingress(unknown, unknown, 8443), target), pass, ""},
		{"a first preview with the egress rule on another port", stackGraph(group("lb", ""), group("app", ""), lb([]any{unknown}), egress(unknown, 8080), ingress(unknown, unknown, 8443), target), fail, "no egress rule"},
		{"a computed group with nothing to name it", stackGraph(group("lb", ""), group("app", ""), res(restype.LBLoadBalancer, "alb", map[string]any{"securityGroups": unknown}), egress(unknown, 8443), ingress(unknown, unknown, 8443), target), unjudged, ""},
	})
}

func TestNoPlaintextSecrets(t *testing.T) {
	rule := ruleByID(t, "no-plaintext-secrets")
	version := func(v any) Resource {
		return res(restype.SecretsManagerSecretVersion, "v", map[string]any{"secretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf", "secretString": v})
	}
	runProjectCases(t, rule, []projectCase{
		{"a secret value", stackGraph(version(Secret{Value: "hunter2"})), pass, ""},
		{"a secret value computed at deployment", stackGraph(version(Secret{Value: Unknown{}})), pass, ""},
		{"a value in plain text", stackGraph(version("hunter2")), fail, "input secretString is in plain text"},
		{"a value computed at deployment, its secrecy not told", stackGraph(version(Unknown{})), unjudged, ""},
		{"an input named like a password", stackGraph(res(restype.CognitoUserPoolClient, "c", map[string]any{"clientSecret": "s3cr3t"})), fail, "input clientSecret"},
		{"a reference whose name looks secret", stackGraph(res(restype.LambdaFunction, "f", map[string]any{"secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf"})), pass, ""},
	})
}
