package secrets

import (
	"github.com/example/hardening/awsenv"
	"github.com/example/hardening/iampolicy"
)

// SecretPolicy is a secret's resource policy: no request without TLS, and
// no read by any principal but readers (the roles of its reader workloads
// and the rotation function's role), whatever their IAM policies allow.
func SecretPolicy(readers []string) iampolicy.Document {
	others := iampolicy.Conditions{"StringNotEquals": {"aws:PrincipalArn": readers}}
	if len(readers) == 0 {
		// Nobody reads it through the API.
		others = nil
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
		iampolicy.Statement{
			Sid:       "DenyReadsByOthers",
			Effect:    iampolicy.Deny,
			Principal: &iampolicy.Principal{Everyone: true},
			Action:    []string{"secretsmanager:GetSecretValue"},
			Resource:  []string{"*"},
			Condition: others,
		},
	)
}

// ReaderPolicy lets a workload read the secrets at secretARNs, when their
// team tag equals its own, and decrypt them with the key only through
// Secrets Manager.
func ReaderPolicy(secretARNs []string, keyARN string, env awsenv.Env) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "ReadOwnSecrets",
			Effect:   iampolicy.Allow,
			Action:   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
			Resource: secretARNs,
			// Attribute-based: the role's team tag must equal the secret's.
			Condition: iampolicy.Conditions{"StringEquals": {"aws:ResourceTag/team": {"${aws:PrincipalTag/team}"}}},
		},
		decryptThroughSecretsManager(keyARN, env, "kms:Decrypt"),
	)
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
func FunctionPolicy(secretARNs []string, keyARN, logGroupARN string, env awsenv.Env) iampolicy.Document {
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
		decryptThroughSecretsManager(keyARN, env, "kms:Decrypt", "kms:GenerateDataKey"),
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

func decryptThroughSecretsManager(keyARN string, env awsenv.Env, actions ...string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "DecryptThroughSecretsManager",
		Effect:    iampolicy.Allow,
		Action:    actions,
		Resource:  []string{keyARN},
		Condition: iampolicy.Conditions{"StringEquals": {"kms:ViaService": {env.ServicePrincipal("secretsmanager")}}},
	}
}
