package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// cloudTrailRules judge the CloudTrail trails the stack registers.
func cloudTrailRules() []Rule {
	return []Rule{cloudTrailMultiRegion, cloudTrailEncrypted, cloudTrailLogValidation, cloudTrailCloudWatchLogs, cloudTrailS3DataEvents}
}

// cloudTrailMultiRegion follows Security Hub CloudTrail.1 (AWS Config
// multi-region-cloudtrail-enabled with includeManagementEvents true and
// readWriteType ALL; NON_COMPLIANT when ExcludeManagementEventSources is
// not empty) and the CIS v3.0.0 3.1 audit (describe-trails: a trail with
// IsMultiRegionTrail true; get-trail-status: IsLogging true;
// get-event-selectors: IncludeManagementEvents true and ReadWriteType
// All; it does not look at excluded event sources). Both judge the
// account: at least one trail qualifies, so a second, narrower trail
// beside a qualifying one passes them. Checkov CKV_AWS_67 judges each
// trail's is_multi_region_trail alone; each finding names the controls it
// fails.
var cloudTrailMultiRegion = Rule{ID: "cloudtrail-multi-region", Controls: []string{"FSBP CloudTrail.1", "CIS 3.1", "CKV_AWS_67"}, Severity: High,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1; https://docs.aws.amazon.com/config/latest/developerguide/multi-region-cloudtrail-enabled.html (includeManagementEvents true, readWriteType ALL); CIS AWS Foundations Benchmark v3.0.0 3.1 audit; Checkov CKV_AWS_67",
	Description: "At least one of the stack's trails is multi-Region, logging, and records every read and write management event (CIS 3.1), with no excluded event source (CloudTrail.1); every trail is multi-Region (CKV_AWS_67). Not judged while a setting of the trails that could qualify is computed at deployment.",
	Check: func(g *Graph) []Violation {
		trails := g.ByType(restype.CloudTrailTrail)
		var out []Violation
		for _, t := range trails {
			multiSeen := false
			if multi, _ := t.tracked(&multiSeen).Bool("isMultiRegionTrail"); multiSeen {
				v := notJudged(t)
				v.Controls = []string{"CKV_AWS_67"}
				out = append(out, v)
			} else if !multi {
				out = append(out, Violation{URN: t.URN, Controls: []string{"CKV_AWS_67"}, Message: fmt.Sprintf("%s %s: records one Region only; set isMultiRegionTrail: true", shortType(t.Type), t.Name)})
			}
		}
		out = append(out, atLeastOneTrail(trails, []string{"FSBP CloudTrail.1"}, func(r Resource) string { return trailNotQualifying(r, false) })...)
		return append(out, atLeastOneTrail(trails, []string{"CIS 3.1"}, func(r Resource) string { return trailNotQualifying(r, true) })...)
	}}

// atLeastOneTrail passes when one trail meets judge ("" from it) on known
// values; else it is not judged when a trail's settings are computed at
// deployment, and fails each trail otherwise, with controls.
func atLeastOneTrail(trails []Resource, controls []string, judge func(Resource) string) []Violation {
	unknown := false
	reasons := map[string]string{}
	for _, t := range trails {
		seen := false
		why := judge(t.tracked(&seen))
		switch {
		case seen:
			unknown = true
		case why == "":
			return nil
		default:
			reasons[t.URN] = why
		}
	}
	if len(trails) == 0 {
		return nil
	}
	if unknown {
		v := notJudged(trails[0])
		v.Controls = controls
		return []Violation{v}
	}
	var out []Violation
	for _, t := range trails {
		out = append(out, Violation{URN: t.URN, Controls: controls, Message: fmt.Sprintf("%s %s: %s; no trail of the stack is multi-Region, logging and recording every management event", shortType(t.Type), t.Name, reasons[t.URN])})
	}
	return out
}

// trailNotQualifying says why a trail does not meet CloudTrail.1 (or, with
// cis, CIS 3.1, which leaves excluded event sources aside), "" when it
// does.
func trailNotQualifying(r Resource, cis bool) string {
	if v, _ := r.Bool("isMultiRegionTrail"); !v {
		return "records one Region only; set isMultiRegionTrail: true"
	}
	if v, set := r.Bool("enableLogging"); set && !v {
		return "is not logging; set enableLogging: true"
	}
	if !managementEvents(r, cis) {
		return "does not record every read and write management event; add a selector for all of them (readWriteType All, includeManagementEvents, no excluded sources)"
	}
	return ""
}

