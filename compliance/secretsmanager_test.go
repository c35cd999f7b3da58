package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

var (
	secret   = res(restype.SecretsManagerSecret, "s", map[string]any{"name": "app/db", "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k"})
	rotation = func(rules any, deps ...string) Resource {
		return res(restype.SecretsManagerSecretRotation, "rot", map[string]any{"secretId": Unknown{}, "rotationRules": rules}, deps...)
	}
)

func TestSecretsRotation(t *testing.T) {
	every30 := map[string]any{"automaticallyAfterDays": 30.0}
	byName := res(restype.SecretsManagerSecretRotation, "rot", map[string]any{"secretId": "app/db", "rotationRules": every30})
	for _, ctl := range secretsRotation.Controls {
		runCases(t, secretsRotation, []ruleCase{
			{"never rotated " + ctl, ctl, graphOf(secret), fail},
			{"another secret's rotation " + ctl, ctl, graphOf(secret, res(restype.SecretsManagerSecret, "other", map[string]any{"name": "other"}), rotation(every30, "other")), fail},
			{"rotated " + ctl, ctl, graphOf(secret, rotation(every30, "s")), pass},
			{"rotated every 400 days is still enabled " + ctl, ctl, graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 400.0}, "s")), pass},
			{"rotation naming it without a dependency " + ctl, ctl, graphOf(secret, byName), pass},
			{"a rotation of a secret computed elsewhere " + ctl, ctl, graphOf(secret, rotation(every30)), unjudged},
		})
	}
}

func TestSecretsRotationInterval(t *testing.T) {
	runCases(t, secretsRotationInterval, []ruleCase{
		{"never rotated", "FSBP SecretsManager.4", graphOf(secret), fail},
		{"every 120 days", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 120.0}, "s")), fail},
		{"rate(100 days)", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"scheduleExpression": "rate(100 days)"}, "s")), fail},
		{"cron in January only", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"scheduleExpression": "cron(0 8 1 1 ? *)"}, "s")), fail},
		{"every 90 days", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 90.0}, "s")), pass},
		{"rate(4 hours)", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"scheduleExpression": "rate(4 hours)"}, "s")), pass},
		{"cron monthly", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"scheduleExpression": "cron(0 8 1 * ? *)"}, "s")), pass},
		{"schedule computed", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": Unknown{}}, "s")), unjudged},
		{"a rotation of a secret computed elsewhere", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 30.0})), unjudged},
		{"every 120 days", "CKV_AWS_304", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 120.0}, "s")), fail},
		{"never rotated is not CKV_AWS_304's", "CKV_AWS_304", graphOf(secret), pass},
		{"every 30 days", "CKV_AWS_304", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 30.0}, "s")), pass},
		{"schedule computed", "CKV_AWS_304", graphOf(secret, rotation(Unknown{}, "s")), unjudged},
	})
}

func TestSecretsCMK(t *testing.T) {
	s := func(key any) *Graph {
		in := map[string]any{"name": "s"}
		if key != nil {
			in["kmsKeyId"] = key
		}
		return graphOf(res(restype.SecretsManagerSecret, "s", in))
	}
	runCases(t, secretsCMK, []ruleCase{
		{"no key", "CKV_AWS_149", s(nil), fail},
		{"the AWS-managed key", "CKV_AWS_149", s("arn:aws:kms:us-east-1:111122223333:alias/aws/secretsmanager"), fail},
		{"a customer key", "CKV_AWS_149", s("arn:aws:kms:us-east-1:111122223333:key/k"), pass},
		{"computed", "CKV_AWS_149", s(Unknown{}), unjudged},
		{"computed from the stack's key (a first preview)", "CKV_AWS_149", computedFromStackKey(restype.SecretsManagerSecret, "kmsKeyId"), pass},
	})
}

func TestSecretsRotationWatched(t *testing.T) {
	rule := func(pattern any) Resource {
		return res(restype.CloudWatchEventRule, "er", map[string]any{"eventPattern": pattern})
	}
	target := res(restype.CloudWatchEventTarget, "et", map[string]any{"rule": "er"}, "er")
	failed := `{"source":["aws.secretsmanager"],"detail-type":["AWS Service Event via CloudTrail"],"detail":{"eventName":["RotationFailed"]}}`
	rot := rotation(map[string]any{"automaticallyAfterDays": 30.0}, "s")
	runCases(t, secretsRotationWatched, []ruleCase{
		{"no rule", "FSBP SecretsManager.2", graphOf(secret, rot), fail},
		{"a rule without a target", "FSBP SecretsManager.2", graphOf(secret, rot, rule(failed)), fail},
		{"a rule on other events", "FSBP SecretsManager.2", graphOf(secret, rot, rule(`{"source":["aws.ec2"]}`), target), fail},
		{"a rule with a target", "FSBP SecretsManager.2", graphOf(secret, rot, rule(failed), target), pass},
		{"nothing rotates", "FSBP SecretsManager.2", graphOf(secret), pass},
		{"pattern computed", "FSBP SecretsManager.2", graphOf(secret, rot, rule(Unknown{}), target), unjudged},
	})
}
