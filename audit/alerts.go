// Package audit provides the evidence and detection of a stack: the one
// alerts topic every alarm and event rule of every component notifies.
package audit

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/awsenv"
	"github.com/example/hardening/iampolicy"
)

// AlertsType is the type token of the Alerts component.
const AlertsType = "hardening:audit:Alerts"

// AlertsArgs configures Alerts.
type AlertsArgs struct {
	// KeyARN is the customer-managed key that encrypts the topic.
	KeyARN pulumi.StringInput
	// Emails are subscribed to the topic.
	Emails []string
	// HTTPSEndpoints are subscribed to the topic.
	HTTPSEndpoints []string
	// Env scopes the topic policy to the account.
	Env awsenv.Env
}

// Alerts is the stack's one alerts topic: KMS-encrypted, published to only
// over TLS, and only by CloudWatch alarms and EventBridge rules of this
// account and by this account's principals.
type Alerts struct {
	pulumi.ResourceState

	// TopicARN is the alerts topic's ARN, the action of every alarm.
	TopicARN pulumi.StringOutput `pulumi:"topicArn"`
}

// TopicName is the alerts topic's name. It is fixed so that the stack key's
// policy, created before the topic, can name the topic.
func TopicName(component string) string { return component + "-alerts" }

// NewAlerts creates the alerts topic and its subscriptions.
func NewAlerts(ctx *pulumi.Context, name string, args *AlertsArgs, opts ...pulumi.ResourceOption) (*Alerts, error) {
	if args == nil || args.KeyARN == nil {
		return nil, errors.New("audit alerts: args with a KMS key are required")
	}
	a := &Alerts{}
	if err := ctx.RegisterComponentResource(AlertsType, name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	topic, err := sns.NewTopic(ctx, name+"-alerts", &sns.TopicArgs{
		Name:           pulumi.String(TopicName(name)),
		DisplayName:    pulumi.String(name + " security alerts"),
		KmsMasterKeyId: args.KeyARN,
	}, parent)
	if err != nil {
		return nil, err
	}
	env := args.Env
	policy := topic.Arn.ApplyT(func(arn string) (string, error) {
		return TopicPolicy(arn, env).JSON()
	}).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(ctx, name+"-alerts", &sns.TopicPolicyArgs{
		Arn:    topic.Arn,
		Policy: policy,
	}, parent); err != nil {
		return nil, err
	}
	for protocol, endpoints := range map[string][]string{"email": args.Emails, "https": args.HTTPSEndpoints} {
		for i, e := range endpoints {
			if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-alerts-%s-%d", name, protocol, i), &sns.TopicSubscriptionArgs{
				Topic:    topic.Arn,
				Protocol: pulumi.String(protocol),
				Endpoint: pulumi.String(e),
			}, parent); err != nil {
				return nil, err
			}
		}
	}
	a.TopicARN = topic.Arn
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{"topicArn": a.TopicARN})
}

// TopicPolicy is the alerts topic's policy: publishing over TLS only, by
// CloudWatch and EventBridge on behalf of this account, or by this
// account's principals that IAM allows.
func TopicPolicy(topicARN string, env awsenv.Env) iampolicy.Document {
	topic := []string{topicARN}
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "DenyInsecureTransport",
			Effect:    iampolicy.Deny,
			Principal: &iampolicy.Principal{Everyone: true},
			Action:    []string{"sns:Publish"},
			Resource:  topic,
			Condition: iampolicy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		iampolicy.Statement{
			Sid:       "AlarmsAndRulesOfThisAccount",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{env.GlobalServicePrincipal("cloudwatch"), env.GlobalServicePrincipal("events")}},
			Action:    []string{"sns:Publish"},
			Resource:  topic,
			Condition: iampolicy.Conditions{"StringEquals": {"aws:SourceAccount": {env.AccountID}}},
		},
		iampolicy.Statement{
			Sid:       "ThisAccount",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{env.Root()}},
			Action:    []string{"sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"},
			Resource:  topic,
		},
	)
}
