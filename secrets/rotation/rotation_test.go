package rotation

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/secrets/secretkind"
)

var steps = []string{StepCreate, StepSet, StepTest, StepFinish}

// recordingHook counts calls and can fail the next ones.
type recordingHook struct {
	PolicyHook
	set, test int
	failSet   int
}

func (h *recordingHook) SetSecret(ctx context.Context, s Secret, v string) error {
	h.set++
	if h.failSet > 0 {
		h.failSet--
		return errors.New("downstream system unavailable")
	}
	return h.PolicyHook.SetSecret(ctx, s, v)
}

func (h *recordingHook) TestSecret(ctx context.Context, s Secret, v string) error {
	h.test++
	return h.PolicyHook.TestSecret(ctx, s, v)
}

type harness struct {
	fake *fakeSM
	hook *recordingHook
	r    *Rotator
	logs *bytes.Buffer
}

func newHarness(kind secretkind.Kind) *harness {
	h := &harness{fake: newFake(kind), hook: &recordingHook{}, logs: &bytes.Buffer{}}
	h.r = &Rotator{API: h.fake, Hooks: map[secretkind.Kind]Hook{kind: h.hook}, Log: slog.New(slog.NewJSONHandler(h.logs, nil))}
	return h
}

func (h *harness) step(step, token string) error {
	return h.r.Handle(context.Background(), Event{SecretID: h.fake.arn, ClientRequestToken: token, Step: step})
}

// rotate runs a whole rotation as Secrets Manager would.
func (h *harness) rotate(t *testing.T, token string) {
	t.Helper()
	require.NoError(t, h.fake.startRotation(token))
	for _, s := range steps {
		require.NoError(t, h.step(s, token), s)
	}
	h.fake.endRotation(token)
}

func (h *harness) stages(token string) []string {
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	return h.fake.stagesOf(token)
}

func TestFirstRotationOfSecretWithoutValue(t *testing.T) {
	for _, kind := range []secretkind.Kind{KindGenerated, KindAPIKey} {
		t.Run(string(kind), func(t *testing.T) {
			h := newHarness(kind)
			_, ok := h.fake.valueAt(StageCurrent)
			require.False(t, ok, "the secret starts without AWSCURRENT")

			h.rotate(t, "v1")

			assert.Equal(t, []string{StageCurrent}, h.stages("v1"), `h.stages("v1")`)
			v, ok := h.fake.valueAt(StageCurrent)
			require.True(t, ok, "AWSCURRENT has a value")
			assert.NoError(t, CheckPolicy(Policies[kind], v))
			assert.Empty(t, h.fake.holder(StagePrevious), "a first value has no predecessor")
			assert.Equal(t, 1, h.hook.set, "h.hook.set")
			assert.Equal(t, 1, h.hook.test, "h.hook.test")
			assert.NotContains(t, h.logs.String(), v, "the value is never logged")
		})
	}
}

func TestSecondRotationMovesCurrentAndPrevious(t *testing.T) {
	h := newHarness(KindGenerated)
	h.rotate(t, "v1")
	first, _ := h.fake.valueAt(StageCurrent)
	h.rotate(t, "v2")

	assert.Equal(t, []string{StageCurrent}, h.stages("v2"), `h.stages("v2")`)
	assert.Equal(t, []string{StagePrevious}, h.stages("v1"), `h.stages("v1")`)
	second, _ := h.fake.valueAt(StageCurrent)
	prev, _ := h.fake.valueAt(StagePrevious)
	assert.NotEqual(t, first, second, "the second value differs from the first")
	assert.Equal(t, first, prev, "prev")

	h.rotate(t, "v3")
	assert.Empty(t, h.stages("v1"), "only one AWSPREVIOUS")
	assert.Equal(t, []string{StagePrevious}, h.stages("v2"), `h.stages("v2")`)
}

