package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Outputs are the stack outputs the checks read, as `pulumi stack output
// --json` prints them (baseline.export sets them). Secret outputs print as
// "[secret]" without --show-secrets; none of these is secret.
type Outputs struct {
	LoadBalancerDNSName       string            `json:"loadBalancerDnsName"`
	LoadBalancerARN           string            `json:"loadBalancerArn"`
	CertificateARN            string            `json:"certificateArn"`
	CACertificatePEM          string            `json:"caCertificatePem"`
	WebACLARN                 string            `json:"webAclArn"`
	TrailARN                  string            `json:"trailArn"`
	TrailBucketName           string            `json:"trailBucketName"`
	LoadBalancerLogBucketName string            `json:"loadBalancerLogBucketName"`
	AccessLogBucketName       string            `json:"accessLogBucketName"`
	VPCID                     string            `json:"vpcId"`
	FlowLogGroupName          string            `json:"flowLogGroupName"`
	SecretARNs                map[string]string `json:"secretArns"`
	UserPoolDomain            string            `json:"userPoolDomain"`
	UserPoolClientID          string            `json:"userPoolClientId"`
	GuardDutyDetectorID       string            `json:"guardDutyDetectorId"`
	SecurityHubStandardsARNs  []string          `json:"securityHubStandardsArns"`
}

// ReadOutputs decodes `pulumi stack output --json`. Outputs the checks do
// not read are ignored; one of the wrong type is an error naming it.
func ReadOutputs(r io.Reader) (*Outputs, error) {
	var o Outputs
	if err := json.NewDecoder(r).Decode(&o); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("stack output %s: a JSON %s, not the %s expected", te.Field, te.Value, te.Type)
		}
		return nil, fmt.Errorf("stack outputs: %w", err)
	}
	return &o, nil
}

// Account is the account ID in the stack's ARNs ("" when none is known).
func (o *Outputs) Account() string {
	for _, arn := range []string{o.LoadBalancerARN, o.WebACLARN, o.CertificateARN, o.TrailARN} {
		// arn:partition:service:region:account:resource
		if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && parts[4] != "" {
			return parts[4]
		}
	}
	return ""
}
