package reports

import (
	"context"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

// Directory is the part of the store the reports read: a port, so the
// package stays free of I/O. Every domain.Store implements it.
type Directory interface {
	Units(ctx context.Context, m domain.Municipality) ([]domain.Unit, error)
	Children(ctx context.Context, m domain.Municipality) ([]domain.Child, error)
	PlacementsWithin(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.Placement, error)
}

// CaseSource lists special-education cases (specialed.Store implements
// it); a report reads the granted decisions from them.
type CaseSource interface {
	Cases(ctx context.Context, m domain.Municipality, open bool) ([]specialed.Case, error)
}

// Load reads the rows of municipality m a report needs: every unit and
// child, the placements of every unit (one read) in force on some day of within, and
// (when cases is not nil) the granted decisions of every case. Call it
// inside the store's Atomic so the rows are one snapshot.
func Load(ctx context.Context, d Directory, cases CaseSource, m domain.Municipality, within domain.Period) (Input, error) {
	var in Input
	var err error
	if in.Units, err = d.Units(ctx, m); err != nil {
		return Input{}, err
	}
	if in.Children, err = d.Children(ctx, m); err != nil {
		return Input{}, err
	}
	// Every unit's placements in one read: the number of reads does not
	// grow with the units.
	if in.Placements, err = d.PlacementsWithin(ctx, m, within); err != nil {
		return Input{}, err
	}
	if cases != nil {
		cs, err := cases.Cases(ctx, m, false)
		if err != nil {
			return Input{}, err
		}
		in.Decisions = DecisionsFromCases(cs)
	}
	return in, nil
}

// DecisionsFromCases returns the granted decisions of the cases, each in
// force from its start to its end or the day the case ended, whichever is
// first, with the hours per week of every provider summed.
func DecisionsFromCases(cs []specialed.Case) []Decision {
	var out []Decision
	for _, c := range cs {
		d := c.Decision
		if d == nil || d.Outcome != specialed.Granted || d.Kind == "" || d.From == date.Zero {
			continue
		}
		p := domain.Period{Start: d.From, End: d.To}
		if c.Ended != date.Zero && (p.End == date.Zero || c.Ended < p.End) {
			p.End = c.Ended
		}
		if p.End != date.Zero && p.End < p.Start {
			continue
		}
		h := decimal.Zero
		for _, x := range d.Hours {
			h = h.Add(x.PerWeek)
		}
		out = append(out, Decision{Child: c.Child, Kind: string(d.Kind), Period: p, HoursPerWeek: h})
	}
	return out
}
