package audit

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/problem"
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
	// DeadLetterARN is the queue that keeps the events EventBridge could
	// not deliver to the topic; an alarm watches it.
	DeadLetterARN pulumi.StringOutput `pulumi:"deadLetterArn"`
}

// TopicName is the alerts topic's name. It is fixed so that the stack key's
// policy, created before the topic, can name the topic.
func TopicName(component string) string { return component + "-alerts" }

// Validate reports every problem of the arguments at once.
func (a *AlertsArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.KeyARN == nil {
		ps.Add("KeyARN", "is required: the topic is encrypted with the stack key")
	}
	return errors.Join(ps.Errors()...)
}

// NewAlerts creates the alerts topic and its subscriptions.
func NewAlerts(ctx *pulumi.Context, name string, args *AlertsArgs, opts ...pulumi.ResourceOption) (*Alerts, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("audit alerts %s: %w", name, err)
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
	a.DeadLetterARN, err = deadLetterQueue(ctx, name, topic.Arn, env, parent)
	if err != nil {
		return nil, err
	}
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{"topicArn": a.TopicARN, "deadLetterArn": a.DeadLetterARN})
}

// deadLetterQueue keeps what EventBridge could not publish to the topic
// (an encrypted topic it may not use, a throttled publish), with an alarm
// on any message in it. SQS-managed encryption: EventBridge needs no key
// permission to write to it.
func deadLetterQueue(ctx *pulumi.Context, name string, topicARN pulumi.StringOutput, env awsenv.Env, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	q, err := sqs.NewQueue(ctx, name+"-alerts-dlq", &sqs.QueueArgs{
		Name:                    pulumi.String(name + "-alerts-dlq"),
		SqsManagedSseEnabled:    pulumi.Bool(true),
		MessageRetentionSeconds: pulumi.Int(1209600), // 14 days, the most SQS keeps
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	policy := q.Arn.ApplyT(func(arn string) (string, error) { return DeadLetterPolicy(arn, env).JSON() }).(pulumi.StringOutput)
	if _, err := sqs.NewQueuePolicy(ctx, name+"-alerts-dlq", &sqs.QueuePolicyArgs{QueueUrl: q.Url, Policy: policy}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	if err := AlarmOnAny(ctx, name+"-alerts-undelivered", ZeroMetric{
		Description: "Events that EventBridge could not deliver to the alerts topic are waiting in " + name + "-alerts-dlq",
		Namespace:   "AWS/SQS", Metric: "ApproximateNumberOfMessagesVisible", Statistic: "Maximum",
		Dimensions: pulumi.StringMap{"QueueName": q.Name},
	}, topicARN, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	return q.Arn, nil
}

// DeadLetterPolicy lets EventBridge rules of this account, and only them,
// send undelivered events to the queue, over TLS (EventBridge user guide,
// "Using dead-letter queues": the queue policy must allow
// events.amazonaws.com sqs:SendMessage, limited by aws:SourceArn).
func DeadLetterPolicy(queueARN string, env awsenv.Env) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "DenyInsecureTransport",
			Effect:    iampolicy.Deny,
			Principal: &iampolicy.Principal{Everyone: true},
			Action:    []string{"sqs:*"},
			Resource:  []string{queueARN},
			Condition: iampolicy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		iampolicy.Statement{
			Sid:       "RulesOfThisAccount",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{env.GlobalServicePrincipal("events")}},
			Action:    []string{"sqs:SendMessage"},
			Resource:  []string{queueARN},
			Condition: iampolicy.Conditions{"ArnLike": {"aws:SourceArn": {env.ARN("events", "rule/*")}}},
		},
	)
}

// EventToAlerts sends the events that match pattern to the alerts topic:
// a rule, its target with the dead-letter queue, and an alarm on the rule's
// FailedInvocations, so that an event EventBridge cannot deliver is neither
// dropped nor silent. Every event rule of the stack goes through it.
func EventToAlerts(ctx *pulumi.Context, name, description string, pattern, topicARN, deadLetterARN pulumi.StringInput, opts ...pulumi.ResourceOption) error {
	rule, err := cloudwatch.NewEventRule(ctx, name, &cloudwatch.EventRuleArgs{
		Description:  pulumi.String(description),
		EventPattern: pattern,
	}, opts...)
	if err != nil {
		return err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name, &cloudwatch.EventTargetArgs{
		Rule:             rule.Name,
		Arn:              topicARN,
		DeadLetterConfig: &cloudwatch.EventTargetDeadLetterConfigArgs{Arn: deadLetterARN},
	}, opts...); err != nil {
		return err
	}
	return AlarmOnAny(ctx, name+"-failed", ZeroMetric{
		Description: "EventBridge failed to deliver: " + description,
		Namespace:   "AWS/Events", Metric: "FailedInvocations", Statistic: "Sum",
		Dimensions: pulumi.StringMap{"RuleName": rule.Name},
	}, topicARN, opts...)
}

// Alarm is a CloudWatch alarm on one metric, over one period, that tells
// the alerts topic. Every alarm of the stack is one (AlarmToAlerts).
type Alarm struct {
	Description                  pulumi.StringInput
	Namespace, Metric, Statistic string
	Dimensions                   pulumi.StringMap
	// Period is in seconds; 0 means five minutes.
	Period int
	// Threshold and Comparison ("GreaterThanThreshold", ...) say when it
	// fires.
	Threshold  float64
	Comparison string
	// NoClearNotice leaves out the message when the alarm clears. For an
	// alarm on a count of single CloudTrail events (the metric filters: the
	// CIS set and reads of the stack's secrets by others), the
	// alarm clears by itself one quiet period later, so that message says
	// nothing a reader acts on; every other alarm says when it clears.
	NoClearNotice bool
}

// AlarmToAlerts creates the alarm; a period without data is not a breach.
func AlarmToAlerts(ctx *pulumi.Context, name string, a Alarm, topicARN pulumi.StringInput, opts ...pulumi.ResourceOption) (*cloudwatch.MetricAlarm, error) {
	period := a.Period
	if period == 0 {
		period = 300
	}
	var ok pulumi.ArrayInput
	if !a.NoClearNotice {
		ok = pulumi.Array{topicARN}
	}
	return cloudwatch.NewMetricAlarm(ctx, name, &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   a.Description,
		Namespace:          pulumi.String(a.Namespace),
		MetricName:         pulumi.String(a.Metric),
		Dimensions:         a.Dimensions,
		Statistic:          pulumi.String(a.Statistic),
		Period:             pulumi.Int(period),
		EvaluationPeriods:  pulumi.Int(1),
		Threshold:          pulumi.Float64(a.Threshold),
		ComparisonOperator: pulumi.String(a.Comparison),
		TreatMissingData:   pulumi.String("notBreaching"),
		AlarmActions:       pulumi.Array{topicARN},
		OkActions:          ok,
	}, opts...)
}

// ZeroMetric is a metric that should stay at zero: errors, failed
// deliveries, messages left undelivered.
type ZeroMetric struct {
	Description                  string
	Namespace, Metric, Statistic string
	Dimensions                   pulumi.StringMap
}

// AlarmOnAny alarms on any datum of m above zero in five minutes.
func AlarmOnAny(ctx *pulumi.Context, name string, m ZeroMetric, topicARN pulumi.StringInput, opts ...pulumi.ResourceOption) error {
	_, err := AlarmToAlerts(ctx, name, Alarm{
		Description: pulumi.String(m.Description), Namespace: m.Namespace, Metric: m.Metric, Statistic: m.Statistic,
		Dimensions: m.Dimensions, Threshold: 0, Comparison: "GreaterThanThreshold",
	}, topicARN, opts...)
	return err
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