// cloudTrailEncrypted follows Security Hub CloudTrail.2 (AWS Config
// cloud-trail-encryption-enabled: COMPLIANT when the trail's KmsKeyId is
// defined), the CIS v3.0.0 3.5 audit (describe-trails shows a KmsKeyId)
// and Checkov CKV_AWS_35, each trail on its own. A key ARN computed at
// deployment from a key the stack declares is still a key: the control
// asks only that one is set.
var cloudTrailEncrypted = Rule{ID: "cloudtrail-encrypted", Controls: []string{"FSBP CloudTrail.2", "CIS 3.5", "CKV_AWS_35"}, Severity: Medium,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2; https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-encryption-enabled.html; CIS AWS Foundations Benchmark v3.0.0 3.5 audit; Checkov CKV_AWS_35",
	Description: "Trails encrypt their log files with a KMS key (kmsKeyId set; a key ARN computed at deployment from a resource of the stack counts). Not judged while kmsKeyId is computed from nothing the plan shows.",
	Check: forEach(restype.CloudTrailTrail, func(r Resource) string {
		if present(r, "kmsKeyId") {
			return ""
		}
		return "log files are not encrypted with a customer-managed key; set kmsKeyId"
	})}

// cloudTrailLogValidation follows Security Hub CloudTrail.4 (AWS Config
// cloud-trail-log-file-validation-enabled), the CIS v3.0.0 3.2 audit
// (describe-trails: LogFileValidationEnabled true) and Checkov
// CKV_AWS_36, each trail on its own; unset is the API's false.
var cloudTrailLogValidation = Rule{ID: "cloudtrail-log-validation", Controls: []string{"FSBP CloudTrail.4", "CIS 3.2", "CKV_AWS_36"}, Severity: Medium,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4; https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-log-file-validation-enabled.html; CIS AWS Foundations Benchmark v3.0.0 3.2 audit; Checkov CKV_AWS_36",
	Description: "Trails sign digest files (enableLogFileValidation true), so a changed or deleted log file is detected.",
	Check: forEach(restype.CloudTrailTrail, func(r Resource) string {
		if v, _ := r.Bool("enableLogFileValidation"); !v {
			return "has no log file validation; set enableLogFileValidation: true"
		}
		return ""
	})}

// cloudTrailCloudWatchLogs follows Security Hub CloudTrail.5 (AWS Config
// cloud-trail-cloud-watch-logs-enabled: NON_COMPLIANT when the trail's
// CloudWatchLogsLogGroupArn is empty; its expectedDeliveryWindowAge, 24
// hours by default, is whether delivery ran, which only the deployed
// trail shows) and Checkov CKV2_AWS_10 (cloud_watch_logs_group_arn set).
// Neither reads the role: a group without one is CreateTrail's to refuse
// (InvalidCloudWatchLogsRoleArnException), and the CIS 4.x chain
// (cis-metric-filters) asks for both.
var cloudTrailCloudWatchLogs = Rule{ID: "cloudtrail-cloudwatch-logs", Controls: []string{"FSBP CloudTrail.5", "CKV2_AWS_10"}, Severity: Low,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-5; https://docs.aws.amazon.com/config/latest/developerguide/cloud-trail-cloud-watch-logs-enabled.html (NON_COMPLIANT when CloudWatchLogsLogGroupArn is empty; expectedDeliveryWindowAge 24 h is the runtime's); Checkov CKV2_AWS_10",
	Description: "Trails deliver to a CloudWatch Logs group (cloudWatchLogsGroupArn set; a value computed at deployment from a resource of the stack counts), where the metric filters and alarms read them. Part: whether delivery ran in the last 24 hours is the deployed trail's.",
	Check: forEach(restype.CloudTrailTrail, func(r Resource) string {
		if !present(r, "cloudWatchLogsGroupArn") {
			return "does not deliver to CloudWatch Logs; set cloudWatchLogsGroupArn (and cloudWatchLogsRoleArn, the role it delivers as)"
		}
		return ""
	})}

// present reports whether a top-level input is set to a non-empty value.
// A value computed at deployment is set when it comes from another
// resource's output (its property dependencies name one: a key's or a log
// group's ARN is never empty); from nothing known, it cannot be judged.
func present(r Resource, input string) bool {
	v := r.Inputs[input]
	if s, ok := v.(Secret); ok {
		v = s.Value
	}
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case Unknown:
		if len(r.PropertyDependencies[input]) > 0 {
			return true
		}
		r.sawUnknown()
		return false
	}
	return true
}

