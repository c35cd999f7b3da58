package tests

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/fleet"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/lambdabuild"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/stackconfig"
)

// smallFleet is the example fleet cut to its first n accounts, each in
// the wave it was in.
func smallFleet(t testing.TB, n int) *fleet.File {
	t.Helper()
	f, err := fleet.Read(filepath.Join(projectDir(t), "examples", "fleet.yaml"))
	require.NoError(t, err)
	f.Accounts = f.Accounts[:n]
	var waves []fleet.Wave
	for _, w := range f.Waves {
		for _, a := range f.Accounts {
			if w.Select.Matches(a) {
				waves = append(waves, w)
				break
			}
		}
	}
	f.Waves = waves
	require.Empty(t, f.Validate())
	return f
}

func projectDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	require.NoError(t, err)
	return dir
}

// TestFleetStackKinds plans a small fleet's stacks one by one and checks
// what each kind creates and what it must not.
func TestFleetStackKinds(t *testing.T) {
	f := smallFleet(t, 3)
	// The rendered workload stacks name the rotation zip in the project,
	// as the fleet plan builds it.
	_, err := lambdabuild.Ensure(projectDir(t), lambdabuild.Package, "build/rotation.zip")
	require.NoError(t, err)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(projectDir(t))) // the rotation artifact's relative path
	t.Cleanup(func() { _ = os.Chdir(wd) })
	count := func(rs []mockaws.Resource, typ string) int {
		n := 0
		for _, r := range rs {
			if r.Type == typ {
				n++
			}
		}
		return n
	}
	input := func(rs []mockaws.Resource, typ, key string) string {
		for _, r := range rs {
			if r.Type == typ && r.Inputs[resourceKey(key)].IsString() {
				return r.Inputs[resourceKey(key)].StringValue()
			}
		}
		return ""
	}
	seen := map[string]bool{}
	policies := map[string]map[string]string{}
	for _, s := range stacks {
		if seen[s.Kind+s.Region] && s.Kind == "workload" {
			continue // one workload stack per region is enough
		}
		seen[s.Kind+s.Region] = true
		ms := &mockaws.Stack{Project: stackconfig.Namespace, Name: s.Name, Region: s.Region, Config: s.Config, Dir: projectDir(t)}
		program := baseline.Run
		if s.Kind == string(stackconfig.Bootstrap) {
			ws, err := fleet.Workloads(stacks, s.AccountID)
			require.NoError(t, err)
			program = bootstrapOf(ws)
		}
		if policies[s.AccountID] == nil {
			policies[s.AccountID] = map[string]string{}
		}
		ms.Existing = policies[s.AccountID]
		m, err := ms.Run(program)
		require.NoError(t, err, "stack %s", s.Name)
		maps.Copy(policies[s.AccountID], m.Policies())
		rs := m.Resources()
		switch s.Kind {
		case fleet.OrgKind:
			assert.Equal(t, 4, count(rs, restype.GuardDutyOrganizationAdminAccount), "org: GuardDuty's administrator in every region")
			assert.Equal(t, 1, count(rs, restype.SecurityHubOrganizationAdminAccount), "org: Security Hub's administrator")
			assert.Equal(t, 1, count(rs, restype.CloudTrailOrganizationDelegatedAdminAccount), "org: CloudTrail's administrator")
			assert.Equal(t, 1, count(rs, restype.OrganizationsDelegatedAdministrator), "org: Access Analyzer's administrator")
			assert.Equal(t, f.Organization.Security, input(rs, restype.SecurityHubOrganizationAdminAccount, "adminAccountId"))
		case fleet.SecurityKind:
			assert.Equal(t, "ALL", input(rs, restype.GuardDutyOrganizationConfiguration, "autoEnableOrganizationMembers"), "%s: every member auto-enabled", s.Name)
			assert.Equal(t, 6, count(rs, restype.GuardDutyOrganizationConfigurationFeature), "%s: every protection plan", s.Name)
			assert.Equal(t, "ORGANIZATION", input(rs, restype.AccessAnalyzerAnalyzer, "type"), "%s: the organization analyzer", s.Name)
			home := s.Region == f.Organization.HomeRegion
			assert.Equal(t, home, count(rs, restype.SecurityHubFindingAggregator) == 1, "%s: the aggregator in the home region only", s.Name)
			assert.Equal(t, home, count(rs, restype.SecurityHubOrganizationConfiguration) == 1, "%s: central configuration in the home region only", s.Name)
			assert.Equal(t, home, count(rs, restype.CloudTrailTrail) == 1, "%s: the organization trail in the home region only", s.Name)
			if home {
				assert.Equal(t, 3, count(rs, restype.SecurityHubConfigurationPolicyAssociation), "the policy associated with every workload account")
				assert.Positive(t, count(rs, restype.CloudWatchMetricAlarm), "CIS alarms on the organization trail's log group")
			}
		case fleet.LogArchiveKind:
			assert.Equal(t, 4, count(rs, restype.S3BucketPolicy), "trail, flow, load-balancer and WAF buckets, each with its policy")
			for _, r := range rs {
				if r.Type == restype.S3BucketPolicy {
					assert.Contains(t, r.Inputs["policy"].StringValue(), f.Organization.ID, "%s: held to the organization", r.Name)
				}
			}
		case string(stackconfig.WorkloadKind):
			assert.Zero(t, count(rs, restype.GuardDutyDetector), "%s: no member detector", s.Name)
			assert.Zero(t, count(rs, restype.CloudTrailTrail), "%s: no member trail", s.Name)
			assert.Zero(t, count(rs, restype.SecurityHubAccount), "%s: Security Hub comes from the organization", s.Name)
			assert.Positive(t, count(rs, restype.EC2VPC), "%s: its network", s.Name)
		case string(stackconfig.Bootstrap):
			assert.GreaterOrEqual(t, count(rs, restype.IAMRole), 4*3, "%s: preview, deploy and drift roles of each of the account's 4 workload stacks", s.Name)
		}
	}
	home := f.Organization.HomeRegion
	for _, k := range []string{fleet.OrgKind + home, fleet.SecurityKind + home, fleet.LogArchiveKind + home, "bootstrap" + home, "workload" + home, "workload" + f.Regions[1]} {
		assert.True(t, seen[k], "kind and region %s planned", k)
	}
}

