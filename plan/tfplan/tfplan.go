// Package tfplan converts a stack's compliance graph to Terraform's JSON
// plan format (the output of `terraform show -json`), so that scanners
// written for Terraform plans (Trivy's misconfiguration checks among
// them) can judge the same resources the compliance rules judge.
//
// Each AWS resource becomes a resource of the Terraform type that
// pulumi-aws bridges it from, its inputs renamed back to the Terraform
// schema: camelCase to snake_case, pluralised list blocks to their
// singular block names, and the objects Pulumi flattens from blocks of at
// most one item (maxItems=1) back into one-element lists. A string input
// that came from another converted resource (its property dependency)
// and carries that resource's id or ARN becomes a reference to it in the
// configuration, as Terraform plans it, so that a scanner can join a
// bucket to its public access block or encryption configuration.
package tfplan

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
)

// terraformTypes maps the AWS types the stacks register to the Terraform
// resource types pulumi-aws bridges (pulumi/pulumi-aws
// provider/cmd/pulumi-resource-aws/bridge-metadata.json, "renames" ->
// "resources"). The types marked "naming" are newer than the revision
// read there and follow the provider's naming of the same resource in
// terraform-provider-aws (aws_<service>_<resource>).
var terraformTypes = map[string]string{
	restype.ACMCertificate:                              "aws_acm_certificate",
	restype.ACMCertificateValidation:                    "aws_acm_certificate_validation",
	restype.AccessAnalyzerAnalyzer:                      "aws_accessanalyzer_analyzer",
	restype.CloudTrailOrganizationDelegatedAdminAccount: "aws_cloudtrail_organization_delegated_admin_account", // naming
	restype.CloudTrailTrail:                             "aws_cloudtrail",
	restype.CloudWatchEventRule:                         "aws_cloudwatch_event_rule",
	restype.CloudWatchEventTarget:                       "aws_cloudwatch_event_target",
	restype.CloudWatchLogGroup:                          "aws_cloudwatch_log_group",
	restype.CloudWatchLogMetricFilter:                   "aws_cloudwatch_log_metric_filter",
	restype.CloudWatchLogResourcePolicy:                 "aws_cloudwatch_log_resource_policy",
	restype.CloudWatchMetricAlarm:                       "aws_cloudwatch_metric_alarm",
	restype.CognitoIdentityPool:                         "aws_cognito_identity_pool",
	restype.CognitoIdentityPoolRoleAttachment:           "aws_cognito_identity_pool_roles_attachment",
	restype.CognitoUserGroup:                            "aws_cognito_user_group",
	restype.CognitoUserPool:                             "aws_cognito_user_pool",
	restype.CognitoUserPoolClient:                       "aws_cognito_user_pool_client",
	restype.CognitoUserPoolDomain:                       "aws_cognito_user_pool_domain",
	restype.EC2DefaultNetworkACL:                        "aws_default_network_acl",
	restype.EC2DefaultSecurityGroup:                     "aws_default_security_group",
	restype.EC2EIP:                                      "aws_eip",
	restype.EC2FlowLog:                                  "aws_flow_log",
	restype.EC2InternetGateway:                          "aws_internet_gateway",
	restype.EC2NatGateway:                               "aws_nat_gateway",
	restype.EC2NetworkACL:                               "aws_network_acl",
	restype.EC2NetworkACLRule:                           "aws_network_acl_rule",
	restype.EC2Route:                                    "aws_route",
	restype.EC2RouteTable:                               "aws_route_table",
	restype.EC2RouteTableAssociation:                    "aws_route_table_association",
	restype.EC2SecurityGroup:                            "aws_security_group",
	restype.EC2SecurityGroupRule:                        "aws_security_group_rule",
	restype.EC2Subnet:                                   "aws_subnet",
	restype.EC2VPC:                                      "aws_vpc",
	restype.EC2VPCEndpoint:                              "aws_vpc_endpoint",
	restype.GuardDutyDetector:                           "aws_guardduty_detector",
	restype.GuardDutyDetectorFeature:                    "aws_guardduty_detector_feature", // naming
	restype.GuardDutyOrganizationAdminAccount:           "aws_guardduty_organization_admin_account",
	restype.GuardDutyOrganizationConfiguration:          "aws_guardduty_organization_configuration",
	restype.GuardDutyOrganizationConfigurationFeature:   "aws_guardduty_organization_configuration_feature", // naming
	restype.IAMAccessKey:                                "aws_iam_access_key",
	restype.S3BucketAclV2:                               "aws_s3_bucket_acl",
	restype.EBSEncryptionByDefault:                      "aws_ebs_encryption_by_default",
	restype.EC2NetworkACLAssociation:                    "aws_network_acl_association",
	restype.IAMGroupPolicy:                              "aws_iam_group_policy",
	restype.IAMGroupPolicyAttachment:                    "aws_iam_group_policy_attachment",
	restype.IAMGroupPolicyAttachmentsExclusive:          "aws_iam_group_policy_attachments_exclusive", // naming
	restype.IAMPolicyAttachment:                         "aws_iam_policy_attachment",
	restype.IAMRolePolicyAttachmentsExclusive:           "aws_iam_role_policy_attachments_exclusive", // naming
	restype.IAMUserPolicy:                               "aws_iam_user_policy",
	restype.IAMUserPolicyAttachment:                     "aws_iam_user_policy_attachment",
	restype.IAMUserPolicyAttachmentsExclusive:           "aws_iam_user_policy_attachments_exclusive", // naming
	restype.KMSKeyPolicy:                                "aws_kms_key_policy",
	restype.IAMAccountPasswordPolicy:                    "aws_iam_account_password_policy",
	restype.IAMOpenIdConnectProvider:                    "aws_iam_openid_connect_provider",
	restype.IAMPolicy:                                   "aws_iam_policy",
	restype.IAMRole:                                     "aws_iam_role",
	restype.IAMRolePolicy:                               "aws_iam_role_policy",
	restype.IAMRolePolicyAttachment:                     "aws_iam_role_policy_attachment",
	restype.IAMUser:                                     "aws_iam_user",
	restype.IAMUserLoginProfile:                         "aws_iam_user_login_profile",
	restype.KMSAlias:                                    "aws_kms_alias",
	restype.KMSKey:                                      "aws_kms_key",
	restype.KMSReplicaKey:                               "aws_kms_replica_key",
	restype.LBListener:                                  "aws_lb_listener",
	restype.LBListenerRule:                              "aws_lb_listener_rule",
	restype.LBLoadBalancer:                              "aws_lb",
	restype.LBTargetGroup:                               "aws_lb_target_group",
	restype.LBTrustStore:                                "aws_lb_trust_store", // naming
	restype.LambdaFunction:                              "aws_lambda_function",
	restype.LambdaPermission:                            "aws_lambda_permission",
	restype.OrganizationsDelegatedAdministrator:         "aws_organizations_delegated_administrator",
	restype.Route53Record:                               "aws_route53_record",
	restype.S3AccountPublicAccessBlock:                  "aws_s3_account_public_access_block",
	restype.S3BucketLifecycleConfigurationV2:            "aws_s3_bucket_lifecycle_configuration",
	restype.S3BucketLoggingV2:                           "aws_s3_bucket_logging",
	restype.S3BucketNotification:                        "aws_s3_bucket_notification",
	restype.S3BucketObjectLockConfigurationV2:           "aws_s3_bucket_object_lock_configuration",
	restype.S3BucketObjectV2:                            "aws_s3_object",
	restype.S3BucketOwnershipControls:                   "aws_s3_bucket_ownership_controls",
	restype.S3BucketPolicy:                              "aws_s3_bucket_policy",
	restype.S3BucketPublicAccessBlock:                   "aws_s3_bucket_public_access_block",
	restype.S3BucketServerSideEncryptionConfigurationV2: "aws_s3_bucket_server_side_encryption_configuration",
	restype.S3BucketV2:                                  "aws_s3_bucket",
	restype.S3BucketVersioningV2:                        "aws_s3_bucket_versioning",
	restype.SNSTopic:                                    "aws_sns_topic",
	restype.SNSTopicPolicy:                              "aws_sns_topic_policy",
	restype.SNSTopicSubscription:                        "aws_sns_topic_subscription",
	restype.SQSQueue:                                    "aws_sqs_queue",
	restype.SQSQueuePolicy:                              "aws_sqs_queue_policy",
	restype.SecretsManagerSecret:                        "aws_secretsmanager_secret",
	restype.SecretsManagerSecretPolicy:                  "aws_secretsmanager_secret_policy",
	restype.SecretsManagerSecretRotation:                "aws_secretsmanager_secret_rotation",
	restype.SecretsManagerSecretVersion:                 "aws_secretsmanager_secret_version",
	restype.SecurityHubAccount:                          "aws_securityhub_account",
	restype.SecurityHubConfigurationPolicy:              "aws_securityhub_configuration_policy",             // naming
	restype.SecurityHubConfigurationPolicyAssociation:   "aws_securityhub_configuration_policy_association", // naming
	restype.SecurityHubFindingAggregator:                "aws_securityhub_finding_aggregator",
	restype.SecurityHubOrganizationAdminAccount:         "aws_securityhub_organization_admin_account",
	restype.SecurityHubOrganizationConfiguration:        "aws_securityhub_organization_configuration",
	restype.SecurityHubStandardsSubscription:            "aws_securityhub_standards_subscription",
	restype.VPCSecurityGroupEgressRule:                  "aws_vpc_security_group_egress_rule",
	restype.VPCSecurityGroupIngressRule:                 "aws_vpc_security_group_ingress_rule",
	restype.WAFv2IpSet:                                  "aws_wafv2_ip_set",
	restype.WAFv2RuleGroup:                              "aws_wafv2_rule_group",
	restype.WAFv2WebACL:                                 "aws_wafv2_web_acl",
	restype.WAFv2WebACLAssociation:                      "aws_wafv2_web_acl_association",
	restype.WAFv2WebACLLoggingConfiguration:             "aws_wafv2_web_acl_logging_configuration",
}

