package compliance

import (
	"fmt"
	"strings"

	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/restype"
)

// serviceAccess evaluates the plan's resource policies against the
// requests the AWS services the stack relies on make, with the context
// keys each documents sending: CloudTrail to the trail bucket and the key
// (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail",
// "Configure AWS KMS key policies for CloudTrail"), CloudWatch alarms and
// EventBridge to the alerts topic and, through SNS, its key (SNS developer
// guide, "Configuring AWS KMS permissions"), EventBridge to the dead-letter
// queue. A request that must pass and does not is a finding naming the
// resource, the request and what decided; so is one that must be refused
// and passes.
func serviceAccess(g *Graph) []Violation {
	if g.Account == "" || g.Region == "" {
		// The requests name the stack's account and Region, which a first
		// preview does not know: every policy they would test is not
		// judged (the offline plan, cmd/plan, judges them).
		return notJudgedAll(g, serviceAccessTypes)
	}
	p, region, acct := g.Partition, g.Region, g.Account
	arn := func(svc, res string) string { return "arn:" + p + ":" + svc + ":" + region + ":" + acct + ":" + res }
	var out []Violation
	unjudged := map[string]bool{}
	check := func(r Resource, input string, req iampolicy.Request, allowed bool, what string) {
		if r.Unknown(input) {
			if !unjudged[r.URN] {
				unjudged[r.URN] = true
				out = append(out, notJudged(r))
			}
			return
		}
		text := r.Str(input)
		if text == "" {
			return
		}
		doc, err := g.iamDoc(text)
		if err != nil {
			return // deploy-iam-policy-lint reports it
		}
		got, err := iampolicy.Evaluate(doc, req)
		if err != nil {
			out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s: %v", shortType(r.Type), r.Name, what, err)})
			return
		}
		if (got == iampolicy.Allowed) != allowed {
			want := "allowed"
			if !allowed {
				want = "refused"
			}
			out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s must be %s by its %s, but is %s", shortType(r.Type), r.Name, what, want, input, got)})
		}
	}
	svcReq := func(principal, action, resource string, kv ...string) iampolicy.Request {
		req := iampolicy.Request{Principal: principal, Service: true, Action: action, Resource: resource, Context: map[string][]string{}}
		for i := 0; i+1 < len(kv); i += 2 {
			req.Context[kv[i]] = []string{kv[i+1]}
		}
		return req
	}
	var trails, topics []string
	for _, t := range g.ByType(restype.CloudTrailTrail) {
		if n := t.Str("name"); n != "" {
			trails = append(trails, arn("cloudtrail", "trail/"+n))
		}
	}
	for _, t := range g.ByType(restype.SNSTopic) {
		if n := t.Str("name"); n != "" && (t.Str("kmsMasterKeyId") != "" || t.Unknown("kmsMasterKeyId")) {
			topics = append(topics, arn("sns", n))
		}
	}
	for _, k := range append(g.ByType(restype.KMSKey), g.ByType(restype.KMSReplicaKey)...) {
		key := arn("kms", "key/k")
		for _, trail := range trails {
			check(k, "policy", svcReq("cloudtrail.amazonaws.com", "kms:GenerateDataKey", key,
				"aws:SourceArn", trail, "aws:SourceAccount", acct, "kms:EncryptionContext:aws:cloudtrail:arn", trail), true, "CloudTrail's data key for "+trail)
			check(k, "policy", svcReq("cloudtrail.amazonaws.com", "kms:DescribeKey", key,
				"aws:SourceArn", trail, "aws:SourceAccount", acct), true, "CloudTrail's DescribeKey (no encryption context) for "+trail)
		}
		for _, topic := range topics {
			for _, svc := range []string{"cloudwatch.amazonaws.com", "events.amazonaws.com"} {
				check(k, "policy", svcReq(svc, "kms:GenerateDataKey", key, "kms:EncryptionContext:aws:sns:topicArn", topic), true,
					svc+" publishing to the encrypted topic "+topic+" (through SNS, without aws:SourceAccount)")
			}
		}
	}
	for _, tp := range g.ByType(restype.SNSTopicPolicy) {
		for _, topic := range topics {
			for _, svc := range []string{"cloudwatch.amazonaws.com", "events.amazonaws.com"} {
				check(tp, "policy", svcReq(svc, "sns:Publish", topic, "aws:SourceAccount", acct, "aws:SecureTransport", "true"), true, svc+" publishing to "+topic)
				check(tp, "policy", svcReq(svc, "sns:Publish", topic, "aws:SourceAccount", "999999999999", "aws:SecureTransport", "true"), false, svc+" publishing for another account")
			}
		}
	}
	for _, qp := range g.ByType(restype.SQSQueuePolicy) {
		queue := ""
		if qp.Unknown("queueUrl") {
			out = append(out, notJudged(qp))
		}
		if u := qp.Str("queueUrl"); u != "" {
			queue = arn("sqs", u[strings.LastIndex(u, "/")+1:])
		}
		for _, rule := range g.ByType(restype.CloudWatchEventRule) {
			name := rule.Str("name")
			if name == "" {
				name = rule.Name + "-0000000" // pulumi-aws's generated name
			}
			if queue == "" {
				continue
			}
			check(qp, "policy", svcReq("events.amazonaws.com", "sqs:SendMessage", queue,
				"aws:SourceArn", arn("events", "rule/"+name), "aws:SourceAccount", acct, "aws:SecureTransport", "true"), true, "EventBridge dead-lettering for "+rule.Name)
		}
	}
	// S3 server access logs (Amazon S3 user guide, "Permissions for log
	// delivery"): logging.s3.amazonaws.com writes with aws:SourceArn the
	// source bucket and aws:SourceAccount its owner.
	for _, l := range g.ByType(restype.S3BucketLoggingV2) {
		source, target := l.Str("bucket"), l.Str("targetBucket")
		if l.Unknown("bucket") || l.Unknown("targetBucket") {
			out = append(out, notJudged(l))
			continue
		}
		if source == "" || target == "" {
			continue
		}
		key := "arn:" + p + ":s3:::" + target + "/" + l.Str("targetPrefix") + "2026/11/27/x"
		found := false
		for _, bp := range g.ByType(restype.S3BucketPolicy) {
			if bp.Str("bucket") != target {
				continue
			}
			found = true
			srcARN := "arn:" + p + ":s3:::" + source
			check(bp, "policy", svcReq("logging.s3.amazonaws.com", "s3:PutObject", key, "aws:SourceArn", srcARN, "aws:SourceAccount", acct, "aws:SecureTransport", "true"), true, "S3 server access logs of "+source)
			check(bp, "policy", svcReq("logging.s3.amazonaws.com", "s3:PutObject", key, "aws:SourceArn", "arn:"+p+":s3:::another-account-bucket", "aws:SourceAccount", "999999999999", "aws:SecureTransport", "true"), false, "S3 server access logs of another account's bucket")
		}
		if !found {
			out = append(out, Violation{URN: l.URN, Message: fmt.Sprintf("%s %s: sends access logs to %s, which has no bucket policy in the stack letting logging.s3.amazonaws.com write; S3 drops them", shortType(l.Type), l.Name, target)})
		}
	}
	for _, bp := range g.ByType(restype.S3BucketPolicy) {
		doc, err := g.iamDoc(bp.Str("policy"))
		if err != nil || !strings.Contains(bp.Str("policy"), "cloudtrail.amazonaws.com") {
			continue
		}
		bucket := ""
		for _, s := range doc.Statement {
			for _, res := range s.Resource {
				if !strings.Contains(res, "/") {
					bucket = res
				}
			}
		}
		for _, trail := range trails {
			check(bp, "policy", svcReq("cloudtrail.amazonaws.com", "s3:GetBucketAcl", bucket, "aws:SourceArn", trail, "aws:SecureTransport", "true"), true, "CloudTrail's ACL check for "+trail)
			check(bp, "policy", svcReq("cloudtrail.amazonaws.com", "s3:PutObject", bucket+"/AWSLogs/"+acct+"/CloudTrail/"+region+"/x.json.gz",
				"aws:SourceArn", trail, "s3:x-amz-acl", "bucket-owner-full-control", "aws:SecureTransport", "true"), true, "CloudTrail's log delivery for "+trail)
		}
	}
	return out
}

