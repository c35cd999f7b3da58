// Package rotation is the Secrets Manager rotation function of the
// baseline: the four steps of the rotation protocol (createSecret,
// setSecret, testSecret, finishSecret) with its version-stage rules, and the
// tags through which the Pulumi program tells the function how to rotate
// each secret.
//
// The function never logs or returns a secret value. A step that fails
// leaves the secret's AWSCURRENT version untouched, and every step can be
// retried with the same token: Secrets Manager retries a failed step, and a
// new rotation resumes from the version left in AWSPENDING.
package rotation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/example/hardening/secrets/secretkind"
)

// Version stages of the rotation protocol.
const (
	StageCurrent  = "AWSCURRENT"
	StagePending  = "AWSPENDING"
	StagePrevious = "AWSPREVIOUS"
)

// Steps of the rotation protocol, as Secrets Manager names them.
const (
	StepCreate = "createSecret"
	StepSet    = "setSecret"
	StepTest   = "testSecret"
	StepFinish = "finishSecret"
)

// The kinds, tags and character policies the program and the function
// share (package secretkind, declared once).
const (
	KindGenerated = secretkind.Generated
	KindAPIKey    = secretkind.APIKey
	KindExternal  = secretkind.External

	TagKind   = secretkind.TagKind
	TagLength = secretkind.TagLength
)

// API is the part of the Secrets Manager client the function uses, so that
// tests can run it against a fake.
type API interface {
	DescribeSecret(ctx context.Context, in *sm.DescribeSecretInput, opts ...func(*sm.Options)) (*sm.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, in *sm.GetSecretValueInput, opts ...func(*sm.Options)) (*sm.GetSecretValueOutput, error)
	PutSecretValue(ctx context.Context, in *sm.PutSecretValueInput, opts ...func(*sm.Options)) (*sm.PutSecretValueOutput, error)
	UpdateSecretVersionStage(ctx context.Context, in *sm.UpdateSecretVersionStageInput, opts ...func(*sm.Options)) (*sm.UpdateSecretVersionStageOutput, error)
	GetRandomPassword(ctx context.Context, in *sm.GetRandomPasswordInput, opts ...func(*sm.Options)) (*sm.GetRandomPasswordOutput, error)
}

// Event is the payload Secrets Manager invokes the function with.
type Event struct {
	SecretID           string `json:"SecretId"`
	ClientRequestToken string `json:"ClientRequestToken"`
	Step               string `json:"Step"`
}

// Policy is the character policy of a kind's values.
type Policy = secretkind.Policy

// Policies are the default character policies per kind (secretkind).
var Policies = secretkind.Policies

// Secret is what a hook learns about the secret being rotated.
type Secret struct {
	ARN    string
	Kind   secretkind.Kind
	Policy Policy
	Tags   map[string]string
}

// Hook applies a new value to the system that uses it (SetSecret) and
// proves the value works there (TestSecret). Neither may log the value.
type Hook interface {
	SetSecret(ctx context.Context, s Secret, pending string) error
	TestSecret(ctx context.Context, s Secret, pending string) error
}

// PolicyHook is the hook of values that no other system holds (generated
// passwords and API keys that readers fetch from Secrets Manager): nothing
// to set, and the test checks the value against the kind's policy.
type PolicyHook struct{}

// SetSecret does nothing: readers fetch AWSCURRENT when they need it.
func (PolicyHook) SetSecret(context.Context, Secret, string) error { return nil }

// TestSecret checks the value's length and character classes.
func (PolicyHook) TestSecret(_ context.Context, s Secret, pending string) error {
	return CheckPolicy(s.Policy, pending)
}

// DefaultHooks are the hooks per kind the deployed function uses.
func DefaultHooks() map[secretkind.Kind]Hook {
	return map[secretkind.Kind]Hook{KindGenerated: PolicyHook{}, KindAPIKey: PolicyHook{}}
}

