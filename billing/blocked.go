package billing

import (
	"context"
	"slices"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// BlockedReader is a store that reads, for Service.Blocked, only the
// families a month's unknown national parameter can block, not the whole
// municipality. sqlite.Store and postgres.Store implement it; a store that
// does not is read as a run reads it (every child, placement and family),
// with the same result.
type BlockedReader interface {
	// FeeFamilies reads, for municipality m, the families q picks and
	// what their fees in q.Within are computed from: the picked families
	// and every other family their child members belong to, each with all
	// its members; the child members of the picked families whose
	// membership shares a day with q.Within (only ID, Municipality and
	// BirthDate); those children's placements in kindergartens and SFOs
	// sharing a day with q.Within; and the income decisions of the
	// families read. PriceLists and Decisions are left empty. No order is
	// promised. A query that does not pass FeeFamilyQuery.Validate is a
	// *domain.ValidationError.
	FeeFamilies(ctx context.Context, m domain.Municipality, q FeeFamilyQuery) (RunData, error)
}

// FeeFamilyQuery picks the families with a child member (a membership
// sharing a day with Within) who has a placement of Kind sharing a day
// with Within, in a kindergarten or SFO, and was born in Born (when Born
// is not zero); when IncomeOn is not zero, only the families with an
// income decision in force on that day.
type FeeFamilyQuery struct {
	Within   domain.Period
	Kind     domain.UnitKind
	Born     domain.Period
	IncomeOn date.Date
}

// Validate checks that Within and Born (when given) are closed periods
// and Kind is kindergarten or sfo.
func (q FeeFamilyQuery) Validate() error {
	var p domain.Problems
	if err := q.Within.Validate(); err != nil || q.Within.Open() {
		p.Add("within", "must-be-a-closed-period")
	}
	if q.Kind != domain.Kindergarten && q.Kind != domain.SFO {
		p.Add("kind", "must-be-kindergarten-or-sfo")
	}
	if q.Born != (domain.Period{}) {
		if err := q.Born.Validate(); err != nil || q.Born.Open() {
			p.Add("born", "must-be-a-closed-period")
		}
	}
	return p.Err()
}

// blockingQueries returns the families whose fees in the month an unknown
// national parameter can block, as queries, from the tables and the price
// lists alone (no child is read):
//
//   - no kindergarten rules in force for the month and the zone of the
//     kindergarten price list in force: every family with a child in
//     kindergarten;
//   - the free-core income threshold not known (and the month not fee
//     free, the zone not free): the families with an income decision in
//     force and a child in kindergarten born in a year of the free-core
//     window — the fee of no other family reads the threshold;
//   - no SFO rules in force: every family with a child in SFO.
//
// No price list of a kind in force means no fee of the kind reaches the
// rules. The queries pick a superset of the blocked families; which of
// their children are blocked is decided by computing their fees (Compute).
func blockingQueries(t *Tables, lists []PriceList, month Month) []FeeFamilyQuery {
	within := domain.Period{Start: month.First(), End: month.Last()}
	var qs []FeeFamilyQuery
	if l := listIn(lists, domain.Kindergarten, month); l != nil {
		rules, err := t.KindergartenRules(month, l.zone())
		switch {
		case err != nil:
			qs = append(qs, FeeFamilyQuery{Within: within, Kind: domain.Kindergarten})
		case rules.FreeCoreIncomeThreshold == nil && l.zone() != ZoneFree && !slices.Contains(rules.FeeFreeMonths, month.Month):
			if born, ok := freeCoreBirths(rules.KindergartenConstants, month); ok {
				qs = append(qs, FeeFamilyQuery{Within: within, Kind: domain.Kindergarten, Born: born, IncomeOn: month.First()})
			}
		}
	}
	if l := listIn(lists, domain.SFO, month); l != nil {
		if _, err := t.SFORules(month); err != nil {
			qs = append(qs, FeeFamilyQuery{Within: within, Kind: domain.SFO})
		}
	}
	return qs
}

// listIn is the list a run uses (runner.listOf): the first of the kind in
// force on the month's first day.
func listIn(lists []PriceList, kind domain.UnitKind, m Month) *PriceList {
	for i := range lists {
		if lists[i].Kind == kind && lists[i].Period.Contains(m.First()) {
			return &lists[i]
		}
	}
	return nil
}

// freeCoreBirths returns the birth days of the children in the free-core
// window in the month: whole calendar years, as the window is counted
// from the year of birth.
func freeCoreBirths(k KindergartenConstants, m Month) (domain.Period, bool) {
	lo, hi := 0, -1
	for y := m.Year - max(k.FreeCoreUntilAge, k.FreeCoreFromAge) - 1; y <= m.Year-min(k.FreeCoreUntilAge, k.FreeCoreFromAge)+1; y++ {
		if !k.inFreeCoreWindow(y, m) {
			continue
		}
		if hi < lo {
			lo = y
		}
		hi = y
	}
	if hi < lo {
		return domain.Period{}, false
	}
	return domain.Period{Start: date.New(lo, 1, 1), End: date.New(hi, 12, 31)}, true
}

// mergeRunData adds what b read to a, each record once.
func mergeRunData(a *RunData, b RunData) {
	a.Children = appendNew(a.Children, b.Children, func(c domain.Child) domain.ChildID { return c.ID })
	a.Placements = appendNew(a.Placements, b.Placements, func(p domain.Placement) domain.PlacementID { return p.ID })
	a.Families = appendNew(a.Families, b.Families, func(f Family) FamilyID { return f.ID })
	a.IncomeDecisions = appendNew(a.IncomeDecisions, b.IncomeDecisions, func(d IncomeDecision) IncomeDecisionID { return d.ID })
}

func appendNew[T any, K comparable](a, b []T, key func(T) K) []T {
	seen := make(map[K]bool, len(a))
	for _, v := range a {
		seen[key(v)] = true
	}
	for _, v := range b {
		if !seen[key(v)] {
			seen[key(v)] = true
			a = append(a, v)
		}
	}
	return a
}

// Blocked returns the fees of the month the national rules refuse for
// want of a parameter (Skipped.Unknown set): what the unknown parameters
// of the tables in force block for the municipality, in the order a run
// skips them (families by ID). It writes nothing.
//
// It reads the price lists and decides from them and the tables which
// fees can reach an unknown parameter at all (blockingQueries); only the
// families those can be are read (BlockedReader) and their month computed
// as a run would. With the tables complete that is no family: the cost
// does not grow with the number of children. A store that is not a
// BlockedReader is read whole and the whole month computed.
func (s *Service) Blocked(ctx context.Context, a domain.Actor, m domain.Municipality, month Month) ([]Skipped, error) {
	if err := municipal(a, m); err != nil {
		return nil, err
	}
	t, err := s.TablesFor(ctx, m)
	if err != nil {
		return nil, err
	}
	br, ok := s.Store.(BlockedReader)
	if !ok {
		return s.blockedWhole(ctx, m, month, t)
	}
	in := RunInput{Municipality: m, Month: month, Made: domain.Today(s.Clock), Settings: DefaultSettings(), Tables: t, NextNumber: 1}
	if in.PriceLists, err = s.Store.PriceLists(ctx, m); err != nil {
		return nil, err
	}
	qs := blockingQueries(t, in.PriceLists, month)
	if len(qs) == 0 {
		return nil, nil
	}
	var d RunData
	for _, q := range qs {
		got, err := br.FeeFamilies(ctx, m, q)
		if err != nil {
			return nil, err
		}
		mergeRunData(&d, got)
	}
	in.Children, in.Placements, in.Families, in.IncomeDecisions = d.Children, d.Placements, d.Families, d.IncomeDecisions
	return blockedOf(in)
}

// blockedOf computes the month of in and keeps the fees refused for an
// unknown parameter.
func blockedOf(in RunInput) ([]Skipped, error) {
	plan, err := Compute(in)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(plan.Skipped, func(sk Skipped) bool { return sk.Unknown == "" }), nil
}

// blockedWhole is Blocked for a store that is not a BlockedReader: the
// whole month computed as a run would, every child read.
func (s *Service) blockedWhole(ctx context.Context, m domain.Municipality, month Month, t *Tables) ([]Skipped, error) {
	in := RunInput{Municipality: m, Month: month, Made: domain.Today(s.Clock), Settings: DefaultSettings(), Tables: t, NextNumber: 1}
	var err error
	if in.Children, err = s.Store.Children(ctx, m); err != nil {
		return nil, err
	}
	units, err := s.Store.Units(ctx, m)
	if err != nil {
		return nil, err
	}
	billed := map[domain.UnitID]bool{}
	for _, u := range units {
		billed[u.ID] = u.Kind == domain.Kindergarten || u.Kind == domain.SFO
	}
	// The month's placements of every unit in one read, not a read per
	// unit; those of kindergartens and SFOs are billed.
	ps, err := s.Store.PlacementsWithin(ctx, m, domain.Period{Start: month.First(), End: month.Last()})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if billed[p.UnitID] {
			in.Placements = append(in.Placements, p)
		}
	}
	if in.Families, err = s.Store.Families(ctx, m); err != nil {
		return nil, err
	}
	if in.IncomeDecisions, err = s.Store.IncomeDecisions(ctx, m); err != nil {
		return nil, err
	}
	if in.PriceLists, err = s.Store.PriceLists(ctx, m); err != nil {
		return nil, err
	}
	if src, ok := s.Store.(domain.SpecialNeedsSource); ok {
		if in.SpecialNeeds, err = src.SpecialNeeds(ctx, m, domain.Period{Start: month.First(), End: month.Last()}); err != nil {
			return nil, err
		}
	}
	return blockedOf(in)
}
