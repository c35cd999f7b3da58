package compliance

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// ToolName names the compliance tool in SARIF and reports.
const ToolName = "hardening-compliance"

// Version is the rule set's version.
const Version = "1.0.0"

func status(f Finding) string {
	switch {
	case f.NotJudged:
		return "not judged"
	case f.Suppressed:
		return "suppressed"
	case f.Mandatory:
		return "BLOCKING"
	default:
		return "advisory"
	}
}

// WriteTable writes the findings as an aligned text table.
func WriteTable(w io.Writer, rep *Report) error {
	blocking := len(rep.Blocking())
	fmt.Fprintf(w, "compliance: %s/%s: %d rules on %d resources: %d findings, %d blocking",
		rep.Project, rep.Stack, rep.Rules, rep.Resources, len(rep.Findings), blocking)
	if n := len(rep.NotJudged()); n > 0 {
		fmt.Fprintf(w, ", %d not judged until apply", n)
	}
	fmt.Fprintln(w)
	if len(rep.Findings) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tSEVERITY\tRULE\tCONTROLS\tFINDING")
	for _, f := range rep.Findings {
		msg := f.Message
		if f.Suppressed {
			msg += " [suppressed: " + f.Reason + "]"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", status(f), f.Severity, f.Rule, strings.Join(f.Controls, ", "), msg)
	}
	return tw.Flush()
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// ReadJSON reads a report WriteJSON wrote.
func ReadJSON(r io.Reader) (*Report, error) {
	var rep Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, fmt.Errorf("read compliance report: %w", err)
	}
	return &rep, nil
}

// MarkdownMarker starts every Markdown report, so that a pull-request
// comment can be found and updated rather than repeated.
func MarkdownMarker(stack string) string { return "<!-- " + ToolName + ":" + stack + " -->" }

// WriteMarkdown writes the report for a pull-request comment.
func WriteMarkdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	blocking := rep.Blocking()
	suppressed, notJudged := 0, len(rep.NotJudged())
	for _, f := range rep.Findings {
		if f.Suppressed {
			suppressed++
		}
	}
	verdict := "✅ passes"
	if len(blocking) > 0 {
		verdict = fmt.Sprintf("❌ %d blocking finding(s)", len(blocking))
	}
	fmt.Fprintf(&b, "%s\n### Compliance: `%s` %s\n\n", MarkdownMarker(rep.Stack), rep.Stack, verdict)
	fmt.Fprintf(&b, "%d rules on %d resources (%s): %d blocking, %d advisory, %d suppressed, %d not judged.\n\n",
		rep.Rules, rep.Resources, rep.Source, len(blocking), len(rep.Findings)-len(blocking)-suppressed-notJudged, suppressed, notJudged)
	if notJudged > 0 {
		b.WriteString("Some properties are computed at deployment, so a preview cannot judge them; the offline plan (`go run ./cmd/plan -stack " + rep.Stack + "`) resolves every value and judges them all.\n\n")
	}
	row := func(f Finding, last string) {
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s | `%s` | %s |\n", status(f), f.Severity, f.Rule,
			mdEscape(strings.Join(f.Controls, ", ")), mdEscape(f.Name), mdEscape(last))
	}
	if n := len(rep.Findings) - suppressed; n > 0 {
		b.WriteString("| status | severity | rule | controls | resource | finding |\n|---|---|---|---|---|---|\n")
		for _, f := range rep.Findings {
			if !f.Suppressed {
				row(f, f.Message)
			}
		}
		b.WriteString("\n")
	}
	if suppressed > 0 {
		b.WriteString("<details><summary>Suppressed findings and their reasons</summary>\n\n")
		b.WriteString("| status | severity | rule | controls | resource | reason |\n|---|---|---|---|---|---|\n")
		for _, f := range rep.Findings {
			if f.Suppressed {
				row(f, f.Reason)
			}
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// SARIF 2.1.0 document types (the fields GitHub code scanning reads).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     sarifText         `json:"shortDescription"`
		FullDescription      sarifText         `json:"fullDescription"`
		DefaultConfiguration sarifConfig       `json:"defaultConfiguration"`
		Properties           sarifRuleProperty `json:"properties"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProperty struct {
		Tags             []string `json:"tags"`
		SecuritySeverity string   `json:"security-severity"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID       string             `json:"ruleId"`
		RuleIndex    int                `json:"ruleIndex"`
		Kind         string             `json:"kind,omitempty"`
		Level        string             `json:"level"`
		Message      sarifText          `json:"message"`
		Locations    []sarifLocation    `json:"locations"`
		Suppressions []sarifSuppression `json:"suppressions,omitempty"`
		Fingerprints map[string]string  `json:"partialFingerprints"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogical `json:"logicalLocations"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	}
)

var securitySeverity = map[Severity]string{Critical: "9.5", High: "8.0", Medium: "5.5", Low: "3.0"}

func sarifLevel(s Severity) string {
	switch s {
	case Critical, High:
		return "error"
	case Medium:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes the report as SARIF 2.1.0 for GitHub code scanning.
// Each result points at the Go source line that registered the resource,
// relative to root (the repository), when that is known; every result
// names the resource's URN as its logical location.
func WriteSARIF(w io.Writer, rep *Report, rules []Rule, root string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{
		Name: ToolName, Version: Version,
		InformationURI: "https://github.com/example-org/hardening#reviewing-a-change",
	}}, Results: []sarifResult{}}
	index := map[string]int{}
	for i, r := range rules {
		index[r.ID] = i
		tags := append([]string{"security", "iac", "pulumi"}, r.Controls...)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: r.ID, Name: r.ID,
			ShortDescription:     sarifText{r.Description},
			FullDescription:      sarifText{r.Description + controlsSuffix(r.Controls)},
			DefaultConfiguration: sarifConfig{sarifLevel(r.Severity)},
			Properties:           sarifRuleProperty{Tags: tags, SecuritySeverity: securitySeverity[r.Severity]},
		})
	}
	for _, f := range rep.Findings {
		loc := sarifLocation{LogicalLocations: []sarifLogical{{FullyQualifiedName: f.URN, Kind: "resource"}}}
		if f.SourceFile != "" {
			uri := f.SourceFile
			if rel, err := filepath.Rel(root, f.SourceFile); err == nil && !strings.HasPrefix(rel, "..") {
				uri = filepath.ToSlash(rel)
			}
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: "%SRCROOT%"}}
			if f.SourceLine > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.SourceLine}
			}
		}
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message:      sarifText{fmt.Sprintf("[%s] %s", rep.Stack, f.Message)},
			Locations:    []sarifLocation{loc},
			Fingerprints: map[string]string{"resourceUrn/v1": f.Rule + "|" + f.URN},
		}
		if f.Suppressed {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: f.Reason}}
		}
		if f.NotJudged {
			// SARIF 2.1.0: kind "open" is a rule that could not decide; its
			// level must then be "none".
			res.Kind, res.Level = "open", "none"
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

func controlsSuffix(c []string) string {
	if len(c) == 0 {
		return " (this project's control; no public scanner checks it)"
	}
	return " Controls: " + strings.Join(c, ", ") + "."
}
