package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGlobMatchesPattern: the allocation-free glob agrees with the
// regexp form of IAM's wildcards (Pattern) on every case.
func TestGlobMatchesPattern(t *testing.T) {
	patterns := []string{"*", "s3:*", "s3:Get*", "kms:*crypt*", "arn:aws:s3:::b/*", "a?c", "*a*b*c*", "", "exact", "arn:aws:iam::*:role/hardening-prod-*", "**", "a*", "*z"}
	values := []string{"", "s3:GetObject", "S3:getobject", "kms:Decrypt", "kms:ReEncryptFrom", "arn:aws:s3:::b/k", "abc", "aXc", "ac", "xaybzc", "exact", "Exact", "arn:aws:iam::123:role/hardening-prod-x", "zz", "a"}
	for _, p := range patterns {
		for _, v := range values {
			for _, fold := range []bool{false, true} {
				want := Pattern(p, fold).MatchString(v)
				if fold {
					want = Pattern(p, true).MatchString(toLowerASCII(v))
				}
				assert.Equal(t, want, glob(p, v, fold), "glob(%q, %q, %v)", p, v, fold)
			}
		}
	}
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lower(b[i])
	}
	return string(b)
}
