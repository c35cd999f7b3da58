package compliance

import "slices"

// Rules returns every rule, in report order.
func Rules() []Rule {
	return slices.Concat(elbRules(), acmRules(), networkRules(), reachRules(), iamRules(), kmsRules(), secretsRules(), lambdaRules(), logsRules(), s3Rules(), cloudTrailRules(), guardDutyRules(), cloudWatchRules(), securityHubRules(), accessAnalyzerRules(), accountControlRules(), endpointRules(), cognitoRules(), wafRules(), sqsRules(), snsRules(), projectRules(), deployRules(), inputRules(), driftRules())
}
