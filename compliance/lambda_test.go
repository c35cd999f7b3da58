package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestLambdaEnvironment(t *testing.T) {
	fn := func(kv ...any) *Graph {
		return graphOf(res(restype.LambdaFunction, "f", withFields(map[string]any{"runtime": "provided.al2023"}, kv...)))
	}
	env := func(vars map[string]any) map[string]any { return map[string]any{"variables": vars} }
	key := "arn:aws:kms:us-east-1:111122223333:key/k"
	runCases(t, lambdaEnvironment, []ruleCase{
		{"a password variable", "CKV_AWS_45", fn("environment", env(map[string]any{"DB_PASSWORD": "hunter2"}), "kmsKeyArn", key), fail},
		{"an access key as a value", "CKV_AWS_45", fn("environment", env(map[string]any{"AWS_KEY": "AKIAIOSFODNN7EXAMPLE"}), "kmsKeyArn", key), fail},
		{"an API token variable", "CKV_AWS_45", fn("environment", env(map[string]any{"API_TOKEN": "t0k3n", "DB_HOST": "db"}), "kmsKeyArn", key), fail},
		{"plain settings", "CKV_AWS_45", fn("environment", env(map[string]any{"LOG_LEVEL": "info"})), pass},
		{"environment computed", "CKV_AWS_45", fn("environment", Unknown{}), unjudged},
		{"variables without a key", "CKV_AWS_173", fn("environment", env(map[string]any{"LOG_LEVEL": "info"})), fail},
		{"variables with a key", "CKV_AWS_173", fn("environment", env(map[string]any{"LOG_LEVEL": "info"}), "kmsKeyArn", key), pass},
		{"no variables", "CKV_AWS_173", fn(), pass},
		{"a password variable is not CKV_AWS_173's", "CKV_AWS_173", fn("environment", env(map[string]any{"DB_PASSWORD": "x"}), "kmsKeyArn", key), pass},
		{"key computed", "CKV_AWS_173", fn("environment", env(map[string]any{"LOG_LEVEL": "info"}), "kmsKeyArn", Unknown{}), unjudged},
	})
}

func TestLambdaNotPublic(t *testing.T) {
	perm := func(kv ...any) *Graph {
		return graphOf(res(restype.LambdaPermission, "p", withFields(map[string]any{"action": "lambda:InvokeFunction", "function": "f"}, kv...)))
	}
	runCases(t, lambdaNotPublic, []ruleCase{
		{"anyone", "FSBP Lambda.1", perm("principal", "*"), fail},
		{"anyone with a source account", "FSBP Lambda.1", perm("principal", "*", "sourceAccount", "111122223333"), fail},
		{"any account's root", "FSBP Lambda.1", perm("principal", "arn:aws:iam::*:root"), fail},
		{"S3 with sourceArn only", "FSBP Lambda.1", perm("principal", "s3.amazonaws.com", "sourceArn", "arn:aws:s3:::b"), fail},
		{"S3 with no source", "FSBP Lambda.1", perm("principal", "s3.amazonaws.com"), fail},
		{"a wildcard source account", "FSBP Lambda.1", perm("principal", "sns.amazonaws.com", "sourceAccount", "*"), fail},
		{"a rule of any account", "FSBP Lambda.1", perm("principal", "events.amazonaws.com", "sourceArn", "arn:aws:events:us-east-1:*:rule/r"), fail},
		{"S3 with sourceAccount", "FSBP Lambda.1", perm("principal", "s3.amazonaws.com", "sourceArn", "arn:aws:s3:::b", "sourceAccount", "111122223333"), pass},
		{"Secrets Manager with sourceArn", "FSBP Lambda.1", perm("principal", "secretsmanager.amazonaws.com", "sourceArn", "arn:aws:secretsmanager:us-east-1:111122223333:secret:s"), pass},
		{"rules of one account by pattern", "FSBP Lambda.1", perm("principal", "events.amazonaws.com", "sourceArn", "arn:aws:events:us-east-1:111122223333:rule/*"), pass},
		{"events without a source is not Lambda.1's", "FSBP Lambda.1", perm("principal", "events.amazonaws.com"), pass},
		{"another account", "FSBP Lambda.1", perm("principal", "444455556666"), pass},
		{"S3 with sourceAccount computed", "FSBP Lambda.1", perm("principal", "s3.amazonaws.com", "sourceAccount", Unknown{}), unjudged},
		{"principal computed", "FSBP Lambda.1", perm("principal", Unknown{}), unjudged},
		{"events without a source", "CKV_AWS_364", perm("principal", "events.amazonaws.com"), fail},
		{"S3 with no source", "CKV_AWS_364", perm("principal", "s3.amazonaws.com"), fail},
		{"S3 with sourceArn only is CKV_AWS_364's pass", "CKV_AWS_364", perm("principal", "s3.amazonaws.com", "sourceArn", "arn:aws:s3:::b"), pass},
		{"events with sourceArn", "CKV_AWS_364", perm("principal", "events.amazonaws.com", "sourceArn", "arn:aws:events:us-east-1:111122223333:rule/r"), pass},
		{"anyone is not CKV_AWS_364's", "CKV_AWS_364", perm("principal", "*"), pass},
		{"source computed", "CKV_AWS_364", perm("principal", "events.amazonaws.com", "sourceArn", Unknown{}), unjudged},
	})
}

