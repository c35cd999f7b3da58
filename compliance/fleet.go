package compliance

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// FleetStack is one planned stack of a fleet as the fleet rules read it:
// what it is and where it deploys, and its resources.
type FleetStack struct {
	Name    string
	Kind    string
	Account string
	Region  string
	Graph   *Graph
}

// FleetViolation is a broken fleet rule: the stack and resource it was
// found at, and what is wrong.
type FleetViolation struct {
	Rule     string
	Stack    string
	Resource string
	Message  string
}

// FleetRule judges the fleet's stacks together: what no one stack's rules
// can see (two stacks creating the same account-wide resource).
type FleetRule struct {
	ID          string
	Severity    Severity
	Description string
	Check       func(stacks []FleetStack) []FleetViolation
}

// FleetRules are the rules across a fleet's stacks, the one registry list.
func FleetRules() []FleetRule {
	return []FleetRule{FleetAccountWideOnce, FleetOneOrganizationTrail, FleetNoMemberDetector, FleetFlowLogsToLogArchive}
}

// AccountWideTypes are the resource types of which an account holds one
// (global) or one per region (regional): a second fails with an
// "already exists" (an account password policy, S3 Block Public Access
// for the account, a GuardDuty detector per region, an OIDC provider per
// URL).
var AccountWideTypes = map[string]bool{
	restype.IAMAccountPasswordPolicy:   false,
	restype.S3AccountPublicAccessBlock: false,
	restype.IAMOpenIdConnectProvider:   false,
	restype.GuardDutyDetector:          true,
	restype.SecurityHubAccount:         true,
}

// FleetAccountWideOnce: no account-wide resource type twice in an account
// (per region for regional ones), across all of the account's stacks.
var FleetAccountWideOnce = FleetRule{
	ID: "fleet-account-wide-once", Severity: Critical,
	Description: "An account holds each account-wide resource (password policy, S3 Block Public Access, OIDC provider per URL, GuardDuty detector and Security Hub per region) from one stack only.",
	Check: func(stacks []FleetStack) []FleetViolation {
		seen := map[string]string{}
		var out []FleetViolation
		for _, s := range stacks {
			for _, r := range s.Graph.Resources {
				regional, ok := AccountWideTypes[r.Type]
				if !ok {
					continue
				}
				key := s.Account + " " + r.Type
				if regional {
					key += " " + regionOf(s, r)
				}
				if r.Type == restype.IAMOpenIdConnectProvider {
					key += " " + r.Str("url")
				}
				if first, dup := seen[key]; dup {
					out = append(out, FleetViolation{Stack: s.Name, Resource: r.Name,
						Message: fmt.Sprintf("%s in account %s is also created by stack %s; the second fails with an already-exists error", shortType(r.Type), s.Account, first)})
					continue
				}
				seen[key] = s.Name
			}
		}
		return out
	},
}

// regionOf is the region a resource deploys into: its explicit
// provider's, else its stack's.
func regionOf(s FleetStack, r Resource) string {
	if r.Provider != "" {
		for _, p := range s.Graph.Resources {
			if p.URN == r.Provider {
				if region := p.Str("region"); region != "" {
					return region
				}
			}
		}
	}
	return s.Region
}

// FleetOneOrganizationTrail: exactly one organization trail in the fleet
// (CloudTrail's own advice: a second organization trail records every
// event of every account twice, and is billed as a paid trail).
var FleetOneOrganizationTrail = FleetRule{
	ID: "fleet-one-organization-trail", Severity: High,
	Description: "The fleet has exactly one organization trail (cloudtrail.Trail with isOrganizationTrail).",
	Check: func(stacks []FleetStack) []FleetViolation {
		var found []string
		for _, s := range stacks {
			for _, r := range s.Graph.Resources {
				if org, _ := r.Bool("isOrganizationTrail"); r.Type == restype.CloudTrailTrail && org {
					found = append(found, s.Name+"/"+r.Name)
				}
			}
		}
		switch len(found) {
		case 1:
			return nil
		case 0:
			return []FleetViolation{{Message: "no stack creates an organization trail; the member stacks rely on one (audit.trail.organizationTrailArn)"}}
		}
		sort.Strings(found)
		return []FleetViolation{{Stack: strings.Split(found[1], "/")[0], Message: fmt.Sprintf("%d organization trails (%s); keep one", len(found), strings.Join(found, ", "))}}
	},
}

