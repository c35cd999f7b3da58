// Package ratelimit provides the WAFv2 web ACL in front of the load
// balancer: an IP block list, AWS managed rule groups, rate-based rules per
// IP, per IP on authentication paths and per user on API paths, a 429 JSON
// response with Retry-After, redacted and filtered logging, and alarms on
// blocked requests.
package ratelimit

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/internal/problem"
	"github.com/example/hardening/ratelimit/limits"
	"github.com/example/hardening/ratelimit/wcu"
)

// WebACLType is the type token of the WebACL component.
const WebACLType = "hardening:ratelimit:WebACL"

// Rule names and priorities. Each rule keeps its priority whatever else is
// enabled, so adding a rule never renumbers another.
const (
	RuleIPBlockList     = "ip-block-list"
	RuleIPReputation    = "aws-ip-reputation"
	RuleAnonymousIP     = "aws-anonymous-ip"
	RuleKnownBadInputs  = "aws-known-bad-inputs"
	RuleCommon          = "aws-common"
	RuleBodySize        = "body-size"
	RuleSQLi            = "aws-sqli"
	RuleBotControl      = "aws-bot-control"
	RuleAccountTakeover = "aws-account-takeover"
	RuleRateSite        = "rate-site"
	RuleRateAuth        = "rate-auth"
	RuleRatePerUser     = "rate-per-user"
)

// Priorities maps each rule to its fixed priority.
var Priorities = map[string]int{
	RuleIPBlockList:     0,
	RuleIPReputation:    10,
	RuleAnonymousIP:     20,
	RuleKnownBadInputs:  30,
	RuleCommon:          40,
	RuleBodySize:        45,
	RuleSQLi:            50,
	RuleBotControl:      60,
	RuleAccountTakeover: 70,
	RuleRateSite:        100,
	RuleRateAuth:        110,
	RuleRatePerUser:     120,
}

// rateLimitedKey names the custom response body.
const rateLimitedKey = "rate-limited"

// WebACLArgs configures a WebACL.
type WebACLArgs struct {
	// LoadBalancerARN is the load balancer the web ACL protects.
	LoadBalancerARN pulumi.StringInput
	// Mode is what the rate-based rules do over their limits: block, or
	// count to tune limits before enforcing.
	Mode limits.Mode
	// MetricPrefix starts every metric name.
	MetricPrefix string
	// IPBlockList are IPv4 CIDRs always blocked.
	IPBlockList []string
	// AnonymousIPList, BotControl add those managed groups.
	AnonymousIPList bool
	BotControl      bool
	// AccountTakeoverLoginPath, when set, adds account-takeover prevention
	// on that path.
	AccountTakeoverLoginPath string
	// Site, Auth and PerUser are the rate-based rules.
	Site, Auth, PerUser limits.RateRule
	// MaxBodyKB is the largest request body, in KB, the API paths
	// (PerUser.Paths) accept. At limits.CoreBodyLimitKB (or 0) the Core
	// rule set blocks every body over 8 KB; above it, the API paths accept
	// bodies up to MaxBodyKB that declare their length (Content-Length),
	// of which WAF inspects the first 8 KB only.
	MaxBodyKB int
	// PerUserKey is where the per-user rule finds the user: a header or a
	// cookie named PerUserKeyName.
	PerUserKey     limits.UserKey
	PerUserKeyName string
	// ForwardedIPHeader, when set, takes the client IP from that header.
	ForwardedIPHeader string
	// LogKeyARN encrypts the WAF log group, kept LogRetentionDays.
	LogKeyARN        pulumi.StringInput
	LogRetentionDays int
	// AlertsTopicARN receives the blocked-request alarms.
	AlertsTopicARN pulumi.StringInput
	// RuleBlockedThreshold and ACLBlockedThreshold are the alarms'
	// thresholds per five minutes.
	RuleBlockedThreshold int
	ACLBlockedThreshold  int
	// Region is the stack's region, a dimension of WAF's metrics.
	Region string
	// Protect protects and retains the log group.
	Protect bool
}

