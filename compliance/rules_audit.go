package compliance

import (
	"strings"

	"github.com/example/hardening/internal/restype"
)

// accountRules judge the account-wide settings a stack owns.
func accountRules() []Rule {
	return []Rule{
		// FSBP S3.1 is the account-level setting; S3.8 the bucket's.
		{ID: "s3-account-public-access-block", Controls: []string{"FSBP S3.1", "CIS 2.1.4"}, Severity: High,
			Description: "The account blocks public access to every bucket, present and future.",
			Check: forEach(restype.S3AccountPublicAccessBlock, func(r Resource) string {
				var off []string
				for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					if v, _ := r.Bool(k); !v {
						off = append(off, k)
					}
				}
				if len(off) > 0 {
					return "leaves " + strings.Join(off, ", ") + " off (the provider's default); set all four true"
				}
				return ""
			})},
	}
}
