package webtest

import (
	"context"

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
