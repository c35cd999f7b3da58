package compliance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/internal/restype"
)

// TestPublishedPatternsMeetTheirRecommendation checks the samples against
// the patterns the benchmark publishes (the stack's audit.CISFilters):
// each meets its own recommendation and, where the samples tell them
// apart, no other.
func TestPublishedPatternsMeetTheirRecommendation(t *testing.T) {
	require.Len(t, audit.CISFilters, len(cisMonitoring))
	for i, m := range cisMonitoring {
		var pattern string
		for _, f := range audit.CISFilters {
			if strings.HasPrefix(f.Controls, "CIS "+m.cis+",") || f.Controls == "CIS "+m.cis {
				pattern = f.Pattern
			}
		}
		require.NotEmpty(t, pattern, m.cis)
		ok, why := meetsCIS(i, pattern)
		assert.True(t, ok, "CIS %s: %s", m.cis, why)
	}
}

// monitoringGraph is a trail delivering to /trail, a flow-log group, a
// filter with the published pattern per recommendation on /trail and an
// alarm with an action on each; edit changes it before the graph is built.
func monitoringGraph(edit func(rs map[string]*Resource)) *Graph {
	rs := map[string]*Resource{}
	add := func(r Resource) { rs[r.Name] = &r }
	add(res(restype.CloudWatchLogGroup, "trail-group", map[string]any{"name": "/trail"}))
	add(res(restype.CloudWatchLogGroup, "flow-group", map[string]any{"name": "/flow"}))
	add(res(restype.CloudTrailTrail, "trail", map[string]any{
		"isMultiRegionTrail": true, "enableLogging": true,
		"cloudWatchLogsGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:/trail:*",
		"cloudWatchLogsRoleArn":  "arn:aws:iam::111122223333:role/trail",
	}))
	for _, f := range audit.CISFilters {
		add(res(restype.CloudWatchLogMetricFilter, f.ID, map[string]any{"logGroupName": "/trail", "pattern": f.Pattern,
			"metricTransformation": map[string]any{"namespace": "CIS", "name": f.ID, "value": "1"}}))
		add(res(restype.CloudWatchMetricAlarm, f.ID+"-alarm", map[string]any{"namespace": "CIS", "metricName": f.ID,
			"alarmActions": []any{"arn:aws:sns:us-east-1:111122223333:alerts"}}))
	}
	if edit != nil {
		edit(rs)
	}
	g := &Graph{}
	for _, r := range rs {
		g.Resources = append(g.Resources, *r)
	}
	return g
}

