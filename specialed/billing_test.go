package specialed_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

// The decision reaches billing through the store: an invoice run of the
// month gives the grade-6 pupil with a decision on individually adapted
// education free SFO, and the other grade-6 pupil pays the full price, to
// the øre.
func TestDecisionGivesFreeSFOInTheRun(t *testing.T) {
	ctx := context.Background()
	w := setup(t)
	sfo := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: w.m, Name: "Nordby SFO", Kind: domain.SFO, Owner: domain.Municipal, Parent: w.school.ID}
	siri := domain.Child{ID: domain.NewID[domain.Child](), Municipality: w.m, GivenName: "Siri", FamilyName: "Dahl",
		BirthDate: date.New(2015, 5, 6), AddressProtection: domain.ProtectionNone}
	payer := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: w.m, GivenName: "Ida", FamilyName: "Dahl"}
	w.child.BirthDate = date.New(2015, 3, 4) // grade 6 in 2026/27
	require.NoError(t, w.store.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(w.store.UpdateChild(ctx, w.child), w.store.CreateUnit(ctx, sfo), w.store.CreateChild(ctx, siri),
			w.store.CreateGuardian(ctx, payer),
			w.store.PutGuardianship(ctx, domain.Guardianship{Municipality: w.m, ChildID: siri.ID, GuardianID: payer.ID, ParentalResponsibility: true}))
	}))
	for _, c := range []domain.ChildID{w.child.ID, siri.ID} {
		require.NoError(t, w.store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: w.m, ChildID: c,
			UnitID: sfo.ID, Kind: domain.SFO, HoursPerWeek: 20, Period: domain.Period{Start: date.New(2026, 8, 17)}}))
	}
	bill := &billing.Service{Store: w.store, Clock: w.clock}
	set := billing.DefaultSettings()
	set.Municipality, set.BankAccount, set.FirstMonth = w.m, "32074068323", billing.Month{Year: 2026, Month: time.August}
	_, err := bill.PutSettings(ctx, w.caseworker, set)
	require.NoError(t, err)
	for payerID, child := range map[domain.GuardianID]domain.ChildID{w.mother.ID: w.child.ID, payer.ID: siri.ID} {
		id := domain.NewID[billing.Family]()
		require.NoError(t, bill.CreateFamily(ctx, w.caseworker, billing.Family{ID: id, Municipality: w.m, Payer: payerID,
			Members: []billing.Member{{ID: domain.NewID[billing.Member](), Family: id, Municipality: w.m, Child: child, Period: domain.Period{Start: date.New(2026, 8, 1)}}}}))
	}
	require.NoError(t, bill.CreatePriceList(ctx, w.caseworker, billing.PriceList{ID: domain.NewID[billing.PriceList](), Municipality: w.m, Kind: domain.SFO,
		Period: domain.Period{Start: date.New(2026, 8, 1)},
		SFO:    &billing.SFOPrices{Brackets: []billing.SFOBracket{{MinHours: 0, Price: decimal.RequireFromString("3123.45"), Food: decimal.Zero}}}}))

	// The case up to a granted decision from 1 October.
	mother := domain.GuardianActor(w.m, w.mother.ID)
	c, err := w.svc.Open(ctx, w.teacher, w.child.ID, w.school.ID, "Bekymring.")
	require.NoError(t, err)
	_, err = w.svc.Record(ctx, mother, c.ID, specialed.Entry{Step: specialed.StepConsent})
	require.NoError(t, err)
	_, err = w.svc.Record(ctx, w.teacher, c.ID, specialed.Entry{Step: specialed.StepReferral, PPT: w.ppt.ID, Text: "Henvisning."})
	require.NoError(t, err)
	p := specialed.Provision{Outcome: specialed.Granted, Kind: specialed.AdaptedEducation, Hours: hours("4", ""),
		Organisation: "I gruppe", From: date.New(2026, 10, 1), To: date.New(2027, 6, 20)}
	_, err = w.svc.Record(ctx, w.pptWorker, c.ID, specialed.Entry{Step: specialed.StepAssessment, Text: "Vurdering.", Provision: &p})
	require.NoError(t, err)
	_, err = w.svc.Record(ctx, w.caseworker, c.ID, specialed.Entry{Step: specialed.StepDecision, Provision: &p})
	require.NoError(t, err)

	w.clock.add(34 * 24 * time.Hour) // 5 October
	var made []billing.FeeDecision
	var invoices []billing.Invoice
	res, err := bill.RunInvoicesEach(ctx, w.caseworker, w.m, billing.Month{Year: 2026, Month: time.October},
		func(_ context.Context, b billing.RunBatch) error {
			made, invoices = append(made, b.Decisions...), append(invoices, b.Invoices...)
			return nil
		})
	require.NoError(t, err)
	require.Empty(t, res.Skipped)
	fees := map[domain.ChildID]string{}
	for _, d := range made {
		fees[d.Child] = d.Fee.StringFixed(2)
	}
	assert.Equal(t, "0.00", fees[w.child.ID], "free SFO with the decision")
	assert.Equal(t, "3123.45", fees[siri.ID])
	totals := map[domain.GuardianID]string{}
	for _, inv := range invoices {
		totals[inv.Payer] = inv.Total.StringFixed(2)
	}
	assert.Equal(t, "3123.45", totals[payer.ID])
	assert.Contains(t, []string{"", "0.00"}, totals[w.mother.ID], "nothing to pay for Ola")
}