// WebACL is a regional web ACL associated with the load balancer.
type WebACL struct {
	pulumi.ResourceState

	// ARN is the web ACL's ARN.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// Capacity is the web ACL's capacity in WCUs, as WAF computes it.
	Capacity pulumi.IntOutput `pulumi:"capacity"`
	// LogGroupName is the log group that receives the WAF logs.
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
}

// Validate reports every problem of the arguments at once (the rate
// rules' bounds are shared with the configuration: ratelimit/limits).
func (a *WebACLArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	for _, f := range []struct {
		setting string
		missing bool
	}{{"LoadBalancerARN", a.LoadBalancerARN == nil}, {"LogKeyARN", a.LogKeyARN == nil}, {"AlertsTopicARN", a.AlertsTopicARN == nil}} {
		if f.missing {
			ps.Add(f.setting, "is required")
		}
	}
	for _, r := range []struct {
		name   string
		rule   limits.RateRule
		scoped bool
	}{{"site", a.Site, false}, {"auth", a.Auth, true}, {"perUser", a.PerUser, true}} {
		for _, p := range r.rule.Check(r.scoped) {
			ps.Add(r.name+"."+p.Setting, "%s", p.Message)
		}
	}
	if a.MaxBodyKB != 0 {
		for _, p := range limits.CheckMaxBodyKB(a.MaxBodyKB) {
			ps.Add("MaxBodyKB", "%s", p.Message)
		}
	}
	return errors.Join(ps.Errors()...)
}

// NewWebACL creates a WebACL.
func NewWebACL(ctx *pulumi.Context, name string, args *WebACLArgs, opts ...pulumi.ResourceOption) (*WebACL, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("ratelimit web ACL %s: %w", name, err)
	}
	w := &WebACL{}
	if err := ctx.RegisterComponentResource(WebACLType, name, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)
	b := &aclBuilder{args: args, prefix: args.MetricPrefix}

	rules, err := b.rules(ctx, name, parent)
	if err != nil {
		return nil, fmt.Errorf("ratelimit web ACL %s: %w", name, err)
	}
	acl, err := wafv2.NewWebAcl(ctx, name, &wafv2.WebAclArgs{
		Description:   pulumi.String("Rate limits and managed protections for " + name),
		Scope:         pulumi.String("REGIONAL"),
		DefaultAction: wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		CustomResponseBodies: wafv2.WebAclCustomResponseBodyArray{wafv2.WebAclCustomResponseBodyArgs{
			Key:         pulumi.String(rateLimitedKey),
			ContentType: pulumi.String("APPLICATION_JSON"),
			Content:     pulumi.String(limits.RateLimitedBody),
		}},
		VisibilityConfig: wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			SampledRequestsEnabled:   pulumi.Bool(true),
			MetricName:               pulumi.String(b.metric("acl")),
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("ratelimit web ACL %s: %w", name, err)
	}
	if _, err := wafv2.NewWebAclAssociation(ctx, name, &wafv2.WebAclAssociationArgs{
		ResourceArn: args.LoadBalancerARN,
		WebAclArn:   acl.Arn,
	}, parent); err != nil {
		return nil, fmt.Errorf("ratelimit web ACL %s: %w", name, err)
	}
	logGroup, err := b.logging(ctx, name, acl, parent)
	if err != nil {
		return nil, fmt.Errorf("ratelimit web ACL %s: %w", name, err)
	}
	if err := b.alarms(ctx, name, acl, parent); err != nil {
		return nil, fmt.Errorf("ratelimit web ACL %s: %w", name, err)
	}
	w.ARN = acl.Arn
	w.Capacity = acl.Capacity
	w.LogGroupName = logGroup.Name
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{
		"arn":          w.ARN,
		"capacity":     w.Capacity,
		"logGroupName": w.LogGroupName,
	})
}

type aclBuilder struct {
	args   *WebACLArgs
	prefix string
}

// metric is a rule's CloudWatch metric name.
func (b *aclBuilder) metric(rule string) string { return b.prefix + "-" + rule }

