// Package secretkind is what the configuration, the Pulumi program and the
// rotation function share about an inventory secret: its kind, the tags
// the program sets on it and the function reads, and each rotated kind's
// character policy. It imports only the standard library, so that neither
// the configuration nor the Pulumi components pull in the AWS SDK the
// function is built with.
package secretkind

import (
	"fmt"
	"slices"
)

// Kind says where a secret's values come from and who rotates them.
type Kind string

// The kinds of inventory secret.
const (
	// Generated is a password the rotation function generates, the first
	// one included, so no value ever passes through Pulumi.
	Generated Kind = "generated"
	// APIKey is an alphanumeric key the rotation function generates, the
	// first one included (as for Generated, no value passes through
	// Pulumi).
	APIKey Kind = "api-key"
	// External is a value another party issues, set with
	// `pulumi config set --secret hardening:secret-<name>`; that party
	// rotates it, not the rotation function.
	External Kind = "external"
)

// Kinds are the valid kinds, in the order messages list them.
var Kinds = []Kind{Generated, APIKey, External}

// Check says what is wrong with k: a kind the program does not know.
func (k Kind) Check() error {
	if slices.Contains(Kinds, k) {
		return nil
	}
	return fmt.Errorf("%q is not one of %s, %s, %s", k, Generated, APIKey, External)
}

// Rotated reports whether the rotation function rotates secrets of k.
func (k Kind) Rotated() bool { return k != External }

// Tag keys the program sets on every secret. The function reads TagKind
// and TagLength; the others are the inventory's metadata.
const (
	TagKind           = "secret-kind"
	TagLength         = "password-length"
	TagOwner          = "owner"
	TagTeam           = "team"
	TagClassification = "data-classification"
	TagRotationDays   = "rotation-days"
)

// Policy is the character policy of a kind's values.
type Policy struct {
	// Length is the number of characters.
	Length int
	// Punctuation allows punctuation; without it a value is alphanumeric.
	Punctuation bool
	// Exclude lists characters a value never contains.
	Exclude string
}

// Policies are the default character policies of the rotated kinds. A
// secret's TagLength tag overrides the length.
var Policies = map[Kind]Policy{
	// Quotes, backslash, slash, @ and space break connection strings and
	// shell quoting.
	Generated: {Length: 32, Punctuation: true, Exclude: "\"'`\\/@ "},
	APIKey:    {Length: 40},
}
