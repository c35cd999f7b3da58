package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSettingsCheck: each rule the tls component and the configuration
// share, with the setting it names and its message.
func TestSettingsCheck(t *testing.T) {
	ok := Settings{Domain: "app.example.com", HostedZoneID: "Z1", SSLPolicy: Default}
	cases := []struct {
		name    string
		change  func(s *Settings)
		setting string
		want    string
	}{
		{"no issuer", func(s *Settings) { s.Domain = "" }, "domain", "is empty and the private CA is off"},
		{"no zone", func(s *Settings) { s.HostedZoneID = "" }, "hostedZoneId", `the domain "app.example.com" needs the Route53 hosted zone`},
		{"unknown policy", func(s *Settings) { s.SSLPolicy = "ELBSecurityPolicy-2016-08" }, "sslPolicy", `"ELBSecurityPolicy-2016-08" is unknown or weak`},
		{"ELB.17 rejects", func(s *Settings) { s.SSLPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06" }, "sslPolicy", "allows TLS 1.2 but Security Hub ELB.17 rejects it"},
		{"mutual TLS without CA", func(s *Settings) { s.MutualTLS = true }, "mutualTls.enabled", "mutual TLS needs a CA"},
	}
	require.Empty(t, ok.Check(), "valid settings")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ok
			c.change(&s)
			got := s.Check()
			require.Len(t, got, 1, "want one problem on %s containing %q", c.setting, c.want)
			assert.Equal(t, c.setting, got[0].Setting)
			assert.Contains(t, got[0].Message, c.want)
		})
	}
	private := Settings{PrivateCA: true, MutualTLS: true, SSLPolicy: Default}
	assert.Empty(t, private.Check(), "private CA with mutual TLS")
}
