package stackconfig

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/stackfile"
)

// checkAgreement refuses settings of two workload stacks that AWS or
// GitHub would let one stack use against the other, or that collide:
//   - the stack tag (aws:defaultTags environment) of two stacks of one
//     account: each CI deploy role is held to its own value, so the same
//     value hands each the other's resources;
//   - the same tls.domain: two load balancers would claim one name;
//   - the same Cognito domain prefix in one region: prefixes are unique
//     per region across AWS, so the second stack's CreateUserPoolDomain fails;
//   - the same GitHub environment of one repository for two stacks'
//     deploy or preview roles: a job of one environment could assume both;
//   - the same state key (identity.ci.stateKeyArn): each stack's state is
//     encrypted by its own key.
func checkAgreement(stacks []Stack) []error {
	var errs []error
	type claim struct{ stack, key string }
	claims := map[string][]claim{}
	add := func(what, value, stack, key string) {
		if value != "" {
			claims[what+"\x00"+value] = append(claims[what+"\x00"+value], claim{stack, key})
		}
	}
	for _, s := range stacks {
		c := s.Config
		if c.Kind != WorkloadKind {
			continue
		}
		add("stack tag of account "+c.AccountID, c.DefaultTags[StackTagKey], s.Name, "aws:defaultTags.tags."+StackTagKey)
		add("domain", c.TLS.Domain, s.Name, "tls.domain")
		prefix := c.Identity.UserPool.DomainPrefix
		if prefix == "" {
			prefix = Namespace + "-" + s.Name // the program's default
		}
		add("Cognito domain prefix in "+c.Region, prefix, s.Name, "identity.userPool.domainPrefix")
		if ci := c.Identity.CI; ci.Repository != "" {
			add("GitHub environment of "+ci.Repository, ci.Environment, s.Name, "identity.ci.environment")
			add("GitHub environment of "+ci.Repository, ci.PreviewEnvironment, s.Name, "identity.ci.previewEnvironment")
		}
		add("state key", c.Identity.CI.StateKeyARN, s.Name, "identity.ci.stateKeyArn")
	}
	for _, id := range slices.Sorted(mapKeys(claims)) {
		cs := claims[id]
		if len(cs) < 2 {
			continue
		}
		what, value, _ := strings.Cut(id, "\x00")
		for _, c := range cs {
			var others []string
			for _, o := range cs {
				if o != c {
					others = append(others, fmt.Sprintf("%s of %s", o.key, o.stack))
				}
			}
			errs = append(errs, fieldErr("Pulumi."+c.stack+".yaml: "+c.key, "%q is also %s; the %s must differ between stacks", value, strings.Join(others, ", "), what))
		}
	}
	return errs
}

// CheckAgainstProject checks one workload stack's configuration against
// the other stack files in dir (checkAgreement), so that a collision is
// refused when that stack runs, before it registers anything. A file
// that does not parse is left out: its own run reports it.
func CheckAgainstProject(dir, stack string, cfg *Config) error {
	names, err := stackfile.Names(dir)
	if err != nil || !slices.Contains(names, stack) {
		// No stack file beside the program, or a stack rendered from
		// elsewhere (a fleet's, checked against its fleet): no stack file
		// to agree with.
		return nil
	}
	stacks := []Stack{{Name: stack, Config: cfg}}
	for _, n := range names {
		if n == stack {
			continue
		}
		f, err := stackfile.Read(dir, n)
		if err != nil {
			continue
		}
		if c, err := ParseFile(f); err == nil {
			stacks = append(stacks, Stack{Name: n, Config: c})
		}
	}
	var errs []error
	for _, e := range checkAgreement(stacks) {
		if strings.HasPrefix(e.Error(), "Pulumi."+stack+".yaml: ") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return &Error{Problems: errs}
	}
	return nil
}
