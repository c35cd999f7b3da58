package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network"
	"github.com/example/hardening/network/addressing"
)

func TestComponentTree(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		components := map[string]bool{}
		for _, r := range m.Resources() {
			if !r.Custom {
				components[r.URN] = true
			}
		}
		t.Run(stack+"/every resource is the child of one of the program's components", func(t *testing.T) {
			for _, r := range m.Resources() {
				if !r.Custom {
					if !strings.HasPrefix(r.Type, componentTypeScope) {
						t.Errorf("component %s has type %s, want the %s package", r.Name, r.Type, componentTypeScope)
					}
					continue
				}
				if !components[r.Parent] {
					t.Errorf("%s %s has parent %q, want a component", r.Type, r.Name, r.Parent)
				}
			}
		})
		t.Run(stack+"/every child is named from its component", func(t *testing.T) {
			for _, r := range m.Resources() {
				if !r.Custom {
					continue
				}
				parent := r.Parent[strings.LastIndex(r.Parent, "::")+2:]
				if r.Name != parent && !strings.HasPrefix(r.Name, parent+"-") {
					t.Errorf("%s %s is not named from its component %s", r.Type, r.Name, parent)
				}
			}
		})
		t.Run(stack+"/lookups happen once each", func(t *testing.T) {
			seen := map[string]int{}
			for _, tok := range m.Invokes() {
				seen[tok]++
			}
			for _, tok := range []string{
				"aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition",
				"aws:index/getRegion:getRegion", "aws:index/getAvailabilityZones:getAvailabilityZones",
			} {
				if seen[tok] != 1 {
					t.Errorf("%s invoked %d times, want once", tok, seen[tok])
				}
			}
		})
	}
}

func TestStatefulProtection(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		t.Run(stack+"/key and log groups protected and retained per protectStateful", func(t *testing.T) {
			stateful := append(m.ByType(restype.KMSKey), m.ByType(restype.CloudWatchLogGroup)...)
			if len(stateful) < 2 {
				t.Fatalf("%d stateful resources, want the key and the flow-log group at least", len(stateful))
			}
			for _, r := range stateful {
				if r.Protect != cfg.ProtectStateful || r.RetainOnDelete != cfg.ProtectStateful {
					t.Errorf("%s %s protect=%v retainOnDelete=%v, want %v", r.Type, r.Name, r.Protect, r.RetainOnDelete, cfg.ProtectStateful)
				}
			}
		})
	}
	t.Run("prod/protects its stateful resources", func(t *testing.T) {
		if !stackConfig(t, "prod").ProtectStateful {
			t.Error("prod sets protectStateful false")
		}
	})
}

func TestProdIsHardened(t *testing.T) {
	cfg := stackConfig(t, "prod")
	cases := []struct {
		name string
		ok   bool
		got  any
	}{
		{"at least 3 zones", cfg.Network.AZCount >= 3, cfg.Network.AZCount},
		{"one NAT gateway per zone", cfg.Network.NATGateways == addressing.NATPerZone, cfg.Network.NATGateways},
		{"flow logs kept at least a year", cfg.Network.FlowLogRetentionDays >= 365, cfg.Network.FlowLogRetentionDays},
		{"key deletion waits 30 days", cfg.KMS.DeletionWindowDays == 30, cfg.KMS.DeletionWindowDays},
		{"deleted secrets recoverable for 30 days", cfg.Secrets.RecoveryWindowDays == 30, cfg.Secrets.RecoveryWindowDays},
		{"rotation logs kept at least a year", cfg.Secrets.LogRetentionDays >= 365, cfg.Secrets.LogRetentionDays},
		{"alerts reach someone", len(cfg.Alerts.Emails)+len(cfg.Alerts.HTTPSEndpoints) > 0, cfg.Alerts},
	}
	for _, c := range cases {
		t.Run("prod/"+c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("prod has %v", c.got)
			}
		})
	}
}

func TestKMSKey(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		key := only(t, m, restype.KMSKey)
		t.Run(stack+"/rotation on with the configured period (KMS.4)", func(t *testing.T) {
			if v, _ := boolean(key, "enableKeyRotation"); !v {
				t.Error("enableKeyRotation off")
			}
			if got := num(key, "rotationPeriodInDays"); got != cfg.KMS.RotationPeriodDays {
				t.Errorf("rotationPeriodInDays %d, want %d", got, cfg.KMS.RotationPeriodDays)
			}
			if got := num(key, "deletionWindowInDays"); got != cfg.KMS.DeletionWindowDays {
				t.Errorf("deletionWindowInDays %d, want %d", got, cfg.KMS.DeletionWindowDays)
			}
		})
		t.Run(stack+"/lockout-check bypass unused (CKV2_AWS_64)", func(t *testing.T) {
			if v, _ := boolean(key, "bypassPolicyLockoutSafetyCheck"); v {
				t.Error("bypassPolicyLockoutSafetyCheck on")
			}
		})
		t.Run(stack+"/alias points at the key", func(t *testing.T) {
			aliases := m.ByType(restype.KMSAlias)
			if len(aliases) != 1 || str(aliases[0], "targetKeyId") != output(key, "keyId") {
				t.Errorf("aliases %d, want one targeting the key", len(aliases))
			}
		})
		doc := parsePolicy(t, key, "policy")
		t.Run(stack+"/no * principal in the key policy (CKV_AWS_33)", func(t *testing.T) {
			for _, s := range doc.Statement {
				if p := string(s.Principal); p == `"*"` || strings.Contains(p, `"*"`) || strings.Contains(p, `*"`) {
					t.Errorf("statement %s principal %s", s.Sid, p)
				}
			}
		})
		t.Run(stack+"/administrators cannot use the key; users cannot administer it", func(t *testing.T) {
			for _, s := range doc.Statement {
				admin, use := false, false
				for _, a := range s.Action {
					switch {
					case strings.HasPrefix(a, "kms:Encrypt"), strings.HasPrefix(a, "kms:Decrypt"), strings.HasPrefix(a, "kms:GenerateDataKey"), strings.HasPrefix(a, "kms:ReEncrypt"):
						use = true
					case a == "kms:Put*", a == "kms:ScheduleKeyDeletion", a == "kms:Disable*", a == "kms:Delete*":
						admin = true
					}
				}
				if admin && use {
					t.Errorf("statement %s both administers and uses the key: %v", s.Sid, s.Action)
				}
				if use && len(s.Condition) == 0 {
					t.Errorf("statement %s uses the key without a condition scoping the service", s.Sid)
				}
			}
		})
	}
}

