package stackconfig

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/secrets/secretkind"
)

// Classifications are the data classifications a secret may carry.
var Classifications = []string{"internal", "confidential", "restricted"}

// Secrets configures the KMS-encrypted Secrets Manager inventory and its
// rotation function (key "secrets").
type Secrets struct {
	// RotationArtifact is the rotation function's zip, relative to the
	// project directory. Default build/rotation.zip, which
	// `go run ./cmd/buildlambda` writes.
	RotationArtifact string `json:"rotationArtifact"`
	// RotationConcurrency reserves concurrency for the rotation function, 1
	// to 10. Default 0: none reserved. Reserving fails in accounts whose
	// concurrency quota is still the new-account 10 ("decreases account's
	// UnreservedConcurrentExecution below its minimum value of 10"), so it
	// is asked for by name where the quota allows it.
	RotationConcurrency int `json:"rotationConcurrency"`
	// Deployers are the IAM role ARNs (no wildcards) that run `pulumi up`
	// and `pulumi refresh` by hand. The secret policies deny everyone else
	// the reads, writes, tag and policy changes the provider makes on
	// secrets whose value Pulumi writes (external ones and the Cognito
	// client secret); the CI deploy role is added to them. Required
	// when such a secret exists.
	Deployers []string `json:"deployers"`
	// BreakGlassRole is the role ARN the secret policies let manage the
	// secrets besides the deployers, for when none of them can (a role
	// renamed, a list emptied by mistake); its reads are alarmed as any
	// other's. Default arn:<partition>:iam::<account>:role/<project>-break-glass
	// (baseline.BreakGlassRole), which the account's administrators create
	// and guard (MFA, a few people).
	BreakGlassRole string `json:"breakGlassRole"`
	// LogRetentionDays is the function's log retention. Default 365.
	LogRetentionDays int `json:"logRetentionDays"`
	// RecoveryWindowDays is how long a deleted secret can be restored, 7 to
	// 30. Default 30.
	RecoveryWindowDays int `json:"recoveryWindowDays"`
	// Inventory lists the stack's secrets.
	Inventory []Secret `json:"inventory"`
}

// Secret is one entry of the inventory. Its metadata is kept as tags.
type Secret struct {
	// Name is unique in the stack: lower-case letters, digits and hyphens.
	// The secret is named "<project>-<stack>/<name>".
	Name string `json:"name"`
	// Description says what the secret is for.
	Description string `json:"description"`
	// Owner is the team that owns the secret (tags owner and team).
	Owner string `json:"owner"`
	// Classification is internal, confidential or restricted.
	Classification string `json:"classification"`
	// Kind is generated, api-key or external (secretkind).
	Kind secretkind.Kind `json:"kind"`
	// RotationDays is the rotation interval, 1 to 90 (FSBP
	// SecretsManager.4). Default 30. Not used for external secrets.
	RotationDays int `json:"rotationDays"`
	// Length is a generated value's length, 16 to 4096. Default the
	// kind's (secretkind.Policies): 32 for generated, 40 for api-key.
	Length int `json:"length"`
	// Readers are the workloads (key "workloads") that may read the secret.
	Readers []string `json:"readers"`
	// ReplicaRegion, when set, replicates the secret to that region under
	// a replica of the stack's key; it needs kms.multiRegion.
	ReplicaRegion string `json:"replicaRegion"`
}

// Rotated reports whether the rotation function rotates the secret.
func (s Secret) Rotated() bool { return s.Kind.Rotated() }

// ExternalSecretKey is the secure config key (in the project namespace)
// that holds an external secret's value.
func ExternalSecretKey(name string) string { return "secret-" + name }

// DefaultSecrets returns the secrets defaults: the function settings and
// an empty inventory.
func DefaultSecrets() Secrets {
	return Secrets{
		RotationArtifact:   "build/rotation.zip",
		LogRetentionDays:   365,
		RecoveryWindowDays: 30,
	}
}

// defaults fills each entry's defaults; it runs after decoding.
func (s *Secrets) defaults() {
	for i := range s.Inventory {
		e := &s.Inventory[i]
		if e.RotationDays == 0 {
			e.RotationDays = 30
		}
		if p, rotated := secretkind.Policies[e.Kind]; e.Length == 0 && rotated {
			e.Length = p.Length // the kind's default, declared once
		}
	}
}

// ClientSecretName is the inventory entry the program adds for the load
// balancer's Cognito app client secret; an inventory entry may not take it.
const ClientSecretName = "cognito-alb-client"

// RoleARNRE matches an IAM role ARN without wildcards (IAM role names and
// paths: [\w+=,.@-], IAM API reference, CreateRole).
var RoleARNRE = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)

var (
	secretNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	tagValueRE   = regexp.MustCompile(`^[\w .:/=+@-]{1,256}$`)
)

// knownRegion reports whether region is a region of any partition in AWS's
// endpoint model.
func knownRegion(region string) bool {
	m, err := awsname.LoadModels()
	if err != nil {
		return false
	}
	for _, regions := range m.Regions {
		if slices.Contains(regions, region) {
			return true
		}
	}
	return false
}

func regionSource() string {
	m, _ := awsname.LoadModels()
	return "regions of " + m.Source + "'s endpoint model"
}