// TerraformType returns the Terraform resource type of a Pulumi type
// token, and whether it has one.
func TerraformType(pulumiType string) (string, bool) {
	t, ok := terraformTypes[pulumiType]
	return t, ok
}

// pluralBlocks are the list blocks whose Pulumi name is the plural of the
// Terraform block name (pulumi-aws's bridge pluralises a list of objects
// whose maximum is not one: bridge-metadata.json "renames" ->
// "renamedProperties", e.g. aws:lb/listener:Listener defaultActions ->
// default_action). Only the ones the stacks' resources carry are listed;
// a list input not named here keeps its name, as the list attributes
// whose Terraform names are already plural do (subnet_ids,
// alarm_actions, cognito_identity_providers, redacted_fields).
var pluralBlocks = map[string]string{
	"actions":                      "action",
	"additionalConfigurations":     "additional_configuration",
	"aliases":                      "alias",
	"conditions":                   "condition",
	"customKeys":                   "custom_key",
	"customResponseBodies":         "custom_response_body",
	"dataResources":                "data_resource",
	"defaultActions":               "default_action",
	"eventSelectors":               "event_selector",
	"advancedEventSelectors":       "advanced_event_selector",
	"fieldSelectors":               "field_selector",
	"filters":                      "filter",
	"recoveryMechanisms":           "recovery_mechanism",
	"replicas":                     "replica",
	"responseHeaders":              "response_header",
	"roleMappings":                 "role_mapping",
	"ruleActionOverrides":          "rule_action_override",
	"rules":                        "rule",
	"schemas":                      "schema",
	"statements":                   "statement",
	"textTransformations":          "text_transformation",
	"transitions":                  "transition",
	"noncurrentVersionTransitions": "noncurrent_version_transition",
	"mappingRules":                 "mapping_rule",
	"inlinePolicies":               "inline_policy",
	"metricQueries":                "metric_query",
	"subnetMappings":               "subnet_mapping",
	"validationOptions":            "validation_option",
}

