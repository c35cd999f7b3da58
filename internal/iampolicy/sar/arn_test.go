package sar

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckARN(t *testing.T) {
	role := ARNWant{Partition: "aws", Service: "iam", Account: "123456789012", Types: []string{"role"}}
	cases := []struct {
		name string
		arn  string
		want ARNWant
		msg  string // "" passes
	}{
		{"a role of this account", "arn:aws:iam::123456789012:role/admin", role, ""},
		{"a role under a path", "arn:aws:iam::123456789012:role/ci/deploy", role, ""},
		{"a user where a role is required", "arn:aws:iam::123456789012:user/admin", role, "is a user; the field takes a role"},
		{"another partition", "arn:aws-us-gov:iam::123456789012:role/admin", role, `partition "aws-us-gov"`},
		{"another account", "arn:aws:iam::210987654321:role/admin", role, `account "210987654321"`},
		{"another service", "arn:aws:sts::123456789012:assumed-role/admin/s", role, `service "sts"`},
		{"not an ARN", "admin", role, "is not an ARN"},
		{"an alias where a key is required", "arn:aws:kms:us-east-1:123456789012:alias/x", ARNWant{Partition: "aws", Service: "kms", Types: []string{"key"}}, "is a alias"},
		{"an SES identity", "arn:aws:ses:us-east-1:123456789012:identity/example.com", ARNWant{Partition: "aws", Service: "ses", Types: []string{"identity"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(CheckARN(c.arn, c.want), "; ")
			if c.msg == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, c.msg)
		})
	}
}
