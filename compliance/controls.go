package compliance

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// Standard is a published control set the rules are measured against.
type Standard string

// The standards the coverage report measures.
const (
	FSBP Standard = "FSBP" // AWS Foundational Security Best Practices v1.0.0
	CIS  Standard = "CIS"  // CIS AWS Foundations Benchmark v3.0.0
)

// Scope says where a control is decided.
type Scope string

// Scopes.
const (
	// InStack controls are decided by what the stack declares: a rule
	// judges them in every plan.
	InStack Scope = "stack"
	// Account controls judge the account's root user, IAM users or an
	// account service no stack owns here; Check says how to check them.
	Account Scope = "account"
	// Runtime controls judge what happens after deployment (a rotation
	// that ran); Check says how to watch them, and a rule judges what the
	// plan decides about them where it can.
	Runtime Scope = "runtime"
)

// Control is one control of a Standard that applies to what the stacks
// deploy or to the account they deploy into.
type Control struct {
	Standard Standard
	ID       string
	Title    string
	Scope    Scope
	// Check says how a user checks a control outside the stack.
	Check string
}

// Label is how rules name the control ("FSBP ELB.1", "CIS 3.4").
func (c Control) Label() string { return string(c.Standard) + " " + c.ID }

// Controls returns the applicable controls of FSBP v1.0.0 and CIS v3.0.0:
// every control whose resource type the plans register, and the account
// controls a user must check besides. Read from the Security Hub controls
// reference and the CIS benchmark; ../shared/compliance-coverage.md is
// the survey they come from.
func Controls() []Control {
	s := func(id, title string) Control { return Control{FSBP, id, title, InStack, ""} }
	c := func(id, title string) Control { return Control{CIS, id, title, InStack, ""} }
	acct := func(std Standard, id, title, check string) Control { return Control{std, id, title, Account, check} }
	run := func(std Standard, id, title, check string) Control { return Control{std, id, title, Runtime, check} }
	return []Control{
		s("ACM.1", "Imported and ACM-issued certificates are renewed before they near expiry"),
		s("ACM.2", "RSA certificates managed by ACM use keys of at least 2,048 bits"),
		s("CloudTrail.1", "At least one multi-Region trail records read and write management events"),
		s("CloudTrail.2", "CloudTrail encrypts logs at rest with KMS"),
		s("CloudTrail.4", "CloudTrail log file validation is enabled"),
		s("CloudTrail.5", "Trails deliver to CloudWatch Logs"),
		s("Cognito.2", "Identity pools do not allow unauthenticated identities"),
		s("Cognito.3", "User-pool password policies are strong"),
		acct(FSBP, "Config.1", "AWS Config records with its service-linked role (Security Hub needs it)",
			"`aws configservice describe-configuration-recorder-status` in every Region; the stack refuses `audit.securityHub` without `audit.configRecorderExists`"),
		s("EC2.2", "VPC default security groups allow no traffic"),
		s("EC2.6", "VPC flow logging is enabled in every VPC"),
		s("EC2.10", "VPCs have an interface endpoint for the EC2 API"),
		s("EC2.15", "Subnets do not assign public IPv4 addresses"),
		s("EC2.16", "Unused network ACLs are removed"),
		s("EC2.18", "Security groups open to the internet only authorized ports"),
		s("EC2.19", "Security groups do not open high-risk ports to the internet"),
		s("EC2.21", "Network ACLs admit no internet traffic to 22 or 3389"),
		s("EC2.55", "VPCs have an interface endpoint for the ECR API"),
		s("EC2.56", "VPCs have an interface endpoint for the Docker registry (ecr.dkr)"),
		s("EC2.57", "VPCs have an interface endpoint for Systems Manager"),
		s("EC2.58", "VPCs have an interface endpoint for Incident Manager Contacts"),
		s("EC2.60", "VPCs have an interface endpoint for Incident Manager"),
		s("ELB.1", "Application load balancers redirect HTTP to HTTPS"),
		s("ELB.4", "Application load balancers drop invalid HTTP headers"),
		s("ELB.5", "Load balancer logging is enabled"),
		s("ELB.6", "Load balancers have deletion protection"),
		s("ELB.12", "Desync mitigation is defensive or strictest"),
		s("ELB.13", "Load balancers span several Availability Zones"),
		s("ELB.17", "TLS listeners use a recommended security policy"),
		s("ELB.18", "Listeners use secure protocols (HTTPS or TLS)"),
		s("GuardDuty.1", "GuardDuty is enabled"),
		s("GuardDuty.5", "GuardDuty EKS Audit Log Monitoring is enabled"),
		s("GuardDuty.6", "GuardDuty Lambda Protection is enabled"),
		s("GuardDuty.7", "GuardDuty EKS Runtime Monitoring is enabled"),
		s("GuardDuty.8", "GuardDuty Malware Protection for EC2 is enabled"),
		s("GuardDuty.9", "GuardDuty RDS Protection is enabled"),
		s("GuardDuty.10", "GuardDuty S3 Protection is enabled"),
		s("GuardDuty.11", "GuardDuty Runtime Monitoring is enabled"),
		s("GuardDuty.12", "GuardDuty ECS Runtime Monitoring is enabled"),
		s("GuardDuty.13", "GuardDuty EC2 Runtime Monitoring is enabled"),
		s("IAM.1", "IAM policies do not allow full \"*\" administrative privileges"),
		s("IAM.7", "The IAM password policy is strong"),
		s("IAM.21", "Customer-managed policies do not allow service:* actions"),
		s("KMS.1", "Customer-managed policies do not allow decryption with every key"),
		s("KMS.2", "Inline policies do not allow decryption with every key"),
		s("KMS.3", "KMS keys are not deleted unintentionally"),
		s("KMS.5", "KMS keys are not publicly accessible"),
		s("Lambda.1", "Function policies prohibit public access"),
		s("Lambda.2", "Functions use supported runtimes"),
		s("Lambda.5", "VPC functions run in several Availability Zones"),
		s("S3.1", "The account blocks public access to S3"),
		s("S3.2", "Buckets block public read access"),
		s("S3.3", "Buckets block public write access"),
		s("S3.5", "Buckets require TLS"),
		s("S3.6", "Bucket policies restrict what other accounts may do"),
		s("S3.8", "Buckets block public access"),
		s("S3.9", "Buckets have server access logging"),
		s("S3.10", "Versioned buckets have lifecycle configurations"),
		s("S3.11", "Buckets send event notifications"),
		s("S3.12", "ACLs do not manage access to buckets"),
		s("S3.13", "Buckets have lifecycle configurations"),
		s("SecretsManager.1", "Secrets rotate automatically"),
		run(FSBP, "SecretsManager.2", "Rotation succeeds",
			"the stack's rotation-failed event rule alerts on each failure; `aws secretsmanager describe-secret --secret-id SECRET` shows `LastRotatedDate`"),
		run(FSBP, "SecretsManager.3", "Unused secrets are removed",
			"`aws secretsmanager list-secrets` (`LastAccessedDate` within 90 days); remove a secret from `secrets.inventory` when its reader goes"),
		s("SecretsManager.4", "Secrets rotate within 90 days"),
		s("SNS.1", "Topics are encrypted at rest with KMS"),
		s("SNS.2", "Topics log message delivery status"),
		s("SNS.4", "Topic policies do not allow public access"),
		s("SQS.1", "Queues are encrypted at rest"),
		s("SQS.3", "Queue policies do not allow public access"),
		s("WAF.10", "Web ACLs have at least one rule"),
		s("WAF.12", "WAF rule groups and their rules publish CloudWatch metrics"),

		acct(FSBP, "Account.1", "Security contact information is provided for the account", "`aws account get-alternate-contact --alternate-contact-type SECURITY`"),
		acct(FSBP, "EC2.7", "EBS default encryption is enabled", "`aws ec2 get-ebs-encryption-by-default` in every Region"),
		acct(FSBP, "IAM.2", "IAM users have no IAM policies attached", "`aws iam list-user-policies` and `list-attached-user-policies` per user are empty; the stack makes no IAM users"),
		acct(FSBP, "IAM.3", "IAM users' access keys rotate every 90 days", "credential report: `access_key_*_last_rotated`"),
		acct(FSBP, "IAM.4", "The root user has no access key", "`aws iam get-account-summary`: `AccountAccessKeysPresent` 0"),
		acct(FSBP, "IAM.5", "IAM users with a console password have MFA", "credential report: `mfa_active` for every user with `password_enabled`"),
		acct(FSBP, "IAM.6", "The root user has hardware MFA", "`aws iam list-virtual-mfa-devices --assignment-status Assigned` lists no root device"),
		acct(FSBP, "IAM.8", "Unused IAM user credentials (90 days) are removed", "credential report: `password_last_used`, `access_key_*_last_used_date`"),

		acct(CIS, "1.1", "Contact details are current", "`aws account get-contact-information`"),
		acct(CIS, "1.2", "A security contact is registered", "`aws account get-alternate-contact --alternate-contact-type SECURITY`"),
		acct(CIS, "1.3", "Security questions are registered for the account", "the root user's console: Account, Configure security challenge questions (no API)"),
		acct(CIS, "1.4", "The root user has no access keys", "`aws iam get-account-summary`: `AccountAccessKeysPresent` 0"),
		acct(CIS, "1.5", "The root user has MFA", "`aws iam get-account-summary`: `AccountMFAEnabled` 1"),
		acct(CIS, "1.6", "The root user has hardware MFA", "`aws iam list-virtual-mfa-devices --assignment-status Assigned` lists no root device"),
		acct(CIS, "1.7", "The root user is not used day to day", "the stack's root-usage alarm (CIS 4.3) reports each use"),
		c("1.8", "The IAM password policy requires 14 or more characters"),
		c("1.9", "The IAM password policy prevents reuse"),
		acct(CIS, "1.10", "IAM users with a console password have MFA", "`aws iam generate-credential-report`, then `get-credential-report`; better, no IAM users (CIS 1.21)"),
		acct(CIS, "1.11", "No access keys are made at user creation", "credential report: `access_key_1_last_used_date` set for every active key"),
		acct(CIS, "1.12", "Credentials unused for 45 days are disabled", "credential report: `password_last_used`, `access_key_*_last_used_date`"),
		acct(CIS, "1.13", "Each IAM user has at most one active access key", "credential report: `access_key_1_active` and `access_key_2_active`"),
		acct(CIS, "1.14", "Access keys rotate every 90 days", "credential report: `access_key_*_last_rotated`"),
		acct(CIS, "1.15", "IAM users get permissions only through groups", "`aws iam list-user-policies` and `list-attached-user-policies` per user are empty"),
		c("1.16", "No policy grants full \"*:*\" administrative privileges"),
		acct(CIS, "1.17", "A support role manages incidents with AWS Support", "`aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess`"),
		acct(CIS, "1.18", "EC2 instances use instance roles for AWS access", "`aws ec2 describe-instances` shows an `IamInstanceProfile` on each; the stack runs no instances"),
		acct(CIS, "1.19", "Expired server certificates in IAM are removed", "`aws iam list-server-certificates`"),
		c("1.20", "IAM Access Analyzer runs in every active Region"),
		acct(CIS, "1.21", "IAM users are managed centrally (identity federation or AWS Organizations)", "`aws iam list-users` is empty or only break-glass users; people sign in through IAM Identity Center or another identity provider"),
		c("1.22", "AWSCloudShellFullAccess is not attached"),
		c("2.1.1", "S3 bucket policies deny HTTP requests"),
		c("2.1.2", "MFA Delete is enabled on buckets"),
		acct(CIS, "2.1.3", "Macie discovers and protects sensitive data in S3", "`aws macie2 get-macie-session`"),
		c("2.1.4", "S3 Block Public Access is on for buckets and the account"),
		acct(CIS, "2.2.1", "EBS volumes are encrypted by default", "`aws ec2 get-ebs-encryption-by-default` in every Region"),
		c("3.1", "CloudTrail is enabled in all Regions"),
		c("3.2", "CloudTrail log file validation is enabled"),
		acct(CIS, "3.3", "AWS Config is enabled in all Regions", "`aws configservice describe-configuration-recorder-status` in every Region"),
		c("3.4", "The CloudTrail bucket has server access logging"),
		c("3.5", "CloudTrail logs are encrypted with a KMS key"),
		c("3.6", "Customer-managed symmetric keys rotate"),
		c("3.7", "VPC flow logging is enabled in every VPC"),
		c("3.8", "Object-level logging of S3 write events is enabled"),
		c("3.9", "Object-level logging of S3 read events is enabled"),
		c("4.1", "Unauthorized API calls are monitored"),
		c("4.2", "Console sign-in without MFA is monitored"),
		c("4.3", "Root user usage is monitored"),
		c("4.4", "IAM policy changes are monitored"),
		c("4.5", "CloudTrail configuration changes are monitored"),
		c("4.6", "Console authentication failures are monitored"),
		c("4.7", "Disabling or scheduled deletion of customer keys is monitored"),
		c("4.8", "S3 bucket policy changes are monitored"),
		c("4.9", "AWS Config changes are monitored"),
		c("4.10", "Security group changes are monitored"),
		c("4.11", "Network ACL changes are monitored"),
		c("4.12", "Network gateway changes are monitored"),
		c("4.13", "Route table changes are monitored"),
		c("4.14", "VPC changes are monitored"),
		c("4.15", "AWS Organizations changes are monitored"),
		c("4.16", "Security Hub is enabled"),
		c("5.1", "Network ACLs admit no internet traffic to administration ports"),
		c("5.2", "Security groups admit no 0.0.0.0/0 traffic to administration ports"),
		c("5.3", "Security groups admit no ::/0 traffic to administration ports"),
		c("5.4", "Default security groups restrict all traffic"),
		c("5.5", "Routing tables for VPC peering are least access"),
	}
}