// renamed are the top-level inputs whose Pulumi name is not the
// Terraform one camel-cased (bridge-metadata.json "renames" ->
// "renamedProperties": aws:lambda/function:Function name -> function_name
// and code -> filename, aws:lambda/permission:Permission function ->
// function_name).
var renamed = map[string]map[string]string{
	restype.LambdaFunction:       {"name": "function_name", "code": "filename"},
	restype.LambdaPermission:     {"function": "function_name"},
	restype.SNSTopicSubscription: {"topic": "topic_arn"},
}

// mapAttributes are the inputs whose Terraform type is a map of strings
// (not a block): their keys are data, kept as they are.
var mapAttributes = map[string]bool{
	"tags":       true,
	"tagsAll":    true,
	"dimensions": true, // aws_cloudwatch_metric_alarm
	"roles":      true, // aws_cognito_identity_pool_roles_attachment
	"variables":  true, // aws_lambda_function environment
}

// Plan is a Terraform JSON plan (https://developer.hashicorp.com/terraform/internals/json-format):
// the fields a plan scanner reads.
type Plan struct {
	FormatVersion    string        `json:"format_version"`
	TerraformVersion string        `json:"terraform_version"`
	PlannedValues    PlannedValues `json:"planned_values"`
	ResourceChanges  []Change      `json:"resource_changes"`
	Configuration    Configuration `json:"configuration"`
	// URNs maps each address to the Pulumi URN it was converted from. It
	// is not part of Terraform's format (whose readers ignore keys they do
	// not know); a reconciler maps a scanner's findings back with it.
	URNs map[string]string `json:"pulumi_urns"`
	// Skipped are the Pulumi types the plan holds with no Terraform
	// counterpart here (another provider's, or one not mapped), with a
	// count each.
	Skipped map[string]int `json:"pulumi_skipped,omitempty"`
}

