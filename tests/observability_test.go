package tests

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/stackconfig"
)

func TestFlowLogs(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		vpc := m.ByType(restype.EC2VPC)[0]
		logs := m.ByType(restype.EC2FlowLog)
		require.Len(t, logs, 1, "%s: flow logs, want 1 for the VPC (EC2.6)", stack)
		fl := logs[0]
		var group mockaws.Resource
		for _, g := range m.ByType(restype.CloudWatchLogGroup) {
			if output(g, "arn") == str(fl, "logDestination") {
				group = g
			}
		}
		key := m.ByType(restype.KMSKey)[0]
		t.Run(stack+"/flow log captures ALL traffic of the VPC (EC2.6)", func(t *testing.T) {
			assert.Equal(t, id(vpc), str(fl, "vpcId"), "flow log VPC")
			assert.Equal(t, "ALL", str(fl, "trafficType"), "flow log traffic")
			assert.Equal(t, "cloud-watch-logs", str(fl, "logDestinationType"), "flow log destination %s: want a log group of this stack", str(fl, "logDestination"))
			assert.NotEmpty(t, group.Name, "flow log destination %s (%s), want a log group of this stack", str(fl, "logDestination"), str(fl, "logDestinationType"))
		})
		t.Run(stack+"/log group encrypted with the stack's customer-managed key (CKV_AWS_158)", func(t *testing.T) {
			assert.Equal(t, output(key, "arn"), str(group, "kmsKeyId"), "kmsKeyId: want the stack key")
		})
		t.Run(stack+"/log group retention from config", func(t *testing.T) {
			assert.Equal(t, cfg.Network.FlowLogRetentionDays, num(group, "retentionInDays"), "retentionInDays")
		})
		t.Run(stack+"/role assumable only by this account's flow logs", func(t *testing.T) {
			role := roleByARN(t, m, str(fl, "iamRoleArn"))
			doc := parsePolicy(t, role, "assumeRolePolicy")
			require.Len(t, doc.Statement, 1, "trust policy statements")
			s := doc.Statement[0]
			assert.Equal(t, `{"Service":["vpc-flow-logs.amazonaws.com"]}`, string(s.Principal), "principal: want only the flow-logs service")
			assert.Equal(t, []string{accountOf(stack)}, s.Condition["StringEquals"]["aws:SourceAccount"], "aws:SourceAccount")
			got := s.Condition["ArnLike"]["aws:SourceArn"]
			require.Len(t, got, 1, "aws:SourceArn %v, want this account's flow logs", got)
			assert.Contains(t, got[0], ":"+accountOf(stack)+":vpc-flow-log/", "aws:SourceArn: want this account's flow logs")
		})
		t.Run(stack+"/role may write only to its log group", func(t *testing.T) {
			role := roleByARN(t, m, str(fl, "iamRoleArn"))
			var policies []mockaws.Resource
			for _, p := range m.ByType(restype.IAMRolePolicy) {
				if str(p, "role") == id(role) {
					policies = append(policies, p)
				}
			}
			require.Len(t, policies, 1, "inline policies on the flow-log role")
			arn := output(group, "arn").(string)
			for _, s := range parsePolicy(t, policies[0], "policy").Statement {
				for _, r := range s.Resource {
					assert.Contains(t, []string{arn, arn + ":*"}, r, "flow-log role reaches %s, want only %s", r, arn)
				}
				for _, a := range s.Action {
					assert.True(t, strings.HasPrefix(a, "logs:"), "flow-log role action %s, want named logs actions", a)
					assert.NotContains(t, a, "*", "flow-log role action %s, want named logs actions", a)
				}
			}
		})
	}
}

func roleByARN(t *testing.T, m *mockaws.Mocks, arn string) mockaws.Resource {
	t.Helper()
	return find(t, m, restype.IAMRole, "with ARN "+arn, func(r mockaws.Resource) bool { return output(r, "arn") == arn })
}

func TestEndpoints(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		region := loadStack(t, stack).Region
		tiers := subnetsByTier(t, m)
		var gateway, iface []mockaws.Resource
		for _, ep := range m.ByType(restype.EC2VPCEndpoint) {
			switch str(ep, "vpcEndpointType") {
			case "Gateway":
				gateway = append(gateway, ep)
			case "Interface":
				iface = append(iface, ep)
			default:
				assert.Failf(t, "unknown endpoint type", "endpoint %s has type %q", ep.Name, str(ep, "vpcEndpointType"))
			}
		}
		// The route tables of the private and isolated subnets.
		tableOf := map[string]string{}
		for _, a := range m.ByType(restype.EC2RouteTableAssociation) {
			tableOf[str(a, "subnetId")] = str(a, "routeTableId")
		}
		var inner []string
		for _, tier := range []string{"private", "isolated"} {
			for _, s := range tiers[tier] {
				inner = append(inner, tableOf[id(s)])
			}
		}
		slices.Sort(inner)
		inner = slices.Compact(inner)
		t.Run(stack+"/S3 and DynamoDB gateway endpoints on private and isolated route tables", func(t *testing.T) {
			var services []string
			for _, ep := range gateway {
				services = append(services, str(ep, "serviceName"))
				got := strs(ep, "routeTableIds")
				sort.Strings(got)
				assert.ElementsMatch(t, inner, got, "%s route tables", ep.Name)
			}
			slices.Sort(services)
			want := []string{"com.amazonaws." + region + ".dynamodb", "com.amazonaws." + region + ".s3"}
			assert.ElementsMatch(t, want, services, "gateway endpoints")
		})
		t.Run(stack+"/interface endpoints with private DNS in the private subnets behind the endpoint group", func(t *testing.T) {
			var private []string
			for _, s := range tiers["private"] {
				private = append(private, id(s))
			}
			sort.Strings(private)
			var endpointSG string
			for _, sg := range m.ByType(restype.EC2SecurityGroup) {
				if strings.HasSuffix(sg.Name, "-endpoints") {
					endpointSG = id(sg)
				}
			}
			var services []string
			for _, ep := range iface {
				services = append(services, strings.TrimPrefix(str(ep, "serviceName"), "com.amazonaws."+region+"."))
				v, _ := boolean(ep, "privateDnsEnabled")
				assert.True(t, v, "%s: private DNS off", ep.Name)
				got := strs(ep, "subnetIds")
				sort.Strings(got)
				assert.ElementsMatch(t, private, got, "%s subnets: want the private ones", ep.Name)
				assert.Equal(t, []string{endpointSG}, strs(ep, "securityGroupIds"), "%s security groups: want only the endpoint group", ep.Name)
			}
			// The configured endpoints, and what the declared workloads need
			// without internet access: ECS tasks pull from ECR.
			want := slices.Clone(cfg.Network.InterfaceEndpoints)
			for _, w := range cfg.Workloads {
				for _, svc := range baseline.WorkloadEndpoints[w.Service] {
					if !slices.Contains(want, svc) {
						want = append(want, svc)
					}
				}
			}
			if slices.ContainsFunc(cfg.Workloads, func(w stackconfig.Workload) bool { return w.Service == "ecs-tasks.amazonaws.com" }) {
				assert.Contains(t, services, "ecr.api", "ECS tasks but endpoints %v lack ecr.api and ecr.dkr: no image pull", services)
				assert.Contains(t, services, "ecr.dkr", "ECS tasks but endpoints %v lack ecr.api and ecr.dkr: no image pull", services)
			}
			slices.Sort(want)
			slices.Sort(services)
			assert.ElementsMatch(t, want, services, "interface endpoints")
		})
	}
}