// CoverageRow is one control with the rules that judge it and, per stack,
// its status.
type CoverageRow struct {
	Control Control
	Rules   []string
	// Status is, per stack in the order given, "pass", "fail",
	// "suppressed", "not judged", or for a control outside the stack
	// "outside the stack" / "after deployment".
	Status []string
}

// Coverage joins the controls with the rules that name them and the
// reports of stacks (one per stack, in order).
func Coverage(rules []Rule, reports []*Report) []CoverageRow {
	var rows []CoverageRow
	for _, c := range Controls() {
		row := CoverageRow{Control: c}
		for _, r := range rules {
			if slices.Contains(r.Controls, c.Label()) {
				row.Rules = append(row.Rules, r.ID)
			}
		}
		for _, rep := range reports {
			row.Status = append(row.Status, controlStatus(c, row.Rules, rep))
		}
		rows = append(rows, row)
	}
	return rows
}

// accountWide are the account-wide resources one stack per account owns
// (identity.accountGuardrails, audit.guardDuty, audit.securityHub): in a
// stack without them, the controls that judge them are another stack's.
var accountWide = map[string]string{
	"FSBP IAM.7": restype.IAMAccountPasswordPolicy, "CIS 1.8": restype.IAMAccountPasswordPolicy, "CIS 1.9": restype.IAMAccountPasswordPolicy,
	"CIS 1.20": restype.AccessAnalyzerAnalyzer, "FSBP S3.1": restype.S3AccountPublicAccessBlock, "CIS 4.16": restype.SecurityHubAccount,
	"FSBP GuardDuty.1": restype.GuardDutyDetector, "FSBP GuardDuty.5": restype.GuardDutyDetector, "FSBP GuardDuty.6": restype.GuardDutyDetector, "FSBP GuardDuty.7": restype.GuardDutyDetector,
	"FSBP GuardDuty.8": restype.GuardDutyDetector, "FSBP GuardDuty.9": restype.GuardDutyDetector, "FSBP GuardDuty.10": restype.GuardDutyDetector, "FSBP GuardDuty.11": restype.GuardDutyDetector,
	"FSBP GuardDuty.12": restype.GuardDutyDetector, "FSBP GuardDuty.13": restype.GuardDutyDetector,
}

