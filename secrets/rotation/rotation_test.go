package rotation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

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
	if err := h.fake.startRotation(token); err != nil {
		t.Fatalf("%v", err)
	}
	for _, s := range steps {
		if err := h.step(s, token); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
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
			if ok {
				t.Fatalf("%s", "the secret starts without AWSCURRENT")
			}

			h.rotate(t, "v1")

			if got, want := h.stages("v1"), []string{StageCurrent}; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v, want %v", "h.stages(\"v1\")", got, want)
			}
			v, ok := h.fake.valueAt(StageCurrent)
			if !ok {
				t.Fatalf("ok is false")
			}
			if err := CheckPolicy(Policies[kind], v); err != nil {
				t.Errorf("%v", err)
			}
			if len(h.fake.holder(StagePrevious)) != 0 {
				t.Errorf("%s: %v", "a first value has no predecessor", h.fake.holder(StagePrevious))
			}
			if got, want := h.hook.set, 1; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v, want %v", "h.hook.set", got, want)
			}
			if got, want := h.hook.test, 1; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v, want %v", "h.hook.test", got, want)
			}
			if strings.Contains(h.logs.String(), v) {
				t.Errorf("%s: %q in %q", "the value is never logged", v, h.logs.String())
			}
		})
	}
}

func TestSecondRotationMovesCurrentAndPrevious(t *testing.T) {
	h := newHarness(KindGenerated)
	h.rotate(t, "v1")
	first, _ := h.fake.valueAt(StageCurrent)
	h.rotate(t, "v2")

	if got, want := h.stages("v2"), []string{StageCurrent}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.stages(\"v2\")", got, want)
	}
	if got, want := h.stages("v1"), []string{StagePrevious}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.stages(\"v1\")", got, want)
	}
	second, _ := h.fake.valueAt(StageCurrent)
	prev, _ := h.fake.valueAt(StagePrevious)
	if reflect.DeepEqual(first, second) {
		t.Errorf("%v and %v are equal", first, second)
	}
	if got, want := prev, first; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "prev", got, want)
	}

	h.rotate(t, "v3")
	if len(h.stages("v1")) != 0 {
		t.Errorf("%s: %v", "only one AWSPREVIOUS", h.stages("v1"))
	}
	if got, want := h.stages("v2"), []string{StagePrevious}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.stages(\"v2\")", got, want)
	}
}

func TestCreateIsIdempotent(t *testing.T) {
	h := newHarness(KindGenerated)
	if err := h.fake.startRotation("v1"); err != nil {
		t.Fatalf("%v", err)
	}
	if err := h.step(StepCreate, "v1"); err != nil {
		t.Fatalf("%v", err)
	}
	pending, ok := h.fake.valueAt(StagePending)
	if !ok {
		t.Fatalf("ok is false")
	}

	if err := h.step(StepCreate, "v1"); err != nil {
		t.Fatalf("%s: %v", "a retried createSecret", err)
	}
	again, _ := h.fake.valueAt(StagePending)
	if got, want := again, pending; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "AWSPENDING keeps its value", got, want)
	}
	if got, want := h.fake.calls["PutSecretValue"], 1; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.fake.calls[\"PutSecretValue\"]", got, want)
	}
	if got, want := h.fake.calls["GetRandomPassword"], 1; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.fake.calls[\"GetRandomPassword\"]", got, want)
	}
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

			if err := h.fake.startRotation("v2"); err != nil {
				t.Fatalf("%v", err)
			}
			var pending string
			for _, s := range steps {
				if s == c.failAt {
					c.inject(h)
					if h.step(s, "v2") == nil {
						t.Fatalf("%s: no error", "the injected failure surfaces")
					}
					cur, _ := h.fake.valueAt(StageCurrent)
					if got, want := cur, before; !reflect.DeepEqual(got, want) {
						t.Errorf("%s: got %v, want %v", "AWSCURRENT is untouched after a failed step", got, want)
					}
					if h.fake.startRotation("v3") == nil {
						t.Fatalf("%s: no error", "a new rotation waits for the pending one")
					}
				}
				if err := h.step(s, "v2"); err != nil {
					t.Fatalf("%s: %v", fmt.Sprintf("retry of %s", s), err)
				}
				if s == StepCreate {
					pending, _ = h.fake.valueAt(StagePending)
				}
			}
			h.fake.endRotation("v2")

			after, _ := h.fake.valueAt(StageCurrent)
			if got, want := after, pending; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v, want %v", "the value created first is the one made current", got, want)
			}
			if got, want := h.stages("v2"), []string{StageCurrent}; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v, want %v", "h.stages(\"v2\")", got, want)
			}
			if got, want := h.stages("v1"), []string{StagePrevious}; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v, want %v", "h.stages(\"v1\")", got, want)
			}
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
				if err == nil {
					t.Fatalf("%s: no error", "want an error")
				}
				if !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: %q in %q", "missing", c.want, err.Error())
				}
			})
		}
	}
	cur, _ := h.fake.valueAt(StageCurrent)
	if got, want := h.stages("v2"), []string{StageCurrent}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "nothing moved", got, want)
	}
	if len(cur) == 0 {
		t.Errorf("%s: %v", "notempty", cur)
	}
}

