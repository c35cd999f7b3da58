package compliance

import "slices"

// Rules returns every rule, in report order.
func Rules() []Rule {
	return slices.Concat(elbRules(), acmRules(), networkRules(), reachRules(), iamRules(), dataRules(), cloudTrailRules(), guardDutyRules(), cloudWatchRules(), accountRules(), securityHubRules(), accessAnalyzerRules(), accountControlRules(), serviceRules(), endpointRules(), cognitoRules(), wafRules(), sqsRules(), snsRules(), s3Rules(), projectRules(), deployRules(), inputRules(), driftRules())
}
