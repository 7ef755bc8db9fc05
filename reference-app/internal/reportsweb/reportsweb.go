// Package reportsweb is the reports to the state in the reference app:
// BASIL (kindergartens, 15 December), GSI (schools and SFO, 1 October) and
// NAV's monthly kindergarten list (kontantstøtte), counted by the library
// (package reports) over the municipality's stored rows. A caseworker sees
// the figures (/reports: totals at the top, one report's units in keyset
// pages with a search), each linked to the children behind it
// (/reports/children, paged and searched), and downloads the CSV of the
// form's fields; the JSON API answers the same reports. The pages count
// in the store when it can (reports.Counter: GROUP BY in SQL, a number of
// statements that does not grow with the children; reports.NAVCounter:
// NAV's entries counted and its changed children only; reports.FigureNamer:
// a figure of every unit selected and paged in SQL) and read only the
// children a figure can hold; the API and the CSV count from one read of
// the municipality's rows (reports.Load), and a test proves both give the
// same figures. The pages log the children they show; every API view and
// download is audited with the children behind it.
package reportsweb

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reports"
)

// app is the shell as the reports' handlers see it.
type app struct{ *web.App }

// New returns the reports' part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).capability() }

// PolicyReports: the municipality's caseworkers and administrators.
var PolicyReports = web.PolicyCaseworker

//go:embed templates/reports_*.html
var templates embed.FS

//go:embed messages/reports.*.json
var messages embed.FS

func (a *app) capability() web.Capability {
	return web.Capability{Tag: "reports", About: "Reports to the state: BASIL (kindergartens, 15 December), GSI (schools and SFO, 1 October) and NAV's monthly kindergarten list for kontantstøtte, with the children behind every figure",
		Routes: a.routes(), Menus: menus, Pages: templates, Messages: messages}
}

var menus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleAdmin, domain.RoleCaseworker}, Path: "/reports", Key: "reports.menu"},
}

func (a *app) routes() []web.Route {
	year := map[string]string{"year": "the year counted (BASIL: 15 December of it; GSI: 1 October of the school year starting in it); the current school year's when left out"}
	month := map[string]string{"month": "the month (YYYY-MM); the current month when left out. The changes are counted against the month before"}
	return []web.Route{
		{Method: "GET", Path: "/api/v1/reports/basil", Kind: web.KindAPI, Policy: PolicyReports, Summary: "BASIL: the kindergartens on 15 December, children by age and agreed hours, with special-education help and adaptation, each figure with its children", Query: year, Response: reports.BASILReport{}, Handle: a.apiBASIL},
		{Method: "GET", Path: "/api/v1/reports/basil.csv", Kind: web.KindAPI, Policy: PolicyReports, Summary: "BASIL as CSV of the form's fields (counts only; columns reports.BASILColumns)", Query: year, Response: "", ContentType: "text/csv", Handle: a.csvBASIL},
		{Method: "GET", Path: "/api/v1/reports/gsi", Kind: web.KindAPI, Policy: PolicyReports, Summary: "GSI: the schools and SFOs on 1 October, pupils by grade, SFO pupils by hours, individually adapted education and its hours", Query: year, Response: reports.GSIReport{}, Handle: a.apiGSI},
		{Method: "GET", Path: "/api/v1/reports/gsi.csv", Kind: web.KindAPI, Policy: PolicyReports, Summary: "GSI as CSV of the form's fields (columns reports.GSIColumns)", Query: year, Response: "", ContentType: "text/csv", Handle: a.csvGSI},
		{Method: "GET", Path: "/api/v1/reports/nav", Kind: web.KindAPI, Policy: PolicyReports, Summary: "NAV's kindergarten list of a month (children aged one and two with a kindergarten place) with the changes since the month before", Query: month, Response: reports.NAVList{}, Handle: a.apiNAV},
		{Method: "GET", Path: "/api/v1/reports/nav.csv", Kind: web.KindAPI, Policy: PolicyReports, Summary: "NAV's kindergarten list as CSV, one row per child (columns reports.NAVColumns)", Query: month, Response: "", ContentType: "text/csv", Handle: a.csvNAV},
		{Method: "GET", Path: "/reports", Kind: web.KindPage, Policy: PolicyReports, Query: map[string]string{"year": year["year"], "report": "basil, gsi or nav (basil when left out): the report whose units (NAV: changes) are listed", "q": "search in the units' names (NAV: the children's names)", "after": "keyset: the page after this key", "before": "keyset: the page before this key"}, Handle: a.page},
		{Method: "GET", Path: "/reports/children", Kind: web.KindPage, Policy: PolicyReports, Query: map[string]string{"report": "basil, gsi or nav", "year": year["year"], "month": month["month"] + " (NAV)", "unit": "the unit's ID; every unit when left out", "cell": "the figure (all the report's children when left out): BASIL children, help, adaptation, age.N, age.N.band; GSI pupils, adapted, grade.G, hours.H, adaptedGrade.G; NAV entries", "q": "search in the children's names and national IDs", "limit": "children per page (1 to 200, 50 when left out)", "cursor": "keyset: the page after this cursor (from the page's next link)"}, Handle: a.childrenPage},
	}
}

