// Package fleet reads the fleet file: one AWS Organization's accounts, the
// regions they use, what each workload account gets (profiles) and the
// order a change rolls out in (waves). From it the fleet derives every
// stack of the organization (org, security, log-archive, a bootstrap per
// account, a workload stack per account and region) and renders each
// one's configuration, which stackconfig validates as it validates a
// stack file. The fleet file, not hundreds of stack files, holds the
// configuration.
package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/example/hardening/stackconfig"
)

// File is a fleet file.
type File struct {
	// Organization names the organization's special accounts and its home
	// region. Key "organization".
	Organization Organization `json:"organization"`
	// Regions are every region the fleet's workload accounts use, in the
	// order a wave rolls out unless it names its own. Key "regions".
	Regions []string `json:"regions"`
	// Network holds the rules across accounts' address plans. Key
	// "network".
	Network NetworkPolicy `json:"network"`
	// Profiles are what a workload account gets, by name. Key "profiles".
	Profiles map[string]Profile `json:"profiles"`
	// Accounts are the workload accounts. Key "accounts".
	Accounts []Account `json:"accounts"`
	// Waves are the rollout's stages, in order; every account is in
	// exactly one. Key "waves".
	Waves []Wave `json:"waves"`
}

// Organization is the AWS Organization's structure as the fleet uses it.
type Organization struct {
	// ID is the organization's ID (o-xxxxxxxxxx), which the log-archive
	// buckets' aws:PrincipalOrgID conditions name.
	ID string `json:"id"`
	// Management is the management account's ID: the org stack runs
	// there, and nothing else does.
	Management string `json:"management"`
	// Security is the security (audit) account's ID: the delegated
	// administrator of GuardDuty, Security Hub, Access Analyzer and
	// CloudTrail unless delegatedAdministrators says otherwise.
	Security string `json:"security"`
	// LogArchive is the log-archive account's ID: the organization trail's
	// bucket and the central log buckets live there.
	LogArchive string `json:"logArchive"`
	// HomeRegion is where the organization-wide resources (the trail, the
	// finding aggregator, the log buckets) live.
	HomeRegion string `json:"homeRegion"`
	// DelegatedAdministrators maps a service (one of Services) to the
	// account ID that administers it for the organization. Default: every
	// service to the security account.
	DelegatedAdministrators map[string]string `json:"delegatedAdministrators"`
	// Repository is the GitHub repository (owner/name) whose CI deploys
	// the fleet.
	Repository string `json:"repository"`
	// Tooling is the account ID of the one CI role that assumes each
	// account's deploy role.
	Tooling string `json:"tooling"`
	// Emails are the addresses the organization's alerts topic notifies.
	Emails []string `json:"emails"`
}

// NetworkPolicy holds the rules across the accounts' VPC address plans.
type NetworkPolicy struct {
	// UniqueAcrossAccounts refuses a CIDR that overlaps another account's
	// (for fleets whose VPCs are peered or share a transit gateway).
	// Default false: overlap is refused within an account's regions only.
	UniqueAcrossAccounts bool `json:"uniqueAcrossAccounts"`
}

// Profile is what a workload account gets.
type Profile struct {
	// Production marks the profile's stacks production (stackconfig's
	// "production").
	Production bool `json:"production"`
	// Config holds the workload stack's project settings, as a stack file's
	// hardening:<key> values (network, tls, secrets, identity, rateLimit,
	// ...). In strings, ${account} is the account's ID, ${region} the
	// stack's region and ${stack} the stack's name. network.cidr comes from
	// the account; the audit services the organization runs are switched
	// off by the fleet.
	Config map[string]any `json:"config"`
}

// Account is one workload account.
type Account struct {
	// Name names the account's stacks (bootstrap-<name>, wl-<name>-<region code>):
	// lower-case letters and digits.
	Name string `json:"name"`
	// ID is the 12-digit account ID.
	ID string `json:"id"`
	// OU is the organizational unit's path or name (waves select by it).
	OU string `json:"ou"`
	// Profile names the profile the account's workload stacks follow.
	Profile string `json:"profile"`
	// Tags select the account in waves.
	Tags map[string]string `json:"tags"`
	// CIDRs are the VPC block of each region the account uses.
	CIDRs map[string]string `json:"cidrs"`
	// ExcludedRegions are regions of the fleet the account does not use.
	ExcludedRegions []string `json:"excludedRegions"`
}

// Wave is one stage of a rollout.
type Wave struct {
	// Name names the wave (and its GitHub environment's approval).
	Name string `json:"name"`
	// Select picks the wave's accounts.
	Select Selector `json:"select"`
	// MaxConcurrent is how many of the wave's stacks run at once: a count
	// ("10") or a percentage of the wave's stacks ("25%"). Default "1".
	MaxConcurrent string `json:"maxConcurrent"`
	// FailureTolerance is how many stacks may fail before the wave stops
	// starting new ones: a count or a percentage. Default "0".
	FailureTolerance string `json:"failureTolerance"`
	// RegionOrder is the order the wave's regions roll out in; a region
	// finishes before the next starts. Default the fleet's regions.
	RegionOrder []string `json:"regionOrder"`
	// Approval requires a GitHub environment approval before the wave
	// deploys. Production accounts' waves must ask for it.
	Approval bool `json:"approval"`
}

