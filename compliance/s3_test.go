package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

var bucketB = res(restype.S3BucketV2, "b", map[string]any{"bucket": "b"})

func bucketWith(kv ...any) Resource {
	return res(restype.S3BucketV2, "b", withFields(map[string]any{"bucket": "b"}, kv...))
}

func TestS3PublicAccessBlocked(t *testing.T) {
	block := func(v any, off ...string) Resource {
		in := map[string]any{"blockPublicAcls": v, "blockPublicPolicy": v, "ignorePublicAcls": v, "restrictPublicBuckets": v}
		for _, k := range off {
			in[k] = false
		}
		return res(restype.S3BucketPublicAccessBlock, "pab", in, "b")
	}
	accountBlock := func(kv ...any) Resource {
		return res(restype.S3AccountPublicAccessBlock, "acct", withFields(map[string]any{}, kv...))
	}
	policy := func(action string) Resource {
		return res(restype.S3BucketPolicy, "bp", map[string]any{"policy": doc(stmt("*", action, nil))}, "b")
	}
	acl := func(kv ...any) Resource {
		return res(restype.S3BucketAclV2, "acl", withFields(map[string]any{"bucket": "b"}, kv...), "b")
	}
	objectWriter := res(restype.S3BucketOwnershipControls, "own", map[string]any{"rule": map[string]any{"objectOwnership": "ObjectWriter"}}, "b")
	enforced := res(restype.S3BucketOwnershipControls, "own", map[string]any{"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}}, "b")
	allUsersRead := map[string]any{"owner": map[string]any{"id": "o"}, "grants": []any{map[string]any{"permission": "READ", "grantee": map[string]any{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}}}}
	cases := []ruleCase{
		{"no block", "FSBP S3.8", graphOf(bucketB), fail},
		{"one setting off", "FSBP S3.8", graphOf(bucketB, block(true, "ignorePublicAcls")), fail},
		{"only the account blocks", "FSBP S3.8", graphOf(bucketB, accountBlock("blockPublicAcls", true, "blockPublicPolicy", true, "ignorePublicAcls", true, "restrictPublicBuckets", true)), fail},
		{"blocked", "FSBP S3.8", graphOf(bucketB, block(true)), pass},
		{"block computed", "FSBP S3.8", graphOf(bucketB, block(Unknown{})), unjudged},
		{"no block, nothing public passes S3.2", "FSBP S3.2", graphOf(bucketB), pass},
		{"no block, public read", "FSBP S3.2", graphOf(bucketB, policy("s3:GetObject")), fail},
		{"public read in the bucket's own policy", "FSBP S3.2", graphOf(bucketWith("policy", doc(stmt(map[string]any{"AWS": "*"}, "s3:Get*", nil)))), fail},
		{"public read by a wildcard-account condition", "FSBP S3.2", graphOf(bucketB, res(restype.S3BucketPolicy, "bp", map[string]any{"policy": doc(stmt("*", "s3:GetObject", map[string]any{"StringLike": map[string]any{"aws:SourceAccount": "*"}}))}, "b")), fail},
		{"blocked, public read", "FSBP S3.2", graphOf(bucketB, block(true), policy("s3:GetObject")), pass},
		{"only BlockPublicPolicy on, public read", "FSBP S3.2", graphOf(bucketB, block(false, "blockPublicAcls"), res(restype.S3BucketPublicAccessBlock, "pab2", map[string]any{"blockPublicPolicy": true}, "b"), policy("s3:GetObject")), pass},
		{"the account restricts public buckets", "FSBP S3.2", graphOf(bucketB, accountBlock("restrictPublicBuckets", true), policy("s3:GetObject")), pass},
		{"read by one account's principals", "FSBP S3.2", graphOf(bucketB, res(restype.S3BucketPolicy, "bp", map[string]any{"policy": doc(stmt("*", "s3:GetObject", map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "111122223333"}}))}, "b")), pass},
		{"public-read ACL", "FSBP S3.2", graphOf(bucketWith("acl", "public-read")), fail},
		{"an ACL resource granting AllUsers READ", "FSBP S3.2", graphOf(bucketB, objectWriter, acl("accessControlPolicy", allUsersRead)), fail},
		{"ACLs off by ownership", "FSBP S3.2", graphOf(bucketB, enforced, acl("acl", "public-read")), pass},
		{"policy computed", "FSBP S3.2", graphOf(bucketB, res(restype.S3BucketPolicy, "bp", map[string]any{"policy": Unknown{}}, "b")), unjudged},
		{"public read passes S3.3", "FSBP S3.3", graphOf(bucketB, policy("s3:GetObject")), pass},
		{"public write", "FSBP S3.3", graphOf(bucketB, policy("s3:PutObject")), fail},
		{"public-read-write ACL resource", "FSBP S3.3", graphOf(bucketB, objectWriter, acl("acl", "public-read-write")), fail},
		{"ACL computed", "FSBP S3.3", graphOf(bucketWith("acl", Unknown{})), unjudged},
	}
	for _, k := range blockSettings {
		c := blockCheckov[k]
		cases = append(cases,
			ruleCase{k + " off", c, graphOf(bucketB, block(true, k)), fail},
			ruleCase{"another setting off passes " + c, c, graphOf(bucketB, block(true, otherSetting(k))), pass},
			ruleCase{"no block resource is S3.8's alone " + c, c, graphOf(bucketB), pass},
			ruleCase{k + " computed", c, graphOf(bucketB, block(Unknown{})), unjudged})
	}
	runCases(t, s3PublicAccessBlocked, cases)
}

