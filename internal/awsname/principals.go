package awsname

import (
	"fmt"
	"slices"
	"strings"
)

// ServicePrincipalsBeyondModels are service principals whose service part
// is no API model's endpointPrefix or signingName, each from the AWS page
// that documents it. Every other principal must name a modelled service.
var ServicePrincipalsBeyondModels = []string{
	"cloudwatch",                       // CloudWatch alarms' actions (CloudWatch user guide, "Using Amazon CloudWatch alarms": SNS topic policies)
	"delivery.logs",                    // vended logs delivery (CloudWatch Logs user guide, "Enabling logging from AWS services")
	"ecs-tasks",                        // ECS task roles (ECS developer guide, "Task IAM role")
	"edgelambda",                       // Lambda@Edge (CloudFront developer guide, "Setting IAM permissions and roles for Lambda@Edge")
	"logdelivery.elasticloadbalancing", // ALB access logs in newer Regions (ELB user guide, "Enable access logs")
	"logging.s3",                       // S3 server access logs (S3 user guide, "Enabling Amazon S3 server access logging")
	"vpc-flow-logs",                    // VPC Flow Logs (VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs")
	"replication.dynamodb",             // DynamoDB global tables (DynamoDB developer guide, "Global tables: how it works")
	"guardduty.malware-protection",     // GuardDuty Malware Protection (GuardDuty user guide, "Service-linked role permissions for Malware Protection")
	"resource-explorer-2",              // Resource Explorer (its user guide, "Using service-linked roles")
	"ops.apigateway",                   // API Gateway service-linked role (API Gateway developer guide)
	"scheduler",                        // EventBridge Scheduler (its user guide, "Setting up the execution role")
}

// ServicePrincipal refuses a principal ("ecs-tasks.amazonaws.com",
// "secretsmanager.us-east-1.amazonaws.com") whose service is neither a
// service of AWS's API models (their endpointPrefix and signingName,
// models.json serviceNames) nor one of ServicePrincipalsBeyondModels, or
// whose regional form names no region of the models.
func ServicePrincipal(p string) error {
	m, err := LoadModels()
	if err != nil {
		return err
	}
	name, ok := strings.CutSuffix(p, ".amazonaws.com")
	if !ok {
		name, ok = strings.CutSuffix(p, ".amazonaws.com.cn")
	}
	if !ok || name == "" || strings.ContainsAny(name, "*?") {
		return fmt.Errorf("%q is not a service principal (<service>.amazonaws.com, no wildcards)", p)
	}
	known := func(s string) bool {
		return slices.Contains(m.ServiceNames, s) || slices.Contains(ServicePrincipalsBeyondModels, s)
	}
	if known(name) {
		return nil
	}
	// Regional form: <service>.<region>.amazonaws.com.
	if i := strings.LastIndex(name, "."); i > 0 && known(name[:i]) {
		for _, regions := range m.Regions {
			if slices.Contains(regions, name[i+1:]) {
				return nil
			}
		}
	}
	return fmt.Errorf("%q names no AWS service: %q is no API model's endpoint prefix or signing name (%s) nor a documented principal beyond them%s", p, name, m.Source, nearest(name, append(slices.Clone(m.ServiceNames), ServicePrincipalsBeyondModels...)))
}

// nearest names the closest known name, when one is close.
func nearest(s string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := EditDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %s.amazonaws.com?", best)
}

// EditDistance is the Levenshtein distance of a and b: how the
// validation finds the name a user probably meant.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