// cloudTrailS3DataEvents follows Security Hub S3.22 and S3.23 (AWS Config
// cloudtrail-all-write-s3-data-event-check and
// cloudtrail-all-read-s3-data-event-check: at least one multi-Region trail
// logs the data events of all current and future buckets, so a selector
// naming buckets, or leaving one out, does not pass) and the CIS v3.0.0
// 3.8 (writes) and 3.9 (reads) audits; each finding names the half it
// fails.
var cloudTrailS3DataEvents = Rule{ID: "cloudtrail-s3-data-events", Controls: []string{"SecurityHub S3.22", "SecurityHub S3.23", "CIS 3.8", "CIS 3.9"}, Severity: Medium,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-22 and #s3-23; https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-all-write-s3-data-event-check.html, cloudtrail-all-read-s3-data-event-check.html; CIS AWS Foundations Benchmark v3.0.0 3.8, 3.9 audits",
	Description: "At least one multi-Region, logging trail records object-level writes (S3.22, CIS 3.8) and reads (S3.23, CIS 3.9) in every S3 bucket. Not judged while a trail's selectors are computed at deployment.",
	Check: func(g *Graph) []Violation {
		trails := g.ByType(restype.CloudTrailTrail)
		if len(trails) == 0 {
			return nil
		}
		var out []Violation
		halves := []struct {
			read     bool
			what     string
			controls []string
		}{{false, "writes", []string{"SecurityHub S3.22", "CIS 3.8"}}, {true, "reads", []string{"SecurityHub S3.23", "CIS 3.9"}}}
		for _, h := range halves {
			ok, unknown := false, false
			for _, t := range trails {
				seen := false
				r := t.tracked(&seen)
				multi, _ := r.Bool("isMultiRegionTrail")
				logging, set := r.Bool("enableLogging")
				covers := multi && (logging || !set) && s3DataEvents(r, h.read)
				ok = ok || covers && !seen
				unknown = unknown || seen
			}
			switch {
			case ok:
			case unknown:
				v := notJudged(trails[0])
				v.Controls = h.controls
				out = append(out, v)
			default:
				out = append(out, Violation{URN: trails[0].URN, Controls: h.controls, Message: fmt.Sprintf("%s %s: does not record S3 object %s in every bucket; add an AWS::S3::Object data resource of arn:<partition>:s3, readWriteType All, to a multi-Region trail", shortType(trails[0].Type), trails[0].Name, h.what)})
			}
		}
		return out
	}}

// managementEvents reports whether a trail's selectors record every read
// and write management event; with excludedSources, a selector that
// leaves event sources out (ExcludeManagementEventSources, or an advanced
// selector's eventSource NotEquals) counts too. A trail without selectors
// records them all
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html).
func managementEvents(r Resource, excludedSources bool) bool {
	if adv := r.List("advancedEventSelectors"); len(adv) > 0 {
		for i := range adv {
			p := fmt.Sprintf("advancedEventSelectors.%d.", i)
			fields := fieldSelectors(r, p)
			eq, ok := fields["eventCategory"]
			if !ok || !slices.Equal(eq.equals, []string{"Management"}) {
				continue
			}
			n := len(fields)
			if _, src := fields["eventSource"]; src && excludedSources && onlyNotEquals(r, p, "eventSource") {
				n--
			}
			if n == 1 {
				return true
			}
		}
		return false
	}
	sels := r.List("eventSelectors")
	if len(sels) == 0 {
		return true
	}
	for i := range sels {
		p := fmt.Sprintf("eventSelectors.%d.", i)
		include, set := r.Bool(p + "includeManagementEvents")
		rw := r.Get(p + "readWriteType")
		if (set && !include) || !readWriteCovers(rw, true) || !readWriteCovers(rw, false) {
			continue
		}
		if !excludedSources && len(r.List(p+"excludeManagementEventSources")) > 0 {
			continue
		}
		return true
	}
	return false
}

