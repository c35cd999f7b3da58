package compliance

import (
	"fmt"

	"github.com/example/hardening/internal/restype"
)

// s3Rules judge buckets (the rules not yet moved here are in
// rules_more.go and rules_services.go).
func s3Rules() []Rule { return []Rule{s3VersionedLifecycle, s3EventNotifications} }

// s3VersionedLifecycle follows Security Hub S3.10 ("S3 general purpose
// buckets with versioning enabled should have Lifecycle configurations",
// Config rule s3-version-lifecycle-policy-check): a bucket whose
// versioning is Enabled has a lifecycle configuration with an enabled
// rule.
var s3VersionedLifecycle = Rule{ID: "s3-versioned-lifecycle", Controls: []string{"FSBP S3.10"}, Severity: Medium,
	Description: "A bucket with versioning enabled has a lifecycle configuration with an enabled rule. Not judged while its versioning or rules are computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.S3BucketV2, func(b Resource) string {
			versioned := false
			for _, v := range g.Dependents(b.URN, restype.S3BucketVersioningV2) {
				versioned = versioned || v.Str("versioningConfiguration.status") == "Enabled"
				if v.Unknown("versioningConfiguration.status") {
					b.sawUnknown()
				}
			}
			if !versioned {
				return ""
			}
			for _, l := range g.Dependents(b.URN, restype.S3BucketLifecycleConfigurationV2) {
				for i := range l.List("rules") {
					status := fmt.Sprintf("rules.%d.status", i)
					if l.Str(status) == "Enabled" {
						return ""
					}
					if l.Unknown(status) {
						b.sawUnknown()
					}
				}
				if l.Unknown("rules") {
					b.sawUnknown()
				}
			}
			return "keeps every noncurrent version forever; add s3.BucketLifecycleConfigurationV2 with an enabled rule"
		})(g)
	}}

// s3EventNotifications follows Security Hub S3.11 ("S3 general purpose
// buckets should have event notifications enabled", Config rule
// s3-event-notifications-enabled, no eventTypes or destinationArn
// parameters set): a bucket has a notification configuration with at
// least one destination (or EventBridge).
var s3EventNotifications = Rule{ID: "s3-event-notifications", Controls: []string{"FSBP S3.11"}, Severity: Medium,
	Description: "Every bucket sends event notifications (s3.BucketNotification with a topic, queue, function or EventBridge). Not judged while the configuration is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.S3BucketV2, func(b Resource) string {
			for _, n := range g.Dependents(b.URN, restype.S3BucketNotification) {
				if v, _ := n.Bool("eventbridge"); v || len(n.List("topics")) > 0 || len(n.List("queues")) > 0 || len(n.List("lambdaFunctions")) > 0 {
					return ""
				}
				if n.Unknown("topics") || n.Unknown("queues") || n.Unknown("lambdaFunctions") || n.Unknown("eventbridge") {
					b.sawUnknown()
				}
			}
			return "sends no event notifications; add an s3.BucketNotification (eventbridge: true, or a topic or queue)"
		})(g)
	}}
