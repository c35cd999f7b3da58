package compliance

import (
	"fmt"
	"regexp"

	"github.com/example/hardening/internal/restype"
)

// wholeAccount matches an AWS principal that is an account: its ID or
// its root ARN.
var wholeAccount = regexp.MustCompile(`^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$`)

// secretName matches input and variable names that hold credentials.
var secretName = regexp.MustCompile(`(?i)(password|passwd|secret|token|private_?key|privatekeypem|api_?key|credential)`)

// secretInputs are inputs that hold secrets whatever their name says.
var secretInputs = map[string][]string{
	restype.SecretsManagerSecretVersion: {"secretString", "secretBinary"},
	restype.ACMCertificate:              {"privateKey"},
	restype.RandomPassword:              {"result"},
}

func projectRules() []Rule {
	return []Rule{noPlaintextSecrets}
}

// noPlaintextSecrets is the project's own (docs/secrets.md): Pulumi keeps
// an input's value in the state and the plan in plain text unless it is a
// secret.
var noPlaintextSecrets = Rule{ID: "no-plaintext-secrets",
	Source:      "project: docs/secrets.md; Pulumi's secrets (an input is encrypted in the state only when it is marked secret)",
	Severity:    Critical,
	Description: "No input that holds a password, token, key or secret value is left unsecret.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		// Input names repeat across resources: match each once.
		named := map[string]bool{}
		for _, r := range g.Resources {
			for k, v := range r.Inputs {
				isNamed, seen := named[k]
				if !seen {
					isNamed = secretName.MatchString(k) && !nonSecretNames[k]
					named[k] = isNamed
				}
				if !isNamed && !contains(secretInputs[r.Type], k) {
					continue
				}
				switch x := v.(type) {
				case string:
					if x != "" {
						out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: input %s is in plain text in the state and the plan; wrap it with pulumi.ToSecret", shortType(r.Type), r.Name, k)})
					}
				case Unknown:
					// Whether a value not computed yet is secret is not
					// always told: the policy pack's analyzer drops the
					// mark of an unknown value.
					out = append(out, notJudged(r))
				}
			}
		}
		return out
	},
}

// nonSecretNames are inputs whose names look secret but hold references.
var nonSecretNames = map[string]bool{
	"secretId": true, "secretArn": true, "kmsKeyId": true, "tokenValidityUnits": true, "enableTokenRevocation": true,
	"refreshTokenValidity": true, "accessTokenValidity": true, "idTokenValidity": true, "refreshTokenRotation": true,
	"generateSecret": true, "secretName": true, "recoveryWindowInDays": true, "secretStringWo": true,
	"tokenDomains": true, "passwordPolicy": true, "secretsManagerArn": true, "forceOverwriteReplicaSecret": true,
}