func controlStatus(c Control, rules []string, rep *Report) string {
	if typ, ok := accountWide[c.Label()]; ok && rep.Types != nil && !slices.Contains(rep.Types, typ) {
		return "another stack owns it"
	}
	switch {
	case c.Scope == Account && len(rules) == 0:
		return "outside the stack"
	case c.Scope == Account:
		// A rule judges what the stack itself declares of it; with
		// nothing declared the control is the account's.
		if s := findingStatus(c, rules, rep); s != "pass" {
			return s
		}
		return "outside the stack"
	case c.Scope == Runtime && len(rules) == 0:
		return "after deployment"
	case len(rules) == 0:
		return "not judged"
	}
	status := findingStatus(c, rules, rep)
	if c.Scope == Runtime && status == "pass" {
		return "plan passes; watch after deployment"
	}
	return status
}

// findingStatus is a control's status from its rules' findings: fail,
// suppressed, not judged, else pass.
func findingStatus(c Control, rules []string, rep *Report) string {
	status := "pass"
	for _, f := range rep.Findings {
		if !slices.Contains(rules, f.Rule) || !slices.Contains(f.Controls, c.Label()) {
			continue
		}
		switch {
		case f.NotJudged:
			if status == "pass" {
				status = "not judged"
			}
		case f.Suppressed:
			if status != "fail" {
				status = "suppressed"
			}
		default:
			status = "fail"
		}
	}
	return status
}

