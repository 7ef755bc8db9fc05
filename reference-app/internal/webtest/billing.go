package webtest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// BillingFamiliesWithoutIncome returns the IDs of five seeded families
// without an income decision.
func BillingFamiliesWithoutIncome(ta *Harness) []string {
	ctx := context.Background()
	fs, err := ta.Store.Families(ctx, demo.Municipality)
	if err != nil {
		panic(err)
	}
	ds, err := ta.Store.IncomeDecisions(ctx, demo.Municipality)
	if err != nil {
		panic(err)
	}
	has := map[billing.FamilyID]bool{}
	for _, d := range ds {
		has[d.Family] = true
	}
	var out []string
	for _, f := range fs {
		if !has[f.ID] && len(out) < 5 {
			out = append(out, f.ID.String())
		}
	}
	for len(out) < 5 {
		out = append(out, domain.NewID[billing.Family]().String())
	}
	return out
}

// RunInvoices makes the invoice run of month (YYYY-MM) through the API as
// a caseworker does: it previews the month and approves the preview with
// its fingerprint. It returns the approval's response (201 when made, 200
// when the month had been run), or the preview's when the preview was
// refused or the month had been run.
func (ta *Harness) RunInvoices(t *testing.T, cookie, month string) Response {
	t.Helper()
	p := ta.Do(t, cookie, "POST", "/api/v1/invoice-runs/preview", "application/json", `{"month":"`+month+`"}`)
	if p.Status == http.StatusConflict {
		return ta.Do(t, cookie, "POST", "/api/v1/invoice-runs", "application/json", `{"month":"`+month+`"}`)
	}
	if p.Status != http.StatusOK {
		return p
	}
	var v struct {
		Fingerprint string `json:"fingerprint"`
	}
	require.NoError(t, json.Unmarshal([]byte(p.Body), &v))
	return ta.Do(t, cookie, "POST", "/api/v1/invoice-runs", "application/json",
		`{"month":"`+month+`","fingerprint":"`+v.Fingerprint+`"}`)
}
