package network

import (
	"fmt"

	"github.com/example/hardening/network/addressing"
)

// Peer is one end of a flow: a subnet tier of the VPC or, with Internet
// set, any address outside the VPC (the internet, and the public addresses
// of AWS services that the gateway endpoints reach).
type Peer struct {
	Tier     addressing.Tier
	Internet bool
}

// Internet is every address outside the VPC.
var Internet = Peer{Internet: true}

// InTier is a tier of the VPC.
func InTier(t addressing.Tier) Peer { return Peer{Tier: t} }

func (p Peer) String() string {
	if p.Internet {
		return "internet"
	}
	return p.Tier.String()
}

// Client is the kind of host that opens a flow; it decides the ports the
// replies come back to.
type Client string

// The kinds of client of the stack's flows.
const (
	// InternetClient is a browser or API client on the internet.
	InternetClient Client = "internet client"
	// LoadBalancer is the application load balancer's nodes.
	LoadBalancer Client = "load balancer"
	// NATGateway is a NAT gateway forwarding the private tier's requests.
	NATGateway Client = "NAT gateway"
	// LambdaFunction is a Lambda function in the VPC (the rotation
	// function).
	LambdaFunction Client = "Lambda function"
	// Workload is a task or instance of the app or data tier.
	Workload Client = "workload"
)

// PortRange is an inclusive range of TCP ports.
type PortRange struct{ From, To int }

