// Package signin holds the sign-in choices of a Cognito user pool (MFA,
// the password policy, the feature tier, threat protection) as named
// types, and the rules between them, in one place: the identity component
// checks its arguments with them and the stack configuration reuses them
// with the key path. It imports only the standard library.
package signin

import "github.com/example/hardening/internal/problem"

// MFA is a user pool's MFA setting.
type MFA string

// MFA settings.
const (
	MFAOn       MFA = "ON"
	MFAOptional MFA = "OPTIONAL"
	MFAOff      MFA = "OFF"
)

// ThreatProtection is the mode of Cognito's threat protection.
type ThreatProtection string

// Threat-protection modes.
const (
	Enforced ThreatProtection = "ENFORCED"
	Audit    ThreatProtection = "AUDIT"
)

// Tier is a user pool's feature plan.
type Tier string

// Feature plans.
const (
	Plus       Tier = "PLUS"
	Essentials Tier = "ESSENTIALS"
)

// Settings are the sign-in settings of a user pool.
type Settings struct {
	MFA                   MFA
	PasswordMinLength     int
	PasswordHistory       int
	TemporaryPasswordDays int
	ThreatProtection      ThreatProtection
	Tier                  Tier
	// Production refuses what only development may relax.
	Production bool
}

// Check returns every rule s breaks.
func (s Settings) Check() problem.List {
	var out problem.List
	add := out.Add
	switch {
	case s.MFA != MFAOn && s.MFA != MFAOptional && s.MFA != MFAOff:
		add("mfa", "%q is not ON, OPTIONAL or OFF", s.MFA)
	case s.Production && s.MFA != MFAOn:
		add("mfa", "%q in a production stack; MFA must be ON (FSBP Cognito.5), or set production: false", s.MFA)
	}
	if s.PasswordMinLength < 14 || s.PasswordMinLength > 99 {
		add("passwordMinLength", "%d is out of range; use 14 to 99", s.PasswordMinLength)
	}
	if s.PasswordHistory < 0 || s.PasswordHistory > 24 {
		add("passwordHistory", "%d is out of range; Cognito remembers 0 to 24 passwords", s.PasswordHistory)
	}
	if s.TemporaryPasswordDays < 1 || s.TemporaryPasswordDays > 7 {
		add("temporaryPasswordDays", "%d is out of range; use 1 to 7 days (FSBP Cognito.3)", s.TemporaryPasswordDays)
	}
	switch {
	case s.ThreatProtection != Enforced && s.ThreatProtection != Audit:
		add("threatProtection", "%q is not ENFORCED or AUDIT", s.ThreatProtection)
	case s.Production && s.ThreatProtection != Enforced:
		add("threatProtection", "%q in a production stack; threat protection must be ENFORCED (FSBP Cognito.1)", s.ThreatProtection)
	}
	switch {
	case s.Tier != Plus && s.Tier != Essentials:
		add("tier", "%q is not PLUS or ESSENTIALS", s.Tier)
	case s.Tier != Plus:
		// Threat protection, in AUDIT as in ENFORCED mode, is a PLUS
		// feature (Cognito developer guide, "User pool feature plans"):
		// ESSENTIALS refuses it with FeatureUnavailableInTierException.
		add("tier", "%q has no threat protection (AUDIT or ENFORCED, threatProtection is %s); use PLUS", s.Tier, s.ThreatProtection)
	}
	return out
}
