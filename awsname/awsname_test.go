package awsname

import (
	"strings"
	"testing"
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
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("EC2Description(%q) = %v, want %q", tc.in, err, tc.err)
		}
	}
}
