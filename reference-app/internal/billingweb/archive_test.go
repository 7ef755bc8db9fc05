package billingweb_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// Every fee decision an invoice run makes is archived once, in the run's
// transaction: a refused approval archives nothing, running the month
// again archives nothing more.
func TestFeeDecisionsAreArchivedOnce(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	res := ta.Do(t, cw, "POST", "/api/v1/invoice-runs", "application/json", `{"month":"2025-11","fingerprint":"0000"}`)
	require.Equal(t, 409, res.Status, res.Body)
	assert.Empty(t, ta.Archived(t, "fee-decision"), "a refused run archives nothing")

	run := ta.RunInvoices(t, cw, "2025-11")
	require.Equal(t, 201, run.Status, run.Body)
	var v struct {
		Decisions int `json:"decisions"`
	}
	require.NoError(t, json.Unmarshal([]byte(run.Body), &v))
	require.NotZero(t, v.Decisions)
	ds, err := ta.Store.FeeDecisions(t.Context(), demo.Municipality)
	require.NoError(t, err)
	made := map[string]billing.FeeDecision{}
	for _, d := range ds {
		if d.Run.String() == "2025-11" {
			made["archive/fee-decision/"+d.ID.String()] = d
		}
	}
	require.Len(t, made, v.Decisions)
	archived := ta.Archived(t, "fee-decision")
	require.Len(t, archived, v.Decisions, "one archive copy per fee decision")
	for _, a := range archived {
		d, ok := made[a.Key]
		require.True(t, ok, "keyed by a decision of the run: %s", a.Key)
		f, err := ta.Store.Family(t.Context(), demo.Municipality, d.Family)
		require.NoError(t, err)
		assert.Equal(t, f.Payer, a.Guardian, "to the family's payer")
		var cp web.ArchiveCopy
		require.NoError(t, json.Unmarshal([]byte(a.Body), &cp))
		assert.True(t, strings.HasPrefix(cp.Document.Title, "Vedtak om foreldrebetaling"), cp.Document.Title)
		assert.Equal(t, "nb", cp.Document.Lang)
		assert.Equal(t, "Siri Saksbehandler", cp.Archive.Record.Caseworker)
		assert.Equal(t, strings.TrimPrefix(a.Key, "archive/"), cp.Archive.Record.ExternalKey)
		assert.NotContains(t, cp.Archive.Folder.PublicTitle, " – ", "the public title names no one")
	}

	again := ta.RunInvoices(t, cw, "2025-11")
	require.Less(t, again.Status, 300, again.Body)
	assert.Len(t, ta.Archived(t, "fee-decision"), v.Decisions, "running the month again archives nothing")
}

// An income decision is archived once, addressed to the family's payer:
// a refused request archives nothing, the same period again is a
// conflict that archives nothing.
func TestIncomeDecisionIsArchivedOnce(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	fam := webtest.BillingFamiliesWithoutIncome(ta)[0]
	body := func(income string) string {
		return fmt.Sprintf(`{"family":%q,"annualIncome":%q,"applied":"2025-08-20","start":"2025-09-01","end":"2026-07-31","documentation":"Skattemelding 2024"}`, fam, income)
	}
	res := ta.Do(t, cw, "POST", "/api/v1/income-decisions", "application/json", body("mange penger"))
	require.Equal(t, 422, res.Status, res.Body)
	assert.Empty(t, ta.Archived(t, "income-decision"), "a refused decision archives nothing")

	res = ta.Do(t, cw, "POST", "/api/v1/income-decisions", "application/json", body("400000"))
	require.Equal(t, 201, res.Status, res.Body)
	var v struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(res.Body), &v))
	archived := ta.Archived(t, "income-decision")
	require.Len(t, archived, 1)
	assert.Equal(t, "archive/income-decision/"+v.ID, archived[0].Key)
	id, err := domain.ParseID[billing.Family](fam)
	require.NoError(t, err)
	f, err := ta.Store.Family(t.Context(), demo.Municipality, id)
	require.NoError(t, err)
	assert.Equal(t, f.Payer, archived[0].Guardian)
	var cp web.ArchiveCopy
	require.NoError(t, json.Unmarshal([]byte(archived[0].Body), &cp))
	assert.Equal(t, "Vedtak om redusert foreldrebetaling", cp.Document.Title)
	assert.Contains(t, cp.Document.Text(), "2 181,82 kr", "the letter as the guardian reads it")
	assert.Equal(t, "Siri Saksbehandler", cp.Archive.Record.Caseworker)

	res = ta.Do(t, cw, "POST", "/api/v1/income-decisions", "application/json", body("400000"))
	require.Equal(t, 409, res.Status, res.Body)
	assert.Len(t, ta.Archived(t, "income-decision"), 1, "the same period again archives nothing")
}