func (r PortRange) String() string {
	if r.From == r.To {
		return fmt.Sprint(r.From)
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// Contains reports whether port is in r.
func (r PortRange) Contains(port int) bool { return r.From <= port && port <= r.To }

// EphemeralPorts are the ports each kind of client's replies arrive on
// (VPC user guide, "Network ACLs", "Ephemeral ports": "Requests originating
// from Elastic Load Balancing use ports 1024-65535", "A NAT gateway uses
// ports 1024-65535", "AWS Lambda functions use ports 1024-65535"). For
// other clients the range depends on the operating system (many Linux
// kernels 32768-61000, Windows Server 2008 and later 49152-65535, older
// Windows 1025-5000); internet clients and the workloads run systems the
// stack does not choose, so they get 1024-65535, the range the guide gives
// to cover every client it lists.
var EphemeralPorts = map[Client]PortRange{
	InternetClient: {1024, 65535},
	LoadBalancer:   {1024, 65535},
	NATGateway:     {1024, 65535},
	LambdaFunction: {1024, 65535},
	Workload:       {1024, 65535},
}

// Flow is one kind of TCP connection the stack needs: a client in From
// opens it to a server in To on Port, and the server replies to the
// client's ephemeral port. The network ACLs are derived from the flows
// (NACLRules), so each flow is admitted both ways and nothing else is.
//
// Traffic the NACLs never filter needs no flow: the Amazon DNS server, the
// instance and ECS task metadata endpoints, DHCP and the Time Sync Service
// (VPC user guide, "Network ACLs", "Network ACL basics").
type Flow struct {
	// ID is stable: it numbers the flow's NACL rules, so adding a flow
	// never renumbers another's rules (1 to 99).
	ID int
	// Name names the flow's NACL rules.
	Name string
	// Description says who talks to whom, and why.
	Description string
	// From is the client's end, To the server's.
	From, To Peer
	// Client is what opens the connection.
	Client Client
	// Port is the server's port.
	Port int
	// ViaNAT marks a flow from a tier to the internet through the public
	// tier's NAT gateways; the public tier's NACL then sees it twice.
	ViaNAT bool
}

// FlowArgs are what decides which flows a VPC has.
type FlowArgs struct {
	// AppPort and DatabasePort are the tiers' listening ports.
	AppPort, DatabasePort int
	// LoadBalancerSignsIn lets the load balancer reach Cognito on 443.
	LoadBalancerSignsIn bool
	// AppEgressThroughNAT lets the app tier reach the internet on 443
	// through the NAT gateways (network.appHttpsEgressCidrs).
	AppEgressThroughNAT bool
	// InterfaceEndpoints reports that the VPC has interface endpoints.
	InterfaceEndpoints bool
}

// Flows declares the flows of a VPC: every flow the security groups allow
// (and the data tier's HTTPS to the gateway endpoints, which its route
// table holds), with the client each starts from.
func Flows(a FlowArgs) []Flow {
	public, private, isolated := InTier(addressing.Public), InTier(addressing.Private), InTier(addressing.Isolated)
	flows := []Flow{
		{ID: 1, Name: "clients-https", Description: "clients to the load balancer on HTTPS",
			From: Internet, To: public, Client: InternetClient, Port: 443},
		{ID: 2, Name: "clients-http", Description: "clients to the load balancer on HTTP, which only redirects to HTTPS",
			From: Internet, To: public, Client: InternetClient, Port: 80},
		{ID: 3, Name: "lb-app", Description: "the load balancer to the app port (requests and health checks)",
			From: public, To: private, Client: LoadBalancer, Port: a.AppPort},
		{ID: 7, Name: "app-gateway-endpoints", Description: "the app tier to S3 and DynamoDB through the gateway endpoints",
			From: private, To: Internet, Client: Workload, Port: 443},
		{ID: 9, Name: "app-data", Description: "the app tier to the data port",
			From: private, To: isolated, Client: Workload, Port: a.DatabasePort},
		{ID: 10, Name: "data-gateway-endpoints", Description: "the data tier to S3 and DynamoDB through the gateway endpoints, its route table's only way out",
			From: isolated, To: Internet, Client: Workload, Port: 443},
	}
	if a.LoadBalancerSignsIn {
		flows = append(flows, Flow{ID: 4, Name: "lb-idp", Description: "the load balancer to Cognito's token and user-info endpoints (authenticate-cognito)",
			From: public, To: Internet, Client: LoadBalancer, Port: 443})
	}
	if a.InterfaceEndpoints {
		// The endpoints' network interfaces are in every private subnet, and
		// private DNS answers with all of them: a request may cross to
		// another zone's subnet.
		flows = append(flows,
			Flow{ID: 5, Name: "app-endpoints", Description: "the app tier to the interface endpoints",
				From: private, To: private, Client: Workload, Port: 443},
			Flow{ID: 6, Name: "rotation-endpoints", Description: "the rotation function to the Secrets Manager endpoint",
				From: private, To: private, Client: LambdaFunction, Port: 443})
	}
	if a.AppEgressThroughNAT {
		flows = append(flows, Flow{ID: 8, Name: "app-nat", Description: "the app tier to the internet on 443 through the NAT gateways",
			From: private, To: Internet, Client: Workload, Port: 443, ViaNAT: true})
	}
	return flows
}

// Hop is one crossing of a tier's network ACL by a flow's packets: in
// (Egress false) from Peer, or out to Peer, to destination ports Ports.
type Hop struct {
	Tier   addressing.Tier
	Egress bool
	Peer   Peer
	Ports  PortRange
	// Reply marks the server's replies, which go to the client's
	// ephemeral ports.
	Reply bool
	// Role names the hop within its flow.
	Role string
}

// Hops returns every NACL crossing of f, the request's and the reply's. A
// packet through a NAT gateway keeps the internet end's address on the
// private side, so the private tier's NACL sees the internet, and the
// public tier's NACL sees the packet twice: in from the client and out to
// the internet, then in on the gateway's ephemeral port and out to the
// client.
func (f Flow) Hops() []Hop {
	port := PortRange{f.Port, f.Port}
	reply := EphemeralPorts[f.Client]
	var hops []Hop
	if !f.From.Internet {
		hops = append(hops,
			Hop{Tier: f.From.Tier, Egress: true, Peer: f.To, Ports: port, Role: "request"},
			Hop{Tier: f.From.Tier, Peer: f.To, Ports: reply, Reply: true, Role: "reply"})
	}
	if !f.To.Internet {
		hops = append(hops,
			Hop{Tier: f.To.Tier, Peer: f.From, Ports: port, Role: "request"},
			Hop{Tier: f.To.Tier, Egress: true, Peer: f.From, Ports: reply, Reply: true, Role: "reply"})
	}
	if f.ViaNAT {
		hops = append(hops,
			Hop{Tier: addressing.Public, Peer: f.From, Ports: port, Role: "nat-request"},
			Hop{Tier: addressing.Public, Egress: true, Peer: Internet, Ports: port, Role: "nat-forward"},
			Hop{Tier: addressing.Public, Peer: Internet, Ports: EphemeralPorts[NATGateway], Reply: true, Role: "nat-reply"},
			Hop{Tier: addressing.Public, Egress: true, Peer: f.From, Ports: reply, Reply: true, Role: "nat-return"})
	}
	return hops
}