func resourceKey(k string) resource.PropertyKey { return resource.PropertyKey(k) }

// bootstrapOf is the program of a fleet bootstrap given its account's
// workload stacks.
func bootstrapOf(ws []stackconfig.Stack) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg, err := stackconfig.Load(ctx)
		if err != nil {
			return err
		}
		_, err = baseline.DeployBootstrapOf(ctx, cfg, ws)
		return err
	}
}

// TestFleetPlanJudgesTheFleet plans a small fleet end to end and checks
// the fleet rules that must hold of the example.
func TestFleetPlanJudgesTheFleet(t *testing.T) {
	f := smallFleet(t, 2)
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(projectDir(t))) // the rotation artifact's relative path, as the plan command runs it
	t.Cleanup(func() { _ = os.Chdir(wd) })
	res, err := plan.PlanFleet(projectDir(t), f)
	require.NoError(t, err)
	assert.Equal(t, 2+4+2+2*4, res.Stacks)
	assert.Positive(t, res.Resources)
	// Every stack kind of the fleet deploys as AWS would take it: no
	// blocking finding (the input rules judged the security stack's
	// organization trail, its key alias and its role's path).
	assert.Zero(t, res.Blocking, "blocking findings: %v", res.First)
	for _, v := range res.Fleet {
		assert.NotContains(t, []string{compliance.FleetAccountWideOnce.ID, compliance.FleetOneOrganizationTrail.ID, compliance.FleetNoMemberDetector.ID,
			compliance.FleetFlowLogsToLogArchive.ID}, v.Rule,
			"%s: %s", v.Stack, v.Message)
	}
	var out bytes.Buffer
	require.NoError(t, res.WriteFleet(&out, "fleet.yaml"))
	assert.Contains(t, out.String(), "16 stacks")
}

// TestFleetDigests: a stack's digest changes with its configuration and
// with the program, and not otherwise.
func TestFleetDigests(t *testing.T) {
	stacks, err := smallFleet(t, 1).Stacks()
	require.NoError(t, err)
	s := stacks[len(stacks)-1]
	d := plan.Digest("v1", s)
	assert.Equal(t, d, plan.Digest("v1", s), "stable")
	assert.NotEqual(t, d, plan.Digest("v2", s), "a new program version")
	c := s
	c.Config = map[string]string{}
	for k, v := range s.Config {
		c.Config[k] = v
	}
	c.Config["hardening:production"] = "true"
	assert.NotEqual(t, d, plan.Digest("v1", c), "a changed setting")
}