func otherSetting(k string) string {
	for _, o := range blockSettings {
		if o != k {
			return o
		}
	}
	return k
}

func TestS3TLSOnly(t *testing.T) {
	deny := func(secure any, resources ...any) map[string]any {
		return map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": resources,
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": secure}}}
	}
	pol := func(s map[string]any) Resource {
		return res(restype.S3BucketPolicy, "bp", map[string]any{"policy": doc(s)}, "b")
	}
	for _, ctl := range s3TLSOnly.Controls {
		runCases(t, s3TLSOnly, []ruleCase{
			{"no policy " + ctl, ctl, graphOf(bucketB), fail},
			{"objects only " + ctl, ctl, graphOf(bucketB, pol(deny("false", "arn:aws:s3:::b/*"))), fail},
			{"denies TLS instead " + ctl, ctl, graphOf(bucketB, pol(deny("true", "arn:aws:s3:::b", "arn:aws:s3:::b/*"))), fail},
			{"the bucket and its objects in two statements " + ctl, ctl, graphOf(bucketB, res(restype.S3BucketPolicy, "bp", map[string]any{"policy": doc(deny("false", "arn:aws:s3:::b"), deny("false", "arn:aws:s3:::b/*"))}, "b")), pass},
			{"deny by string " + ctl, ctl, graphOf(bucketB, pol(deny("false", "arn:aws:s3:::b", "arn:aws:s3:::b/*"))), pass},
			{"deny by a JSON boolean " + ctl, ctl, graphOf(bucketB, pol(deny(false, "arn:aws:s3:::b", "arn:aws:s3:::b/*"))), pass},
			{"deny in the bucket's own policy " + ctl, ctl, graphOf(bucketWith("policy", doc(deny("false", "*")))), pass},
			{"policy computed " + ctl, ctl, graphOf(bucketB, res(restype.S3BucketPolicy, "bp", map[string]any{"policy": Unknown{}}, "b")), unjudged},
		})
	}
}

func TestS3AccountPublicAccessBlock(t *testing.T) {
	acct := func(v any, off string) *Graph {
		in := map[string]any{"blockPublicAcls": v, "blockPublicPolicy": v, "ignorePublicAcls": v, "restrictPublicBuckets": v}
		if off != "" {
			in[off] = false
		}
		return graphOf(res(restype.S3AccountPublicAccessBlock, "acct", in))
	}
	for _, ctl := range s3AccountPublicAccessBlock.Controls {
		runCases(t, s3AccountPublicAccessBlock, []ruleCase{
			{"restrictPublicBuckets off " + ctl, ctl, acct(true, "restrictPublicBuckets"), fail},
			{"all on " + ctl, ctl, acct(true, ""), pass},
			{"computed " + ctl, ctl, acct(Unknown{}, ""), unjudged},
		})
	}
}