// controlParts say, for a control its rules judge only in part, which part
// they judge; a control with rules and no entry is judged whole.
var controlParts = map[string]string{ // #nosec G101 -- control IDs and prose, no credential
	"FSBP IAM.1":            "part: the customer-managed policies the stack declares and attaches; policies outside the stack are the account's",
	"CIS 1.16":              "part: the stack's attached policies and AWS-managed AdministratorAccess it attaches",
	"FSBP S3.6":             "part: an account principal is not judged while the stack's account is unknown (a first preview without the stack's own ARNs, the policy pack); a wildcard principal is judged always",
	"FSBP KMS.3":            "part: a key a preview deletes or replaces; a deletion scheduled outside the stack is the account's",
	"FSBP SecretsManager.4": "part: the schedule (at most 90 days) and a secret never rotated; whether each rotation ran is the runtime's",
	"FSBP Lambda.1":         "part: lambda.Permission resources (the only function policy the stack writes)",
	"FSBP GuardDuty.1":      "part: the detector in each Region the stack declares one",
	"CIS 1.20":              "part: the Regions the stack deploys to, not every Region of the account",
	"CIS 4.16":              "part: the Regions the stack deploys to, not every Region of the account",
	"FSBP WAF.12":           "all, on wafv2 rule groups (the stack declares none; web ACL metrics are waf-metrics')",
	"FSBP ACM.1":            "part: whether something renews each certificate before its last 30 days (DNS validation, a private CA, or a pulumi-tls certificate renewed 30 days or more before expiry); that a renewal ran is the runtime's",
	"CIS 5.5":               "part: a route to a peering connection for the whole internet (0.0.0.0/0, ::/0) fails; whether each narrower peered range is needed is a review (CIS 5.5 is a manual recommendation)",
	"FSBP EC2.7":            "part: the ebs.EncryptionByDefault settings the stack declares; other Regions are the account's",
	"CIS 2.2.1":             "part: the ebs.EncryptionByDefault settings the stack declares; other Regions are the account's",
	"FSBP IAM.2":            "part: the user policies and attachments the stack declares; the account's other users are checked outside the stack",
	"CIS 1.15":              "part: the user policies and attachments the stack declares; the account's other users are checked outside the stack",
	"FSBP CloudTrail.5":     "part: the trail's log group; whether delivery ran in the last 24 hours is the deployed trail's",
}

