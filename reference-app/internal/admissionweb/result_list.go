package admissionweb

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The lists of a run's children on the run page and the approval's page
// (issue 24: a main intake has thousands): in keyset pages of
// web.PageSize, cut by a key of the run's own results (the run does not
// change), filtered by the unit offered (?unit=, "none" for no place) and
// searched by the child's name or national ID (?q=), with the figures per
// unit at the top. Names are read for the rows shown only (with a search,
// for the run's children, in one read), and only the children shown are
// logged.

// noUnit is the unit filter's value for the children without a place.
const noUnit = "none"

// resultFilter is a run list's filter as asked.
type resultFilter struct {
	Unit, Q string
}

func (f resultFilter) any() bool { return f.Unit != "" || f.Q != "" }

// resultFigure is a figure at the top of a run list: how many children
// got a place at a unit (or none), linking to the list of them.
type resultFigure struct {
	Label, Href string
	N           int
}

// resultKey orders a run's results by the unit offered in the intake's
// order of seats (no place last), then by the choice it was, then by
// application: a key that needs no names and stays while the run is kept.
func resultKey(in admission.Intake) func(admission.RunResult) string {
	order := make(map[domain.UnitID]int, len(in.Seats))
	for i, st := range in.Seats {
		order[st.Unit] = i
	}
	return func(res admission.RunResult) string {
		u, ok := order[res.Unit]
		switch {
		case res.Unit.IsZero():
			u = 9999
		case !ok:
			u = 9998
		}
		return fmt.Sprintf("%04d.%02d.%s", u, res.Rank, res.Application)
	}
}

// resultUnits are the unit filter's options and the figures per unit of
// results, in the intake's order of seats, no place (named none) last.
func resultUnits(none string, in admission.Intake, n names, results []admission.RunResult, f resultFilter, href string) ([]option, []resultFigure) {
	counts := map[string]int{}
	for _, res := range results {
		counts[resultUnit(res)]++
	}
	var opts []option
	var figs []resultFigure
	add := func(value, label string) {
		opts = append(opts, option{Value: value, Label: label, Selected: f.Unit == value})
		if counts[value] > 0 {
			figs = append(figs, resultFigure{Label: label, N: counts[value], Href: href + "?" + url.Values{"unit": {value}}.Encode() + "#results"})
		}
	}
	for _, st := range in.Seats {
		add(st.Unit.String(), n.units[st.Unit])
	}
	add(noUnit, none)
	return opts, figs
}

// resultUnit is a result's value of the unit filter.
func resultUnit(res admission.RunResult) string {
	if res.Unit.IsZero() {
		return noUnit
	}
	return res.Unit.String()
}

// filterResults keeps the results the filter lets through, in key order;
// a search reads the children of the results in one read.
func (a *app) filterResults(ctx context.Context, m domain.Municipality, results []admission.RunResult, f resultFilter) ([]admission.RunResult, error) {
	var found map[domain.ChildID]bool
	if f.Q != "" {
		ids := make([]domain.ChildID, len(results))
		for i, res := range results {
			ids[i] = res.Child
		}
		var err error
		if found, err = a.findChildren(ctx, m, ids, f.Q); err != nil {
			return nil, err
		}
	}
	out := make([]admission.RunResult, 0, len(results))
	for _, res := range results {
		switch {
		case f.Unit != "" && resultUnit(res) != f.Unit:
		case found != nil && !found[res.Child]:
		default:
			out = append(out, res)
		}
	}
	return out, nil
}

// findChildren is the set of the children ids the search finds: every
// word in the name, or the search (without spaces) starting the national
// ID; one read.
func (a *app) findChildren(ctx context.Context, m domain.Municipality, ids []domain.ChildID, q string) (map[domain.ChildID]bool, error) {
	found := map[domain.ChildID]bool{}
	if len(ids) == 0 {
		return found, nil
	}
	cs, err := a.Store.ChildrenByID(ctx, m, ids)
	if err != nil {
		return nil, err
	}
	digits := strings.ReplaceAll(q, " ", "")
	for _, ch := range cs {
		if web.Matches(ch.GivenName+" "+ch.FamilyName, q) || (!ch.NationalID.IsZero() && digits != "" && strings.HasPrefix(ch.NationalID.String(), digits)) {
			found[ch.ID] = true
		}
	}
	return found, nil
}

// childNames reads the names of the children ids (one read) into n.
func (a *app) childNames(ctx context.Context, m domain.Municipality, n names, ids []domain.ChildID) error {
	if len(ids) == 0 {
		return nil
	}
	cs, err := a.Store.ChildrenByID(ctx, m, ids)
	for _, ch := range cs {
		n.children[ch.ID] = ch.GivenName + " " + ch.FamilyName
	}
	return err
}
