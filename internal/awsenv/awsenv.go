// Package awsenv describes where a stack runs (its account, partition and
// region) and builds the ARNs, principals and service names that the
// components' policies scope to it.
package awsenv

import (
	"fmt"

	"github.com/example/hardening/internal/awsname"
)

// Env is the account, partition and region a stack deploys into, and the
// IAM path its roles live under.
type Env struct {
	AccountID string
	Partition string
	Region    string
	// RolePath is the IAM path of every role the stack creates
	// ("/hardening-dev/", RolePath): the stack's deploy role may change
	// roles under it and nowhere else, and no other principal of the
	// project lives there.
	RolePath string
}

// CIPath is the IAM path of every CI role (identity.CIPath): apart from
// every workload stack's path. Here so that the light fleet package can
// name the fleet's CI role without linking the provider.
const CIPath = "/ci/"

// RolePath is the IAM path of the roles of component (a stack's
// "<project>-<stack>"): IAM paths start and end with a slash (IAM API
// reference, CreateRole Path: 1 to 512 characters, "(\u002F)|(\u002F[\u0021-\u007E]+\u002F)").
func RolePath(component string) string { return "/" + component + "/" }

// RoleARN returns the ARN of the role name under the stack's path: a role
// ARN carries its path (IAM user guide, "IAM identifiers").
func (e Env) RoleARN(name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", e.Partition, e.AccountID, e.RolePath, name)
}

// StackRoles is the ARN pattern of every role under the stack's path.
func (e Env) StackRoles() string { return e.RoleARN("*") }

// ARN returns a regional ARN of service in this account.
func (e Env) ARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.Partition, service, e.Region, e.AccountID, resource)
}

// Root returns the ARN of this account's root principal, which stands for
// the account in resource policies.
func (e Env) Root() string { return e.AccountRoot(e.AccountID) }

// AccountRoot returns the root principal ARN of another account in this
// partition.
func (e Env) AccountRoot(accountID string) string {
	return fmt.Sprintf("arn:%s:iam::%s:root", e.Partition, accountID)
}

// ServicePrincipal returns a service's regional principal, such as
// logs.us-east-1.amazonaws.com.
func (e Env) ServicePrincipal(service string) string {
	return fmt.Sprintf("%s.%s.amazonaws.com", service, e.Region)
}

// GatewayEndpointServices are the services VPCs reach through gateway
// endpoints (route-table entries, no hourly charge); every other service
// takes an interface endpoint (internal/awsname.VPCEndpoints).
var GatewayEndpointServices = awsname.EndpointNames(awsname.Gateway)

// EndpointService returns the VPC endpoint service name of service.
func (e Env) EndpointService(service string) string {
	return fmt.Sprintf("com.amazonaws.%s.%s", e.Region, service)
}

// GlobalServicePrincipal returns a service's principal without a region,
// such as cloudwatch.amazonaws.com, for services that use that form.
func (e Env) GlobalServicePrincipal(service string) string {
	return service + ".amazonaws.com"
}
