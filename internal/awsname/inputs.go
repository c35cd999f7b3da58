package awsname

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// InputMember maps one input of a pulumi-aws resource type to the AWS API
// member that carries it, as tflint-ruleset-aws maps Terraform attributes
// to the API models (its rules/models/mappings/*.hcl). cmd/awsmodels
// resolves every Member in github.com/aws/aws-sdk-go's models and records
// its shape's constraints in models.json; it fails on a member that does
// not exist.
type InputMember struct {
	// Type is the pulumi-aws type token.
	Type string
	// Input is the input's path, dotted ("healthCheck.path"); a list on
	// the way is walked element by element.
	Input string
	// Member is "<service>/<Operation>.<Member>[.<Member>...]" (the
	// service's directory under models/apis), a list or map on the way
	// walked to its element; "" when Reason says why no model judges it.
	Member string
	// Reason says, for an input without Member, why nothing is judged:
	// not sent, the provider's own, another rule's, or no constraint in
	// the model.
	Reason string
	// Config is the configuration key the input's value comes from, when
	// one does ("secrets.inventory[].rotationDays"), so that a finding
	// can name it; stackconfig runs the same Member check on that key.
	Config string
}

// Reasons an input is not judged against a member, said once.
const (
	// ByTagCheck: tags are judged by Tags, for every tagged resource.
	ByTagCheck = "tags: judged by awsname.Tags on every tagged resource"
	// ByPolicyRules: policy documents are judged by the policy rules
	// (deploy-iam-policy-size, deploy-iam-policy-lint, deploy-policy-grammar).
	ByPolicyRules = "a policy document: judged by the policy rules (size, lint, grammar)"
	// Reference: an id or ARN of another resource of the stack, computed by
	// AWS; ARN-valued ones are judged by the ARN check.
	Reference = "a reference to another resource of the stack, computed by AWS"
	// ProviderOnly: the provider's own setting, not sent to AWS.
	ProviderOnly = "the provider's own setting, not sent to AWS"
	// NoConstraint: the API model puts no constraint on the member
	// (a boolean, an unconstrained string or structure).
	NoConstraint = "the API model constrains nothing here (a boolean, or a member without min, max, pattern or enum)"
	// ByName: names are judged by deploy-aws-names.
	ByName = "a name: judged by deploy-aws-names"
	// Unmodelled: the member's constraint is not in the model (EC2 and
	// S3 document theirs in prose); the stack's own rules judge it.
	// NewerThanModels: the member came to the API after the pinned
	// aws-sdk-go v1 models froze; the provider's schema and stackconfig
	// judge it.
	NewerThanModels = "newer than the pinned aws-sdk-go v1 models (Cognito added it later); judged by stackconfig and the Cognito rules"
	Unmodelled      = "the model states no constraint (EC2 and S3 document theirs in prose); judged by the rules of its service"
)

func m(typ, input, member string) InputMember {
	return InputMember{Type: typ, Input: input, Member: member}
}

func mc(typ, input, member, config string) InputMember {
	return InputMember{Type: typ, Input: input, Member: member, Config: config}
}

func skip(typ, input, reason string) InputMember {
	return InputMember{Type: typ, Input: input, Reason: reason}
}

