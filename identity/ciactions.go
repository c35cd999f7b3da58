package identity

import (
	"github.com/example/hardening/internal/restype"
	"slices"
)

// TypeActions are the IAM actions pulumi-aws v6.83.4 calls for each
// resource type the program registers, read from the resource's
// implementation in terraform-provider-aws (Source, under
// internal/service/): Read is what `pulumi preview --refresh` and every
// read after a write call; Write is what create, update, replace and
// delete call. The CI roles' permissions are derived from this table
// (PreviewActions, DeployActions), and a test checks that every type of
// both plans has an entry. Deleting keys, trails and log groups is absent
// on purpose: the boundary denies it, and stateful resources are retained.
var TypeActions = map[string]struct {
	Source      string
	Read, Write []string
}{
	restype.AccessAnalyzerAnalyzer: {"accessanalyzer/analyzer.go",
		[]string{"access-analyzer:GetAnalyzer", "access-analyzer:ListTagsForResource"},
		[]string{"access-analyzer:CreateAnalyzer", "access-analyzer:UpdateAnalyzer", "access-analyzer:DeleteAnalyzer", "access-analyzer:TagResource", "access-analyzer:UntagResource"}},
	restype.ACMCertificate: {"acm/certificate.go",
		[]string{"acm:DescribeCertificate", "acm:ListTagsForCertificate"},
		[]string{"acm:RequestCertificate", "acm:ImportCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:UpdateCertificateOptions"}},
	restype.ACMCertificateValidation: {"acm/certificate_validation.go",
		[]string{"acm:DescribeCertificate"}, nil},
	restype.CloudTrailTrail: {"cloudtrail/trail.go",
		[]string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:GetInsightSelectors", "cloudtrail:ListTags"},
		[]string{"cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:StartLogging", "cloudtrail:PutEventSelectors", "cloudtrail:AddTags", "cloudtrail:RemoveTags"}},
	restype.CloudWatchEventRule: {"events/rule.go",
		[]string{"events:DescribeRule", "events:ListTagsForResource"},
		[]string{"events:PutRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", "events:TagResource", "events:UntagResource"}},
	restype.CloudWatchEventTarget: {"events/target.go",
		[]string{"events:ListTargetsByRule"},
		[]string{"events:PutTargets", "events:RemoveTargets"}},
	restype.CloudWatchLogGroup: {"logs/group.go",
		[]string{"logs:DescribeLogGroups", "logs:ListTagsForResource"},
		[]string{"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource"}},
	restype.CloudWatchLogMetricFilter: {"logs/metric_filter.go",
		[]string{"logs:DescribeMetricFilters"},
		[]string{"logs:PutMetricFilter", "logs:DeleteMetricFilter"}},
	restype.CloudWatchMetricAlarm: {"cloudwatch/metric_alarm.go",
		[]string{"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"},
		[]string{"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"}},
	restype.CognitoIdentityPool: {"cognitoidentity/pool.go",
		[]string{"cognito-identity:DescribeIdentityPool", "cognito-identity:ListTagsForResource"},
		[]string{"cognito-identity:CreateIdentityPool", "cognito-identity:UpdateIdentityPool", "cognito-identity:DeleteIdentityPool", "cognito-identity:TagResource", "cognito-identity:UntagResource"}},
	restype.CognitoIdentityPoolRoleAttachment: {"cognitoidentity/pool_roles_attachment.go",
		[]string{"cognito-identity:GetIdentityPoolRoles"},
		[]string{"cognito-identity:SetIdentityPoolRoles", "iam:PassRole"}},
	restype.CognitoUserGroup: {"cognitoidp/user_group.go",
		[]string{"cognito-idp:GetGroup"},
		[]string{"cognito-idp:CreateGroup", "cognito-idp:UpdateGroup", "cognito-idp:DeleteGroup", "iam:PassRole"}},
	restype.CognitoUserPool: {"cognitoidp/user_pool.go",
		[]string{"cognito-idp:DescribeUserPool", "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:ListTagsForResource"},
		[]string{"cognito-idp:CreateUserPool", "cognito-idp:UpdateUserPool", "cognito-idp:SetUserPoolMfaConfig", "cognito-idp:DeleteUserPool", "cognito-idp:TagResource", "cognito-idp:UntagResource", "iam:PassRole"}},
	restype.CognitoUserPoolClient: {"cognitoidp/user_pool_client.go",
		[]string{"cognito-idp:DescribeUserPoolClient"},
		[]string{"cognito-idp:CreateUserPoolClient", "cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient"}},
	restype.CognitoUserPoolDomain: {"cognitoidp/user_pool_domain.go",
		[]string{"cognito-idp:DescribeUserPoolDomain"},
		[]string{"cognito-idp:CreateUserPoolDomain", "cognito-idp:UpdateUserPoolDomain", "cognito-idp:DeleteUserPoolDomain"}},
	restype.EC2DefaultNetworkACL: {"ec2/vpc_default_network_acl.go",
		[]string{"ec2:DescribeNetworkAcls"},
		[]string{"ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2DefaultSecurityGroup: {"ec2/vpc_default_security_group.go",
		[]string{"ec2:DescribeSecurityGroups"},
		[]string{"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:CreateTags", "ec2:DeleteTags"}},
	// Delete disassociates first when a refresh has recorded the NAT
	// gateway's association (resourceEIPDelete: "If we are attached to an
	// instance or interface, detach first").
	restype.EC2EIP: {"ec2/ec2_eip.go",
		[]string{"ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"},
		[]string{"ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2FlowLog: {"ec2/vpc_flow_log.go",
		[]string{"ec2:DescribeFlowLogs"},
		[]string{"ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags", "iam:PassRole"}},
	restype.EC2InternetGateway: {"ec2/vpc_internet_gateway.go",
		[]string{"ec2:DescribeInternetGateways"},
		[]string{"ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2NatGateway: {"ec2/vpc_nat_gateway.go",
		[]string{"ec2:DescribeNatGateways"},
		[]string{"ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2NetworkACL: {"ec2/vpc_network_acl.go",
		[]string{"ec2:DescribeNetworkAcls"},
		[]string{"ec2:CreateNetworkAcl", "ec2:DeleteNetworkAcl", "ec2:ReplaceNetworkAclAssociation", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2NetworkACLRule: {"ec2/vpc_network_acl_rule.go",
		[]string{"ec2:DescribeNetworkAcls"},
		[]string{"ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry"}},
	restype.EC2Route: {"ec2/vpc_route.go",
		[]string{"ec2:DescribeRouteTables"},
		[]string{"ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"}},
	restype.EC2RouteTable: {"ec2/vpc_route_table.go",
		[]string{"ec2:DescribeRouteTables"},
		[]string{"ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2RouteTableAssociation: {"ec2/vpc_route_table_association.go",
		[]string{"ec2:DescribeRouteTables"},
		[]string{"ec2:AssociateRouteTable", "ec2:ReplaceRouteTableAssociation", "ec2:DisassociateRouteTable"}},
	restype.EC2SecurityGroup: {"ec2/vpc_security_group.go",
		[]string{"ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"},
		[]string{"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2Subnet: {"ec2/vpc_subnet.go",
		[]string{"ec2:DescribeSubnets"},
		[]string{"ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2VPC: {"ec2/vpc_.go",
		[]string{"ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables"},
		[]string{"ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.EC2VPCEndpoint: {"ec2/vpc_endpoint.go",
		[]string{"ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"},
		[]string{"ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:CreateTags", "ec2:DeleteTags", "route53:AssociateVPCWithHostedZone"}},
	restype.GuardDutyDetector: {"guardduty/detector.go",
		[]string{"guardduty:GetDetector", "guardduty:ListTagsForResource"},
		[]string{"guardduty:CreateDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector", "guardduty:TagResource", "guardduty:UntagResource"}},
	// Create and update are one UpdateDetector call; delete is a no-op.
	restype.GuardDutyDetectorFeature: {"guardduty/detector_feature.go",
		[]string{"guardduty:GetDetector"},
		[]string{"guardduty:UpdateDetector"}},
	// s3control's Put/Get/DeletePublicAccessBlock for an account are
	// authorized as these two actions (the Service Authorization Reference).
	restype.S3AccountPublicAccessBlock: {"s3control/account_public_access_block.go",
		[]string{"s3:GetAccountPublicAccessBlock"},
		[]string{"s3:PutAccountPublicAccessBlock"}},
	restype.IAMAccountPasswordPolicy: {"iam/account_password_policy.go",
		[]string{"iam:GetAccountPasswordPolicy"},
		[]string{"iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy"}},
	restype.IAMOpenIdConnectProvider: {"iam/openid_connect_provider.go",
		[]string{"iam:GetOpenIDConnectProvider"},
		[]string{"iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"}},
	restype.IAMPolicy: {"iam/policy.go",
		[]string{"iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags"},
		[]string{"iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy", "iam:TagPolicy", "iam:UntagPolicy", "iam:ListEntitiesForPolicy"}},
	restype.IAMRole: {"iam/role.go",
		[]string{"iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"},
		[]string{"iam:CreateRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:ListInstanceProfilesForRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy"}},
	restype.IAMRolePolicyAttachment: {"iam/role_policy_attachment.go",
		[]string{"iam:ListAttachedRolePolicies"},
		[]string{"iam:AttachRolePolicy", "iam:DetachRolePolicy"}},
	restype.IAMRolePolicy: {"iam/role_policy.go",
		[]string{"iam:GetRolePolicy"},
		[]string{"iam:PutRolePolicy", "iam:DeleteRolePolicy"}},
	restype.KMSAlias: {"kms/alias.go",
		[]string{"kms:ListAliases"},
		[]string{"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"}},
	restype.KMSKey: {"kms/key.go",
		[]string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"},
		[]string{"kms:CreateKey", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:TagResource", "kms:UntagResource"}},
	restype.KMSReplicaKey: {"kms/replica_key.go",
		[]string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListResourceTags"},
		[]string{"kms:ReplicateKey", "kms:PutKeyPolicy", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:TagResource", "kms:UntagResource"}},
	restype.LambdaFunction: {"lambda/function.go",
		[]string{"lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:ListVersionsByFunction", "lambda:ListTags"},
		[]string{"lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:DeleteFunction", "lambda:TagResource", "lambda:UntagResource", "iam:PassRole", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"}},
	restype.LambdaPermission: {"lambda/permission.go",
		[]string{"lambda:GetPolicy"},
		[]string{"lambda:AddPermission", "lambda:RemovePermission"}},
	restype.LBListener: {"elbv2/listener.go",
		[]string{"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}},
	restype.LBListenerRule: {"elbv2/listener_rule.go",
		[]string{"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "cognito-idp:DescribeUserPoolClient"}},
	restype.LBLoadBalancer: {"elbv2/load_balancer.go",
		[]string{"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}},
	restype.LBTargetGroup: {"elbv2/target_group.go",
		[]string{"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}},
	restype.LBTrustStore: {"elbv2/trust_store.go",
		[]string{"elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateTrustStore", "elasticloadbalancing:ModifyTrustStore", "elasticloadbalancing:DeleteTrustStore", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "s3:GetObject"}},
	restype.Route53Record: {"route53/record.go",
		[]string{"route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:GetChange"},
		[]string{"route53:ChangeResourceRecordSets"}},
	restype.S3BucketV2: {"s3/bucket.go",
		[]string{"s3:ListBucket", "s3:GetBucketTagging", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration"},
		[]string{"s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:PutBucketObjectLockConfiguration", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion"}},
	restype.S3BucketLifecycleConfigurationV2: {"s3/bucket_lifecycle_configuration.go",
		[]string{"s3:GetLifecycleConfiguration"}, []string{"s3:PutLifecycleConfiguration"}},
	restype.S3BucketLoggingV2: {"s3/bucket_logging.go",
		[]string{"s3:GetBucketLogging"}, []string{"s3:PutBucketLogging"}},
	restype.S3BucketObjectLockConfigurationV2: {"s3/bucket_object_lock_configuration.go",
		[]string{"s3:GetBucketObjectLockConfiguration"}, []string{"s3:PutBucketObjectLockConfiguration"}},
	restype.S3BucketObjectV2: {"s3/object.go",
		[]string{"s3:GetObject", "s3:GetObjectTagging"},
		[]string{"s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"}},
	restype.S3BucketOwnershipControls: {"s3/bucket_ownership_controls.go",
		[]string{"s3:GetBucketOwnershipControls"}, []string{"s3:PutBucketOwnershipControls"}},
	restype.S3BucketPolicy: {"s3/bucket_policy.go",
		[]string{"s3:GetBucketPolicy"}, []string{"s3:PutBucketPolicy", "s3:DeleteBucketPolicy"}},
	restype.S3BucketPublicAccessBlock: {"s3/bucket_public_access_block.go",
		[]string{"s3:GetBucketPublicAccessBlock"}, []string{"s3:PutBucketPublicAccessBlock"}},
	restype.S3BucketServerSideEncryptionConfigurationV2: {"s3/bucket_server_side_encryption_configuration.go",
		[]string{"s3:GetEncryptionConfiguration"}, []string{"s3:PutEncryptionConfiguration"}},
	restype.S3BucketVersioningV2: {"s3/bucket_versioning.go",
		[]string{"s3:GetBucketVersioning"}, []string{"s3:PutBucketVersioning"}},
	restype.SecretsManagerSecret: {"secretsmanager/secret.go",
		[]string{"secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"},
		[]string{"secretsmanager:CreateSecret", "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret", "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication", "secretsmanager:TagResource", "secretsmanager:UntagResource"}},
	restype.SecretsManagerSecretPolicy: {"secretsmanager/secret_policy.go",
		[]string{"secretsmanager:GetResourcePolicy"},
		[]string{"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:ValidateResourcePolicy"}},
	restype.SecretsManagerSecretRotation: {"secretsmanager/secret_rotation.go",
		[]string{"secretsmanager:DescribeSecret"},
		[]string{"secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret"}},
	restype.SecretsManagerSecretVersion: {"secretsmanager/secret_version.go",
		// GetSecretValue after create and on every read; the value is
		// decrypted with the stack key through Secrets Manager.
		[]string{"secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"},
		[]string{"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"}},
	restype.SecurityHubAccount: {"securityhub/account.go",
		[]string{"securityhub:DescribeHub"},
		[]string{"securityhub:EnableSecurityHub", "securityhub:UpdateSecurityHubConfiguration", "securityhub:DisableSecurityHub"}},
	restype.SecurityHubStandardsSubscription: {"securityhub/standards_subscription.go",
		[]string{"securityhub:GetEnabledStandards"},
		[]string{"securityhub:BatchEnableStandards", "securityhub:BatchDisableStandards"}},
	restype.SNSTopic: {"sns/topic.go",
		[]string{"sns:GetTopicAttributes", "sns:ListTagsForResource"},
		[]string{"sns:CreateTopic", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource"}},
	restype.SNSTopicPolicy: {"sns/topic_policy.go",
		[]string{"sns:GetTopicAttributes"}, []string{"sns:SetTopicAttributes"}},
	restype.SNSTopicSubscription: {"sns/topic_subscription.go",
		[]string{"sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"},
		[]string{"sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"}},
	restype.SQSQueue: {"sqs/queue.go",
		[]string{"sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ListQueueTags"},
		[]string{"sqs:CreateQueue", "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:TagQueue", "sqs:UntagQueue"}},
	restype.SQSQueuePolicy: {"sqs/queue_policy.go",
		[]string{"sqs:GetQueueAttributes"}, []string{"sqs:SetQueueAttributes"}},
	restype.VPCSecurityGroupEgressRule: {"ec2/vpc_security_group_egress_rule.go",
		[]string{"ec2:DescribeSecurityGroupRules"},
		[]string{"ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.VPCSecurityGroupIngressRule: {"ec2/vpc_security_group_ingress_rule.go",
		[]string{"ec2:DescribeSecurityGroupRules"},
		[]string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags"}},
	restype.WAFv2WebACL: {"wafv2/web_acl.go",
		[]string{"wafv2:GetWebACL", "wafv2:ListTagsForResource"},
		[]string{"wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:TagResource", "wafv2:UntagResource"}},
	restype.WAFv2IpSet: {"wafv2/ip_set.go",
		[]string{"wafv2:GetIPSet", "wafv2:ListTagsForResource"},
		[]string{"wafv2:CreateIPSet", "wafv2:UpdateIPSet", "wafv2:DeleteIPSet", "wafv2:TagResource", "wafv2:UntagResource"}},
	restype.WAFv2WebACLAssociation: {"wafv2/web_acl_association.go",
		[]string{"wafv2:GetWebACLForResource"},
		[]string{"wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "elasticloadbalancing:SetWebAcl"}},
	restype.WAFv2WebACLLoggingConfiguration: {"wafv2/web_acl_logging_configuration.go",
		[]string{"wafv2:GetLoggingConfiguration"},
		[]string{"wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration", "logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"}},
}

// previewBase and deployBase are what every run calls whatever the types:
// the caller's identity, the invokes the program makes, and the key use of
// reading secret values and writing encrypted resources (on the stack keys
// only; see CIKeyStatement).
var (
	previewBase = append([]string{"sts:GetCallerIdentity", "ec2:DescribeAvailabilityZones", "ec2:DescribeRegions"}, VerifyActions...)
	deployBase  = []string{"iam:CreateServiceLinkedRole"}
)

// VerifyActions are what cmd/verify reads after a deploy beyond the
// provider's reads of the table (GetTrailStatus, GetDetector,
// GetEnabledStandards, DescribeSecret, GetBucketPublicAccessBlock,
// DescribeFlowLogs, GetWebACLForResource and DescribeCertificate are
// there): both CI roles may run it. A test checks that the verify
// package calls nothing else.
var VerifyActions = []string{"s3:GetBucketPolicyStatus", "logs:DescribeLogStreams"}

// actionsOf returns the union of the table's Read (or Write) actions.
func actionsOf(write bool) []string {
	out := slices.Clone(previewBase)
	if write {
		out = slices.Clone(deployBase)
	}
	for _, a := range TypeActions {
		if write {
			out = append(out, a.Write...)
		} else {
			out = append(out, a.Read...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
