package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
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
					assert.True(t, strings.HasPrefix(r.Type, componentTypeScope), "component %s has type %s, want the %s package", r.Name, r.Type, componentTypeScope)
					continue
				}
				assert.True(t, components[r.Parent], "%s %s has parent %q, want a component", r.Type, r.Name, r.Parent)
			}
		})
		t.Run(stack+"/every child is named from its component", func(t *testing.T) {
			for _, r := range m.Resources() {
				if !r.Custom {
					continue
				}
				parent := r.Parent[strings.LastIndex(r.Parent, "::")+2:]
				assert.True(t, r.Name == parent || strings.HasPrefix(r.Name, parent+"-"), "%s %s is not named from its component %s", r.Type, r.Name, parent)
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
				assert.Equal(t, 1, seen[tok], "%s invocations, want once", tok)
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
			require.GreaterOrEqual(t, len(stateful), 2, "stateful resources: want the key and the flow-log group at least")
			for _, r := range stateful {
				assert.Equal(t, cfg.ProtectStateful, r.Protect, "%s %s protect", r.Type, r.Name)
				assert.Equal(t, cfg.ProtectStateful, r.RetainOnDelete, "%s %s retainOnDelete", r.Type, r.Name)
			}
		})
	}
	t.Run("prod/protects its stateful resources", func(t *testing.T) {
		assert.True(t, stackConfig(t, "prod").ProtectStateful, "prod sets protectStateful false")
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
			assert.True(t, c.ok, "prod has %v", c.got)
		})
	}
}

func TestKMSKey(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		key := only(t, m, restype.KMSKey)
		t.Run(stack+"/rotation on with the configured period (KMS.4)", func(t *testing.T) {
			v, _ := boolean(key, "enableKeyRotation")
			assert.True(t, v, "enableKeyRotation off")
			assert.Equal(t, cfg.KMS.RotationPeriodDays, num(key, "rotationPeriodInDays"), "rotationPeriodInDays")
			assert.Equal(t, cfg.KMS.DeletionWindowDays, num(key, "deletionWindowInDays"), "deletionWindowInDays")
		})
		t.Run(stack+"/lockout-check bypass unused (CKV2_AWS_64)", func(t *testing.T) {
			v, _ := boolean(key, "bypassPolicyLockoutSafetyCheck")
			assert.False(t, v, "bypassPolicyLockoutSafetyCheck on")
		})
		t.Run(stack+"/alias points at the key", func(t *testing.T) {
			aliases := m.ByType(restype.KMSAlias)
			require.Len(t, aliases, 1, "aliases: want one targeting the key")
			assert.Equal(t, output(key, "keyId"), str(aliases[0], "targetKeyId"), "the alias targets the key")
		})
		doc := parsePolicy(t, key, "policy")
		t.Run(stack+"/no * principal in the key policy (CKV_AWS_33)", func(t *testing.T) {
			for _, s := range doc.Statement {
				p := string(s.Principal)
				assert.NotContains(t, p, `"*"`, "statement %s principal %s", s.Sid, p)
				assert.NotContains(t, p, `*"`, "statement %s principal %s", s.Sid, p)
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
				assert.False(t, admin && use, "statement %s both administers and uses the key: %v", s.Sid, s.Action)
				if use {
					assert.NotEmpty(t, s.Condition, "statement %s uses the key without a condition scoping the service", s.Sid)
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
	require.NoError(t, err, "two networks in one program")
	for _, name := range []string{"blue", "green"} {
		_, ok := m.Named(typeVpcComponent, name)
		assert.True(t, ok, "component %s not registered", name)
	}
	assert.Len(t, m.ByType(restype.EC2VPC), 2, "VPCs")
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
				assert.NotEmpty(t, x, "empty")
			case []string:
				assert.Len(t, x, cfg.Network.AZCount, "ids")
			default:
				assert.Failf(t, "unexpected output type", "unexpected %T %v", res.Value, res.Value)
			}
		})
	}
}

func TestBadConfigRegistersNothing(t *testing.T) {
	s := loadStack(t, "prod")
	s.Set("network", `{"cidr": "10.0.0.0/33", "azCount": 9}`)
	m, err := s.Run(baseline.Run)
	require.Error(t, err, "run succeeded with a bad network config")
	for _, want := range []string{`network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR`, "network.azCount: 9 is out of range"} {
		assert.ErrorContains(t, err, want)
	}
	assert.Empty(t, m.Resources(), "resources registered before validation failed")
}

func TestUnknownInvokeFailsLoudly(t *testing.T) {
	s := loadStack(t, "dev")
	_, err := s.Run(func(ctx *pulumi.Context) error {
		var out map[string]any
		return ctx.Invoke("aws:ec2/getAmi:getAmi", map[string]any{"mostRecent": true}, &out)
	})
	assert.ErrorContains(t, err, "unexpected invoke aws:ec2/getAmi:getAmi", "want the error to name the unknown invoke")
}

func TestStackFiles(t *testing.T) {
	providers := map[string]string{}
	for _, stack := range stacks {
		s := loadStack(t, stack)
		t.Run(stack+"/states its region", func(t *testing.T) {
			assert.NotEmpty(t, s.Region, "aws:region unset")
		})
		t.Run(stack+"/encrypts its secrets with its own KMS key", func(t *testing.T) {
			assert.True(t, strings.HasPrefix(s.SecretsProvider, "awskms://alias/"), "secretsprovider %q, want awskms://alias/<project>-%s-...", s.SecretsProvider, stack)
			assert.Contains(t, s.SecretsProvider, "-"+stack+"-", "secretsprovider %q, want awskms://alias/<project>-%s-...", s.SecretsProvider, stack)
			for other, p := range providers {
				assert.NotEqual(t, p, s.SecretsProvider, "%s shares its secrets provider with %s: a %s role could decrypt %s", stack, other, other, stack)
			}
			providers[stack] = s.SecretsProvider
		})
	}
}

