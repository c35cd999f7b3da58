package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan/tfplan"
)

func fixture() (caseInput, *tfplan.Plan) {
	g := &compliance.Graph{Resources: []compliance.Resource{
		{Type: restype.KMSKey, Name: "a", URN: "urn:a", ID: "a"},
		{Type: restype.KMSKey, Name: "b", URN: "urn:b", ID: "b"},
		{Type: restype.S3BucketV2, Name: "logs", URN: "urn:bucket", ID: "logs"},
		{Type: restype.S3BucketPublicAccessBlock, Name: "logs", URN: "urn:pab",
			Inputs: map[string]any{"bucket": "logs"}, PropertyDependencies: map[string][]string{"bucket": {"urn:bucket"}}},
	}}
	return caseInput{Name: "t", Stack: "t", Graph: g}, tfplan.Convert(g)
}

func result(avd, status, resource string) misconfiguration {
	m := misconfiguration{AVDID: avd, Status: status, Message: "trivy says " + avd}
	m.CauseMetadata.Resource = resource
	return m
}

func TestReconcileComparesEverySubject(t *testing.T) {
	c, tp := fixture()
	rep := &compliance.Report{Findings: []compliance.Finding{
		{Rule: "kms-rotation", URN: "urn:a", Message: "a does not rotate"},
	}}
	got := reconcile(c, rep, tp, []misconfiguration{
		result("AVD-AWS-0065", "FAIL", "aws_kms_key.b"),
		result("AVD-AWS-0086", "FAIL", "aws_s3_bucket_public_access_block.logs"),
	})
	require.Len(t, got.Disagreements, 3, "%+v", got.Disagreements)
	assert.Equal(t, Disagreement{AVD: "AVD-AWS-0065", Rule: "kms-rotation", Controls: []string{"CKV_AWS_7"}, Subject: "urn:a",
		Trivy: pass, Project: fail, Message: "a does not rotate"}, got.Disagreements[0], "the project fails a, trivy does not")
	assert.Equal(t, Disagreement{AVD: "AVD-AWS-0065", Rule: "kms-rotation", Controls: []string{"CKV_AWS_7"}, Subject: "urn:b",
		Trivy: fail, Project: pass, Message: "trivy says AVD-AWS-0065"}, got.Disagreements[1], "trivy fails b, the project does not")
	assert.Equal(t, "urn:bucket", got.Disagreements[2].Subject, "a public access block's verdict is its bucket's")
	assert.Equal(t, 3, got.Compared, "two keys and a bucket")
	assert.Equal(t, 2, got.TrivyFail)
	assert.Contains(t, got.NotRun, "AVD-AWS-0014", "a check without any result is not run, not passed")
}

func TestReconcileAgreementAndControls(t *testing.T) {
	c, tp := fixture()
	rep := &compliance.Report{Findings: []compliance.Finding{
		{Rule: "s3-public-access-blocked", Controls: []string{"CKV_AWS_53"}, URN: "urn:pab"},
		{Rule: "s3-public-access-blocked", Controls: []string{"CKV_AWS_54"}, URN: "urn:pab", NotJudged: true},
	}}
	got := reconcile(c, rep, tp, []misconfiguration{
		result("AVD-AWS-0086", "FAIL", "aws_s3_bucket_public_access_block.logs"),
		result("AVD-AWS-0087", "PASS", ""),
		result("AVD-AWS-0065", "PASS", ""),
		result("AVD-AWS-0101", "FAIL", "aws_vpc.v"),
	})
	assert.Equal(t, []Disagreement{{AVD: "AVD-AWS-0087", Rule: "s3-public-access-blocked", Controls: []string{"CKV_AWS_54"},
		Subject: "urn:bucket", Trivy: pass, Project: notJudged}}, got.Disagreements,
		"a finding counts only for the control it names; not judged is not a pass")
	assert.Equal(t, 4, got.Compared, "0086 and 0087 on the bucket, 0065 on two keys")
	assert.Equal(t, 3, got.Agreed)
	assert.Equal(t, map[string]int{"AVD-AWS-0101 ": 1}, got.Unpaired, "a failure of a check with no pair is listed")
}

func TestReconcileStackChecks(t *testing.T) {
	c, tp := fixture()
	tests := []struct {
		name    string
		results []misconfiguration
		finding bool
		want    int // disagreements
	}{
		{"both fail", []misconfiguration{result("AVD-AWS-0149", "FAIL", "aws_cloudtrail.t")}, true, 0},
		{"trivy fails, the project passes", []misconfiguration{result("AVD-AWS-0149", "FAIL", "aws_cloudtrail.t")}, false, 1},
		{"trivy passes, the project fails", []misconfiguration{result("AVD-AWS-0149", "PASS", "")}, true, 1},
		{"both pass", []misconfiguration{result("AVD-AWS-0149", "PASS", "")}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &compliance.Report{}
			if tt.finding {
				rep.Findings = append(rep.Findings, compliance.Finding{Rule: "cis-metric-filters", Controls: []string{"CIS 4.3"}, URN: "urn:somewhere"})
			}
			got := reconcile(c, rep, tp, tt.results)
			assert.Len(t, got.Disagreements, tt.want)
			assert.Equal(t, 1, got.Compared, "a stack check has one subject")
		})
	}
}