// PlannedValues holds the root module's planned resources.
type PlannedValues struct {
	RootModule Module `json:"root_module"`
}

// Module is a module's planned resources.
type Module struct {
	Resources []Resource `json:"resources"`
}

// Resource is one planned resource.
type Resource struct {
	Address         string         `json:"address"`
	Mode            string         `json:"mode"`
	Type            string         `json:"type"`
	Name            string         `json:"name"`
	ProviderName    string         `json:"provider_name"`
	SchemaVersion   int            `json:"schema_version"`
	Values          map[string]any `json:"values"`
	SensitiveValues map[string]any `json:"sensitive_values"`
}

// Change is a resource's planned change: every resource is created.
type Change struct {
	Address      string       `json:"address"`
	Mode         string       `json:"mode"`
	Type         string       `json:"type"`
	Name         string       `json:"name"`
	ProviderName string       `json:"provider_name"`
	Change       ChangeValues `json:"change"`
}

// ChangeValues are a change's before and after values; after_unknown
// marks the values known only after the apply.
type ChangeValues struct {
	Actions      []string       `json:"actions"`
	Before       any            `json:"before"`
	After        map[string]any `json:"after"`
	AfterUnknown map[string]any `json:"after_unknown"`
}

// Configuration is the root module's configuration: each resource's
// expressions, constants and references.
type Configuration struct {
	RootModule ConfigModule `json:"root_module"`
}

// ConfigModule is a module's configured resources.
type ConfigModule struct {
	Resources []ConfigResource `json:"resources"`
}

// ConfigResource is one configured resource.
type ConfigResource struct {
	Address           string         `json:"address"`
	Mode              string         `json:"mode"`
	Type              string         `json:"type"`
	Name              string         `json:"name"`
	ProviderConfigKey string         `json:"provider_config_key"`
	Expressions       map[string]any `json:"expressions"`
}

