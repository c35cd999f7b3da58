package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/stackconfig"
)

// The stack kinds of a fleet beyond stackconfig's workload and bootstrap.
const (
	// OrgKind runs in the management account: the delegated-administrator
	// registrations and the organization-wide settings.
	OrgKind = "org"
	// SecurityKind runs in the delegated administrator, one per region:
	// GuardDuty's and Security Hub's organization configuration, the
	// organization analyzer, the organization trail (home region), the
	// alerts topic and the CIS alarms on the trail's log group.
	SecurityKind = "security"
	// LogArchiveKind runs in the log-archive account: the organization
	// trail's bucket and key, and the central log buckets.
	LogArchiveKind = "log-archive"
)

// OrgWave is the wave of the organization's own stacks, which run before
// every workload wave.
const OrgWave = "organization"

// StackTag is the aws:defaultTags key that tells a stack's resources apart
// (baseline.StackTagKey; tests hold the two equal).
const StackTag = "environment"

// OrganizationKey is the config key (in the project namespace) of an
// organization stack's settings.
const OrganizationKey = "organization"

// EnvFile is the environment variable that names the fleet file to a
// program run by cmd/fleet: a fleet bootstrap reads its account's workload
// stacks from it.
const EnvFile = "HARDENING_FLEET"

// Stack is one stack of the fleet with its rendered configuration.
type Stack struct {
	// Name is the stack name, from which kind, account and region derive.
	Name string
	// Kind is the stack's kind: org, security, log-archive, bootstrap or
	// workload.
	Kind string
	// Account is the account's name (the organization's stacks: the
	// role, "management", "security", "log-archive").
	Account string
	// AccountID is the 12-digit account ID.
	AccountID string
	// Region is the stack's region.
	Region string
	// Wave is the wave the stack rolls out in.
	Wave string
	// Config maps full keys ("hardening:network", "aws:region") to raw
	// values (objects and arrays as JSON), as a stack file's.
	Config map[string]string
}

// OrgSettings is an organization stack's configuration (key
// "organization"): what org, security and log-archive read.
type OrgSettings struct {
	ID                      string            `json:"id"`
	Management              string            `json:"management"`
	Security                string            `json:"security"`
	LogArchive              string            `json:"logArchive"`
	HomeRegion              string            `json:"homeRegion"`
	Regions                 []string          `json:"regions"`
	DelegatedAdministrators map[string]string `json:"delegatedAdministrators"`
	Emails                  []string          `json:"emails"`
	// OUs are the workload accounts' organizational units.
	OUs []string `json:"ous"`
	// Accounts are the workload accounts' IDs, which the Security Hub
	// configuration policy is associated with.
	Accounts []string `json:"accounts"`
}

// RegionCode is a region's short form in stack names: the area, the
// initials of its direction words, the number (us-east-1: use1,
// ap-southeast-2: apse2, us-gov-west-1: usgw1). Stack names derive AWS
// names that leave little room (S3 bucket prefixes).
func RegionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return region
	}
	var b strings.Builder
	b.WriteString(parts[0])
	for _, p := range parts[1 : len(parts)-1] {
		for _, w := range []string{"north", "south", "east", "west", "central"} {
			if rest, ok := strings.CutPrefix(p, w); ok {
				b.WriteByte(w[0])
				if rest != "" {
					b.WriteByte(rest[0])
				}
				p = ""
				break
			}
		}
		if p != "" {
			b.WriteByte(p[0])
		}
	}
	b.WriteString(parts[len(parts)-1])
	return b.String()
}

// WorkloadStack is the name of an account's workload stack in a region.
func WorkloadStack(account, region string) string { return "wl-" + account + "-" + RegionCode(region) }

// BootstrapStack is the name of an account's bootstrap stack.
func BootstrapStack(account string) string { return "bootstrap-" + account }

// SecurityStack is the name of the security stack of a region.
func SecurityStack(region string) string { return SecurityKind + "-" + RegionCode(region) }

