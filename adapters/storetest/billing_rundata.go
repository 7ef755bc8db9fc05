package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// longWay hides the store's billing.RunReader: the service reads a run
// the long way (a read per unit and per kind of record).
type longWay struct{ BillingStore }

// testRunData checks that a run reads the same from a store read in one go
// (billing.RunReader, when the store is one) as the long way: the
// previews of every month agree to the fingerprint, and RunData holds the
// kindergarten and SFO placements of the period (not a school's, not one
// that ended before), their children's birth dates, and every family,
// income decision, price list and fee decision.
func testRunData(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	p := NewBenchPopulation(Oslo, 90, 60)
	require.NoError(t, p.Load(ctx, s))
	f := &fixture{m: Oslo}
	var school domain.Unit
	for _, u := range p.Units {
		if u.Kind == domain.School {
			school = u
		}
	}
	pupil, gone := f.child(t), f.child(t)
	require.NoError(t, s.CreateChild(ctx, pupil))
	require.NoError(t, s.CreateChild(ctx, gone))
	require.NoError(t, s.CreatePlacement(ctx, f.placement(pupil, school, d(2024, 8, 1), 0)))
	require.NoError(t, s.CreatePlacement(ctx, f.placement(gone, p.Units[1], d(2024, 1, 1), d(2024, 6, 30))))

	clk := &clock{}
	fast := runsSvc(t, ctx, s, clk, 3)
	slow := &billing.Service{Store: longWay{s}, Clock: clk, Notifier: fast.Notifier}
	cw := domain.CaseworkerActor(Oslo, "saksbehandler")
	for _, m := range []billing.Month{month(2024, 9), month(2024, 10)} {
		clk.set(m.First() + 4)
		want, err := slow.PreviewRun(ctx, cw, Oslo, m)
		require.NoError(t, err)
		got, err := fast.PreviewRun(ctx, cw, Oslo, m)
		require.NoError(t, err)
		assert.Equal(t, want.Fingerprint, got.Fingerprint, m.String())
		assert.Equal(t, want.Run, got.Run, m.String())
		res, err := fast.ApproveRun(ctx, cw, Oslo, m, got.Fingerprint)
		require.NoError(t, err)
		assert.Equal(t, len(p.Families), res.Run.Invoices)
	}

	rr, ok := s.(billing.RunReader)
	if !ok {
		t.Log("the store reads a run the long way (no billing.RunReader)")
		return
	}
	within := domain.Period{Start: d(2024, 8, 1), End: d(2024, 11, 30)}
	data, err := rr.RunData(ctx, Oslo, within)
	require.NoError(t, err)
	var wantPl []domain.Placement
	units, err := s.Units(ctx, Oslo)
	require.NoError(t, err)
	for _, u := range units {
		if u.Kind == domain.Kindergarten || u.Kind == domain.SFO {
			ps, err := s.UnitPlacements(ctx, Oslo, u.ID, within)
			require.NoError(t, err)
			wantPl = append(wantPl, ps...)
		}
	}
	assert.ElementsMatch(t, wantPl, data.Placements)
	assert.Len(t, data.Placements, len(p.Placements), "not the pupil's, not the one that ended in June")
	birth := map[domain.ChildID]time.Time{}
	for _, c := range p.Children {
		birth[c.ID] = c.BirthDate.MidnightUTC()
	}
	require.Len(t, data.Children, len(p.Children))
	for _, c := range data.Children {
		assert.Equal(t, Oslo, c.Municipality)
		assert.Equal(t, birth[c.ID], c.BirthDate.MidnightUTC(), c.ID.String())
	}
	fams, err := s.Families(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, fams, data.Families)
	incomes, err := s.IncomeDecisions(ctx, Oslo)
	require.NoError(t, err)
	assert.ElementsMatch(t, incomes, data.IncomeDecisions)
	lists, err := s.PriceLists(ctx, Oslo)
	require.NoError(t, err)
	assert.ElementsMatch(t, lists, data.PriceLists)
	decisions, err := s.FeeDecisions(ctx, Oslo)
	require.NoError(t, err)
	require.NotEmpty(t, decisions)
	assert.ElementsMatch(t, decisions, data.Decisions)
	_, err = rr.RunData(ctx, Oslo, domain.Period{Start: d(2024, 9, 1), End: d(2024, 8, 1)})
	assert.ErrorIs(t, err, domain.ErrInvalid, "a period ending before it starts")
}
