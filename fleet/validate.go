package fleet

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/stackconfig"
)

// Service is an AWS service the organization administers from a delegated
// administrator account.
type Service struct {
	// Name is the key of organization.delegatedAdministrators.
	Name string
	// Principal is the service principal registered with AWS
	// Organizations (RegisterDelegatedAdministrator's ServicePrincipal).
	Principal string
	// ManagementAllowed reports whether AWS lets the management account
	// be the delegated administrator.
	ManagementAllowed bool
	// Source is the AWS documentation the constraint is read from.
	Source string
}

// Services are the services the org stack delegates. The management
// account cannot be the delegated administrator of CloudTrail ("The
// management account cannot be a delegated administrator", CloudTrail
// user guide, "Add a CloudTrail delegated administrator") nor of Security
// Hub's central configuration, which needs a delegated administrator that
// is not the management account (Security Hub user guide, "Designating a
// Security Hub administrator account": "the organization management
// account cannot be the delegated administrator" for central
// configuration). GuardDuty and Access Analyzer accept it, and AWS
// recommends against it; the fleet refuses it for them too, so that the
// management account runs nothing but the org stack.
var Services = []Service{
	{Name: "access-analyzer", Principal: "access-analyzer.amazonaws.com", Source: "IAM user guide, \"Delegated administrator for IAM Access Analyzer\""},
	{Name: "cloudtrail", Principal: "cloudtrail.amazonaws.com", Source: "CloudTrail user guide, \"Add a CloudTrail delegated administrator\""},
	{Name: "guardduty", Principal: "guardduty.amazonaws.com", Source: "GuardDuty user guide, \"Managing GuardDuty accounts with AWS Organizations\""},
	{Name: "securityhub", Principal: "securityhub.amazonaws.com", Source: "Security Hub user guide, \"Designating a Security Hub administrator account\""},
}

var (
	accountIDRE = regexp.MustCompile(`^\d{12}$`)
	// orgIDRE is AWS Organizations' organization ID pattern
	// (Organizations API reference, Organization.Id).
	orgIDRE = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	// nameRE keeps account names to what every derived AWS name accepts.
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	// countRE is a count or a percentage.
	countRE = regexp.MustCompile(`^(\d+)(%?)$`)
)

func fe(key, format string, args ...any) error { return stackconfig.FieldErr(key, format, args...) }

func asField(err error, out **stackconfig.FieldError) bool { return errors.As(err, out) }

func sortErrs(errs []error) {
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
}

// Validate checks the fleet across its parts and returns every problem,
// each at its key path. Rendering (Stacks) then validates each stack's
// configuration as stackconfig validates a stack file.
func (f *File) Validate() []error {
	var errs []error
	errs = append(errs, f.validateOrganization()...)
	errs = append(errs, f.validateRegions()...)
	if len(f.Profiles) == 0 {
		errs = append(errs, fe("profiles", "is empty; define at least one profile, what a workload account gets"))
	}
	errs = append(errs, f.validateAccounts()...)
	errs = append(errs, f.validateWaves()...)
	return errs
}

