package reportsweb

import (
	"net/http"
	"strconv"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reports"
)

// The caseworker's page: the year's BASIL and GSI and this month's NAV
// list, each figure with the children behind it (a child with strictly
// confidential address protection is shown as protected, linked to the
// child's page, never by name in the list), and the downloads.

type childLink struct {
	Href, Name string
}

type cellView struct {
	Count    int
	Children []childLink
}

type basilUnitView struct {
	Name                     string
	PlacesSmall, PlacesLarge int
	Children                 cellView
	Rows                     []basilRow
	Help, Adaptation         cellView
}

type basilRow struct {
	Age   string
	Cells []cellView
}

type gsiUnitView struct {
	Name, Kind       string
	Pupils           cellView
	Grades           []keyedCell
	Hours            []keyedCell
	Adapted          cellView
	AdaptedHours     string
	IsSchool         bool
	AdaptedPerGrades []keyedCell
}

type keyedCell struct {
	Key  string
	Cell cellView
}

type navChangeView struct {
	Child    childLink
	Kind     string
	From, To string
}

type pageContent struct {
	L                  web.Locale
	Year, Prev, Next   int
	Month              string
	BASILDay, GSIDay   string
	Bands              []string
	BASIL              []basilUnitView
	GSI                []gsiUnitView
	NAVCount           int
	NAVChanges         []navChangeView
	BASILNotCounted    []string
	GSINotCounted      []string
	NAVNotRecorded     []string
	AgeRuleProvisional bool
}

func (a *app) page(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	y, err := a.yearParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rules, err := reports.LoadRules()
	if err != nil {
		return err
	}
	children, err := a.Store.Children(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	link := map[domain.ChildID]childLink{}
	for _, ch := range children {
		name := ch.GivenName + " " + ch.FamilyName
		if ch.AddressProtection.Strict() {
			name = c.Lang.T("reports.protected")
		}
		link[ch.ID] = childLink{Href: "/children/" + ch.ID.String(), Name: name}
	}
	view := func(cl *reports.Cell) cellView {
		v := cellView{}
		if cl == nil {
			return v
		}
		v.Count = cl.Count
		for _, id := range cl.Children {
			v.Children = append(v.Children, link[id])
		}
		return v
	}
	keyed := func(m map[string]*reports.Cell) []keyedCell {
		var out []keyedCell
		for _, k := range sortedKeys(m) {
			out = append(out, keyedCell{Key: k, Cell: view(m[k])})
		}
		return out
	}
	basil, err := a.basil(ctx, c, y)
	if err != nil {
		return err
	}
	gsi, err := a.gsi(ctx, c, y)
	if err != nil {
		return err
	}
	t := domain.Today(a.Clock)
	mo := billing.Month{Year: t.Year(), Month: t.Month()}
	nav, err := a.nav(ctx, c, mo)
	if err != nil {
		return err
	}
	pc := pageContent{L: c.Lang, Year: y, Prev: y - 1, Next: y + 1, Month: mo.String(), BASILDay: c.Lang.Date(basil.Day), GSIDay: c.Lang.Date(gsi.Day),
		NAVCount: len(nav.Entries), AgeRuleProvisional: rules.BASIL.AgeRuleProvisional}
	for _, b := range rules.BASIL.HoursBands {
		pc.Bands = append(pc.Bands, b.Key)
	}
	for _, k := range basil.NotCounted {
		pc.BASILNotCounted = append(pc.BASILNotCounted, c.Lang.T("reports.field."+k))
	}
	for _, k := range gsi.NotCounted {
		pc.GSINotCounted = append(pc.GSINotCounted, c.Lang.T("reports.field."+k))
	}
	for _, k := range nav.NotRecorded {
		pc.NAVNotRecorded = append(pc.NAVNotRecorded, c.Lang.T("reports.field."+k))
	}
	for _, u := range basil.Units {
		uv := basilUnitView{Name: u.Name, PlacesSmall: u.Places.Small, PlacesLarge: u.Places.Large, Children: view(&u.Children),
			Help: view(&u.SpecialEducationHelp), Adaptation: view(&u.Adaptation)}
		for a := 0; a <= rules.BASIL.MaxAge; a++ {
			k := strconv.Itoa(a)
			row := basilRow{Age: k}
			for _, b := range pc.Bands {
				row.Cells = append(row.Cells, view(u.ByAgeAndHours[k][b]))
			}
			uv.Rows = append(uv.Rows, row)
		}
		pc.BASIL = append(pc.BASIL, uv)
	}
	for _, u := range gsi.Units {
		gv := gsiUnitView{Name: u.Name, Kind: c.Lang.T("reports.kind." + string(u.Kind)), Pupils: view(&u.Pupils), Grades: keyed(u.ByGrade),
			Hours: keyed(u.ByHours), Adapted: view(&u.AdaptedEducation), AdaptedHours: u.AdaptedHoursPerWeek.StringFixed(2),
			IsSchool: u.Kind == domain.School, AdaptedPerGrades: keyed(u.AdaptedByGrade)}
		pc.GSI = append(pc.GSI, gv)
	}
	units, err := a.Store.Units(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	unitName := map[string]string{}
	for _, u := range units {
		unitName[u.ID.String()] = u.Name
	}
	for _, ch := range nav.Changes {
		v := navChangeView{Child: link[ch.Child], Kind: c.Lang.T("reports.change." + ch.Kind), From: ch.From, To: ch.To}
		switch ch.Kind {
		case reports.ChangeUnitChanged:
			v.From, v.To = unitName[ch.From], unitName[ch.To]
		case reports.ChangeStarted, reports.ChangeEnded:
			v.To = c.Lang.DateText(ch.To)
		}
		pc.NAVChanges = append(pc.NAVChanges, v)
	}
	a.Page(w, r, c, http.StatusOK, "reports_overview", "reports.title", pc)
	return nil
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
