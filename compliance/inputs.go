package compliance

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/iampolicy/sar"
	"github.com/example/hardening/internal/restype"
)

// inputRules judge every input against what AWS enforces on it: the
// constraint of the API member it maps to (internal/awsname.InputMembers),
// and the checks every service applies the same way (ARNs, service
// principals, tags, policy grammar). They are critical: AWS refuses what
// they find at `pulumi up`, or takes it and deploys something else.
func inputRules() []Rule {
	return []Rule{deployInputConstraints, deployARNInputs, deployServicePrincipals, deployTags, deployPolicyGrammar}
}

var deployInputConstraints = Rule{ID: "deploy-input-constraints", Source: "aws-sdk-go v1.55.8 API models (internal/awsname/models.json), mapped by internal/awsname.InputMembers",
	Severity:    Critical,
	Description: "Every mapped input (internal/awsname.InputMembers) fits the length, pattern, enum, range and required constraint of the AWS API member that carries it, from the pinned aws-sdk-go models (internal/awsname/models.json); an input not known until apply is reported not judged.",
	Check:       inputConstraints,
}

var deployARNInputs = Rule{ID: "deploy-arn-inputs", Source: "AWS Service Authorization Reference ARN formats (internal/iampolicy/sar)",
	Severity:    Critical,
	Description: "Every ARN-valued input names the stack's partition, the service the field takes, this account where the field must name the stack's own resource, and a resource type the field takes, per the Service Authorization Reference's ARN formats (internal/iampolicy/sar).",
	Check:       arnInputs,
}

var deployServicePrincipals = Rule{ID: "deploy-service-principals", Source: "aws-sdk-go v1.55.8 API models serviceNames and the endpoint model (internal/awsname)",
	Severity:    Critical,
	Description: "Every service principal in a policy document or a Lambda permission names an AWS service: an API model's endpoint prefix or signing name (models.json serviceNames) or a documented principal beyond them (awsname.ServicePrincipalsBeyondModels), in a region of the models when regional.",
	Check:       servicePrincipals,
}

var deployTags = Rule{ID: "deploy-tags", Source: "Tagging AWS Resources user guide, tag naming limits and requirements",
	Severity:    Critical,
	Description: "Every tagged resource's tags fit AWS's tag rules: no aws: prefix, keys of 1 to 128 and values of at most 256 characters of letters, digits, spaces and _.:/=+-@, at most 50 tags (Tagging AWS Resources user guide).",
	Check:       tagRule,
}

var deployPolicyGrammar = Rule{ID: "deploy-policy-grammar", Source: "IAM JSON policy element reference; IAM Access Analyzer policy validation checks",
	Severity:    Critical,
	Description: "Every policy document parses as IAM Access Analyzer's policy validation reads it: Version 2012-10-17, statements with Effect Allow or Deny, unique Sids (alphanumeric in identity policies), an Action or NotAction, a Resource that is * or an ARN of the stack's partition (none in a trust policy), a Principal only in resource policies, known condition operators with values of the key's type.",
	Check:       policyGrammar,
}

// walk returns the values at a dotted path, through every element of a
// list on the way; unknown reports a value not known until apply.
func walk(v any, parts []string) (vals []any, unknown bool) {
	if s, ok := v.(Secret); ok {
		v = s.Value
	}
	if _, ok := v.(Unknown); ok {
		return nil, true
	}
	if len(parts) == 0 {
		return []any{v}, false
	}
	switch x := v.(type) {
	case map[string]any:
		return walk(x[parts[0]], parts[1:])
	case []any:
		for _, e := range x {
			if _, isMap := e.(map[string]any); !isMap {
				continue
			}
			got, u := walk(e, parts)
			vals = append(vals, got...)
			unknown = unknown || u
		}
		return vals, unknown
	}
	return nil, false
}

