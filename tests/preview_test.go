package tests

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
)

// previews are the stacks' first previews, shared like runs.
var previews = map[string]*mockaws.Mocks{}

// previewed runs the whole program for a stack as its first `pulumi
// preview` does (mockaws.Stack.Preview: ctx.DryRun() true, every computed
// output unknown) once, and shares the record between tests, which only
// read it.
func previewed(t *testing.T, name string) *mockaws.Mocks {
	t.Helper()
	runsMu.Lock()
	defer runsMu.Unlock()
	if m, ok := previews[name]; ok {
		return m
	}
	m, err := loadStack(t, name).Preview(baseline.Run)
	require.NoError(t, err, "first preview of %s", name)
	previews[name] = m
	return m
}

// previewGraph is a fresh compliance graph of a stack's first preview.
func previewGraph(t *testing.T, stack string) *compliance.Graph {
	t.Helper()
	g := plan.ComplianceGraph(previewed(t, stack).Resources())
	g.Intent = baseline.NetworkIntent("hardening", stack, stackConfig(t, stack)) // as cmd/plan -from-preview does
	return g
}

// TestPreviewMocksAnswerAsTheProviderPlans: in preview mode the mocks give
// no ids and make every output that is not an input unknown, as pulumi-aws
// does for a new resource, so the inputs built from them are unknown too;
// inputs the program sets stay known.
func TestPreviewMocksAnswerAsTheProviderPlans(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			g := previewGraph(t, stack)
			up := graphOf(t, stack)
			fn := findResource(t, g, restype.LambdaFunction, "-rotation")
			assert.True(t, fn.Unknown("role"), "the rotation function's role is its role's ARN, computed: got %v", fn.Get("role"))
			assert.Equal(t, "provided.al2023", fn.Str("runtime"), "a plain input stays known")
			assert.True(t, findResource(t, g, restype.S3BucketPolicy, "-trail").Unknown("policy"), "a bucket policy naming the bucket's ARN is unknown")
			assert.Empty(t, g.Account, "the stack's account is read from its key's ARN, which a first preview does not know")
			assert.Equal(t, accountOf(stack), up.Account, "the offline plan knows it")
			assert.Equal(t, len(up.Resources), len(g.Resources), "the preview registers what up does")
			for _, r := range previewed(t, stack).Resources() {
				if !r.Custom {
					continue
				}
				if id := r.Outputs["id"]; !id.IsComputed() {
					assert.Failf(t, "check", "%s: id %v is known in a preview", r.URN, id)
				}
			}
		})
	}
}

// TestFirstPreviewBlocksNothing: the first preview of each stack, with
// every computed value unknown as pulumi-aws plans it, is judged without a
// blocking finding, and without any finding the offline plan, which knows
// every value, does not make: what a rule cannot see it reports as not
// judged.
func TestFirstPreviewBlocksNothing(t *testing.T) {
	for _, stack := range slices.Compact(append(slices.Clone(stacks), slices.Sorted(maps.Values(bootstraps))...)) {
		t.Run(stack, func(t *testing.T) {
			sups := suppressionsOf(t, stack)
			rep, err := compliance.Evaluate(previewGraph(t, stack), compliance.Rules(), sups)
			require.NoError(t, err, "the stack's suppressions match the preview's findings")
			for _, f := range rep.Blocking() {
				assert.Failf(t, "check", "a first preview is refused: %s (%s)", f.Message, f.Rule)
			}
			up, err := compliance.Evaluate(graphOf(t, stack), compliance.Rules(), sups)
			require.NoError(t, err)
			made := map[string]bool{}
			for _, f := range up.Findings {
				made[f.Rule+" "+f.Message] = true
			}
			for _, f := range rep.Findings {
				if !f.NotJudged && !made[f.Rule+" "+f.Message] {
					assert.Failf(t, "check", "a finding on a value the preview does not know: %s (%s)", f.Message, f.Rule)
				}
			}
			require.NotEmpty(t, rep.NotJudged(), "a first preview has values no rule can see")
			for _, f := range rep.NotJudged() {
				assert.Contains(t, f.Message, compliance.NotJudgedMessage, f.Rule)
			}
		})
	}
}

