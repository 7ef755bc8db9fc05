package reportsweb

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reports"
)

// The caseworker's pages. /reports shows the year's BASIL, GSI and this
// month's NAV list as figures: the totals at the top, one report at a time
// (?report=basil|gsi|nav), its units in keyset pages searched by the
// unit's name (NAV: its changes, searched by the child's name). Every
// figure links to /reports/children, which shows the count at the top
// and the children behind it in keyset pages (?limit=, ?cursor=: the
// store's reports.Counter.ChildrenByName, sorted by family name, given
// name and ID in SQL) with a search by name or national ID (a child with
// strictly confidential address protection is shown as protected, first,
// never by name, and cannot be found by name). The overview reads counts
// from the store (reports.CountBASIL, reports.CountGSI, and
// reports.CountNAV: NAV's entries counted and the changed children only),
// and the names of the children with a change; the children's page of a
// figure of every unit that is one of placements on the day (BASIL's
// children, ages and hours, GSI's pupils, grades and SFO hours) is
// selected, counted and paged in the store (reports.FigureNamer); any
// other reads the children the figure can hold (the unit's, the children
// with a decision, or of every unit those born in the years an age or
// grade allows) with their birth dates only, counts them as the report
// does (see all), and reads the names of the page's children only. Only
// the children shown are logged; no child's name is ever in a page link
// (the keys are IDs).

// cellView is a figure, linked to its children when there are any.
type cellView struct {
	Count int
	Href  string
}

type tabLink struct {
	Label, Href string
	Current     bool
}

type basilRow struct {
	Age   string
	Total cellView
	Cells []cellView
}

type basilUnitRow struct {
	Name, Href               string
	PlacesSmall, PlacesLarge int
	Children, Help, Adapt    cellView
	Ages                     []cellView
}

type gsiUnitRow struct {
	Name, Href, Kind string
	IsSchool         bool
	Pupils, Adapted  cellView
	AdaptedHours     string
}

type keyedCell struct {
	Key  string
	Cell cellView
}

type navChangeView struct {
	Href, Name string
	Kind       string
	From, To   string
}

type pageContent struct {
	L                web.Locale
	Year, Prev, Next int
	Report           string
	Tabs             []tabLink
	Month            string
	BASILDay, GSIDay string
	// The figures at the top.
	BASILChildren, GSIPupils, NAVCount, NAVChanges int
	BASILUnitCount, GSIUnitCount                   int
	// The list shown: its search and how many rows it keeps.
	Href, Query        string
	Filtered           bool
	Matching           int
	PrevHref, NextHref string

	Bands              []string
	Ages               []string
	BASILColumns       int // columns of the units table: unit, places, children, each age, help, adaptation
	BASILTotals        []basilRow
	BASILHelp, BASILAd cellView
	BASILUnits         []basilUnitRow
	GSIUnits           []gsiUnitRow
	NAVEntries         cellView
	NAVRows            []navChangeView
	BASILNotCounted    []string
	GSINotCounted      []string
	NAVNotRecorded     []string
	AgeRuleProvisional bool
}

// names holds the sort keys of the municipality's children and units for
// the pages' keyset cuts: a key in a link is an ID, compared by the name
// behind it, so no name is ever in a link.
type names struct {
	children map[string]domain.Child
	keys     map[string]childKey
	units    map[string]domain.Unit
}

// childKey is a child's place in a list: protected children first (no
// name to sort by), then by family name, given name and ID.
type childKey struct {
	protected     bool
	family, given string
}

func namesOf(in reports.Input) names {
	n := names{children: make(map[string]domain.Child, len(in.Children)), keys: make(map[string]childKey, len(in.Children)),
		units: make(map[string]domain.Unit, len(in.Units))}
	for _, c := range in.Children {
		id := c.ID.String()
		n.children[id] = c
		if c.AddressProtection.Strict() {
			n.keys[id] = childKey{protected: true}
		} else {
			n.keys[id] = childKey{family: c.FamilyName, given: c.GivenName}
		}
	}
	for _, u := range in.Units {
		n.units[u.ID.String()] = u
	}
	return n
}