// yearParam reads ?year=; the current school year's start when absent.
func (a *app) yearParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("year")
	if s == "" {
		return int(domain.SchoolYearOf(domain.Today(a.Clock))), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < 1900 || y > 2999 {
		return 0, api.Unprocessable("invalid-query", "year is not a year", domain.FieldError{Field: "year", Reason: "is-not-a-year-yyyy"})
	}
	return y, nil
}

// monthParam reads ?month=; the current month when absent.
func (a *app) monthParam(r *http.Request) (billing.Month, error) {
	s := r.URL.Query().Get("month")
	if s == "" {
		t := domain.Today(a.Clock)
		return billing.Month{Year: t.Year(), Month: t.Month()}, nil
	}
	return billing.ParseMonth(s)
}

// input reads the rows of the actor's municipality in one transaction.
func (a *app) input(ctx context.Context, c *web.Call, within domain.Period) (reports.Input, error) {
	cases, _ := any(a.Store).(reports.CaseSource)
	var in reports.Input
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		in, err = reports.Load(ctx, a.Store, cases, c.Actor.Municipality, within)
		return err
	})
	return in, err
}

func (a *app) basil(ctx context.Context, c *web.Call, year int) (reports.BASILReport, error) {
	r, err := reports.LoadRules()
	if err != nil {
		return reports.BASILReport{}, err
	}
	day := basilDay(year, r)
	in, err := a.input(ctx, c, domain.Period{Start: day, End: day})
	if err != nil {
		return reports.BASILReport{}, err
	}
	rep, err := reports.BASIL(in, year, r.BASIL)
	if err != nil {
		return rep, err
	}
	var kids []domain.ChildID
	for _, u := range rep.Units {
		kids = append(kids, u.Children.Children...)
	}
	return rep, a.Audit(ctx, c.Actor, "reports.basil", "reports/basil/"+strconv.Itoa(year), kids...)
}

func basilDay(year int, r reports.Rules) date.Date {
	return date.New(year, time.Month(r.BASIL.CountMonth), r.BASIL.CountDay)
}

func gsiDay(year int, r reports.Rules) date.Date {
	return date.New(year, time.Month(r.GSI.CountMonth), r.GSI.CountDay)
}

func (a *app) gsi(ctx context.Context, c *web.Call, year int) (reports.GSIReport, error) {
	r, err := reports.LoadRules()
	if err != nil {
		return reports.GSIReport{}, err
	}
	day := gsiDay(year, r)
	in, err := a.input(ctx, c, domain.Period{Start: day, End: day})
	if err != nil {
		return reports.GSIReport{}, err
	}
	rep, err := reports.GSI(in, domain.SchoolYear(year), r.GSI)
	if err != nil {
		return rep, err
	}
	var kids []domain.ChildID
	for _, u := range rep.Units {
		kids = append(kids, u.Pupils.Children...)
	}
	return rep, a.Audit(ctx, c.Actor, "reports.gsi", "reports/gsi/"+strconv.Itoa(year), kids...)
}

// navPeriod is what NAV's list of month m reads: the month before and m.
func navPeriod(m billing.Month) domain.Period {
	return domain.Period{Start: billing.MonthOf(date.New(m.Year, m.Month-1, 1)).First(), End: m.Last()}
}