// serviceAccessTypes are the resources serviceAccess evaluates.
var serviceAccessTypes = []string{restype.KMSKey, restype.KMSReplicaKey, restype.SNSTopicPolicy, restype.SQSQueuePolicy, restype.S3BucketLoggingV2, restype.S3BucketPolicy}

// notJudgedAll reports every resource of the types not judged.
func notJudgedAll(g *Graph, types []string) []Violation {
	var out []Violation
	for _, t := range types {
		for _, r := range g.ByType(t) {
			out = append(out, notJudged(r))
		}
	}
	return out
}

// escalations are the requests that let a principal raise its own or
// another's privileges (Rhino Security Labs' IAM escalation methods, which
// Checkov's CKV_AWS_286 lists), each on a resource outside any stack:
// "%s" is the account, and us-east-1 stands for the stack's Region.
var escalations = []struct{ action, resource string }{
	{"iam:PutRolePolicy", "arn:aws:iam::%s:role/someone-else"},
	{"iam:AttachRolePolicy", "arn:aws:iam::%s:role/someone-else"},
	{"iam:UpdateAssumeRolePolicy", "arn:aws:iam::%s:role/someone-else"},
	{"iam:PutRolePermissionsBoundary", "arn:aws:iam::%s:role/someone-else"},
	{"iam:DeleteRolePermissionsBoundary", "arn:aws:iam::%s:role/someone-else"},
	{"iam:PassRole", "arn:aws:iam::%s:role/someone-else"},
	{"iam:CreatePolicyVersion", "arn:aws:iam::%s:policy/someone-elses"},
	{"iam:SetDefaultPolicyVersion", "arn:aws:iam::%s:policy/someone-elses"},
	{"iam:CreateAccessKey", "arn:aws:iam::%s:user/someone"},
	{"iam:CreateLoginProfile", "arn:aws:iam::%s:user/someone"},
	{"iam:UpdateLoginProfile", "arn:aws:iam::%s:user/someone"},
	{"iam:PutUserPolicy", "arn:aws:iam::%s:user/someone"},
	{"iam:AttachUserPolicy", "arn:aws:iam::%s:user/someone"},
	{"iam:AddUserToGroup", "arn:aws:iam::%s:group/admins"},
	{"iam:PutGroupPolicy", "arn:aws:iam::%s:group/admins"},
	{"iam:AttachGroupPolicy", "arn:aws:iam::%s:group/admins"},
	{"kms:PutKeyPolicy", "arn:aws:kms:us-east-1:%s:key/someone-elses"},
	{"s3:PutBucketPolicy", "arn:aws:s3:::someone-elses-bucket"},
	{"secretsmanager:PutResourcePolicy", "arn:aws:secretsmanager:us-east-1:%s:secret:someone-elses-AbCdEf"},
	{"lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:%s:function:someone-elses"},
	{"lambda:AddPermission", "arn:aws:lambda:us-east-1:%s:function:someone-elses"},
}

