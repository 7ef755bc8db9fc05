package directoryweb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Front page and login.

// homeContent is the public front page: the demo municipality's units.
type homeContent struct {
	L                web.Locale
	MunicipalityName string
	Municipality     domain.Municipality
	Today            date.Date
	Sections         []kindSection
}

// homePage is the front page: one page of the units overview, searched
// by name, so that a municipality of hundreds of units is not one page.
type homePage struct {
	homeContent
	unitPager
}

// kindSection lists the units of one kind.
type kindSection struct {
	ID         string // for the heading's anchor
	HeadingKey string
	EmptyKey   string
	Units      []unitRow
}

type unitRow struct {
	ID             string
	Name           string
	DescriptionKey string
	Parent         string
	Groups         []groupRow
	Total          int
}

type groupRow struct {
	Name     string
	Children int
}

// home sends a logged-in user to the start page of the role. In demo mode
// it shows everyone else the units of the demo municipality by kind, each
// with its groups and how many children are placed in them today, a page
// of web.PageSize units at a time with a search in their names; outside
// demo mode it sends them to the login page.
func (a *app) home(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if c.LoggedIn {
		http.Redirect(w, r, a.StartPage(c.Actor.Role), http.StatusSeeOther)
		return nil
	}
	if !a.Demo {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	units, err := a.unitsOverview(r.Context(), demo.Municipality)
	if err != nil {
		return err
	}
	units.L = c.Lang
	content := homePage{homeContent: units}
	content.unitPager = pageUnits(&content.homeContent, r.URL.Query())
	if content.UnitPrev != "" || content.UnitNext != "" || content.UnitQuery != "" {
		// Paged or searched: a kind with no unit on this page is left
		// out, so as not to say the municipality has none.
		content.Sections = slices.DeleteFunc(content.Sections, func(s kindSection) bool { return len(s.Units) == 0 })
	}
	a.Page(w, r, c, http.StatusOK, "home", "home.title", content)
	return nil
}

func (a *app) unitsOverview(ctx context.Context, m domain.Municipality) (homeContent, error) {
	today := domain.Today(a.Clock)
	units, err := a.Store.Units(ctx, m)
	if err != nil {
		return homeContent{}, err
	}
	names := map[domain.UnitID]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	sections := []kindSection{
		{ID: "barnehager", HeadingKey: "kind.kindergarten.plural", EmptyKey: "home.none.kindergarten"},
		{ID: "skoler", HeadingKey: "kind.school.plural", EmptyKey: "home.none.school"},
		{ID: "sfo", HeadingKey: "kind.sfo.plural", EmptyKey: "home.none.sfo"},
	}
	section := map[domain.UnitKind]*kindSection{domain.Kindergarten: &sections[0], domain.School: &sections[1], domain.SFO: &sections[2]}
	// Every unit's groups, and the children placed today counted by unit
	// and group, in one read each: the reads do not grow with the units,
	// and no placement is read into memory.
	groups, err := a.Store.AllGroups(ctx, m)
	if err != nil {
		return homeContent{}, err
	}
	placed, err := a.Store.PlacedOn(ctx, m, today)
	if err != nil {
		return homeContent{}, err
	}
	groupsOf := map[domain.UnitID][]domain.Group{}
	for _, g := range groups {
		groupsOf[g.UnitID] = append(groupsOf[g.UnitID], g)
	}
	placedOf := map[domain.UnitID][]domain.Placed{}
	for _, p := range placed {
		placedOf[p.Unit] = append(placedOf[p.Unit], p)
	}
	for _, u := range units {
		row := unitRowOf(u, groupsOf[u.ID], placedOf[u.ID], names)
		if s := section[u.Kind]; s != nil {
			s.Units = append(s.Units, row)
		}
	}
	return homeContent{MunicipalityName: demo.MunicipalityNames[m], Municipality: m, Today: today, Sections: sections}, nil
}

// unitRowOf is a unit's row: its children today, in all and per group,
// from the unit's counts of PlacedOn.
func unitRowOf(u domain.Unit, groups []domain.Group, placed []domain.Placed, names map[domain.UnitID]string) unitRow {
	perGroup := map[domain.GroupID]int{}
	total := 0
	for _, p := range placed {
		perGroup[p.Group] += p.Children
		total += p.Children
	}
	row := unitRow{ID: "enhet-" + u.ID.String(), Name: u.Name, DescriptionKey: "unit." + string(u.Owner) + "." + string(u.Kind), Parent: names[u.Parent], Total: total}
	for _, g := range groups {
		row.Groups = append(row.Groups, groupRow{Name: g.Name, Children: perGroup[g.ID]})
	}
	if n := perGroup[domain.GroupID{}]; n > 0 {
		row.Groups = append(row.Groups, groupRow{Name: "—", Children: n})
	}
	return row
}

// Role pages.

// guardianPage is "my children at a glance": a card per child with
// today's state and the "sick today" button, the open offers with their
// answer deadline and the unread messages about it, and above them the
// unread messages and the next invoice due (web.GuardianHome). No
// national ID is shown: the card has the birth date.
func (a *app) guardianPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	h, err := a.GuardianHome(ctx, c.Actor, c.Lang)
	if err != nil {
		return err
	}
	if len(h.Children) > 0 {
		if err := a.Audit(ctx, c.Actor, "child.read", "guardian-home", h.Children...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "guardian", "guardian.title", h)
	return nil
}

// staffPage is the group list for today of each unit the employee works
// at.
func (a *app) staffPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	var rosters []web.RosterView
	for _, u := range c.Actor.Units {
		v, err := a.Roster(ctx, c.Actor.Municipality, u)
		if err != nil {
			return err
		}
		if ids := web.RosterChildren(v); len(ids) > 0 {
			if err := a.Audit(ctx, c.Actor, "roster.read", "unit/"+u.String(), ids...); err != nil {
				return err
			}
		}
		rosters = append(rosters, v)
	}
	a.Page(w, r, c, http.StatusOK, "staff", "staff.title", rosters)
	return nil
}

