package sar

import (
	"fmt"
	"slices"
	"strings"
)

// ARNWant is what a field expects of an ARN: the stack's partition, a
// service, the account when the field must name this account's resource,
// and the resource types (the reference's names, such as "role") it takes.
type ARNWant struct {
	Partition string
	Service   string
	// Account, when set, is the only account the ARN may name.
	Account string
	// Types are the resource types of Service the field takes; none means
	// any of the service's.
	Types []string
}

// CheckARN returns what is wrong with arn for want: not an ARN, another
// partition, service or account, or no ARN format of the wanted resource
// types in the Service Authorization Reference.
func CheckARN(arn string, want ARNWant) []string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return []string{fmt.Sprintf("%q is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)", arn)}
	}
	var out []string
	if want.Partition != "" && parts[1] != want.Partition {
		out = append(out, fmt.Sprintf("%q is in partition %q; the stack deploys into %q", arn, parts[1], want.Partition))
	}
	if want.Service != "" && parts[2] != want.Service {
		out = append(out, fmt.Sprintf("%q is an ARN of service %q; the field takes %s", arn, parts[2], want.Service))
		return out
	}
	if want.Account != "" && parts[4] != want.Account {
		out = append(out, fmt.Sprintf("%q is of account %q; the field takes this stack's account %s", arn, parts[4], want.Account))
	}
	d, err := Load()
	if err != nil {
		return append(out, err.Error())
	}
	svc, ok := d.Services[parts[2]]
	if !ok {
		return out // a service outside the pinned subset: its formats are not known here
	}
	types := want.Types
	if len(types) == 0 {
		for t := range svc.Resources {
			types = append(types, t)
		}
		slices.Sort(types)
	}
	sample := strings.ToLower(arn)
	for _, t := range types {
		if rt, ok := svc.Resources[t]; ok && template(rt.ARN).MatchString(sample) {
			return out
		}
	}
	var got []string
	for t, rt := range svc.Resources {
		if template(rt.ARN).MatchString(sample) {
			got = append(got, t)
		}
	}
	slices.Sort(got)
	what := "no resource type of " + parts[2]
	if len(got) > 0 {
		what = "a " + strings.Join(got, " or ")
	}
	return append(out, fmt.Sprintf("%q is %s; the field takes a %s (%s)", arn, what, strings.Join(types, " or "), d.Source))
}
