package compliance

import (
	"fmt"
	"slices"
	"strings"
	"sync"

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
	// 4.13: the benchmark scopes the names to ec2.amazonaws.com, Security
	// Hub CloudWatch.13's published pattern (and Prowler's reading of
	// 4.13) does not; both pass, so no sample from another source.
	{"4.13", "CloudWatch.13", names("ec2.amazonaws.com", false, "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),
		names("ec2.amazonaws.com", false, "DescribeRouteTables", "CreateVpc")},
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
// published pattern matches; why says which sample it gets wrong. Each
// event it must match is also tried with the fields no recommendation
// reads changed (Region, source address, user agent, account, request
// parameters, and the caller's identity type where the pattern does not
// name it), so that a pattern narrowed to one of them does not pass.
func meetsCIS(i int, pattern string) (ok bool, why string) {
	key := cisVerdictKey{i, pattern}
	if v, found := cisVerdicts.Load(key); found {
		r := v.([2]string)
		return r[0] == "", r[1]
	}
	ok, why = judgeCIS(i, pattern)
	cisVerdicts.Store(key, [2]string{map[bool]string{true: "", false: "no"}[ok], why})
	return ok, why
}

type cisVerdictKey struct {
	i       int
	pattern string
}

// cisVerdicts memoizes meetsCIS: every rule run judges the same patterns.
var cisVerdicts sync.Map

func judgeCIS(i int, pattern string) (ok bool, why string) {
	m := cisMonitoring[i]
	for _, e := range m.match {
		for _, v := range append([]map[string]any{e}, variants(m.cis, e)...) {
			if hit, err := MatchFilter(pattern, v); err != nil || !hit {
				return false, fmt.Sprintf("misses %s %s", e["eventSource"], e["eventName"])
			}
		}
	}
	for _, e := range m.miss {
		if hit, err := MatchFilter(pattern, e); err != nil || hit {
			return false, fmt.Sprintf("also matches %s %s", e["eventSource"], e["eventName"])
		}
	}
	return true, ""
}

// variants are copies of e with the fields that recommendation cis does not
// read set to other values.
func variants(cis string, e map[string]any) []map[string]any {
	var out []map[string]any
	vary := func(kv ...any) {
		c := map[string]any{}
		for k, v := range e {
			c[k] = v
		}
		out = append(out, withFields(c, kv...))
	}
	vary("awsRegion", "eu-central-1", "sourceIPAddress", "203.0.113.50", "userAgent", "aws-cli/2.15", "recipientAccountId", "444455556666",
		"requestParameters", map[string]any{"name": "x"}, "eventVersion", "1.09")
	if cis != "4.2" && cis != "4.3" {
		// 4.2 may be scoped to IAM users, 4.3 is the root user's.
		id, _ := e["userIdentity"].(map[string]any)
		for _, typ := range []string{"IAMUser", "Root", "AssumedRole", "FederatedUser"} {
			c := map[string]any{}
			for k, v := range id {
				c[k] = v
			}
			c["type"] = typ
			c["arn"] = "arn:aws:iam::444455556666:user/someone"
			vary("userIdentity", c)
		}
	}
	return out
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
		// The audit asks for IncludeManagementEvents and ReadWriteType
		// All; excluded event sources are CloudTrail.1's.
		mgmt := managementEvents(tt, true)
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

// cloudWatchRules judge the CIS section 4 metric filters and alarms.
func cloudWatchRules() []Rule {
	return []Rule{cisMetricFilters, alarmTopicSubscribed, alarmsReachSomeone}
}

// alarmState is what the alarms on one metric do: whether one sends to an
// SNS topic with its actions enabled, and whether one's actions or metric
// are computed at deployment.
type alarmState struct {
	notifies, unknown bool
	// alarms are those that notify SNS (or might, when unknown).
	alarms []Resource
}

// cisAlarms indexes, by namespace/metric, the alarms that send to SNS
// (CIS 4.x audit step 3: an alarm on the filter's metric whose
// AlarmActions name an SNS topic; ActionsEnabled false silences it).
func cisAlarms(g *Graph) (map[string]*alarmState, bool) {
	out := map[string]*alarmState{}
	anyUnknown := false
	for _, a := range g.ByType(restype.CloudWatchMetricAlarm) {
		seen := false
		at := a.tracked(&seen)
		ns, metric := at.Str("namespace"), at.Str("metricName")
		enabled, set := at.Bool("actionsEnabled")
		sns, unknownAction := false, false
		if a.Unknown("alarmActions") && refersToType(g, a, "alarmActions", restype.SNSTopic) {
			// The whole list computed from the stack's topics: it
			// notifies them.
			sns, seen = true, at.Unknown("namespace") || at.Unknown("metricName") || at.Unknown("actionsEnabled")
		}
		for _, act := range at.List("alarmActions") {
			switch v := act.(type) {
			case string:
				if strings.Contains(v, ":sns:") {
					sns = true
				}
			case Unknown, Secret:
				if refersToType(g, a, "alarmActions", restype.SNSTopic) {
					sns = true
				} else {
					unknownAction = true
				}
			}
		}
		if seen && (at.Unknown("namespace") || at.Unknown("metricName") || !sns && at.Unknown("alarmActions") || at.Unknown("actionsEnabled")) {
			anyUnknown = true
			continue
		}
		key := ns + "/" + metric
		st := out[key]
		if st == nil {
			st = &alarmState{}
			out[key] = st
		}
		switch {
		case set && !enabled:
		case sns:
			st.notifies = true
			st.alarms = append(st.alarms, a)
		case unknownAction:
			st.unknown = true
			st.alarms = append(st.alarms, a)
		}
	}
	return out, anyUnknown
}

// refersToType reports whether input of r came from a resource of typ.
func refersToType(g *Graph, r Resource, input, typ string) bool {
	for _, u := range r.PropertyDependencies[input] {
		for _, x := range g.ByType(typ) {
			if x.URN == u {
				return true
			}
		}
	}
	return false
}

// cisMetricFilters follows the CIS v3.0.0 4.1-4.15 audit procedure (and
// Security Hub CloudWatch.1-14, which run it): a multi-Region trail
// recording all management events delivers to a CloudWatch Logs group; on
// that group, a metric filter whose pattern means the published one; an
// alarm on the filter's metric that notifies an SNS topic. A finding names only the
// recommendations it fails. The alarm topic's subscriber is
// alarm-topic-subscribed's.
var cisMetricFilters = Rule{ID: "cis-metric-filters", Controls: monitoringControls(), Severity: Medium,
	Source:      "CIS AWS Foundations Benchmark v3.0.0 4.1-4.15 audit procedure (steps 1-3: the multi-Region logging trail with management events read and write, its CloudWatchLogsLogGroupArn, a metric filter on that group with the published pattern, an alarm on the filter's metricName and metricNamespace whose AlarmActions name an SNS topic); https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html (CloudWatch.1-14); CloudWatch Logs user guide, Filter pattern syntax (JSON log events)",
	Description: "A stack that has a trail or metric filters has a multi-Region trail recording all management events that delivers to CloudWatch Logs and, on that log group, for each CIS v3.0 4.1-4.15 recommendation a metric filter matching what the published pattern matches (checked on CloudTrail events that tell them apart) and an alarm on its metric (namespace and name) with actions enabled and an SNS topic among its alarm actions; not judged while the trail's log group, a pattern or an alarm is computed at deployment, or when the stack has filters but no trail.",
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
		alarms, alarmUnknown := cisAlarms(g)
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
				st := alarms[metric]
				switch {
				case st != nil && st.notifies:
					ok = true
				case alarmUnknown || st != nil && st.unknown:
					unknown = true
				default:
					near = append(near, fmt.Sprintf("%s's metric %s has no alarm with an SNS action", f.Name, metric))
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

// alarmTopicSubscribed follows the last step of the CIS v3.0.0 4.1-4.15
// audit: `aws sns list-subscriptions-by-topic` on the topic of the alarm
// that meets the recommendation shows at least one subscriber. A finding
// names the recommendations whose alarms notify only topics without one.
// A topic of another stack (an ARN that names none of this stack's
// topics) is not judged here; a subscription's confirmation is the
// runtime's.
var alarmTopicSubscribed = Rule{ID: "alarm-topic-subscribed", Controls: []string{"CIS 4.1", "CIS 4.2", "CIS 4.3", "CIS 4.4", "CIS 4.5", "CIS 4.6", "CIS 4.7", "CIS 4.8", "CIS 4.9",
	"CIS 4.10", "CIS 4.11", "CIS 4.12", "CIS 4.13", "CIS 4.14", "CIS 4.15"}, Severity: Medium,
	Source:      "CIS AWS Foundations Benchmark v3.0.0 4.1-4.15 audit procedure, step 4 (sns list-subscriptions-by-topic: at least one subscriber)",
	Description: "The SNS topics the CIS 4.1-4.15 alarms notify have a subscriber (an sns.TopicSubscription of the topic). Part: whether the subscription is confirmed is the runtime's; a topic of another stack is not judged.",
	Check: func(g *Graph) []Violation {
		alarms, _ := cisAlarms(g)
		topics := g.ByType(restype.SNSTopic)
		subs := g.ByType(restype.SNSTopicSubscription)
		subscribed := func(t Resource) bool {
			if len(g.Dependents(t.URN, restype.SNSTopicSubscription)) > 0 {
				return true
			}
			for _, s := range subs {
				if arn := s.Str("topic"); arn != "" && topicNamed(arn) == t.Str("name") {
					return true
				}
			}
			return false
		}
		// A subscription whose topic is computed from nothing the plan
		// shows may be any topic's.
		subscriptionUnknown := false
		for _, s := range subs {
			if s.Unknown("topic") && len(s.PropertyDependencies["topic"]) == 0 {
				subscriptionUnknown = true
			}
		}
		failed := map[string][]string{}
		var order []string
		unjudged := map[string][]string{}
		for i, m := range cisMonitoring {
			state, unsubscribed := triNo, ""
			candidates := 0
			for _, f := range g.ByType(restype.CloudWatchLogMetricFilter) {
				if ok, _ := meetsCIS(i, f.Str("pattern")); !ok {
					continue
				}
				st := alarms[f.Str("metricTransformation.namespace")+"/"+f.Str("metricTransformation.name")]
				if st == nil {
					continue
				}
				for _, a := range st.alarms {
					candidates++
					for _, t := range alarmTopics(g, a, topics) {
						switch {
						case t.URN == "":
							state = or3(state, triUnknown)
						case subscribed(t):
							state = triYes
						case subscriptionUnknown:
							state = or3(state, triUnknown)
						case unsubscribed == "":
							unsubscribed = t.URN
						}
					}
				}
			}
			switch {
			case candidates == 0 || state == triYes:
			case state == triUnknown:
				anchor := alarmAnchor(g)
				unjudged[anchor] = append(unjudged[anchor], m.controls()[0])
			case unsubscribed != "":
				if failed[unsubscribed] == nil {
					order = append(order, unsubscribed)
				}
				failed[unsubscribed] = append(failed[unsubscribed], m.controls()[0])
			}
		}
		var out []Violation
		for _, urn := range order {
			var t Resource
			for _, x := range topics {
				if x.URN == urn {
					t = x
				}
			}
			n := len(g.Dependents(t.URN, restype.CloudWatchMetricAlarm))
			out = append(out, Violation{URN: urn, Controls: failed[urn], Message: fmt.Sprintf("%s %s: notifies no one of its %d alarms (%s); subscribe an address or endpoint (hardening:alerts)", shortType(t.Type), t.Name, n, strings.Join(failed[urn], ", "))})
		}
		for urn, controls := range unjudged {
			v := Violation{URN: urn, NotJudged: true, Controls: controls, Message: "the topic a CIS alarm notifies is computed at deployment or another stack's: " + NotJudgedMessage}
			out = append(out, v)
		}
		return out
	}}

// alarmAnchor is the resource a not-judged subscriber finding is put on:
// the first alarm.
func alarmAnchor(g *Graph) string {
	if as := g.ByType(restype.CloudWatchMetricAlarm); len(as) > 0 {
		return as[0].URN
	}
	return ""
}

// topicNamed is the topic name an SNS topic ARN ends with.
func topicNamed(arn string) string { return arn[strings.LastIndex(arn, ":")+1:] }

// alarmTopics are the stack's topics an alarm's SNS actions name: by ARN,
// or by the reference a computed ARN came from; a Resource without URN
// stands for a topic the stack does not declare or one not known yet.
func alarmTopics(g *Graph, a Resource, topics []Resource) []Resource {
	var out []Resource
	refs := a.PropertyDependencies["alarmActions"]
	if a.Unknown("alarmActions") {
		for _, t := range topics {
			if slices.Contains(refs, t.URN) {
				out = append(out, t)
			}
		}
		if len(out) == 0 {
			out = append(out, Resource{})
		}
		return out
	}
	for _, act := range a.List("alarmActions") {
		s, isString := act.(string)
		if isString && !strings.Contains(s, ":sns:") {
			continue
		}
		found := false
		for _, t := range topics {
			byName := isString && t.Str("name") != "" && topicNamed(s) == t.Str("name")
			byRef := slices.Contains(refs, t.URN)
			if byName || byRef {
				out = append(out, t)
				found = true
			}
		}
		if !found {
			out = append(out, Resource{})
		}
	}
	return out
}

// alarmsReachSomeone is the project's own: every SNS topic of the stack
// that an alarm notifies has a subscriber, whatever the alarm watches (an
// alarm nobody receives detects nothing). alarm-topic-subscribed judges
// the CIS alarms' topics against the benchmark.
var alarmsReachSomeone = Rule{ID: "alarm-topic-has-subscriber", Severity: Medium,
	Source:      "docs/compliance.md (the project's own: alerts reach a person)",
	Description: "Every SNS topic of the stack that a CloudWatch alarm notifies has a subscription. Not judged while a subscription's topic is computed from nothing the plan shows.",
	Check: func(g *Graph) []Violation {
		subs := g.ByType(restype.SNSTopicSubscription)
		var out []Violation
		for _, t := range g.ByType(restype.SNSTopic) {
			alarms := len(g.Dependents(t.URN, restype.CloudWatchMetricAlarm))
			if alarms == 0 || len(g.Dependents(t.URN, restype.SNSTopicSubscription)) > 0 {
				continue
			}
			unknown := false
			for _, s := range subs {
				if arn := s.Str("topic"); arn != "" && topicNamed(arn) == t.Str("name") {
					alarms = 0
				}
				if s.Unknown("topic") && len(s.PropertyDependencies["topic"]) == 0 {
					unknown = true
				}
			}
			switch {
			case alarms == 0:
			case unknown:
				out = append(out, notJudged(t))
			default:
				out = append(out, Violation{URN: t.URN, Message: fmt.Sprintf("%s %s: notifies no one of its %d alarms; subscribe an address or endpoint (hardening:alerts)", shortType(t.Type), t.Name, alarms)})
			}
		}
		return out
	}}