func (f *File) validateOrganization() []error {
	o := f.Organization
	var errs []error
	if !orgIDRE.MatchString(o.ID) {
		errs = append(errs, fe("organization.id", "%q is not an organization ID (o- and 10 to 32 lower-case letters or digits)", o.ID))
	}
	special := map[string]string{"organization.management": o.Management, "organization.security": o.Security, "organization.logArchive": o.LogArchive, "organization.tooling": o.Tooling}
	seen := map[string]string{}
	for _, k := range []string{"organization.management", "organization.security", "organization.logArchive", "organization.tooling"} {
		id := special[k]
		switch {
		case !accountIDRE.MatchString(id):
			errs = append(errs, fe(k, "%q is not a 12-digit AWS account ID", id))
		case seen[id] != "":
			errs = append(errs, fe(k, "%s is also %s; the management, security, log-archive and tooling accounts are four accounts, so that none holds another's powers", id, seen[id]))
		default:
			seen[id] = k
		}
	}
	if !stackconfig.KnownRegion(o.HomeRegion) {
		errs = append(errs, fe("organization.homeRegion", "%q is not an AWS region such as us-east-1", o.HomeRegion))
	} else if !slices.Contains(f.Regions, o.HomeRegion) {
		errs = append(errs, fe("organization.homeRegion", "%q is not one of regions (%s); the organization's trail, aggregator and buckets live in a region the fleet uses", o.HomeRegion, strings.Join(f.Regions, ", ")))
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`).MatchString(o.Repository) {
		errs = append(errs, fe("organization.repository", "%q is not a GitHub repository (owner/name)", o.Repository))
	}
	for k, id := range o.DelegatedAdministrators {
		i := slices.IndexFunc(Services, func(s Service) bool { return s.Name == k })
		key := "organization.delegatedAdministrators." + k
		if i < 0 {
			var names []string
			for _, s := range Services {
				names = append(names, s.Name)
			}
			errs = append(errs, fe(key, "is not a service the org stack delegates; valid here: %s", strings.Join(names, ", ")))
			continue
		}
		s := Services[i]
		switch {
		case !accountIDRE.MatchString(id):
			errs = append(errs, fe(key, "%q is not a 12-digit AWS account ID", id))
		case id == o.Management && !s.ManagementAllowed:
			errs = append(errs, fe(key, "%s is the management account, which cannot be %s's delegated administrator (%s); name the security account %s", id, s.Name, s.Source, o.Security))
		case id != o.Security && id != o.LogArchive:
			errs = append(errs, fe(key, "%s is neither the security account (%s) nor the log-archive account (%s); a workload account administering the organization's %s would see every account's findings", id, o.Security, o.LogArchive, s.Name))
		}
	}
	// The security stacks run where GuardDuty and Security Hub are
	// administered: they must be administered from one account.
	if d := o.DelegatedAdministrators; d["guardduty"] != d["securityhub"] {
		errs = append(errs, fe("organization.delegatedAdministrators.securityhub", "%s differs from guardduty's %s; the security stacks run both from one account", d["securityhub"], d["guardduty"]))
	}
	return errs
}

func (f *File) validateRegions() []error {
	var errs []error
	if len(f.Regions) == 0 {
		errs = append(errs, fe("regions", "is empty; list the regions the fleet uses"))
	}
	codes := map[string]string{}
	for i, r := range f.Regions {
		k := fmt.Sprintf("regions[%d]", i)
		switch {
		case !stackconfig.KnownRegion(r):
			errs = append(errs, fe(k, "%q is not an AWS region such as us-east-1", r))
		case slices.Index(f.Regions, r) != i:
			errs = append(errs, fe(k, "%q is listed twice", r))
		case codes[RegionCode(r)] != "":
			errs = append(errs, fe(k, "%q has the stack-name code %s of %s", r, RegionCode(r), codes[RegionCode(r)]))
		default:
			codes[RegionCode(r)] = r
		}
	}
	return errs
}

func (f *File) validateAccounts() []error {
	var errs []error
	if len(f.Accounts) == 0 {
		errs = append(errs, fe("accounts", "is empty; list the workload accounts"))
	}
	names, ids := map[string]int{}, map[string]int{}
	o := f.Organization
	type block struct {
		prefix netip.Prefix
		key    string
		acct   int
	}
	var all []block
	for i, a := range f.Accounts {
		key := fmt.Sprintf("accounts[%d]", i)
		switch {
		case !nameRE.MatchString(a.Name):
			errs = append(errs, fe(key+".name", "%q is not an account name (a lower-case letter, then lower-case letters and digits)", a.Name))
		default:
			if j, dup := names[a.Name]; dup {
				errs = append(errs, fe(key+".name", "%q is also accounts[%d]'s name", a.Name, j))
			}
			names[a.Name] = i
			errs = append(errs, nameLength(key+".name", a.Name, f.AccountRegions(a))...)
		}
		switch {
		case !accountIDRE.MatchString(a.ID):
			errs = append(errs, fe(key+".id", "%q is not a 12-digit AWS account ID", a.ID))
		case a.ID == o.Management || a.ID == o.Security || a.ID == o.LogArchive || a.ID == o.Tooling:
			errs = append(errs, fe(key+".id", "%s is one of the organization's own accounts (management, security, log-archive, tooling); workloads run in accounts of their own", a.ID))
		default:
			if j, dup := ids[a.ID]; dup {
				errs = append(errs, fe(key+".id", "%s is also accounts[%d]'s ID", a.ID, j))
			}
			ids[a.ID] = i
		}
		if a.OU == "" {
			errs = append(errs, fe(key+".ou", "is empty; name the account's organizational unit"))
		}
		if _, ok := f.Profiles[a.Profile]; !ok {
			errs = append(errs, fe(key+".profile", "%q is not a profile; valid here: %s", a.Profile, strings.Join(sortedNames(f.Profiles), ", ")))
		}
		for j, r := range a.ExcludedRegions {
			if !slices.Contains(f.Regions, r) {
				errs = append(errs, fe(fmt.Sprintf("%s.excludedRegions[%d]", key, j), "%q is not one of regions", r))
			}
		}
		regions := f.AccountRegions(a)
		if len(regions) == 0 && len(f.Regions) > 0 {
			errs = append(errs, fe(key+".excludedRegions", "excludes every region; an account with no workload stack has no place in accounts"))
		}
		var mine []block
		for _, r := range sortedKeys(a.CIDRs) {
			k := key + ".cidrs." + r
			if !slices.Contains(regions, r) {
				errs = append(errs, fe(k, "is not a region the account uses (%s)", strings.Join(regions, ", ")))
				continue
			}
			p, err := netip.ParsePrefix(a.CIDRs[r])
			if err != nil || p.Masked() != p {
				errs = append(errs, fe(k, "%q is not a network address block such as 10.20.0.0/16", a.CIDRs[r]))
				continue
			}
			b := block{p, k, i}
			for _, m := range mine {
				if m.prefix.Overlaps(p) {
					errs = append(errs, fe(k, "%s overlaps %s (%s) in the same account; an account's regional VPCs need distinct blocks to be connected", p, m.key, m.prefix))
				}
			}
			mine = append(mine, b)
		}
		for _, r := range regions {
			if _, ok := a.CIDRs[r]; !ok && stackconfig.KnownRegion(r) {
				errs = append(errs, fe(key+".cidrs."+r, "is not set; give the VPC block of each region the account uses (or exclude the region)"))
			}
		}
		if f.Network.UniqueAcrossAccounts {
			for _, b := range mine {
				for _, o := range all {
					if o.prefix.Overlaps(b.prefix) {
						errs = append(errs, fe(b.key, "%s overlaps %s (%s); network.uniqueAcrossAccounts refuses overlap between accounts", b.prefix, o.key, o.prefix))
					}
				}
			}
		}
		all = append(all, mine...)
	}
	return errs
}

// nameLength refuses an account name whose stacks' derived AWS names
// would be too long: the workload component "hardening-<stack>" prefixes
// role names (with "-ci-preview" and pulumi-aws's suffix) and the load
// balancer's log bucket prefix (with "-lb-logs-"), the limits baseline
// checks of a stack file's name.
func nameLength(key, name string, regions []string) []error {
	for _, r := range regions {
		component := stackconfig.Namespace + "-" + WorkloadStack(name, r)
		if err := awsname.AutoNamedRole(component + "-ci-preview"); err != nil {
			return []error{fe(key, "%q makes stack %s's role names too long: %v", name, WorkloadStack(name, r), err)}
		}
		if n := len(component + "-lb-logs-"); n > awsname.S3BucketPrefixMax {
			return []error{fe(key, "%q makes stack %s's log bucket prefix %d characters, over S3's %d; use at most %d characters", name, WorkloadStack(name, r), n, awsname.S3BucketPrefixMax, len(name)-(n-awsname.S3BucketPrefixMax))}
		}
	}
	return nil
}

func (f *File) validateWaves() []error {
	var errs []error
	if len(f.Waves) == 0 {
		errs = append(errs, fe("waves", "is empty; every account is in exactly one wave"))
	}
	in := map[int][]string{}
	for i, w := range f.Waves {
		key := fmt.Sprintf("waves[%d]", i)
		if !nameRE.MatchString(w.Name) {
			errs = append(errs, fe(key+".name", "%q is not a wave name (a lower-case letter, then lower-case letters and digits)", w.Name))
		} else if slices.IndexFunc(f.Waves, func(o Wave) bool { return o.Name == w.Name }) != i {
			errs = append(errs, fe(key+".name", "%q is the name of an earlier wave", w.Name))
		}
		s := w.Select
		if len(s.OUs) == 0 && len(s.Tags) == 0 && len(s.Accounts) == 0 {
			errs = append(errs, fe(key+".select", "selects nothing; give ous, tags or accounts"))
		}
		for j, n := range s.Accounts {
			if !slices.ContainsFunc(f.Accounts, func(a Account) bool { return a.Name == n || a.ID == n }) {
				errs = append(errs, fe(fmt.Sprintf("%s.select.accounts[%d]", key, j), "%q is neither the name nor the ID of an account", n))
			}
		}
		for j, ou := range s.OUs {
			if !slices.ContainsFunc(f.Accounts, func(a Account) bool { return a.OU == ou }) {
				errs = append(errs, fe(fmt.Sprintf("%s.select.ous[%d]", key, j), "%q is the OU of no account", ou))
			}
		}
		for _, k := range []struct{ key, v string }{{"maxConcurrent", w.MaxConcurrent}, {"failureTolerance", w.FailureTolerance}} {
			n, pct, err := parseCount(k.v)
			switch {
			case err != nil:
				errs = append(errs, fe(key+"."+k.key, "%q is not a count (\"5\") or a percentage (\"25%%\")", k.v))
			case pct && n > 100:
				errs = append(errs, fe(key+"."+k.key, "%q is over 100%%", k.v))
			case k.key == "maxConcurrent" && n == 0:
				errs = append(errs, fe(key+"."+k.key, "%q runs nothing; use at least 1 (or 1%%)", k.v))
			}
		}
		for j, r := range w.RegionOrder {
			switch {
			case !slices.Contains(f.Regions, r):
				errs = append(errs, fe(fmt.Sprintf("%s.regionOrder[%d]", key, j), "%q is not one of regions", r))
			case slices.Index(w.RegionOrder, r) != j:
				errs = append(errs, fe(fmt.Sprintf("%s.regionOrder[%d]", key, j), "%q is listed twice", r))
			}
		}
		for _, r := range f.Regions {
			if !slices.Contains(w.RegionOrder, r) {
				errs = append(errs, fe(key+".regionOrder", "leaves out %q; order every region of the fleet", r))
			}
		}
		production := false
		for ai, a := range f.Accounts {
			if s.Matches(a) {
				in[ai] = append(in[ai], w.Name)
				production = production || f.Profiles[a.Profile].Production
			}
		}
		if production && !w.Approval {
			errs = append(errs, fe(key+".approval", "false, but the wave holds production accounts; a production wave waits for a reviewer's approval"))
		}
	}
	if len(f.Waves) > 0 {
		for ai, a := range f.Accounts {
			switch ws := in[ai]; len(ws) {
			case 0:
				errs = append(errs, fe(fmt.Sprintf("accounts[%d]", ai), "%s is in no wave; every account is in exactly one", a.Name))
			case 1:
			default:
				errs = append(errs, fe(fmt.Sprintf("accounts[%d]", ai), "%s is in waves %s; every account is in exactly one", a.Name, strings.Join(ws, ", ")))
			}
		}
	}
	return errs
}

// parseCount reads a count ("5") or a percentage ("25%").
func parseCount(s string) (n int, percent bool, err error) {
	m := countRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false, fmt.Errorf("%q is not a count or a percentage", s)
	}
	n, err = strconv.Atoi(m[1])
	return n, m[2] == "%", err
}

// Resolve turns a count or a percentage of total into a count; a
// percentage rounds down, and a maximum concurrency is at least 1.
func Resolve(s string, total int, atLeastOne bool) int {
	n, pct, err := parseCount(s)
	if err != nil {
		return 0
	}
	if pct {
		n = total * n / 100
	}
	if atLeastOne && n < 1 {
		n = 1
	}
	return n
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sortedKeys(m map[string]string) []string { return sortedNames(m) }
