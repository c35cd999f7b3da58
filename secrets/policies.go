package secrets

import (
	"slices"
	"strings"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
)

// WriteActions are the Secrets Manager actions that change a secret's
// value, its staging, its resource policy, its tags (which steer the
// rotation function: kind, length) or its existence. The secret policy
// denies them to every principal but the secret's writers.
var WriteActions = []string{
	"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:UpdateSecret",
	"secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret",
	"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
	"secretsmanager:TagResource", "secretsmanager:UntagResource",
	"secretsmanager:DeleteSecret", "secretsmanager:RestoreSecret",
	"secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication", "secretsmanager:StopReplicationToReplica",
}

// SecretPolicy is a secret's resource policy: no request without TLS; no
// read by any principal but readers; no write (WriteActions) by any
// principal but writers, whatever their IAM policies allow. Readers are the
// roles of its reader workloads, the rotation function's role, and, for a
// secret whose value Pulumi writes, the deployers (the provider reads the
// value back after writing it and on every refresh:
// internal/service/secretsmanager/secret_version.go). Writers are the
// deployers, who manage the secret, its tags and policy, and the rotation
// function's role. Principals are named by aws:PrincipalArn, the role ARN
// of a role session; AWS services acting on their own (replication) carry
// no principal ARN and are let through by aws:PrincipalIsAWSService.
func SecretPolicy(readers, writers []string) iampolicy.Document {
	deny := func(sid string, actions, principals []string) iampolicy.Statement {
		st := iampolicy.Statement{
			Sid:       sid,
			Effect:    iampolicy.Deny,
			Principal: &iampolicy.Principal{Everyone: true},
			Action:    actions,
			Resource:  []string{"*"},
			Condition: iampolicy.Conditions{"BoolIfExists": {"aws:PrincipalIsAWSService": {"false"}}},
		}
		if len(principals) > 0 {
			st.Condition["StringNotEquals"] = map[string][]string{"aws:PrincipalArn": principals}
		}
		return st
	}
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "DenyInsecureTransport",
			Effect:    iampolicy.Deny,
			Principal: &iampolicy.Principal{Everyone: true},
			Action:    []string{"secretsmanager:*"},
			Resource:  []string{"*"},
			Condition: iampolicy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		deny("DenyReadsByOthers", []string{"secretsmanager:GetSecretValue"}, readers),
		deny("DenyWritesByOthers", WriteActions, writers),
	)
}

// ReaderPolicy lets a workload read the secrets at secretARNs and their
// replicas, when their team tag equals its own, and decrypt them with the
// stack key or its replicas (keyARNs) only through Secrets Manager in the
// secret's region, so that a failover read in a replica region works.
func ReaderPolicy(secretARNs, keyARNs []string, env awsenv.Env) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "ReadOwnSecrets",
			Effect:   iampolicy.Allow,
			Action:   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
			Resource: secretARNs,
			// Attribute-based: the role's team tag must equal the secret's.
			Condition: iampolicy.Conditions{"StringEquals": {"aws:ResourceTag/team": {"${aws:PrincipalTag/team}"}}},
		},
		decryptThroughSecretsManager(keyARNs, env, "kms:Decrypt"),
	)
}

// InRegion is arn with its region field replaced: a replica secret or a
// multi-Region replica key has its primary's ARN in another region.
func InRegion(arn, region string) string {
	f := strings.SplitN(arn, ":", 5)
	if len(f) < 5 {
		return arn
	}
	f[3] = region
	return strings.Join(f, ":")
}

// FunctionTrustPolicy lets Lambda assume the rotation function's role.
func FunctionTrustPolicy(env awsenv.Env) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "Lambda",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{env.GlobalServicePrincipal("lambda")}},
		Action:    []string{"sts:AssumeRole"},
	})
}

// FunctionPolicy is the rotation function's policy: the rotation protocol
// on the rotated secrets only, the key through Secrets Manager only, its
// own log group, and the network interfaces Lambda needs in a VPC.
func FunctionPolicy(secretARNs, keyARNs []string, logGroupARN string, env awsenv.Env) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:    "RotateInventorySecrets",
			Effect: iampolicy.Allow,
			Action: []string{
				"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
				"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage",
			},
			Resource: secretARNs,
		},
		iampolicy.Statement{
			// GetRandomPassword has no resource to scope to.
			Sid:      "GeneratePasswords",
			Effect:   iampolicy.Allow,
			Action:   []string{"secretsmanager:GetRandomPassword"},
			Resource: []string{"*"},
		},
		// PutSecretValue on a replicated secret encrypts the replica with
		// the replica key, under the caller's permissions.
		decryptThroughSecretsManager(keyARNs, env, "kms:Decrypt", "kms:GenerateDataKey"),
		iampolicy.Statement{
			Sid:      "OwnLogGroup",
			Effect:   iampolicy.Allow,
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{logGroupARN + ":*"},
		},
		iampolicy.Statement{
			// What AWSLambdaVPCAccessExecutionRole grants, written out: Lambda
			// creates and deletes the function's interfaces in the VPC, and
			// these actions take no narrower resource at creation time.
			Sid:    "VpcNetworkInterfaces",
			Effect: iampolicy.Allow,
			Action: []string{
				"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
				"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
			},
			Resource: []string{"*"},
		},
	)
}

// decryptThroughSecretsManager allows actions on keyARNs (the key and its
// replicas) through Secrets Manager in each key's region.
func decryptThroughSecretsManager(keyARNs []string, env awsenv.Env, actions ...string) iampolicy.Statement {
	var via []string
	for _, k := range keyARNs {
		e := env
		if f := strings.SplitN(k, ":", 5); len(f) == 5 {
			e.Region = f[3]
		}
		if s := e.ServicePrincipal("secretsmanager"); !slices.Contains(via, s) {
			via = append(via, s)
		}
	}
	return iampolicy.Statement{
		Sid:       "DecryptThroughSecretsManager",
		Effect:    iampolicy.Allow,
		Action:    actions,
		Resource:  keyARNs,
		Condition: iampolicy.Conditions{"StringEquals": {"kms:ViaService": via}},
	}
}