// sortChildren sorts keys (child IDs, optionally followed by "." and
// more) as compareChildren does, each name's folded key made once.
func (n names) sortChildren(keys []string) {
	type keyed struct {
		protected                  bool
		family, given, id, rest, k string
	}
	ks := make([]keyed, len(keys))
	for i, k := range keys {
		id, rest, _ := strings.Cut(k, ".")
		ck := n.keys[id]
		ks[i] = keyed{!ck.protected, domain.FoldNB(ck.family), domain.FoldNB(ck.given), id, rest, k}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(compareBool(a.protected, b.protected), strings.Compare(a.family, b.family), strings.Compare(a.given, b.given),
			strings.Compare(a.id, b.id), strings.Compare(a.rest, b.rest))
	})
	for i := range ks {
		keys[i] = ks[i].k
	}
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// compareChildren orders child IDs (optionally followed by "." and more)
// the way the children are listed: protected children first, then by
// family name, given name (domain.FoldNB) and ID.
func (n names) compareChildren(a, b string) int {
	ida, resta, _ := strings.Cut(a, ".")
	idb, restb, _ := strings.Cut(b, ".")
	ka, kb := n.keys[ida], n.keys[idb]
	return cmp.Or(compareBool(!ka.protected, !kb.protected), strings.Compare(domain.FoldNB(ka.family), domain.FoldNB(kb.family)),
		strings.Compare(domain.FoldNB(ka.given), domain.FoldNB(kb.given)), strings.Compare(ida, idb), strings.Compare(resta, restb))
}

// compareUnits orders unit IDs by the unit's name, then ID.
func (n names) compareUnits(a, b string) int {
	return cmp.Or(domain.CompareNB(n.units[a].Name, n.units[b].Name), strings.Compare(a, b))
}

// byName is reports.Counter.ChildrenByName over the children read, for
// a store that does not count in the database.
func (n names) byName(q reports.NameQuery) ([]domain.Child, int) {
	keys := make([]string, 0, len(q.IDs))
	for _, id := range q.IDs {
		if ch, ok := n.children[id.String()]; ok && q.MatchesName(ch) {
			keys = append(keys, id.String())
		}
	}
	n.sortChildren(keys)
	keys = slices.Compact(keys)
	start := 0
	if !q.After.IsZero() {
		start = len(keys)
		for i, k := range keys {
			if n.compareChildren(k, q.After.String()) > 0 {
				start = i
				break
			}
		}
	}
	out := []domain.Child{}
	for _, k := range keys[start:min(len(keys), start+max(q.Limit, 1))] {
		out = append(out, n.children[k])
	}
	return out, len(keys)
}

// childName is how a list shows a child.
func childName(l web.Locale, c domain.Child) string {
	if c.AddressProtection.Strict() {
		return l.T("reports.protected")
	}
	return c.GivenName + " " + c.FamilyName
}

// matchesChild: the search in the child's name (never a protected
// child's) or the start of the national ID.
func matchesChild(c domain.Child, q string) bool {
	digits := strings.ReplaceAll(q, " ", "")
	if !c.NationalID.IsZero() && digits != "" && strings.HasPrefix(c.NationalID.String(), digits) {
		return true
	}
	return !c.AddressProtection.Strict() && web.Matches(c.GivenName+" "+c.FamilyName, q)
}

func (a *app) currentMonth() billing.Month {
	t := domain.Today(a.Clock)
	return billing.Month{Year: t.Year(), Month: t.Month()}
}

// childrenHref links a figure to its children.
func childrenHref(report string, year int, month, unit, cell string) string {
	v := url.Values{"report": {report}, "cell": {cell}}
	if report == "nav" {
		v.Set("month", month)
	} else {
		v.Set("year", strconv.Itoa(year))
	}
	if unit != "" {
		v.Set("unit", unit)
	}
	return "/reports/children?" + v.Encode()
}

func cellOf(cl *reports.Cell, href string) cellView {
	if cl == nil || cl.Count == 0 {
		return cellView{}
	}
	return cellView{Count: cl.Count, Href: href}
}

// reportParam reads ?report=; basil when absent.
func reportParam(r *http.Request) (string, error) {
	switch s := r.URL.Query().Get("report"); s {
	case "":
		return "basil", nil
	case "basil", "gsi", "nav":
		return s, nil
	}
	return "", api.Unprocessable("invalid-query", "report is basil, gsi or nav", domain.FieldError{Field: "report", Reason: "is-not-a-report"})
}

