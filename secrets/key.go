// Package secrets provisions the stack's customer-managed KMS key and, on it,
// the Secrets Manager secrets of the stack.
package secrets

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/problem"
)

// KeyType is the type token of the Key component.
const KeyType = "hardening:secrets:Key"

// KeyArgs configures a Key.
type KeyArgs struct {
	// Description says what the key protects.
	Description string
	// RotationPeriodDays is the automatic rotation period (90 to 2560).
	RotationPeriodDays int
	// DeletionWindowDays is the wait before a scheduled deletion (7 to 30).
	DeletionWindowDays int
	// Administrators may manage the key but not use it. Empty means the
	// account root, so IAM policies decide and the key cannot be locked out.
	Administrators []string
	// Env places the key and scopes its policy.
	Env awsenv.Env
	// MultiRegion makes the key a multi-Region primary key, which secret
	// replicas need.
	MultiRegion bool
	// Protect protects the key and retains it when the stack is destroyed.
	Protect bool
	// TrailARN is the stack's trail, which encrypts its logs with the key
	// ("" when the stack has no trail).
	TrailARN string
	// AlertsTopicARN is the encrypted SNS topic that CloudWatch alarms and
	// EventBridge rules publish to.
	AlertsTopicARN string
}

// Key is a customer-managed KMS key with automatic rotation, an alias, and a
// key policy that separates administrators from users: CloudWatch Logs may
// use it only for this account's log groups in this region, principals of
// this account only through Secrets Manager, SNS and Lambda, and CloudWatch
// alarms and EventBridge only to publish to this account's encrypted topics.
type Key struct {
	pulumi.ResourceState

	// KeyARN is the key's ARN.
	KeyARN pulumi.StringOutput `pulumi:"keyArn"`
	// KeyID is the key's id.
	KeyID pulumi.StringOutput `pulumi:"keyId"`
	// AliasName is the key's alias, "alias/<name>".
	AliasName pulumi.StringOutput `pulumi:"aliasName"`
}

// Validate reports every problem of the arguments at once. The ranges are
// the KMS API's: RotationPeriodInDays 90 to 2560 (EnableKeyRotation),
// PendingWindowInDays 7 to 30 (ScheduleKeyDeletion).
func (a *KeyArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.RotationPeriodDays < 90 || a.RotationPeriodDays > 2560 {
		ps.Add("RotationPeriodDays", "%d: KMS rotates every 90 to 2560 days", a.RotationPeriodDays)
	}
	if a.DeletionWindowDays < 7 || a.DeletionWindowDays > 30 {
		ps.Add("DeletionWindowDays", "%d: KMS waits 7 to 30 days before deleting a key", a.DeletionWindowDays)
	}
	return errors.Join(ps.Errors()...)
}

// NewKey creates a Key.
func NewKey(ctx *pulumi.Context, name string, args *KeyArgs, opts ...pulumi.ResourceOption) (*Key, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("secrets key %s: %w", name, err)
	}
	policy, err := KeyPolicy(args).JSON()
	if err != nil {
		return nil, fmt.Errorf("secrets key %s: key policy: %w", name, err)
	}
	k := &Key{}
	if err := ctx.RegisterComponentResource(KeyType, name, k, opts...); err != nil {
		return nil, err
	}
	stateful := []pulumi.ResourceOption{pulumi.Parent(k), pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect)}
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:                    pulumi.String(args.Description),
		KeyUsage:                       pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec:          pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:              pulumi.Bool(true),
		RotationPeriodInDays:           pulumi.Int(args.RotationPeriodDays),
		DeletionWindowInDays:           pulumi.Int(args.DeletionWindowDays),
		BypassPolicyLockoutSafetyCheck: pulumi.Bool(false),
		MultiRegion:                    pulumi.Bool(args.MultiRegion),
		Policy:                         pulumi.String(policy),
	}, stateful...)
	if err != nil {
		return nil, err
	}
	alias, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
		Name:        pulumi.String("alias/" + name),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(k))
	if err != nil {
		return nil, err
	}
	k.KeyARN = key.Arn
	k.KeyID = key.KeyId
	k.AliasName = alias.Name
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{
		"keyArn":    k.KeyARN,
		"keyId":     k.KeyID,
		"aliasName": k.AliasName,
	})
}

// AdministrationActions are the key-management actions the administrators
// get, listed rather than as kms:Create*/kms:Put* so that no grant (which
// would give Decrypt around kms:ViaService) and no key use hides among them.
// ReplicateKey and UpdatePrimaryRegion must be in the primary key's policy
// for a multi-Region replica (KMS developer guide, "Controlling access to
// multi-Region keys").
var AdministrationActions = []string{
	"kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey",
	"kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
	"kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants",
	"kms:ListKeyPolicies", "kms:ListKeyRotations", "kms:ListResourceTags", "kms:PutKeyPolicy",
	"kms:ReplicateKey", "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand",
	"kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias",
	"kms:UpdateKeyDescription", "kms:UpdatePrimaryRegion",
}

