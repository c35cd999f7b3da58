package compliance

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/restype"
)

// The escalation graph follows NCC Group's Principal Mapper (PMapper): its
// nodes are principals, and an edge runs from A to B wherever A can become
// B or act with B's permissions. Its edges are PMapper's and Rhino
// Security Labs' escalation methods: a trust policy A satisfies;
// iam:UpdateAssumeRolePolicy on B; a policy write, attachment or boundary
// removal on B, or iam:CreatePolicyVersion on a managed policy attached to
// B; iam:PassRole of B to a service that runs code, with the calls that
// make it run; lambda:UpdateFunctionCode of a function that runs as B;
// access keys and login profiles of a user B; and creating a role with
// any policy. Every decision is the project's IAM evaluator's, boundary
// and Deny statements included. The account's principals the stack does
// not own are modelled as administrators without a boundary.

// principal is a node of the escalation graph.
type principal struct {
	arn   string
	label string
	// owner is the component ("hardening-prod") whose principal it is; ""
	// for the account's own.
	owner string
	// admin marks a modelled principal of the account: administrator
	// rights, no boundary.
	admin bool
	user  bool
	// entry is how CI reaches it ("pull request", "CI"), "" when CI does
	// not sign in as it.
	entry string
	p     iampolicy.Policies
	trust *iampolicy.Document
	// attached are the ARNs of the managed policies attached to it.
	attached []string
	// generated marks a role the graph made up: one a principal can create
	// or whose policies it can write, holding "*" under its boundary.
	generated bool
	// bound is the ARN of the boundary a generated principal carries.
	bound string
}

// step is one edge of a path: how the previous principal reaches this.
type step struct {
	to  *principal
	how string
}

// anything is an identity policy allowing every action on every resource:
// what a principal holds once another writes its policies.
var anything = iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"*"}, Resource: []string{"*"}})

// administratorAccess is the AWS-managed policy an attacker attaches.
const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

// codeRunners are the services that run code as a role passed to them,
// with the calls that create and start it (PMapper's edge checkers for
// Lambda, EC2, CloudFormation, CodeBuild and SageMaker; Rhino Security
// Labs' "AWS IAM privilege escalation" methods 15 to 21; ECS, EventBridge
// Scheduler, EventBridge and Step Functions run a passed role the same
// way). resource is the call's resource, named for owner.
var codeRunners = []struct {
	service string
	calls   []struct{ action, resource string }
}{
	{"lambda.amazonaws.com", calls("lambda:CreateFunction", "arn:%p:lambda:%r:%a:function:%o-escalation", "lambda:InvokeFunction", "arn:%p:lambda:%r:%a:function:%o-escalation")},
	{"ecs-tasks.amazonaws.com", calls("ecs:RegisterTaskDefinition", "*", "ecs:RunTask", "arn:%p:ecs:%r:%a:task-definition/%o-escalation:1")},
	{"scheduler.amazonaws.com", calls("scheduler:CreateSchedule", "arn:%p:scheduler:%r:%a:schedule/default/%o-escalation")},
	{"events.amazonaws.com", calls("events:PutRule", "arn:%p:events:%r:%a:rule/%o-escalation", "events:PutTargets", "arn:%p:events:%r:%a:rule/%o-escalation")},
	{"states.amazonaws.com", calls("states:CreateStateMachine", "arn:%p:states:%r:%a:stateMachine:%o-escalation", "states:StartExecution", "arn:%p:states:%r:%a:stateMachine:%o-escalation")},
	{"cloudformation.amazonaws.com", calls("cloudformation:CreateStack", "arn:%p:cloudformation:%r:%a:stack/%o-escalation/*")},
	{"codebuild.amazonaws.com", calls("codebuild:CreateProject", "arn:%p:codebuild:%r:%a:project/%o-escalation", "codebuild:StartBuild", "arn:%p:codebuild:%r:%a:project/%o-escalation")},
	{"ec2.amazonaws.com", calls("iam:AddRoleToInstanceProfile", "arn:%p:iam::%a:instance-profile/%o-escalation", "ec2:RunInstances", "arn:%p:ec2:%r:%a:instance/*")},
	{"glue.amazonaws.com", calls("glue:CreateDevEndpoint", "arn:%p:glue:%r:%a:devEndpoint/%o-escalation")},
	{"sagemaker.amazonaws.com", calls("sagemaker:CreateNotebookInstance", "arn:%p:sagemaker:%r:%a:notebook-instance/%o-escalation", "sagemaker:CreatePresignedNotebookInstanceUrl", "arn:%p:sagemaker:%r:%a:notebook-instance/%o-escalation")},
}