func TestCurrentVersionIsANoOp(t *testing.T) {
	h := newHarness(KindGenerated)
	h.rotate(t, "v1")
	puts, moves := h.fake.calls["PutSecretValue"], h.fake.calls["UpdateSecretVersionStage"]
	for _, s := range steps {
		if err := h.step(s, "v1"); err != nil {
			t.Fatalf("%s: %v", "a late retry after the rotation finished", err)
		}
	}
	if got, want := h.fake.calls["PutSecretValue"], puts; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.fake.calls[\"PutSecretValue\"]", got, want)
	}
	if got, want := h.fake.calls["UpdateSecretVersionStage"], moves; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.fake.calls[\"UpdateSecretVersionStage\"]", got, want)
	}
	if got, want := h.hook.set, 1; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", "h.hook.set", got, want)
	}
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
			if err := h.fake.startRotation("v1"); err != nil {
				t.Fatalf("%v", err)
			}
			if c.setup != nil {
				c.setup(h)
			}
			e := c.event
			e.SecretID, e.ClientRequestToken = h.fake.arn, "v1"
			if c.event.ClientRequestToken == "-" {
				e.ClientRequestToken = ""
			}
			err := h.r.Handle(context.Background(), e)
			if err == nil {
				t.Fatalf("%s: no error", "want an error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %q in %q", "missing", c.want, err.Error())
			}
			if h.fake.calls["PutSecretValue"] != 0 {
				t.Errorf("%s: %v", "nothing written", h.fake.calls["PutSecretValue"])
			}
		})
	}
}

func TestTestSecretRejectsValueOutsidePolicy(t *testing.T) {
	h := newHarness(KindAPIKey)
	if err := h.fake.startRotation("v1"); err != nil {
		t.Fatalf("%v", err)
	}
	_, err := h.fake.PutSecretValue(context.Background(), &sm.PutSecretValueInput{
		SecretId: aws.String(h.fake.arn), ClientRequestToken: aws.String("v1"),
		SecretString: aws.String("short"), VersionStages: []string{StagePending},
	})
	if err := err; err != nil {
		t.Fatalf("%v", err)
	}
	if err := h.step(StepCreate, "v1"); err != nil {
		t.Fatalf("%s: %v", "an existing pending value is kept", err)
	}
	err = h.step(StepTest, "v1")
	if err == nil {
		t.Fatalf("%s: no error", "want an error")
	}
	if !strings.Contains(err.Error(), "policy wants 40") {
		t.Errorf("%s: %q in %q", "missing", "policy wants 40", err.Error())
	}
	if strings.Contains(err.Error(), "short") {
		t.Errorf("%s: %q in %q", "errors never carry the value", "short", err.Error())
	}
}

func TestLengthTagOverridesPolicy(t *testing.T) {
	h := newHarness(KindGenerated)
	h.fake.tags[TagLength] = "64"
	h.rotate(t, "v1")
	v, _ := h.fake.valueAt(StageCurrent)
	if len(v) != 64 {
		t.Errorf("length %d, want %d", len(v), 64)
	}
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
				if err := err; err != nil {
					t.Errorf("%v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s: no error", "want an error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %q in %q", "missing", c.want, err.Error())
			}
		})
	}
}
