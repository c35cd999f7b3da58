package rotation

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/example/hardening/secrets/secretkind"
)

// fakeSM is an in-memory Secrets Manager for one secret that enforces the
// version-stage rules the rotation protocol relies on: a stage is on at
// most one version, moving AWSCURRENT needs the version that holds it and
// gives that version AWSPREVIOUS, a version's value never changes, and a
// read of a stage or version that has no value is ResourceNotFound.
type fakeSM struct {
	mu       sync.Mutex
	arn      string
	rotation bool
	tags     map[string]string
	versions map[string]*fakeVersion
	// fail makes the next call of an operation fail with the error.
	fail  map[string]error
	calls map[string]int
}

type fakeVersion struct {
	value  *string
	stages map[string]bool
}

func newFake(kind secretkind.Kind) *fakeSM {
	return &fakeSM{
		arn:      "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
		rotation: true,
		tags:     map[string]string{TagKind: string(kind), secretkind.TagOwner: "platform"},
		versions: map[string]*fakeVersion{},
		fail:     map[string]error{},
		calls:    map[string]int{},
	}
}

func (f *fakeSM) call(op string) error {
	f.calls[op]++
	if err, ok := f.fail[op]; ok {
		delete(f.fail, op)
		return err
	}
	return nil
}

func (f *fakeSM) check(id *string) error {
	if aws.ToString(id) != f.arn {
		return &types.ResourceNotFoundException{Message: aws.String("no such secret")}
	}
	return nil
}

// holder returns the version that holds stage, or "".
func (f *fakeSM) holder(stage string) string {
	for id, v := range f.versions {
		if v.stages[stage] {
			return id
		}
	}
	return ""
}

func (f *fakeSM) attach(id, stage string) {
	for _, v := range f.versions {
		delete(v.stages, stage)
	}
	f.versions[id].stages[stage] = true
}

// startRotation is what RotateSecret does before it invokes the function:
// a version for the token, staged AWSPENDING, without a value. Secrets
// Manager refuses to start while another version is still pending.
func (f *fakeSM) startRotation(token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.holder(StagePending); p != "" && p != token {
		return fmt.Errorf("a previous rotation of version %s is not complete", p)
	}
	if _, ok := f.versions[token]; !ok {
		f.versions[token] = &fakeVersion{stages: map[string]bool{}}
	}
	f.attach(token, StagePending)
	return nil
}

// endRotation is what Secrets Manager does after finishSecret succeeds.
func (f *fakeSM) endRotation(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.versions[token]; ok && v.stages[StageCurrent] {
		delete(v.stages, StagePending)
	}
}

func (f *fakeSM) stagesOf(id string) []string {
	var out []string
	for _, s := range []string{StageCurrent, StagePending, StagePrevious} {
		if f.versions[id] != nil && f.versions[id].stages[s] {
			out = append(out, s)
		}
	}
	return out
}

func (f *fakeSM) valueAt(stage string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.holder(stage)
	if id == "" || f.versions[id].value == nil {
		return "", false
	}
	return *f.versions[id].value, true
}