func calls(kv ...string) []struct{ action, resource string } {
	var out []struct{ action, resource string }
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, struct{ action, resource string }{kv[i], kv[i+1]})
	}
	return out
}

// escalationGraph is the graph of a plan's principals.
type escalationGraph struct {
	g         *Graph
	nodes     []*principal
	byARN     map[string]*principal
	paths     []string // role paths to create roles under
	bounds    []string // boundary ARNs a new role may carry ("" for none)
	functions map[string]string
	decided   map[string]bool
}

// escalationPaths is the rule: from every principal CI signs in as, the
// principals it reaches, and what each can do; a path to administrator
// rights, to another stack's principal or resources, or (from a pull
// request) to any other principal is a finding naming the path.
func escalationPaths(g *Graph) []Violation {
	eg, entries, unjudged := newEscalationGraph(g)
	if len(unjudged) > 0 || g.Account == "" {
		var out []Violation
		for _, r := range unjudged {
			out = append(out, notJudged(r))
		}
		if g.Account == "" {
			// The requests name the account's principals, which a first
			// preview does not know.
			for _, e := range entries {
				out = append(out, notJudged(e))
			}
		}
		return out
	}
	var out []Violation
	for _, r := range entries {
		start := eg.byARN[roleARN(g, r)]
		for _, problem := range eg.reach(start) {
			out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s (%s): %s", shortType(r.Type), r.Name, start.entry, problem)})
		}
	}
	return out
}

// roleARN is the ARN a role of the graph will have.
func roleARN(g *Graph, r Resource) string {
	name := r.Str("name")
	if name == "" {
		name = r.Name + "-0000000" // pulumi-aws's generated name
	}
	path := r.Str("path")
	if path == "" {
		path = "/"
	}
	kind := "role"
	if r.Type == restype.IAMUser {
		kind = "user"
	}
	return "arn:" + g.partition() + ":iam::" + g.Account + ":" + kind + path + name
}

func (g *Graph) partition() string {
	if g.Partition == "" {
		return "aws"
	}
	return g.Partition
}

// newEscalationGraph gathers the plan's roles and users, the account's
// modelled administrators, and what new roles may be made; entries are the
// roles GitHub's OIDC provider signs in as; unjudged are principals with a
// policy the plan does not know yet.
func newEscalationGraph(g *Graph) (eg *escalationGraph, entries, unjudged []Resource) {
	eg = &escalationGraph{g: g, byARN: map[string]*principal{}, functions: map[string]string{}, decided: map[string]bool{}}
	p, acct := g.partition(), g.Account
	add := func(n *principal) *principal {
		if old, ok := eg.byARN[n.arn]; ok {
			return old
		}
		eg.nodes = append(eg.nodes, n)
		eg.byARN[n.arn] = n
		return n
	}
	boundaryOf := map[string]bool{}
	for _, r := range append(g.ByType(restype.IAMRole), g.ByType(restype.IAMUser)...) {
		n := &principal{arn: roleARN(g, r), label: shortType(r.Type) + " " + r.Name, user: r.Type == restype.IAMUser, owner: ownerOf(r)}
		if r.Type == restype.IAMRole {
			if r.Unknown("assumeRolePolicy") || r.Unknown("permissionsBoundary") {
				unjudged = append(unjudged, r)
				continue
			}
			trust, err := g.iamDoc(r.Str("assumeRolePolicy"))
			if err != nil {
				continue // deploy-iam-policy-lint reports it
			}
			n.trust = &trust
			n.entry = ciEntry(trust)
			if n.entry != "" {
				entries = append(entries, r)
			}
			pol, _, ok := rolePolicies(g, r)
			if !ok {
				unjudged = append(unjudged, r)
				continue
			}
			n.p = pol
			if b := r.Str("permissionsBoundary"); b != "" {
				boundaryOf[b] = true
				if pol.Boundary == nil {
					// A boundary of another stack (the bootstrap's): not
					// in this plan, it is at least as strict as nothing.
					n.p.Boundary = nil
				}
			}
		}
		for _, at := range g.ByType(restype.IAMRolePolicyAttachment) {
			if refersTo(r, at.Str("role")) {
				n.attached = append(n.attached, at.Str("policyArn"))
			}
		}
		add(n)
	}
	for _, f := range g.ByType(restype.LambdaFunction) {
		name := f.Str("name")
		if name == "" {
			name = f.Name + "-0000000"
		}
		eg.functions["arn:"+p+":lambda:"+g.regionOr()+":"+acct+":function:"+name] = f.Str("role")
	}
	// The account's principals the plan does not own (IAM user guide,
	// "Accessing a member account": OrganizationAccountAccessRole; an
	// administrators' role that trusts the account, so that IAM policies
	// decide who assumes it; a console administrator).
	root := "arn:" + p + ":iam::" + acct + ":root"
	trustAccount := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{root}}, Action: []string{"sts:AssumeRole"}})
	trustOrg := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{"arn:" + p + ":iam::000000000000:root"}}, Action: []string{"sts:AssumeRole"}})
	for _, m := range []struct {
		name  string
		user  bool
		trust iampolicy.Document
	}{
		{"role/OrganizationAccountAccessRole", false, trustOrg},
		{"role/administrators", false, trustAccount},
		{"user/administrator", true, iampolicy.Document{}},
	} {
		n := &principal{arn: "arn:" + p + ":iam::" + acct + ":" + m.name, label: "the account's " + m.name + " (modelled: an administrator without a boundary)",
			admin: true, user: m.user, p: iampolicy.Policies{Identity: []iampolicy.Document{anything}}}
		if !m.user {
			t := m.trust
			n.trust = &t
		}
		add(n)
	}
	// New roles: under every path of the plan's roles and the root, with
	// every boundary the plan's roles carry, or none.
	paths := map[string]bool{"/": true}
	for _, n := range eg.nodes {
		if !n.user && !n.admin {
			paths[pathOf(n.arn)] = true
		}
		if n.owner != "" {
			paths["/"+n.owner+"/"] = true // awsenv.RolePath: the stack's workload roles
		}
	}
	eg.paths = slices.Sorted(maps.Keys(paths))
	eg.bounds = append([]string{""}, slices.Sorted(maps.Keys(boundaryOf))...)
	return eg, entries, unjudged
}

