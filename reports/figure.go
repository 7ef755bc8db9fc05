package reports

import (
	"context"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// FigureNamer is the part of a store that selects the children of a
// figure in the database, so that a list of them reads one page of
// children, not every child the figure counts. It is optional: a store
// without it lists the children Counter.Placed reads (ChildrenByName).
type FigureNamer interface {
	// FigureByName is Counter.ChildrenByName over the children of the
	// placements q selects (q.Placed's Kinds, Within, Unit, BornFrom and
	// BornTo; its Children and Slim are not used), of q.Units only, each
	// placement of its unit's kind, with hours in the band q.Band of
	// q.Bands (the first band that holds them; any hours when Band is
	// ""). It returns the page (nq.IDs are not used), how many of the
	// children the search finds, and how many placements q selects (the
	// figure: a child placed in a school and its SFO counts twice).
	FigureByName(ctx context.Context, m domain.Municipality, q FigureQuery, nq NameQuery) (page []domain.Child, matching, placements int, err error)
}

// FigureQuery selects the placements of a figure for
// FigureNamer.FigureByName.
type FigureQuery struct {
	Placed PlacedQuery
	// Units are the units the report counts (its kind, open on the day).
	Units []domain.UnitID
	Bands []Band
	Band  string
}

// BornAged is the birth dates of the children BASIL counts as age on the
// counting day of year, by r.AgeRule (an end is zero when open: 0 counts
// everyone younger, MaxAge everyone older). from > to: nobody.
func (r BASILRules) BornAged(year, age int) (from, to date.Date) {
	day := dayOf(year, r.CountMonth, r.CountDay)
	aged := func(b date.Date) int { return min(max(basilAge(r.AgeRule, b, day), 0), r.MaxAge) }
	if age < 0 || age > r.MaxAge {
		return day, day - 1
	}
	// aged does not grow with the birth date: search each end in the
	// two years around day - age years.
	lo, hi := date.New(day.Year()-age-2, 1, 1), date.New(day.Year()-age+1, 12, 31)
	// first is the earliest birth date in [lo, hi] with aged(b) <= a.
	first := func(a int) date.Date {
		l, h := lo, hi+1
		for l < h {
			mid := l + (h-l)/2
			if aged(mid) <= a {
				h = mid
			} else {
				l = mid + 1
			}
		}
		return l
	}
	if age < r.MaxAge {
		from = first(age)
	}
	if age > 0 {
		to = first(age-1) - 1
	}
	return from, to
}