func (s Secrets) validate(key string, workloads []Workload, kms KMS, stackRegion string, present, secret func(string) bool) []error {
	var errs []error
	if s.RotationArtifact == "" {
		errs = append(errs, fieldErr(key+".rotationArtifact", "is empty; give the path of the zip `go run ./cmd/buildlambda` writes (build/rotation.zip)"))
	}
	if s.RotationConcurrency < 0 || s.RotationConcurrency > 10 {
		errs = append(errs, fieldErr(key+".rotationConcurrency", "%d is out of range; reserve 1 to 10, or 0 for none", s.RotationConcurrency))
	}
	if len(s.Deployers) == 0 {
		errs = append(errs, fieldErr(key+".deployers", "is empty; name the IAM role ARNs that run `pulumi up` by hand: the policies of the secrets whose value Pulumi writes (the Cognito client secret and external secrets) deny every other principal, the provider's reads and writes included"))
	}
	for i, d := range s.Deployers {
		if !RoleARNRE.MatchString(d) {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.deployers[%d]", key, i), "%q is not an IAM role ARN (arn:aws:iam::<account>:role/<name>, no wildcards)", d))
		}
	}
	if b := s.BreakGlassRole; b != "" && !RoleARNRE.MatchString(b) {
		errs = append(errs, fieldErr(key+".breakGlassRole", "%q is not an IAM role ARN (arn:aws:iam::<account>:role/<name>, no wildcards)", b))
	}
	errs = append(errs, validateRetention(key+".logRetentionDays", s.LogRetentionDays)...)
	if s.RecoveryWindowDays < 7 || s.RecoveryWindowDays > 30 {
		errs = append(errs, fieldErr(key+".recoveryWindowDays", "%d is out of range; Secrets Manager keeps a deleted secret 7 to 30 days", s.RecoveryWindowDays))
	}
	known := map[string]bool{}
	teams := map[string]string{}
	for _, w := range workloads {
		known[w.Name] = true
		teams[w.Name] = w.Team
	}
	seen := map[string]bool{}
	for i, e := range s.Inventory {
		k := fmt.Sprintf("%s.inventory[%d]", key, i)
		if !secretNameRE.MatchString(e.Name) {
			errs = append(errs, fieldErr(k+".name", "%q is not a secret name: 1 to 63 lower-case letters, digits and hyphens", e.Name))
		}
		if e.Name == ClientSecretName {
			errs = append(errs, fieldErr(k+".name", "%q is the program's own entry for the Cognito app client's secret; name the secret otherwise", e.Name))
		}
		if seen[e.Name] {
			errs = append(errs, fieldErr(k+".name", "%q is already in the inventory; names are unique", e.Name))
		}
		seen[e.Name] = true
		if e.Description == "" || len(e.Description) > 2048 {
			errs = append(errs, fieldErr(k+".description", "must say what the secret is for, in 1 to 2048 characters"))
		}
		if !tagValueRE.MatchString(e.Owner) {
			errs = append(errs, fieldErr(k+".owner", "%q must be 1 to 256 letters, digits, spaces or _.:/=+@- (it is kept as a tag)", e.Owner))
		}
		if !slices.Contains(Classifications, e.Classification) {
			errs = append(errs, fieldErr(k+".classification", "%q is not one of %v", e.Classification, Classifications))
		}
		switch e.Kind {
		case secretkind.Generated, secretkind.APIKey:
			if e.RotationDays < 1 || e.RotationDays > 90 {
				errs = append(errs, fieldErr(k+".rotationDays", "%d is out of range; rotate every 1 to 90 days (FSBP SecretsManager.4)", e.RotationDays))
			}
			if e.Length < 16 || e.Length > 4096 {
				errs = append(errs, fieldErr(k+".length", "%d is out of range; generate 16 to 4096 characters", e.Length))
			}
		case secretkind.External:
			if e.Length != 0 {
				errs = append(errs, fieldErr(k+".length", "is set, but an external secret's value is not generated here"))
			}
			ck := ExternalSecretKey(e.Name)
			switch {
			case !present(ck):
				errs = append(errs, fieldErr(ck, "is not set; external secret %q needs its value: pulumi config set --secret %s:%s <value>", e.Name, Namespace, ck))
			case !secret(ck):
				errs = append(errs, fieldErr(ck, "is in plain text; set it again with --secret so that only ciphertext is in the stack file"))
			}
		default:
			errs = append(errs, fieldErr(k+".kind", "%v", e.Kind.Check()))
		}
		if len(e.Readers) == 0 {
			errs = append(errs, fieldErr(k+".readers", "is empty; name the workloads that read the secret"))
		}
		for j, r := range e.Readers {
			switch {
			case !known[r]:
				errs = append(errs, fieldErr(fmt.Sprintf("%s.readers[%d]", k, j), "%q is not a workload; define it under workloads (known: %v)", r, slices.Sorted(maps.Keys(known))))
			case teams[r] != e.Owner:
				// Reads are allowed only where the role's team tag equals the
				// secret's (attribute-based access control).
				errs = append(errs, fieldErr(fmt.Sprintf("%s.readers[%d]", k, j), "workload %q is in team %q, but the secret's owner is %q; a workload reads only its own team's secrets", r, teams[r], e.Owner))
			}
		}
		if e.ReplicaRegion != "" {
			switch {
			case !knownRegion(e.ReplicaRegion):
				errs = append(errs, fieldErr(k+".replicaRegion", "%q is not an AWS region such as us-west-2 (%s)", e.ReplicaRegion, regionSource()))
			case e.ReplicaRegion == stackRegion:
				errs = append(errs, fieldErr(k+".replicaRegion", "%s is the stack's own region (aws:region); name another region", e.ReplicaRegion))
			case !kms.MultiRegion:
				errs = append(errs, fieldErr(k+".replicaRegion", "needs kms.multiRegion: true, so that the replica is encrypted by a replica of the stack's key"))
			}
		}
	}
	return errs
}