func (b *aclBuilder) visibility(rule string) wafv2.WebAclRuleVisibilityConfigArgs {
	return wafv2.WebAclRuleVisibilityConfigArgs{
		CloudwatchMetricsEnabled: pulumi.Bool(true),
		SampledRequestsEnabled:   pulumi.Bool(true),
		MetricName:               pulumi.String(b.metric(rule)),
	}
}

func (b *aclBuilder) blockList(setARN pulumi.StringInput) wafv2.WebAclRuleArgs {
	ref := &wafv2.WebAclRuleStatementIpSetReferenceStatementArgs{Arn: setARN}
	if h := b.args.ForwardedIPHeader; h != "" {
		ref.IpSetForwardedIpConfig = &wafv2.WebAclRuleStatementIpSetReferenceStatementIpSetForwardedIpConfigArgs{
			HeaderName: pulumi.String(h), FallbackBehavior: pulumi.String("MATCH"), Position: pulumi.String("FIRST"),
		}
	}
	return wafv2.WebAclRuleArgs{
		Name:             pulumi.String(RuleIPBlockList),
		Priority:         pulumi.Int(Priorities[RuleIPBlockList]),
		Action:           &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement:        wafv2.WebAclRuleStatementArgs{IpSetReferenceStatement: ref},
		VisibilityConfig: b.visibility(RuleIPBlockList),
	}
}

// managed is a rule that runs an AWS managed group with its own actions.
func (b *aclBuilder) managed(rule string, g wcu.Group,
	configs wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfigArray,
	overrides wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArray,
) wafv2.WebAclRuleArgs {
	return wafv2.WebAclRuleArgs{
		Name:           pulumi.String(rule),
		Priority:       pulumi.Int(Priorities[rule]),
		OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
		Statement: wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
			VendorName:              pulumi.String("AWS"),
			Name:                    pulumi.String(g.Name),
			ManagedRuleGroupConfigs: configs,
			RuleActionOverrides:     overrides,
		}},
		VisibilityConfig: b.visibility(rule),
	}
}

// userKeys are the per-user rule's aggregation keys: the user's header or
// cookie together with the client IP.
func (b *aclBuilder) userKeys() wafv2.WebAclRuleStatementRateBasedStatementCustomKeyArray {
	none := func() pulumi.IntInput { return pulumi.Int(0) }
	var user wafv2.WebAclRuleStatementRateBasedStatementCustomKeyArgs
	if b.args.PerUserKey == limits.Cookie {
		user.Cookie = &wafv2.WebAclRuleStatementRateBasedStatementCustomKeyCookieArgs{
			Name: pulumi.String(b.args.PerUserKeyName),
			TextTransformations: wafv2.WebAclRuleStatementRateBasedStatementCustomKeyCookieTextTransformationArray{
				wafv2.WebAclRuleStatementRateBasedStatementCustomKeyCookieTextTransformationArgs{Priority: none(), Type: pulumi.String("NONE")},
			},
		}
	} else {
		user.Header = &wafv2.WebAclRuleStatementRateBasedStatementCustomKeyHeaderArgs{
			Name: pulumi.String(b.args.PerUserKeyName),
			TextTransformations: wafv2.WebAclRuleStatementRateBasedStatementCustomKeyHeaderTextTransformationArray{
				wafv2.WebAclRuleStatementRateBasedStatementCustomKeyHeaderTextTransformationArgs{Priority: none(), Type: pulumi.String("NONE")},
			},
		}
	}
	ip := wafv2.WebAclRuleStatementRateBasedStatementCustomKeyArgs{Ip: &wafv2.WebAclRuleStatementRateBasedStatementCustomKeyIpArgs{}}
	if b.args.ForwardedIPHeader != "" {
		ip = wafv2.WebAclRuleStatementRateBasedStatementCustomKeyArgs{ForwardedIp: &wafv2.WebAclRuleStatementRateBasedStatementCustomKeyForwardedIpArgs{}}
	}
	return wafv2.WebAclRuleStatementRateBasedStatementCustomKeyArray{user, ip}
}