// navOf counts NAV's list of month m, with the changes since the month
// before, from rows read for at least navPeriod(m).
func navOf(in reports.Input, m billing.Month, r reports.Rules) (reports.NAVList, error) {
	prevMonth := billing.MonthOf(date.New(m.Year, m.Month-1, 1))
	prev, err := reports.NAV(in, prevMonth.Year, prevMonth.Month, r.NAV, nil)
	if err != nil {
		return prev, err
	}
	return reports.NAV(in, m.Year, m.Month, r.NAV, &prev)
}

func (a *app) nav(ctx context.Context, c *web.Call, m billing.Month) (reports.NAVList, error) {
	r, err := reports.LoadRules()
	if err != nil {
		return reports.NAVList{}, err
	}
	in, err := a.input(ctx, c, navPeriod(m))
	if err != nil {
		return reports.NAVList{}, err
	}
	l, err := navOf(in, m, r)
	if err != nil {
		return l, err
	}
	var kids []domain.ChildID
	for _, e := range l.Entries {
		kids = append(kids, e.Child)
	}
	return l, a.Audit(ctx, c.Actor, "reports.nav", "reports/nav/"+m.String(), kids...)
}

// all counts the year's BASIL and GSI and month m's NAV list (only is
// "": all three, side by side, when the store counts; else only that one),
// without logging: the pages log what they show. A store that counts
// (reports.Counter) is read outside a transaction, so that the counting
// never holds SQLite's writer. When the store counts in the
// database (reports.Counter), the overview (only "") reads the counts
// (reports.CountBASIL, reports.CountGSI) and NAV's children only, and one
// report (only set, for the children behind a figure) reads the children
// the figure can hold (cell; unit, every unit when empty); otherwise it
// counts from one read of the municipality's rows (reports.Load). The
// overview counts NAV with reports.CountNAV when the store can (nav then
// holds the changes only, navEntries the count).
type all struct {
	in    reports.Input
	rules reports.Rules
	basil reports.BASILReport
	gsi   reports.GSIReport
	nav   reports.NAVList
	// navEntries is the count of nav's entries: the overview counted in
	// the store (reports.CountNAV) has the count and changes only.
	navEntries int
	month      billing.Month
}

func (a *app) all(ctx context.Context, c *web.Call, year int, m billing.Month, only, unit, cell string) (all, error) {
	r, err := reports.LoadRules()
	if err != nil {
		return all{}, err
	}
	if counter, ok := any(a.Store).(reports.Counter); ok {
		// Not in a transaction: on SQLite a transaction is the single
		// writer's, and the counting (a third of a second at 50,000
		// children) would hold every check-in and change behind it. Each
		// count is a statement of its own; the reports are independent
		// figures.
		return a.counted(ctx, counter, c.Actor.Municipality, r, year, m, only, unit, cell)
	}
	var days []domain.Period
	if only == "" || only == "basil" {
		days = append(days, domain.Period{Start: basilDay(year, r), End: basilDay(year, r)})
	}
	if only == "" || only == "gsi" {
		days = append(days, domain.Period{Start: gsiDay(year, r), End: gsiDay(year, r)})
	}
	if only == "" || only == "nav" {
		days = append(days, navPeriod(m))
	}
	within := days[0]
	for _, d := range days[1:] {
		within = domain.Period{Start: min(within.Start, d.Start), End: max(within.End, d.End)}
	}
	in, err := a.input(ctx, c, within)
	if err != nil {
		return all{}, err
	}
	out := all{in: in, rules: r, month: m}
	if only == "" || only == "basil" {
		if out.basil, err = reports.BASIL(in, year, r.BASIL); err != nil {
			return out, err
		}
	}
	if only == "" || only == "gsi" {
		if out.gsi, err = reports.GSI(in, domain.SchoolYear(year), r.GSI); err != nil {
			return out, err
		}
	}
	if only == "" || only == "nav" {
		out.nav, err = navOf(in, m, r)
		out.navEntries = len(out.nav.Entries)
	}
	return out, err
}

