package stackconfig

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/network/addressing"
)

// Network configures the VPC (key "network").
type Network struct {
	// CIDR is the VPC's IPv4 block, RFC 1918, /16 to /23. Default 10.0.0.0/16.
	CIDR string `json:"cidr"`
	// AZCount is the number of availability zones, 2 to 6. Default 3.
	AZCount int `json:"azCount"`
	// NATGateways is "perZone" (default) or "single".
	NATGateways addressing.NATGateways `json:"natGateways"`
	// LoadBalancerIngressCIDRs may reach the load balancer on 80 and 443.
	// Default anywhere (0.0.0.0/0): the load balancer is the public entry.
	LoadBalancerIngressCIDRs []string `json:"loadBalancerIngressCidrs"`
	// AppPort is the port the app tier listens on. Default 8443.
	AppPort int `json:"appPort"`
	// DatabasePort is the port the data tier listens on. Default 5432.
	DatabasePort int `json:"databasePort"`
	// AppHTTPSEgressCIDRs are the destinations the app tier may reach on 443
	// through the NAT gateways. Default none: AWS APIs are reached through
	// VPC endpoints.
	AppHTTPSEgressCIDRs []string `json:"appHttpsEgressCidrs"`
	// FlowLogRetentionDays is the flow-log group's retention, one of the
	// values CloudWatch Logs accepts. Default 365.
	FlowLogRetentionDays int `json:"flowLogRetentionDays"`
	// FlowLogArchiveBucketARN, when set, is an S3 bucket that receives the
	// VPC's flow logs (ALL traffic) besides the log group: in a fleet, the
	// log-archive account's central flow-log bucket, whose policy admits
	// the organization's deliveries, so that a member account's
	// administrators cannot erase them. The bucket's ARN alone: deliveries
	// land under AWSLogs/<account>/vpcflowlogs/. Default none.
	FlowLogArchiveBucketARN string `json:"flowLogArchiveBucketArn"`
	// InterfaceEndpoints are the AWS services reached through interface VPC
	// endpoints with private DNS, by endpoint name (one of
	// internal/awsname.VPCEndpoints: "monitoring" for CloudWatch). Default
	// secretsmanager, kms, logs, sts; secretsmanager is required while a
	// secret is rotated or read by a workload.
	InterfaceEndpoints []string `json:"interfaceEndpoints"`
}

// DefaultNetwork returns the network defaults.
func DefaultNetwork() Network {
	return Network{
		CIDR:                     "10.0.0.0/16",
		AZCount:                  3,
		NATGateways:              addressing.NATPerZone,
		LoadBalancerIngressCIDRs: []string{"0.0.0.0/0"},
		AppPort:                  8443,
		DatabasePort:             5432,
		FlowLogRetentionDays:     365,
		InterfaceEndpoints:       []string{SecretsManagerEndpoint, "kms", "logs", "sts"},
	}
}

// Layout returns the subnet layout of a validated network config.
func (n Network) Layout() addressing.Plan {
	p, err := addressing.New(n.CIDR, n.AZCount)
	if err != nil {
		panic(fmt.Sprintf("stackconfig: Layout called on an unvalidated config: %v", err))
	}
	return p
}

// SecretsManagerEndpoint is the interface endpoint that is the rotation
// function's and the workloads' only route to Secrets Manager: the
// function's security group reaches the endpoints only, and the app tier
// reaches AWS APIs through endpoints.
const SecretsManagerEndpoint = "secretsmanager"

const (
	minZones = 2
	maxZones = 6
)

// LogRetentionDays are the retention periods CloudWatch Logs accepts.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (n Network) validate(key string) []error {
	var errs []error
	if plan, err := addressing.New(n.CIDR, addressing.MaxZones); err != nil {
		errs = append(errs, fieldErr(key+".cidr", "%v", err))
	} else if !addressing.IsPrivate(plan.VPC) {
		errs = append(errs, fieldErr(key+".cidr", "%q is not in an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)", n.CIDR))
	}
	if n.AZCount < minZones || n.AZCount > maxZones {
		errs = append(errs, fieldErr(key+".azCount", "%d is out of range; use %d to %d zones", n.AZCount, minZones, maxZones))
	}
	if n.NATGateways != addressing.NATPerZone && n.NATGateways != addressing.NATSingle {
		errs = append(errs, fieldErr(key+".natGateways", "%q is not a NAT layout; use %q or %q", n.NATGateways, addressing.NATPerZone, addressing.NATSingle))
	}
	if len(n.LoadBalancerIngressCIDRs) == 0 {
		errs = append(errs, fieldErr(key+".loadBalancerIngressCidrs", "is empty; the load balancer would be unreachable (use [\"0.0.0.0/0\"] for a public site)"))
	}
	errs = append(errs, validateCIDRs(key+".loadBalancerIngressCidrs", n.LoadBalancerIngressCIDRs)...)
	errs = append(errs, validateCIDRs(key+".appHttpsEgressCidrs", n.AppHTTPSEgressCIDRs)...)
	// The port rules the network component checks too live in addressing.
	errs = append(errs, problemsAt(key, addressing.CheckTierPorts(n.AppPort, n.DatabasePort))...)
	errs = append(errs, validateRetention(key+".flowLogRetentionDays", n.FlowLogRetentionDays)...)
	if n.FlowLogArchiveBucketARN != "" {
		if err := awsname.S3BucketARN(n.FlowLogArchiveBucketARN); err != nil {
			errs = append(errs, fieldErr(key+".flowLogArchiveBucketArn", "%v", err))
		}
	}
	seen := map[string]bool{}
	for i, svc := range n.InterfaceEndpoints {
		k := fmt.Sprintf("%s.interfaceEndpoints[%d]", key, i)
		// The catalogue holds each endpoint's IAM prefix and whether it takes
		// an endpoint policy: a name it does not know would get a policy for
		// the wrong service, or one CreateVpcEndpoint refuses.
		if err := awsname.InterfaceEndpoint(svc); err != nil {
			errs = append(errs, fieldErr(k, "%v", err))
		} else if seen[svc] {
			errs = append(errs, fieldErr(k, "%q is listed twice", svc))
		}
		seen[svc] = true
	}
	return errs
}

func validateCIDRs(key string, cidrs []string) []error {
	var errs []error
	seen := map[string]int{}
	for i, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if j, dup := seen[c]; dup {
			// EC2 and WAF refuse a duplicate rule or address.
			errs = append(errs, fieldErr(fmt.Sprintf("%s[%d]", key, i), "%q repeats %s[%d]; EC2 refuses a duplicate rule", c, key, j))
			continue
		}
		seen[c] = i
		switch {
		case err != nil || !p.Addr().Is4():
			errs = append(errs, fieldErr(fmt.Sprintf("%s[%d]", key, i), "%q is not a valid IPv4 CIDR", c))
		case p.Masked() != p:
			errs = append(errs, fieldErr(fmt.Sprintf("%s[%d]", key, i), "%q has host bits set; the network address is %s", c, p.Masked()))
		}
	}
	return errs
}

func validatePort(key string, port int) []error {
	if err := addressing.CheckPort(port); err != nil {
		return []error{fieldErr(key, "%v", err)}
	}
	return nil
}

func validateRetention(key string, days int) []error {
	if slices.Contains(LogRetentionDays, days) {
		return nil
	}
	return []error{fieldErr(key, "%d is not a CloudWatch Logs retention; use one of %v", days, LogRetentionDays)}
}
