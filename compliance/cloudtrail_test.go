package compliance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/internal/restype"
)

// trail is a trail that meets every CloudTrail rule, with kv overriding
// its inputs (a nil value removes one).
func trail(name string, kv ...any) Resource {
	in := map[string]any{
		"isMultiRegionTrail": true, "enableLogging": true, "includeGlobalServiceEvents": true, "enableLogFileValidation": true,
		"kmsKeyId":               "arn:aws:kms:us-east-1:111122223333:key/k",
		"cloudWatchLogsGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:/trail:*",
		"cloudWatchLogsRoleArn":  "arn:aws:iam::111122223333:role/trail",
		"eventSelectors": []any{map[string]any{"readWriteType": "All", "includeManagementEvents": true,
			"dataResources": []any{map[string]any{"type": "AWS::S3::Object", "values": []any{"arn:aws:s3"}}}}},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(in, kv[i].(string))
			continue
		}
		in[kv[i].(string)] = kv[i+1]
	}
	return res(restype.CloudTrailTrail, name, in)
}

func advanced(selectors ...[]any) []any {
	var out []any
	for _, fs := range selectors {
		out = append(out, map[string]any{"fieldSelectors": fs})
	}
	return out
}

func field(name, op string, values ...any) map[string]any {
	return map[string]any{"field": name, op: values}
}

func TestCloudTrailMultiRegion(t *testing.T) {
	single := trail("t", "isMultiRegionTrail", false)
	writeOnly := trail("t", "eventSelectors", []any{map[string]any{"readWriteType": "WriteOnly"}})
	runCases(t, cloudTrailMultiRegion, []ruleCase{
		{"multi-Region, all management events", "FSBP CloudTrail.1", graphOf(trail("t")), pass},
		{"no selectors records every management event", "FSBP CloudTrail.1", graphOf(trail("t", "eventSelectors", nil)), pass},
		{"single-Region", "FSBP CloudTrail.1", graphOf(single), fail},
		{"write-only management events", "FSBP CloudTrail.1", graphOf(writeOnly), fail},
		{"management events off", "FSBP CloudTrail.1", graphOf(trail("t", "eventSelectors", []any{map[string]any{"includeManagementEvents": false}})), fail},
		{"KMS events excluded", "FSBP CloudTrail.1", graphOf(trail("t", "eventSelectors", []any{map[string]any{"excludeManagementEventSources": []any{"kms.amazonaws.com"}}})), fail},
		{"KMS events excluded passes CIS 3.1, whose audit does not read exclusions", "CIS 3.1", graphOf(trail("t", "eventSelectors", []any{map[string]any{"excludeManagementEventSources": []any{"kms.amazonaws.com"}}})), pass},
		{"advanced selector leaving KMS out passes CIS 3.1", "CIS 3.1", graphOf(trail("t", "eventSelectors", nil, "advancedEventSelectors",
			advanced([]any{field("eventCategory", "equals", "Management"), field("eventSource", "notEquals", "kms.amazonaws.com")}))), pass},
		{"advanced selector leaving KMS out", "FSBP CloudTrail.1", graphOf(trail("t", "eventSelectors", nil, "advancedEventSelectors",
			advanced([]any{field("eventCategory", "equals", "Management"), field("eventSource", "notEquals", "kms.amazonaws.com")}))), fail},
		{"a narrow second trail beside a qualifying one", "FSBP CloudTrail.1", graphOf(trail("t"), single), pass},
		{"multi-Region computed", "FSBP CloudTrail.1", graphOf(trail("t", "isMultiRegionTrail", Unknown{})), unjudged},
		{"not logging", "CIS 3.1", graphOf(trail("t", "enableLogging", false)), fail},
		{"advanced selector of all management events", "CIS 3.1", graphOf(trail("t", "eventSelectors", nil, "advancedEventSelectors",
			advanced([]any{field("eventCategory", "equals", "Management")}))), pass},
		{"advanced selector of read-only management events", "CIS 3.1", graphOf(trail("t", "eventSelectors", nil, "advancedEventSelectors",
			advanced([]any{field("eventCategory", "equals", "Management"), field("readOnly", "equals", "true")}))), fail},
		{"selectors computed", "CIS 3.1", graphOf(trail("t", "eventSelectors", Unknown{})), unjudged},
		{"read/write type computed", "CIS 3.1", graphOf(trail("t", "eventSelectors", []any{map[string]any{"readWriteType": Unknown{}}})), unjudged},
		{"single-Region trail fails CKV_AWS_67", "CKV_AWS_67", graphOf(trail("t"), single), fail},
		{"write-only passes CKV_AWS_67", "CKV_AWS_67", graphOf(writeOnly), pass},
		{"multi-Region computed, CKV_AWS_67", "CKV_AWS_67", graphOf(trail("t", "isMultiRegionTrail", Unknown{})), unjudged},
	})
}

func TestCloudTrailEncrypted(t *testing.T) {
	for _, ctl := range cloudTrailEncrypted.Controls {
		runCases(t, cloudTrailEncrypted, []ruleCase{
			{"key set " + ctl, ctl, graphOf(trail("t")), pass},
			{"key computed from the stack's key is still a key " + ctl, ctl, graphOf(withRefs(trail("t", "kmsKeyId", Unknown{}), "kmsKeyId", "key")), pass},
			{"key computed from nothing known " + ctl, ctl, graphOf(trail("t", "kmsKeyId", Unknown{})), unjudged},
			{"no key " + ctl, ctl, graphOf(trail("t", "kmsKeyId", nil)), fail},
			{"empty key " + ctl, ctl, graphOf(trail("t", "kmsKeyId", "")), fail},
			{"kmsKeyId a secret not known yet " + ctl, ctl, graphOf(trail("t", "kmsKeyId", Secret{Value: Unknown{}})), unjudged},
		})
	}
}

