package compliance

import (
	"fmt"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// cisMonitoring is, for each CIS v3.0.0 section 4 recommendation, events
// its published metric filter pattern matches and events it does not
// (CIS AWS Foundations Benchmark v3.0.0 4.1-4.15, audit procedure step 2;
// Security Hub CloudWatch.1-14 publish the same patterns). A filter meets
// the recommendation when it matches every event of match and none of
// miss: its pattern means what the published one means on the events
// that tell them apart (an inverted comparison, a missing event name, a
// condition dropped), not only names the same words.
var cisMonitoring = []cisRecommendation{
	// 4.1: { ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }
	// (the benchmark allows excluding delivery.logs.amazonaws.com and
	// HeadBucket to reduce noise: no sample tells them apart).
	{"4.1", "CloudWatch.2",
		[]map[string]any{
			event("ec2.amazonaws.com", "RunInstances", "errorCode", "Client.UnauthorizedOperation"),
			event("ec2.amazonaws.com", "DescribeInstances", "errorCode", "UnauthorizedOperation"),
			event("s3.amazonaws.com", "GetObject", "errorCode", "AccessDenied"),
			event("kms.amazonaws.com", "Decrypt", "errorCode", "AccessDeniedException"),
		},
		[]map[string]any{
			event("ec2.amazonaws.com", "RunInstances"),
			event("kms.amazonaws.com", "Decrypt", "errorCode", "ThrottlingException"),
			event("s3.amazonaws.com", "GetObject", "errorCode", "NoSuchKey"),
		}},
	// 4.2: { ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }
	// (or with && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success"),
	// which the benchmark offers to leave out SSO sign-ins).
	{"4.2", "CloudWatch.3",
		[]map[string]any{
			consoleLogin("IAMUser", "No", "Success"),
		},
		[]map[string]any{
			consoleLogin("IAMUser", "Yes", "Success"),
			consoleLogin("Root", "Yes", "Success"),
			withFields(event("signin.amazonaws.com", "CheckMfa"), "additionalEventData", map[string]any{"MFAUsed": "No"}, "userIdentity", map[string]any{"type": "IAMUser"}, "responseElements", map[string]any{"ConsoleLogin": "Success"}),
		}},
	// 4.3: { $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }
	{"4.3", "CloudWatch.1",
		[]map[string]any{
			withFields(event("iam.amazonaws.com", "CreateAccessKey"), "userIdentity", map[string]any{"type": "Root"}),
			withFields(consoleLogin("Root", "Yes", "Success"), "eventType", "AwsConsoleSignIn"),
		},
		[]map[string]any{
			withFields(event("s3.amazonaws.com", "PutObject"), "userIdentity", map[string]any{"type": "Root", "invokedBy": "s3.amazonaws.com"}),
			withFields(event("sts.amazonaws.com", "AssumeRole"), "userIdentity", map[string]any{"type": "Root"}, "eventType", "AwsServiceEvent"),
			withFields(event("iam.amazonaws.com", "CreateAccessKey"), "userIdentity", map[string]any{"type": "IAMUser"}),
		}},
	{"4.4", "CloudWatch.4", names("iam.amazonaws.com", false, "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"),
		names("iam.amazonaws.com", false, "GetRolePolicy", "ListPolicies", "CreateRole", "GetPolicyVersion")},
	{"4.5", "CloudWatch.5", names("cloudtrail.amazonaws.com", false, "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
		names("cloudtrail.amazonaws.com", false, "DescribeTrails", "GetTrailStatus", "LookupEvents")},
	// 4.6: { ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }
	{"4.6", "CloudWatch.6",
		[]map[string]any{
			withFields(consoleLogin("IAMUser", "No", "Failure"), "errorMessage", "Failed authentication"),
		},
		[]map[string]any{
			consoleLogin("IAMUser", "No", "Failure"),
			consoleLogin("IAMUser", "Yes", "Success"),
			withFields(event("signin.amazonaws.com", "CheckMfa"), "errorMessage", "Failed authentication"),
		}},
	{"4.7", "CloudWatch.7", names("kms.amazonaws.com", false, "DisableKey", "ScheduleKeyDeletion"),
		append(names("kms.amazonaws.com", false, "DescribeKey", "EnableKey", "CancelKeyDeletion"), names("kms.amazonaws.com", true, "DisableKey")...)},
	{"4.8", "CloudWatch.8", names("s3.amazonaws.com", false, "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"),
		append(names("s3.amazonaws.com", false, "GetBucketPolicy", "PutObject", "PutBucketTagging"), names("s3.amazonaws.com", true, "PutBucketPolicy")...)},
	{"4.9", "CloudWatch.9", names("config.amazonaws.com", false, "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"),
		append(names("config.amazonaws.com", false, "DescribeConfigurationRecorders", "StartConfigurationRecorder"), names("config.amazonaws.com", true, "StopConfigurationRecorder")...)},
	{"4.10", "CloudWatch.10", names("ec2.amazonaws.com", false, "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
		names("ec2.amazonaws.com", false, "DescribeSecurityGroups", "ModifyInstanceAttribute")},
	{"4.11", "CloudWatch.11", names("ec2.amazonaws.com", false, "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
		names("ec2.amazonaws.com", false, "DescribeNetworkAcls", "CreateSubnet")},
	{"4.12", "CloudWatch.12", names("ec2.amazonaws.com", false, "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"),
		names("ec2.amazonaws.com", false, "DescribeInternetGateways", "DescribeCustomerGateways")},
	{"4.13", "CloudWatch.13", names("ec2.amazonaws.com", false, "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),
		append(names("ec2.amazonaws.com", false, "DescribeRouteTables", "CreateVpc"), names("ec2.amazonaws.com", true, "CreateRoute")...)},
	{"4.14", "CloudWatch.14", names("ec2.amazonaws.com", false, "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"),
		names("ec2.amazonaws.com", false, "DescribeVpcs", "CreateSubnet")},
	{"4.15", "", names("organizations.amazonaws.com", false, "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit"),
		append(names("organizations.amazonaws.com", false, "DescribeOrganization", "ListAccounts"), names("organizations.amazonaws.com", true, "CreateAccount")...)},
}

// event is a CloudTrail record of an API call from source, with extra
// top-level fields as name, value pairs.
func event(source, name string, kv ...any) map[string]any {
	e := map[string]any{
		"eventVersion": "1.08", "eventSource": source, "eventName": name, "eventType": "AwsApiCall",
		"awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
		"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/app/s"},
	}
	return withFields(e, kv...)
}

func withFields(e map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		e[kv[i].(string)] = kv[i+1]
	}
	return e
}

func consoleLogin(identity, mfa, outcome string) map[string]any {
	return withFields(event("signin.amazonaws.com", "ConsoleLogin"), "eventType", "AwsConsoleSignIn",
		"userIdentity", map[string]any{"type": identity},
		"additionalEventData", map[string]any{"MFAUsed": mfa},
		"responseElements", map[string]any{"ConsoleLogin": outcome})
}

// names is one event per name from source; otherSource puts them in
// another service's events (a pattern that scopes by eventSource does not
// match them).
func names(source string, otherSource bool, ns ...string) []map[string]any {
	if otherSource {
		source = "cloudhsm.amazonaws.com"
	}
	var out []map[string]any
	for _, n := range ns {
		out = append(out, event(source, n))
	}
	return out
}

// meetsCIS reports whether pattern matches what recommendation i's
// published pattern matches; why says which sample it gets wrong.
func meetsCIS(i int, pattern string) (ok bool, why string) {
	m := cisMonitoring[i]
	for _, e := range m.match {
		if hit, err := MatchFilter(pattern, e); err != nil || !hit {
			return false, fmt.Sprintf("misses %s %s", e["eventSource"], e["eventName"])
		}
	}
	for _, e := range m.miss {
		if hit, err := MatchFilter(pattern, e); err != nil || hit {
			return false, fmt.Sprintf("also matches %s %s", e["eventSource"], e["eventName"])
		}
	}
	return true, ""
}

func monitoringControls() []string {
	var out []string
	for _, m := range cisMonitoring {
		out = append(out, m.controls()...)
	}
	return out
}

// cisRecommendation is one CIS section 4 recommendation, its Security
// Hub control (none for 4.15) and the events that tell its pattern apart.
type cisRecommendation struct {
	cis, hub    string
	match, miss []map[string]any
}

func (m cisRecommendation) controls() []string {
	if m.hub == "" {
		return []string{"CIS " + m.cis}
	}
	return []string{"CIS " + m.cis, "SecurityHub " + m.hub}
}

// trailLogGroups returns the log groups that multi-Region trails recording
// all management events deliver to (CIS 4.x audit step 1: IsMultiRegionTrail,
// IsLogging, a CloudWatchLogsLogGroupArn and management events of type
// All), keyed by logGroupKey; unknown is set when a trail's settings are
// not known yet; why says what the other trails lack.
func trailLogGroups(g *Graph) (groups map[string]bool, unknown bool, why []string) {
	groups = map[string]bool{}
	for _, t := range g.ByType(restype.CloudTrailTrail) {
		seen := false
		tt := t.tracked(&seen)
		multi, _ := tt.Bool("isMultiRegionTrail")
		logging, set := tt.Bool("enableLogging")
		mgmt := allManagementEvents(tt)
		arn := tt.Get("cloudWatchLogsGroupArn")
		role := tt.Get("cloudWatchLogsRoleArn")
		_, arnUnknown := arn.(Unknown)
		if !arnUnknown && (arn == nil || arn == "") {
			why = append(why, t.Name+" does not deliver to CloudWatch Logs (no cloudWatchLogsGroupArn)")
			continue
		}
		if seen {
			unknown = true
			if key := refKey(g, t, "cloudWatchLogsGroupArn"); key != "" && arnUnknown && multi && mgmt {
				groups[key] = true
			}
			continue
		}
		switch {
		case !multi:
			why = append(why, t.Name+" is not multi-Region")
		case set && !logging:
			why = append(why, t.Name+" is not logging")
		case !mgmt:
			why = append(why, t.Name+" does not record all read and write management events")
		case arn == nil || arn == "" || role == nil || role == "":
			why = append(why, t.Name+" does not deliver to CloudWatch Logs (cloudWatchLogsGroupArn and cloudWatchLogsRoleArn)")
		default:
			s, _ := arn.(string)
			name, _, _ := strings.Cut(s[strings.Index(s, ":log-group:")+len(":log-group:"):], ":")
			groups[name] = true
		}
	}
	return groups, unknown, why
}

// refKey names the log group an input of r refers to: the group's name when
// known, else the URN the input came from; "" when neither is known.
func refKey(g *Graph, r Resource, input string) string {
	for _, u := range r.PropertyDependencies[input] {
		for _, lg := range g.ByType(restype.CloudWatchLogGroup) {
			if lg.URN == u {
				if n := lg.Str("name"); n != "" {
					return n
				}
				return u
			}
		}
	}
	return ""
}

// filterGroup is the key of the log group a metric filter reads.
func filterGroup(g *Graph, f Resource) string {
	if n := f.Str("logGroupName"); n != "" {
		return n
	}
	return refKey(g, f, "logGroupName")
}

// monitoringRules judge the CIS section 4 metric filters and alarms.
func monitoringRules() []Rule {
	return []Rule{cisMetricFilters}
}

// cisMetricFilters follows the CIS v3.0.0 4.1-4.15 audit procedure (and
// Security Hub CloudWatch.1-14, which run it): a multi-Region trail
// recording all management events delivers to a CloudWatch Logs group; on
// that group, a metric filter whose pattern means the published one; an
// alarm on the filter's metric with an action. A finding names only the
// recommendations it fails. The alarm topic's subscriber is
// alarm-topic-subscribed's.
var cisMetricFilters = Rule{ID: "cis-metric-filters", Controls: monitoringControls(), Severity: Medium,
	Description: "A stack that has a trail or metric filters has a multi-Region trail recording all management events that delivers to CloudWatch Logs and, on that log group, for each CIS v3.0 4.1-4.15 recommendation a metric filter matching what the published pattern matches (checked on CloudTrail events that tell them apart) and an alarm on its metric with an action; not judged while the trail's log group, a pattern or an alarm is computed at deployment, or when the stack has filters but no trail.",
	Check: func(g *Graph) []Violation {
		filters := g.ByType(restype.CloudWatchLogMetricFilter)
		trails := g.ByType(restype.CloudTrailTrail)
		if len(filters) == 0 && len(trails) == 0 {
			return nil // the account's trail and alarms belong to another stack
		}
		anchor := append(trails, filters...)[0]
		if len(trails) == 0 {
			// Which group the account's trail delivers to is another
			// stack's: the filters cannot be judged here.
			return []Violation{notJudged(anchor)}
		}
		groups, groupsUnknown, why := trailLogGroups(g)
		alarmed, alarmUnknown := map[string]bool{}, false
		for _, a := range g.ByType(restype.CloudWatchMetricAlarm) {
			if a.Unknown("alarmActions") || a.Unknown("namespace") || a.Unknown("metricName") {
				alarmUnknown = true
				continue
			}
			if len(a.List("alarmActions")) > 0 {
				alarmed[a.Str("namespace")+"/"+a.Str("metricName")] = true
			}
		}
		var out []Violation
		var unjudged []string
		for i, m := range cisMonitoring {
			ok, unknown := false, groupsUnknown
			var near []string
			for _, f := range filters {
				if f.Unknown("pattern") || f.Unknown("metricTransformation.namespace") || f.Unknown("metricTransformation.name") {
					unknown = true
					continue
				}
				group := filterGroup(g, f)
				if group == "" {
					unknown = true
					continue
				}
				match, _ := meetsCIS(i, f.Str("pattern"))
				if !match {
					continue
				}
				if !groups[group] {
					near = append(near, fmt.Sprintf("%s reads %s, not a log group the multi-Region trail delivers to", f.Name, group))
					continue
				}
				metric := f.Str("metricTransformation.namespace") + "/" + f.Str("metricTransformation.name")
				if alarmed[metric] {
					ok = true
				} else if alarmUnknown {
					unknown = true
				} else {
					near = append(near, fmt.Sprintf("%s's metric %s has no alarm with an action", f.Name, metric))
				}
			}
			switch {
			case ok:
			case unknown:
				unjudged = append(unjudged, m.controls()...)
			default:
				detail := strings.Join(append(why, near...), "; ")
				if detail == "" {
					detail = "no filter's pattern matches what the published one matches"
				}
				out = append(out, Violation{URN: anchor.URN, Controls: m.controls(),
					Message: fmt.Sprintf("%s %s: CIS %s not met: %s; add, on the trail's log group, a metric filter with the published pattern and an alarm on its metric", shortType(anchor.Type), anchor.Name, m.cis, detail)})
			}
		}
		if len(unjudged) > 0 {
			v := notJudged(anchor)
			v.Controls = unjudged
			out = append(out, v)
		}
		return out
	}}