// TestAnotherAccountsCredentialsRegisterNothing: a stack run with the
// credentials of an account other than its aws:allowedAccountIds (another
// environment's) is refused before anything is registered, workload and
// bootstrap alike.
func TestAnotherAccountsCredentialsRegisterNothing(t *testing.T) {
	for _, stack := range []string{"dev", bootstraps["dev"]} {
		s := loadStack(t, stack)
		s.CallerAccount = accountOf("prod")
		m, err := s.Run(baseline.Run)
		require.Error(t, err, stack)
		assert.Contains(t, err.Error(), "aws:allowedAccountIds: the stack deploys into account "+accountOf("dev")+", but the credentials are of account "+accountOf("prod"))
		assert.Empty(t, m.Resources(), "%s registered resources with another account's credentials", stack)
	}
}

// TestOnlyThoseTheSecretPoliciesAdmitMayDeploy: the secret policies deny
// every write to principals other than the deployers, the break-glass
// role and the CI roles, so `pulumi up` with any other credentials is
// refused before anything is registered, naming secrets.deployers; a
// preview, which writes nothing, warns and goes on.
func TestOnlyThoseTheSecretPoliciesAdmitMayDeploy(t *testing.T) {
	for _, stack := range stacks {
		acct := accountOf(stack)
		s := loadStack(t, stack)
		component := s.Project + "-" + s.Name
		session := func(role string) string { return "arn:aws:sts::" + acct + ":assumed-role/" + role + "/someone" }
		cases := []struct {
			name, caller string
			preview, ok  bool
		}{
			{"a listed deployer (the default mock caller)", "", false, true},
			{"the CI deploy role", session(component + "-ci-deploy"), false, true},
			{"the CI drift role, refreshing", session(component + "-ci-drift"), false, true},
			{"the CI preview role in a preview", session(component + "-ci-preview"), true, true},
			{"the break-glass role", session(baseline.BreakGlassRoleName(s.Project)), false, true},
			{"the CI preview role running up", session(component + "-ci-preview"), false, false},
			{"an administrator not listed", session("AWSReservedSSO_AdministratorAccess_0123456789abcdef"), false, false},
			{"a listed name in another account", "arn:aws:sts::999999999999:assumed-role/" + mockaws.CallerRole + "/x", false, false},
			{"an IAM user", "arn:aws:iam::" + acct + ":user/alice", false, false},
			{"the root user", "arn:aws:iam::" + acct + ":root", false, false},
			{"an administrator not listed, previewing", session("ops-admin"), true, true},
		}
		for _, tc := range cases {
			t.Run(stack+"/"+tc.name, func(t *testing.T) {
				s := loadStack(t, stack)
				s.CallerARN = tc.caller
				run := s.Run
				if tc.preview {
					run = s.Preview
				}
				m, err := run(baseline.Run)
				if tc.ok {
					require.NoError(t, err)
					assert.NotEmpty(t, m.Resources())
					return
				}
				require.Error(t, err)
				assert.Contains(t, err.Error(), "secrets.deployers: the caller "+tc.caller+" may not deploy this stack")
				assert.Empty(t, m.Resources(), "registered resources for a caller the secret policies refuse")
			})
		}
	}
}

// TestSecretPoliciesNameTheBreakGlassRole: every secret policy lets the
// break-glass role write (re-policy, restore, destroy) where it lets the
// deployers, and its reads are not exempted from the secret-reads alarm.
func TestSecretPoliciesNameTheBreakGlassRole(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			m := deployed(t, stack)
			s := loadStack(t, stack)
			breakGlass := "arn:aws:iam::" + accountOf(stack) + ":role/" + baseline.BreakGlassRoleName(s.Project)
			policies := m.ByType(restype.SecretsManagerSecretPolicy)
			require.NotEmpty(t, policies)
			for _, p := range policies {
				doc := mustParse(t, str(p, "policy"))
				var writers []string
				for _, st := range doc.Statement {
					if st.Sid == "DenyWritesByOthers" {
						writers = st.Condition["StringNotEquals"]["aws:PrincipalArn"]
					}
				}
				assert.Contains(t, writers, breakGlass, "%s: the break-glass role may not write", p.Name)
				req := iampolicy.Request{Principal: breakGlass, Action: "secretsmanager:PutResourcePolicy", Resource: "*",
					Context: map[string][]string{"aws:PrincipalArn": {breakGlass}, "aws:SecureTransport": {"true"}, "aws:PrincipalIsAWSService": {"false"}}}
				d, err := iampolicy.Evaluate(doc, req)
				require.NoError(t, err)
				assert.NotEqual(t, iampolicy.ExplicitDeny, d, "%s denies the break-glass role a new policy", p.Name)
				req.Principal, req.Context["aws:PrincipalArn"] = "arn:aws:iam::"+accountOf(stack)+":role/ops-admin", []string{"arn:aws:iam::" + accountOf(stack) + ":role/ops-admin"}
				d, err = iampolicy.Evaluate(doc, req)
				require.NoError(t, err)
				assert.Equal(t, iampolicy.ExplicitDeny, d, "%s lets an unlisted role change its policy", p.Name)
			}
			mf := find(t, m, restype.CloudWatchLogMetricFilter, audit.SecretReadsID, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-"+audit.SecretReadsID) })
			assert.NotContains(t, str(mf, "pattern"), baseline.BreakGlassRoleName(s.Project), "the break-glass role's reads are not alarmed")
		})
	}
}