// counted is all with the counting in the store. out.in holds every
// unit and the children the figures count: NAV's (overview), or those
// the figure can hold (one report), each with its ID and birth date only
// (PlacedQuery.Slim): the pages read the names of the children they show
// (reports.Counter.ChildrenByName, Store.ChildrenByID).
func (a *app) counted(ctx context.Context, counter reports.Counter, mu domain.Municipality, r reports.Rules, year int, m billing.Month, only, unit, cell string) (all, error) {
	out := all{rules: r, month: m}
	units, err := a.Store.Units(ctx, mu)
	if err != nil {
		return out, err
	}
	var decisions []reports.Decision
	if only != "nav" {
		if decisions, err = counter.GrantedDecisions(ctx, mu); err != nil {
			return out, err
		}
	}
	if only == "" {
		// The overview: BASIL, GSI and NAV counted side by side (the
		// store's reads run on a pool; each report's statements are its
		// own), so the page waits for the slowest, not for the sum.
		var (
			wg         sync.WaitGroup
			eb, eg, en error
			nav        all
		)
		wg.Go(func() { out.basil, eb = reports.CountBASIL(ctx, counter, mu, units, decisions, year, r.BASIL) })
		wg.Go(func() {
			out.gsi, eg = reports.CountGSI(ctx, counter, mu, units, decisions, domain.SchoolYear(year), r.GSI)
		})
		wg.Go(func() { nav, en = a.countedNAV(ctx, counter, mu, units, r, m, true) })
		wg.Wait()
		if err := errors.Join(eb, eg, en); err != nil {
			return out, err
		}
		out.in, out.nav, out.navEntries = nav.in, nav.nav, nav.navEntries
		return out, nil
	}
	var uid domain.UnitID
	if unit != "" {
		if uid, err = domain.ParseID[domain.Unit](unit); err != nil {
			// Not a unit: no child is the unit's (the page answers that
			// the unit is not the municipality's).
			out.in = reports.Input{Units: units}
			return out, nil
		}
	}
	switch only {
	case "basil":
		day := basilDay(year, r)
		q := reports.PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten}, Within: domain.Period{Start: day, End: day}, Unit: uid, Slim: true}
		if unit == "" {
			q.BornFrom, q.BornTo = basilBorn(year, r.BASIL, cell)
			switch cell {
			case "help":
				q.Children = decidedChildren(decisions, r.BASIL.SpecialEducationHelp)
			case "adaptation":
				q.Children = decidedChildren(decisions, r.BASIL.Adaptation)
			}
		}
		if out.in, err = reports.LoadPlaced(ctx, counter, mu, units, q, decisions); err != nil {
			return out, err
		}
		out.basil, err = reports.BASIL(out.in, year, r.BASIL)
		return out, err
	case "gsi":
		day := gsiDay(year, r)
		q := reports.PlacedQuery{Kinds: []domain.UnitKind{domain.School, domain.SFO}, Within: domain.Period{Start: day, End: day}, Unit: uid, Slim: true}
		if unit == "" {
			q.BornFrom, q.BornTo = gsiBorn(year, r.GSI, cell)
			if cell == "adapted" || strings.HasPrefix(cell, "adaptedGrade.") {
				q.Children = decidedChildren(decisions, r.GSI.AdaptedEducation)
			}
		}
		if out.in, err = reports.LoadPlaced(ctx, counter, mu, units, q, decisions); err != nil {
			return out, err
		}
		out.gsi, err = reports.GSI(out.in, domain.SchoolYear(year), r.GSI)
		return out, err
	}
	return a.countedNAV(ctx, counter, mu, units, r, m, false)
}

// countedNAV counts month m's NAV list for counted: for the overview
// (its count and changes) chosen in the store when it can (the changed
// children only), else from the children born so that they are in the
// age window some day of the two months.
func (a *app) countedNAV(ctx context.Context, counter reports.Counter, mu domain.Municipality, units []domain.Unit, r reports.Rules, m billing.Month, overview bool) (all, error) {
	out := all{rules: r, month: m}
	if nc, ok := counter.(reports.NAVCounter); ok && overview {
		out.in = reports.Input{Units: units}
		n, err := reports.CountNAV(ctx, nc, mu, m.Year, m.Month, r.NAV)
		out.nav, out.navEntries = reports.NAVList{Year: m.Year, Month: m.Month, RulesVersion: r.NAV.Version, NotRecorded: r.NAV.NotRecorded,
			Period: domain.Period{Start: m.First(), End: m.Last()}, Changes: n.Changes}, n.Entries
		return out, err
	}
	var err error
	p := navPeriod(m)
	q := reports.PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten}, Within: p,
		BornFrom: p.Start.AddDate(-r.NAV.MaxAgeYears, 0, -2), BornTo: p.End.AddDate(-r.NAV.MinAgeYears, 0, 2), Slim: true}
	if out.in, err = reports.LoadPlaced(ctx, counter, mu, units, q, nil); err != nil {
		return out, err
	}
	out.nav, err = navOf(out.in, m, r)
	out.navEntries = len(out.nav.Entries)
	return out, err
}

