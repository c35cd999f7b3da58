package addressing

import (
	"fmt"
	"slices"

	"github.com/example/hardening/internal/problem"
)

// adminPorts must never be an app or database port: opening them to a tier
// would put SSH or RDP behind the security groups' tier rules.
var adminPorts = []int{22, 3389}

// CheckPort says what is wrong with a port a tier listens on: outside
// 1-65535, or a remote-administration port.
func CheckPort(port int) error {
	switch {
	case port < 1 || port > 65535:
		return fmt.Errorf("%d is not a TCP port; use 1 to 65535", port)
	case slices.Contains(adminPorts, port):
		return fmt.Errorf("%d is a remote-administration port (SSH or RDP); use another port", port)
	}
	return nil
}

// CheckTierPorts returns the rules the app and database ports break, by
// the configuration key under network ("appPort", "databasePort"). The
// network component and the configuration both check them with it.
func CheckTierPorts(app, database int) problem.List {
	var out problem.List
	if err := CheckPort(app); err != nil {
		out.Add("appPort", "%v", err)
	}
	if err := CheckPort(database); err != nil {
		out.Add("databasePort", "%v", err)
	} else if app == database {
		out.Add("databasePort", "%d is also the app port; the tiers need distinct ports", database)
	}
	return out
}