// rate is a rate-based rule: per client IP, or per custom keys when given,
// scoped to its paths, blocking with a 429 (or counting).
func (b *aclBuilder) rate(rule string, r limits.RateRule, keys wafv2.WebAclRuleStatementRateBasedStatementCustomKeyArray) wafv2.WebAclRuleArgs {
	st := &wafv2.WebAclRuleStatementRateBasedStatementArgs{
		Limit:               pulumi.Int(r.Limit),
		EvaluationWindowSec: pulumi.Int(r.WindowSec),
		AggregateKeyType:    pulumi.String("IP"),
		ScopeDownStatement:  scopeDown(r.Paths),
	}
	if h := b.args.ForwardedIPHeader; h != "" {
		st.AggregateKeyType = pulumi.String("FORWARDED_IP")
		st.ForwardedIpConfig = &wafv2.WebAclRuleStatementRateBasedStatementForwardedIpConfigArgs{
			HeaderName: pulumi.String(h), FallbackBehavior: pulumi.String("MATCH"),
		}
	}
	if keys != nil {
		st.AggregateKeyType = pulumi.String("CUSTOM_KEYS")
		st.CustomKeys = keys
	}
	action := &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{
		CustomResponse: &wafv2.WebAclRuleActionBlockCustomResponseArgs{
			ResponseCode:          pulumi.Int(429),
			CustomResponseBodyKey: pulumi.String(rateLimitedKey),
			ResponseHeaders: wafv2.WebAclRuleActionBlockCustomResponseResponseHeaderArray{
				wafv2.WebAclRuleActionBlockCustomResponseResponseHeaderArgs{
					Name: pulumi.String(limits.RetryAfterHeader), Value: pulumi.String(limits.RetryAfter(r)),
				},
			},
		},
	}}
	if b.args.Mode == limits.Count {
		action = &wafv2.WebAclRuleActionArgs{Count: &wafv2.WebAclRuleActionCountArgs{}}
	}
	return wafv2.WebAclRuleArgs{
		Name:             pulumi.String(rule),
		Priority:         pulumi.Int(Priorities[rule]),
		Action:           action,
		Statement:        wafv2.WebAclRuleStatementArgs{RateBasedStatement: st},
		VisibilityConfig: b.visibility(rule),
	}
}

// scopeDown matches requests whose lower-cased path starts with one of
// paths; nil for none.
func scopeDown(paths []string) wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementPtrInput {
	switch len(paths) {
	case 0:
		return nil
	case 1:
		return &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs{
			ByteMatchStatement: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementArgs{
				FieldToMatch: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchArgs{
					UriPath: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchUriPathArgs{},
				},
				PositionalConstraint: pulumi.String("STARTS_WITH"),
				SearchString:         pulumi.String(paths[0]),
				TextTransformations: wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArray{
					wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArgs{Priority: pulumi.Int(0), Type: pulumi.String("LOWERCASE")},
				},
			},
		}
	}
	var statements wafv2.WebAclRuleStatementArray
	for _, p := range paths {
		statements = append(statements, wafv2.WebAclRuleStatementArgs{ByteMatchStatement: &wafv2.WebAclRuleStatementByteMatchStatementArgs{
			FieldToMatch: &wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchArgs{
				UriPath: &wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchUriPathArgs{},
			},
			PositionalConstraint: pulumi.String("STARTS_WITH"),
			SearchString:         pulumi.String(p),
			TextTransformations: wafv2.WebAclRuleStatementByteMatchStatementTextTransformationArray{
				wafv2.WebAclRuleStatementByteMatchStatementTextTransformationArgs{Priority: pulumi.Int(0), Type: pulumi.String("LOWERCASE")},
			},
		}})
	}
	return &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs{
		OrStatement: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementOrStatementArgs{Statements: statements},
	}
}