func (g *Graph) regionOr() string {
	if g.Region == "" {
		return "us-east-1"
	}
	return g.Region
}

// pathOf is an IAM ARN's path ("/ci/").
func pathOf(arn string) string {
	_, rest, _ := strings.Cut(arn, ":role")
	if rest == "" {
		_, rest, _ = strings.Cut(arn, ":user")
	}
	return rest[:strings.LastIndex(rest, "/")+1]
}

// ownerOf is the component a role belongs to: the CIRoles component that
// made it, or the stack's role path.
func ownerOf(r Resource) string {
	if _, c, ok := strings.Cut(r.Parent, "hardening:identity:CIRoles::"); ok {
		return c
	}
	if p := r.Str("path"); len(p) > 2 && p != "/ci/" && !strings.HasPrefix(p, "/aws-service-role/") {
		return strings.Trim(p, "/")
	}
	return ""
}

// ciEntry is how CI reaches a role its trust lets GitHub's OIDC provider
// sign in as: "pull request" when a pull request's subject is trusted.
func ciEntry(trust iampolicy.Document) string {
	entry := ""
	for _, s := range trust.Statement {
		if s.Effect != iampolicy.Allow || s.Principal == nil {
			continue
		}
		for _, f := range s.Principal.Federated {
			if !strings.HasSuffix(f, "oidc-provider/token.actions.githubusercontent.com") {
				continue
			}
			entry = "CI"
			for _, vs := range s.Condition {
				for k, v := range vs {
					if strings.HasSuffix(k, ":sub") && slices.ContainsFunc(v, func(x string) bool {
						return strings.Contains(x, ":ref:refs/pull/") || strings.Contains(x, ":pull_request") || x == "*" || strings.HasSuffix(x, ":*")
					}) {
						return "pull request"
					}
				}
			}
		}
	}
	return entry
}

// allowed decides one request of n, memoized.
func (eg *escalationGraph) allowed(n *principal, action, resource string, ctx ...string) bool {
	key := n.arn + "|" + action + "|" + resource + "|" + strings.Join(ctx, "|")
	if n.generated {
		key = "generated|" + n.bound + "|" + key // its policies are not its ARN's
	}
	if v, ok := eg.decided[key]; ok {
		return v
	}
	region := eg.g.regionOr()
	if f := strings.SplitN(resource, ":", 5); len(f) == 5 && f[3] != "" && f[3] != "*" {
		region = f[3]
	}
	req := iampolicy.Request{Principal: n.arn, Action: action, Resource: resource, Context: map[string][]string{"aws:RequestedRegion": {region}}}
	for i := 0; i+1 < len(ctx); i += 2 {
		if ctx[i+1] != "" {
			req.Context[ctx[i]] = []string{ctx[i+1]}
		}
	}
	ok, _, err := iampolicy.Authorize(req, n.p)
	v := err == nil && ok
	eg.decided[key] = v
	return v
}