const providerName = "registry.terraform.io/hashicorp/aws"

// Convert converts the graph's resources to a Terraform plan.
func Convert(g *compliance.Graph) *Plan {
	p := &Plan{
		FormatVersion: "1.2", TerraformVersion: "1.9.0",
		URNs: map[string]string{}, Skipped: map[string]int{},
	}
	addrOf := addresses(g)
	byURN := map[string]compliance.Resource{}
	for _, r := range g.Resources {
		byURN[r.URN] = r
	}
	for _, r := range g.Resources {
		addr, ok := addrOf[r.URN]
		if !ok {
			p.Skipped[r.Type]++
			continue
		}
		typ, name, _ := strings.Cut(addr, ".")
		c := converter{renamed: renamed[r.Type], refs: func(input string, v any) (string, bool) {
			return reference(r, input, v, byURN, addrOf)
		}}
		inputs := r.Inputs
		if _, named := inputs["bucket"]; r.Type == restype.S3BucketV2 && !named && r.ID != "" {
			// A bucket's id is its name (terraform-provider-aws
			// internal/service/s3/bucket.go sets the id to the bucket):
			// scanners join a trail or a configuration to its bucket by it.
			inputs = map[string]any{"bucket": r.ID}
			maps.Copy(inputs, r.Inputs)
		}
		after, unknown, exprs := c.object(inputs, true)
		p.PlannedValues.RootModule.Resources = append(p.PlannedValues.RootModule.Resources, Resource{
			Address: addr, Mode: "managed", Type: typ, Name: name, ProviderName: providerName,
			Values: after, SensitiveValues: map[string]any{},
		})
		p.ResourceChanges = append(p.ResourceChanges, Change{
			Address: addr, Mode: "managed", Type: typ, Name: name, ProviderName: providerName,
			Change: ChangeValues{Actions: []string{"create"}, After: after, AfterUnknown: unknown},
		})
		p.Configuration.RootModule.Resources = append(p.Configuration.RootModule.Resources, ConfigResource{
			Address: addr, Mode: "managed", Type: typ, Name: name, ProviderConfigKey: "aws", Expressions: exprs,
		})
		p.URNs[addr] = r.URN
	}
	if len(p.Skipped) == 0 {
		p.Skipped = nil
	}
	return p
}

// Write writes the plan as indented JSON.
func (p *Plan) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("write terraform plan: %w", err)
	}
	return nil
}

// addresses gives every convertible resource a unique Terraform address,
// "<type>.<name>": the Pulumi name with what a Terraform identifier cannot
// hold replaced by "_", and a suffix where two resources of a type would
// share one.
func addresses(g *compliance.Graph) map[string]string {
	out := map[string]string{}
	used := map[string]bool{}
	for _, r := range g.Resources {
		typ, ok := terraformTypes[r.Type]
		if !ok {
			continue
		}
		base := Identifier(r.Name)
		addr := typ + "." + base
		for i := 2; used[addr]; i++ {
			addr = fmt.Sprintf("%s.%s_%d", typ, base, i)
		}
		used[addr] = true
		out[r.URN] = addr
	}
	return out
}

// Identifier turns a name into a Terraform identifier: letters, digits,
// "_" and "-", starting with a letter or "_".
func Identifier(name string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || !(s[0] == '_' || s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		s = "r_" + s
	}
	return s
}

// reference returns the reference ("aws_kms_key.k.arn") a top-level input
// stands for: the input came from exactly one converted resource, and its
// value is that resource's id, an ARN, or not known yet.
func reference(r compliance.Resource, input string, v any, byURN map[string]compliance.Resource, addrOf map[string]string) (string, bool) {
	deps := r.PropertyDependencies[input]
	if len(deps) != 1 {
		return "", false
	}
	addr, ok := addrOf[deps[0]]
	if !ok {
		return "", false
	}
	dep := byURN[deps[0]]
	switch s := v.(type) {
	case compliance.Unknown:
		return addr + ".id", true
	case string:
		switch {
		case s == "":
			return "", false
		case s == dep.ID:
			return addr + ".id", true
		case strings.HasPrefix(s, "arn:"):
			// An ARN from exactly one resource is that resource's (a
			// load balancer's ARN carries neither its id nor its name).
			return addr + ".arn", true
		}
	}
	return "", false
}

