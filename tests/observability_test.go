package tests

import (
	"slices"
	"sort"
	"strings"
	"testing"

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
		if len(logs) != 1 {
			t.Fatalf("%s: %d flow logs, want 1 for the VPC (EC2.6)", stack, len(logs))
		}
		fl := logs[0]
		var group mockaws.Resource
		for _, g := range m.ByType(restype.CloudWatchLogGroup) {
			if output(g, "arn") == str(fl, "logDestination") {
				group = g
			}
		}
		key := m.ByType(restype.KMSKey)[0]
		t.Run(stack+"/flow log captures ALL traffic of the VPC (EC2.6)", func(t *testing.T) {
			if str(fl, "vpcId") != id(vpc) || str(fl, "trafficType") != "ALL" {
				t.Errorf("flow log on %s traffic %s, want the VPC %s and ALL", str(fl, "vpcId"), str(fl, "trafficType"), id(vpc))
			}
			if str(fl, "logDestinationType") != "cloud-watch-logs" || group.Name == "" {
				t.Errorf("flow log destination %s (%s), want a log group of this stack", str(fl, "logDestination"), str(fl, "logDestinationType"))
			}
		})
		t.Run(stack+"/log group encrypted with the stack's customer-managed key (CKV_AWS_158)", func(t *testing.T) {
			if str(group, "kmsKeyId") != output(key, "arn") {
				t.Errorf("kmsKeyId %q, want the stack key %v", str(group, "kmsKeyId"), output(key, "arn"))
			}
		})
		t.Run(stack+"/log group retention from config", func(t *testing.T) {
			if got := num(group, "retentionInDays"); got != cfg.Network.FlowLogRetentionDays {
				t.Errorf("retentionInDays %d, want %d", got, cfg.Network.FlowLogRetentionDays)
			}
		})
		t.Run(stack+"/role assumable only by this account's flow logs", func(t *testing.T) {
			role := roleByARN(t, m, str(fl, "iamRoleArn"))
			doc := parsePolicy(t, role, "assumeRolePolicy")
			if len(doc.Statement) != 1 {
				t.Fatalf("trust policy has %d statements, want 1", len(doc.Statement))
			}
			s := doc.Statement[0]
			if string(s.Principal) != `{"Service":["vpc-flow-logs.amazonaws.com"]}` {
				t.Errorf("principal %s, want only the flow-logs service", s.Principal)
			}
			if got := s.Condition["StringEquals"]["aws:SourceAccount"]; !slices.Equal(got, []string{mockaws.AccountID}) {
				t.Errorf("aws:SourceAccount %v, want %s", got, mockaws.AccountID)
			}
			if got := s.Condition["ArnLike"]["aws:SourceArn"]; len(got) != 1 || !strings.Contains(got[0], ":"+mockaws.AccountID+":vpc-flow-log/") {
				t.Errorf("aws:SourceArn %v, want this account's flow logs", got)
			}
		})
		t.Run(stack+"/role may write only to its log group", func(t *testing.T) {
			role := roleByARN(t, m, str(fl, "iamRoleArn"))
			var policies []mockaws.Resource
			for _, p := range m.ByType(restype.IAMRolePolicy) {
				if str(p, "role") == id(role) {
					policies = append(policies, p)
				}
			}
			if len(policies) != 1 {
				t.Fatalf("%d inline policies on the flow-log role, want 1", len(policies))
			}
			arn := output(group, "arn").(string)
			for _, s := range parsePolicy(t, policies[0], "policy").Statement {
				for _, r := range s.Resource {
					if r != arn && r != arn+":*" {
						t.Errorf("flow-log role reaches %s, want only %s", r, arn)
					}
				}
				for _, a := range s.Action {
					if !strings.HasPrefix(a, "logs:") || strings.Contains(a, "*") {
						t.Errorf("flow-log role action %s, want named logs actions", a)
					}
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
				t.Errorf("endpoint %s has type %q", ep.Name, str(ep, "vpcEndpointType"))
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
				if !slices.Equal(got, inner) {
					t.Errorf("%s on route tables %v, want %v", ep.Name, got, inner)
				}
			}
			slices.Sort(services)
			want := []string{"com.amazonaws." + region + ".dynamodb", "com.amazonaws." + region + ".s3"}
			if !slices.Equal(services, want) {
				t.Errorf("gateway endpoints %v, want %v", services, want)
			}
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
				if v, _ := boolean(ep, "privateDnsEnabled"); !v {
					t.Errorf("%s: private DNS off", ep.Name)
				}
				got := strs(ep, "subnetIds")
				sort.Strings(got)
				if !slices.Equal(got, private) {
					t.Errorf("%s in subnets %v, want the private ones %v", ep.Name, got, private)
				}
				if sgs := strs(ep, "securityGroupIds"); !slices.Equal(sgs, []string{endpointSG}) {
					t.Errorf("%s behind %v, want only the endpoint group %s", ep.Name, sgs, endpointSG)
				}
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
			if slices.ContainsFunc(cfg.Workloads, func(w stackconfig.Workload) bool { return w.Service == "ecs-tasks.amazonaws.com" }) &&
				(!slices.Contains(services, "ecr.api") || !slices.Contains(services, "ecr.dkr")) {
				t.Errorf("ECS tasks but endpoints %v lack ecr.api and ecr.dkr: no image pull", services)
			}
			slices.Sort(want)
			slices.Sort(services)
			if !slices.Equal(services, want) {
				t.Errorf("interface endpoints %v, want %v", services, want)
			}
		})
	}
}