func TestCISMetricFilters(t *testing.T) {
	setPattern := func(id, p string) func(map[string]*Resource) {
		return func(rs map[string]*Resource) { rs[id].Inputs["pattern"] = p }
	}
	var cases []ruleCase
	// Each recommendation: the published patterns pass, a trail that no
	// longer delivers to CloudWatch Logs fails, and every pattern computed
	// at deployment is not judged.
	for _, ctl := range cisMetricFilters.Controls {
		cases = append(cases,
			ruleCase{"published patterns " + ctl, ctl, monitoringGraph(nil), pass},
			ruleCase{"trail not delivering " + ctl, ctl, monitoringGraph(func(rs map[string]*Resource) {
				rs["trail"].Inputs["cloudWatchLogsRoleArn"] = ""
			}), fail},
			ruleCase{"patterns unknown " + ctl, ctl, monitoringGraph(func(rs map[string]*Resource) {
				for _, r := range rs {
					if r.Type == restype.CloudWatchLogMetricFilter {
						r.Inputs["pattern"] = Unknown{}
					}
				}
			}), unjudged})
	}
	runCases(t, cisMetricFilters, append(cases, []ruleCase{
		{"published patterns", "CIS 4.2", monitoringGraph(nil), pass},
		{"MFA filter inverted", "CIS 4.2", monitoringGraph(setPattern("console-signin-without-mfa",
			`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "Yes") }`)), fail},
		{"the shorter published MFA pattern", "CIS 4.2", monitoringGraph(setPattern("console-signin-without-mfa",
			`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`)), pass},
		{"MFA filter pattern unknown", "CIS 4.2", monitoringGraph(func(rs map[string]*Resource) {
			rs["console-signin-without-mfa"].Inputs["pattern"] = Unknown{}
		}), unjudged},
		{"inverted MFA fails only 4.2", "CIS 4.3", monitoringGraph(setPattern("console-signin-without-mfa", `{ $.eventName = "X" }`)), pass},
		{"root filter without invokedBy", "CIS 4.3", monitoringGraph(setPattern("root-account-usage",
			`{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }`)), fail},
		{"root filter names in a different order", "CIS 4.3", monitoringGraph(setPattern("root-account-usage",
			`{ ($.eventType != "AwsServiceEvent") && ($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = "Root") }`)), pass},
		{"root filter's group unknown", "CIS 4.3", monitoringGraph(func(rs map[string]*Resource) {
			rs["root-account-usage"].Inputs["logGroupName"] = Unknown{}
		}), unjudged},
		{"policy filter on the flow-log group", "CIS 4.4", monitoringGraph(func(rs map[string]*Resource) {
			rs["iam-policy-changes"].Inputs["logGroupName"] = "/flow"
		}), fail},
		{"policy filter missing an event", "CIS 4.4", monitoringGraph(setPattern("iam-policy-changes",
			`{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)}`)), fail},
		{"policy filter by wildcard on the event names", "CIS 4.4", monitoringGraph(setPattern("iam-policy-changes",
			`{($.eventName=Delete*Policy)||($.eventName=Put*Policy)||($.eventName=CreatePolicy*)||($.eventName=DeletePolicyVersion)||($.eventName=Attach*Policy)||($.eventName=Detach*Policy)}`)), pass},
		{"policy filter's group referenced, not known", "CIS 4.4", monitoringGraph(func(rs map[string]*Resource) {
			rs["iam-policy-changes"].Inputs["logGroupName"] = Unknown{}
			*rs["iam-policy-changes"] = withRefs(*rs["iam-policy-changes"], "logGroupName", "flow-group")
			rs["flow-group"].Inputs["name"] = Unknown{}
		}), fail},
		{"trail no longer delivers to CloudWatch Logs", "CIS 4.5", monitoringGraph(func(rs map[string]*Resource) {
			delete(rs["trail"].Inputs, "cloudWatchLogsGroupArn")
		}), fail},
		{"trail is single-Region", "CIS 4.1", monitoringGraph(func(rs map[string]*Resource) {
			rs["trail"].Inputs["isMultiRegionTrail"] = false
		}), fail},
		{"trail's group computed, referring to the trail group", "CIS 4.1", monitoringGraph(func(rs map[string]*Resource) {
			rs["trail"].Inputs["cloudWatchLogsGroupArn"] = Unknown{}
			*rs["trail"] = withRefs(*rs["trail"], "cloudWatchLogsGroupArn", "trail-group")
		}), pass},
		{"trail's group and the filter's both computed from the same group", "CIS 4.1", monitoringGraph(func(rs map[string]*Resource) {
			rs["trail"].Inputs["cloudWatchLogsGroupArn"] = Unknown{}
			*rs["trail"] = withRefs(*rs["trail"], "cloudWatchLogsGroupArn", "trail-group")
			rs["trail-group"].Inputs["name"] = Unknown{}
			rs["unauthorized-api-calls"].Inputs["logGroupName"] = Unknown{}
			*rs["unauthorized-api-calls"] = withRefs(*rs["unauthorized-api-calls"], "logGroupName", "trail-group")
		}), pass},
		{"trail's group computed from nothing known", "CIS 4.1", monitoringGraph(func(rs map[string]*Resource) {
			rs["trail"].Inputs["cloudWatchLogsGroupArn"] = Unknown{}
		}), unjudged},
		{"alarm without action", "CIS 4.6", monitoringGraph(func(rs map[string]*Resource) {
			rs["console-auth-failures-alarm"].Inputs["alarmActions"] = []any{}
		}), fail},
		{"alarm on another metric", "CIS 4.7", monitoringGraph(func(rs map[string]*Resource) {
			rs["kms-key-disable-or-deletion-alarm"].Inputs["metricName"] = "other"
		}), fail},
		{"kms filter without the event source", "CIS 4.7", monitoringGraph(setPattern("kms-key-disable-or-deletion",
			`{($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)}`)), fail},
		{"kms alarm actions unknown", "CIS 4.7", monitoringGraph(func(rs map[string]*Resource) {
			rs["kms-key-disable-or-deletion-alarm"].Inputs["alarmActions"] = Unknown{}
		}), unjudged},
		{"unauthorized calls filter matching only AccessDenied exactly", "CIS 4.1", monitoringGraph(setPattern("unauthorized-api-calls",
			`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied") }`)), fail},
		{"unauthorized calls with the noise exclusions", "CIS 4.1", monitoringGraph(setPattern("unauthorized-api-calls",
			`{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`)), pass},
	}...))
}

