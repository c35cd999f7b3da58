package identity

import (
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
	"aws:accessanalyzer/analyzer:Analyzer": {"accessanalyzer/analyzer.go",
		[]string{"access-analyzer:GetAnalyzer", "access-analyzer:ListTagsForResource"},
		[]string{"access-analyzer:CreateAnalyzer", "access-analyzer:UpdateAnalyzer", "access-analyzer:DeleteAnalyzer", "access-analyzer:TagResource", "access-analyzer:UntagResource"}},
	"aws:acm/certificate:Certificate": {"acm/certificate.go",
		[]string{"acm:DescribeCertificate", "acm:ListTagsForCertificate"},
		[]string{"acm:RequestCertificate", "acm:ImportCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:UpdateCertificateOptions"}},
	"aws:acm/certificateValidation:CertificateValidation": {"acm/certificate_validation.go",
		[]string{"acm:DescribeCertificate"}, nil},
	"aws:cloudtrail/trail:Trail": {"cloudtrail/trail.go",
		[]string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:GetInsightSelectors", "cloudtrail:ListTags"},
		[]string{"cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:StartLogging", "cloudtrail:PutEventSelectors", "cloudtrail:AddTags", "cloudtrail:RemoveTags"}},
	"aws:cloudwatch/eventRule:EventRule": {"events/rule.go",
		[]string{"events:DescribeRule", "events:ListTagsForResource"},
		[]string{"events:PutRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", "events:TagResource", "events:UntagResource"}},
	"aws:cloudwatch/eventTarget:EventTarget": {"events/target.go",
		[]string{"events:ListTargetsByRule"},
		[]string{"events:PutTargets", "events:RemoveTargets"}},
	"aws:cloudwatch/logGroup:LogGroup": {"logs/group.go",
		[]string{"logs:DescribeLogGroups", "logs:ListTagsForResource"},
		[]string{"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource"}},
	"aws:cloudwatch/logMetricFilter:LogMetricFilter": {"logs/metric_filter.go",
		[]string{"logs:DescribeMetricFilters"},
		[]string{"logs:PutMetricFilter", "logs:DeleteMetricFilter"}},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {"cloudwatch/metric_alarm.go",
		[]string{"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"},
		[]string{"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"}},
	"aws:cognito/identityPool:IdentityPool": {"cognitoidentity/pool.go",
		[]string{"cognito-identity:DescribeIdentityPool", "cognito-identity:ListTagsForResource"},
		[]string{"cognito-identity:CreateIdentityPool", "cognito-identity:UpdateIdentityPool", "cognito-identity:DeleteIdentityPool", "cognito-identity:TagResource", "cognito-identity:UntagResource"}},
	"aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment": {"cognitoidentity/pool_roles_attachment.go",
		[]string{"cognito-identity:GetIdentityPoolRoles"},
		[]string{"cognito-identity:SetIdentityPoolRoles", "iam:PassRole"}},
	"aws:cognito/userGroup:UserGroup": {"cognitoidp/user_group.go",
		[]string{"cognito-idp:GetGroup"},
		[]string{"cognito-idp:CreateGroup", "cognito-idp:UpdateGroup", "cognito-idp:DeleteGroup", "iam:PassRole"}},
	"aws:cognito/userPool:UserPool": {"cognitoidp/user_pool.go",
		[]string{"cognito-idp:DescribeUserPool", "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:ListTagsForResource"},
		[]string{"cognito-idp:CreateUserPool", "cognito-idp:UpdateUserPool", "cognito-idp:SetUserPoolMfaConfig", "cognito-idp:DeleteUserPool", "cognito-idp:TagResource", "cognito-idp:UntagResource", "iam:PassRole"}},
	"aws:cognito/userPoolClient:UserPoolClient": {"cognitoidp/user_pool_client.go",
		[]string{"cognito-idp:DescribeUserPoolClient"},
		[]string{"cognito-idp:CreateUserPoolClient", "cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient"}},
	"aws:cognito/userPoolDomain:UserPoolDomain": {"cognitoidp/user_pool_domain.go",
		[]string{"cognito-idp:DescribeUserPoolDomain"},
		[]string{"cognito-idp:CreateUserPoolDomain", "cognito-idp:UpdateUserPoolDomain", "cognito-idp:DeleteUserPoolDomain"}},
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": {"ec2/vpc_default_network_acl.go",
		[]string{"ec2:DescribeNetworkAcls"},
		[]string{"ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {"ec2/vpc_default_security_group.go",
		[]string{"ec2:DescribeSecurityGroups"},
		[]string{"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/eip:Eip": {"ec2/ec2_eip.go",
		[]string{"ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"},
		[]string{"ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/flowLog:FlowLog": {"ec2/vpc_flow_log.go",
		[]string{"ec2:DescribeFlowLogs"},
		[]string{"ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags", "iam:PassRole"}},
	"aws:ec2/internetGateway:InternetGateway": {"ec2/vpc_internet_gateway.go",
		[]string{"ec2:DescribeInternetGateways"},
		[]string{"ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/natGateway:NatGateway": {"ec2/vpc_nat_gateway.go",
		[]string{"ec2:DescribeNatGateways"},
		[]string{"ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/networkAcl:NetworkAcl": {"ec2/vpc_network_acl.go",
		[]string{"ec2:DescribeNetworkAcls"},
		[]string{"ec2:CreateNetworkAcl", "ec2:DeleteNetworkAcl", "ec2:ReplaceNetworkAclAssociation", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/networkAclRule:NetworkAclRule": {"ec2/vpc_network_acl_rule.go",
		[]string{"ec2:DescribeNetworkAcls"},
		[]string{"ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry"}},
	"aws:ec2/route:Route": {"ec2/vpc_route.go",
		[]string{"ec2:DescribeRouteTables"},
		[]string{"ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"}},
	"aws:ec2/routeTable:RouteTable": {"ec2/vpc_route_table.go",
		[]string{"ec2:DescribeRouteTables"},
		[]string{"ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/routeTableAssociation:RouteTableAssociation": {"ec2/vpc_route_table_association.go",
		[]string{"ec2:DescribeRouteTables"},
		[]string{"ec2:AssociateRouteTable", "ec2:ReplaceRouteTableAssociation", "ec2:DisassociateRouteTable"}},
	"aws:ec2/securityGroup:SecurityGroup": {"ec2/vpc_security_group.go",
		[]string{"ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"},
		[]string{"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/subnet:Subnet": {"ec2/vpc_subnet.go",
		[]string{"ec2:DescribeSubnets"},
		[]string{"ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/vpc:Vpc": {"ec2/vpc_.go",
		[]string{"ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables"},
		[]string{"ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:ec2/vpcEndpoint:VpcEndpoint": {"ec2/vpc_endpoint.go",
		[]string{"ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"},
		[]string{"ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:CreateTags", "ec2:DeleteTags", "route53:AssociateVPCWithHostedZone"}},
	"aws:guardduty/detector:Detector": {"guardduty/detector.go",
		[]string{"guardduty:GetDetector", "guardduty:ListTagsForResource"},
		[]string{"guardduty:CreateDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector", "guardduty:TagResource", "guardduty:UntagResource"}},
	// Create and update are one UpdateDetector call; delete is a no-op.
	"aws:guardduty/detectorFeature:DetectorFeature": {"guardduty/detector_feature.go",
		[]string{"guardduty:GetDetector"},
		[]string{"guardduty:UpdateDetector"}},
	// s3control's Put/Get/DeletePublicAccessBlock for an account are
	// authorized as these two actions (the Service Authorization Reference).
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": {"s3control/account_public_access_block.go",
		[]string{"s3:GetAccountPublicAccessBlock"},
		[]string{"s3:PutAccountPublicAccessBlock"}},
	"aws:iam/accountPasswordPolicy:AccountPasswordPolicy": {"iam/account_password_policy.go",
		[]string{"iam:GetAccountPasswordPolicy"},
		[]string{"iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy"}},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {"iam/openid_connect_provider.go",
		[]string{"iam:GetOpenIDConnectProvider"},
		[]string{"iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"}},
	"aws:iam/policy:Policy": {"iam/policy.go",
		[]string{"iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags"},
		[]string{"iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy", "iam:TagPolicy", "iam:UntagPolicy", "iam:ListEntitiesForPolicy"}},
	"aws:iam/role:Role": {"iam/role.go",
		[]string{"iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"},
		[]string{"iam:CreateRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:ListInstanceProfilesForRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy"}},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {"iam/role_policy_attachment.go",
		[]string{"iam:ListAttachedRolePolicies"},
		[]string{"iam:AttachRolePolicy", "iam:DetachRolePolicy"}},
	"aws:iam/rolePolicy:RolePolicy": {"iam/role_policy.go",
		[]string{"iam:GetRolePolicy"},
		[]string{"iam:PutRolePolicy", "iam:DeleteRolePolicy"}},
	"aws:kms/alias:Alias": {"kms/alias.go",
		[]string{"kms:ListAliases"},
		[]string{"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"}},
	"aws:kms/key:Key": {"kms/key.go",
		[]string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"},
		[]string{"kms:CreateKey", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:TagResource", "kms:UntagResource"}},
	"aws:kms/replicaKey:ReplicaKey": {"kms/replica_key.go",
		[]string{"kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListResourceTags"},
		[]string{"kms:ReplicateKey", "kms:PutKeyPolicy", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:TagResource", "kms:UntagResource"}},
	"aws:lambda/function:Function": {"lambda/function.go",
		[]string{"lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:ListVersionsByFunction", "lambda:ListTags"},
		[]string{"lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:DeleteFunction", "lambda:TagResource", "lambda:UntagResource", "iam:PassRole", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"}},
	"aws:lambda/permission:Permission": {"lambda/permission.go",
		[]string{"lambda:GetPolicy"},
		[]string{"lambda:AddPermission", "lambda:RemovePermission"}},
	"aws:lb/listener:Listener": {"elbv2/listener.go",
		[]string{"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}},
	"aws:lb/listenerRule:ListenerRule": {"elbv2/listener_rule.go",
		[]string{"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "cognito-idp:DescribeUserPoolClient"}},
	"aws:lb/loadBalancer:LoadBalancer": {"elbv2/load_balancer.go",
		[]string{"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}},
	"aws:lb/targetGroup:TargetGroup": {"elbv2/target_group.go",
		[]string{"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}},
	"aws:lb/trustStore:TrustStore": {"elbv2/trust_store.go",
		[]string{"elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeTags"},
		[]string{"elasticloadbalancing:CreateTrustStore", "elasticloadbalancing:ModifyTrustStore", "elasticloadbalancing:DeleteTrustStore", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "s3:GetObject"}},
	"aws:route53/record:Record": {"route53/record.go",
		[]string{"route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:GetChange"},
		[]string{"route53:ChangeResourceRecordSets"}},
	"aws:s3/bucketV2:BucketV2": {"s3/bucket.go",
		[]string{"s3:ListBucket", "s3:GetBucketTagging", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration"},
		[]string{"s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:PutBucketObjectLockConfiguration", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion"}},
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": {"s3/bucket_lifecycle_configuration.go",
		[]string{"s3:GetLifecycleConfiguration"}, []string{"s3:PutLifecycleConfiguration"}},
	"aws:s3/bucketLoggingV2:BucketLoggingV2": {"s3/bucket_logging.go",
		[]string{"s3:GetBucketLogging"}, []string{"s3:PutBucketLogging"}},
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": {"s3/bucket_object_lock_configuration.go",
		[]string{"s3:GetBucketObjectLockConfiguration"}, []string{"s3:PutBucketObjectLockConfiguration"}},
	"aws:s3/bucketObjectv2:BucketObjectv2": {"s3/object.go",
		[]string{"s3:GetObject", "s3:GetObjectTagging"},
		[]string{"s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"}},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": {"s3/bucket_ownership_controls.go",
		[]string{"s3:GetBucketOwnershipControls"}, []string{"s3:PutBucketOwnershipControls"}},
	"aws:s3/bucketPolicy:BucketPolicy": {"s3/bucket_policy.go",
		[]string{"s3:GetBucketPolicy"}, []string{"s3:PutBucketPolicy", "s3:DeleteBucketPolicy"}},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {"s3/bucket_public_access_block.go",
		[]string{"s3:GetBucketPublicAccessBlock"}, []string{"s3:PutBucketPublicAccessBlock"}},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {"s3/bucket_server_side_encryption_configuration.go",
		[]string{"s3:GetEncryptionConfiguration"}, []string{"s3:PutEncryptionConfiguration"}},
	"aws:s3/bucketVersioningV2:BucketVersioningV2": {"s3/bucket_versioning.go",
		[]string{"s3:GetBucketVersioning"}, []string{"s3:PutBucketVersioning"}},
	"aws:secretsmanager/secret:Secret": {"secretsmanager/secret.go",
		[]string{"secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"},
		[]string{"secretsmanager:CreateSecret", "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret", "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication", "secretsmanager:TagResource", "secretsmanager:UntagResource"}},
	"aws:secretsmanager/secretPolicy:SecretPolicy": {"secretsmanager/secret_policy.go",
		[]string{"secretsmanager:GetResourcePolicy"},
		[]string{"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:ValidateResourcePolicy"}},
	"aws:secretsmanager/secretRotation:SecretRotation": {"secretsmanager/secret_rotation.go",
		[]string{"secretsmanager:DescribeSecret"},
		[]string{"secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret"}},
	"aws:secretsmanager/secretVersion:SecretVersion": {"secretsmanager/secret_version.go",
		// GetSecretValue after create and on every read; the value is
		// decrypted with the stack key through Secrets Manager.
		[]string{"secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"},
		[]string{"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"}},
	"aws:securityhub/account:Account": {"securityhub/account.go",
		[]string{"securityhub:DescribeHub"},
		[]string{"securityhub:EnableSecurityHub", "securityhub:UpdateSecurityHubConfiguration", "securityhub:DisableSecurityHub"}},
	"aws:securityhub/standardsSubscription:StandardsSubscription": {"securityhub/standards_subscription.go",
		[]string{"securityhub:GetEnabledStandards"},
		[]string{"securityhub:BatchEnableStandards", "securityhub:BatchDisableStandards"}},
	"aws:sns/topic:Topic": {"sns/topic.go",
		[]string{"sns:GetTopicAttributes", "sns:ListTagsForResource"},
		[]string{"sns:CreateTopic", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource"}},
	"aws:sns/topicPolicy:TopicPolicy": {"sns/topic_policy.go",
		[]string{"sns:GetTopicAttributes"}, []string{"sns:SetTopicAttributes"}},
	"aws:sns/topicSubscription:TopicSubscription": {"sns/topic_subscription.go",
		[]string{"sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"},
		[]string{"sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"}},
	"aws:sqs/queue:Queue": {"sqs/queue.go",
		[]string{"sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ListQueueTags"},
		[]string{"sqs:CreateQueue", "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:TagQueue", "sqs:UntagQueue"}},
	"aws:sqs/queuePolicy:QueuePolicy": {"sqs/queue_policy.go",
		[]string{"sqs:GetQueueAttributes"}, []string{"sqs:SetQueueAttributes"}},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {"ec2/vpc_security_group_egress_rule.go",
		[]string{"ec2:DescribeSecurityGroupRules"},
		[]string{"ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"ec2/vpc_security_group_ingress_rule.go",
		[]string{"ec2:DescribeSecurityGroupRules"},
		[]string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags"}},
	"aws:wafv2/webAcl:WebAcl": {"wafv2/web_acl.go",
		[]string{"wafv2:GetWebACL", "wafv2:ListTagsForResource"},
		[]string{"wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:TagResource", "wafv2:UntagResource"}},
	"aws:wafv2/ipSet:IpSet": {"wafv2/ip_set.go",
		[]string{"wafv2:GetIPSet", "wafv2:ListTagsForResource"},
		[]string{"wafv2:CreateIPSet", "wafv2:UpdateIPSet", "wafv2:DeleteIPSet", "wafv2:TagResource", "wafv2:UntagResource"}},
	"aws:wafv2/webAclAssociation:WebAclAssociation": {"wafv2/web_acl_association.go",
		[]string{"wafv2:GetWebACLForResource"},
		[]string{"wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "elasticloadbalancing:SetWebAcl"}},
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": {"wafv2/web_acl_logging_configuration.go",
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
