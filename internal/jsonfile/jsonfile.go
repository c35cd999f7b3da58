// Package jsonfile reads and writes the JSON files the developer commands
// generate from pinned sources (cmd/awsmodels, cmd/iamdata): the same
// indentation and final newline each time, so a regenerated file diffs
// cleanly against the committed one.
package jsonfile

import (
	"encoding/json"
	"fmt"
	"os"
)

// Read decodes the JSON file at path into v; an error names the file.
func Read(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Write encodes v indented by one space, with a final newline, to path.
func Write(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}
