package network

import (
	"fmt"
	"net/netip"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/network/addressing"
	"github.com/example/hardening/network/reach"
)

// The tiers' security groups are named <VPC name>-<suffix>.
const (
	GroupLoadBalancer = "lb"
	GroupApp          = "app"
	GroupData         = "data"
	GroupEndpoints    = "endpoints"
)

// Intent is the flows the VPC is meant to admit, declared once from its
// settings; the compliance rule ec2-network-flows fails any other flow
// the security groups admit, and any expected flow a hop drops:
//
//   - the configured clients (LoadBalancerIngressCIDRs) to the load
//     balancer on 443 and 80;
//   - the load balancer to the app tier on AppPort (traffic and health
//     checks), and to the internet on 443 when it signs users in
//     (Cognito's endpoints, which publish no prefix list);
//   - the app tier to the data tier on DatabasePort, to the interface
//     endpoints and the S3 and DynamoDB gateway endpoints on 443, and to
//     AppHTTPSEgressCIDRs on 443 through NAT;
//   - anything in the private tier (the rotation function) to the
//     interface endpoints on 443, and the private and isolated tiers to
//     the gateway endpoints on 443;
//   - nothing else: nothing from outside reaches the isolated tier.
//
// The app and data groups' members (the app's tasks, the database) are
// deployed outside this program: Placements puts them in their tiers.
// Replies to rdpPort may be dropped: see withoutAdminPorts.
func (a *VPCArgs) Intent(name string) reach.Intent {
	group := func(suffix string) reach.Selector { return reach.Selector{Group: name + "-" + suffix} }
	https := reach.Port(443)
	var flows []reach.Intended
	var clients []netip.Prefix
	for _, c := range a.LoadBalancerIngressCIDRs {
		if p, err := netip.ParsePrefix(c); err == nil {
			clients = append(clients, p.Masked())
		}
	}
	flows = append(flows,
		reach.Intended{Name: "clients to the load balancer", From: reach.Selector{Internet: clients}, To: group(GroupLoadBalancer),
			Protocol: reach.TCP, Ports: https.Union(reach.Port(80)), Expected: len(clients) > 0},
		reach.Intended{Name: "the load balancer to the app port", From: group(GroupLoadBalancer), To: group(GroupApp),
			Protocol: reach.TCP, Ports: reach.Port(a.AppPort), Expected: true},
		reach.Intended{Name: "the app tier to the database port", From: group(GroupApp), To: group(GroupData),
			Protocol: reach.TCP, Ports: reach.Port(a.DatabasePort), Expected: true},
		reach.Intended{Name: "the app tier to the interface endpoints", From: group(GroupApp), To: reach.Selector{InterfaceEndpoints: true},
			Protocol: reach.TCP, Ports: https, Expected: len(a.InterfaceEndpoints) > 0},
		reach.Intended{Name: "the private tier to the interface endpoints", From: reach.Selector{Tier: addressing.Private.String()}, To: reach.Selector{InterfaceEndpoints: true},
			Protocol: reach.TCP, Ports: https},
		reach.Intended{Name: "the app tier to the gateway endpoints", From: group(GroupApp), To: reach.Selector{GatewayEndpoints: true},
			Protocol: reach.TCP, Ports: https, Expected: len(awsenv.GatewayEndpointServices) > 0},
	)
	for _, tier := range []addressing.Tier{addressing.Private, addressing.Isolated} {
		flows = append(flows, reach.Intended{Name: "the " + tier.String() + " tier to the gateway endpoints", From: reach.Selector{Tier: tier.String()},
			To: reach.Selector{GatewayEndpoints: true}, Protocol: reach.TCP, Ports: https})
	}
	var egress []netip.Prefix
	for _, c := range a.AppHTTPSEgressCIDRs {
		if p, err := netip.ParsePrefix(c); err == nil {
			egress = append(egress, p.Masked())
		}
	}
	if len(egress) > 0 {
		flows = append(flows, reach.Intended{Name: "the app tier to its HTTPS destinations through NAT", From: group(GroupApp), To: reach.Selector{Internet: egress},
			Protocol: reach.TCP, Ports: https, Expected: true})
	}
	if a.LoadBalancerSignsIn {
		flows = append(flows,
			reach.Intended{Name: "the load balancer to Cognito (sign-in)", From: group(GroupLoadBalancer), To: reach.Selector{Internet: []netip.Prefix{reach.AnyIPv4}},
				Protocol: reach.TCP, Ports: https, Expected: true},
			// Its egress to Cognito (0.0.0.0/0, which no prefix list narrows)
			// and its clients' ingress both hold its own addresses.
			reach.Intended{Name: "the load balancer to itself", From: group(GroupLoadBalancer), To: group(GroupLoadBalancer), Protocol: reach.TCP, Ports: https,
				Accepted: "its egress to Cognito and its clients' ingress, both 0.0.0.0/0 on 443, hold its own addresses"})
	}
	return reach.Intent{
		NamePrefix: name + "-",
		Flows:      flows,
		Placements: map[string]string{
			name + "-" + GroupApp:  addressing.Private.String(),
			name + "-" + GroupData: addressing.Isolated.String(),
		},
		ReplyGaps: replyGaps(),
	}
}

// replyGaps are the reply ports the NACLs leave out of what they admit
// from the internet: the admin ports within the ephemeral range
// (withoutAdminPorts).
func replyGaps() []reach.Gap {
	var out []reach.Gap
	for _, p := range adminPorts {
		if p >= 1024 {
			out = append(out, reach.Gap{Ports: reach.Port(p),
				Reason: fmt.Sprintf("FSBP EC2.21 bars %d from NACL entries open to 0.0.0.0/0 (network.withoutAdminPorts)", p)})
		}
	}
	return out
}