// unknownAsInPreview replaces, in up (a value of the offline plan, maybe
// changed by a test), every value that the first preview (pre) does not
// know with Unknown, where up still holds the plan's own value (orig): a
// value a test planted stays known, as the program would have set it.
func unknownAsInPreview(up, orig, pre any) any {
	switch p := pre.(type) {
	case compliance.Unknown:
		if reflect.DeepEqual(up, orig) {
			return compliance.Unknown{}
		}
	case compliance.Secret:
		us, ok := up.(compliance.Secret)
		if !ok {
			return up
		}
		os, _ := orig.(compliance.Secret)
		return compliance.Secret{Value: unknownAsInPreview(us.Value, os.Value, p.Value)}
	case map[string]any:
		um, ok := up.(map[string]any)
		if !ok {
			return up
		}
		om, _ := orig.(map[string]any)
		for k, pv := range p {
			if uv, ok := um[k]; ok {
				um[k] = unknownAsInPreview(uv, om[k], pv)
			}
		}
	case []any:
		ul, ok := up.([]any)
		if !ok || len(ul) != len(p) {
			return up
		}
		ol, _ := orig.([]any)
		for i := range p {
			var ov any
			if i < len(ol) {
				ov = ol[i]
			}
			ul[i] = unknownAsInPreview(ul[i], ov, p[i])
		}
	}
	return up
}

// accountPreviewGraph is the first preview of what a workload stack's
// account holds: the stack's and its bootstrap's.
func accountPreviewGraph(t *testing.T, stack string) *compliance.Graph {
	t.Helper()
	g := plan.ComplianceGraph(mockaws.Combine(previewed(t, stack), previewed(t, bootstraps[stack])).Resources())
	g.Intent = baseline.NetworkIntent("hardening", stack, stackConfig(t, stack))
	return g
}

// asFirstPreview makes g, the offline plan of what stack's account holds,
// maybe changed by a test, what the first previews would show of it.
func asFirstPreview(t *testing.T, g *compliance.Graph, stack string) {
	t.Helper()
	pre, orig := accountPreviewGraph(t, stack), accountGraph(t, stack)
	byURN := func(rs []compliance.Resource) map[string]compliance.Resource {
		m := map[string]compliance.Resource{}
		for _, r := range rs {
			m[r.URN] = r
		}
		return m
	}
	preURN, origURN := byURN(pre.Resources), byURN(orig.Resources)
	for i := range g.Resources {
		r := &g.Resources[i]
		p, ok := preURN[r.URN]
		if !ok {
			continue // planted by the test
		}
		r.Inputs = unknownAsInPreview(r.Inputs, origURN[r.URN].Inputs, p.Inputs).(map[string]any)
	}
	g.Partition, g.Region, g.Account = pre.Partition, pre.Region, pre.Account
}

// TestNoRulePassesSilentlyOnUnknowns: every planted failure of
// TestEachRuleFailsWhenItsSettingFlips, seen as the stack's first preview
// would show it (the values computed at deployment unknown), is still
// reported: as the failure, or as not judged on the resource. A rule that
// passes it has passed on a value it could not see.
func TestNoRulePassesSilentlyOnUnknowns(t *testing.T) {
	for _, c := range ruleCases {
		t.Run(c.rule, func(t *testing.T) {
			rule, ok := compliance.Lookup(c.rule)
			require.True(t, ok, "no rule %s", c.rule)
			g := accountGraph(t, "prod")
			if p := prepared[c.rule]; p != nil {
				p(t, g)
			}
			urn := c.change(t, g)
			asFirstPreview(t, g, "prod")
			// A rule on the network as a whole judges flows, not
			// resources: a flow it cannot place is not judged on the
			// resources it could not read, whichever the planted one.
			wholeGraph := c.rule == compliance.ReachabilityRule
			var got []string
			for _, v := range rule.Check(g) {
				if (v.URN == urn || wholeGraph) && (v.NotJudged || strings.Contains(v.Message, c.want)) {
					return
				}
				got = append(got, v.Message)
			}
			assert.Failf(t, "check", "the planted failure on %s (%q) passes in a first preview; findings: %v", urn, c.want, got)
		})
	}
}

// TestPreviewOutputsHoldingUnknownsStayUnknown: an output that holds an
// unknown value (a list of computed ids) reads as unknown in a preview, as
// the engine gives it, not as the shorter, known list the SDK's mock
// monitor would make of it by dropping the unknown elements.
func TestPreviewOutputsHoldingUnknownsStayUnknown(t *testing.T) {
	var got internals.UnsafeAwaitOutputResult
	var awaitErr error
	_, err := loadStack(t, "dev").Preview(func(ctx *pulumi.Context) error {
		vpc, err := ec2.NewVpc(ctx, "v", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		if err != nil {
			return err
		}
		acl, err := ec2.NewNetworkAcl(ctx, "acl", &ec2.NetworkAclArgs{VpcId: vpc.ID(), SubnetIds: pulumi.StringArray{vpc.ID().ToStringOutput()}})
		if err != nil {
			return err
		}
		got, awaitErr = internals.UnsafeAwaitOutput(ctx.Context(), acl.SubnetIds)
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, awaitErr)
	assert.False(t, got.Known, "subnetIds of a planned ACL read as known %v", got.Value)
}