func TestCloudTrailLogValidation(t *testing.T) {
	for _, ctl := range cloudTrailLogValidation.Controls {
		runCases(t, cloudTrailLogValidation, []ruleCase{
			{"validation on " + ctl, ctl, graphOf(trail("t")), pass},
			{"validation unset is off " + ctl, ctl, graphOf(trail("t", "enableLogFileValidation", nil)), fail},
			{"validation off " + ctl, ctl, graphOf(trail("t", "enableLogFileValidation", false)), fail},
			{"validation computed " + ctl, ctl, graphOf(trail("t", "enableLogFileValidation", Unknown{})), unjudged},
		})
	}
}

func TestCloudTrailCloudWatchLogs(t *testing.T) {
	for _, ctl := range cloudTrailCloudWatchLogs.Controls {
		runCases(t, cloudTrailCloudWatchLogs, []ruleCase{
			{"delivers " + ctl, ctl, graphOf(trail("t")), pass},
			{"group computed from a log group's ARN " + ctl, ctl, graphOf(withRefs(withRefs(trail("t", "cloudWatchLogsGroupArn", Unknown{}, "cloudWatchLogsRoleArn", Unknown{}), "cloudWatchLogsGroupArn", "lg"), "cloudWatchLogsRoleArn", "role")), pass},
			{"no group " + ctl, ctl, graphOf(trail("t", "cloudWatchLogsGroupArn", nil)), fail},
			{"empty group " + ctl, ctl, graphOf(trail("t", "cloudWatchLogsGroupArn", "")), fail},
			{"no role: CreateTrail's to refuse, not the control's " + ctl, ctl, graphOf(trail("t", "cloudWatchLogsRoleArn", nil)), pass},
			{"group a secret not known yet " + ctl, ctl, graphOf(trail("t", "cloudWatchLogsGroupArn", Secret{Value: Unknown{}})), unjudged},
		})
	}
}

func TestCloudTrailS3DataEvents(t *testing.T) {
	data := func(rw string, values ...any) any {
		return []any{map[string]any{"readWriteType": rw, "dataResources": []any{map[string]any{"type": "AWS::S3::Object", "values": values}}}}
	}
	s3 := []any{field("eventCategory", "equals", "Data"), field("resources.type", "equals", "AWS::S3::Object")}
	adv := func(extra ...any) Resource {
		return trail("t", "eventSelectors", nil, "advancedEventSelectors", advanced(append(append([]any{}, s3...), extra...)))
	}
	runCases(t, cloudTrailS3DataEvents, []ruleCase{
		{"every bucket, all events", "CIS 3.8", graphOf(trail("t")), pass},
		{"one bucket only", "CIS 3.8", graphOf(trail("t", "eventSelectors", data("All", "arn:aws:s3:::logs/"))), fail},
		{"every bucket with the ::: form", "CIS 3.8", graphOf(trail("t", "eventSelectors", data("WriteOnly", "arn:aws:s3:::"))), pass},
		{"selectors computed", "CIS 3.8", graphOf(trail("t", "eventSelectors", Unknown{})), unjudged},
		{"write-only fails reads", "CIS 3.9", graphOf(trail("t", "eventSelectors", data("WriteOnly", "arn:aws:s3"))), fail},
		{"write-only passes writes", "SecurityHub S3.22", graphOf(trail("t", "eventSelectors", data("WriteOnly", "arn:aws:s3"))), pass},
		{"single-Region trail", "SecurityHub S3.22", graphOf(trail("t", "isMultiRegionTrail", false)), fail},
		{"trail not logging", "SecurityHub S3.22", graphOf(trail("t", "enableLogging", false)), fail},
		{"multi-Region computed", "SecurityHub S3.22", graphOf(trail("t", "isMultiRegionTrail", Unknown{})), unjudged},
		{"advanced, every bucket", "SecurityHub S3.23", graphOf(adv()), pass},
		{"advanced, every bucket by ARN prefix", "SecurityHub S3.23", graphOf(adv(field("resources.ARN", "startsWiths", "arn:aws:s3:::"))), pass},
		{"advanced, one bucket by ARN prefix", "SecurityHub S3.23", graphOf(adv(field("resources.ARN", "startsWiths", "arn:aws:s3:::logs/"))), fail},
		{"advanced, writes only", "SecurityHub S3.23", graphOf(adv(field("readOnly", "equals", "false"))), fail},
		{"advanced selectors computed", "SecurityHub S3.23", graphOf(trail("t", "eventSelectors", nil, "advancedEventSelectors", Unknown{})), unjudged},
		{"advanced, reads only passes reads", "CIS 3.9", graphOf(adv(field("readOnly", "equals", "true"))), pass},
		{"data resource values computed", "CIS 3.9", graphOf(trail("t", "eventSelectors", data("All", Unknown{}))), unjudged},
	})
}

func TestCloudTrailAdvancedSelectorsComputed(t *testing.T) {
	mgmt := trail("t", "eventSelectors", nil, "advancedEventSelectors", advanced([]any{field("eventCategory", "equals", Unknown{})}))
	assert.Equal(t, unjudged, verdictOf(t, cloudTrailMultiRegion, graphOf(mgmt), "FSBP CloudTrail.1"), "management selector's category computed")
	data := trail("t", "eventSelectors", nil, "advancedEventSelectors", advanced([]any{field("eventCategory", "equals", "Data"),
		field("resources.type", "equals", "AWS::S3::Object"), field("resources.ARN", "startsWiths", Unknown{})}))
	assert.Equal(t, unjudged, verdictOf(t, cloudTrailS3DataEvents, graphOf(data), "CIS 3.8"), "data selector's ARN prefix computed")
}