// CheckPolicy reports whether value meets p: its length, an upper-case
// letter, a lower-case letter and a digit always, punctuation when p allows
// it, and none of p's excluded characters.
func CheckPolicy(p Policy, value string) error {
	runes := []rune(value)
	if len(runes) != p.Length {
		return fmt.Errorf("value has %d characters, policy wants %d", len(runes), p.Length)
	}
	var upper, lower, digit, punct bool
	for _, r := range runes {
		switch {
		case containsRune(p.Exclude, r):
			return fmt.Errorf("value contains the excluded character %q", r)
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			if !p.Punctuation {
				return errors.New("value contains punctuation, policy wants letters and digits only")
			}
			punct = true
		default:
			return fmt.Errorf("value contains the character class of %U, which no policy allows", r)
		}
	}
	if !upper || !lower || !digit || (p.Punctuation && !punct) {
		return errors.New("value lacks a required character class")
	}
	return nil
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// Rotator runs the rotation protocol.
type Rotator struct {
	API   API
	Hooks map[secretkind.Kind]Hook
	Log   *slog.Logger
}

// Handle runs one step of one rotation.
func (r *Rotator) Handle(ctx context.Context, e Event) error {
	log := r.logger().With("secret", e.SecretID, "token", e.ClientRequestToken, "step", e.Step)
	if e.SecretID == "" || e.ClientRequestToken == "" {
		return errors.New("rotation: event lacks SecretId or ClientRequestToken")
	}
	desc, err := r.API.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String(e.SecretID)})
	if err != nil {
		return fmt.Errorf("rotation: describe %s: %w", e.SecretID, err)
	}
	if !aws.ToBool(desc.RotationEnabled) {
		return fmt.Errorf("rotation: secret %s does not have rotation enabled", e.SecretID)
	}
	stages, ok := desc.VersionIdsToStages[e.ClientRequestToken]
	if !ok {
		return fmt.Errorf("rotation: secret %s has no version %s to rotate", e.SecretID, e.ClientRequestToken)
	}
	if has(stages, StageCurrent) {
		log.Info("version is already AWSCURRENT; nothing to do")
		return nil
	}
	if !has(stages, StagePending) {
		return fmt.Errorf("rotation: version %s of secret %s is not staged AWSPENDING", e.ClientRequestToken, e.SecretID)
	}
	s, err := describe(desc)
	if err != nil {
		return fmt.Errorf("rotation: secret %s: %w", e.SecretID, err)
	}
	hook, ok := r.Hooks[s.Kind]
	if !ok {
		return fmt.Errorf("rotation: secret %s has kind %q, which this function does not rotate", e.SecretID, s.Kind)
	}
	switch e.Step {
	case StepCreate:
		err = r.create(ctx, s, e.ClientRequestToken, log)
	case StepSet:
		err = r.withPending(ctx, s, e.ClientRequestToken, hook.SetSecret)
	case StepTest:
		err = r.withPending(ctx, s, e.ClientRequestToken, hook.TestSecret)
	case StepFinish:
		err = r.finish(ctx, s, e.ClientRequestToken, desc.VersionIdsToStages, log)
	default:
		return fmt.Errorf("rotation: unknown step %q", e.Step)
	}
	if err != nil {
		return fmt.Errorf("rotation: %s of %s: %w", e.Step, e.SecretID, err)
	}
	log.Info("step done")
	return nil
}

func (r *Rotator) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// create puts a new value in AWSPENDING unless the token already has one,
// so a retried createSecret keeps the value a failed later step may have
// applied already.
func (r *Rotator) create(ctx context.Context, s Secret, token string, log *slog.Logger) error {
	_, err := r.API.GetSecretValue(ctx, &sm.GetSecretValueInput{
		SecretId: aws.String(s.ARN), VersionId: aws.String(token), VersionStage: aws.String(StagePending),
	})
	if err == nil {
		log.Info("AWSPENDING already has a value; keeping it")
		return nil
	}
	if !notFound(err) {
		return fmt.Errorf("read pending version: %w", err)
	}
	p := s.Policy
	pw, err := r.API.GetRandomPassword(ctx, &sm.GetRandomPasswordInput{
		PasswordLength:          aws.Int64(int64(p.Length)),
		ExcludePunctuation:      aws.Bool(!p.Punctuation),
		ExcludeCharacters:       aws.String(p.Exclude),
		IncludeSpace:            aws.Bool(false),
		RequireEachIncludedType: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("generate value: %w", err)
	}
	_, err = r.API.PutSecretValue(ctx, &sm.PutSecretValueInput{
		SecretId:           aws.String(s.ARN),
		ClientRequestToken: aws.String(token),
		SecretString:       pw.RandomPassword,
		VersionStages:      []string{StagePending},
	})
	if err != nil {
		return fmt.Errorf("store pending value: %w", err)
	}
	return nil
}

func (r *Rotator) withPending(ctx context.Context, s Secret, token string, fn func(context.Context, Secret, string) error) error {
	out, err := r.API.GetSecretValue(ctx, &sm.GetSecretValueInput{
		SecretId: aws.String(s.ARN), VersionId: aws.String(token), VersionStage: aws.String(StagePending),
	})
	if err != nil {
		return fmt.Errorf("read pending version (did createSecret run?): %w", err)
	}
	return fn(ctx, s, aws.ToString(out.SecretString))
}

// finish moves AWSCURRENT to the token's version; Secrets Manager moves
// AWSPREVIOUS to the version that held it. A secret whose first value this
// is has no AWSCURRENT to remove.
func (r *Rotator) finish(ctx context.Context, s Secret, token string, versions map[string][]string, log *slog.Logger) error {
	in := &sm.UpdateSecretVersionStageInput{
		SecretId:        aws.String(s.ARN),
		VersionStage:    aws.String(StageCurrent),
		MoveToVersionId: aws.String(token),
	}
	for id, stages := range versions {
		if has(stages, StageCurrent) {
			in.RemoveFromVersionId = aws.String(id)
			log.Info("moving AWSCURRENT", "from", id)
		}
	}
	if _, err := r.API.UpdateSecretVersionStage(ctx, in); err != nil {
		return fmt.Errorf("move AWSCURRENT: %w", err)
	}
	return nil
}

func describe(desc *sm.DescribeSecretOutput) (Secret, error) {
	s := Secret{ARN: aws.ToString(desc.ARN), Tags: map[string]string{}}
	for _, t := range desc.Tags {
		s.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	s.Kind = secretkind.Kind(s.Tags[TagKind])
	p, ok := Policies[s.Kind]
	if !ok {
		return s, fmt.Errorf("tag %s is %q; this function rotates %s and %s", TagKind, s.Kind, KindGenerated, KindAPIKey)
	}
	if raw, ok := s.Tags[TagLength]; ok {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 16 || n > 4096 {
			return s, fmt.Errorf("tag %s is %q; want a length from 16 to 4096", TagLength, raw)
		}
		p.Length = n
	}
	s.Policy = p
	return s, nil
}

func notFound(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}

func has(stages []string, stage string) bool {
	for _, s := range stages {
		if s == stage {
			return true
		}
	}
	return false
}