// InputMembers is the mapping table. A test fails for any input of a
// resource the plans or a preview register that has no row here (an
// explicit row with a Reason counts).
var InputMembers = []InputMember{
	m(restype.AccessAnalyzerAnalyzer, "analyzerName", "accessanalyzer/CreateAnalyzer.analyzerName"),
	m(restype.AccessAnalyzerAnalyzer, "type", "accessanalyzer/CreateAnalyzer.type"),
	skip(restype.AccessAnalyzerAnalyzer, "configuration", NoConstraint),

	mc(restype.ACMCertificate, "domainName", "acm/RequestCertificate.DomainName", "tls.domain"),
	mc(restype.ACMCertificate, "subjectAlternativeNames", "acm/RequestCertificate.SubjectAlternativeNames", "tls.alternativeNames"),
	m(restype.ACMCertificate, "validationMethod", "acm/RequestCertificate.ValidationMethod"),
	m(restype.ACMCertificate, "keyAlgorithm", "acm/RequestCertificate.KeyAlgorithm"),
	skip(restype.ACMCertificate, "options", NoConstraint),
	m(restype.ACMCertificate, "certificateBody", "acm/ImportCertificate.Certificate"),
	m(restype.ACMCertificate, "certificateChain", "acm/ImportCertificate.CertificateChain"),
	m(restype.ACMCertificate, "privateKey", "acm/ImportCertificate.PrivateKey"),
	skip(restype.ACMCertificateValidation, "certificateArn", Reference),
	skip(restype.ACMCertificateValidation, "validationRecordFqdns", ProviderOnly),

	m(restype.CloudTrailTrail, "name", "cloudtrail/CreateTrail.Name"),
	skip(restype.CloudTrailTrail, "s3BucketName", Reference),
	skip(restype.CloudTrailTrail, "cloudWatchLogsGroupArn", Reference),
	skip(restype.CloudTrailTrail, "cloudWatchLogsRoleArn", Reference),
	skip(restype.CloudTrailTrail, "kmsKeyId", Reference),
	skip(restype.CloudTrailTrail, "enableLogFileValidation", NoConstraint),
	skip(restype.CloudTrailTrail, "enableLogging", NoConstraint),
	skip(restype.CloudTrailTrail, "includeGlobalServiceEvents", NoConstraint),
	skip(restype.CloudTrailTrail, "isMultiRegionTrail", NoConstraint),
	skip(restype.CloudTrailTrail, "isOrganizationTrail", NoConstraint),
	m(restype.CloudTrailTrail, "eventSelectors", "cloudtrail/PutEventSelectors.EventSelectors"),
	m(restype.CloudTrailTrail, "eventSelectors.readWriteType", "cloudtrail/PutEventSelectors.EventSelectors.ReadWriteType"),

	m(restype.CloudWatchEventRule, "description", "events/PutRule.Description"),
	skip(restype.CloudWatchEventRule, "eventPattern", NoConstraint),
	m(restype.CloudWatchEventRule, "name", "events/PutRule.Name"),
	skip(restype.CloudWatchEventTarget, "arn", Reference),
	skip(restype.CloudWatchEventTarget, "deadLetterConfig", Reference),
	m(restype.CloudWatchEventTarget, "rule", "events/PutTargets.Rule"),

	m(restype.CloudWatchLogGroup, "name", "logs/CreateLogGroup.logGroupName"),
	m(restype.CloudWatchLogGroup, "kmsKeyId", "logs/CreateLogGroup.kmsKeyId"),
	m(restype.CloudWatchLogGroup, "retentionInDays", "logs/PutRetentionPolicy.retentionInDays"),
	m(restype.CloudWatchLogMetricFilter, "logGroupName", "logs/PutMetricFilter.logGroupName"),
	m(restype.CloudWatchLogMetricFilter, "pattern", "logs/PutMetricFilter.filterPattern"),
	m(restype.CloudWatchLogMetricFilter, "metricTransformation.name", "logs/PutMetricFilter.metricTransformations.metricName"),
	m(restype.CloudWatchLogMetricFilter, "metricTransformation.namespace", "logs/PutMetricFilter.metricTransformations.metricNamespace"),
	m(restype.CloudWatchLogMetricFilter, "metricTransformation.value", "logs/PutMetricFilter.metricTransformations.metricValue"),
	m(restype.CloudWatchLogMetricFilter, "name", "logs/PutMetricFilter.filterName"),
	m(restype.CloudWatchLogResourcePolicy, "policyName", "logs/PutResourcePolicy.policyName"),
	skip(restype.CloudWatchLogResourcePolicy, "policyDocument", ByPolicyRules),

	m(restype.CloudWatchMetricAlarm, "alarmActions", "monitoring/PutMetricAlarm.AlarmActions"),
	m(restype.CloudWatchMetricAlarm, "okActions", "monitoring/PutMetricAlarm.OKActions"),
	m(restype.CloudWatchMetricAlarm, "alarmDescription", "monitoring/PutMetricAlarm.AlarmDescription"),
	m(restype.CloudWatchMetricAlarm, "comparisonOperator", "monitoring/PutMetricAlarm.ComparisonOperator"),
	skip(restype.CloudWatchMetricAlarm, "dimensions", "a map the provider turns into the Dimensions list; its names and values are the stack's own"),
	m(restype.CloudWatchMetricAlarm, "evaluationPeriods", "monitoring/PutMetricAlarm.EvaluationPeriods"),
	m(restype.CloudWatchMetricAlarm, "metricName", "monitoring/PutMetricAlarm.MetricName"),
	m(restype.CloudWatchMetricAlarm, "namespace", "monitoring/PutMetricAlarm.Namespace"),
	m(restype.CloudWatchMetricAlarm, "period", "monitoring/PutMetricAlarm.Period"),
	m(restype.CloudWatchMetricAlarm, "statistic", "monitoring/PutMetricAlarm.Statistic"),
	skip(restype.CloudWatchMetricAlarm, "threshold", NoConstraint),
	m(restype.CloudWatchMetricAlarm, "treatMissingData", "monitoring/PutMetricAlarm.TreatMissingData"),
	m(restype.CloudWatchMetricAlarm, "name", "monitoring/PutMetricAlarm.AlarmName"),

	m(restype.CognitoIdentityPool, "identityPoolName", "cognito-identity/CreateIdentityPool.IdentityPoolName"),
	skip(restype.CognitoIdentityPool, "allowClassicFlow", NoConstraint),
	skip(restype.CognitoIdentityPool, "allowUnauthenticatedIdentities", NoConstraint),
	m(restype.CognitoIdentityPool, "cognitoIdentityProviders.clientId", "cognito-identity/CreateIdentityPool.CognitoIdentityProviders.ClientId"),
	m(restype.CognitoIdentityPool, "cognitoIdentityProviders.providerName", "cognito-identity/CreateIdentityPool.CognitoIdentityProviders.ProviderName"),
	skip(restype.CognitoIdentityPool, "cognitoIdentityProviders", NoConstraint),
	m(restype.CognitoIdentityPoolRoleAttachment, "identityPoolId", "cognito-identity/SetIdentityPoolRoles.IdentityPoolId"),
	m(restype.CognitoIdentityPoolRoleAttachment, "roles", "cognito-identity/SetIdentityPoolRoles.Roles"),
	m(restype.CognitoIdentityPoolRoleAttachment, "roleMappings.ambiguousRoleResolution", "cognito-identity/SetIdentityPoolRoles.RoleMappings.AmbiguousRoleResolution"),
	m(restype.CognitoIdentityPoolRoleAttachment, "roleMappings.type", "cognito-identity/SetIdentityPoolRoles.RoleMappings.Type"),
	skip(restype.CognitoIdentityPoolRoleAttachment, "roleMappings", "a list the provider turns into the RoleMappings map keyed by identityProvider"),
	m(restype.CognitoUserGroup, "name", "cognito-idp/CreateGroup.GroupName"),
	mc(restype.CognitoUserGroup, "precedence", "cognito-idp/CreateGroup.Precedence", "identity.groups[].precedence"),
	m(restype.CognitoUserGroup, "roleArn", "cognito-idp/CreateGroup.RoleArn"),
	m(restype.CognitoUserGroup, "userPoolId", "cognito-idp/CreateGroup.UserPoolId"),
	m(restype.CognitoUserPool, "name", "cognito-idp/CreateUserPool.PoolName"),
	m(restype.CognitoUserPool, "deletionProtection", "cognito-idp/CreateUserPool.DeletionProtection"),
	m(restype.CognitoUserPool, "mfaConfiguration", "cognito-idp/CreateUserPool.MfaConfiguration"),
	m(restype.CognitoUserPool, "autoVerifiedAttributes", "cognito-idp/CreateUserPool.AutoVerifiedAttributes"),
	m(restype.CognitoUserPool, "usernameAttributes", "cognito-idp/CreateUserPool.UsernameAttributes"),
	skip(restype.CognitoUserPool, "userPoolTier", NewerThanModels),
	mc(restype.CognitoUserPool, "passwordPolicy.minimumLength", "cognito-idp/CreateUserPool.Policies.PasswordPolicy.MinimumLength", "identity.userPool.passwordMinLength"),
	skip(restype.CognitoUserPool, "passwordPolicy.passwordHistorySize", NewerThanModels),
	mc(restype.CognitoUserPool, "passwordPolicy.temporaryPasswordValidityDays", "cognito-idp/CreateUserPool.Policies.PasswordPolicy.TemporaryPasswordValidityDays", "identity.userPool.temporaryPasswordDays"),
	skip(restype.CognitoUserPool, "passwordPolicy", NoConstraint),
	m(restype.CognitoUserPool, "accountRecoverySetting.recoveryMechanisms", "cognito-idp/CreateUserPool.AccountRecoverySetting.RecoveryMechanisms"),
	m(restype.CognitoUserPool, "accountRecoverySetting.recoveryMechanisms.name", "cognito-idp/CreateUserPool.AccountRecoverySetting.RecoveryMechanisms.Name"),
	m(restype.CognitoUserPool, "accountRecoverySetting.recoveryMechanisms.priority", "cognito-idp/CreateUserPool.AccountRecoverySetting.RecoveryMechanisms.Priority"),
	skip(restype.CognitoUserPool, "accountRecoverySetting", NoConstraint),
	skip(restype.CognitoUserPool, "adminCreateUserConfig", NoConstraint),
	mc(restype.CognitoUserPool, "emailConfiguration.sourceArn", "cognito-idp/CreateUserPool.EmailConfiguration.SourceArn", "identity.userPool.sesSourceArn"),
	mc(restype.CognitoUserPool, "emailConfiguration.fromEmailAddress", "cognito-idp/CreateUserPool.EmailConfiguration.From", "identity.userPool.emailFrom"),
	m(restype.CognitoUserPool, "emailConfiguration.emailSendingAccount", "cognito-idp/CreateUserPool.EmailConfiguration.EmailSendingAccount"),
	skip(restype.CognitoUserPool, "emailConfiguration", NoConstraint),
	m(restype.CognitoUserPool, "softwareTokenMfaConfiguration", "cognito-idp/SetUserPoolMfaConfig.SoftwareTokenMfaConfiguration"),
	m(restype.CognitoUserPool, "userPoolAddOns.advancedSecurityMode", "cognito-idp/CreateUserPool.UserPoolAddOns.AdvancedSecurityMode"),
	skip(restype.CognitoUserPool, "userPoolAddOns", NoConstraint),
	skip(restype.CognitoUserPool, "usernameConfiguration", NoConstraint),
	mc(restype.CognitoUserPool, "smsConfiguration.snsCallerArn", "cognito-idp/CreateUserPool.SmsConfiguration.SnsCallerArn", "identity.userPool.smsRoleArn"),
	skip(restype.CognitoUserPool, "smsConfiguration", NoConstraint),
	skip(restype.CognitoUserPool, "webAuthnConfiguration.relyingPartyId", NewerThanModels),
	skip(restype.CognitoUserPool, "webAuthnConfiguration", NoConstraint),
	skip(restype.CognitoUserPool, "signInPolicy", NoConstraint),
	skip(restype.CognitoUserPool, "signInPolicy.allowedFirstAuthFactors", NewerThanModels),

	mc(restype.CognitoUserPoolClient, "accessTokenValidity", "cognito-idp/CreateUserPoolClient.AccessTokenValidity", "identity.client.accessTokenMinutes"),
	mc(restype.CognitoUserPoolClient, "idTokenValidity", "cognito-idp/CreateUserPoolClient.IdTokenValidity", "identity.client.idTokenMinutes"),
	skip(restype.CognitoUserPoolClient, "refreshTokenValidity", "in tokenValidityUnits' days; the model's range is in seconds (0 to 315360000), judged in stackconfig as identity.client.refreshTokenDays"),
	m(restype.CognitoUserPoolClient, "allowedOauthFlows", "cognito-idp/CreateUserPoolClient.AllowedOAuthFlows"),
	skip(restype.CognitoUserPoolClient, "allowedOauthFlowsUserPoolClient", NoConstraint),
	m(restype.CognitoUserPoolClient, "allowedOauthScopes", "cognito-idp/CreateUserPoolClient.AllowedOAuthScopes"),
	m(restype.CognitoUserPoolClient, "authSessionValidity", "cognito-idp/CreateUserPoolClient.AuthSessionValidity"),
	mc(restype.CognitoUserPoolClient, "callbackUrls", "cognito-idp/CreateUserPoolClient.CallbackURLs", "identity.client.callbackUrls"),
	mc(restype.CognitoUserPoolClient, "logoutUrls", "cognito-idp/CreateUserPoolClient.LogoutURLs", "identity.client.logoutUrls"),
	skip(restype.CognitoUserPoolClient, "enableTokenRevocation", NoConstraint),
	m(restype.CognitoUserPoolClient, "explicitAuthFlows", "cognito-idp/CreateUserPoolClient.ExplicitAuthFlows"),
	skip(restype.CognitoUserPoolClient, "generateSecret", NoConstraint),
	m(restype.CognitoUserPoolClient, "preventUserExistenceErrors", "cognito-idp/CreateUserPoolClient.PreventUserExistenceErrors"),
	skip(restype.CognitoUserPoolClient, "refreshTokenRotation.feature", NewerThanModels),
	skip(restype.CognitoUserPoolClient, "refreshTokenRotation.retryGracePeriodSeconds", NewerThanModels),
	skip(restype.CognitoUserPoolClient, "refreshTokenRotation", NoConstraint),
	m(restype.CognitoUserPoolClient, "supportedIdentityProviders", "cognito-idp/CreateUserPoolClient.SupportedIdentityProviders"),
	m(restype.CognitoUserPoolClient, "tokenValidityUnits.accessToken", "cognito-idp/CreateUserPoolClient.TokenValidityUnits.AccessToken"),
	m(restype.CognitoUserPoolClient, "tokenValidityUnits.idToken", "cognito-idp/CreateUserPoolClient.TokenValidityUnits.IdToken"),
	m(restype.CognitoUserPoolClient, "tokenValidityUnits.refreshToken", "cognito-idp/CreateUserPoolClient.TokenValidityUnits.RefreshToken"),
	skip(restype.CognitoUserPoolClient, "tokenValidityUnits", NoConstraint),
	m(restype.CognitoUserPoolClient, "userPoolId", "cognito-idp/CreateUserPoolClient.UserPoolId"),
	m(restype.CognitoUserPoolClient, "name", "cognito-idp/CreateUserPoolClient.ClientName"),
	mc(restype.CognitoUserPoolDomain, "domain", "cognito-idp/CreateUserPoolDomain.Domain", "identity.userPool.domainPrefix"),
	skip(restype.CognitoUserPoolDomain, "managedLoginVersion", NewerThanModels),
	m(restype.CognitoUserPoolDomain, "userPoolId", "cognito-idp/CreateUserPoolDomain.UserPoolId"),

	skip(restype.EC2DefaultNetworkACL, "defaultNetworkAclId", Reference),
	skip(restype.EC2DefaultNetworkACL, "tags", ByTagCheck),
	skip(restype.EC2DefaultSecurityGroup, "egress", "emptied: nothing is sent"),
	skip(restype.EC2DefaultSecurityGroup, "ingress", "emptied: nothing is sent"),
	skip(restype.EC2DefaultSecurityGroup, "tags", ByTagCheck),
	skip(restype.EC2DefaultSecurityGroup, "vpcId", Reference),
	m(restype.EC2EIP, "domain", "ec2/AllocateAddress.Domain"),
	skip(restype.EC2EIP, "tags", ByTagCheck),
	skip(restype.EC2FlowLog, "iamRoleArn", Reference),
	skip(restype.EC2FlowLog, "logDestination", Reference),
	m(restype.EC2FlowLog, "logDestinationType", "ec2/CreateFlowLogs.LogDestinationType"),
	skip(restype.EC2FlowLog, "maxAggregationInterval", Unmodelled),
	skip(restype.EC2FlowLog, "tags", ByTagCheck),
	m(restype.EC2FlowLog, "trafficType", "ec2/CreateFlowLogs.TrafficType"),
	skip(restype.EC2FlowLog, "vpcId", Reference),
	skip(restype.EC2InternetGateway, "tags", ByTagCheck),
	skip(restype.EC2InternetGateway, "vpcId", Reference),
	skip(restype.EC2NatGateway, "allocationId", Reference),
	skip(restype.EC2NatGateway, "subnetId", Reference),
	skip(restype.EC2NatGateway, "tags", ByTagCheck),
	skip(restype.EC2NetworkACL, "subnetIds", Reference),
	skip(restype.EC2NetworkACL, "tags", ByTagCheck),
	skip(restype.EC2NetworkACL, "vpcId", Reference),
	skip(restype.EC2NetworkACLRule, "cidrBlock", Unmodelled),
	skip(restype.EC2NetworkACLRule, "egress", NoConstraint),
	skip(restype.EC2NetworkACLRule, "fromPort", Unmodelled),
	skip(restype.EC2NetworkACLRule, "toPort", Unmodelled),
	skip(restype.EC2NetworkACLRule, "networkAclId", Reference),
	skip(restype.EC2NetworkACLRule, "protocol", Unmodelled),
	m(restype.EC2NetworkACLRule, "ruleAction", "ec2/CreateNetworkAclEntry.RuleAction"),
	skip(restype.EC2NetworkACLRule, "ruleNumber", Unmodelled),
	skip(restype.EC2Route, "destinationCidrBlock", Unmodelled),
	skip(restype.EC2Route, "gatewayId", Reference),
	skip(restype.EC2Route, "natGatewayId", Reference),
	skip(restype.EC2Route, "routeTableId", Reference),
	skip(restype.EC2RouteTable, "tags", ByTagCheck),
	skip(restype.EC2RouteTable, "vpcId", Reference),
	skip(restype.EC2RouteTableAssociation, "routeTableId", Reference),
	skip(restype.EC2RouteTableAssociation, "subnetId", Reference),
	skip(restype.EC2SecurityGroup, "description", "judged by deploy-ec2-description (EC2's documented characters)"),
	skip(restype.EC2SecurityGroup, "revokeRulesOnDelete", ProviderOnly),
	skip(restype.EC2SecurityGroup, "tags", ByTagCheck),
	skip(restype.EC2SecurityGroup, "vpcId", Reference),
	skip(restype.EC2SecurityGroup, "name", ByName),
	skip(restype.EC2SecurityGroupRule, "description", "judged by deploy-ec2-description (EC2's documented characters)"),
	skip(restype.EC2Subnet, "availabilityZone", "from the zones the account reports (getAvailabilityZones)"),
	skip(restype.EC2Subnet, "cidrBlock", Unmodelled),
	skip(restype.EC2Subnet, "mapPublicIpOnLaunch", NoConstraint),
	skip(restype.EC2Subnet, "tags", ByTagCheck),
	skip(restype.EC2Subnet, "vpcId", Reference),
	skip(restype.EC2VPC, "cidrBlock", Unmodelled),
	skip(restype.EC2VPC, "enableDnsHostnames", NoConstraint),
	skip(restype.EC2VPC, "enableDnsSupport", NoConstraint),
	skip(restype.EC2VPC, "tags", ByTagCheck),
	skip(restype.EC2VPCEndpoint, "policy", ByPolicyRules),
	skip(restype.EC2VPCEndpoint, "privateDnsEnabled", NoConstraint),
	skip(restype.EC2VPCEndpoint, "routeTableIds", Reference),
	skip(restype.EC2VPCEndpoint, "securityGroupIds", Reference),
	skip(restype.EC2VPCEndpoint, "serviceName", "judged by deploy-endpoint-access against the endpoint catalogue"),
	skip(restype.EC2VPCEndpoint, "subnetIds", Reference),
	skip(restype.EC2VPCEndpoint, "tags", ByTagCheck),
	m(restype.EC2VPCEndpoint, "vpcEndpointType", "ec2/CreateVpcEndpoint.VpcEndpointType"),
	skip(restype.EC2VPCEndpoint, "vpcId", Reference),

	skip(restype.GuardDutyDetector, "enable", NoConstraint),
	m(restype.GuardDutyDetector, "findingPublishingFrequency", "guardduty/CreateDetector.FindingPublishingFrequency"),
	skip(restype.GuardDutyDetectorFeature, "additionalConfigurations", NoConstraint),
	m(restype.GuardDutyDetectorFeature, "additionalConfigurations.name", "guardduty/UpdateDetector.Features.AdditionalConfiguration.Name"),
	m(restype.GuardDutyDetectorFeature, "additionalConfigurations.status", "guardduty/UpdateDetector.Features.AdditionalConfiguration.Status"),
	skip(restype.GuardDutyDetectorFeature, "detectorId", Reference),
	m(restype.GuardDutyDetectorFeature, "name", "guardduty/UpdateDetector.Features.Name"),
	m(restype.GuardDutyDetectorFeature, "status", "guardduty/UpdateDetector.Features.Status"),

	skip(restype.IAMAccountPasswordPolicy, "allowUsersToChangePassword", NoConstraint),
	m(restype.IAMAccountPasswordPolicy, "minimumPasswordLength", "iam/UpdateAccountPasswordPolicy.MinimumPasswordLength"),
	m(restype.IAMAccountPasswordPolicy, "passwordReusePrevention", "iam/UpdateAccountPasswordPolicy.PasswordReusePrevention"),
	m(restype.IAMAccountPasswordPolicy, "maxPasswordAge", "iam/UpdateAccountPasswordPolicy.MaxPasswordAge"),
	skip(restype.IAMAccountPasswordPolicy, "requireLowercaseCharacters", NoConstraint),
	skip(restype.IAMAccountPasswordPolicy, "requireNumbers", NoConstraint),
	skip(restype.IAMAccountPasswordPolicy, "requireSymbols", NoConstraint),
	skip(restype.IAMAccountPasswordPolicy, "requireUppercaseCharacters", NoConstraint),
	m(restype.IAMOpenIdConnectProvider, "clientIdLists", "iam/CreateOpenIDConnectProvider.ClientIDList"),
	m(restype.IAMOpenIdConnectProvider, "url", "iam/CreateOpenIDConnectProvider.Url"),
	m(restype.IAMOpenIdConnectProvider, "thumbprintLists", "iam/CreateOpenIDConnectProvider.ThumbprintList"),
	m(restype.IAMPolicy, "description", "iam/CreatePolicy.Description"),
	skip(restype.IAMPolicy, "name", ByName),
	m(restype.IAMPolicy, "path", "iam/CreatePolicy.Path"),
	m(restype.IAMPolicy, "policy", "iam/CreatePolicy.PolicyDocument"),
	m(restype.IAMRole, "assumeRolePolicy", "iam/CreateRole.AssumeRolePolicyDocument"),
	m(restype.IAMRole, "description", "iam/CreateRole.Description"),
	m(restype.IAMRole, "maxSessionDuration", "iam/CreateRole.MaxSessionDuration"),
	skip(restype.IAMRole, "name", ByName),
	m(restype.IAMRole, "path", "iam/CreateRole.Path"),
	m(restype.IAMRole, "permissionsBoundary", "iam/CreateRole.PermissionsBoundary"),
	skip(restype.IAMRole, "tags", ByTagCheck),
	m(restype.IAMRolePolicy, "policy", "iam/PutRolePolicy.PolicyDocument"),
	m(restype.IAMRolePolicy, "role", "iam/PutRolePolicy.RoleName"),
	skip(restype.IAMRolePolicy, "name", ByName),
	m(restype.IAMRolePolicyAttachment, "policyArn", "iam/AttachRolePolicy.PolicyArn"),
	m(restype.IAMRolePolicyAttachment, "role", "iam/AttachRolePolicy.RoleName"),
	skip(restype.IAMUser, "name", ByName),
	skip(restype.IAMUser, "tags", ByTagCheck),

	skip(restype.KMSAlias, "name", ByName),
	m(restype.KMSAlias, "targetKeyId", "kms/CreateAlias.TargetKeyId"),
	skip(restype.KMSKey, "bypassPolicyLockoutSafetyCheck", NoConstraint),
	m(restype.KMSKey, "customerMasterKeySpec", "kms/CreateKey.KeySpec"),
	mc(restype.KMSKey, "deletionWindowInDays", "kms/ScheduleKeyDeletion.PendingWindowInDays", "kms.deletionWindowDays"),
	m(restype.KMSKey, "description", "kms/CreateKey.Description"),
	skip(restype.KMSKey, "enableKeyRotation", NoConstraint),
	m(restype.KMSKey, "keyUsage", "kms/CreateKey.KeyUsage"),
	skip(restype.KMSKey, "multiRegion", NoConstraint),
	m(restype.KMSKey, "policy", "kms/CreateKey.Policy"),
	mc(restype.KMSKey, "rotationPeriodInDays", "kms/EnableKeyRotation.RotationPeriodInDays", "kms.rotationPeriodDays"),
	skip(restype.KMSKey, "tags", ByTagCheck),
	skip(restype.KMSReplicaKey, "bypassPolicyLockoutSafetyCheck", NoConstraint),
	mc(restype.KMSReplicaKey, "deletionWindowInDays", "kms/ScheduleKeyDeletion.PendingWindowInDays", "kms.deletionWindowDays"),
	m(restype.KMSReplicaKey, "description", "kms/ReplicateKey.Description"),
	m(restype.KMSReplicaKey, "policy", "kms/ReplicateKey.Policy"),
	m(restype.KMSReplicaKey, "primaryKeyArn", "kms/ReplicateKey.KeyId"),

	m(restype.LambdaFunction, "architectures", "lambda/CreateFunction.Architectures"),
	skip(restype.LambdaFunction, "code", "an asset the provider uploads as ZipFile"),
	m(restype.LambdaFunction, "description", "lambda/CreateFunction.Description"),
	m(restype.LambdaFunction, "handler", "lambda/CreateFunction.Handler"),
	m(restype.LambdaFunction, "loggingConfig.logFormat", "lambda/CreateFunction.LoggingConfig.LogFormat"),
	m(restype.LambdaFunction, "loggingConfig.logGroup", "lambda/CreateFunction.LoggingConfig.LogGroup"),
	m(restype.LambdaFunction, "loggingConfig.applicationLogLevel", "lambda/CreateFunction.LoggingConfig.ApplicationLogLevel"),
	m(restype.LambdaFunction, "loggingConfig.systemLogLevel", "lambda/CreateFunction.LoggingConfig.SystemLogLevel"),
	skip(restype.LambdaFunction, "loggingConfig", NoConstraint),
	m(restype.LambdaFunction, "memorySize", "lambda/CreateFunction.MemorySize"),
	m(restype.LambdaFunction, "role", "lambda/CreateFunction.Role"),
	m(restype.LambdaFunction, "runtime", "lambda/CreateFunction.Runtime"),
	m(restype.LambdaFunction, "timeout", "lambda/CreateFunction.Timeout"),
	m(restype.LambdaFunction, "reservedConcurrentExecutions", "lambda/PutFunctionConcurrency.ReservedConcurrentExecutions"),
	skip(restype.LambdaFunction, "vpcConfig", Reference),
	skip(restype.LambdaFunction, "kmsKeyArn", Reference),
	skip(restype.LambdaFunction, "environment", NoConstraint),
	skip(restype.LambdaFunction, "name", ByName),
	m(restype.LambdaPermission, "action", "lambda/AddPermission.Action"),
	m(restype.LambdaPermission, "function", "lambda/AddPermission.FunctionName"),
	m(restype.LambdaPermission, "principal", "lambda/AddPermission.Principal"),
	m(restype.LambdaPermission, "sourceAccount", "lambda/AddPermission.SourceAccount"),
	m(restype.LambdaPermission, "sourceArn", "lambda/AddPermission.SourceArn"),
	m(restype.LambdaPermission, "statementId", "lambda/AddPermission.StatementId"),

	skip(restype.LBListener, "certificateArn", Reference),
	m(restype.LBListener, "defaultActions.type", "elasticloadbalancingv2/CreateListener.DefaultActions.Type"),
	m(restype.LBListener, "defaultActions.order", "elasticloadbalancingv2/CreateListener.DefaultActions.Order"),
	m(restype.LBListener, "defaultActions.redirect.statusCode", "elasticloadbalancingv2/CreateListener.DefaultActions.RedirectConfig.StatusCode"),
	m(restype.LBListener, "defaultActions.redirect.protocol", "elasticloadbalancingv2/CreateListener.DefaultActions.RedirectConfig.Protocol"),
	m(restype.LBListener, "defaultActions.redirect.port", "elasticloadbalancingv2/CreateListener.DefaultActions.RedirectConfig.Port"),
	m(restype.LBListener, "defaultActions.fixedResponse.statusCode", "elasticloadbalancingv2/CreateListener.DefaultActions.FixedResponseConfig.StatusCode"),
	m(restype.LBListener, "defaultActions.fixedResponse.messageBody", "elasticloadbalancingv2/CreateListener.DefaultActions.FixedResponseConfig.MessageBody"),
	m(restype.LBListener, "defaultActions.fixedResponse.contentType", "elasticloadbalancingv2/CreateListener.DefaultActions.FixedResponseConfig.ContentType"),
	skip(restype.LBListener, "defaultActions", NoConstraint),
	skip(restype.LBListener, "loadBalancerArn", Reference),
	m(restype.LBListener, "mutualAuthentication.mode", "elasticloadbalancingv2/CreateListener.MutualAuthentication.Mode"),
	skip(restype.LBListener, "mutualAuthentication", NoConstraint),
	m(restype.LBListener, "port", "elasticloadbalancingv2/CreateListener.Port"),
	m(restype.LBListener, "protocol", "elasticloadbalancingv2/CreateListener.Protocol"),
	skip(restype.LBListener, "routingHttpResponseServerEnabled", NoConstraint),
	skip(restype.LBListener, "routingHttpResponseStrictTransportSecurityHeaderValue", "a listener attribute (ModifyListenerAttributes key and value), unconstrained in the model; judged by the ELB rules"),
	skip(restype.LBListener, "routingHttpResponseXContentTypeOptionsHeaderValue", "a listener attribute (ModifyListenerAttributes key and value), unconstrained in the model; judged by the ELB rules"),
	skip(restype.LBListener, "routingHttpResponseXFrameOptionsHeaderValue", "a listener attribute (ModifyListenerAttributes key and value), unconstrained in the model; judged by the ELB rules"),
	skip(restype.LBListener, "sslPolicy", "judged against the TLS policy catalogue (tls/policy) by elb-tls-policy"),
	m(restype.LBListenerRule, "actions.type", "elasticloadbalancingv2/CreateRule.Actions.Type"),
	m(restype.LBListenerRule, "actions.order", "elasticloadbalancingv2/CreateRule.Actions.Order"),
	m(restype.LBListenerRule, "actions.authenticateCognito.onUnauthenticatedRequest", "elasticloadbalancingv2/CreateRule.Actions.AuthenticateCognitoConfig.OnUnauthenticatedRequest"),
	skip(restype.LBListenerRule, "actions", NoConstraint),
	mc(restype.LBListenerRule, "conditions.pathPattern.values", "elasticloadbalancingv2/CreateRule.Conditions.PathPatternConfig.Values", "identity.authenticatedPaths"),
	skip(restype.LBListenerRule, "conditions", NoConstraint),
	skip(restype.LBListenerRule, "listenerArn", Reference),
	m(restype.LBListenerRule, "priority", "elasticloadbalancingv2/CreateRule.Priority"),
	skip(restype.LBLoadBalancer, "accessLogs", "load balancer attributes (ModifyLoadBalancerAttributes), unconstrained in the model; judged by the ELB rules"),
	skip(restype.LBLoadBalancer, "connectionLogs", "load balancer attributes (ModifyLoadBalancerAttributes), unconstrained in the model; judged by the ELB rules"),
	skip(restype.LBLoadBalancer, "desyncMitigationMode", "a load balancer attribute, unconstrained in the model; judged by elb-desync-mitigation"),
	skip(restype.LBLoadBalancer, "dropInvalidHeaderFields", NoConstraint),
	skip(restype.LBLoadBalancer, "enableDeletionProtection", NoConstraint),
	skip(restype.LBLoadBalancer, "enableHttp2", NoConstraint),
	skip(restype.LBLoadBalancer, "enableWafFailOpen", NoConstraint),
	skip(restype.LBLoadBalancer, "internal", NoConstraint),
	m(restype.LBLoadBalancer, "loadBalancerType", "elasticloadbalancingv2/CreateLoadBalancer.Type"),
	skip(restype.LBLoadBalancer, "securityGroups", Reference),
	skip(restype.LBLoadBalancer, "subnets", Reference),
	skip(restype.LBLoadBalancer, "name", ByName),
	m(restype.LBTargetGroup, "healthCheck.enabled", "elasticloadbalancingv2/CreateTargetGroup.HealthCheckEnabled"),
	m(restype.LBTargetGroup, "healthCheck.matcher", "elasticloadbalancingv2/CreateTargetGroup.Matcher.HttpCode"),
	mc(restype.LBTargetGroup, "healthCheck.path", "elasticloadbalancingv2/CreateTargetGroup.HealthCheckPath", "tls.healthCheckPath"),
	m(restype.LBTargetGroup, "healthCheck.protocol", "elasticloadbalancingv2/CreateTargetGroup.HealthCheckProtocol"),
	m(restype.LBTargetGroup, "healthCheck.interval", "elasticloadbalancingv2/CreateTargetGroup.HealthCheckIntervalSeconds"),
	m(restype.LBTargetGroup, "healthCheck.timeout", "elasticloadbalancingv2/CreateTargetGroup.HealthCheckTimeoutSeconds"),
	m(restype.LBTargetGroup, "healthCheck.healthyThreshold", "elasticloadbalancingv2/CreateTargetGroup.HealthyThresholdCount"),
	m(restype.LBTargetGroup, "healthCheck.unhealthyThreshold", "elasticloadbalancingv2/CreateTargetGroup.UnhealthyThresholdCount"),
	skip(restype.LBTargetGroup, "healthCheck", NoConstraint),
	mc(restype.LBTargetGroup, "port", "elasticloadbalancingv2/CreateTargetGroup.Port", "tls.targetPort"),
	m(restype.LBTargetGroup, "protocol", "elasticloadbalancingv2/CreateTargetGroup.Protocol"),
	m(restype.LBTargetGroup, "targetType", "elasticloadbalancingv2/CreateTargetGroup.TargetType"),
	skip(restype.LBTargetGroup, "vpcId", Reference),
	skip(restype.LBTargetGroup, "name", ByName),
	skip(restype.LBTrustStore, "caCertificatesBundleS3Bucket", Reference),
	skip(restype.LBTrustStore, "caCertificatesBundleS3Key", Unmodelled),
	skip(restype.LBTrustStore, "caCertificatesBundleS3ObjectVersion", Reference),
	m(restype.LBTrustStore, "name", "elasticloadbalancingv2/CreateTrustStore.Name"),

	skip(restype.Route53Record, "aliases", Reference),
	skip(restype.Route53Record, "allowOverwrite", ProviderOnly),
	m(restype.Route53Record, "name", "route53/ChangeResourceRecordSets.ChangeBatch.Changes.ResourceRecordSet.Name"),
	m(restype.Route53Record, "records", "route53/ChangeResourceRecordSets.ChangeBatch.Changes.ResourceRecordSet.ResourceRecords.Value"),
	m(restype.Route53Record, "ttl", "route53/ChangeResourceRecordSets.ChangeBatch.Changes.ResourceRecordSet.TTL"),
	m(restype.Route53Record, "type", "route53/ChangeResourceRecordSets.ChangeBatch.Changes.ResourceRecordSet.Type"),
	mc(restype.Route53Record, "zoneId", "route53/ChangeResourceRecordSets.HostedZoneId", "tls.hostedZoneId"),

	skip(restype.S3AccountPublicAccessBlock, "blockPublicAcls", NoConstraint),
	skip(restype.S3AccountPublicAccessBlock, "blockPublicPolicy", NoConstraint),
	skip(restype.S3AccountPublicAccessBlock, "ignorePublicAcls", NoConstraint),
	skip(restype.S3AccountPublicAccessBlock, "restrictPublicBuckets", NoConstraint),
	skip(restype.S3BucketLifecycleConfigurationV2, "bucket", Reference),
	m(restype.S3BucketLifecycleConfigurationV2, "rules.status", "s3/PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.Status"),
	skip(restype.S3BucketLifecycleConfigurationV2, "rules", Unmodelled),
	skip(restype.S3BucketLoggingV2, "bucket", Reference),
	skip(restype.S3BucketLoggingV2, "targetBucket", Reference),
	skip(restype.S3BucketLoggingV2, "targetObjectKeyFormat", NoConstraint),
	skip(restype.S3BucketLoggingV2, "targetPrefix", Unmodelled),
	skip(restype.S3BucketObjectLockConfigurationV2, "bucket", Reference),
	m(restype.S3BucketObjectLockConfigurationV2, "rule.defaultRetention.mode", "s3/PutObjectLockConfiguration.ObjectLockConfiguration.Rule.DefaultRetention.Mode"),
	skip(restype.S3BucketObjectLockConfigurationV2, "rule", Unmodelled),
	skip(restype.S3BucketObjectV2, "bucket", Reference),
	skip(restype.S3BucketObjectV2, "content", NoConstraint),
	skip(restype.S3BucketObjectV2, "contentType", NoConstraint),
	m(restype.S3BucketObjectV2, "key", "s3/PutObject.Key"),
	m(restype.S3BucketOwnershipControls, "rule.objectOwnership", "s3/PutBucketOwnershipControls.OwnershipControls.Rules.ObjectOwnership"),
	skip(restype.S3BucketOwnershipControls, "bucket", Reference),
	skip(restype.S3BucketOwnershipControls, "rule", NoConstraint),
	skip(restype.S3BucketPolicy, "bucket", Reference),
	skip(restype.S3BucketPolicy, "policy", ByPolicyRules),
	skip(restype.S3BucketPublicAccessBlock, "blockPublicAcls", NoConstraint),
	skip(restype.S3BucketPublicAccessBlock, "blockPublicPolicy", NoConstraint),
	skip(restype.S3BucketPublicAccessBlock, "bucket", Reference),
	skip(restype.S3BucketPublicAccessBlock, "ignorePublicAcls", NoConstraint),
	skip(restype.S3BucketPublicAccessBlock, "restrictPublicBuckets", NoConstraint),
	skip(restype.S3BucketServerSideEncryptionConfigurationV2, "bucket", Reference),
	m(restype.S3BucketServerSideEncryptionConfigurationV2, "rules.applyServerSideEncryptionByDefault.sseAlgorithm", "s3/PutBucketEncryption.ServerSideEncryptionConfiguration.Rules.ApplyServerSideEncryptionByDefault.SSEAlgorithm"),
	skip(restype.S3BucketServerSideEncryptionConfigurationV2, "rules", NoConstraint),
	skip(restype.S3BucketV2, "bucketPrefix", "judged by deploy-aws-names (S3's 63 with the generated suffix)"),
	skip(restype.S3BucketV2, "forceDestroy", ProviderOnly),
	skip(restype.S3BucketV2, "objectLockEnabled", NoConstraint),
	skip(restype.S3BucketV2, "tags", ByTagCheck),
	skip(restype.S3BucketVersioningV2, "bucket", Reference),
	m(restype.S3BucketVersioningV2, "versioningConfiguration.status", "s3/PutBucketVersioning.VersioningConfiguration.Status"),
	skip(restype.S3BucketVersioningV2, "versioningConfiguration", NoConstraint),

	m(restype.SecretsManagerSecret, "description", "secretsmanager/CreateSecret.Description"),
	m(restype.SecretsManagerSecret, "kmsKeyId", "secretsmanager/CreateSecret.KmsKeyId"),
	m(restype.SecretsManagerSecret, "name", "secretsmanager/CreateSecret.Name"),
	mc(restype.SecretsManagerSecret, "recoveryWindowInDays", "secretsmanager/DeleteSecret.RecoveryWindowInDays", "secrets.recoveryWindowDays"),
	mc(restype.SecretsManagerSecret, "replicas.region", "secretsmanager/CreateSecret.AddReplicaRegions.Region", "secrets.inventory[].replicaRegion"),
	m(restype.SecretsManagerSecret, "replicas.kmsKeyId", "secretsmanager/CreateSecret.AddReplicaRegions.KmsKeyId"),
	skip(restype.SecretsManagerSecret, "replicas", NoConstraint),
	skip(restype.SecretsManagerSecret, "tags", ByTagCheck),
	skip(restype.SecretsManagerSecretPolicy, "blockPublicPolicy", NoConstraint),
	m(restype.SecretsManagerSecretPolicy, "policy", "secretsmanager/PutResourcePolicy.ResourcePolicy"),
	m(restype.SecretsManagerSecretPolicy, "secretArn", "secretsmanager/PutResourcePolicy.SecretId"),
	skip(restype.SecretsManagerSecretRotation, "rotateImmediately", NoConstraint),
	m(restype.SecretsManagerSecretRotation, "rotationLambdaArn", "secretsmanager/RotateSecret.RotationLambdaARN"),
	mc(restype.SecretsManagerSecretRotation, "rotationRules.automaticallyAfterDays", "secretsmanager/RotateSecret.RotationRules.AutomaticallyAfterDays", "secrets.inventory[].rotationDays"),
	skip(restype.SecretsManagerSecretRotation, "rotationRules", NoConstraint),
	m(restype.SecretsManagerSecretRotation, "secretId", "secretsmanager/RotateSecret.SecretId"),
	m(restype.SecretsManagerSecretVersion, "secretId", "secretsmanager/PutSecretValue.SecretId"),
	m(restype.SecretsManagerSecretVersion, "secretString", "secretsmanager/PutSecretValue.SecretString"),

	skip(restype.SecurityHubAccount, "autoEnableControls", NoConstraint),
	m(restype.SecurityHubAccount, "controlFindingGenerator", "securityhub/EnableSecurityHub.ControlFindingGenerator"),
	skip(restype.SecurityHubAccount, "enableDefaultStandards", NoConstraint),
	m(restype.SecurityHubStandardsSubscription, "standardsArn", "securityhub/BatchEnableStandards.StandardsSubscriptionRequests.StandardsArn"),

	skip(restype.SNSTopic, "displayName", "a topic attribute (Attributes map), unconstrained in the model"),
	skip(restype.SNSTopic, "kmsMasterKeyId", Reference),
	skip(restype.SNSTopic, "name", ByName),
	skip(restype.SNSTopicPolicy, "arn", Reference),
	skip(restype.SNSTopicPolicy, "policy", ByPolicyRules),
	skip(restype.SNSTopicSubscription, "endpoint", "judged in stackconfig (alerts.emails, alerts.httpsEndpoints); unconstrained in the model"),
	skip(restype.SNSTopicSubscription, "protocol", "unconstrained in the model; the stack subscribes email and https only"),
	skip(restype.SNSTopicSubscription, "topic", Reference),
	skip(restype.SQSQueue, "messageRetentionSeconds", "a queue attribute (Attributes map), unconstrained in the model"),
	skip(restype.SQSQueue, "name", ByName),
	skip(restype.SQSQueue, "sqsManagedSseEnabled", NoConstraint),
	skip(restype.SQSQueuePolicy, "policy", ByPolicyRules),
	skip(restype.SQSQueuePolicy, "queueUrl", Reference),

	skip(restype.VPCSecurityGroupEgressRule, "cidrIpv4", Unmodelled),
	skip(restype.VPCSecurityGroupEgressRule, "description", "judged by deploy-ec2-description (EC2's documented characters)"),
	skip(restype.VPCSecurityGroupEgressRule, "fromPort", Unmodelled),
	skip(restype.VPCSecurityGroupEgressRule, "ipProtocol", Unmodelled),
	skip(restype.VPCSecurityGroupEgressRule, "prefixListId", Reference),
	skip(restype.VPCSecurityGroupEgressRule, "referencedSecurityGroupId", Reference),
	skip(restype.VPCSecurityGroupEgressRule, "securityGroupId", Reference),
	skip(restype.VPCSecurityGroupEgressRule, "tags", ByTagCheck),
	skip(restype.VPCSecurityGroupEgressRule, "toPort", Unmodelled),
	skip(restype.VPCSecurityGroupIngressRule, "cidrIpv4", Unmodelled),
	skip(restype.VPCSecurityGroupIngressRule, "description", "judged by deploy-ec2-description (EC2's documented characters)"),
	skip(restype.VPCSecurityGroupIngressRule, "fromPort", Unmodelled),
	skip(restype.VPCSecurityGroupIngressRule, "ipProtocol", Unmodelled),
	skip(restype.VPCSecurityGroupIngressRule, "referencedSecurityGroupId", Reference),
	skip(restype.VPCSecurityGroupIngressRule, "securityGroupId", Reference),
	skip(restype.VPCSecurityGroupIngressRule, "tags", ByTagCheck),
	skip(restype.VPCSecurityGroupIngressRule, "toPort", Unmodelled),

	m(restype.WAFv2IpSet, "addresses", "wafv2/CreateIPSet.Addresses"),
	m(restype.WAFv2IpSet, "description", "wafv2/CreateIPSet.Description"),
	m(restype.WAFv2IpSet, "ipAddressVersion", "wafv2/CreateIPSet.IPAddressVersion"),
	m(restype.WAFv2IpSet, "scope", "wafv2/CreateIPSet.Scope"),
	m(restype.WAFv2IpSet, "name", "wafv2/CreateIPSet.Name"),
	skip(restype.WAFv2IpSet, "tags", ByTagCheck),
	m(restype.WAFv2WebACL, "customResponseBodies.content", "wafv2/CreateWebACL.CustomResponseBodies.Content"),
	m(restype.WAFv2WebACL, "customResponseBodies.contentType", "wafv2/CreateWebACL.CustomResponseBodies.ContentType"),
	skip(restype.WAFv2WebACL, "customResponseBodies", "a list the provider turns into the CustomResponseBodies map keyed by key"),
	skip(restype.WAFv2WebACL, "defaultAction", NoConstraint),
	m(restype.WAFv2WebACL, "description", "wafv2/CreateWebACL.Description"),
	m(restype.WAFv2WebACL, "rules.name", "wafv2/CreateWebACL.Rules.Name"),
	m(restype.WAFv2WebACL, "rules.priority", "wafv2/CreateWebACL.Rules.Priority"),
	m(restype.WAFv2WebACL, "rules.visibilityConfig.metricName", "wafv2/CreateWebACL.Rules.VisibilityConfig.MetricName"),
	m(restype.WAFv2WebACL, "rules.statement.rateBasedStatement.limit", "wafv2/CreateWebACL.Rules.Statement.RateBasedStatement.Limit"),
	m(restype.WAFv2WebACL, "rules.statement.rateBasedStatement.evaluationWindowSec", "wafv2/CreateWebACL.Rules.Statement.RateBasedStatement.EvaluationWindowSec"),
	m(restype.WAFv2WebACL, "rules.statement.rateBasedStatement.aggregateKeyType", "wafv2/CreateWebACL.Rules.Statement.RateBasedStatement.AggregateKeyType"),
	m(restype.WAFv2WebACL, "rules.statement.managedRuleGroupStatement.name", "wafv2/CreateWebACL.Rules.Statement.ManagedRuleGroupStatement.Name"),
	m(restype.WAFv2WebACL, "rules.statement.managedRuleGroupStatement.vendorName", "wafv2/CreateWebACL.Rules.Statement.ManagedRuleGroupStatement.VendorName"),
	skip(restype.WAFv2WebACL, "rules", "the rest of each rule is judged by the WAF rules and the capacity check"),
	m(restype.WAFv2WebACL, "scope", "wafv2/CreateWebACL.Scope"),
	m(restype.WAFv2WebACL, "visibilityConfig.metricName", "wafv2/CreateWebACL.VisibilityConfig.MetricName"),
	skip(restype.WAFv2WebACL, "visibilityConfig", NoConstraint),
	m(restype.WAFv2WebACL, "name", "wafv2/CreateWebACL.Name"),
	skip(restype.WAFv2WebACL, "tags", ByTagCheck),
	m(restype.WAFv2WebACLAssociation, "resourceArn", "wafv2/AssociateWebACL.ResourceArn"),
	m(restype.WAFv2WebACLAssociation, "webAclArn", "wafv2/AssociateWebACL.WebACLArn"),
	m(restype.WAFv2WebACLLoggingConfiguration, "logDestinationConfigs", "wafv2/PutLoggingConfiguration.LoggingConfiguration.LogDestinationConfigs"),
	m(restype.WAFv2WebACLLoggingConfiguration, "loggingFilter.defaultBehavior", "wafv2/PutLoggingConfiguration.LoggingConfiguration.LoggingFilter.DefaultBehavior"),
	skip(restype.WAFv2WebACLLoggingConfiguration, "loggingFilter", NoConstraint),
	skip(restype.WAFv2WebACLLoggingConfiguration, "redactedFields", NoConstraint),
	m(restype.WAFv2WebACLLoggingConfiguration, "resourceArn", "wafv2/PutLoggingConfiguration.LoggingConfiguration.ResourceArn"),
}