func (a *app) page(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.yearParam(r)
	if err != nil {
		return err
	}
	report, err := reportParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	mo := a.currentMonth()
	rs, err := a.all(ctx, c, y, mo, "", "", "")
	if err != nil {
		return err
	}
	basil, gsi, nav, rules := rs.basil, rs.gsi, rs.nav, rs.rules
	n := namesOf(rs.in)
	q := r.URL.Query()
	pc := pageContent{L: c.Lang, Year: y, Prev: y - 1, Next: y + 1, Report: report, Month: mo.String(),
		BASILDay: c.Lang.Date(basil.Day), GSIDay: c.Lang.Date(gsi.Day), NAVCount: rs.navEntries, NAVChanges: len(nav.Changes),
		BASILUnitCount: len(basil.Units), GSIUnitCount: len(gsi.Units), AgeRuleProvisional: rules.BASIL.AgeRuleProvisional,
		Query: strings.TrimSpace(q.Get("q"))}
	pc.Href = "/reports?" + url.Values{"year": {strconv.Itoa(y)}, "report": {report}}.Encode()
	pc.Filtered = pc.Query != ""
	for _, t := range []string{"basil", "gsi", "nav"} {
		pc.Tabs = append(pc.Tabs, tabLink{Label: c.Lang.T("reports.tab." + t), Current: t == report,
			Href: "/reports?" + url.Values{"year": {strconv.Itoa(y)}, "report": {t}}.Encode()})
	}
	for _, u := range basil.Units {
		pc.BASILChildren += u.Children.Count
	}
	for _, u := range gsi.Units {
		if u.Kind == domain.School {
			pc.GSIPupils += u.Pupils.Count
		}
	}
	for _, b := range rules.BASIL.HoursBands {
		pc.Bands = append(pc.Bands, b.Key)
	}
	for age := 0; age <= rules.BASIL.MaxAge; age++ {
		pc.Ages = append(pc.Ages, strconv.Itoa(age))
	}
	pc.BASILColumns = len(pc.Ages) + 5
	for _, k := range basil.NotCounted {
		pc.BASILNotCounted = append(pc.BASILNotCounted, c.Lang.T("reports.field."+k))
	}
	for _, k := range gsi.NotCounted {
		pc.GSINotCounted = append(pc.GSINotCounted, c.Lang.T("reports.field."+k))
	}
	for _, k := range nav.NotRecorded {
		pc.NAVNotRecorded = append(pc.NAVNotRecorded, c.Lang.T("reports.field."+k))
	}
	var shown []domain.ChildID
	switch report {
	case "basil":
		// The municipality's totals by age and hours, then the units.
		sum := func(f func(u reports.BASILUnit) *reports.Cell) *reports.Cell {
			t := &reports.Cell{}
			for _, u := range basil.Units {
				if cl := f(u); cl != nil {
					t.Count += cl.Count
				}
			}
			return t
		}
		for _, age := range pc.Ages {
			row := basilRow{Age: age, Total: cellOf(sum(func(u reports.BASILUnit) *reports.Cell { return u.ByAge[age] }), childrenHref("basil", y, "", "", "age."+age))}
			for _, b := range pc.Bands {
				row.Cells = append(row.Cells, cellOf(sum(func(u reports.BASILUnit) *reports.Cell { return u.ByAgeAndHours[age][b] }),
					childrenHref("basil", y, "", "", "age."+age+"."+b)))
			}
			pc.BASILTotals = append(pc.BASILTotals, row)
		}
		pc.BASILHelp = cellOf(sum(func(u reports.BASILUnit) *reports.Cell { return &u.SpecialEducationHelp }), childrenHref("basil", y, "", "", "help"))
		pc.BASILAd = cellOf(sum(func(u reports.BASILUnit) *reports.Cell { return &u.Adaptation }), childrenHref("basil", y, "", "", "adaptation"))
		units := basil.Units
		if pc.Filtered {
			units = slices.DeleteFunc(slices.Clone(units), func(u reports.BASILUnit) bool { return !web.Matches(u.Name, pc.Query) })
		}
		slices.SortFunc(units, func(x, y reports.BASILUnit) int { return n.compareUnits(x.Unit.String(), y.Unit.String()) })
		pc.Matching = len(units)
		page := web.KeysetPageFunc(units, func(u reports.BASILUnit) string { return u.Unit.String() }, n.compareUnits, q.Get("after"), q.Get("before"), web.PageSize)
		pc.PrevHref, pc.NextHref = web.PagerLinks(q, page.Prev, page.Next, "year", "report", "q")
		for _, u := range page.Rows {
			id := u.Unit.String()
			row := basilUnitRow{Name: u.Name, Href: childrenHref("basil", y, "", id, "children"), PlacesSmall: u.Places.Small, PlacesLarge: u.Places.Large,
				Children: cellOf(&u.Children, childrenHref("basil", y, "", id, "children")),
				Help:     cellOf(&u.SpecialEducationHelp, childrenHref("basil", y, "", id, "help")),
				Adapt:    cellOf(&u.Adaptation, childrenHref("basil", y, "", id, "adaptation"))}
			for _, age := range pc.Ages {
				row.Ages = append(row.Ages, cellOf(u.ByAge[age], childrenHref("basil", y, "", id, "age."+age)))
			}
			pc.BASILUnits = append(pc.BASILUnits, row)
		}
	case "gsi":
		units := gsi.Units
		if pc.Filtered {
			units = slices.DeleteFunc(slices.Clone(units), func(u reports.GSIUnit) bool { return !web.Matches(u.Name, pc.Query) })
		}
		slices.SortFunc(units, func(x, y reports.GSIUnit) int { return n.compareUnits(x.Unit.String(), y.Unit.String()) })
		pc.Matching = len(units)
		page := web.KeysetPageFunc(units, func(u reports.GSIUnit) string { return u.Unit.String() }, n.compareUnits, q.Get("after"), q.Get("before"), web.PageSize)
		pc.PrevHref, pc.NextHref = web.PagerLinks(q, page.Prev, page.Next, "year", "report", "q")
		for _, u := range page.Rows {
			id := u.Unit.String()
			pc.GSIUnits = append(pc.GSIUnits, gsiUnitRow{Name: u.Name, Href: childrenHref("gsi", y, "", id, "pupils"), Kind: c.Lang.T("reports.kind." + string(u.Kind)),
				IsSchool: u.Kind == domain.School, Pupils: cellOf(&u.Pupils, childrenHref("gsi", y, "", id, "pupils")),
				Adapted: cellOf(&u.AdaptedEducation, childrenHref("gsi", y, "", id, "adapted")), AdaptedHours: u.AdaptedHoursPerWeek.StringFixed(2)})
		}
	case "nav":
		pc.NAVEntries = cellView{Count: rs.navEntries, Href: childrenHref("nav", y, mo.String(), "", "entries")}
		// The names of the children with a change (one read), to sort and
		// search the changes by.
		var changed []domain.ChildID
		for _, ch := range nav.Changes {
			changed = append(changed, ch.Child)
		}
		slices.SortFunc(changed, domain.ChildID.Compare)
		named, err := a.Store.ChildrenByID(ctx, c.Actor.Municipality, slices.Compact(changed))
		if err != nil {
			return err
		}
		n = namesOf(reports.Input{Units: rs.in.Units, Children: named})
		changes := nav.Changes
		if pc.Filtered {
			changes = slices.DeleteFunc(slices.Clone(changes), func(ch reports.NAVChange) bool { return !matchesChild(n.children[ch.Child.String()], pc.Query) })
		}
		key := func(ch reports.NAVChange) string { return ch.Child.String() + "." + ch.Kind }
		ks := make([]string, len(changes))
		byKey := make(map[string]reports.NAVChange, len(changes))
		for i, ch := range changes {
			ks[i] = key(ch)
			byKey[ks[i]] = ch
		}
		n.sortChildren(ks)
		changes = make([]reports.NAVChange, len(ks))
		for i, k := range ks {
			changes[i] = byKey[k]
		}
		pc.Matching = len(changes)
		page := web.KeysetPageFunc(changes, key, n.compareChildren, q.Get("after"), q.Get("before"), web.PageSize)
		pc.PrevHref, pc.NextHref = web.PagerLinks(q, page.Prev, page.Next, "year", "report", "q")
		for _, ch := range page.Rows {
			child := n.children[ch.Child.String()]
			v := navChangeView{Href: "/children/" + ch.Child.String(), Name: childName(c.Lang, child), Kind: c.Lang.T("reports.change." + ch.Kind), From: ch.From, To: ch.To}
			switch ch.Kind {
			case reports.ChangeUnitChanged:
				v.From, v.To = n.units[ch.From].Name, n.units[ch.To].Name
			case reports.ChangeStarted, reports.ChangeEnded:
				v.To = c.Lang.DateText(ch.To)
			}
			pc.NAVRows = append(pc.NAVRows, v)
			shown = append(shown, ch.Child)
		}
	}
	// The figures are logged as read (one entry), the children named on
	// the page each.
	if err := a.Audit(ctx, c.Actor, "reports."+report+".overview", "reports/"+report+"/"+strconv.Itoa(y), shown...); err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "reports_overview", "reports.title", pc)
	return nil
}