// KeyPolicy returns the key policy of a key made with args. Each service
// statement follows that service's key-policy page and is limited by the
// context keys the service sends with its KMS requests; a condition key the
// request does not carry makes a statement dead (a DescribeKey request
// carries no encryption context, for example).
func KeyPolicy(args *KeyArgs) iampolicy.Document {
	env := args.Env
	root := env.Root()
	admins := args.Administrators
	if len(admins) == 0 {
		admins = []string{root}
	}
	st := []iampolicy.Statement{
		{
			Sid:       "KeyAdministration",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: admins},
			// Management only: no Encrypt, Decrypt or GenerateDataKey.
			Action:   AdministrationActions,
			Resource: []string{"*"},
		},
		{
			// Grants only for AWS services acting for the administrators.
			Sid:       "KeyAdministrationGrantsForServices",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: admins},
			Action:    []string{"kms:CreateGrant"},
			Resource:  []string{"*"},
			Condition: iampolicy.Conditions{"Bool": {"kms:GrantIsForAWSResource": {"true"}}},
		},
		{
			// CloudWatch Logs' documented statement (CloudWatch Logs user
			// guide, "Encrypt log data in CloudWatch Logs using AWS KMS")
			// without its kms:Describe*: DescribeKey requests carry no
			// encryption context, so under this condition it allowed nothing
			// (the Service Authorization Reference; rule
			// deploy-iam-policy-lint).
			Sid:       "CloudWatchLogsUse",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{env.ServicePrincipal("logs")}},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"},
			Resource:  []string{"*"},
			Condition: iampolicy.Conditions{"ArnLike": {
				"kms:EncryptionContext:aws:logs:arn": {env.ARN("logs", "log-group:*")},
			}},
		},
		{
			Sid:       "AccountUseThroughServices",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{root}},
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"},
			Resource:  []string{"*"},
			Condition: iampolicy.Conditions{"StringEquals": {
				"kms:ViaService":    ViaServices(env),
				"kms:CallerAccount": {env.AccountID},
			}},
		},
	}
	if args.TrailARN != "" {
		// CloudTrail user guide, "Configure AWS KMS key policies for
		// CloudTrail": encrypt, decrypt (the trail bucket uses an S3
		// Bucket Key) and describe, each limited to this trail by
		// aws:SourceArn; the encryption context only where KMS has one.
		cloudTrail := &iampolicy.Principal{Service: []string{env.GlobalServicePrincipal("cloudtrail")}}
		thisTrail := map[string][]string{"aws:SourceArn": {args.TrailARN}}
		st = append(st,
			iampolicy.Statement{
				Sid: "CloudTrailEncrypt", Effect: iampolicy.Allow, Principal: cloudTrail,
				Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"},
				Condition: iampolicy.Conditions{
					"StringEquals": thisTrail,
					"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {trailARNs(env)}},
				},
			},
			iampolicy.Statement{
				Sid: "CloudTrailDecryptWithBucketKey", Effect: iampolicy.Allow, Principal: cloudTrail,
				Action: []string{"kms:Decrypt"}, Resource: []string{"*"},
				Condition: iampolicy.Conditions{"StringEquals": thisTrail},
			},
			iampolicy.Statement{
				Sid: "CloudTrailDescribeKey", Effect: iampolicy.Allow, Principal: cloudTrail,
				Action: []string{"kms:DescribeKey"}, Resource: []string{"*"},
				Condition: iampolicy.Conditions{"StringEquals": thisTrail},
			},
			iampolicy.Statement{
				// Principals of the account that IAM allows may read trail logs.
				Sid:       "TrailLogReaders",
				Effect:    iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{root}},
				Action:    []string{"kms:Decrypt", "kms:ReEncryptFrom"},
				Resource:  []string{"*"},
				Condition: iampolicy.Conditions{
					"StringEquals": {"kms:CallerAccount": {env.AccountID}},
					"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {trailARNs(env)}},
				},
			},
		)
	}
	if args.AlertsTopicARN != "" {
		// CloudWatch alarms and EventBridge publish to the encrypted topic;
		// SNS then asks KMS for a data key on their behalf with the topic in
		// the encryption context and without aws:SourceAccount, so the
		// topic, not the account, is what limits them (SNS developer guide,
		// "Configuring AWS KMS permissions"; EventBridge user guide,
		// "Amazon SNS permissions").
		st = append(st, iampolicy.Statement{
			Sid:       "AlarmsAndRulesToTheAlertsTopic",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{env.GlobalServicePrincipal("cloudwatch"), env.GlobalServicePrincipal("events")}},
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Resource:  []string{"*"},
			Condition: iampolicy.Conditions{"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": {args.AlertsTopicARN}}},
		})
	}
	return iampolicy.New(st...)
}

// ViaServices are the services through which principals of the account may
// use the key: Secrets Manager for secrets, SNS for the alerts topic and
// Lambda for function environments.
func ViaServices(env awsenv.Env) []string {
	return []string{env.ServicePrincipal("secretsmanager"), env.ServicePrincipal("sns"), env.ServicePrincipal("lambda")}
}

// trailARNs matches the ARN of any trail of the account, in any region (a
// multi-Region trail's events come from every region).
func trailARNs(env awsenv.Env) string {
	return "arn:" + env.Partition + ":cloudtrail:*:" + env.AccountID + ":trail/*"
}