func TestS3NoCrossAccountAdmin(t *testing.T) {
	bucket := func(account string, s map[string]any, more ...Resource) *Graph {
		g := graphOf(append(more, res(restype.S3BucketPolicy, "bp", map[string]any{"bucket": "b", "policy": doc(s)}))...)
		g.Account = account
		return g
	}
	other := map[string]any{"AWS": "arn:aws:iam::444455556666:root"}
	cond := func(k, v string) map[string]any { return map[string]any{"StringEquals": map[string]any{k: v}} }
	runCases(t, s3NoCrossAccountAdmin, []ruleCase{
		{"another account may rewrite the policy", "FSBP S3.6", bucket("111122223333", stmt(other, "s3:PutBucketPolicy", nil)), fail},
		{"another account by its bare ID", "FSBP S3.6", bucket("111122223333", stmt(map[string]any{"AWS": "444455556666"}, "s3:PutObjectAcl", nil)), fail},
		{"another account's role, by a pattern of actions", "FSBP S3.6", bucket("111122223333", stmt(map[string]any{"AWS": "arn:aws:iam::444455556666:role/r"}, "s3:Put*", nil)), fail},
		{"anyone may set object ACLs", "FSBP S3.6", bucket("", stmt("*", "s3:PutObjectAcl", nil)), fail},
		{"AWS * may delete the policy", "FSBP S3.6", bucket("", stmt(map[string]any{"AWS": "*"}, "s3:DeleteBucketPolicy", nil)), fail},
		{"a wildcard account", "FSBP S3.6", bucket("", stmt(map[string]any{"AWS": "arn:aws:iam::*:root"}, "s3:*", nil)), fail},
		{"anyone of an organization", "FSBP S3.6", bucket("111122223333", stmt("*", "s3:PutBucketAcl", cond("aws:PrincipalOrgID", "o-abc123"))), fail},
		{"anyone of another account", "FSBP S3.6", bucket("111122223333", stmt("*", "s3:PutBucketAcl", cond("aws:PrincipalAccount", "444455556666"))), fail},
		{"in the bucket's own policy", "FSBP S3.6", func() *Graph {
			g := graphOf(bucketWith("policy", doc(stmt(other, "s3:PutEncryptionConfiguration", nil))))
			g.Account = "111122223333"
			return g
		}(), fail},
		{"another account only writes objects", "FSBP S3.6", bucket("", stmt(other, "s3:PutObject", nil)), pass},
		{"the stack's account", "FSBP S3.6", bucket("444455556666", stmt(other, "s3:PutBucketAcl", nil)), pass},
		{"anyone of the stack's account", "FSBP S3.6", bucket("111122223333", stmt("*", "s3:PutBucketAcl", cond("aws:PrincipalAccount", "111122223333"))), pass},
		{"a service principal", "FSBP S3.6", bucket("", stmt(map[string]any{"Service": "cloudtrail.amazonaws.com"}, "s3:PutObjectAcl", nil)), pass},
		{"the stack's account told by its own role's ARN", "FSBP S3.6", bucket("",
			stmt(map[string]any{"AWS": "arn:aws:iam::444455556666:role/app"}, "s3:PutBucketPolicy", nil),
			res(restype.IAMRole, "app", map[string]any{"name": "app"}),
			res(restype.IAMRolePolicy, "rp", map[string]any{"role": "arn:aws:iam::444455556666:role/app"})), pass},
		{"an account not the stack's told by its own role's ARN", "FSBP S3.6", bucket("",
			stmt(other, "s3:PutBucketPolicy", nil),
			res(restype.IAMRole, "app", map[string]any{"name": "app"}),
			res(restype.IAMRolePolicy, "rp", map[string]any{"role": "arn:aws:iam::111122223333:role/app"})), fail},
		{"the stack's account told by its key policy's root", "FSBP S3.6", bucket("",
			stmt(map[string]any{"AWS": "arn:aws:iam::444455556666:role/app"}, "s3:PutBucketAcl", nil),
			res(restype.KMSKey, "k", map[string]any{"policy": doc(stmt(map[string]any{"AWS": "arn:aws:iam::444455556666:root"}, "kms:*", nil))})), pass},
		{"another account, the stack's told by its provider", "FSBP S3.6", bucket("",
			stmt(other, "s3:PutBucketAcl", nil),
			res(restype.ProviderAWS, "west", map[string]any{"region": "us-west-2", "allowedAccountIds": []any{"111122223333"}})), fail},
		{"an account, the stack's not known", "FSBP S3.6", bucket("", stmt(other, "s3:PutBucketPolicy", nil)), unjudged},
		{"policy computed", "FSBP S3.6", graphOf(res(restype.S3BucketPolicy, "bp", map[string]any{"bucket": "b", "policy": Unknown{}})), unjudged},
	})
}