// caseworkerContent is the caseworker's start page.
type caseworkerContent struct {
	Units    homeContent
	Query    string // the name searched for
	Children []web.ChildSummary
	Next     string // the next page's query
	unitPager
}

// unitPager is a page of a units overview: how many units, the search in
// their names (?unitq=), how many it keeps, and the keyset pages
// (?after=, ?before=) of them.
type unitPager struct {
	UnitCount, UnitMatching int
	UnitQuery               string
	UnitPrev, UnitNext      string
}

// pageUnits cuts a units overview to one keyset page of web.PageSize
// units (by kind, then name), searched by the unit's name: a large
// municipality's hundreds of units are not one page. The pager's links
// keep the query parameters named by keep.
func pageUnits(units *homeContent, q url.Values, keep ...string) unitPager {
	type keyed struct {
		section int
		row     unitRow
	}
	key := func(k keyed) string {
		return fmt.Sprintf("%d|%s|%s", k.section, domain.FoldNB(k.row.Name), k.row.ID)
	}
	var c unitPager
	c.UnitQuery = strings.TrimSpace(q.Get("unitq"))
	var rows []keyed
	for i, s := range units.Sections {
		c.UnitCount += len(s.Units)
		for _, u := range s.Units {
			if c.UnitQuery == "" || web.Matches(u.Name, c.UnitQuery) {
				rows = append(rows, keyed{i, u})
			}
		}
		units.Sections[i].Units = nil
	}
	slices.SortFunc(rows, func(a, b keyed) int { return strings.Compare(key(a), key(b)) })
	c.UnitMatching = len(rows)
	page := web.KeysetPage(rows, key, q.Get("after"), q.Get("before"), web.PageSize)
	c.UnitPrev, c.UnitNext = web.PagerLinks(q, page.Prev, page.Next, append(keep, "unitq")...)
	for _, k := range page.Rows {
		units.Sections[k.section].Units = append(units.Sections[k.section].Units, k.row)
	}
	return c
}

func (a *app) caseworkerPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	units, err := a.unitsOverview(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	units.L = c.Lang
	// One page of the children read and searched in the store, never
	// every child of the municipality.
	q := pr.Q
	pg, err := a.childrenPage(ctx, c.Actor, pr)
	if err != nil {
		return err
	}
	content := caseworkerContent{Units: units, Query: q}
	content.unitPager = pageUnits(&content.Units, r.URL.Query(), "q")
	var ids []domain.ChildID
	for _, ch := range pg.Items {
		content.Children = append(content.Children, web.Summarize(ch))
		ids = append(ids, ch.ID)
	}
	if pg.NextCursor != "" {
		content.Next = "?" + url.Values{"limit": {fmt.Sprint(pr.Limit)}, "cursor": {pg.NextCursor}, "q": {q}}.Encode()
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "children.list", "", ids...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "caseworker", "caseworker.title", content)
	return nil
}