func TestCISMetricFiltersNotJudgedWithoutATrail(t *testing.T) {
	g := monitoringGraph(func(rs map[string]*Resource) { delete(rs, "trail") })
	assert.Equal(t, unjudged, verdictOf(t, cisMetricFilters, g, "CIS 4.1"))
}

func TestCISMetricFiltersAlarmActions(t *testing.T) {
	alarm := func(id string, kv ...any) func(map[string]*Resource) {
		return func(rs map[string]*Resource) {
			for i := 0; i+1 < len(kv); i += 2 {
				rs[id+"-alarm"].Inputs[kv[i].(string)] = kv[i+1]
			}
		}
	}
	topic := func(rs map[string]*Resource) {
		t := res(restype.SNSTopic, "alerts", map[string]any{"name": "alerts"})
		rs["alerts"] = &t
	}
	runCases(t, cisMetricFilters, []ruleCase{
		{"an SNS action", "CIS 4.12", monitoringGraph(nil), pass},
		{"an Auto Scaling action only", "CIS 4.12", monitoringGraph(alarm("network-gateway-changes", "alarmActions",
			[]any{"arn:aws:autoscaling:us-east-1:111122223333:scalingPolicy:p"})), fail},
		{"actions disabled", "CIS 4.12", monitoringGraph(alarm("network-gateway-changes", "actionsEnabled", false)), fail},
		{"actionsEnabled computed", "CIS 4.12", monitoringGraph(alarm("network-gateway-changes", "actionsEnabled", Unknown{})), unjudged},
		{"the topic's ARN computed from the stack's topic", "CIS 4.13", monitoringGraph(func(rs map[string]*Resource) {
			topic(rs)
			alarm("route-table-changes", "alarmActions", []any{Unknown{}})(rs)
			*rs["route-table-changes-alarm"] = withRefs(*rs["route-table-changes-alarm"], "alarmActions", "alerts")
		}), pass},
		{"Security Hub's route-table pattern, without the event source", "CIS 4.13", monitoringGraph(func(rs map[string]*Resource) {
			rs["route-table-changes"].Inputs["pattern"] = `{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}`
		}), pass},
		{"an action computed from nothing known", "CIS 4.13", monitoringGraph(alarm("route-table-changes", "alarmActions", []any{Unknown{}})), unjudged},
		{"the alarm on another namespace", "CIS 4.13", monitoringGraph(alarm("route-table-changes", "namespace", "Other")), fail},
	})
}