func (f *fakeSM) DescribeSecret(_ context.Context, in *sm.DescribeSecretInput, _ ...func(*sm.Options)) (*sm.DescribeSecretOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeSecret"); err != nil {
		return nil, err
	}
	if err := f.check(in.SecretId); err != nil {
		return nil, err
	}
	out := &sm.DescribeSecretOutput{ARN: aws.String(f.arn), RotationEnabled: aws.Bool(f.rotation), VersionIdsToStages: map[string][]string{}}
	for id := range f.versions {
		if st := f.stagesOf(id); len(st) > 0 {
			out.VersionIdsToStages[id] = st
		}
	}
	for k, v := range f.tags {
		out.Tags = append(out.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}

func (f *fakeSM) GetSecretValue(_ context.Context, in *sm.GetSecretValueInput, _ ...func(*sm.Options)) (*sm.GetSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("GetSecretValue"); err != nil {
		return nil, err
	}
	if err := f.check(in.SecretId); err != nil {
		return nil, err
	}
	id, stage := aws.ToString(in.VersionId), aws.ToString(in.VersionStage)
	if id == "" && stage == "" {
		stage = StageCurrent
	}
	if id == "" {
		id = f.holder(stage)
	}
	v, ok := f.versions[id]
	if !ok || v.value == nil || (stage != "" && !v.stages[stage]) {
		return nil, &types.ResourceNotFoundException{Message: aws.String(fmt.Sprintf("no value for version %q stage %q", id, stage))}
	}
	return &sm.GetSecretValueOutput{ARN: aws.String(f.arn), VersionId: aws.String(id), SecretString: v.value, VersionStages: f.stagesOf(id)}, nil
}

func (f *fakeSM) PutSecretValue(_ context.Context, in *sm.PutSecretValueInput, _ ...func(*sm.Options)) (*sm.PutSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("PutSecretValue"); err != nil {
		return nil, err
	}
	if err := f.check(in.SecretId); err != nil {
		return nil, err
	}
	id := aws.ToString(in.ClientRequestToken)
	v, ok := f.versions[id]
	switch {
	case ok && v.value != nil && *v.value != aws.ToString(in.SecretString):
		return nil, &types.ResourceExistsException{Message: aws.String("version " + id + " already has a different value")}
	case !ok:
		v = &fakeVersion{stages: map[string]bool{}}
		f.versions[id] = v
	}
	val := aws.ToString(in.SecretString)
	v.value = &val
	stages := in.VersionStages
	if len(stages) == 0 {
		stages = []string{StageCurrent}
	}
	for _, s := range stages {
		f.attach(id, s)
	}
	return &sm.PutSecretValueOutput{ARN: aws.String(f.arn), VersionId: aws.String(id), VersionStages: f.stagesOf(id)}, nil
}

func (f *fakeSM) UpdateSecretVersionStage(_ context.Context, in *sm.UpdateSecretVersionStageInput, _ ...func(*sm.Options)) (*sm.UpdateSecretVersionStageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("UpdateSecretVersionStage"); err != nil {
		return nil, err
	}
	if err := f.check(in.SecretId); err != nil {
		return nil, err
	}
	stage, to, from := aws.ToString(in.VersionStage), aws.ToString(in.MoveToVersionId), aws.ToString(in.RemoveFromVersionId)
	holder := f.holder(stage)
	if holder != "" && holder != from && holder != to {
		return nil, &types.InvalidParameterException{Message: aws.String(fmt.Sprintf("stage %s is on version %s; name it in RemoveFromVersionId", stage, holder))}
	}
	if from != "" && holder != from {
		return nil, &types.InvalidParameterException{Message: aws.String(fmt.Sprintf("version %s does not hold %s", from, stage))}
	}
	if v, ok := f.versions[to]; !ok || v.value == nil {
		return nil, &types.InvalidParameterException{Message: aws.String("version " + to + " has no value")}
	}
	f.attach(to, stage)
	if stage == StageCurrent && holder != "" && holder != to {
		f.attach(holder, StagePrevious)
	}
	return &sm.UpdateSecretVersionStageOutput{ARN: aws.String(f.arn)}, nil
}

func (f *fakeSM) GetRandomPassword(_ context.Context, in *sm.GetRandomPasswordInput, _ ...func(*sm.Options)) (*sm.GetRandomPasswordOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("GetRandomPassword"); err != nil {
		return nil, err
	}
	classes := []string{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789"}
	if !aws.ToBool(in.ExcludePunctuation) {
		classes = append(classes, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
	}
	for i, c := range classes {
		classes[i] = strings.Map(func(r rune) rune {
			if strings.ContainsRune(aws.ToString(in.ExcludeCharacters), r) {
				return -1
			}
			return r
		}, c)
	}
	n := int(aws.ToInt64(in.PasswordLength))
	for {
		var b strings.Builder
		for range n {
			all := strings.Join(classes, "")
			k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(all))))
			b.WriteByte(all[k.Int64()])
		}
		pw := b.String()
		ok := true
		for _, c := range classes {
			ok = ok && (!aws.ToBool(in.RequireEachIncludedType) || strings.ContainsAny(pw, c))
		}
		if ok {
			return &sm.GetRandomPasswordOutput{RandomPassword: aws.String(pw)}, nil
		}
	}
}
