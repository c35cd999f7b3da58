package stackconfig

import "reflect"

// CheckShape walks v, decoded from JSON, against the Go type t and returns
// every unknown object key and every value of the wrong type, each naming
// its full path under path (the rules a stack file's sections follow), so
// that files other than stack files (the fleet file) report problems the
// same way.
func CheckShape(v any, t reflect.Type, path string) []error { return checkShape(v, t, path) }

// FieldErr is a problem with one key: its full path and what is wrong and
// what would be valid.
func FieldErr(key, format string, args ...any) error { return fieldErr(key, format, args...) }

// KnownRegion reports whether region is an AWS region the endpoint model
// lists.
func KnownRegion(region string) bool { return knownRegion(region) }