func TestTwoNetworksDoNotCollide(t *testing.T) {
	s := loadStack(t, "dev")
	var vpcs [2]*network.VPC
	m, err := s.Run(func(ctx *pulumi.Context) error {
		for i, name := range []string{"blue", "green"} {
			v, err := network.NewVPC(ctx, name, &network.VPCArgs{
				CIDR:                     "10.40.0.0/16",
				AvailabilityZones:        []string{"us-east-1a", "us-east-1b"},
				LoadBalancerIngressCIDRs: []string{"0.0.0.0/0"},
				AppPort:                  8443,
				DatabasePort:             5432,
				FlowLogRetentionDays:     365,
				LogKeyARN:                pulumi.String("arn:aws:kms:us-east-1:123456789012:key/test"),
				PermissionsBoundary:      pulumi.String("arn:aws:iam::123456789012:policy/test-boundary"),
				Env:                      awsenv.Env{AccountID: mockaws.AccountID, Partition: "aws", Region: "us-east-1"},
			})
			if err != nil {
				return err
			}
			vpcs[i] = v
		}
		return nil
	})
	if err != nil {
		t.Fatalf("two networks in one program: %v", err)
	}
	for _, name := range []string{"blue", "green"} {
		if _, ok := m.Named(typeVpcComponent, name); !ok {
			t.Errorf("component %s not registered", name)
		}
	}
	if n := len(m.ByType(restype.EC2VPC)); n != 2 {
		t.Errorf("%d VPCs, want 2", n)
	}
}

func TestComponentOutputs(t *testing.T) {
	got := deployAndAwait(t, "prod", func(b *baseline.Baseline) map[string]pulumi.Output {
		return map[string]pulumi.Output{
			"vpcId":             b.Network.VPCID,
			"publicSubnetIds":   b.Network.PublicSubnetIDs,
			"privateSubnetIds":  b.Network.PrivateSubnetIDs,
			"isolatedSubnetIds": b.Network.IsolatedSubnetIDs,
			"lbSg":              b.Network.LoadBalancerSecurityGroupID,
			"appSg":             b.Network.AppSecurityGroupID,
			"dataSg":            b.Network.DataSecurityGroupID,
			"endpointSg":        b.Network.EndpointSecurityGroupID,
			"flowLogGroupName":  b.Network.FlowLogGroupName,
			"keyArn":            b.Key.KeyARN,
		}
	})
	cfg := stackConfig(t, "prod")
	for k, res := range got {
		t.Run("prod/output "+k, func(t *testing.T) {
			switch x := res.Value.(type) {
			case string:
				if x == "" {
					t.Error("empty")
				}
			case []string:
				if len(x) != cfg.Network.AZCount {
					t.Errorf("%d ids, want %d", len(x), cfg.Network.AZCount)
				}
			default:
				t.Errorf("unexpected %T %v", res.Value, res.Value)
			}
		})
	}
}

func TestBadConfigRegistersNothing(t *testing.T) {
	s := loadStack(t, "prod")
	s.Set("network", `{"cidr": "10.0.0.0/33", "azCount": 9}`)
	m, err := s.Run(baseline.Run)
	if err == nil {
		t.Fatal("run succeeded with a bad network config")
	}
	for _, want := range []string{`network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR`, "network.azCount: 9 is out of range"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not report %q", err, want)
		}
	}
	if n := len(m.Resources()); n != 0 {
		t.Errorf("%d resources registered before validation failed, want 0", n)
	}
}

func TestUnknownInvokeFailsLoudly(t *testing.T) {
	s := loadStack(t, "dev")
	_, err := s.Run(func(ctx *pulumi.Context) error {
		var out map[string]any
		return ctx.Invoke("aws:ec2/getAmi:getAmi", map[string]any{"mostRecent": true}, &out)
	})
	if err == nil || !strings.Contains(err.Error(), "unexpected invoke aws:ec2/getAmi:getAmi") {
		t.Errorf("error %v, want it to name the unknown invoke", err)
	}
}

func TestStackFiles(t *testing.T) {
	providers := map[string]string{}
	for _, stack := range stacks {
		s := loadStack(t, stack)
		t.Run(stack+"/states its region", func(t *testing.T) {
			if s.Region == "" {
				t.Error("aws:region unset")
			}
		})
		t.Run(stack+"/encrypts its secrets with its own KMS key", func(t *testing.T) {
			if !strings.HasPrefix(s.SecretsProvider, "awskms://alias/") || !strings.Contains(s.SecretsProvider, "-"+stack+"-") {
				t.Errorf("secretsprovider %q, want awskms://alias/<project>-%s-...", s.SecretsProvider, stack)
			}
			for other, p := range providers {
				if p == s.SecretsProvider {
					t.Errorf("%s shares its secrets provider with %s: a %s role could decrypt %s", stack, other, other, stack)
				}
			}
			providers[stack] = s.SecretsProvider
		})
	}
}
