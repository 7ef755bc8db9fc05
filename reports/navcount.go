package reports

import (
	"context"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// NAVCounter is the part of a store that chooses NAV's placements in the
// database (a window query over the two months' kindergarten placements),
// so that a page showing the list's count and changes reads the changed
// children only, not every one- and two-year-old. It is optional: a
// store without it is counted by NAV over Load's or Placed's rows.
type NAVCounter interface {
	// NAVPlaces counts the entries of q's month (NAV's list of it: each
	// child in the age window some day of the month with a kindergarten
	// placement overlapping its window) and returns, for every child
	// whose entry may have changed since the month before (so every
	// child with a NAVChange, and perhaps some more), the placement NAV
	// shows of each month (nil where the child is not on that month's
	// list), chosen as NAV chooses it: the one in force on the last day
	// of the child's window, else the one that started last (then the
	// least ID). The order of the pairs is not defined.
	NAVPlaces(ctx context.Context, m domain.Municipality, q NAVQuery) (entries int, changed []NAVPair, err error)
}

// NAVPlace is the placement a NAV entry shows (NAVEntry's Unit,
// HoursPerWeek, Start and End).
type NAVPlace struct {
	Unit         domain.UnitID
	HoursPerWeek int
	Start, End   date.Date
}

// NAVPair is one child's placement on NAV's list of the month before
// (Previous) and of the month (Current); nil where the child is not on
// that list.
type NAVPair struct {
	Child             domain.ChildID
	Previous, Current *NAVPlace
}

// NAVQuery asks NAVCounter.NAVPlaces for NAV's list of Current with the
// changes since Previous (the month before). NAVQueryOf makes it.
type NAVQuery struct {
	Previous, Current NAVMonth
}

// NAVMonth is one month of NAV's list as birth-date bounds, so that a
// store compares dates only (the rules' years, and 29 February, are
// worked out here). A child born on b is in the age window some day of
// the month when InAfter < b <= InBy. Its window is the month, except:
// it starts on b's day of the month (the child's MinAgeYears birthday)
// when b > StartsAfter, and ends the day before b's day of the month (the
// day before its MaxAgeYears birthday) when b <= EndsBy.
type NAVMonth struct {
	First, Last   date.Date
	InAfter, InBy date.Date
	StartsAfter   date.Date
	EndsBy        date.Date
}

// NAVQueryOf is the query of NAV's list of the month by rules r.
func NAVQueryOf(year int, month time.Month, r NAVRules) NAVQuery {
	return NAVQuery{Previous: navMonth(year, month-1, r), Current: navMonth(year, month, r)}
}

func navMonth(year int, month time.Month, r NAVRules) NAVMonth {
	first := date.New(year, month, 1)
	last := date.New(year, month+1, 1) - 1
	return NAVMonth{First: first, Last: last,
		InAfter: bornBy(first, r.MaxAgeYears), InBy: bornBy(last, r.MinAgeYears),
		StartsAfter: bornBy(first, r.MinAgeYears), EndsBy: bornBy(last, r.MaxAgeYears)}
}

// bornBy is the last birth date b with addYears(b, n) <= d (addYears
// grows with b, so those born on or before it turn n by d).
func bornBy(d date.Date, n int) date.Date {
	b := date.New(d.Year()-n, d.Month(), d.Day()) + 3
	for addYears(b, n) > d {
		b--
	}
	return b
}

// Window is the child's age window in the month (Start > End: the child
// is not in it), as NAV counts it, from the bounds.
func (m NAVMonth) Window(birth date.Date) domain.Period {
	if birth <= m.InAfter || birth > m.InBy {
		return domain.Period{Start: m.Last, End: m.First}
	}
	w := domain.Period{Start: m.First, End: m.Last}
	if birth > m.StartsAfter {
		w.Start = m.First + date.Date(birth.Day()-1)
	}
	if birth <= m.EndsBy {
		w.End = m.First + date.Date(birth.Day()-2)
	}
	return w
}

// NAVCounted is NAV's list of a month as a page shows it: how many
// entries it has, and the changes since the month before.
type NAVCounted struct {
	Entries int
	Changes []NAVChange
}

// CountNAV counts NAV's list of the month in the store: the same number
// of entries and the same changes as NAV over Load's rows (the month
// before's list as previous), reading the changed children only.
func CountNAV(ctx context.Context, c NAVCounter, m domain.Municipality, year int, month time.Month, r NAVRules) (NAVCounted, error) {
	q := NAVQueryOf(year, month, r)
	n, pairs, err := c.NAVPlaces(ctx, m, q)
	if err != nil {
		return NAVCounted{}, err
	}
	return NAVCounted{Entries: n, Changes: NAVChanges(q, pairs)}, nil
}

// NAVChanges are the changes NAV counts for the children of pairs (the
// month before's and the month's placements of q's lists).
func NAVChanges(q NAVQuery, pairs []NAVPair) []NAVChange {
	cur := NAVList{Period: domain.Period{Start: q.Current.First, End: q.Current.Last}}
	var prev NAVList
	for _, p := range pairs {
		if p.Current != nil {
			cur.Entries = append(cur.Entries, p.Current.entry(p.Child))
		}
		if p.Previous != nil {
			prev.Entries = append(prev.Entries, p.Previous.entry(p.Child))
		}
	}
	return changes(cur, &prev)
}

func (p NAVPlace) entry(c domain.ChildID) NAVEntry {
	return NAVEntry{Child: c, Unit: p.Unit, HoursPerWeek: p.HoursPerWeek, Start: p.Start, End: p.End}
}