// FleetNoMemberDetector: where the organization manages GuardDuty
// (an organization configuration auto-enabling members), no member
// account's stack creates a detector: GuardDuty enables the member's
// detector itself, and a member's own would fail or be detached from the
// administrator.
var FleetNoMemberDetector = FleetRule{
	ID: "fleet-no-member-detector", Severity: Critical,
	Description: "Where a GuardDuty organization configuration auto-enables members, only the delegated administrator's stacks create detectors.",
	Check: func(stacks []FleetStack) []FleetViolation {
		admins := map[string]bool{}
		for _, s := range stacks {
			for _, r := range s.Graph.Resources {
				if r.Type == restype.GuardDutyOrganizationConfiguration && r.Str("autoEnableOrganizationMembers") != "NONE" {
					admins[s.Account] = true
				}
			}
		}
		if len(admins) == 0 {
			return nil
		}
		var out []FleetViolation
		for _, s := range stacks {
			if admins[s.Account] {
				continue
			}
			for _, r := range s.Graph.Resources {
				if r.Type == restype.GuardDutyDetector {
					out = append(out, FleetViolation{Stack: s.Name, Resource: r.Name,
						Message: fmt.Sprintf("a GuardDuty detector in member account %s, where the organization enables GuardDuty for every member; set audit.guardDuty false", s.Account)})
				}
			}
		}
		return out
	},
}

// FleetFlowLogsToLogArchive: every member VPC's flow logs reach the
// log-archive account (an S3 destination in its flow-log bucket) besides
// the account's own log group, so that a member's administrator cannot
// erase them. The destination must be a bucket the log-archive stack
// creates (an S3 bucket ARN names no account: a name that merely carries
// the account's ID proves nothing), given as its ARN or a prefix of it
// (arn:<partition>:s3:::<bucket>[/<prefix>], CreateFlowLogs
// LogDestination), and the flow log must capture ALL traffic of that VPC,
// as the member's own does.
var FleetFlowLogsToLogArchive = FleetRule{
	ID: "fleet-flow-logs-to-log-archive", Severity: Medium,
	Description: "Every workload VPC delivers flow logs of ALL traffic to a bucket the log-archive stack creates.",
	Check: func(stacks []FleetStack) []FleetViolation {
		archive, buckets := "", map[string]bool{}
		for _, s := range stacks {
			if s.Kind != "log-archive" {
				continue
			}
			archive = s.Account
			for _, r := range s.Graph.Resources {
				if b := r.Str("bucket"); r.Type == restype.S3BucketV2 && b != "" {
					buckets[b] = true
				}
			}
		}
		var out []FleetViolation
		for _, s := range stacks {
			if s.Kind != "workload" {
				continue
			}
			for _, vpc := range s.Graph.Resources {
				if vpc.Type != restype.EC2VPC {
					continue
				}
				if !archivesFlowLogs(s.Graph, vpc, buckets) {
					msg := fmt.Sprintf("no flow log of ALL traffic of VPC %s reaches a bucket of the log-archive account %s; its flow logs stay in account %s only", vpc.Name, archive, s.Account)
					if archive == "" {
						msg = fmt.Sprintf("the fleet has no log-archive stack; the flow logs of VPC %s stay in account %s only", vpc.Name, s.Account)
					}
					out = append(out, FleetViolation{Stack: s.Name, Resource: vpc.Name, Message: msg})
				}
			}
		}
		return out
	},
}

// archivesFlowLogs reports whether a flow log of vpc (its vpcId the VPC's
// id, or taken from the VPC) delivers ALL traffic to one of buckets.
func archivesFlowLogs(g *Graph, vpc Resource, buckets map[string]bool) bool {
	for _, r := range g.Resources {
		if r.Type != restype.EC2FlowLog || r.Str("logDestinationType") != "s3" || r.Str("trafficType") != "ALL" {
			continue
		}
		if !(vpc.ID != "" && r.Str("vpcId") == vpc.ID) && !slices.Contains(r.PropertyDependencies["vpcId"], vpc.URN) {
			continue
		}
		arn := r.Str("logDestination")
		if _, rest, ok := strings.Cut(arn, ":s3:::"); ok && strings.HasPrefix(arn, "arn:") {
			bucket, _, _ := strings.Cut(rest, "/")
			if buckets[bucket] {
				return true
			}
		}
	}
	return false
}

// EvaluateFleet runs the fleet rules and returns their violations, rule by
// rule.
func EvaluateFleet(stacks []FleetStack, rules []FleetRule) []FleetViolation {
	var out []FleetViolation
	for _, r := range rules {
		for _, v := range r.Check(stacks) {
			v.Rule = r.ID
			out = append(out, v)
		}
	}
	return out
}

// BlockingFleet are the violations of mandatory fleet rules.
func BlockingFleet(vs []FleetViolation, rules []FleetRule) []FleetViolation {
	var out []FleetViolation
	for _, v := range vs {
		if i := slices.IndexFunc(rules, func(r FleetRule) bool { return r.ID == v.Rule }); i >= 0 && rules[i].Severity.Mandatory() {
			out = append(out, v)
		}
	}
	return out
}
