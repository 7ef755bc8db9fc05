package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// billingAuth has a line of the authorization table (access_test.go) for every
// billing route.
func billingAuth(ta *testApp) map[string]authCase {
	sofie := ta.sofie.String()
	form := "application/x-www-form-urlencoded"
	jsonType := "application/json"
	const ok, created, see, forbidden, missing, invalid = 200, 201, 303, 403, 404, 422
	municipal := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}
	parentOrCase := [8]int{ok, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	fixed := func(s string) func(string) string { return func(string) string { return s } }
	// Income decisions for two families without one, one per actor that
	// may make it; the neighbour names a family it does not have.
	fams := billingFamiliesWithoutIncome(ta)
	familyOf := func(actor string) string {
		switch actor {
		case personaCaseworker:
			return fams[0]
		case personaAdmin:
			return fams[1]
		}
		return fams[2]
	}
	incomeJSON := func(actor string) string {
		return fmt.Sprintf(`{"family":%q,"annualIncome":"400000","applied":"2025-08-20","start":"2025-09-01","end":"2026-07-31","documentation":"test"}`, familyOf(actor))
	}
	// The page form uses the families the other way round, so both work.
	incomeForm := func(actor string) string {
		f := familyOf(actor)
		switch actor {
		case personaCaseworker:
			f = fams[3]
		case personaAdmin:
			f = fams[4]
		}
		return url.Values{"family": {f}, "income": {"450000"}, "applied": {"2025-08-20"}, "start": {"2025-09-01"}, "end": {"2026-07-31"}}.Encode()
	}
	return map[string]authCase{
		"GET /api/v1/families":         {path: "/api/v1/families", want: municipal},
		"GET /api/v1/income-decisions": {path: "/api/v1/income-decisions", want: municipal},
		"POST /api/v1/income-decisions": {path: "/api/v1/income-decisions", contentType: jsonType, body: incomeJSON,
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, invalid, created}},
		"GET /api/v1/price-lists": {path: "/api/v1/price-lists", want: municipal},
		// One SFO list per actor that may make it, in years of their own.
		"POST /api/v1/price-lists": {path: "/api/v1/price-lists", contentType: jsonType, body: func(actor string) string {
			y := map[string]int{personaCaseworker: 2040, personaOtherMunicipality: 2041, personaAdmin: 2042}[actor]
			return fmt.Sprintf(`{"kind":"sfo","start":"%d-08-01","end":"%d-07-31","brackets":[{"minHours":0,"price":"1500.00","food":"200.00"}],"siblingDiscounts":["0","0.25"]}`, y, y+1)
		}, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, created, created}},
		"GET /api/v1/invoice-runs": {path: "/api/v1/invoice-runs", want: municipal},
		// The neighbour runs its own municipality; the administrator finds
		// the month run already.
		"POST /api/v1/invoice-runs": {path: "/api/v1/invoice-runs", contentType: jsonType, body: fixed(`{"month":"2025-10"}`),
			want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, created, ok}},
		"GET /api/v1/invoices":                         {path: "/api/v1/invoices?month=2025-11", want: [8]int{ok, ok, ok, forbidden, forbidden, ok, ok, ok}},
		"GET /api/v1/children/{childId}/fee-decisions": {path: "/api/v1/children/" + sofie + "/fee-decisions", want: parentOrCase},
		"GET /api/v1/exports/finance.csv":              {path: "/api/v1/exports/finance.csv?month=2025-11", want: municipal},
		"POST /api/v1/payments":                        {path: "/api/v1/payments", contentType: jsonType, body: fixed(`{"ocr":"not an OCR line"}`), want: municipal},
		"GET /billing":                                 {path: "/billing", want: municipal},
		"POST /billing/invoice-runs":                   {path: "/billing/invoice-runs", contentType: form, body: fixed("month=2025-11"), want: municipal},
		"GET /billing/invoices":                        {path: "/billing/invoices?month=2025-11", want: municipal},
		"GET /billing/export.csv":                      {path: "/billing/export.csv?month=2025-11", want: municipal},
		"GET /billing/families":                        {path: "/billing/families", want: municipal},
		"POST /billing/income-decisions":               {path: "/billing/income-decisions", contentType: form, body: incomeForm, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, invalid, see}},
		"GET /billing/price-lists":                     {path: "/billing/price-lists", want: municipal},
		"GET /billing/payments":                        {path: "/billing/payments", want: municipal},
		"POST /billing/payments":                       {path: "/billing/payments", contentType: form, body: fixed("ocr=not+an+OCR+line"), want: municipal},
		"GET /invoices":                                {path: "/invoices", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /children/{childId}/fees":                 {path: "/children/" + sofie + "/fees", want: parentOrCase},
	}
}

// billingFamiliesWithoutIncome returns the IDs of five seeded families
// without an income decision.
func billingFamiliesWithoutIncome(ta *testApp) []string {
	ctx := context.Background()
	fs, err := ta.store.Families(ctx, demoMunicipality)
	if err != nil {
		panic(err)
	}
	ds, err := ta.store.IncomeDecisions(ctx, demoMunicipality)
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