// hasUnknown reports whether v holds an unknown anywhere.
func hasUnknown(v any) bool {
	switch x := v.(type) {
	case Unknown:
		return true
	case Secret:
		return hasUnknown(x.Value)
	case map[string]any:
		for _, e := range x {
			if hasUnknown(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasUnknown(e) {
				return true
			}
		}
	}
	return false
}

// MaskedSecret says that an input is a secret a preview document shows
// only as "[secret]": no rule can read it there.
const MaskedSecret = "a secret the preview document masks"

func masked(v any) bool {
	s, ok := v.(Secret)
	if !ok {
		return false
	}
	_, unknown := s.Value.(Unknown)
	return unknown
}

// empty reports an empty list or map, which the provider does not send
// (terraform-provider-aws reads optional collections with d.GetOk, false
// for an empty one: acm/certificate.go's subject_alternative_names).
func empty(v any) bool {
	switch x := plain(v).(type) {
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func plain(v any) any {
	switch x := v.(type) {
	case Secret:
		return plain(x.Value)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

func inputConstraints(g *Graph) []Violation {
	var out []Violation
	for _, im := range awsname.InputMembers {
		if im.Member == "" {
			continue
		}
		for _, r := range g.ByType(im.Type) {
			vals, unknown := walk(r.Inputs, strings.Split(im.Input, "."))
			if unknown || slices.ContainsFunc(vals, hasUnknown) {
				what := im.Input
				if masked(r.Inputs[strings.Split(im.Input, ".")[0]]) {
					what += " (" + MaskedSecret + ")"
				}
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s: %s", shortType(r.Type), r.Name, what, NotJudgedMessage), NotJudged: true})
				continue
			}
			var problems []string
			for _, v := range vals {
				if empty(v) {
					continue
				}
				problems = append(problems, awsname.Member(im.Member, plain(v))...)
			}
			if len(problems) == 0 {
				continue
			}
			from := ""
			if im.Config != "" {
				from = " (set by configuration key " + im.Config + ")"
			}
			out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s%s: %s; AWS refuses it at deployment", shortType(r.Type), r.Name, im.Input, from, strings.Join(problems, "; "))})
		}
	}
	return out
}

// arnInput is an ARN-valued input and what its field takes.
type arnInput struct {
	Type, Input string
	Service     string
	Types       []string
	// Own: the field must name this account's resource.
	Own bool
}

// arnKind says, for an entry of arnInputList whose field names a resource
// of one service or another, which input tells them apart: the entry
// applies when that input's value is one of values ("" is unset).
type arnKind struct {
	input  string
	values []string
}

// arnKinds are keyed by type, input and service.
var arnKinds = map[string]arnKind{
	// CreateFlowLogs' LogDestination is the ARN of a log group, a bucket
	// (another account's included) or a Firehose stream, as
	// LogDestinationType says; cloud-watch-logs when unset (EC2 API
	// reference, CreateFlowLogs).
	restype.EC2FlowLog + " logDestination logs":     {"logDestinationType", []string{"", "cloud-watch-logs"}},
	restype.EC2FlowLog + " logDestination s3":       {"logDestinationType", []string{"s3"}},
	restype.EC2FlowLog + " logDestination firehose": {"logDestinationType", []string{"kinesis-data-firehose"}},
}

// arnInputList holds the ARN-valued inputs the stack sets and what AWS's
// API takes in each (the API references' descriptions of the members).
var arnInputList = []arnInput{
	{restype.IAMRole, "permissionsBoundary", "iam", []string{"policy"}, false},
	{restype.IAMRolePolicyAttachment, "policyArn", "iam", []string{"policy"}, false},
	{restype.CognitoUserGroup, "roleArn", "iam", []string{"role"}, true},
	{restype.CognitoIdentityPoolRoleAttachment, "roles.authenticated", "iam", []string{"role"}, true},
	{restype.CognitoIdentityPoolRoleAttachment, "roles.unauthenticated", "iam", []string{"role"}, true},
	{restype.CognitoUserPool, "emailConfiguration.sourceArn", "ses", []string{"identity"}, false},
	{restype.CognitoUserPool, "smsConfiguration.snsCallerArn", "iam", []string{"role"}, true},
	{restype.LambdaFunction, "role", "iam", []string{"role"}, true},
	{restype.SecretsManagerSecretRotation, "rotationLambdaArn", "lambda", []string{"function"}, true},
	{restype.CloudTrailTrail, "cloudWatchLogsRoleArn", "iam", []string{"role"}, true},
	{restype.CloudTrailTrail, "cloudWatchLogsGroupArn", "logs", []string{"log-group", "log-stream"}, true},
	{restype.EC2FlowLog, "iamRoleArn", "iam", []string{"role"}, true},
	{restype.EC2FlowLog, "logDestination", "logs", []string{"log-group", "log-stream"}, true},
	{restype.EC2FlowLog, "logDestination", "s3", []string{"bucket", "object"}, false},
	{restype.EC2FlowLog, "logDestination", "firehose", []string{"deliverystream"}, true},
	{restype.CloudWatchMetricAlarm, "alarmActions", "sns", []string{"topic"}, true},
	{restype.CloudWatchMetricAlarm, "okActions", "sns", []string{"topic"}, true},
	{restype.KMSReplicaKey, "primaryKeyArn", "kms", []string{"key"}, true},
	{restype.WAFv2WebACLAssociation, "resourceArn", "elasticloadbalancing", []string{"loadbalancer/app/"}, true},
	{restype.WAFv2WebACLAssociation, "webAclArn", "wafv2", []string{"webacl"}, true},
	{restype.WAFv2WebACLLoggingConfiguration, "logDestinationConfigs", "logs", []string{"log-group"}, true},
	{restype.WAFv2WebACLLoggingConfiguration, "resourceArn", "wafv2", []string{"webacl"}, true},
	{restype.LBListenerRule, "listenerArn", "elasticloadbalancing", []string{"listener/app"}, true},
	{restype.LBListener, "loadBalancerArn", "elasticloadbalancing", []string{"loadbalancer/app/"}, true},
	{restype.LBListener, "certificateArn", "acm", []string{"certificate"}, true},
	{restype.SNSTopicPolicy, "arn", "sns", []string{"topic"}, true},
	{restype.SecretsManagerSecretPolicy, "secretArn", "secretsmanager", []string{"Secret"}, true},
	{restype.ACMCertificateValidation, "certificateArn", "acm", []string{"certificate"}, true},
	// CreateTrail's KmsKeyId takes a key or an alias, by name or ARN, and an
	// organization trail's key may be the log-archive account's
	// (CloudTrail API reference, CreateTrail).
	{restype.CloudTrailTrail, "kmsKeyId", "kms", []string{"key", "alias"}, false},
	{restype.CloudWatchEventTarget, "arn", "sns", []string{"topic"}, true},
	{restype.CloudWatchEventTarget, "deadLetterConfig.arn", "sqs", []string{"queue"}, true},
	{restype.CloudWatchLogGroup, "kmsKeyId", "kms", []string{"key"}, true},
	{restype.CloudWatchMetricAlarm, "dimensions.CertificateArn", "acm", []string{"certificate"}, true},
	{restype.LambdaPermission, "sourceArn", "secretsmanager", []string{"Secret"}, true},
	{restype.LBListener, "defaultActions.targetGroupArn", "elasticloadbalancing", []string{"targetgroup"}, true},
	{restype.LBListener, "mutualAuthentication.trustStoreArn", "elasticloadbalancing", []string{"truststore"}, true},
	{restype.LBListenerRule, "actions.authenticateCognito.userPoolArn", "cognito-idp", []string{"userpool"}, true},
	{restype.LBListenerRule, "actions.targetGroupArn", "elasticloadbalancing", []string{"targetgroup"}, true},
	{restype.S3BucketServerSideEncryptionConfigurationV2, "rules.applyServerSideEncryptionByDefault.kmsMasterKeyId", "kms", []string{"key"}, true},
	{restype.SecretsManagerSecret, "kmsKeyId", "kms", []string{"key"}, true},
	{restype.SecretsManagerSecret, "replicas.kmsKeyId", "kms", []string{"key"}, true},
	{restype.SNSTopic, "kmsMasterKeyId", "kms", []string{"key"}, true},
	{restype.SNSTopicSubscription, "topic", "sns", []string{"topic"}, true},
}

// notARNInputs are the inputs holding "arn:" values that name no resource
// of a type in the Service Authorization Reference, with the reason.
var notARNInputs = map[string]string{
	restype.CloudTrailTrail + " eventSelectors.dataResources.values": "a data-event prefix (arn:aws:s3 for every bucket), not one resource's ARN",
	restype.SecurityHubStandardsSubscription + " standardsArn":       "an AWS-owned standard (arn:<partition>:securityhub:<region>::standards/...), of no account and no SAR resource type",
}

// ARNInput names an input of a type that holds an ARN.
type ARNInput struct{ Type, Input string }

// ARNInputs are the inputs deploy-arn-inputs judges and those it leaves
// out with a reason; a test holds every ARN-valued input of the plans to
// one of them.
func ARNInputs() (judged []ARNInput, leftOut map[ARNInput]string) {
	for _, a := range arnInputList {
		judged = append(judged, ARNInput{a.Type, a.Input})
	}
	leftOut = map[ARNInput]string{}
	for k, why := range notARNInputs {
		t, in, _ := strings.Cut(k, " ")
		leftOut[ARNInput{t, in}] = why
	}
	return judged, leftOut
}

func arnInputs(g *Graph) []Violation {
	var out []Violation
	saidUnknown := map[string]bool{}
	for _, a := range arnInputList {
		for _, r := range g.ByType(a.Type) {
			if k, ok := arnKinds[a.Type+" "+a.Input+" "+a.Service]; ok {
				if r.Unknown(k.input) {
					if saidUnknown[r.URN+" "+a.Input] {
						continue
					}
					saidUnknown[r.URN+" "+a.Input] = true
					out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s: %s", shortType(r.Type), r.Name, a.Input, NotJudgedMessage), NotJudged: true})
					continue
				}
				if !slices.Contains(k.values, r.Str(k.input)) {
					continue
				}
			}
			vals, unknown := walk(r.Inputs, strings.Split(a.Input, "."))
			notYet := Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s: %s", shortType(r.Type), r.Name, a.Input, NotJudgedMessage), NotJudged: true}
			if unknown {
				out = append(out, notYet)
				continue
			}
			want := sar.ARNWant{Partition: g.Partition, Service: a.Service, Types: a.Types}
			if a.Own {
				want.Account = g.Account
			}
			var problems []string
			arns := 0
			for _, v := range vals {
				for _, s := range flatStrings(v) {
					arns++
					problems = append(problems, sar.CheckARN(s, want)...)
				}
			}
			// Without the stack's partition, or its account where the
			// field needs this account's, what passed is not all judged
			// (a preview document names neither): say so.
			if len(problems) == 0 && arns > 0 && (g.Partition == "" || (a.Own && g.Account == "")) {
				out = append(out, notYet)
				continue
			}
			if len(problems) > 0 {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s: %s", shortType(r.Type), r.Name, a.Input, strings.Join(problems, "; "))})
			}
		}
	}
	return out
}

func flatStrings(v any) []string {
	switch x := plain(v).(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatStrings(e)...)
		}
		return out
	}
	return nil
}

// documents calls fn with every known policy document of the graph; an
// unknown one is reported not judged.
func documents(g *Graph, fn func(r Resource, input string, doc map[string]any) []string) []Violation {
	var out []Violation
	for _, pd := range PolicyDocuments {
		for _, r := range g.ByType(pd.Type) {
			if r.Unknown(pd.Input) {
				out = append(out, notJudged(r))
				continue
			}
			text := r.Str(pd.Input)
			if text == "" {
				continue
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(text), &doc); err != nil {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s is not JSON: %v", shortType(r.Type), r.Name, pd.Input, err)})
				continue
			}
			if problems := fn(r, pd.Input, doc); len(problems) > 0 {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s: %s", shortType(r.Type), r.Name, pd.Input, strings.Join(problems, "; "))})
			}
		}
	}
	return out
}

func statements(doc map[string]any) []map[string]any {
	switch s := doc["Statement"].(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		var out []map[string]any
		for _, e := range s {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func servicePrincipals(g *Graph) []Violation {
	out := documents(g, func(r Resource, input string, doc map[string]any) []string {
		var problems []string
		for i, st := range statements(doc) {
			for _, key := range []string{"Principal", "NotPrincipal"} {
				p, _ := st[key].(map[string]any)
				for _, s := range stringsOf(p["Service"]) {
					if err := awsname.ServicePrincipal(s); err != nil {
						problems = append(problems, fmt.Sprintf("statement %s: %v", sidOrIndex(st, i), err))
					}
				}
			}
		}
		return problems
	})
	out = append(out, forEach(restype.LambdaPermission, func(r Resource) string {
		p := r.Str("principal")
		if !strings.Contains(p, ".amazonaws.com") {
			return "" // an account or ARN principal
		}
		if err := awsname.ServicePrincipal(p); err != nil {
			return "principal: " + err.Error()
		}
		return ""
	})(g)...)
	return out
}

func sidOrIndex(st map[string]any, i int) string {
	if s, ok := st["Sid"].(string); ok && s != "" {
		return s
	}
	return fmt.Sprintf("#%d", i)
}

func tagRule(g *Graph) []Violation {
	var out []Violation
	types := map[string]bool{}
	for _, im := range awsname.InputMembers {
		if im.Reason == awsname.ByTagCheck {
			types[im.Type] = true
		}
	}
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		for _, r := range g.ByType(t) {
			raw, ok := r.Get("tags").(map[string]any)
			if _, unknown := r.Get("tags").(Unknown); unknown || hasUnknown(raw) {
				out = append(out, notJudged(r))
				continue
			}
			if !ok {
				continue
			}
			tags := map[string]string{}
			for k, v := range raw {
				s, _ := plain(v).(string)
				tags[k] = s
			}
			problems := awsname.Tags(tags)
			if len(tags) > awsname.TagsPerResource {
				problems = append(problems, fmt.Sprintf("%d tags; AWS allows %d per resource", len(tags), awsname.TagsPerResource))
			}
			if len(problems) > 0 {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: tags: %s", shortType(r.Type), r.Name, strings.Join(problems, "; "))})
			}
		}
	}
	return out
}

// conditionOperators are IAM's condition operators (IAM user guide, "IAM
// JSON policy elements: Condition operators"), each with the type of value
// it compares; any may end in IfExists and take a ForAllValues: or
// ForAnyValue: set prefix.
var conditionOperators = map[string]string{
	"StringEquals": "string", "StringNotEquals": "string", "StringEqualsIgnoreCase": "string", "StringNotEqualsIgnoreCase": "string",
	"StringLike": "string", "StringNotLike": "string",
	"NumericEquals": "numeric", "NumericNotEquals": "numeric", "NumericLessThan": "numeric", "NumericLessThanEquals": "numeric",
	"NumericGreaterThan": "numeric", "NumericGreaterThanEquals": "numeric",
	"DateEquals": "date", "DateNotEquals": "date", "DateLessThan": "date", "DateLessThanEquals": "date",
	"DateGreaterThan": "date", "DateGreaterThanEquals": "date",
	"Bool": "bool", "BinaryEquals": "binary", "IpAddress": "ip", "NotIpAddress": "ip",
	"ArnEquals": "arn", "ArnLike": "arn", "ArnNotEquals": "arn", "ArnNotLike": "arn", "Null": "bool",
}

// globalKeyTypes are the types of the global condition keys the stack's
// policies may use (IAM user guide, "AWS global condition context keys");
// an operator of another type never matches them.
var globalKeyTypes = map[string][]string{
	"aws:securetransport": {"bool"}, "aws:multifactorauthpresent": {"bool"}, "aws:viaawsservice": {"bool"}, "aws:principalisawsservice": {"bool"},
	"aws:sourceip": {"ip"}, "aws:vpcsourceip": {"ip"},
	"aws:currenttime": {"date"}, "aws:tokenissuetime": {"date"}, "aws:epochtime": {"date", "numeric"},
	"aws:multifactorauthage": {"numeric"},
	"aws:sourcearn":          {"arn", "string"}, "aws:principalarn": {"arn", "string"},
	"aws:sourceaccount": {"string"}, "aws:principalaccount": {"string"}, "aws:sourcevpc": {"string"}, "aws:sourcevpce": {"string"},
	"aws:principalorgid": {"string"}, "aws:requestedregion": {"string"}, "aws:principaltype": {"string"}, "aws:calledvia": {"string"},
	"aws:principalservicename": {"string"}, "aws:userid": {"string"}, "aws:username": {"string"},
}

var (
	sidRE       = regexp.MustCompile(`^[A-Za-z0-9]*$`)
	dateRE      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$|^\d+$`)
	numericRE   = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
	ipRE        = regexp.MustCompile(`^[0-9a-fA-F:.]+(/\d{1,3})?$`)
	resourceARN = regexp.MustCompile(`^arn:[a-z*-]+:[a-z0-9*-]*:[a-z0-9*-]*:[0-9*]*:.+$`)
)

// identityPolicies are the document inputs read as identity or boundary
// policies (no Principal; alphanumeric Sids, IAM's rule for them); trust
// policies take no Resource.
var (
	identityPolicies = map[string]bool{restype.IAMPolicy: true, restype.IAMRolePolicy: true}
	trustPolicies    = map[string]bool{restype.IAMRole: true}
)

func policyGrammar(g *Graph) []Violation {
	return documents(g, func(r Resource, input string, doc map[string]any) []string {
		problems := judgeGrammar(doc, identityPolicies[r.Type], trustPolicies[r.Type] && input == "assumeRolePolicy")
		if g.Partition == "" {
			return problems
		}
		// A Resource of another partition matches nothing the stack has.
		for i, st := range statements(doc) {
			for _, key := range []string{"Resource", "NotResource"} {
				for _, res := range stringsOf(st[key]) {
					if parts := strings.SplitN(res, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "*" && parts[1] != g.Partition {
						problems = append(problems, fmt.Sprintf("statement %s: %s %q is in partition %q; the stack deploys into %q", sidOrIndex(st, i), key, res, parts[1], g.Partition))
					}
				}
			}
		}
		return problems
	})
}

func judgeGrammar(doc map[string]any, identity, trust bool) []string {
	var problems []string
	if v, _ := doc["Version"].(string); v != "2012-10-17" {
		problems = append(problems, fmt.Sprintf("Version %q; use 2012-10-17 (2008-10-17 and none lack policy variables)", v))
	}
	sts := statements(doc)
	if len(sts) == 0 {
		problems = append(problems, "has no Statement")
	}
	sids := map[string]int{}
	for i, st := range sts {
		at := fmt.Sprintf("statement %s", sidOrIndex(st, i))
		sid, _ := st["Sid"].(string)
		if sid != "" {
			if j, dup := sids[sid]; dup {
				problems = append(problems, fmt.Sprintf("statements #%d and #%d share Sid %q; Sids are unique in a document", j, i, sid))
			}
			sids[sid] = i
			if identity && !sidRE.MatchString(sid) {
				problems = append(problems, fmt.Sprintf("%s: Sid %q; IAM takes only letters and digits", at, sid))
			}
		}
		if e, _ := st["Effect"].(string); e != "Allow" && e != "Deny" {
			problems = append(problems, fmt.Sprintf("%s: Effect %q; use Allow or Deny", at, e))
		}
		_, hasAction := st["Action"]
		_, hasNotAction := st["NotAction"]
		if hasAction == hasNotAction {
			problems = append(problems, fmt.Sprintf("%s: needs exactly one of Action and NotAction", at))
		}
		_, hasPrincipal := st["Principal"]
		_, hasNotPrincipal := st["NotPrincipal"]
		if identity && (hasPrincipal || hasNotPrincipal) {
			problems = append(problems, fmt.Sprintf("%s: an identity policy takes no Principal", at))
		}
		if !identity && !hasPrincipal && !hasNotPrincipal {
			problems = append(problems, fmt.Sprintf("%s: a resource or trust policy needs a Principal", at))
		}
		_, hasResource := st["Resource"]
		_, hasNotResource := st["NotResource"]
		switch {
		case trust && (hasResource || hasNotResource):
			problems = append(problems, fmt.Sprintf("%s: a trust policy takes no Resource", at))
		case identity && hasResource == hasNotResource:
			problems = append(problems, fmt.Sprintf("%s: needs exactly one of Resource and NotResource", at))
		}
		for _, key := range []string{"Resource", "NotResource"} {
			for _, res := range stringsOf(st[key]) {
				if res != "*" && !resourceARN.MatchString(res) {
					problems = append(problems, fmt.Sprintf("%s: %s %q is neither * nor an ARN", at, key, res))
				}
			}
		}
		cond, _ := st["Condition"].(map[string]any)
		for _, op := range slices.Sorted(mapKeys(cond)) {
			typ, ok := operatorType(op)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %q is not a condition operator", at, op))
				continue
			}
			keys, _ := cond[op].(map[string]any)
			for _, k := range slices.Sorted(mapKeys(keys)) {
				if want, ok := globalKeyTypes[strings.ToLower(k)]; ok && typ != "bool" && !slices.Contains(want, typ) && !(typ == "string" && slices.Contains(want, "arn")) {
					problems = append(problems, fmt.Sprintf("%s: %s compares %s values, but %s is of type %s", at, op, typ, k, strings.Join(want, " or ")))
				}
				if want, ok := globalKeyTypes[strings.ToLower(k)]; ok && typ == "bool" && !strings.HasPrefix(op, "Null") && !slices.Contains(want, "bool") {
					problems = append(problems, fmt.Sprintf("%s: Bool on %s, which is of type %s", at, k, strings.Join(want, " or ")))
				}
				for _, v := range conditionValues(keys[k]) {
					if msg := valueOfType(typ, v); msg != "" {
						problems = append(problems, fmt.Sprintf("%s: %s %s value %q %s", at, op, k, v, msg))
					}
				}
			}
		}
	}
	return problems
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func operatorType(op string) (string, bool) {
	base := op
	for _, p := range []string{"ForAllValues:", "ForAnyValue:"} {
		base = strings.TrimPrefix(base, p)
	}
	if base != "Null" {
		base = strings.TrimSuffix(base, "IfExists")
	}
	t, ok := conditionOperators[base]
	return t, ok
}

func conditionValues(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case bool:
		return []string{fmt.Sprint(x)}
	case float64:
		return []string{fmt.Sprint(x)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, conditionValues(e)...)
		}
		return out
	}
	return nil
}

func valueOfType(typ, v string) string {
	if strings.Contains(v, "${") {
		return "" // a policy variable
	}
	switch typ {
	case "bool":
		if v != "true" && v != "false" {
			return "is not true or false"
		}
	case "numeric":
		if !numericRE.MatchString(v) {
			return "is not a number"
		}
	case "date":
		if !dateRE.MatchString(v) {
			return "is not a date (ISO 8601 or epoch seconds)"
		}
	case "ip":
		if !ipRE.MatchString(v) {
			return "is not an IP address or CIDR"
		}
	case "arn":
		if v != "*" && !strings.HasPrefix(v, "arn:") {
			return "is not an ARN"
		}
	}
	return ""
}
