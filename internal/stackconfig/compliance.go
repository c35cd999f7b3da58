package stackconfig

import (
	"fmt"

	"github.com/example/hardening/compliance"
)

// Compliance configures the compliance review of a stack (key
// "compliance").
type Compliance struct {
	// Suppressions waive a rule for named resources, each with a reason.
	// Suppressed findings stay in every report.
	Suppressions []compliance.Suppression `json:"suppressions"`
}

func (c Compliance) validate(key string) []error {
	var errs []error
	for i, s := range c.Suppressions {
		k := fmt.Sprintf("%s.suppressions[%d]", key, i)
		if _, ok := compliance.Lookup(s.Rule); !ok {
			errs = append(errs, fieldErr(k+".rule", "%q is not a rule; the rules are %v", s.Rule, compliance.IDs()))
		}
		if s.Resource == "" {
			errs = append(errs, fieldErr(k+".resource", "is empty; give a URN or a resource name pattern"))
		}
		if len(s.Reason) < 20 {
			errs = append(errs, fieldErr(k+".reason", "%q is too short; say why the finding is accepted and until when", s.Reason))
		}
	}
	return errs
}
