package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// testBlocked checks that Service.Blocked answers, from the few families
// a store reads for it (billing.BlockedReader, when the store is one),
// what the whole month computed as a run answers (the store read the long
// way): on a seeded municipality, with the national tables complete, with
// the free-core income threshold not known (only families with an income
// decision and a child of the free-core years are blocked, a fee-free
// month blocks none) and with no rules at all before 2025 (every child in
// kindergarten and SFO with a family is blocked). A child moving between
// families inside a month counts in the family of most days.
func testBlocked(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	p := NewBenchPopulation(Oslo, 150, 80)
	require.NoError(t, p.Load(ctx, s))

	// Moving: in family x (with an income decision) until 10 October,
	// then in family y (none); x keeps a younger sibling out of the
	// free-core years.
	f := &fixture{m: Oslo}
	var kg domain.Unit
	for _, u := range p.Units {
		if u.Kind == domain.Kindergarten {
			kg = u
			break
		}
	}
	gx, gy := f.guardian(t), f.guardian(t)
	mover, young := f.child(t), f.child(t)
	mover.BirthDate, young.BirthDate = d(2021, 3, 3), d(2023, 2, 2)
	mover.NationalID, young.NationalID = nid(t, mover.BirthDate, 901), nid(t, young.BirthDate, 902)
	for _, g := range []domain.Guardian{gx, gy} {
		require.NoError(t, s.CreateGuardian(ctx, g))
	}
	for _, c := range []domain.Child{mover, young} {
		require.NoError(t, s.CreateChild(ctx, c))
		require.NoError(t, s.CreatePlacement(ctx, f.placement(c, kg, d(2024, 8, 1), 0)))
	}
	member := func(fam billing.FamilyID, g domain.GuardianID, c domain.ChildID, from, to time.Time) billing.Member {
		mb := billing.Member{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: fam, Guardian: g, Child: c}
		mb.Period.Start = d(from.Year(), from.Month(), from.Day())
		if !to.IsZero() {
			mb.Period.End = d(to.Year(), to.Month(), to.Day())
		}
		return mb
	}
	day := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	x := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: gx.ID}
	x.Members = []billing.Member{member(x.ID, gx.ID, domain.ChildID{}, day(2024, 8, 1), time.Time{}),
		member(x.ID, domain.GuardianID{}, mover.ID, day(2024, 8, 1), day(2024, 10, 10)),
		member(x.ID, domain.GuardianID{}, young.ID, day(2024, 8, 1), time.Time{})}
	y := billing.Family{ID: domain.NewID[billing.Family](), Municipality: Oslo, Payer: gy.ID}
	y.Members = []billing.Member{member(y.ID, gy.ID, domain.ChildID{}, day(2024, 8, 1), time.Time{}),
		member(y.ID, domain.GuardianID{}, mover.ID, day(2024, 10, 11), time.Time{})}
	require.NoError(t, s.CreateFamily(ctx, x))
	require.NoError(t, s.CreateFamily(ctx, y))
	require.NoError(t, s.CreateIncomeDecision(ctx, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: Oslo,
		Family: x.ID, AnnualIncome: money("400000"), Applied: d(2024, 7, 1), Period: domain.Period{Start: d(2024, 8, 1), End: d(2025, 7, 31)},
		Documentation: "skattemelding"}))

	nat, err := billing.NationalTables()
	require.NoError(t, err)
	// No free-core income threshold from 2024-08-01.
	noThreshold := *nat
	noThreshold.Kindergarten = slices.Clone(nat.Kindergarten)
	for i := range noThreshold.Kindergarten {
		if noThreshold.Kindergarten[i].ValidFrom == d(2024, 8, 1) {
			noThreshold.Kindergarten[i].FreeCoreIncomeThreshold = nil
		}
	}
	// No rules before 2025 (those of 2024-08-01 from 2025-01-01).
	late := *nat
	kgRow := nat.Kindergarten[slices.IndexFunc(nat.Kindergarten, func(r billing.KindergartenRow) bool { return r.ValidFrom == d(2024, 8, 1) })]
	kgRow.ValidFrom = d(2025, 1, 1)
	late.Kindergarten = append([]billing.KindergartenRow{kgRow},
		slices.DeleteFunc(slices.Clone(nat.Kindergarten), func(r billing.KindergartenRow) bool { return r.ValidFrom < d(2025, 1, 1) })...)
	sfo := nat.SFO[len(nat.SFO)-1]
	sfo.ValidFrom = d(2025, 1, 1)
	late.SFO = []billing.SFORules{sfo}

	cw := domain.CaseworkerActor(Oslo, "saksbehandler")
	clk := &clock{}
	clk.set(d(2024, 11, 5))
	for _, tc := range []struct {
		name    string
		tables  *billing.Tables
		month   billing.Month
		blocked func(t *testing.T, got []billing.Skipped)
	}{
		{"complete", nat, month(2024, 10), func(t *testing.T, got []billing.Skipped) { assert.Empty(t, got) }},
		{"no threshold, September", &noThreshold, month(2024, 9), func(t *testing.T, got []billing.Skipped) {
			assert.Contains(t, children(got), mover.ID, "in x, with the income decision, all September")
			assert.Contains(t, children(got), young.ID, "a sibling in the free-core years makes the family's fee read the threshold")
		}},
		{"no threshold, October", &noThreshold, month(2024, 10), func(t *testing.T, got []billing.Skipped) {
			assert.NotEmpty(t, got)
			assert.Less(t, len(got), len(p.Children)/2, "only families with an income decision")
			assert.NotContains(t, children(got), mover.ID, "in y, without an income decision, most of October")
			assert.NotContains(t, children(got), young.ID, "no sibling in the free-core years left in x")
			for _, sk := range got {
				assert.Equal(t, "freeCoreIncomeThreshold", sk.Unknown)
				assert.Equal(t, domain.Kindergarten, sk.Kind)
			}
		}},
		{"no threshold, fee-free July", &noThreshold, month(2025, 7), func(t *testing.T, got []billing.Skipped) { assert.Empty(t, got) }},
		{"no rules before 2025", &late, month(2024, 10), func(t *testing.T, got []billing.Skipped) {
			require.Len(t, got, len(p.Children)+2, "every placed child with a family")
			for _, sk := range got {
				assert.Equal(t, "rules", sk.Unknown)
			}
		}},
		{"rules from 2025", &late, month(2025, 2), func(t *testing.T, got []billing.Skipped) { assert.Empty(t, got) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fast := &billing.Service{Store: s, Clock: clk, Tables: tc.tables}
			slow := &billing.Service{Store: longWay{s}, Clock: clk, Tables: tc.tables}
			want, err := slow.Blocked(ctx, cw, Oslo, tc.month)
			require.NoError(t, err)
			got, err := fast.Blocked(ctx, cw, Oslo, tc.month)
			require.NoError(t, err)
			if len(want) == 0 {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, want, got)
			}
			tc.blocked(t, got)
		})
	}

	_, err = (&billing.Service{Store: s, Clock: clk}).Blocked(ctx, domain.CaseworkerActor(Bergen, "saksbehandler"), Oslo, month(2024, 10))
	assert.ErrorIs(t, err, domain.ErrForbidden)

	br, ok := s.(billing.BlockedReader)
	if !ok {
		t.Log("the store reads the blocked fees the long way (no billing.BlockedReader)")
		return
	}
	oct := domain.Period{Start: d(2024, 10, 1), End: d(2024, 10, 31)}
	data, err := br.FeeFamilies(ctx, Oslo, billing.FeeFamilyQuery{Within: oct, Kind: domain.Kindergarten,
		Born: domain.Period{Start: d(2019, 1, 1), End: d(2022, 12, 31)}, IncomeOn: oct.Start})
	require.NoError(t, err)
	assert.NotEmpty(t, data.Families)
	assert.Less(t, len(data.Families), len(p.Families)/2, "the families with an income decision and a child born then")
	var fams []billing.FamilyID
	for _, f := range data.Families {
		fams = append(fams, f.ID)
		got, err := s.Family(ctx, Oslo, f.ID)
		require.NoError(t, err)
		assert.Equal(t, got, f, "with all its members")
	}
	assert.Contains(t, fams, x.ID, "the mover is in x in October")
	assert.Contains(t, fams, y.ID, "the mover's other family")
	for _, pl := range data.Placements {
		assert.NotEqual(t, domain.School, pl.Kind)
	}
	all, err := br.FeeFamilies(ctx, Oslo, billing.FeeFamilyQuery{Within: oct, Kind: domain.SFO})
	require.NoError(t, err)
	assert.NotEmpty(t, all.Families)
	assert.Empty(t, all.PriceLists)
	_, err = br.FeeFamilies(ctx, Oslo, billing.FeeFamilyQuery{Within: domain.Period{Start: oct.Start}, Kind: domain.School})
	assert.ErrorIs(t, err, domain.ErrInvalid, "an open period, a school")
}

// children lists the blocked children.
func children(sk []billing.Skipped) []domain.ChildID {
	var out []domain.ChildID
	for _, s := range sk {
		out = append(out, s.Child)
	}
	return out
}