type childRow struct {
	Href, Name, Birth, Unit string
}

type childrenContent struct {
	L                  web.Locale
	Report, ReportName string
	Scope, Cell, Day   string
	BackHref, Href     string
	Count, Matching    int
	Query              string
	Filtered           bool
	Rows               []childRow
	PrevHref, NextHref string
	Keep               map[string]string
	Bands              []string
	BASILRows          []basilRow
	Grades, Hours      []keyedCell
	AdaptedGrades      []keyedCell
}

// childrenPage shows the children behind one figure of a report
// (?report=, ?year= or for NAV ?month=, ?unit= (none: every unit), ?cell=
// (none: all the report's children))
// in keyset pages by name, searched by name or national ID (?q=); for a
// unit, its figures by age and hours (BASIL) or grade and hours (GSI)
// above them, each linked to its own children.
func (a *app) childrenPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	report, err := reportParam(r)
	if err != nil {
		return err
	}
	y, err := a.yearParam(r)
	if err != nil {
		return err
	}
	mo := a.currentMonth()
	if report == "nav" {
		if mo, err = a.monthParam(r); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	var after domain.ChildID
	if pr.Cursor != "" {
		if after, err = domain.ParseID[domain.Child](pr.Cursor); err != nil {
			return api.BadRequest("invalid-query", "the cursor is not one this page gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	unit, cell := q.Get("unit"), q.Get("cell")
	if cell == "" {
		// Without a figure: all the report's children.
		cell = map[string]string{"basil": "children", "gsi": "pupils", "nav": "entries"}[report]
	}
	if !validCell(report, cell) {
		return api.Unprocessable("invalid-query", "cell is not a figure of the report", domain.FieldError{Field: "cell", Reason: "is-not-a-figure-of-the-report"})
	}
	ctx := r.Context()
	rules, err := reports.LoadRules()
	if err != nil {
		return err
	}
	if namer, fq, ok := a.figureOf(rules, report, y, unit, cell); ok {
		// The figure's children selected and paged in the store.
		return a.figurePage(w, r, c, namer, fq, rules, report, y, cell, pr)
	}
	rs, err := a.all(ctx, c, y, mo, report, unit, cell)
	if err != nil {
		return err
	}
	n := namesOf(rs.in)
	if _, ok := n.units[unit]; unit != "" && !ok {
		return api.Unprocessable("invalid-query", "unit is not one of the municipality's units", domain.FieldError{Field: "unit", Reason: "no-such-unit"})
	}
	pc := childrenContent{L: c.Lang, Report: report, ReportName: c.Lang.T("reports.tab." + report), Scope: c.Lang.T("reports.allUnits"),
		Query: pr.Q}
	pc.Filtered = pc.Query != ""
	back := url.Values{"year": {strconv.Itoa(y)}, "report": {report}}
	pc.BackHref = "/reports?" + back.Encode()
	pc.Href = childrenHref(report, y, mo.String(), unit, cell)
	pc.Keep = map[string]string{"cell": cell}
	if report == "nav" {
		pc.Keep["month"] = mo.String()
	} else {
		pc.Keep["year"] = strconv.Itoa(y)
	}
	if unit != "" {
		pc.Keep["unit"] = unit
	}
	if unit != "" {
		pc.Scope = n.units[unit].Name
	}
	var ids []domain.ChildID
	take := func(cl *reports.Cell) {
		if cl != nil {
			ids = append(ids, cl.Children...)
		}
	}
	switch report {
	case "basil":
		pc.Day = c.Lang.Date(rs.basil.Day)
		for _, b := range rs.rules.BASIL.HoursBands {
			pc.Bands = append(pc.Bands, b.Key)
		}
		for _, u := range rs.basil.Units {
			if unit != "" && u.Unit.String() != unit {
				continue
			}
			parts := strings.Split(cell, ".")
			switch {
			case cell == "children":
				take(&u.Children)
			case cell == "help":
				take(&u.SpecialEducationHelp)
			case cell == "adaptation":
				take(&u.Adaptation)
			case parts[0] == "age" && len(parts) == 2:
				take(u.ByAge[parts[1]])
			case parts[0] == "age" && len(parts) == 3:
				take(u.ByAgeAndHours[parts[1]][parts[2]])
			}
			if unit != "" {
				for age := 0; age <= rs.rules.BASIL.MaxAge; age++ {
					k := strconv.Itoa(age)
					row := basilRow{Age: k, Total: cellOf(u.ByAge[k], childrenHref("basil", y, "", unit, "age."+k))}
					for _, b := range pc.Bands {
						row.Cells = append(row.Cells, cellOf(u.ByAgeAndHours[k][b], childrenHref("basil", y, "", unit, "age."+k+"."+b)))
					}
					pc.BASILRows = append(pc.BASILRows, row)
				}
			}
		}
	case "gsi":
		pc.Day = c.Lang.Date(rs.gsi.Day)
		keyed := func(m map[string]*reports.Cell, prefix string) []keyedCell {
			var out []keyedCell
			for _, k := range sortedKeys(m) {
				out = append(out, keyedCell{Key: k, Cell: cellOf(m[k], childrenHref("gsi", y, "", unit, prefix+"."+k))})
			}
			return out
		}
		for _, u := range rs.gsi.Units {
			if unit != "" && u.Unit.String() != unit {
				continue
			}
			parts := strings.Split(cell, ".")
			switch {
			case cell == "pupils":
				take(&u.Pupils)
			case cell == "adapted":
				take(&u.AdaptedEducation)
			case parts[0] == "grade" && len(parts) == 2:
				take(u.ByGrade[parts[1]])
			case parts[0] == "hours" && len(parts) == 2:
				take(u.ByHours[parts[1]])
			case parts[0] == "adaptedGrade" && len(parts) == 2:
				take(u.AdaptedByGrade[parts[1]])
			}
			if unit != "" {
				pc.Grades, pc.Hours, pc.AdaptedGrades = keyed(u.ByGrade, "grade"), keyed(u.ByHours, "hours"), keyed(u.AdaptedByGrade, "adaptedGrade")
			}
		}
	case "nav":
		pc.Day = mo.String()
		if cell == "entries" {
			for _, e := range rs.nav.Entries {
				if unit == "" || e.Unit.String() == unit {
					ids = append(ids, e.Child)
				}
			}
		}
	}
	pc.Cell = cellLabel(c.Lang, cell)
	pc.Count = len(ids)
	unitOf := map[domain.ChildID]string{}
	if report == "nav" {
		for _, e := range rs.nav.Entries {
			unitOf[e.Child] = e.UnitName
		}
	}
	// One page of the figure's children in name order, their names read
	// for the page only.
	nq := reports.NameQuery{IDs: ids, After: after, Limit: pr.Limit + 1, Search: pr.Q}
	var rows []domain.Child
	if counter, ok := any(a.Store).(reports.Counter); ok {
		rows, pc.Matching, err = counter.ChildrenByName(ctx, c.Actor.Municipality, nq)
		if err != nil {
			return err
		}
	} else {
		rows, pc.Matching = n.byName(nq)
	}
	return a.showChildren(w, r, c, pc, rows, pr, report, y, mo, unit, cell, unitOf)
}

// cellLabel names a figure (cell) as the children's page shows it.
func cellLabel(l web.Locale, k string) string {
	parts := strings.Split(k, ".")
	switch {
	case parts[0] == "age" && len(parts) == 2:
		return l.T("reports.age") + " " + parts[1]
	case parts[0] == "age" && len(parts) == 3:
		return l.T("reports.age") + " " + parts[1] + ", " + parts[2] + " " + l.T("reports.hoursPerWeek")
	case parts[0] == "grade" && len(parts) == 2:
		return l.T("reports.grade") + " " + parts[1]
	case parts[0] == "hours" && len(parts) == 2:
		return parts[1] + " " + l.T("reports.hoursPerWeek")
	case parts[0] == "adaptedGrade" && len(parts) == 2:
		return l.T("reports.adapted") + ", " + l.T("reports.grade") + " " + parts[1]
	}
	return l.T("reports.cell." + k)
}

// showChildren shows one keyset page of a figure's children (rows: the
// page and one more) and logs the children shown.
func (a *app) showChildren(w http.ResponseWriter, r *http.Request, c *web.Call, pc childrenContent, rows []domain.Child, pr api.PageRequest,
	report string, y int, mo billing.Month, unit, cell string, unitOf map[domain.ChildID]string) error {
	ctx, q := r.Context(), r.URL.Query()
	page := api.Keyset(rows, func(ch domain.Child) string { return ch.ID.String() }, pr)
	if page.NextCursor != "" {
		v := url.Values{"limit": {strconv.Itoa(pr.Limit)}, "cursor": {page.NextCursor}}
		for _, k := range []string{"report", "year", "month", "unit", "cell", "q"} {
			if s := q.Get(k); s != "" {
				v.Set(k, s)
			}
		}
		pc.NextHref = "?" + v.Encode()
	}
	shown := make([]domain.ChildID, 0, len(page.Items))
	for _, ch := range page.Items {
		row := childRow{Href: "/children/" + ch.ID.String(), Name: childName(c.Lang, ch), Unit: unitOf[ch.ID]}
		if !ch.AddressProtection.Strict() {
			row.Birth = c.Lang.Date(ch.BirthDate)
		}
		pc.Rows = append(pc.Rows, row)
		shown = append(shown, ch.ID)
	}
	record := "reports/" + report + "/" + strconv.Itoa(y) + "/" + cmp.Or(unit, "all") + "/" + cell
	if report == "nav" {
		record = "reports/nav/" + mo.String() + "/" + cell
	}
	if err := a.Audit(ctx, c.Actor, "reports."+report, record, shown...); err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "reports_children", "reports.children.title", pc)
	return nil
}

// validCell: the figures a report has (BASIL: children, help, adaptation,
// age.N and age.N.band; GSI: pupils, adapted, grade.G, hours.H and
// adaptedGrade.G; NAV: entries).
func validCell(report, cell string) bool {
	parts := strings.Split(cell, ".")
	for _, p := range parts {
		if p == "" {
			return false
		}
	}
	switch report {
	case "basil":
		return cell == "children" || cell == "help" || cell == "adaptation" || (parts[0] == "age" && (len(parts) == 2 || len(parts) == 3))
	case "gsi":
		return cell == "pupils" || cell == "adapted" || ((parts[0] == "grade" || parts[0] == "hours" || parts[0] == "adaptedGrade") && len(parts) == 2)
	case "nav":
		return cell == "entries"
	}
	return false
}

// sortedKeys orders keys by the number in them ("2" before "10", "h8"
// before "h12"), others after them.
func sortedKeys(m map[string]*reports.Cell) []string {
	num := func(s string) (int, bool) {
		n, seen := 0, false
		for _, r := range s {
			if r >= '0' && r <= '9' {
				n, seen = n*10+int(r-'0'), true
			} else if seen {
				break
			}
		}
		return n, seen
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0; j-- {
			x, okX := num(ks[j-1])
			y, okY := num(ks[j])
			if (okX && okY && x > y) || (!okX && okY) || (okX == okY && (!okX || x == y) && ks[j-1] > ks[j]) {
				ks[j-1], ks[j] = ks[j], ks[j-1]
			}
		}
	}
	return ks
}

// figureOf is the store's selection of a figure of every unit
// (reports.FigureNamer) when the store has one and the figure is one of
// placements on the day: BASIL's children, age.N and age.N.band, GSI's
// pupils, grade.G and hours.H. The units are filled in by figurePage.
func (a *app) figureOf(r reports.Rules, report string, year int, unit, cell string) (reports.FigureNamer, reports.FigureQuery, bool) {
	namer, ok := any(a.Store).(reports.FigureNamer)
	if !ok || unit != "" {
		return nil, reports.FigureQuery{}, false
	}
	parts := strings.Split(cell, ".")
	var q reports.FigureQuery
	switch report {
	case "basil":
		day := basilDay(year, r)
		q.Placed = reports.PlacedQuery{Kinds: []domain.UnitKind{domain.Kindergarten}, Within: domain.Period{Start: day, End: day}}
		switch {
		case cell == "children":
		case parts[0] == "age" && (len(parts) == 2 || len(parts) == 3):
			age, err := strconv.Atoi(parts[1])
			if err != nil || strconv.Itoa(age) != parts[1] || age < 0 || age > r.BASIL.MaxAge {
				return nil, q, false
			}
			q.Placed.BornFrom, q.Placed.BornTo = r.BASIL.BornAged(year, age)
			if len(parts) == 3 {
				q.Bands, q.Band = r.BASIL.HoursBands, parts[2]
			}
		default:
			return nil, q, false
		}
	case "gsi":
		day := gsiDay(year, r)
		q.Placed = reports.PlacedQuery{Kinds: []domain.UnitKind{domain.School, domain.SFO}, Within: domain.Period{Start: day, End: day}}
		switch {
		case cell == "pupils":
		case parts[0] == "grade" && len(parts) == 2:
			g, err := strconv.Atoi(parts[1])
			if err != nil || strconv.Itoa(g) != parts[1] {
				return nil, q, false // "other": outside every kind's grades
			}
			q.Placed.Kinds = nil
			for _, k := range []domain.UnitKind{domain.School, domain.SFO} {
				if gr := domain.GradeRange[k]; g >= gr.From && g <= gr.To {
					q.Placed.Kinds = append(q.Placed.Kinds, k)
				}
			}
			born := year - g - (r.GSI.SchoolStartAge - 1)
			q.Placed.BornFrom, q.Placed.BornTo = date.New(born, time.January, 1), date.New(born, time.December, 31)
		case parts[0] == "hours" && len(parts) == 2 && len(r.GSI.SFOHoursBands) > 0:
			q.Placed.Kinds = []domain.UnitKind{domain.SFO}
			q.Bands, q.Band = r.GSI.SFOHoursBands, parts[1]
		default:
			return nil, q, false
		}
	default:
		return nil, q, false
	}
	return namer, q, true
}

// figurePage is childrenPage for a figure of every unit selected and
// paged in the store: it reads the units and one page of children.
func (a *app) figurePage(w http.ResponseWriter, r *http.Request, c *web.Call, namer reports.FigureNamer, q reports.FigureQuery, rules reports.Rules,
	report string, y int, cell string, pr api.PageRequest) error {
	ctx := r.Context()
	day := q.Placed.Within.Start
	var after domain.ChildID
	if pr.Cursor != "" {
		var err error
		if after, err = domain.ParseID[domain.Child](pr.Cursor); err != nil {
			return api.BadRequest("invalid-query", "the cursor is not one this page gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	var rows []domain.Child
	pc := childrenContent{L: c.Lang, Report: report, ReportName: c.Lang.T("reports.tab." + report), Scope: c.Lang.T("reports.allUnits"),
		Query: pr.Q, Day: c.Lang.Date(day)}
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		units, err := a.Store.Units(ctx, c.Actor.Municipality)
		if err != nil {
			return err
		}
		// The report's units (BASIL, GSI): of its kinds, open on the day.
		for _, u := range units {
			if !u.Closed(day) && ((report == "basil" && u.Kind == domain.Kindergarten) || (report == "gsi" && (u.Kind == domain.School || u.Kind == domain.SFO))) {
				q.Units = append(q.Units, u.ID)
			}
		}
		rows, pc.Matching, pc.Count, err = namer.FigureByName(ctx, c.Actor.Municipality, q, reports.NameQuery{After: after, Limit: pr.Limit + 1, Search: pr.Q})
		return err
	})
	if err != nil {
		return err
	}
	pc.Filtered = pc.Query != ""
	back := url.Values{"year": {strconv.Itoa(y)}, "report": {report}}
	pc.BackHref = "/reports?" + back.Encode()
	pc.Href = childrenHref(report, y, "", "", cell)
	pc.Keep = map[string]string{"cell": cell, "year": strconv.Itoa(y)}
	if report == "basil" {
		for _, b := range rules.BASIL.HoursBands {
			pc.Bands = append(pc.Bands, b.Key)
		}
	}
	pc.Cell = cellLabel(c.Lang, cell)
	return a.showChildren(w, r, c, pc, rows, pr, report, y, billing.Month{}, "", cell, nil)
}