// CoreBodyRule is the Core rule set's rule that blocks bodies over 8 KB,
// and CoreBodyLabel the label it adds to a request it matches (WAF
// developer guide, "Core rule set (CRS) managed rule group").
const (
	CoreBodyRule  = "SizeRestrictions_BODY"
	CoreBodyLabel = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
)

// bodySize blocks, after the Core rule set counted and labelled a body over
// 8 KB: such a body outside the API paths (the Core rule set's own
// limit); a declared Content-Length over MaxBodyKB anywhere; and such a
// body without a declared length (chunked), whose size WAF cannot see past
// 8 KB on a load balancer (WAF API reference, Body: "For Application Load
// Balancer and AppSync, the limit is fixed at 8 KB"; AssociationConfig
// raises it only for CloudFront, API Gateway, Cognito, App Runner and
// Verified Access). Nesting stays within the provider's three levels of
// statements (terraform-provider-aws wafv2/schemas.go), hence one regex
// for the API paths rather than an OR of path matches.
func (b *aclBuilder) bodySize() wafv2.WebAclRuleArgs {
	label := func() wafv2.WebAclRuleStatementArgs {
		return wafv2.WebAclRuleStatementArgs{LabelMatchStatement: &wafv2.WebAclRuleStatementLabelMatchStatementArgs{
			Scope: pulumi.String("LABEL"), Key: pulumi.String(CoreBodyLabel),
		}}
	}
	contentLength := func(regex string) wafv2.WebAclRuleStatementArgs {
		return wafv2.WebAclRuleStatementArgs{RegexMatchStatement: &wafv2.WebAclRuleStatementRegexMatchStatementArgs{
			RegexString: pulumi.String(regex),
			FieldToMatch: wafv2.WebAclRuleStatementRegexMatchStatementFieldToMatchArgs{
				SingleHeader: &wafv2.WebAclRuleStatementRegexMatchStatementFieldToMatchSingleHeaderArgs{Name: pulumi.String("content-length")},
			},
			TextTransformations: wafv2.WebAclRuleStatementRegexMatchStatementTextTransformationArray{
				wafv2.WebAclRuleStatementRegexMatchStatementTextTransformationArgs{Priority: pulumi.Int(0), Type: pulumi.String("NONE")},
			},
		}}
	}
	apiPaths := wafv2.WebAclRuleStatementArgs{RegexMatchStatement: &wafv2.WebAclRuleStatementRegexMatchStatementArgs{
		RegexString:  pulumi.String(limits.PathPrefixRegex(b.args.PerUser.Paths)),
		FieldToMatch: wafv2.WebAclRuleStatementRegexMatchStatementFieldToMatchArgs{UriPath: &wafv2.WebAclRuleStatementRegexMatchStatementFieldToMatchUriPathArgs{}},
		TextTransformations: wafv2.WebAclRuleStatementRegexMatchStatementTextTransformationArray{
			wafv2.WebAclRuleStatementRegexMatchStatementTextTransformationArgs{Priority: pulumi.Int(0), Type: pulumi.String("LOWERCASE")},
		},
	}}
	not := func(s wafv2.WebAclRuleStatementArgs) wafv2.WebAclRuleStatementArgs {
		return wafv2.WebAclRuleStatementArgs{NotStatement: &wafv2.WebAclRuleStatementNotStatementArgs{Statements: wafv2.WebAclRuleStatementArray{s}}}
	}
	and := func(s ...wafv2.WebAclRuleStatementInput) wafv2.WebAclRuleStatementArgs {
		return wafv2.WebAclRuleStatementArgs{AndStatement: &wafv2.WebAclRuleStatementAndStatementArgs{Statements: wafv2.WebAclRuleStatementArray(s)}}
	}
	return wafv2.WebAclRuleArgs{
		Name:     pulumi.String(RuleBodySize),
		Priority: pulumi.Int(Priorities[RuleBodySize]),
		Action:   &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement: wafv2.WebAclRuleStatementArgs{OrStatement: &wafv2.WebAclRuleStatementOrStatementArgs{Statements: wafv2.WebAclRuleStatementArray{
			and(label(), not(apiPaths)),
			contentLength(limits.DecimalOverRegex(b.args.MaxBodyKB * 1024)),
			and(label(), not(contentLength(limits.DecimalRegex))),
		}}},
		VisibilityConfig: b.visibility(RuleBodySize),
	}
}