func TestCreateIsIdempotent(t *testing.T) {
	h := newHarness(KindGenerated)
	require.NoError(t, h.fake.startRotation("v1"))
	require.NoError(t, h.step(StepCreate, "v1"))
	pending, ok := h.fake.valueAt(StagePending)
	require.True(t, ok, "AWSPENDING has a value")

	require.NoError(t, h.step(StepCreate, "v1"), "a retried createSecret")
	again, _ := h.fake.valueAt(StagePending)
	assert.Equal(t, pending, again, "AWSPENDING keeps its value")
	assert.Equal(t, 1, h.fake.calls["PutSecretValue"], `h.fake.calls["PutSecretValue"]`)
	assert.Equal(t, 1, h.fake.calls["GetRandomPassword"], `h.fake.calls["GetRandomPassword"]`)
}

// TestResumesAfterFailure fails each step once, then lets Secrets Manager
// retry it with the same token: the rotation completes with the value made
// by the first createSecret, and AWSCURRENT never moves before finishSecret
// succeeds.
func TestResumesAfterFailure(t *testing.T) {
	cases := []struct {
		name   string
		failAt string
		inject func(h *harness)
	}{
		{"createSecret put fails", StepCreate, func(h *harness) { h.fake.fail["PutSecretValue"] = errors.New("throttled") }},
		{"createSecret generator fails", StepCreate, func(h *harness) { h.fake.fail["GetRandomPassword"] = errors.New("throttled") }},
		{"setSecret hook fails", StepSet, func(h *harness) { h.hook.failSet = 1 }},
		{"testSecret read fails", StepTest, func(h *harness) { h.fake.fail["GetSecretValue"] = errors.New("network") }},
		{"finishSecret stage move fails", StepFinish, func(h *harness) { h.fake.fail["UpdateSecretVersionStage"] = errors.New("network") }},
		{"describe fails", StepFinish, func(h *harness) { h.fake.fail["DescribeSecret"] = errors.New("network") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(KindGenerated)
			h.rotate(t, "v1")
			before, _ := h.fake.valueAt(StageCurrent)

			require.NoError(t, h.fake.startRotation("v2"))
			var pending string
			for _, s := range steps {
				if s == c.failAt {
					c.inject(h)
					require.Error(t, h.step(s, "v2"), "the injected failure surfaces")
					cur, _ := h.fake.valueAt(StageCurrent)
					assert.Equal(t, before, cur, "AWSCURRENT is untouched after a failed step")
					require.Error(t, h.fake.startRotation("v3"), "a new rotation waits for the pending one")
				}
				require.NoError(t, h.step(s, "v2"), "retry of %s", s)
				if s == StepCreate {
					pending, _ = h.fake.valueAt(StagePending)
				}
			}
			h.fake.endRotation("v2")

			after, _ := h.fake.valueAt(StageCurrent)
			assert.Equal(t, pending, after, "the value created first is the one made current")
			assert.Equal(t, []string{StageCurrent}, h.stages("v2"), `h.stages("v2")`)
			assert.Equal(t, []string{StagePrevious}, h.stages("v1"), `h.stages("v1")`)
		})
	}
}

func TestRefusesVersionsNotStagedForRotation(t *testing.T) {
	h := newHarness(KindGenerated)
	h.rotate(t, "v1")
	h.rotate(t, "v2")
	cases := []struct {
		name, token, want string
	}{
		{"unknown version", "nope", "has no version nope"},
		{"AWSPREVIOUS only", "v1", "is not staged AWSPENDING"},
	}
	for _, c := range cases {
		for _, s := range steps {
			t.Run(c.name+"/"+s, func(t *testing.T) {
				err := h.step(s, c.token)
				require.Error(t, err, "want an error")
				assert.ErrorContains(t, err, c.want)
			})
		}
	}
	cur, _ := h.fake.valueAt(StageCurrent)
	assert.Equal(t, []string{StageCurrent}, h.stages("v2"), "nothing moved")
	assert.NotEmpty(t, cur, "AWSCURRENT keeps a value")
}