// MemberOf returns the rows of typ.
func MemberOf(typ string) []InputMember {
	var out []InputMember
	for _, im := range InputMembers {
		if im.Type == typ {
			out = append(out, im)
		}
	}
	return out
}

// Mapped reports whether the top-level input of typ has a row: its own,
// or one below it.
func Mapped(typ, input string) bool {
	return slices.ContainsFunc(InputMembers, func(im InputMember) bool {
		return im.Type == typ && (im.Input == input || strings.HasPrefix(im.Input, input+"."))
	})
}

// Constraint is what an API model says about one member's shape.
type Constraint struct {
	Type     string   `json:"type"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Required bool     `json:"required,omitempty"`
	// Element is a list's element or a map's value.
	Element *Constraint `json:"element,omitempty"`
}

// Member checks v (a decoded JSON value: string, float64, bool, []any,
// map[string]any) against the constraints recorded for the member id, and
// returns every problem; nil when it passes or the member is unknown to
// the models (the generator refuses unknown members, so that is a test's
// concern).
func Member(id string, v any) []string {
	mod, err := LoadModels()
	if err != nil {
		return []string{err.Error()}
	}
	c, ok := mod.Members[id]
	if !ok {
		return []string{fmt.Sprintf("no model member %s (run .ci/awsmodels)", id)}
	}
	return c.Check(id, v)
}

// Check returns the problems of v against c; id names the member.
func (c *Constraint) Check(id string, v any) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if c.Type == "list" && c.Element != nil {
			return c.Element.Check(id, x)
		}
		n := float64(len([]rune(x)))
		if c.Type == "string" || c.Type == "blob" {
			if c.Min != nil && n < *c.Min {
				out = append(out, fmt.Sprintf("%s is %d characters; %s needs at least %v", quote(x), int(n), id, *c.Min))
			}
			if c.Max != nil && n > *c.Max {
				out = append(out, fmt.Sprintf("%s is %d characters; %s allows %v", quote(x), int(n), id, *c.Max))
			}
		}
		if c.Required && x == "" && c.Min == nil {
			out = append(out, fmt.Sprintf("is empty; %s is required", id))
		}
		if len(c.Enum) > 0 && !slices.Contains(c.Enum, x) {
			out = append(out, fmt.Sprintf("%s is not one of %s's values (%s)", quote(x), id, strings.Join(c.Enum, ", ")))
		}
		if re := compilePattern(c.Pattern); re != nil && x != "" && !re.MatchString(x) {
			out = append(out, fmt.Sprintf("%s does not match %s's pattern %s", quote(x), id, c.Pattern))
		}
	case float64:
		if c.Type == "list" && c.Element != nil {
			return c.Element.Check(id, x)
		}
		// An integer member is 32 bits on the wire whatever the model's
		// min and max say (Smithy's integer type).
		if c.Type == "integer" && (x < -(1<<31) || x > 1<<31-1 || x != float64(int64(x))) {
			out = append(out, fmt.Sprintf("%v is not a 32-bit integer, which %s is", x, id))
		}
		switch c.Type {
		case "integer", "long", "double", "float":
			if c.Min != nil && x < *c.Min {
				out = append(out, fmt.Sprintf("%v is below %s's minimum %v", x, id, *c.Min))
			}
			if c.Max != nil && x > *c.Max {
				out = append(out, fmt.Sprintf("%v is above %s's maximum %v", x, id, *c.Max))
			}
		}
	case []any:
		if c.Type == "list" {
			n := float64(len(x))
			if c.Min != nil && n < *c.Min {
				out = append(out, fmt.Sprintf("has %d entries; %s needs at least %v", len(x), id, *c.Min))
			}
			if c.Max != nil && n > *c.Max {
				out = append(out, fmt.Sprintf("has %d entries; %s allows %v", len(x), id, *c.Max))
			}
			if c.Element != nil {
				for i, e := range x {
					for _, p := range c.Element.Check(id, e) {
						out = append(out, fmt.Sprintf("[%d]: %s", i, p))
					}
				}
			}
			return out
		}
		for i, e := range x {
			for _, p := range c.Check(id, e) {
				out = append(out, fmt.Sprintf("[%d]: %s", i, p))
			}
		}
	case map[string]any:
		if c.Type == "map" {
			n := float64(len(x))
			if c.Max != nil && n > *c.Max {
				out = append(out, fmt.Sprintf("has %d entries; %s allows %v", len(x), id, *c.Max))
			}
			if c.Element != nil {
				for _, k := range slices.Sorted(mapsKeys(x)) {
					for _, p := range c.Element.Check(id, x[k]) {
						out = append(out, fmt.Sprintf("[%s]: %s", k, p))
					}
				}
			}
		}
	}
	return out
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func quote(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q…", s[:60])
	}
	return fmt.Sprintf("%q", s)
}

var javaEscape = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

// compilePattern reads a model pattern (Java syntax) as Go's RE2 whole-value
// match; nil when RE2 cannot read it (look-ahead), so that only the
// other constraints are judged.
func compilePattern(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	if v, ok := patterns.Load("member:" + p); ok {
		re, _ := v.(*regexp.Regexp)
		return re
	}
	re, _ := regexp.Compile(`^(?:` + trimAnchors(javaEscape.ReplaceAllString(p, `\x{$1}`)) + `)$`)
	patterns.Store("member:"+p, re)
	return re
}