// Selector picks accounts: one that matches any of OUs, all of Tags, or is
// named in Accounts.
type Selector struct {
	OUs      []string          `json:"ous"`
	Tags     map[string]string `json:"tags"`
	Accounts []string          `json:"accounts"`
}

// Matches reports whether the selector picks a.
func (s Selector) Matches(a Account) bool {
	for _, n := range s.Accounts {
		if n == a.Name || n == a.ID {
			return true
		}
	}
	for _, ou := range s.OUs {
		if ou == a.OU {
			return true
		}
	}
	if len(s.Tags) == 0 {
		return false
	}
	for k, v := range s.Tags {
		if a.Tags[k] != v {
			return false
		}
	}
	return true
}

// Read reads and validates the fleet file at path.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the fleet file the user names
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	return Parse(b)
}

// Parse decodes a fleet file, checks its shape (every unknown key and
// wrong type at its path), then validates it; the error lists every
// problem at once.
func Parse(b []byte) (*File, error) {
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, &stackconfig.Error{Problems: []error{fmt.Errorf("fleet file: %w", err)}}
	}
	// Through JSON, so that numbers and maps take the shapes CheckShape
	// and encoding/json expect.
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, &stackconfig.Error{Problems: []error{fmt.Errorf("fleet file: %w", err)}}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, &stackconfig.Error{Problems: []error{fmt.Errorf("fleet file: %w", err)}}
	}
	if v == nil {
		return nil, &stackconfig.Error{Problems: []error{stackconfig.FieldErr("fleet", "is empty; give organization, regions, profiles, accounts and waves")}}
	}
	if errs := checkTop(v); len(errs) > 0 {
		return nil, &stackconfig.Error{Problems: errs}
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&f); err != nil {
		return nil, &stackconfig.Error{Problems: []error{fmt.Errorf("fleet file: %w", err)}}
	}
	f.defaults()
	if errs := f.Validate(); len(errs) > 0 {
		return nil, &stackconfig.Error{Problems: errs}
	}
	return &f, nil
}

// checkTop checks the document's shape; a profile's config is checked
// when its stacks are rendered, against the stack's own settings.
func checkTop(v any) []error {
	obj, ok := v.(map[string]any)
	if !ok {
		return []error{stackconfig.FieldErr("fleet", "expected an object with organization, regions, profiles, accounts and waves")}
	}
	var errs []error
	for k, val := range obj {
		if k == "profiles" {
			profiles, ok := val.(map[string]any)
			if !ok {
				errs = append(errs, stackconfig.FieldErr("profiles", "expected an object of profiles by name"))
				continue
			}
			for name, p := range profiles {
				errs = append(errs, stackconfig.CheckShape(p, reflect.TypeOf(Profile{}), "profiles."+name)...)
			}
			continue
		}
		errs = append(errs, stackconfig.CheckShape(map[string]any{k: val}, reflect.TypeOf(File{}), "fleet")...)
	}
	// "fleet.regions" reads as "regions": the path starts at the file.
	for i, e := range errs {
		var fe *stackconfig.FieldError
		if asField(e, &fe) && len(fe.Key) > len("fleet.") && fe.Key[:len("fleet.")] == "fleet." {
			errs[i] = stackconfig.FieldErr(fe.Key[len("fleet."):], "%s", fe.Problem)
		}
	}
	sortErrs(errs)
	return errs
}

func (f *File) defaults() {
	for i := range f.Waves {
		w := &f.Waves[i]
		if w.MaxConcurrent == "" {
			w.MaxConcurrent = "1"
		}
		if w.FailureTolerance == "" {
			w.FailureTolerance = "0"
		}
		if len(w.RegionOrder) == 0 {
			w.RegionOrder = append([]string(nil), f.Regions...)
		}
	}
	if f.Organization.DelegatedAdministrators == nil {
		f.Organization.DelegatedAdministrators = map[string]string{}
	}
	for _, s := range Services {
		if _, ok := f.Organization.DelegatedAdministrators[s.Name]; !ok {
			f.Organization.DelegatedAdministrators[s.Name] = f.Organization.Security
		}
	}
}

// AccountRegions are the fleet's regions the account uses, in the fleet's
// order.
func (f *File) AccountRegions(a Account) []string {
	var out []string
	for _, r := range f.Regions {
		excluded := false
		for _, x := range a.ExcludedRegions {
			excluded = excluded || x == r
		}
		if !excluded {
			out = append(out, r)
		}
	}
	return out
}