func TestS3ACLsDisabled(t *testing.T) {
	own := func(o any) Resource {
		return res(restype.S3BucketOwnershipControls, "own", map[string]any{"rule": map[string]any{"objectOwnership": o}}, "b")
	}
	acl := func(a any) Resource {
		return res(restype.S3BucketAclV2, "acl", map[string]any{"bucket": "b", "acl": a}, "b")
	}
	runCases(t, s3ACLsDisabled, []ruleCase{
		{"an ACL granting others", "FSBP S3.12", graphOf(bucketB, own("ObjectWriter"), acl("log-delivery-write")), fail},
		{"a public-read bucket ACL", "FSBP S3.12", graphOf(bucketWith("acl", "public-read"), own("BucketOwnerPreferred")), fail},
		{"ACLs on but private", "FSBP S3.12", graphOf(bucketB, own("ObjectWriter"), acl("private")), pass},
		{"S3's default, ACLs off", "FSBP S3.12", graphOf(bucketB), pass},
		{"ACLs off", "FSBP S3.12", graphOf(bucketB, own("BucketOwnerEnforced")), pass},
		{"ownership computed", "FSBP S3.12", graphOf(bucketB, own(Unknown{})), unjudged},
		{"ACL computed", "FSBP S3.12", graphOf(bucketB, own("ObjectWriter"), acl(Unknown{})), unjudged},
		{"no ownership controls", "CKV2_AWS_65", graphOf(bucketB), fail},
		{"ObjectWriter", "CKV2_AWS_65", graphOf(bucketB, own("ObjectWriter")), fail},
		{"BucketOwnerEnforced", "CKV2_AWS_65", graphOf(bucketB, own("BucketOwnerEnforced")), pass},
		{"ownership computed", "CKV2_AWS_65", graphOf(bucketB, own(Unknown{})), unjudged},
	})
}

func TestS3Lifecycle(t *testing.T) {
	lifecycle := func(rules any) Resource {
		return res(restype.S3BucketLifecycleConfigurationV2, "l", map[string]any{"bucket": "b", "rules": rules}, "b")
	}
	rule := func(status any) []any { return []any{map[string]any{"id": "r", "status": status}} }
	for _, ctl := range s3Lifecycle.Controls {
		runCases(t, s3Lifecycle, []ruleCase{
			{"none " + ctl, ctl, graphOf(bucketB), fail},
			{"a disabled rule " + ctl, ctl, graphOf(bucketB, lifecycle(rule("Disabled"))), fail},
			{"an enabled rule " + ctl, ctl, graphOf(bucketB, lifecycle(rule("Enabled"))), pass},
			{"rules computed " + ctl, ctl, graphOf(bucketB, lifecycle(Unknown{})), unjudged},
			{"status computed " + ctl, ctl, graphOf(bucketB, lifecycle(rule(Unknown{}))), unjudged},
		})
	}
}

func TestS3VersionedLifecycle(t *testing.T) {
	versioning := func(status any) Resource {
		return res(restype.S3BucketVersioningV2, "v", map[string]any{"versioningConfiguration": map[string]any{"status": status}}, "b")
	}
	lifecycle := func(status any) Resource {
		return res(restype.S3BucketLifecycleConfigurationV2, "l", map[string]any{"rules": []any{map[string]any{"id": "r", "status": status}}}, "b")
	}
	runCases(t, s3VersionedLifecycle, []ruleCase{
		{"versioned without lifecycle", "FSBP S3.10", graphOf(bucketB, versioning("Enabled")), fail},
		{"versioned with a disabled rule", "FSBP S3.10", graphOf(bucketB, versioning("Enabled"), lifecycle("Disabled")), fail},
		{"unversioned without lifecycle", "FSBP S3.10", graphOf(bucketB, versioning("Suspended")), pass},
		{"versioned with lifecycle", "FSBP S3.10", graphOf(bucketB, versioning("Enabled"), lifecycle("Enabled")), pass},
		{"rule status computed", "FSBP S3.10", graphOf(bucketB, versioning("Enabled"), lifecycle(Unknown{})), unjudged},
		{"versioning computed", "FSBP S3.10", graphOf(bucketB, versioning(Unknown{})), unjudged},
	})
}