func TestCISMetricFiltersPatternsNarrowed(t *testing.T) {
	setPattern := func(id, p string) *Graph {
		return monitoringGraph(func(rs map[string]*Resource) { rs[id].Inputs["pattern"] = p })
	}
	runCases(t, cisMetricFilters, []ruleCase{
		{"published", "CIS 4.10", monitoringGraph(nil), pass},
		{"narrowed to one Region", "CIS 4.10", setPattern("security-group-changes",
			`{ ($.awsRegion = "us-east-1") && (($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup)) }`), fail},
		{"narrowed to assumed roles", "CIS 4.10", setPattern("security-group-changes",
			`{ ($.userIdentity.type = "AssumedRole") && (($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup)) }`), fail},
		{"pattern computed", "CIS 4.10", monitoringGraph(func(rs map[string]*Resource) { rs["security-group-changes"].Inputs["pattern"] = Unknown{} }), unjudged},
		{"MFA filter scoped to IAM users and successful sign-ins, as the benchmark allows", "CIS 4.2", setPattern("console-signin-without-mfa",
			`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`), pass},
		{"MFA filter narrowed to one address", "CIS 4.2", setPattern("console-signin-without-mfa",
			`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.sourceIPAddress = "198.51.100.7") }`), fail},
		{"the benchmark's 4.1 pattern, && and || mixed without parentheses", "CIS 4.1", setPattern("unauthorized-api-calls",
			`{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}`), pass},
		{"4.1 without AccessDenied, mixed", "CIS 4.1", setPattern("unauthorized-api-calls",
			`{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="Throttling*") && ($.eventName!="HeadBucket")}`), fail},
		{"4.1 filter's group computed from nothing known", "CIS 4.1", monitoringGraph(func(rs map[string]*Resource) { rs["unauthorized-api-calls"].Inputs["logGroupName"] = Unknown{} }), unjudged},
		{"MFA filter's metric name computed", "CIS 4.2", monitoringGraph(func(rs map[string]*Resource) {
			rs["console-signin-without-mfa"].Inputs["metricTransformation"] = map[string]any{"namespace": "CIS", "name": Unknown{}, "value": "1"}
		}), unjudged},
	})
}

// subscribedGraph is monitoringGraph with the alarms notifying an alerts
// topic of the stack, and edit applied.
func subscribedGraph(edit func(rs map[string]*Resource)) *Graph {
	return monitoringGraph(func(rs map[string]*Resource) {
		topic := res(restype.SNSTopic, "alerts", map[string]any{"name": "alerts"})
		rs["alerts"] = &topic
		sub := withRefs(res(restype.SNSTopicSubscription, "alerts-email", map[string]any{"protocol": "email", "endpoint": "sec@example.com", "topic": Unknown{}}), "topic", "alerts")
		rs["alerts-email"] = &sub
		for _, r := range rs {
			if r.Type == restype.CloudWatchMetricAlarm {
				*r = withRefs(*r, "alarmActions", "alerts")
			}
		}
		if edit != nil {
			edit(rs)
		}
	})
}

func TestAlarmTopicSubscribed(t *testing.T) {
	noSubscriber := func(rs map[string]*Resource) { delete(rs, "alerts-email") }
	var cases []ruleCase
	for _, ctl := range alarmTopicSubscribed.Controls {
		cases = append(cases,
			ruleCase{"subscribed " + ctl, ctl, subscribedGraph(nil), pass},
			ruleCase{"no subscriber " + ctl, ctl, subscribedGraph(noSubscriber), fail},
			ruleCase{"another stack's topic " + ctl, ctl, subscribedGraph(func(rs map[string]*Resource) {
				delete(rs, "alerts")
				delete(rs, "alerts-email")
				for _, r := range rs {
					if r.Type == restype.CloudWatchMetricAlarm {
						r.Inputs["alarmActions"] = []any{"arn:aws:sns:us-east-1:111122223333:org-alerts"}
						r.PropertyDependencies = nil
					}
				}
			}), unjudged})
	}
	runCases(t, alarmTopicSubscribed, append(cases, []ruleCase{
		{"a subscription's topic computed from nothing known", "CIS 4.3", subscribedGraph(func(rs map[string]*Resource) {
			rs["alerts-email"].Inputs["topic"] = Unknown{}
			rs["alerts-email"].Dependencies, rs["alerts-email"].PropertyDependencies = nil, nil
		}), unjudged},
		{"subscription by the topic's ARN", "CIS 4.3", subscribedGraph(func(rs map[string]*Resource) {
			rs["alerts-email"].Inputs["topic"] = "arn:aws:sns:us-east-1:111122223333:alerts"
			rs["alerts-email"].Dependencies, rs["alerts-email"].PropertyDependencies = nil, nil
		}), pass},
		{"a second, unsubscribed topic for 4.3's alarm only", "CIS 4.3", subscribedGraph(func(rs map[string]*Resource) {
			quiet := res(restype.SNSTopic, "quiet", map[string]any{"name": "quiet"})
			rs["quiet"] = &quiet
			a := rs["root-account-usage-alarm"]
			a.Inputs["alarmActions"] = []any{"arn:aws:sns:us-east-1:111122223333:quiet"}
			a.PropertyDependencies = nil
		}), fail},
		{"the unsubscribed topic fails only the recommendation whose alarm it takes", "CIS 4.4", subscribedGraph(func(rs map[string]*Resource) {
			quiet := res(restype.SNSTopic, "quiet", map[string]any{"name": "quiet"})
			rs["quiet"] = &quiet
			a := rs["root-account-usage-alarm"]
			a.Inputs["alarmActions"] = []any{"arn:aws:sns:us-east-1:111122223333:quiet"}
			a.PropertyDependencies = nil
		}), pass},
	}...))
}