// escalationScoped evaluates, as IAM would, each role's policies together
// (its inline policies, the managed policies attached to it and its
// permissions boundary, Deny statements included) against the escalations
// on a resource of another owner without tags; an Allow is a finding on the
// role. A policy the plan attaches to no role of the plan is judged alone.
// Judging what a principal holds, not statement by statement as Checkov
// does, lets an Allow on "*" narrowed by a Deny elsewhere (another policy,
// the boundary) pass, and finds an Allow that a Deny moved out of the
// same document no longer narrows.
func escalationScoped(g *Graph) []Violation {
	requests := escalationRequests(g)
	var out []Violation
	judge := func(urn, what string, p iampolicy.Policies) {
		var open []string
		for _, req := range requests {
			if ok, _, err := iampolicy.Authorize(req, p); err == nil && ok {
				open = append(open, req.Action+" on "+req.Resource)
			}
		}
		if len(open) > 0 {
			out = append(out, Violation{URN: urn, Message: fmt.Sprintf("%s: allows %s; scope these actions to the stack's resources (ARN patterns or a tag condition that also refuses untagged resources)", what, strings.Join(open, ", "))})
		}
	}
	held := map[string]bool{}
	for _, role := range g.ByType(restype.IAMRole) {
		p, docs, ok := rolePolicies(g, role)
		if !ok {
			continue // a policy unknown or unparseable: the lint and notJudged report it
		}
		for _, d := range docs {
			held[d] = true
		}
		switch {
		case len(p.Identity) == 0:
		case g.Account == "":
			// The requests name resources of the stack's account, which a
			// first preview does not know.
			out = append(out, notJudged(role))
		default:
			judge(role.URN, shortType(role.Type)+" "+role.Name, p)
		}
	}
	boundaries := boundaryPolicies(g)
	for _, pi := range policyInputs {
		if !pi.identity {
			continue
		}
		for _, r := range g.ByType(pi.typ) {
			if boundaries[r.URN] || held[r.URN] || r.Type == restype.IAMRole {
				continue
			}
			// The requests name resources of the stack's account, which a
			// first preview does not know.
			if g.Account == "" || r.Unknown(pi.input) {
				out = append(out, notJudged(r))
				continue
			}
			doc, err := g.iamDoc(r.Str(pi.input))
			if err != nil {
				continue
			}
			judge(r.URN, shortType(r.Type)+" "+r.Name, iampolicy.Policies{Identity: []iampolicy.Document{doc}})
		}
	}
	return out
}