// Stacks renders every stack of the fleet, organization stacks first, then
// the accounts' bootstrap and workload stacks wave by wave. Every stack's
// configuration is validated as stackconfig validates a stack file; the
// error lists every problem, each under its account's key path.
func (f *File) Stacks() ([]Stack, error) {
	var stacks []Stack
	var errs []error
	o := f.Organization
	org := OrgSettings{ID: o.ID, Management: o.Management, Security: o.Security, LogArchive: o.LogArchive, HomeRegion: o.HomeRegion,
		Regions: f.Regions, DelegatedAdministrators: o.DelegatedAdministrators, Emails: o.Emails}
	for _, a := range f.Accounts {
		org.Accounts = append(org.Accounts, a.ID)
		if !slices.Contains(org.OUs, a.OU) {
			org.OUs = append(org.OUs, a.OU)
		}
	}
	slices.Sort(org.OUs)
	orgJSON, err := json.Marshal(org)
	if err != nil {
		return nil, err
	}
	orgStack := func(name, kind, acctName, id, region string) Stack {
		return Stack{Name: name, Kind: kind, Account: acctName, AccountID: id, Region: region, Wave: OrgWave, Config: map[string]string{
			"aws:region": region, "aws:allowedAccountIds": jsonString([]string{id}),
			"aws:defaultTags":                             defaultTags(name),
			stackconfig.Namespace + ":kind":               kind,
			stackconfig.Namespace + ":" + OrganizationKey: string(orgJSON),
		}}
	}
	stacks = append(stacks, orgStack(OrgKind, OrgKind, "management", o.Management, o.HomeRegion),
		orgStack(LogArchiveKind, LogArchiveKind, "log-archive", o.LogArchive, o.HomeRegion))
	for _, r := range f.Regions {
		s := orgStack(SecurityStack(r), SecurityKind, "security", o.DelegatedAdministrators["guardduty"], r)
		if r == o.HomeRegion {
			s.Config[stackconfig.Namespace+":compliance"] = securitySuppressions(s.Name)
		}
		stacks = append(stacks, s)
	}
	for _, w := range f.Waves {
		for ai, a := range f.Accounts {
			if !w.Select.Matches(a) {
				continue
			}
			ws, bs, e := f.accountStacks(ai, a, w)
			errs = append(errs, e...)
			stacks = append(stacks, bs)
			stacks = append(stacks, ws...)
		}
	}
	if len(errs) > 0 {
		return nil, &stackconfig.Error{Problems: dedupe(errs)}
	}
	return stacks, nil
}

// placeProblems puts a rendered stack's problems at the fleet key they
// come from: the account's CIDR of the region, the account, or its
// profile's setting (with the stack it was found in).
func placeProblems(err error, ai int, a Account, region, stack string) []error {
	var list interface{ Unwrap() []error }
	ps := []error{err}
	if errors.As(err, &list) {
		ps = list.Unwrap()
	}
	var out []error
	for _, p := range ps {
		var fe *stackconfig.FieldError
		if !errors.As(p, &fe) {
			out = append(out, fmt.Errorf("accounts[%d] (%s), stack %s: %w", ai, a.Name, stack, p))
			continue
		}
		switch {
		case fe.Key == "network.cidr":
			out = append(out, stackconfig.FieldErr(fmt.Sprintf("accounts[%d].cidrs.%s", ai, region), "%s", fe.Problem))
		case strings.HasPrefix(fe.Key, "aws:") || !strings.Contains(fe.Key, ".") && fe.Key == "production":
			out = append(out, stackconfig.FieldErr(fmt.Sprintf("accounts[%d]", ai), "stack %s: %s: %s", stack, fe.Key, fe.Problem))
		default:
			k := strings.TrimPrefix(fe.Key, stackconfig.Namespace+":")
			out = append(out, &profileProblem{key: "profiles." + a.Profile + ".config." + k, problem: fe.Problem, stack: stack})
		}
	}
	return out
}

// profileProblem is a problem of a profile's setting, found first in
// stack; dedupe counts the others.
type profileProblem struct {
	key, problem, stack string
	more                int
}

func (p *profileProblem) Error() string {
	s := fmt.Sprintf("%s: %s (in stack %s", p.key, p.problem, p.stack)
	if p.more > 0 {
		s += fmt.Sprintf(" and %d more", p.more)
	}
	return s + ")"
}

// dedupe keeps one problem per profile key and message.
func dedupe(errs []error) []error {
	var out []error
	seen := map[string]*profileProblem{}
	for _, e := range errs {
		var p *profileProblem
		if errors.As(e, &p) {
			if first, ok := seen[p.key+"\x00"+p.problem]; ok {
				first.more++
				continue
			}
			seen[p.key+"\x00"+p.problem] = p
		}
		out = append(out, e)
	}
	return out
}

// OrganizationTrailARN is the ARN of the organization trail the security
// stack of the home region creates.
func (f *File) OrganizationTrailARN() string {
	o := f.Organization
	return "arn:aws:cloudtrail:" + o.HomeRegion + ":" + o.DelegatedAdministrators["cloudtrail"] + ":trail/" + OrganizationTrailName
}