func TestAlarmActionsComputedWhole(t *testing.T) {
	whole := func(refs ...string) func(rs map[string]*Resource) {
		return func(rs map[string]*Resource) {
			for _, r := range rs {
				if r.Type == restype.CloudWatchMetricAlarm {
					r.Inputs["alarmActions"] = Unknown{}
					r.PropertyDependencies = nil
					if len(refs) > 0 {
						*r = withRefs(*r, "alarmActions", refs...)
					}
				}
			}
		}
	}
	for _, c := range []struct {
		name  string
		rule  Rule
		graph *Graph
		want  verdict
	}{
		{"metric filters: computed from the stack's topic", cisMetricFilters, subscribedGraph(whole("alerts")), pass},
		{"metric filters: computed from nothing known", cisMetricFilters, subscribedGraph(whole()), unjudged},
		{"subscriber: computed from the stack's subscribed topic", alarmTopicSubscribed, subscribedGraph(whole("alerts")), pass},
		{"subscriber: computed from the stack's topic without subscriber", alarmTopicSubscribed, subscribedGraph(func(rs map[string]*Resource) {
			whole("alerts")(rs)
			delete(rs, "alerts-email")
		}), fail},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, verdictOf(t, c.rule, c.graph, "CIS 4.5"))
		})
	}
}

func TestAlarmTopicHasSubscriber(t *testing.T) {
	topic := res(restype.SNSTopic, "alerts", map[string]any{"name": "alerts"})
	alarm := withRefs(res(restype.CloudWatchMetricAlarm, "rotation-failed", map[string]any{"namespace": "AWS/Lambda", "metricName": "Errors"}), "alarmActions", "alerts")
	sub := func(topicInput any, refs ...string) Resource {
		s := res(restype.SNSTopicSubscription, "email", map[string]any{"protocol": "email", "topic": topicInput})
		if len(refs) > 0 {
			s = withRefs(s, "topic", refs...)
		}
		return s
	}
	runCases(t, alarmsReachSomeone, []ruleCase{
		{"subscribed by reference", "", graphOf(topic, alarm, sub(Unknown{}, "alerts")), pass},
		{"subscribed by ARN", "", graphOf(topic, alarm, sub("arn:aws:sns:us-east-1:111122223333:alerts")), pass},
		{"a topic no alarm notifies", "", graphOf(topic), pass},
		{"no subscriber", "", graphOf(topic, alarm), fail},
		{"a subscription to another topic", "", graphOf(topic, alarm, sub("arn:aws:sns:us-east-1:111122223333:other")), fail},
		{"a subscription's topic computed from nothing known", "", graphOf(topic, alarm, sub(Unknown{})), unjudged},
	})
}