// LoggedActions are the decisions the WAF logs keep: every one the rules
// make but ALLOW. EXCLUDED_AS_COUNT is what a managed rule overridden to
// Count logs (the counted hosting-provider matches, the Core rule set's
// body rule when MaxBodyKB raises the limit): "The value EXCLUDED_AS_COUNT
// matches on excluded rules and also on rules that have a rule action
// override of Count" (WAFv2 API, ActionCondition; the ActionValue enum of
// the aws-sdk-go v1.55.8 model).
var LoggedActions = []string{"BLOCK", "COUNT", "EXCLUDED_AS_COUNT", "CAPTCHA", "CHALLENGE"}

// RedactedHeaders are the headers WAF logs never show (FSBP WAF.11 asks
// for logging; these keep credentials out of it).
var RedactedHeaders = []string{"authorization", "cookie"}

// logging sends every decision but ALLOW (LoggedActions) to an encrypted
// log group whose name WAF requires to start with aws-waf-logs-.
func (b *aclBuilder) logging(ctx *pulumi.Context, name string, acl *wafv2.WebAcl, parent pulumi.ResourceOption) (*cloudwatch.LogGroup, error) {
	a := b.args
	lg, err := cloudwatch.NewLogGroup(ctx, name+"-waf", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("aws-waf-logs-" + name),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        a.LogKeyARN,
	}, parent, pulumi.Protect(a.Protect), pulumi.RetainOnDelete(a.Protect))
	if err != nil {
		return nil, err
	}
	redacted := RedactedHeaders
	if a.PerUserKey != limits.Cookie && a.PerUserKeyName != "" && a.PerUserKeyName != "authorization" {
		redacted = append(slices.Clone(redacted), a.PerUserKeyName)
	}
	var fields wafv2.WebAclLoggingConfigurationRedactedFieldArray
	for _, h := range redacted {
		fields = append(fields, wafv2.WebAclLoggingConfigurationRedactedFieldArgs{
			SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String(h)},
		})
	}
	var kept wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionArray
	for _, action := range LoggedActions {
		kept = append(kept, wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionArgs{
			ActionCondition: &wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionActionConditionArgs{Action: pulumi.String(action)},
		})
	}
	_, err = wafv2.NewWebAclLoggingConfiguration(ctx, name, &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{lg.Arn},
		RedactedFields:        fields,
		LoggingFilter: &wafv2.WebAclLoggingConfigurationLoggingFilterArgs{
			DefaultBehavior: pulumi.String("DROP"),
			Filters: wafv2.WebAclLoggingConfigurationLoggingFilterFilterArray{
				wafv2.WebAclLoggingConfigurationLoggingFilterFilterArgs{
					Behavior:    pulumi.String("KEEP"),
					Requirement: pulumi.String("MEETS_ANY"),
					Conditions:  kept,
				},
			},
		},
	}, parent)
	return lg, err
}