// ToolingCIRoleName is the name of the fleet's one CI role, in the
// tooling account under the CI path /ci/: GitHub Actions' fleet workflow
// assumes it through OIDC, and from it each stack's CI role in its
// account. The tooling account's administrator creates it; no stack of
// the fleet does.
const ToolingCIRoleName = stackconfig.Namespace + "-fleet-ci"

// ToolingCIRoleARN is the ARN of the fleet's CI role in the tooling
// account, which every account's CI roles trust.
func (f *File) ToolingCIRoleARN() string {
	o := f.Organization
	return "arn:" + stackconfig.Partition(o.HomeRegion) + ":iam::" + o.Tooling + ":role" + awsenv.CIPath + ToolingCIRoleName
}

// The purposes of the log-archive account's central buckets, in their
// names (LogArchiveBucket).
const (
	OrgTrailPurpose = "org-trail"
	FlowLogsPurpose = "flow-logs"
)

// LogArchiveBucket is the name of the log-archive account's bucket for
// purpose: fixed, so that the organization trail and the members' flow
// logs name it without a reference across accounts; the account and home
// region make it unique across S3.
func LogArchiveBucket(logArchive, homeRegion, purpose string) string {
	return stackconfig.Namespace + "-" + purpose + "-" + logArchive + "-" + homeRegion
}

// FlowLogArchiveBucketARN is the ARN of the log-archive account's central
// flow-log bucket, which every workload stack's VPC delivers to.
func (f *File) FlowLogArchiveBucketARN() string {
	return "arn:" + stackconfig.Partition(f.Organization.HomeRegion) + ":s3:::" + LogArchiveBucket(f.Organization.LogArchive, f.Organization.HomeRegion, FlowLogsPurpose)
}

// OrganizationTrailName is the organization trail's name.
const OrganizationTrailName = stackconfig.Namespace + "-organization"

func (f *File) accountStacks(ai int, a Account, w Wave) ([]Stack, Stack, []error) {
	p := f.Profiles[a.Profile]
	var stacks []Stack
	var errs []error
	var names []string
	for _, r := range f.AccountRegions(a) {
		name := WorkloadStack(a.Name, r)
		names = append(names, name)
		cfg, err := f.renderWorkload(p, a, r, name)
		if err != nil {
			errs = append(errs, placeProblems(err, ai, a, r, name)...)
			continue
		}
		stacks = append(stacks, Stack{Name: name, Kind: string(stackconfig.WorkloadKind), Account: a.Name, AccountID: a.ID, Region: r, Wave: w.Name, Config: cfg})
	}
	bname := BootstrapStack(a.Name)
	boot := Stack{Name: bname, Kind: string(stackconfig.Bootstrap), Account: a.Name, AccountID: a.ID, Region: f.Organization.HomeRegion, Wave: w.Name, Config: map[string]string{
		"aws:region": f.Organization.HomeRegion, "aws:allowedAccountIds": jsonString([]string{a.ID}), "aws:defaultTags": defaultTags(bname),
		stackconfig.Namespace + ":kind":            string(stackconfig.Bootstrap),
		stackconfig.Namespace + ":production":      fmt.Sprint(p.Production),
		stackconfig.Namespace + ":protectStateful": fmt.Sprint(p.Production),
		// The account's CI roles trust the tooling account's CI role, not
		// a GitHub OIDC provider of the account's own, which the fleet
		// does not create.
		stackconfig.Namespace + ":bootstrap": jsonString(map[string]any{"stacks": names, "createProvider": false,
			"fleet": map[string]string{"ciRoleArn": f.ToolingCIRoleARN()}}),
	}}
	if _, err := Parse1(boot); err != nil {
		errs = append(errs, placeProblems(err, ai, a, f.Organization.HomeRegion, bname)...)
	}
	return stacks, boot, errs
}

