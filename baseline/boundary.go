package baseline

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/identity"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/stackconfig"
)

// checkBoundary refuses, before anything is registered, a workload stack
// whose permissions boundary as deployed is not the one its configuration
// needs. The account's bootstrap stack owns the boundary, and no CI role
// may change it: a new replica region, a group role on a new service or a
// new provider call would otherwise preview as a plain update and fail
// half-way through `pulumi up`, denied by the old boundary. The deployed
// document is read with GetPolicy and GetPolicyVersion (pulumi-aws's
// aws.iam.getPolicy: iam/policy_data_source.go), which the CI roles'
// read policy holds.
func checkBoundary(ctx *pulumi.Context, cfg *stackconfig.Config, partition string) error {
	args, err := BoundaryArgsOf(ctx.Project(), ctx.Stack(), cfg, partition)
	if err != nil {
		return err
	}
	component := ctx.Project() + "-" + ctx.Stack()
	arn := identity.BoundaryARN(component, args.Env)
	want := identity.BoundaryPolicy(arn, args)
	owner := bootstrapOf(ctx, ctx.Stack())
	got, err := iam.LookupPolicy(ctx, &iam.LookupPolicyArgs{Arn: &arn})
	if err != nil {
		return fmt.Errorf("permissions boundary: %s cannot be read (%w): the account's bootstrap stack creates it; an administrator runs `pulumi up --stack %s` first", arn, err, owner)
	}
	deployed, err := iampolicy.Parse(got.Policy)
	if err != nil {
		return fmt.Errorf("permissions boundary: %s: %w", arn, err)
	}
	if diff := statementDiff(want, deployed); len(diff) > 0 {
		return fmt.Errorf("permissions boundary: %s as deployed is not the one this configuration needs (%s): the deploy role may not change it, so `pulumi up` would fail part-way; an administrator runs `pulumi up --stack %s`, the stack that owns it, first",
			arn, strings.Join(diff, "; "), owner)
	}
	return nil
}

// bootstrapOf names the bootstrap stack that lists stack, from the
// project's stack files; a placeholder when they cannot be read.
func bootstrapOf(ctx *pulumi.Context, stack string) string {
	project, err := stackconfig.LoadProject(ctx.RootDirectory())
	if err == nil {
		for _, s := range project {
			if slices.Contains(s.Config.Bootstrap.Stacks, stack) {
				return s.Name
			}
		}
	}
	return "<the account's bootstrap stack>"
}

// statementDiff says, by Sid, how got differs from want: statements
// missing, extra or changed. Statements compare by value, their lists as
// sets.
func statementDiff(want, got iampolicy.Document) []string {
	index := func(d iampolicy.Document) map[string]iampolicy.Statement {
		m := map[string]iampolicy.Statement{}
		for i, s := range d.Statement {
			id := s.Sid
			if id == "" {
				id = fmt.Sprintf("statement %d", i)
			}
			m[id] = normalized(s)
		}
		return m
	}
	w, g := index(want), index(got)
	var out []string
	for _, id := range slices.Sorted(maps.Keys(w)) {
		gs, ok := g[id]
		switch {
		case !ok:
			out = append(out, id+" is missing")
		case !reflect.DeepEqual(w[id], gs):
			out = append(out, id+" differs"+listDiff(w[id], gs))
		}
	}
	for id := range g {
		if _, ok := w[id]; !ok {
			out = append(out, id+" is no longer needed")
		}
	}
	slices.Sort(out)
	return out
}

// listDiff names the actions and resources want has and got lacks.
func listDiff(want, got iampolicy.Statement) string {
	var missing []string
	for _, l := range [][2][]string{{want.Action, got.Action}, {want.NotAction, got.NotAction}, {want.Resource, got.Resource}, {want.NotResource, got.NotResource}} {
		for _, v := range l[0] {
			if !slices.Contains(l[1], v) {
				missing = append(missing, v)
			}
		}
	}
	for op, keys := range want.Condition {
		for k, vs := range keys {
			for _, v := range vs {
				if !slices.Contains(got.Condition[op][k], v) {
					missing = append(missing, k+"="+v)
				}
			}
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return ": lacks " + strings.Join(missing, ", ")
}

// normalized is s with its lists sorted.
func normalized(s iampolicy.Statement) iampolicy.Statement {
	sorted := func(l []string) []string {
		if len(l) == 0 {
			return nil
		}
		l = slices.Clone(l)
		slices.Sort(l)
		return l
	}
	s.Action, s.NotAction, s.Resource, s.NotResource = sorted(s.Action), sorted(s.NotAction), sorted(s.Resource), sorted(s.NotResource)
	if len(s.Condition) > 0 {
		c := iampolicy.Conditions{}
		for op, keys := range s.Condition {
			c[op] = map[string][]string{}
			for k, vs := range keys {
				c[op][k] = sorted(vs)
			}
		}
		s.Condition = c
	}
	return s
}