// arn fills a codeRunners resource for n.
func (eg *escalationGraph) arn(n *principal, pattern string) string {
	owner := n.owner
	if owner == "" {
		owner = "escalation"
	}
	return strings.NewReplacer("%p", eg.g.partition(), "%r", eg.g.regionOr(), "%a", eg.g.Account, "%o", owner).Replace(pattern)
}

// runsAs reports whether a can run code as a role whose trust lets svc in
// (which a role a can create does), naming the service.
func (eg *escalationGraph) runsAs(a, b *principal, any bool) string {
	for _, cr := range codeRunners {
		if !any && !trusts(b, cr.service, eg.g.Account) {
			continue
		}
		if !eg.allowed(a, "iam:PassRole", b.arn, "iam:PassedToService", cr.service) {
			continue
		}
		runs := true
		for _, c := range cr.calls {
			if !eg.allowed(a, c.action, eg.arn(a, c.resource)) {
				runs = false
				break
			}
		}
		if runs {
			return cr.service
		}
	}
	return ""
}

// trusts reports whether b's trust lets a service assume it for this
// account.
func trusts(b *principal, service, acct string) bool {
	if b.trust == nil {
		return false
	}
	d, err := iampolicy.Evaluate(*b.trust, iampolicy.Request{Principal: service, Service: true, Action: "sts:AssumeRole", Resource: b.arn,
		Context: map[string][]string{"aws:SourceAccount": {acct}}})
	return err == nil && d == iampolicy.Allowed
}

// edges are the principals a reaches in one step.
func (eg *escalationGraph) edges(a *principal) []step {
	var out []step
	for _, b := range eg.nodes {
		if b == a || b.generated {
			continue
		}
		if b.trust != nil {
			req := iampolicy.Request{Principal: a.arn, Action: "sts:AssumeRole", Resource: b.arn, Context: map[string][]string{"aws:RequestedRegion": {eg.g.regionOr()}}}
			if ok, _, err := iampolicy.Authorize(req, iampolicy.Policies{Identity: a.p.Identity, Boundary: a.p.Boundary, Resource: b.trust}); err == nil && ok {
				out = append(out, step{b, "assumes it (sts:AssumeRole: its trust policy and " + a.label + "'s policies allow it)"})
				continue
			}
		}
		if b.user {
			for _, act := range []string{"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"} {
				if eg.allowed(a, act, b.arn) {
					out = append(out, step{b, "signs in as it (" + act + ")"})
					break
				}
			}
			continue
		}
		if eg.allowed(a, "iam:UpdateAssumeRolePolicy", b.arn) && eg.assumesNamed(a, b.arn) {
			out = append(out, step{b, "rewrites its trust to itself (iam:UpdateAssumeRolePolicy) and assumes it"})
			continue
		}
		if svc := eg.runsAs(a, b, false); svc != "" {
			out = append(out, step{b, "passes it to " + svc + " and runs code as it (iam:PassRole)"})
		}
		for fn, role := range eg.functions {
			if strings.HasSuffix(role, b.arn[strings.LastIndex(b.arn, "/"):]) && strings.HasSuffix(b.arn, role[strings.LastIndex(role, "/"):]) && eg.allowed(a, "lambda:UpdateFunctionCode", fn) {
				out = append(out, step{b, "replaces the code of " + fn + ", which runs as it (lambda:UpdateFunctionCode)"})
				break
			}
		}
		if how := eg.writes(a, b); how != "" {
			out = append(out, step{eg.escalated(b, a), how})
		}
	}
	for _, path := range eg.paths {
		for _, bound := range eg.bounds {
			role := "arn:" + eg.g.partition() + ":iam::" + eg.g.Account + ":role" + path + eg.arnOwner(a) + "-escalation"
			if !eg.allowed(a, "iam:CreateRole", role, "iam:PermissionsBoundary", bound) {
				continue
			}
			n := &principal{arn: role, label: "a new role under " + path + boundaryLabel(bound), owner: strings.Trim(path, "/"), generated: true}
			if path == "/" || path == "/ci/" {
				n.owner = ""
			}
			n.p = iampolicy.Policies{Identity: []iampolicy.Document{anything}, Boundary: eg.boundaryDoc(bound)}
			n.bound = bound
			if bound != "" && n.p.Boundary == nil {
				continue
			}
			write := eg.allowed(a, "iam:PutRolePolicy", role, "iam:PermissionsBoundary", bound) ||
				eg.allowed(a, "iam:AttachRolePolicy", role, "iam:PermissionsBoundary", bound, "iam:PolicyARN", administratorAccess)
			if !write {
				continue
			}
			how := ""
			switch {
			case eg.assumesNamed(a, role):
				how = "creates it with any policy, trusting itself (iam:CreateRole, iam:PutRolePolicy) and assumes it"
			default:
				if svc := eg.runsAs(a, n, true); svc != "" {
					how = "creates it with any policy (iam:CreateRole, iam:PutRolePolicy), passes it to " + svc + " and runs code as it"
				}
			}
			if how != "" {
				out = append(out, step{n, how})
			}
		}
	}
	return out
}