// renderWorkload renders a workload stack's configuration from its
// profile and account, and validates it as a stack file.
func (f *File) renderWorkload(p Profile, a Account, region, name string) (map[string]string, error) {
	cfg := map[string]string{
		"aws:region": region, "aws:allowedAccountIds": jsonString([]string{a.ID}), "aws:defaultTags": defaultTags(name),
		stackconfig.Namespace + ":production": fmt.Sprint(p.Production),
	}
	sub := strings.NewReplacer("${account}", a.ID, "${region}", region, "${stack}", name)
	settings := maps.Clone(p.Config)
	if settings == nil {
		settings = map[string]any{}
	}
	network, _ := settings["network"].(map[string]any)
	network = maps.Clone(network)
	if network == nil {
		network = map[string]any{}
	}
	network["cidr"] = a.CIDRs[region]
	// The flow logs reach the log-archive account too, out of the member
	// administrators' reach (its bucket admits the organization's
	// deliveries: baseline's log-archive stack).
	network["flowLogArchiveBucketArn"] = f.FlowLogArchiveBucketARN()
	settings["network"] = network
	// The organization runs GuardDuty, Security Hub and the trail: a
	// member's own detector or trail would duplicate (a second detector in
	// an account and region fails).
	audit, _ := settings["audit"].(map[string]any)
	audit = maps.Clone(audit)
	if audit == nil {
		audit = map[string]any{}
	}
	audit["guardDuty"], audit["securityHub"] = false, false
	trail, _ := audit["trail"].(map[string]any)
	trail = maps.Clone(trail)
	if trail == nil {
		trail = map[string]any{}
	}
	trail["enabled"] = false
	trail["organizationTrailArn"] = f.OrganizationTrailARN()
	delete(trail, "objectLockDays")
	audit["trail"] = trail
	settings["audit"] = audit
	for k, v := range settings {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		raw := sub.Replace(string(b))
		if s, ok := v.(string); ok {
			raw = sub.Replace(s) // scalars are passed as the engine passes them, unquoted
		}
		if _, ok := v.(bool); ok {
			raw = fmt.Sprint(v)
		}
		cfg[stackconfig.Namespace+":"+k] = raw
	}
	if _, err := Parse1(Stack{Name: name, Config: cfg}); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse1 validates one rendered stack as stackconfig validates a stack
// file; organization stacks are checked by ParseOrg.
func Parse1(s Stack) (*stackconfig.Config, error) {
	var keys []string
	for k := range s.Config {
		if rest, ok := strings.CutPrefix(k, stackconfig.Namespace+":"); ok && rest != "compliance" {
			keys = append(keys, rest)
		}
	}
	slices.Sort(keys)
	return stackconfig.ParseKeys(keys, func(key string) (string, bool) {
		if !strings.Contains(key, ":") {
			key = stackconfig.Namespace + ":" + key
		}
		v, ok := s.Config[key]
		return v, ok
	}, func(string) bool { return false })
}

// IsOrgKind reports whether kind is one of the organization's stack kinds.
func IsOrgKind(kind string) bool {
	return kind == OrgKind || kind == SecurityKind || kind == LogArchiveKind
}

// ParseOrg reads an organization stack's settings (the raw value of key
// "organization").
func ParseOrg(raw string) (*OrgSettings, error) {
	var o OrgSettings
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return nil, fmt.Errorf("%s:%s: %w", stackconfig.Namespace, OrganizationKey, err)
	}
	if o.Management == "" || o.Security == "" || o.LogArchive == "" || o.HomeRegion == "" || len(o.Regions) == 0 {
		return nil, fmt.Errorf("%s:%s: management, security, logArchive, homeRegion and regions are required; the fleet renders them (cmd/fleet)", stackconfig.Namespace, OrganizationKey)
	}
	return &o, nil
}

func defaultTags(stack string) string {
	return jsonString(map[string]any{"tags": map[string]string{"project": stackconfig.Namespace, StackTag: stack}})
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(b)
}

// Workloads are the workload stacks of account among stacks, parsed, in
// the shape a bootstrap reads.
func Workloads(stacks []Stack, account string) ([]stackconfig.Stack, error) {
	var out []stackconfig.Stack
	for _, s := range stacks {
		if s.Kind != string(stackconfig.WorkloadKind) || s.AccountID != account {
			continue
		}
		cfg, err := Parse1(s)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", s.Name, err)
		}
		out = append(out, stackconfig.Stack{Name: s.Name, Config: cfg})
	}
	return out, nil
}

// securitySuppressions are the findings the home region's security stack
// accepts, each with its reason.
func securitySuppressions(stack string) string {
	component := stackconfig.Namespace + "-" + stack
	return jsonString(map[string]any{"suppressions": []map[string]string{
		{"rule": "deploy-ordering", "resource": component, "reason": "the organization trail's bucket and its policy belong to the log-archive stack, another account's, which rolls out before the security stacks (organization wave order: org, log-archive, security)"},
		{"rule": "iam-permissions-boundary", "resource": component + "-trail", "reason": "the security account has no bootstrap stack (and so no boundary) in this fleet; the trail's delivery role is trusted by CloudTrail only and may only write its log group's streams"},
	}})
}