// TestFleetCIRolesTrustOnlyTheToolingCIRole plans a fleet account's
// bootstrap and evaluates each CI role's trust policy: the tooling
// account's CI role may assume it in a session named for its stack; no
// other principal may, nor that role under another session name, nor
// GitHub's OIDC provider (the fleet's accounts have none).
func TestFleetCIRolesTrustOnlyTheToolingCIRole(t *testing.T) {
	f := smallFleet(t, 1)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	var boot fleet.Stack
	for _, s := range stacks {
		if s.Kind == string(stackconfig.Bootstrap) {
			boot = s
		}
	}
	require.NotEmpty(t, boot.Name)
	ws, err := fleet.Workloads(stacks, boot.AccountID)
	require.NoError(t, err)
	ms := &mockaws.Stack{Project: stackconfig.Namespace, Name: boot.Name, Region: boot.Region, Config: boot.Config, Dir: projectDir(t)}
	m, err := ms.Run(bootstrapOf(ws))
	require.NoError(t, err)
	tooling := f.ToolingCIRoleARN()
	require.Equal(t, "arn:aws:iam::"+f.Organization.Tooling+":role/ci/hardening-fleet-ci", tooling)
	partition := "arn:aws:iam::"
	roles := 0
	for _, r := range m.Resources() {
		if r.Type != restype.IAMRole || r.Inputs["path"].StringValue() != "/ci/" {
			continue
		}
		roles++
		name := r.Inputs["name"].StringValue()
		var stack string
		for _, w := range ws {
			if strings.HasPrefix(name, stackconfig.Namespace+"-"+w.Name+"-ci-") {
				stack = w.Name
			}
		}
		require.NotEmpty(t, stack, "%s: a CI role of one of the account's workload stacks", name)
		doc, err := iampolicy.Parse(r.Inputs["assumeRolePolicy"].StringValue())
		require.NoError(t, err, name)
		for _, tc := range []struct {
			name string
			req  iampolicy.Request
			want iampolicy.Decision
		}{
			{"the tooling CI role, session named for the stack", iampolicy.Request{Principal: tooling, Action: "sts:AssumeRole", Context: map[string][]string{"sts:RoleSessionName": {stack}}}, iampolicy.Allowed},
			{"the tooling CI role, another stack's session", iampolicy.Request{Principal: tooling, Action: "sts:AssumeRole", Context: map[string][]string{"sts:RoleSessionName": {"wl-other-use1"}}}, iampolicy.ImplicitDeny},
			{"the tooling CI role, no session name", iampolicy.Request{Principal: tooling, Action: "sts:AssumeRole", Context: map[string][]string{}}, iampolicy.ImplicitDeny},
			{"another role of the tooling account", iampolicy.Request{Principal: partition + f.Organization.Tooling + ":role/ci/other", Action: "sts:AssumeRole", Context: map[string][]string{"sts:RoleSessionName": {stack}}}, iampolicy.ImplicitDeny},
			{"the tooling account's root", iampolicy.Request{Principal: partition + f.Organization.Tooling + ":root", Action: "sts:AssumeRole", Context: map[string][]string{"sts:RoleSessionName": {stack}}}, iampolicy.ImplicitDeny},
			{"the account's own administrator", iampolicy.Request{Principal: partition + boot.AccountID + ":role/hardening-administrator", Action: "sts:AssumeRole", Context: map[string][]string{"sts:RoleSessionName": {stack}}}, iampolicy.ImplicitDeny},
			{"the management account", iampolicy.Request{Principal: partition + f.Organization.Management + ":root", Action: "sts:AssumeRole", Context: map[string][]string{"sts:RoleSessionName": {stack}}}, iampolicy.ImplicitDeny},
			{"a role of the same name in a workload account", iampolicy.Request{Principal: partition + boot.AccountID + ":role/ci/" + fleet.ToolingCIRoleName, Action: "sts:AssumeRole", Context: map[string][]string{"sts:RoleSessionName": {stack}}}, iampolicy.ImplicitDeny},
			{"GitHub's OIDC tokens", iampolicy.Request{Principal: "arn:aws:iam::" + boot.AccountID + ":oidc-provider/token.actions.githubusercontent.com", Federated: true, Action: "sts:AssumeRoleWithWebIdentity",
				Context: map[string][]string{"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}, "token.actions.githubusercontent.com:sub": {"repo:" + f.Organization.Repository + ":environment:development:ref:refs/heads/main"}}}, iampolicy.ImplicitDeny},
		} {
			got, err := iampolicy.Evaluate(doc, tc.req)
			require.NoError(t, err, "%s: %s", name, tc.name)
			assert.Equal(t, tc.want, got, "%s: %s: got %v, want %v", name, tc.name, got, tc.want)
		}
		assert.Contains(t, r.Inputs["permissionsBoundary"].StringValue(), ":policy/", "%s carries its stack's boundary", name)
	}
	assert.Equal(t, 3*len(ws), roles, "preview, deploy and drift roles of each of the account's workload stacks")
	for _, r := range m.Resources() {
		assert.NotEqual(t, restype.IAMOpenIdConnectProvider, r.Type, "a fleet account has no GitHub OIDC provider of its own: %s", r.Name)
	}
}

// inProject runs the rest of the test in the project directory: the
// rendered workload stacks name the rotation zip relative to it, as the
// plan command runs it.
func inProject(t *testing.T) {
	t.Helper()
	_, err := lambdabuild.Ensure(projectDir(t), lambdabuild.Package, "build/rotation.zip")
	require.NoError(t, err)
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(projectDir(t)))
	t.Cleanup(func() { _ = os.Chdir(wd) })
}

// TestFleetPlanConcurrentIsSerial: planned by several workers at once, a
// fleet gives every stack the resources and findings it gets when its
// stacks are planned one by one, and the same fleet findings.
func TestFleetPlanConcurrentIsSerial(t *testing.T) {
	f := smallFleet(t, 3)
	inProject(t)
	serial, err := plan.PlanFleetWorkers(projectDir(t), f, 1)
	require.NoError(t, err)
	concurrent, err := plan.PlanFleetWorkers(projectDir(t), f, 4)
	require.NoError(t, err)
	require.Len(t, serial.PerStack, serial.Stacks, "one outcome per stack")
	findings := 0
	for _, o := range serial.PerStack {
		assert.Positive(t, o.Resources, "%s planned", o.Name)
		findings += len(o.Findings)
	}
	assert.Positive(t, findings, "the comparison covers findings")
	assert.Equal(t, serial.PerStack, concurrent.PerStack, "each stack's resources and findings")
	assert.Equal(t, serial.Fleet, concurrent.Fleet, "the fleet rules' findings")
	assert.Equal(t, []int{serial.Stacks, serial.Resources, serial.Blocking, serial.Other}, []int{concurrent.Stacks, concurrent.Resources, concurrent.Blocking, concurrent.Other})
	assert.Equal(t, serial.First, concurrent.First)
}

// TestMockRunsTakeTheirOwnConfiguration: a run reads the keys set from its
// own configuration, not the process's PULUMI_CONFIG, which concurrent
// runs would share.
func TestMockRunsTakeTheirOwnConfiguration(t *testing.T) {
	t.Setenv(pulumi.EnvConfig, `{"hardening:nosuchsetting":"1"}`)
	m, err := loadStack(t, "dev").Run(baseline.Run)
	require.NoError(t, err, "a key only the environment sets is not the run's")
	assert.NotEmpty(t, m.ByType(restype.EC2VPC))
	s := loadStack(t, "dev")
	s.Set("nosuchsetting", "1")
	_, err = s.Run(baseline.Run)
	assert.ErrorContains(t, err, "hardening:nosuchsetting: is not a setting", "the run's own keys are still checked")
}

// TestFleetFlowLogsReachTheLogArchive: every rendered workload stack
// delivers its VPC's flow logs (ALL traffic, S3, no role) to the
// log-archive stack's flow-log bucket, and that bucket's policy admits the
// logs service delivering for an account of the organization only.
func TestFleetFlowLogsReachTheLogArchive(t *testing.T) {
	f := smallFleet(t, 1)
	inProject(t)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	var archive, workload fleet.Stack
	for _, s := range stacks {
		switch s.Kind {
		case fleet.LogArchiveKind:
			archive = s
		case string(stackconfig.WorkloadKind):
			cfg, err := fleet.Parse1(s)
			require.NoError(t, err, s.Name)
			assert.Equal(t, f.FlowLogArchiveBucketARN(), cfg.Network.FlowLogArchiveBucketARN, "%s: rendered with the archive bucket", s.Name)
			workload = s
		}
	}
	run := func(s fleet.Stack) *mockaws.Mocks {
		t.Helper()
		ms := &mockaws.Stack{Project: stackconfig.Namespace, Name: s.Name, Region: s.Region, Config: s.Config, Dir: projectDir(t), Existing: map[string]string{}}
		program := baseline.Run
		if s.Kind == string(stackconfig.Bootstrap) {
			ws, err := fleet.Workloads(stacks, s.AccountID)
			require.NoError(t, err)
			program = bootstrapOf(ws)
		}
		m, err := ms.Run(program)
		require.NoError(t, err, s.Name)
		return m
	}
	am := run(archive)
	bucketARN := ""
	for _, b := range am.ByType(restype.S3BucketV2) {
		if strings.Contains(b.Name, fleet.FlowLogsPurpose) {
			bucketARN = b.Outputs["arn"].StringValue()
		}
	}
	require.Equal(t, f.FlowLogArchiveBucketARN(), bucketARN, "the workload stacks name the bucket the log-archive stack creates")

	// The workload's bootstrap runs first: its boundary is what the
	// workload stack's roles carry.
	policies := map[string]string{}
	for _, s := range stacks {
		if s.Kind == string(stackconfig.Bootstrap) && s.AccountID == workload.AccountID {
			maps.Copy(policies, run(s).Policies())
		}
	}
	ms := &mockaws.Stack{Project: stackconfig.Namespace, Name: workload.Name, Region: workload.Region, Config: workload.Config, Dir: projectDir(t), Existing: policies}
	wm, err := ms.Run(baseline.Run)
	require.NoError(t, err, workload.Name)
	var archived []mockaws.Resource
	for _, fl := range wm.ByType(restype.EC2FlowLog) {
		if fl.Inputs["logDestinationType"].StringValue() == "s3" {
			archived = append(archived, fl)
		}
	}
	require.Len(t, archived, 1, "one flow log to the archive")
	fl := archived[0]
	assert.Equal(t, bucketARN, fl.Inputs["logDestination"].StringValue())
	assert.Equal(t, "ALL", fl.Inputs["trafficType"].StringValue())
	assert.NotContains(t, fl.Inputs, resourceKey("iamRoleArn"), "an S3 destination is written with the bucket policy's grant, not a role")
	vpcs := wm.ByType(restype.EC2VPC)
	require.Len(t, vpcs, 1)
	assert.Equal(t, vpcs[0].ID, fl.Inputs["vpcId"].StringValue(), "the stack's VPC")

	var policy iampolicy.Document
	for _, p := range am.ByType(restype.S3BucketPolicy) {
		if strings.Contains(p.Name, fleet.FlowLogsPurpose) {
			policy, err = iampolicy.Parse(p.Inputs["policy"].StringValue())
			require.NoError(t, err)
		}
	}
	require.NotEmpty(t, policy.Statement, "the flow-log bucket's policy")
	member := workload.AccountID
	// What the logs service sends when it delivers a member's flow logs
	// (VPC user guide, "Flow logs to Amazon S3": PutObject with the
	// bucket-owner-full-control ACL, GetBucketAcl first; the source keys of
	// the account the logs are delivered for).
	delivery := func(action, resource, org string) iampolicy.Request {
		return iampolicy.Request{Principal: "delivery.logs.amazonaws.com", Service: true, Action: action, Resource: resource, Context: map[string][]string{
			"aws:SourceAccount": {member}, "aws:SourceOrgID": {org}, "aws:SecureTransport": {"true"},
			"aws:PrincipalIsAWSService": {"true"}, "s3:x-amz-acl": {"bucket-owner-full-control"},
		}}
	}
	object := bucketARN + "/AWSLogs/" + member + "/vpcflowlogs/" + workload.Region + "/2026/12/02/" + member + "_vpcflowlogs_" + workload.Region + "_fl-1_20261202T0000Z_0.log.gz"
	for _, tc := range []struct {
		name string
		req  iampolicy.Request
		want bool
	}{
		{"a member's delivery", delivery("s3:PutObject", object, f.Organization.ID), true},
		{"its ACL check", delivery("s3:GetBucketAcl", bucketARN, f.Organization.ID), true},
		{"another organization's delivery", delivery("s3:PutObject", object, "o-otherorg01"), false},
		{"outside AWSLogs/", delivery("s3:PutObject", bucketARN+"/elsewhere/x.log.gz", f.Organization.ID), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, reason, err := iampolicy.Authorize(tc.req, iampolicy.Policies{Resource: &policy})
			require.NoError(t, err)
			assert.Equal(t, tc.want, ok, "%s: %s", tc.req.Action, reason)
		})
	}
}