func TestCurrentVersionIsANoOp(t *testing.T) {
	h := newHarness(KindGenerated)
	h.rotate(t, "v1")
	puts, moves := h.fake.calls["PutSecretValue"], h.fake.calls["UpdateSecretVersionStage"]
	for _, s := range steps {
		require.NoError(t, h.step(s, "v1"), "a late retry after the rotation finished")
	}
	assert.Equal(t, puts, h.fake.calls["PutSecretValue"], `h.fake.calls["PutSecretValue"]`)
	assert.Equal(t, moves, h.fake.calls["UpdateSecretVersionStage"], `h.fake.calls["UpdateSecretVersionStage"]`)
	assert.Equal(t, 1, h.hook.set, "h.hook.set")
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name  string
		setup func(h *harness)
		event Event
		want  string
	}{
		{"rotation disabled", func(h *harness) { h.fake.rotation = false }, Event{Step: StepCreate}, "does not have rotation enabled"},
		{"unknown step", nil, Event{Step: "dropSecret"}, `unknown step "dropSecret"`},
		{"external kind", func(h *harness) { h.fake.tags[TagKind] = string(KindExternal) }, Event{Step: StepCreate}, `secret-kind is "external"`},
		{"bad length tag", func(h *harness) { h.fake.tags[TagLength] = "8" }, Event{Step: StepCreate}, "want a length from 16 to 4096"},
		{"missing token", nil, Event{Step: StepCreate, ClientRequestToken: "-"}, "lacks SecretId or ClientRequestToken"},
		{"set before create", nil, Event{Step: StepSet}, "did createSecret run?"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(KindGenerated)
			h.r.Hooks[KindExternal] = h.hook
			require.NoError(t, h.fake.startRotation("v1"))
			if c.setup != nil {
				c.setup(h)
			}
			e := c.event
			e.SecretID, e.ClientRequestToken = h.fake.arn, "v1"
			if c.event.ClientRequestToken == "-" {
				e.ClientRequestToken = ""
			}
			err := h.r.Handle(context.Background(), e)
			require.Error(t, err, "want an error")
			assert.ErrorContains(t, err, c.want)
			assert.Zero(t, h.fake.calls["PutSecretValue"], "nothing written")
		})
	}
}

func TestTestSecretRejectsValueOutsidePolicy(t *testing.T) {
	h := newHarness(KindAPIKey)
	require.NoError(t, h.fake.startRotation("v1"))
	_, err := h.fake.PutSecretValue(context.Background(), &sm.PutSecretValueInput{
		SecretId: aws.String(h.fake.arn), ClientRequestToken: aws.String("v1"),
		SecretString: aws.String("short"), VersionStages: []string{StagePending},
	})
	require.NoError(t, err)
	require.NoError(t, h.step(StepCreate, "v1"), "an existing pending value is kept")
	err = h.step(StepTest, "v1")
	require.Error(t, err, "want an error")
	assert.ErrorContains(t, err, "policy wants 40")
	assert.NotContains(t, err.Error(), "short", "errors never carry the value")
}

func TestLengthTagOverridesPolicy(t *testing.T) {
	h := newHarness(KindGenerated)
	h.fake.tags[TagLength] = "64"
	h.rotate(t, "v1")
	v, _ := h.fake.valueAt(StageCurrent)
	assert.Len(t, v, 64, "length")
}

func TestCheckPolicy(t *testing.T) {
	gen, key := Policies[KindGenerated], Policies[KindAPIKey]
	cases := []struct {
		name  string
		p     Policy
		value string
		want  string
	}{
		{"good generated", gen, "Ab1!" + strings.Repeat("x", 28), ""},
		{"good api key", key, "Ab1" + strings.Repeat("x", 37), ""},
		{"too short", gen, "Ab1!", "policy wants 32"},
		{"no digit", key, "Ab" + strings.Repeat("x", 38), "lacks a required character class"},
		{"punctuation in api key", key, "Ab1!" + strings.Repeat("x", 36), "letters and digits only"},
		{"excluded character", gen, "Ab1@" + strings.Repeat("x", 28), "excluded character '@'"},
		{"generated without punctuation", gen, "Ab1" + strings.Repeat("x", 29), "lacks a required character class"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPolicy(c.p, c.value)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err, "want an error")
			assert.ErrorContains(t, err, c.want)
		})
	}
}