// rules are the web ACL's rules in priority order: the block list, the
// managed groups, the rate rules.
func (b *aclBuilder) rules(ctx *pulumi.Context, name string, parent pulumi.ResourceOption) (wafv2.WebAclRuleArray, error) {
	var rules wafv2.WebAclRuleArray
	if len(b.args.IPBlockList) > 0 {
		set, err := wafv2.NewIpSet(ctx, name+"-block-list", &wafv2.IpSetArgs{
			Description:      pulumi.String("Clients always blocked"),
			Scope:            pulumi.String("REGIONAL"),
			IpAddressVersion: pulumi.String("IPV4"),
			Addresses:        pulumi.ToStringArray(b.args.IPBlockList),
		}, parent)
		if err != nil {
			return nil, err
		}
		rules = append(rules, b.blockList(set.Arn))
	}
	rules = append(rules, b.managed(RuleIPReputation, wcu.IPReputation, nil, nil))
	if b.args.AnonymousIPList {
		// Hosting providers only count: server-to-server clients run there.
		rules = append(rules, b.managed(RuleAnonymousIP, wcu.AnonymousIP, nil, wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArray{
			wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs{
				Name: pulumi.String("HostingProviderIPList"),
				ActionToUse: wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs{
					Count: &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs{},
				},
			},
		}))
	}
	rules = append(rules, b.managed(RuleKnownBadInputs, wcu.KnownBadInputs, nil, nil))
	if b.args.MaxBodyKB > limits.CoreBodyLimitKB {
		// The Core rule set's body rule only counts (and labels); the
		// body-size rule after it blocks in its place what the API paths
		// must not accept.
		rules = append(rules, b.managed(RuleCommon, wcu.CommonRuleSet, nil, wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArray{
			wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs{
				Name: pulumi.String(CoreBodyRule),
				ActionToUse: wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs{
					Count: &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs{},
				},
			},
		}), b.bodySize())
	} else {
		rules = append(rules, b.managed(RuleCommon, wcu.CommonRuleSet, nil, nil))
	}
	rules = append(rules, b.managed(RuleSQLi, wcu.SQLi, nil, nil))
	if b.args.BotControl {
		rules = append(rules, b.managed(RuleBotControl, wcu.BotControl, wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfigArray{
			wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfigArgs{
				AwsManagedRulesBotControlRuleSet: &wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfigAwsManagedRulesBotControlRuleSetArgs{
					InspectionLevel: pulumi.String("COMMON"),
				},
			},
		}, nil))
	}
	if p := b.args.AccountTakeoverLoginPath; p != "" {
		rules = append(rules, b.managed(RuleAccountTakeover, wcu.AccountTakeover, wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfigArray{
			wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfigArgs{
				AwsManagedRulesAtpRuleSet: &wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfigAwsManagedRulesAtpRuleSetArgs{
					LoginPath: pulumi.String(p),
				},
			},
		}, nil))
	}
	rules = append(rules, b.rate(RuleRateSite, b.args.Site, nil), b.rate(RuleRateAuth, b.args.Auth, nil), b.rate(RuleRatePerUser, b.args.PerUser, b.userKeys()))
	return rules, nil
}

// alarms fire when a rate rule, or the whole web ACL, blocks (or in count
// mode counts) more requests than its threshold in five minutes.
func (b *aclBuilder) alarms(ctx *pulumi.Context, name string, acl *wafv2.WebAcl, parent pulumi.ResourceOption) error {
	a := b.args
	metric := "BlockedRequests"
	if a.Mode == limits.Count {
		metric = "CountedRequests"
	}
	type alarm struct {
		suffix, rule, metric string
		threshold            int
	}
	all := []alarm{
		{"acl-blocked", "ALL", "BlockedRequests", a.ACLBlockedThreshold},
		{RuleRateSite, b.metric(RuleRateSite), metric, a.RuleBlockedThreshold},
		{RuleRateAuth, b.metric(RuleRateAuth), metric, a.RuleBlockedThreshold},
		{RuleRatePerUser, b.metric(RuleRatePerUser), metric, a.RuleBlockedThreshold},
	}
	for _, al := range all {
		if _, err := audit.AlarmToAlerts(ctx, name+"-"+al.suffix, audit.Alarm{
			Description: pulumi.Sprintf("Excessive requests: WAF rule %s of %s", al.rule, name),
			Namespace:   "AWS/WAFV2", Metric: al.metric, Statistic: "Sum",
			Dimensions: pulumi.StringMap{"WebACL": acl.Name, "Region": pulumi.String(a.Region), "Rule": pulumi.String(al.rule)},
			Threshold:  float64(al.threshold), Comparison: "GreaterThanOrEqualToThreshold",
		}, a.AlertsTopicARN, parent); err != nil {
			return err
		}
	}
	return nil
}
