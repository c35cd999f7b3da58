// Package problem is the one shape of a broken rule that a component's
// argument check and the stack configuration share: the setting, by its
// configuration key relative to its section ("domain", "paths[1]"), and
// what is wrong, quoting the value. Components report problems as errors;
// the configuration adds the key path in front.
package problem

import "fmt"

// Problem is one rule a setting breaks.
type Problem struct {
	Setting string
	Message string
}

func (p Problem) Error() string { return p.Setting + ": " + p.Message }

// List collects problems in the order the rules run.
type List []Problem

// Add records that setting breaks a rule; format and a say how.
func (l *List) Add(setting, format string, a ...any) {
	*l = append(*l, Problem{setting, fmt.Sprintf(format, a...)})
}

// Errors returns the problems as errors, for errors.Join.
func (l List) Errors() []error {
	out := make([]error, len(l))
	for i, p := range l {
		out[i] = p
	}
	return out
}
