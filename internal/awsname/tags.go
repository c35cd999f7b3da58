package awsname

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Tag limits every tagging API shares (Tagging AWS Resources user guide,
// "Tag naming limits and requirements"; the models' TagKey: min 1, max
// 128, TagValue: max 256, pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$).
const (
	TagKeyMax       = 128
	TagValueMax     = 256
	TagsPerResource = 50
	// ReservedTagPrefix is AWS's own: "You can't edit or delete tag keys
	// or values with this prefix" and tag writes with it are refused.
	ReservedTagPrefix = "aws:"
)

var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// Tag returns the problems of one tag.
func Tag(key, value string) []string {
	var out []string
	switch n := utf8.RuneCountInString(key); {
	case n == 0:
		out = append(out, "a tag key is empty; keys are 1 to 128 characters")
	case n > TagKeyMax:
		out = append(out, fmt.Sprintf("tag key %q… is %d characters; AWS allows %d", key[:20], n, TagKeyMax))
	}
	if strings.HasPrefix(strings.ToLower(key), ReservedTagPrefix) {
		out = append(out, fmt.Sprintf("tag key %q starts with %q, which AWS reserves for its own tags; every tagged resource would be refused", key, ReservedTagPrefix))
	}
	if !tagChars.MatchString(key) {
		out = append(out, fmt.Sprintf("tag key %q has characters AWS refuses; use letters, digits, spaces and _.:/=+-@", key))
	}
	if n := utf8.RuneCountInString(value); n > TagValueMax {
		out = append(out, fmt.Sprintf("the value of tag %q is %d characters; AWS allows %d", key, n, TagValueMax))
	}
	if !tagChars.MatchString(value) {
		out = append(out, fmt.Sprintf("the value of tag %q has characters AWS refuses; use letters, digits, spaces and _.:/=+-@", key))
	}
	return out
}

// Tags returns the problems of a resource's tags, sorted by key; counting
// is left to the caller, which knows what the provider adds.
func Tags(tags map[string]string) []string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		out = append(out, Tag(k, tags[k])...)
	}
	return out
}
