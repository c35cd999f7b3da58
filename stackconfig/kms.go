package stackconfig

import (
	"fmt"
	"regexp"
)

// KMS configures the stack's customer-managed key (key "kms").
type KMS struct {
	// RotationPeriodDays is the automatic rotation period, 90 to 2560.
	// Default 365.
	RotationPeriodDays int `json:"rotationPeriodDays"`
	// DeletionWindowDays is the waiting period before a scheduled deletion,
	// 7 to 30. Default 30, the longest.
	DeletionWindowDays int `json:"deletionWindowDays"`
	// Administrators are the IAM role or user ARNs that may manage the key
	// but not use it. Default none: the account root, so that IAM policies
	// decide who administers it and the key can never be locked out.
	Administrators []string `json:"administrators"`
	// MultiRegion makes the key a multi-Region primary key, so that secret
	// replicas are encrypted by its replicas. Default false. Changing it
	// replaces the key.
	MultiRegion bool `json:"multiRegion"`
}

// DefaultKMS returns the KMS defaults.
func DefaultKMS() KMS {
	return KMS{RotationPeriodDays: 365, DeletionWindowDays: 30}
}

var principalARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$`)

func (k KMS) validate(key string) []error {
	var errs []error
	if k.RotationPeriodDays < 90 || k.RotationPeriodDays > 2560 {
		errs = append(errs, fieldErr(key+".rotationPeriodDays", "%d is out of range; KMS rotates every 90 to 2560 days", k.RotationPeriodDays))
	}
	if k.DeletionWindowDays < 7 || k.DeletionWindowDays > 30 {
		errs = append(errs, fieldErr(key+".deletionWindowDays", "%d is out of range; KMS waits 7 to 30 days", k.DeletionWindowDays))
	}
	for i, a := range k.Administrators {
		if !principalARNRE.MatchString(a) {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.administrators[%d]", key, i), "%q is not an IAM role or user ARN (arn:aws:iam::123456789012:role/name); wildcards are not allowed", a))
		}
	}
	return errs
}