func boundaryLabel(b string) string {
	if b == "" {
		return " without a boundary"
	}
	return " with boundary " + b[strings.LastIndex(b, "/")+1:]
}

// arnOwner is the name prefix of what a creates.
func (eg *escalationGraph) arnOwner(a *principal) string {
	if a.owner != "" {
		return a.owner
	}
	return "escalation"
}

// boundaryDoc is the plan's boundary policy of ARN b.
func (eg *escalationGraph) boundaryDoc(b string) *iampolicy.Document {
	if b == "" {
		return nil
	}
	for _, mp := range eg.g.ByType(restype.IAMPolicy) {
		if n := mp.Str("name"); n != "" && strings.HasSuffix(b, "/"+n) {
			d, err := eg.g.iamDoc(mp.Str("policy"))
			if err == nil {
				return &d
			}
		}
	}
	return nil
}

// assumesNamed reports whether a may assume role once its trust names a:
// the trust then decides alone, but for a's boundary (IAM user guide,
// "Policy evaluation logic": a resource policy naming a role is limited by
// the role's boundary).
func (eg *escalationGraph) assumesNamed(a *principal, role string) bool {
	trust := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{a.arn}}, Action: []string{"sts:AssumeRole"}})
	req := iampolicy.Request{Principal: a.arn, Action: "sts:AssumeRole", Resource: role, Context: map[string][]string{"aws:RequestedRegion": {eg.g.regionOr()}}}
	ok, _, err := iampolicy.Authorize(req, iampolicy.Policies{Identity: a.p.Identity, Boundary: a.p.Boundary, Resource: &trust})
	return err == nil && ok
}

// writes says how a can change b's permissions, "" if it cannot.
func (eg *escalationGraph) writes(a, b *principal) string {
	bound := ""
	if b.p.Boundary != nil {
		bound = eg.boundaryARNOf(b)
	}
	ctx := []string{"iam:PermissionsBoundary", bound}
	switch {
	case eg.allowed(a, "iam:PutRolePolicy", b.arn, ctx...):
		return "writes its inline policy (iam:PutRolePolicy)"
	case eg.allowed(a, "iam:AttachRolePolicy", b.arn, append(ctx, "iam:PolicyARN", administratorAccess)...):
		return "attaches AdministratorAccess to it (iam:AttachRolePolicy)"
	case b.p.Boundary != nil && eg.allowed(a, "iam:DeleteRolePermissionsBoundary", b.arn, ctx...):
		return "removes its boundary (iam:DeleteRolePermissionsBoundary)"
	}
	for _, pol := range b.attached {
		for _, act := range []string{"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"} {
			if eg.allowed(a, act, pol) {
				return "rewrites " + pol + ", attached to it (" + act + ")"
			}
		}
	}
	return ""
}

// boundaryARNOf is the ARN of b's boundary.
func (eg *escalationGraph) boundaryARNOf(b *principal) string {
	for _, r := range eg.g.ByType(restype.IAMRole) {
		if roleARN(eg.g, r) == b.arn {
			return r.Str("permissionsBoundary")
		}
	}
	return ""
}

// escalated is b holding any policy under its boundary (none when a may
// remove it).
func (eg *escalationGraph) escalated(b, a *principal) *principal {
	n := &principal{arn: b.arn, label: b.label + " holding any policy", owner: b.owner, admin: b.admin, user: b.user, trust: b.trust, generated: true, attached: b.attached}
	n.p = iampolicy.Policies{Identity: []iampolicy.Document{anything}, Boundary: b.p.Boundary}
	if b.p.Boundary != nil {
		n.bound = eg.boundaryARNOf(b)
		if eg.allowed(a, "iam:DeleteRolePermissionsBoundary", b.arn, "iam:PermissionsBoundary", n.bound) {
			n.p.Boundary, n.bound = nil, ""
		}
	}
	return n
}