func TestLambdaSupportedRuntime(t *testing.T) {
	fn := func(kv ...any) *Graph {
		return graphOf(res(restype.LambdaFunction, "f", withFields(map[string]any{}, kv...)))
	}
	for _, ctl := range lambdaSupportedRuntime.Controls {
		runCases(t, lambdaSupportedRuntime, []ruleCase{
			{"python3.8 " + ctl, ctl, fn("runtime", "python3.8"), fail},
			{"go1.x " + ctl, ctl, fn("runtime", "go1.x"), fail},
			{"provided.al2023 " + ctl, ctl, fn("runtime", "provided.al2023"), pass},
			{"a container image " + ctl, ctl, fn("packageType", "Image", "imageUri", "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1"), pass},
			{"computed " + ctl, ctl, fn("runtime", Unknown{}), unjudged},
		})
	}
}

func TestLambdaMultiAZ(t *testing.T) {
	subnet := func(name string, az any) Resource {
		return res(restype.EC2Subnet, name, map[string]any{"availabilityZone": az})
	}
	fn := func(subnets ...string) Resource {
		ids := []any{}
		for range subnets {
			ids = append(ids, Unknown{})
		}
		return res(restype.LambdaFunction, "f", map[string]any{"vpcConfig": map[string]any{"subnetIds": ids}}, subnets...)
	}
	runCases(t, lambdaMultiAZ, []ruleCase{
		{"one subnet", "FSBP Lambda.5", graphOf(subnet("a", "us-east-1a"), fn("a")), fail},
		{"two subnets in one zone", "FSBP Lambda.5", graphOf(subnet("a", "us-east-1a"), subnet("b", "us-east-1a"), fn("a", "b")), fail},
		{"two zones", "FSBP Lambda.5", graphOf(subnet("a", "us-east-1a"), subnet("b", "us-east-1b"), fn("a", "b")), pass},
		{"outside a VPC", "FSBP Lambda.5", graphOf(res(restype.LambdaFunction, "f", map[string]any{"runtime": "provided.al2023"})), pass},
		{"a subnet's zone computed", "FSBP Lambda.5", graphOf(subnet("a", "us-east-1a"), subnet("b", Unknown{}), fn("a", "b")), unjudged},
		{"subnets computed", "FSBP Lambda.5", graphOf(res(restype.LambdaFunction, "f", map[string]any{"vpcConfig": map[string]any{"subnetIds": Unknown{}}})), unjudged},
	})
}
