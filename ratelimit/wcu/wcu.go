// Package wcu holds what the baseline knows of AWS WAF's web ACL capacity
// units (WCUs): the capacity of each AWS managed rule group it uses and the
// cost of the statements it builds, so that a configuration whose web ACL
// would exceed the limit is refused before anything is deployed.
//
// The figures are AWS's published ones (WAF developer guide, "AWS Managed
// Rules rule groups list" and "Rule statements"); where WAF shares the cost
// of a repeated text transformation the sum here over-counts, which errs on
// the side of refusing.
package wcu

// Limit is the default capacity of a web ACL.
const Limit = 1500

// Group is an AWS managed rule group.
type Group struct {
	// Name is the group's name under the AWS vendor.
	Name string
	// Capacity is the group's published WCU capacity.
	Capacity int
}

// AWS managed rule groups the baseline uses.
var (
	IPReputation    = Group{"AWSManagedRulesAmazonIpReputationList", 25}
	AnonymousIP     = Group{"AWSManagedRulesAnonymousIpList", 50}
	KnownBadInputs  = Group{"AWSManagedRulesKnownBadInputsRuleSet", 200}
	CommonRuleSet   = Group{"AWSManagedRulesCommonRuleSet", 700}
	SQLi            = Group{"AWSManagedRulesSQLiRuleSet", 200}
	BotControl      = Group{"AWSManagedRulesBotControlRuleSet", 50}
	AccountTakeover = Group{"AWSManagedRulesATPRuleSet", 50}
)

// Statement costs.
const (
	// IPSet is an IP set reference with a forwarded-IP position FIRST or
	// none.
	IPSet = 1
	// RateBase is a rate-based statement's base cost.
	RateBase = 2
	// CustomKey is the cost of each custom aggregation key.
	CustomKey = 30
	// PathPrefix is a STARTS_WITH string match on the URI path (2) with one
	// LOWERCASE text transformation (10).
	PathPrefix = 2 + 10
)

// Costs of the body-size rule's statements.
const (
	// LabelMatch is a label match statement.
	LabelMatch = 1
	// RegexMatch is a regex match statement with no text transformation
	// (NONE).
	RegexMatch = 3
	// Transformation is each text transformation other than NONE.
	Transformation = 10
	// BodySizeRule is the body-size rule: two label matches, the API-path
	// regex with LOWERCASE, and two Content-Length regexes.
	BodySizeRule = 2*LabelMatch + RegexMatch + Transformation + 2*RegexMatch
)

// RateRule returns the cost of a rate-based rule with customKeys custom
// aggregation keys and a scope-down of one path prefix per path.
func RateRule(customKeys, paths int) int {
	return RateBase + customKeys*CustomKey + paths*PathPrefix
}