func TestS3EventNotifications(t *testing.T) {
	notify := func(kv ...any) Resource {
		return res(restype.S3BucketNotification, "n", withFields(map[string]any{"bucket": "b"}, kv...), "b")
	}
	runCases(t, s3EventNotifications, []ruleCase{
		{"none", "FSBP S3.11", graphOf(bucketB), fail},
		{"an empty configuration", "FSBP S3.11", graphOf(bucketB, notify()), fail},
		{"EventBridge", "FSBP S3.11", graphOf(bucketB, notify("eventbridge", true)), pass},
		{"a queue", "FSBP S3.11", graphOf(bucketB, notify("queues", []any{map[string]any{"queueArn": "arn:aws:sqs:us-east-1:111122223333:q", "events": []any{"s3:ObjectCreated:*"}}})), pass},
		{"computed", "FSBP S3.11", graphOf(bucketB, notify("queues", Unknown{})), unjudged},
	})
}

func TestS3AccessLogging(t *testing.T) {
	logging := func(name any) Resource {
		return res(restype.S3BucketLoggingV2, "log", map[string]any{"bucket": name, "targetBucket": "logs"}, "b")
	}
	trail := res(restype.CloudTrailTrail, "trail", map[string]any{"s3BucketName": "b"})
	cases := []ruleCase{}
	for _, ctl := range []string{"FSBP S3.9", "CKV_AWS_18"} {
		cases = append(cases,
			ruleCase{"no logging " + ctl, ctl, graphOf(bucketB), fail},
			ruleCase{"logging another bucket " + ctl, ctl, graphOf(bucketB, logging("other")), fail},
			ruleCase{"logged " + ctl, ctl, graphOf(bucketB, logging("b")), pass},
			ruleCase{"the logging's source computed " + ctl, ctl, graphOf(bucketB, logging(Unknown{})), unjudged})
	}
	for _, ctl := range []string{"CIS 3.4", "SecurityHub CloudTrail.7"} {
		cases = append(cases,
			ruleCase{"the trail's bucket unlogged " + ctl, ctl, graphOf(bucketB, trail), fail},
			ruleCase{"another bucket unlogged " + ctl, ctl, graphOf(bucketB), pass},
			ruleCase{"the trail's bucket logged " + ctl, ctl, graphOf(bucketB, trail, logging("b")), pass},
			ruleCase{"the trail's bucket, logging computed " + ctl, ctl, graphOf(bucketB, trail, logging(Unknown{})), unjudged})
	}
	runCases(t, s3AccessLogging, cases)
}

func TestS3MFADelete(t *testing.T) {
	versioning := func(status, mfa any) Resource {
		return res(restype.S3BucketVersioningV2, "v", map[string]any{"versioningConfiguration": map[string]any{"status": status, "mfaDelete": mfa}}, "b")
	}
	runCases(t, s3MFADelete, []ruleCase{
		{"versioned without MFA delete", "SecurityHub S3.20", graphOf(bucketB, versioning("Enabled", "Disabled")), fail},
		{"unversioned is not S3.20's", "SecurityHub S3.20", graphOf(bucketB), pass},
		{"MFA delete", "SecurityHub S3.20", graphOf(bucketB, versioning("Enabled", "Enabled")), pass},
		{"computed", "SecurityHub S3.20", graphOf(bucketB, versioning("Enabled", Unknown{})), unjudged},
		{"unversioned", "CIS 2.1.2", graphOf(bucketB), fail},
		{"versioned without MFA delete", "CIS 2.1.2", graphOf(bucketB, versioning("Enabled", "Disabled")), fail},
		{"MFA delete", "CIS 2.1.2", graphOf(bucketB, versioning("Enabled", "Enabled")), pass},
		{"MFA delete computed", "CIS 2.1.2", graphOf(bucketB, versioning("Enabled", Unknown{})), unjudged},
		{"versioning computed, MFA delete off", "SecurityHub S3.20", graphOf(bucketB, versioning(Unknown{}, "Disabled")), unjudged},
	})
}
