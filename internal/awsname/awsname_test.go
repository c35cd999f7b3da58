package awsname

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEC2Description(t *testing.T) {
	for _, tc := range []struct {
		in, err string
	}{
		{"Load balancer to the app tier port", ""},
		{"Clients in 10.0.0.0/8 to the load balancer on 443 (HTTPS) #1, @all [x]+=&;{}!$*_-:", ""},
		{"Load balancer to the app tier's port", `has '\''`},
		{"Über", `has 'Ü'`},
		{"tab\there", `has '\t'`},
		{strings.Repeat("a", 256), "is 256 characters; EC2 accepts at most 255"},
	} {
		err := EC2Description(tc.in)
		if tc.err == "" {
			assert.NoError(t, err, "EC2Description(%q)", tc.in)
		} else {
			assert.ErrorContains(t, err, tc.err, "EC2Description(%q)", tc.in)
		}
	}
}

func TestShape(t *testing.T) {
	for _, tc := range []struct {
		id, value, err string
	}{
		{"iam.roleNameType", "hardening-prod-app-1a2b3c4", ""},
		{"iam.roleNameType", strings.Repeat("r", 65), "allows 64"},
		{"iam.roleNameType", "team app", "does not match"},
		{"cognito-idp.DomainType", "hardening-prod", ""},
		{"cognito-idp.DomainType", "-bad", "does not match"},
		{"wafv2.MetricName", "hardening-prod-site", ""},
		{"wafv2.MetricName", "rate limit", "does not match"},
		{"logs.LogGroupName", "/cloudtrail/hardening-prod", ""},
		{"logs.LogGroupName", "/aws/waf logs", "does not match"},
		{"acm.DomainNameString", strings.Repeat("a", 250) + ".com", "allows 253"},
		{"nope.Shape", "x", "no model shape"},
	} {
		err := Shape(tc.id, tc.value)
		if tc.err == "" {
			assert.NoError(t, err, "Shape(%s, %q)", tc.id, tc.value)
		} else {
			assert.ErrorContains(t, err, tc.err, "Shape(%s, %q)", tc.id, tc.value)
		}
	}
}

func TestRegion(t *testing.T) {
	for _, tc := range []struct {
		partition, region string
		ok                bool
	}{
		{"aws", "us-east-1", true}, {"aws", "us-west-2", true}, {"aws", "us_east_1", false},
		{"aws", "us-east-9", false}, {"aws", "cn-north-1", false}, {"aws-cn", "cn-north-1", true},
	} {
		if err := Region(tc.partition, tc.region); tc.ok {
			assert.NoError(t, err, "Region(%s, %s)", tc.partition, tc.region)
		} else {
			assert.Error(t, err, "Region(%s, %s)", tc.partition, tc.region)
		}
	}
}