// key identifies a node by what it can do.
func (n *principal) key() string {
	return fmt.Sprintf("%s|%t|%s", n.arn, n.generated, n.bound)
}

// reach walks the graph from start and reports each path that ends where
// it must not: administrator rights, another stack's principal, from a
// pull request any other principal, and what a principal reached can do
// to resources it does not own.
func (eg *escalationGraph) reach(start *principal) []string {
	type visit struct {
		n    *principal
		path []string
	}
	seen := map[string]bool{start.key(): true}
	queue := []visit{{start, nil}}
	var problems []string
	found := map[string]bool{}
	// Breadth first, the first path to each end is a shortest one; the
	// others say nothing new.
	report := func(end, msg string) {
		if !found[end] {
			found[end] = true
			problems = append(problems, msg)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, s := range eg.edges(v.n) {
			path := append(slices.Clone(v.path), s.how+": "+s.to.label)
			trail := strings.Join(path, " → ")
			switch {
			case s.to.owner != "" && start.owner != "" && s.to.owner != start.owner:
				report("principal "+s.to.arn, "reaches another stack's principal: "+trail)
				continue
			case s.to.admin || s.to.p.Boundary == nil && slices.ContainsFunc(s.to.p.Identity, func(d iampolicy.Document) bool { return isAnything(d) }):
				report("admin "+s.to.arn, "reaches administrator rights: "+trail+"; refuse a step of it in the boundary or the role's policies")
				continue
			case start.entry == "pull request":
				report("principal "+s.to.arn, "a pull request's role reaches another principal: "+trail+"; the preview role must not change or become any principal")
				continue
			}
			if seen[s.to.key()] {
				continue
			}
			seen[s.to.key()] = true
			for _, req := range eg.foreign(s.to, start.owner) {
				if eg.allowed(s.to, req.Action, req.Resource, flatten(req.Context)...) {
					report(req.Action+" "+req.Resource, fmt.Sprintf("reaches %s on %s, outside its stack: %s; deny it in the boundary", req.Action, req.Resource, trail))
				}
			}
			queue = append(queue, visit{s.to, path})
		}
	}
	sort.Strings(problems)
	return problems
}

func isAnything(d iampolicy.Document) bool {
	return len(d.Statement) == 1 && d.Statement[0].Effect == iampolicy.Allow && slices.Equal(d.Statement[0].Action, []string{"*"}) && slices.Equal(d.Statement[0].Resource, []string{"*"})
}

func flatten(ctx map[string][]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(ctx)) {
		if k != "aws:RequestedRegion" {
			out = append(out, k, ctx[k][0])
		}
	}
	return out
}

// foreign are the requests on resources n's stack does not own: the
// escalations on other owners' resources, and the same on every other
// stack of the plan by its names.
func (eg *escalationGraph) foreign(n *principal, owner string) []iampolicy.Request {
	p, r, a := eg.g.partition(), eg.g.regionOr(), eg.g.Account
	// Another owner's objects (the Pulumi state among them) beside the
	// escalations.
	reqs := append(escalationRequests(eg.g), iampolicy.Request{Action: "s3:GetObject", Resource: "arn:" + p + ":s3:::someone-elses-bucket/object", Context: map[string][]string{}})
	owners := map[string]bool{}
	for _, m := range eg.nodes {
		if m.owner != "" && m.owner != owner {
			owners[m.owner] = true
		}
	}
	for _, o := range slices.Sorted(maps.Keys(owners)) {
		for _, x := range [][2]string{
			{"s3:PutBucketPolicy", "arn:" + p + ":s3:::" + o + "-bucket"},
			{"s3:GetObject", "arn:" + p + ":s3:::" + o + "-bucket/object"},
			{"secretsmanager:GetSecretValue", "arn:" + p + ":secretsmanager:" + r + ":" + a + ":secret:" + o + "/secret-AbCdEf"},
			{"lambda:UpdateFunctionCode", "arn:" + p + ":lambda:" + r + ":" + a + ":function:" + o + "-function"},
		} {
			reqs = append(reqs, iampolicy.Request{Action: x[0], Resource: x[1], Context: map[string][]string{}})
		}
	}
	return reqs
}