// onlyNotEquals reports whether the advanced selector at prefix filters
// field with NotEquals alone.
func onlyNotEquals(r Resource, prefix, field string) bool {
	for j := range r.List(prefix + "fieldSelectors") {
		fp := fmt.Sprintf("%sfieldSelectors.%d.", prefix, j)
		if r.Str(fp+"field") != field {
			continue
		}
		for _, op := range []string{"equals", "startsWiths", "notStartsWiths", "endsWiths", "notEndsWiths"} {
			if len(r.List(fp+op)) > 0 {
				return false
			}
		}
		return len(r.List(fp+"notEquals")) > 0
	}
	return false
}

// s3DataEvents reports whether a trail records S3 object reads (read) or
// writes in every bucket.
func s3DataEvents(r Resource, read bool) bool {
	if adv := r.List("advancedEventSelectors"); len(adv) > 0 {
		for i := range adv {
			fields := fieldSelectors(r, fmt.Sprintf("advancedEventSelectors.%d.", i))
			if !slices.Equal(fields["eventCategory"].equals, []string{"Data"}) ||
				!slices.Equal(fields["resources.type"].equals, []string{"AWS::S3::Object"}) {
				continue
			}
			ro, filtered := fields["readOnly"]
			if filtered && !slices.Equal(ro.equals, []string{map[bool]string{true: "true", false: "false"}[read]}) {
				continue
			}
			n := len(fields) - 2
			if filtered {
				n--
			}
			// A resources.ARN that starts with the partition's S3 prefix
			// is every bucket; any other field (a bucket's ARN,
			// eventName, ...) narrows it.
			if arn, ok := fields["resources.ARN"]; ok && arn.everyBucket {
				n--
			}
			if n == 0 {
				return true
			}
		}
		return false
	}
	for i := range r.List("eventSelectors") {
		p := fmt.Sprintf("eventSelectors.%d.", i)
		if !readWriteCovers(r.Get(p+"readWriteType"), read) {
			continue
		}
		for j := range r.List(p + "dataResources") {
			dp := fmt.Sprintf("%sdataResources.%d.", p, j)
			if r.Str(dp+"type") != "AWS::S3::Object" {
				continue
			}
			for k := range r.List(dp + "values") {
				// "arn:aws:s3" (or with ":::") is every bucket; a bucket's
				// ARN is that bucket only.
				if everyBucketARN(r.Str(fmt.Sprintf("%svalues.%d", dp, k))) {
					return true
				}
			}
		}
	}
	return false
}

func everyBucketARN(s string) bool {
	return strings.HasPrefix(s, "arn:") && (strings.HasSuffix(s, ":s3") || strings.HasSuffix(s, ":s3:::")) && strings.Count(s, ":") <= 5
}

// readWriteCovers reports whether an event selector's readWriteType (All
// when unset) covers read or write events.
func readWriteCovers(v any, read bool) bool {
	switch s, _ := v.(string); s {
	case "", "All":
		return true
	case "ReadOnly":
		return read
	case "WriteOnly":
		return !read
	}
	return false
}

// fieldSelector is one advanced event selector field: its Equals values
// when Equals is the only operator, and whether it is a StartsWith of
// every bucket's ARN prefix alone.
type fieldSelector struct {
	equals      []string
	everyBucket bool
}

// fieldSelectors indexes the field selectors of the advanced event
// selector at prefix by field; a field with any operator other than
// Equals keeps an empty equals. Values computed at deployment are read
// through r, so a tracked resource records them.
func fieldSelectors(r Resource, prefix string) map[string]fieldSelector {
	strs := func(path string) []string {
		var out []string
		for k := range r.List(path) {
			out = append(out, r.Str(fmt.Sprintf("%s.%d", path, k)))
		}
		return out
	}
	out := map[string]fieldSelector{}
	for j := range r.List(prefix + "fieldSelectors") {
		fp := fmt.Sprintf("%sfieldSelectors.%d.", prefix, j)
		sel := fieldSelector{equals: strs(fp + "equals")}
		others := 0
		for _, op := range []string{"notEquals", "startsWiths", "notStartsWiths", "endsWiths", "notEndsWiths"} {
			if len(r.List(fp+op)) > 0 {
				sel.equals = nil
				others++
			}
		}
		if sw := strs(fp + "startsWiths"); others == 1 && len(r.List(fp+"equals")) == 0 && len(sw) > 0 {
			sel.everyBucket = !slices.ContainsFunc(sw, func(s string) bool { return !everyBucketARN(s) })
		}
		out[r.Str(fp+"field")] = sel
	}
	return out
}
