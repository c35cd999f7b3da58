package stackconfig

import "regexp"

// Audit configures the stack's evidence and detection (key "audit").
type Audit struct {
	// Trail configures CloudTrail.
	Trail Trail `json:"trail"`
	// GuardDuty enables a GuardDuty detector in the stack's account and
	// region, and routes findings of severity 7 or more to the alerts
	// topic. Account-wide: one stack per account and region may enable it,
	// and in an organization it is usually managed centrally. Default true.
	GuardDuty bool `json:"guardDuty"`
	// SecurityHub enables Security Hub with the AWS Foundational Security
	// Best Practices and CIS v3.0 standards. Account-wide, like GuardDuty.
	// Default true.
	SecurityHub bool `json:"securityHub"`
	// ConfigRecorderExists says the account records its resources with an
	// AWS Config recorder in the stack's region (an organization's or
	// Control Tower's). Security Hub evaluates its controls with AWS Config
	// rules, so without a recorder it reports almost nothing (Security Hub
	// user guide, "Prerequisites"). SecurityHub true requires it. Default
	// false.
	ConfigRecorderExists bool `json:"configRecorderExists"`
	// CertificateExpiryDays raises an alarm when a certificate of the stack
	// has fewer days left, 1 to 44 (ACM itself warns from day 45). Default
	// 30.
	CertificateExpiryDays int `json:"certificateExpiryDays"`
}

// Trail configures CloudTrail.
type Trail struct {
	// Enabled creates the stack's multi-Region trail. Default true. Turn it
	// off only where an organization trail already records this account,
	// and name that trail in OrganizationTrailARN.
	Enabled bool `json:"enabled"`
	// OrganizationTrailARN is the organization trail that records this
	// account when Enabled is false.
	OrganizationTrailARN string `json:"organizationTrailArn"`
	// LogGroupName is, when Enabled is false, the CloudWatch log group in
	// this account and region that the organization trail delivers to; the
	// CIS metric filters go on it. Empty means the filters live where the
	// organization's logs are, not in this stack.
	LogGroupName string `json:"logGroupName"`
	// LogRetentionDays is the trail log group's retention. Default 365.
	LogRetentionDays int `json:"logRetentionDays"`
	// BucketExpirationDays is how long the trail bucket keeps log files,
	// at least 90. Default 365.
	BucketExpirationDays int `json:"bucketExpirationDays"`
	// ObjectLockDays keeps every log file version (deleted or overwritten
	// ones included) for this many days with S3 Object Lock in governance
	// mode, 0 to BucketExpirationDays. Default 365; 0 turns the lock off,
	// which production refuses: without it, an administrator can delete
	// the evidence of what they did. A locked bucket cannot be emptied by
	// `pulumi destroy`.
	ObjectLockDays int `json:"objectLockDays"`
}

// DefaultAudit returns the audit defaults: everything on.
func DefaultAudit() Audit {
	return Audit{
		Trail:                 Trail{Enabled: true, LogRetentionDays: 365, BucketExpirationDays: 365, ObjectLockDays: 365},
		GuardDuty:             true,
		SecurityHub:           true,
		CertificateExpiryDays: 30,
	}
}

var (
	trailARNRE     = regexp.MustCompile(`^arn:aws(-[a-z]+)*:cloudtrail:[a-z0-9-]+:\d{12}:trail/[\w.-]{3,128}$`)
	logGroupNameRE = regexp.MustCompile(`^[\w/.#-]{1,512}$`)
)

func (a Audit) validate(key string) []error {
	var errs []error
	t, k := a.Trail, key+".trail"
	switch {
	case t.Enabled && t.OrganizationTrailARN != "":
		errs = append(errs, fieldErr(k+".organizationTrailArn", "is set while the stack's own trail is enabled; set enabled: false to rely on the organization trail"))
	case !t.Enabled && !trailARNRE.MatchString(t.OrganizationTrailARN):
		errs = append(errs, fieldErr(k+".organizationTrailArn", "%q is not a CloudTrail trail ARN; with the stack's trail off, name the organization trail that records this account", t.OrganizationTrailARN))
	}
	if t.Enabled && t.LogGroupName != "" {
		errs = append(errs, fieldErr(k+".logGroupName", "is set while the stack's own trail is enabled; the stack makes its own log group"))
	}
	if t.LogGroupName != "" && !logGroupNameRE.MatchString(t.LogGroupName) {
		errs = append(errs, fieldErr(k+".logGroupName", "%q is not a CloudWatch log group name", t.LogGroupName))
	}
	errs = append(errs, validateRetention(k+".logRetentionDays", t.LogRetentionDays)...)
	if t.BucketExpirationDays < 90 {
		errs = append(errs, fieldErr(k+".bucketExpirationDays", "%d is too short; keep trail log files at least 90 days", t.BucketExpirationDays))
	}
	if t.ObjectLockDays < 0 || t.ObjectLockDays > t.BucketExpirationDays {
		errs = append(errs, fieldErr(k+".objectLockDays", "%d is out of range; lock log files 0 to %d days (bucketExpirationDays)", t.ObjectLockDays, t.BucketExpirationDays))
	}
	if a.SecurityHub && !a.ConfigRecorderExists {
		errs = append(errs, fieldErr(key+".securityHub", "is true but configRecorderExists is false; Security Hub evaluates its controls with AWS Config rules and finds almost nothing without a recorder: record with AWS Config in this region (usually from the organization or Control Tower) and set configRecorderExists: true, or set securityHub: false"))
	}
	if a.CertificateExpiryDays < 1 || a.CertificateExpiryDays > 44 {
		errs = append(errs, fieldErr(key+".certificateExpiryDays", "%d is out of range; alarm 1 to 44 days before expiry (ACM's own events start at 45)", a.CertificateExpiryDays))
	}
	return errs
}