func init() {
	for _, m := range cisMonitoring {
		controlParts["CIS "+m.cis] = "part: the pattern is judged on CloudTrail events that tell the published one apart, each also with the fields it does not read changed (a test, not a proof of equivalence); the subscriber on the alarm topic is alarm-topic-subscribed's and its confirmation the runtime's"
	}
}

func judgedPart(r CoverageRow) string {
	if len(r.Rules) == 0 {
		return ""
	}
	if p, ok := controlParts[r.Control.Label()]; ok {
		return p
	}
	return "all"
}

// WriteCoverage writes the coverage report as Markdown: per standard, each
// control, the rules that judge it and each stack's status, with totals.
// stacks names the reports' stacks, in order.
func WriteCoverage(w io.Writer, rules []Rule, stacks []string, reports []*Report) error {
	rows := Coverage(rules, reports)
	var b strings.Builder
	b.WriteString("# Compliance coverage\n\n")
	b.WriteString("Generated by `go run ./cmd/plan -stack " + strings.Join(stacks, ",") + " -format coverage > docs/coverage.md`; a test fails when this page differs from what the rules and stack files produce.\n\n")
	b.WriteString("Each applicable control of AWS Foundational Security Best Practices v1.0.0 (FSBP) and the CIS AWS Foundations Benchmark v3.0.0, the rules that judge it (`compliance/`), and each stack's status in the offline plan: *pass*; *suppressed* (a finding the stack file accepts, with its reason there); *fail*; *not judged* (no rule; or a value known only at deployment); *another stack owns it* (an account-wide resource this stack leaves to the stack that owns the account's guardrails, GuardDuty or Security Hub); *outside the stack* (an account control: check it as the last column says); *after deployment* and *plan passes; watch after deployment* (the control judges what happens at run time; a rule, where there is one, judges what the plan decides about it).\n\n")
	for _, std := range []Standard{FSBP, CIS} {
		title := map[Standard]string{FSBP: "AWS Foundational Security Best Practices v1.0.0", CIS: "CIS AWS Foundations Benchmark v3.0.0"}[std]
		var inStack, judged, outside, runtime int
		var table strings.Builder
		table.WriteString("| control | requirement | rules | judged | " + strings.Join(stacks, " | ") + " | how to check outside the stack |\n")
		table.WriteString("|---|---|---|---|" + strings.Repeat("---|", len(stacks)) + "---|\n")
		for _, r := range rows {
			if r.Control.Standard != std {
				continue
			}
			switch r.Control.Scope {
			case Account:
				outside++
			case Runtime:
				runtime++
			default:
				inStack++
				if len(r.Rules) > 0 {
					judged++
				}
			}
			rules := make([]string, len(r.Rules))
			for i, id := range r.Rules {
				rules[i] = "`" + id + "`"
			}
			fmt.Fprintf(&table, "| %s | %s | %s | %s | %s | %s |\n", r.Control.ID, mdEscape(r.Control.Title), strings.Join(rules, ", "), mdEscape(judgedPart(r)), strings.Join(r.Status, " | "), mdEscape(r.Control.Check))
		}
		fmt.Fprintf(&b, "## %s\n\n", title)
		fmt.Fprintf(&b, "%d of %d controls the stack decides have a rule (%.0f%%). Besides those: controls of what happens after deployment, %d; account controls outside the stack, %d (the last column says how to check them).\n\n",
			judged, inStack, 100*float64(judged)/float64(max(inStack, 1)), runtime, outside)
		b.WriteString(table.String())
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// UnknownLabels returns the FSBP and CIS labels rules use that name no
// control in Controls: a typo, or a control the catalog lacks.
func UnknownLabels(rules []Rule) []string {
	known := map[string]bool{}
	for _, c := range Controls() {
		known[c.Label()] = true
	}
	var out []string
	for _, r := range rules {
		for _, l := range r.Controls {
			if (strings.HasPrefix(l, "FSBP ") || strings.HasPrefix(l, "CIS ")) && !known[l] {
				out = append(out, r.ID+": "+l)
			}
		}
	}
	return out
}