// childPage shows one child as far as the actor may see it.
func (a *app) childPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.ViewChild(r.Context(), c.Access, c.Record)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "child.read", "", c.ChildID); err != nil {
		return err
	}
	content := childContent{ChildView: v}
	if c.Actor.Role == domain.RoleCaseworker && !v.NationalID.IsZero() {
		// The caseworker needs the full number to match the population
		// register or a letter; it is shown on request, and the request
		// is logged.
		if r.URL.Query().Get("fnr") == "vis" {
			if err := a.Audit(r.Context(), c.Actor, "child.national-id.read", "", c.ChildID); err != nil {
				return err
			}
			content.FullNationalID = true
		} else {
			content.ShowNationalID = "/children/" + c.ChildID.String() + "?fnr=vis"
		}
	}
	if c.Actor.Role == domain.RoleCaseworker {
		// The caseworker's links to change the record (the same rule as
		// PolicyChildCase: the caseworker, not the administrator).
		cw := &casework{ChildID: c.ChildID.String()}
		for _, p := range v.Placements {
			label := p.UnitName + " " + c.Lang.Date(p.Start)
			cw.Placements = append(cw.Placements, linkRow{ID: p.ID.String(), Label: label})
		}
		for _, l := range c.Record.Guardians {
			cw.Guardians = append(cw.Guardians, linkRow{ID: l.Guardian.ID.String(), Label: l.Guardian.GivenName + " " + l.Guardian.FamilyName})
		}
		content.Casework = cw
	}
	// Where the law's rights over the record are exercised: the guardian
	// with parental responsibility sees everything stored (GDPR art. 15),
	// the municipality erases on request (art. 17).
	switch c.Access {
	case web.AccessParent:
		content.Privacy = "/children/" + c.ChildID.String() + "/export"
		content.PrivacyKey = "child.privacy.export"
	case web.AccessMunicipal:
		content.Privacy = "/children/" + c.ChildID.String() + "/erasure"
		content.PrivacyKey = "child.privacy.erasure"
	}
	a.Page(w, r, c, http.StatusOK, "child", "child.title", content)
	return nil
}

// childContent is a child's page: the child as the actor may see it and,
// for a caseworker, the links to change it.
type childContent struct {
	web.ChildView
	Casework *casework
	// ShowNationalID links to the page with the full national ID, for a
	// caseworker.
	ShowNationalID string
	// Privacy links to the export (a guardian with parental
	// responsibility) or the erasure page (the municipality), PrivacyKey
	// is the link's text.
	Privacy, PrivacyKey string
}

type casework struct {
	ChildID               string
	Placements, Guardians []linkRow
}

type linkRow struct{ ID, Label string }

// auditContent is a page of the audit log.
type auditContent struct {
	Entries []auditRow
	Next    string
}

type auditRow struct {
	At, Role, Who, Action, Child, Record string
	// Listed counts the children of a list's entry ("A list of 2000
	// children"); the API gives their IDs.
	Listed string
}

func (a *app) auditPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	entries, next, err := a.auditPageOf(r, c)
	if err != nil {
		return err
	}
	content := auditContent{}
	if next != "" {
		content.Next = "?cursor=" + next
	}
	names := map[domain.GuardianID]string{}
	for _, e := range entries {
		row := auditRow{At: c.Lang.DateTime(e.At), Role: c.Lang.T("role." + string(e.Actor.Role)), Who: a.ActorName(r.Context(), e.Actor, names), Action: e.Action, Record: e.Record}
		if !e.ChildID.IsZero() {
			row.Child = e.ChildID.String()
		}
		if e.ChildID.IsZero() && e.ChildCount > 0 {
			row.Listed = c.Lang.T("audit.listed", e.ChildCount)
		}
		content.Entries = append(content.Entries, row)
	}
	a.Page(w, r, c, http.StatusOK, "audit", "audit.title", content)
	return nil
}