// converter renames and reshapes one resource's inputs.
type converter struct {
	// renamed are the top-level inputs' Terraform names that differ from
	// their snake_case.
	renamed map[string]string
	// refs returns the reference a top-level input stands for.
	refs func(input string, v any) (string, bool)
}

// object converts an object of inputs to its Terraform values, the
// values not known until the apply (after_unknown) and the configuration
// expressions.
func (c converter) object(in map[string]any, top bool) (after, unknown, exprs map[string]any) {
	after, unknown, exprs = map[string]any{}, map[string]any{}, map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(in)) {
		v := in[k]
		if s, ok := v.(compliance.Secret); ok {
			v = s.Value
		}
		if v == nil {
			continue
		}
		if top {
			if ref, ok := c.refs(k, v); ok {
				name := c.name(k, top)
				unknown[name] = true
				exprs[name] = map[string]any{"references": []any{ref, strings.TrimSuffix(strings.TrimSuffix(ref, ".id"), ".arn")}}
				continue
			}
		}
		switch x := v.(type) {
		case compliance.Unknown:
			unknown[c.name(k, top)] = true
		case map[string]any:
			name := c.name(k, top)
			if mapAttributes[k] {
				after[name] = plain(x)
				exprs[name] = map[string]any{"constant_value": plain(x)}
				continue
			}
			a, u, e := c.object(x, false)
			after[name] = []any{a}
			if len(u) > 0 {
				unknown[name] = []any{u}
			}
			exprs[name] = []any{e}
		case []any:
			if blocks(x) {
				name := c.name(k, top)
				if tf, ok := pluralBlocks[k]; ok {
					name = tf
				}
				var as, us, es []any
				anyUnknown := false
				for _, el := range x {
					a, u, e := c.object(el.(map[string]any), false)
					as, us, es = append(as, a), append(us, u), append(es, e)
					anyUnknown = anyUnknown || len(u) > 0
				}
				after[name] = as
				if anyUnknown {
					unknown[name] = us
				}
				exprs[name] = es
				continue
			}
			name := c.name(k, top)
			after[name] = plain(x)
			exprs[name] = map[string]any{"constant_value": plain(x)}
		default:
			name := c.name(k, top)
			after[name] = x
			exprs[name] = map[string]any{"constant_value": x}
		}
	}
	return after, unknown, exprs
}

// name is an input's Terraform name.
func (c converter) name(k string, top bool) string {
	if tf, ok := c.renamed[k]; ok && top {
		return tf
	}
	return SnakeCase(k)
}

// blocks reports whether a list is a list of objects (nested blocks).
func blocks(l []any) bool {
	if len(l) == 0 {
		return false
	}
	for _, el := range l {
		if s, ok := el.(compliance.Secret); ok {
			el = s.Value
		}
		if _, ok := el.(map[string]any); !ok {
			return false
		}
	}
	return true
}

// plain returns a value with secrets unwrapped and unknowns dropped.
func plain(v any) any {
	switch x := v.(type) {
	case compliance.Secret:
		return plain(x.Value)
	case compliance.Unknown:
		return nil
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if p := plain(e); p != nil {
				out[k] = p
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if p := plain(e); p != nil {
				out = append(out, p)
			}
		}
		return out
	}
	return v
}

// SnakeCase is the Terraform name of a Pulumi property: pulumi-aws's
// bridge camel-cases Terraform's snake_case names ("kms_master_key_id" is
// kmsMasterKeyId), so each upper-case letter starts a new word.
func SnakeCase(name string) string {
	var b strings.Builder
	for i, c := range name {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(c - 'A' + 'a')
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
