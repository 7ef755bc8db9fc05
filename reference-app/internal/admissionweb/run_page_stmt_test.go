package admissionweb_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The run page and the approval's page show a page of the run's children
// (issue 24), and so do the run's API and its results' pages: at 100 and
// at 2,000 applicants they cost the same number of statements, and the
// page does not grow with the applicants.
func TestRunPagesStatementsDoNotGrowWithApplicants(t *testing.T) {
	ta := webtest.NewPostgres(t)
	ctx := t.Context()
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	actor := ta.Personas[demo.PersonaCaseworker].Actor
	type measured struct {
		run, search, approved, approvedPage2, preview, approvedPreview, apiRun, apiResults webtest.Count
	}
	previewRows := map[int][2]int64{}
	got := map[int]measured{}
	for _, n := range []int{100, 2000} {
		intake, _, err := webtest.BigIntake(ctx, ta, n)
		require.NoError(t, err)
		run, err := ta.App.Admission().RunWithReason(ctx, actor, intake, 7, "test: the page at size")
		require.NoError(t, err)
		base := "/admission/runs/" + run.ID.String()
		var m measured
		logged := ta.ChildrenAuditedAs(t, "admission.run.read")
		m.run = ta.Counted(t, cw, base)
		assert.Equal(t, 2*min(n, 50), ta.ChildrenAuditedAs(t, "admission.run.read")-logged, "only the children shown are logged (twice: warm and counted)")
		assert.Contains(t, m.run.Body, "after=", "a next page")
		m.search = ta.Counted(t, cw, base+"?q=barn0042")
		assert.Contains(t, m.search.Body, "Barn0042 Storeng")
		assert.NotContains(t, m.search.Body, "Barn0041 Storeng")
		// The approval preview reads the run, its intake and the ended
		// applications (none here), not every application.
		read := ta.SQL.Rows()
		m.preview = ta.Counted(t, cw, "/api/v1/admission-runs/"+run.ID.String()+"/approval-preview")
		pr := ta.SQL.Rows() - read
		assert.Contains(t, m.preview.Body, fmt.Sprintf(`"letters":%d`, n))
		m.apiRun = ta.Counted(t, cw, "/api/v1/admission-runs/"+run.ID.String())
		m.apiResults = ta.Counted(t, cw, "/api/v1/admission-runs/"+run.ID.String()+"/results")
		_, err = ta.App.Admission().ApproveWithReason(ctx, actor, run.ID, "test: the page at size")
		require.NoError(t, err)
		m.approved = ta.Counted(t, cw, base+"/approved")
		m.approvedPage2 = ta.Counted(t, cw, base+"/approved?unit=none")
		read = ta.SQL.Rows()
		m.approvedPreview = ta.Counted(t, cw, "/api/v1/admission-runs/"+run.ID.String()+"/approval-preview")
		previewRows[n] = [2]int64{pr, ta.SQL.Rows() - read}
		for name, c := range map[string]webtest.Count{"run": m.run, "search": m.search, "approved": m.approved, "approved waiting": m.approvedPage2,
			"approval preview": m.preview, "approved run's preview": m.approvedPreview, "API run": m.apiRun, "API results": m.apiResults} {
			t.Logf("%s at %d applicants: %s", name, n, c)
		}
		got[n] = m
	}
	small, large := got[100], got[2000]
	for name, pair := range map[string][2]webtest.Count{"run": {small.run, large.run}, "run search": {small.search, large.search},
		"approved": {small.approved, large.approved}, "approved waiting": {small.approvedPage2, large.approvedPage2},
		"approval preview": {small.preview, large.preview}, "approved run's preview": {small.approvedPreview, large.approvedPreview},
		"API run": {small.apiRun, large.apiRun}, "API results": {small.apiResults, large.apiResults}} {
		assert.Equal(t, pair[0].Statements, pair[1].Statements, fmt.Sprintf("%s: the statements do not grow with the applicants", name))
		assert.Less(t, len(pair[1].Body), 200*1024, "%s: one page, not every applicant", name)
	}
	t.Logf("approval preview rows read (draft, approved) at 100 and 2,000 applicants: %v, %v", previewRows[100], previewRows[2000])
	assert.Equal(t, previewRows[100][0], previewRows[2000][0], "the draft's preview reads the same rows (run, intake; no application ended)")
}