// escalationRequests are the escalations in the graph's account, partition
// and Region.
func escalationRequests(g *Graph) []iampolicy.Request {
	var out []iampolicy.Request
	for _, e := range escalations {
		res := e.resource
		if strings.Contains(res, "%s") {
			res = fmt.Sprintf(res, g.Account)
		}
		if g.Partition != "" {
			res = strings.Replace(res, "arn:aws:", "arn:"+g.Partition+":", 1)
		}
		if g.Region != "" {
			res = strings.Replace(res, ":us-east-1:", ":"+g.Region+":", 1)
		}
		// Asked in the resource's Region (the stack's for a global one),
		// where a boundary's Region lock lets it through.
		region := g.Region
		if f := strings.SplitN(res, ":", 5); len(f) == 5 && f[3] != "" {
			region = f[3]
		}
		if region == "" {
			region = "us-east-1"
		}
		out = append(out, iampolicy.Request{Principal: "arn:aws:iam::" + g.Account + ":role/x", Action: e.action, Resource: res,
			Context: map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}, "aws:RequestedRegion": {region}}})
	}
	return out
}

// rolePolicies gathers what a role of the graph holds: its inline policies
// (inlinePolicies, and RolePolicy resources naming it), the managed
// policies of the graph attached to it, and its boundary; docs are the
// URNs of the policy resources used. ok is false when one of them cannot
// be read.
func rolePolicies(g *Graph, role Resource) (p iampolicy.Policies, docs []string, ok bool) {
	named := func(ref string) bool { return refersTo(role, ref) }
	add := func(text string) bool {
		d, err := g.iamDoc(text)
		if err != nil {
			return false
		}
		p.Identity = append(p.Identity, d)
		return true
	}
	for i := range role.List("inlinePolicies") {
		if !add(role.Str(fmt.Sprintf("inlinePolicies.%d.policy", i))) {
			return p, nil, false
		}
	}
	for _, rp := range g.ByType(restype.IAMRolePolicy) {
		if named(rp.Str("role")) {
			if !add(rp.Str("policy")) {
				return p, nil, false
			}
			docs = append(docs, rp.URN)
		}
	}
	policyNamed := func(arn string) (Resource, bool) {
		for _, mp := range g.ByType(restype.IAMPolicy) {
			if n := mp.Str("name"); n != "" && strings.HasSuffix(arn, "/"+n) {
				return mp, true
			}
		}
		return Resource{}, false
	}
	for _, at := range g.ByType(restype.IAMRolePolicyAttachment) {
		if !named(at.Str("role")) {
			continue
		}
		if mp, found := policyNamed(at.Str("policyArn")); found {
			if !add(mp.Str("policy")) {
				return p, nil, false
			}
			docs = append(docs, mp.URN)
		}
	}
	if b := role.Str("permissionsBoundary"); b != "" {
		if mp, found := policyNamed(b); found {
			d, err := g.iamDoc(mp.Str("policy"))
			if err != nil {
				return p, nil, false
			}
			p.Boundary = &d
		}
	}
	return p, docs, true
}

// refersTo reports whether ref (a role input of another resource: a name
// or an ARN) names role: its explicit name, or the name Pulumi generates
// from its logical name (the logical name, "-" and 7 hex digits).
func refersTo(role Resource, ref string) bool {
	if i := strings.LastIndex(ref, "/"); strings.HasPrefix(ref, "arn:") && i >= 0 {
		ref = ref[i+1:]
	}
	if n := role.Str("name"); n != "" {
		return ref == n
	}
	rest, ok := strings.CutPrefix(ref, role.Name+"-")
	return ok && len(rest) == 7
}