// decidedChildren are the children with a decision of kind: of every
// unit, a figure of the children with a decision (BASIL's help and
// adaptation, GSI's individually adapted education) can hold no other
// child, so the page reads theirs only.
func decidedChildren(ds []reports.Decision, kind string) []domain.ChildID {
	out := []domain.ChildID{}
	seen := map[domain.ChildID]bool{}
	for _, d := range ds {
		if d.Kind == kind && !seen[d.Child] {
			seen[d.Child] = true
			out = append(out, d.Child)
		}
	}
	return out
}

// basilBorn narrows the children read for a BASIL figure of every unit
// by age (age.N…): born in the year N years before year or the one before
// it (the age rules differ by a year at most); zero (no bound) otherwise.
func basilBorn(year int, r reports.BASILRules, cell string) (from, to date.Date) {
	parts := strings.Split(cell, ".")
	age, err := strconv.Atoi(parts[min(1, len(parts)-1)])
	if parts[0] != "age" || err != nil || age < 0 {
		return date.Zero, date.Zero
	}
	to = date.New(year-age, time.December, 31)
	if age < r.MaxAge {
		from = date.New(year-age-1, time.January, 1)
	}
	if age == 0 {
		to = date.Zero // the youngest count as 0 whenever they were born
	}
	return from, to
}

// gsiBorn narrows the children read for a GSI figure of every unit by
// grade (grade.G, adaptedGrade.G): born in the grade's birth year.
func gsiBorn(year int, r reports.GSIRules, cell string) (from, to date.Date) {
	parts := strings.Split(cell, ".")
	if len(parts) != 2 || (parts[0] != "grade" && parts[0] != "adaptedGrade") {
		return date.Zero, date.Zero
	}
	g, err := strconv.Atoi(parts[1])
	if err != nil {
		return date.Zero, date.Zero // "other"
	}
	born := year - g - (r.SchoolStartAge - 1)
	return date.New(born, time.January, 1), date.New(born, time.December, 31)
}

func (a *app) apiBASIL(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.yearParam(r)
	if err != nil {
		return err
	}
	rep, err := a.basil(r.Context(), c, y)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (a *app) apiGSI(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.yearParam(r)
	if err != nil {
		return err
	}
	rep, err := a.gsi(r.Context(), c, y)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (a *app) apiNAV(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	m, err := a.monthParam(r)
	if err != nil {
		return err
	}
	l, err := a.nav(r.Context(), c, m)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, l)
	return nil
}

// writeCSV hands out a CSV file, never cached.
func writeCSV(w http.ResponseWriter, name string, write func(*strings.Builder) error) error {
	var buf strings.Builder
	if err := write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(buf.String()))
	return nil
}

func (a *app) csvBASIL(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.yearParam(r)
	if err != nil {
		return err
	}
	rep, err := a.basil(r.Context(), c, y)
	if err != nil {
		return err
	}
	return writeCSV(w, "basil-"+string(c.Actor.Municipality)+"-"+strconv.Itoa(y)+".csv", func(b *strings.Builder) error { return rep.WriteCSV(b) })
}

func (a *app) csvGSI(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.yearParam(r)
	if err != nil {
		return err
	}
	rep, err := a.gsi(r.Context(), c, y)
	if err != nil {
		return err
	}
	return writeCSV(w, "gsi-"+string(c.Actor.Municipality)+"-"+strconv.Itoa(y)+".csv", func(b *strings.Builder) error { return rep.WriteCSV(b) })
}

func (a *app) csvNAV(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	m, err := a.monthParam(r)
	if err != nil {
		return err
	}
	l, err := a.nav(r.Context(), c, m)
	if err != nil {
		return err
	}
	return writeCSV(w, "nav-barnehageliste-"+string(c.Actor.Municipality)+"-"+m.String()+".csv", func(b *strings.Builder) error { return l.WriteCSV(b) })
}
