package reports

import (
	"slices"
	"strconv"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// NAVList is the municipality's monthly list of children with a
// kindergarten place for NAV's control of kontantstøtte: one entry per
// child in the age window with a kindergarten placement in the month,
// sorted by child, and the changes since the previous month's list.
type NAVList struct {
	Year         int           `json:"year"`
	Month        time.Month    `json:"month"`
	RulesVersion string        `json:"rulesVersion"`
	Entries      []NAVEntry    `json:"entries"`
	Changes      []NAVChange   `json:"changes"`
	NotRecorded  []string      `json:"notRecorded"`
	Period       domain.Period `json:"period"`
}

// NAVEntry is one child on the list: who the child is, its registered
// address (left out when the address is protected), the kindergarten, the
// agreed weekly hours and their band, and when the placement started and
// ends. The placement is the one in force on the last day of the month the
// child is in the age window, else the last one that ended before it.
type NAVEntry struct {
	Child            domain.ChildID    `json:"child"`
	NationalID       domain.NationalID `json:"nationalId"`
	GivenName        string            `json:"givenName"`
	FamilyName       string            `json:"familyName"`
	BirthDate        date.Date         `json:"birthDate"`
	Address          domain.Address    `json:"address,omitzero"`
	AddressProtected bool              `json:"addressProtected"`
	Unit             domain.UnitID     `json:"unit"`
	UnitName         string            `json:"unitName"`
	UnitAddress      domain.Address    `json:"unitAddress,omitzero"`
	HoursPerWeek     int               `json:"hoursPerWeek"`
	Band             string            `json:"band"`
	Start            date.Date         `json:"start"`
	End              date.Date         `json:"end,omitzero"`
}

// Change kinds of NAVChange.
const (
	ChangeStarted      = "started"       // on the list, not on the previous one
	ChangeEnded        = "ended"         // the placement ends in the month
	ChangeHoursChanged = "hours-changed" // From and To are the hours
	ChangeUnitChanged  = "unit-changed"  // From and To are the unit IDs
	ChangeRemoved      = "removed"       // on the previous list, not on this one
)

// NAVChange is a change of one child since the previous list.
type NAVChange struct {
	Child domain.ChildID `json:"child"`
	Kind  string         `json:"kind"`
	From  string         `json:"from,omitempty"`
	To    string         `json:"to,omitempty"`
}

// NAV builds the list for the month from the input; previous is the
// last month's list (nil for the first), from which the changes are
// counted. A child counts from its MinAgeYears birthday until the day
// before its MaxAgeYears birthday.
func NAV(in Input, year int, month time.Month, r NAVRules, previous *NAVList) (NAVList, error) {
	ix, err := newIndex(in)
	if err != nil {
		return NAVList{}, err
	}
	first := date.New(year, month, 1)
	last := date.New(year, month+1, 1) - 1
	out := NAVList{Year: year, Month: month, RulesVersion: r.Version, NotRecorded: slices.Clone(r.NotRecorded),
		Period: domain.Period{Start: first, End: last}, Entries: []NAVEntry{}, Changes: []NAVChange{}}
	chosen := map[domain.ChildID]domain.Placement{}
	for _, pl := range in.Placements {
		if pl.Kind != domain.Kindergarten {
			continue
		}
		c := ix.children[pl.ChildID]
		win := domain.Period{Start: max(first, addYears(c.BirthDate, r.MinAgeYears)), End: min(last, addYears(c.BirthDate, r.MaxAgeYears)-1)}
		if win.End < win.Start || !pl.Period.Overlaps(win) {
			continue
		}
		prev, ok := chosen[c.ID]
		if !ok || better(pl, prev, win.End) {
			chosen[c.ID] = pl
		}
	}
	for id, pl := range chosen {
		c, u := ix.children[id], ix.units[pl.UnitID]
		e := NAVEntry{Child: id, NationalID: c.NationalID, GivenName: c.GivenName, FamilyName: c.FamilyName, BirthDate: c.BirthDate,
			AddressProtected: c.AddressProtection.Protected(), Unit: u.ID, UnitName: u.Name, UnitAddress: u.Address,
			HoursPerWeek: pl.HoursPerWeek, Band: bandOf(r.HoursBands, pl.HoursPerWeek), Start: pl.Period.Start, End: pl.Period.End}
		if !e.AddressProtected {
			e.Address = c.Address
		}
		out.Entries = append(out.Entries, e)
	}
	slices.SortFunc(out.Entries, func(a, b NAVEntry) int { return cmpID(a.Child, b.Child) })
	out.Changes = changes(out, previous)
	return out, nil
}

// better reports whether placement a describes the child at the end of
// the window rather than b: the one in force on day end, else the later.
func better(a, b domain.Placement, end date.Date) bool {
	ia, ib := a.Period.Contains(end), b.Period.Contains(end)
	if ia != ib {
		return ia
	}
	return a.Period.Start > b.Period.Start
}

func changes(cur NAVList, prev *NAVList) []NAVChange {
	out := []NAVChange{}
	before := map[domain.ChildID]NAVEntry{}
	if prev != nil {
		for _, e := range prev.Entries {
			if e.End == date.Zero || e.End >= cur.Period.Start {
				before[e.Child] = e
			}
		}
	}
	seen := map[domain.ChildID]bool{}
	for _, e := range cur.Entries {
		seen[e.Child] = true
		p, ok := before[e.Child]
		if !ok {
			out = append(out, NAVChange{Child: e.Child, Kind: ChangeStarted, To: e.Start.String()})
		} else {
			if p.Unit != e.Unit {
				out = append(out, NAVChange{Child: e.Child, Kind: ChangeUnitChanged, From: p.Unit.String(), To: e.Unit.String()})
			}
			if p.HoursPerWeek != e.HoursPerWeek {
				out = append(out, NAVChange{Child: e.Child, Kind: ChangeHoursChanged, From: strconv.Itoa(p.HoursPerWeek), To: strconv.Itoa(e.HoursPerWeek)})
			}
		}
		if e.End != date.Zero && e.End <= cur.Period.End {
			out = append(out, NAVChange{Child: e.Child, Kind: ChangeEnded, To: e.End.String()})
		}
	}
	for id := range before {
		if !seen[id] {
			out = append(out, NAVChange{Child: id, Kind: ChangeRemoved})
		}
	}
	slices.SortFunc(out, func(a, b NAVChange) int {
		if c := cmpID(a.Child, b.Child); c != 0 {
			return c
		}
		switch {
		case a.Kind < b.Kind:
			return -1
		case a.Kind > b.Kind:
			return 1
		}
		return 0
	})
	return out
}
