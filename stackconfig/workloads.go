package stackconfig

import (
	"fmt"
	"regexp"
)

// Workload is a service of the stack that runs under its own IAM role, such
// as the app tier (key "workloads", a list).
type Workload struct {
	// Name is unique in the stack: lower-case letters, digits and hyphens.
	Name string `json:"name"`
	// Team is the role's team tag, which attribute-based conditions match
	// against a secret's team tag.
	Team string `json:"team"`
	// Service is the AWS service principal that runs the workload and may
	// assume its role, such as ecs-tasks.amazonaws.com.
	Service string `json:"service"`
}

// DefaultWorkloads returns the one workload a stack has unless it says
// otherwise: the app tier, run by ECS tasks.
func DefaultWorkloads() []Workload {
	return []Workload{{Name: "app", Team: "app", Service: "ecs-tasks.amazonaws.com"}}
}

var (
	workloadNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	servicePrinRE  = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$`)
	teamRE         = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
)

func validateWorkloads(key string, ws []Workload) []error {
	var errs []error
	seen := map[string]bool{}
	for i, w := range ws {
		k := fmt.Sprintf("%s[%d]", key, i)
		if !workloadNameRE.MatchString(w.Name) {
			errs = append(errs, fieldErr(k+".name", "%q is not a workload name: 1 to 32 lower-case letters, digits and hyphens", w.Name))
		}
		if seen[w.Name] {
			errs = append(errs, fieldErr(k+".name", "%q is defined twice; names are unique", w.Name))
		}
		seen[w.Name] = true
		if !teamRE.MatchString(w.Team) {
			errs = append(errs, fieldErr(k+".team", "%q is not a team name: lower-case letters, digits and hyphens", w.Team))
		}
		if !servicePrinRE.MatchString(w.Service) {
			errs = append(errs, fieldErr(k+".service", "%q is not an AWS service principal such as ecs-tasks.amazonaws.com; wildcards are not allowed", w.Service))
		}
	}
	return errs
}
