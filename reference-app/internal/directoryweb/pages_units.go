package directoryweb

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Units and groups as pages: the administrator's list of units, a unit's
// page (which staff of the unit and caseworkers see too, without the
// buttons), and the forms to create, edit and close units and groups.

func (a *app) unitPages() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/admin/units", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.unitsPage},
		{Method: "GET", Path: "/admin/units/new", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.newUnitPage},
		{Method: "POST", Path: "/admin/units", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.newUnitSubmit},
		{Method: "GET", Path: "/units/{unitId}", Kind: web.KindPage, Policy: web.PolicyUnit, Handle: a.unitPage},
		{Method: "GET", Path: "/admin/units/{unitId}/edit", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.editUnitPage},
		{Method: "POST", Path: "/admin/units/{unitId}", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.editUnitSubmit},
		{Method: "GET", Path: "/admin/units/{unitId}/close", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.closeUnitPage},
		{Method: "POST", Path: "/admin/units/{unitId}/close", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.closeUnitSubmit},
		{Method: "GET", Path: "/admin/units/{unitId}/groups/new", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.newGroupPage},
		{Method: "POST", Path: "/admin/units/{unitId}/groups", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.newGroupSubmit},
		{Method: "GET", Path: "/admin/units/{unitId}/groups/{groupId}/edit", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.editGroupPage},
		{Method: "POST", Path: "/admin/units/{unitId}/groups/{groupId}", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.editGroupSubmit},
		{Method: "GET", Path: "/admin/units/{unitId}/groups/{groupId}/close", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.closeGroupPage},
		{Method: "POST", Path: "/admin/units/{unitId}/groups/{groupId}/close", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.closeGroupSubmit},
	}
}

// unitsContent is the administrator's list of units.
type unitsContent struct {
	Units []unitListRow // one page
	// Total is the municipality's units, Matches those the search and the
	// kind filter leave (-1 when neither is given); Query and Kind are
	// them, Kinds the filter's choices.
	Total, Matches     int
	Query, Kind        string
	Kinds              []option
	PrevHref, NextHref string
}

// unitKey is a unit's place in the list: its name, then its ID, compared
// by compareUnitKeys the way domain.SortUnits orders.
func unitKey(u domain.Unit) string { return u.Name + "~" + u.ID.String() }

func compareUnitKeys(a, b string) int {
	an, aid := splitUnitKey(a)
	bn, bid := splitUnitKey(b)
	return cmp.Or(domain.CompareNB(an, bn), strings.Compare(aid, bid))
}

// splitUnitKey parts a unitKey at its last "~" (an ID has none).
func splitUnitKey(k string) (name, id string) {
	i := strings.LastIndex(k, "~")
	if i < 0 {
		return k, ""
	}
	return k[:i], k[i+1:]
}

type unitListRow struct {
	ID, Name, Kind, Closing string
	Placed                  int
}

func (a *app) unitsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	today := domain.Today(a.Clock)
	units, err := a.Store.Units(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	// The children placed today in every unit, counted in one read.
	counts, err := a.Store.PlacedOn(ctx, c.Actor.Municipality, today)
	if err != nil {
		return err
	}
	placed := map[domain.UnitID]int{}
	for _, p := range counts {
		placed[p.Unit] += p.Children
	}
	q := r.URL.Query()
	content := unitsContent{Total: len(units), Matches: -1, Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Kinds: kindOptions(c.Lang)}
	kind := func(u domain.Unit) string { return c.Lang.T("unit." + string(u.Owner) + "." + string(u.Kind)) }
	if content.Query != "" || content.Kind != "" {
		units = slices.DeleteFunc(slices.Clone(units), func(u domain.Unit) bool {
			return (content.Kind != "" && string(u.Kind) != content.Kind) || !web.Matches(u.Name+" "+kind(u), content.Query)
		})
		content.Matches = len(units)
	}
	pg := web.KeysetPageFunc(units, unitKey, compareUnitKeys, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, pg.Prev, pg.Next, "q", "kind")
	for _, u := range pg.Rows {
		row := unitListRow{ID: u.ID.String(), Name: u.Name, Kind: kind(u), Placed: placed[u.ID]}
		if u.ClosingDate != date.Zero {
			row.Closing = c.Lang.T("dir.unit.closes", c.Lang.Date(u.ClosingDate))
		}
		content.Units = append(content.Units, row)
	}
	a.Page(w, r, c, http.StatusOK, "directory_units", "dir.units.title", content)
	return nil
}

func childrenOf(ps []domain.Placement) map[domain.ChildID]bool {
	m := map[domain.ChildID]bool{}
	for _, p := range ps {
		m[p.ChildID] = true
	}
	return m
}

// unitContent is a unit's page.
type unitContent struct {
	ID, Name, Description, Parent string
	Admin                         bool
	Address                       []string
	Hours                         []hoursRow
	Phone, Email                  string
	Seats                         []seatsRow
	Grades                        string
	Closing                       string
	Groups                        []unitGroupRow
	Unplaced                      int // children placed in no group today
}

type hoursRow struct{ Day, Hours string }

type seatsRow struct {
	Label         string
	Seats, Placed int
}

type unitGroupRow struct {
	ID, Name, Detail, Closing string
	Placed                    int
}

func (a *app) unitPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	l := c.Lang
	m := c.Actor.Municipality
	u, err := a.Store.Unit(ctx, m, c.UnitID)
	if err != nil {
		return err
	}
	today := domain.Today(a.Clock)
	content := unitContent{ID: u.ID.String(), Name: u.Name, Description: l.T("unit." + string(u.Owner) + "." + string(u.Kind)),
		Admin: c.Actor.Role == domain.RoleAdmin, Phone: u.Contact.Phone, Email: u.Contact.Email}
	if !u.Parent.IsZero() {
		if p, err := a.Store.Unit(ctx, m, u.Parent); err == nil {
			content.Parent = p.Name
		}
	}
	ad := u.Address
	for _, line := range []string{ad.Street, ad.Cadastral, strings.TrimSpace(ad.Postcode + " " + ad.PostTown)} {
		if line != "" {
			content.Address = append(content.Address, line)
		}
	}
	for _, d := range domain.WeekdayKeys {
		if h, ok := u.OpeningHours[d]; ok {
			content.Hours = append(content.Hours, hoursRow{Day: l.T("dir.day." + d), Hours: h.Opens + "–" + h.Closes})
		}
	}
	if !u.Grades.IsZero() {
		content.Grades = u.Grades.String()
	}
	if u.ClosingDate != date.Zero {
		content.Closing = l.T("dir.unit.closes", l.Date(u.ClosingDate))
	}
	ps, err := a.Store.UnitPlacements(ctx, m, u.ID, domain.Period{Start: today, End: today})
	if err != nil {
		return err
	}
	perGroup := map[domain.GroupID]map[domain.ChildID]bool{}
	byAge := map[domain.AgeGroup]int{}
	var placed []domain.ChildID
	for _, p := range ps {
		if perGroup[p.GroupID] == nil {
			perGroup[p.GroupID] = map[domain.ChildID]bool{}
		}
		perGroup[p.GroupID][p.ChildID] = true
		placed = append(placed, p.ChildID)
	}
	if u.Kind == domain.Kindergarten {
		// The seats by age group: the children's birth dates in one read
		// (ChildrenByID gives each child once).
		children, err := a.Store.ChildrenByID(ctx, m, placed)
		if err != nil {
			return err
		}
		for _, ch := range children {
			byAge[domain.AgeGroupOn(ch.BirthDate, today)]++
		}
	}
	if u.Kind == domain.Kindergarten {
		content.Seats = []seatsRow{
			{Label: l.T("dir.age.small"), Seats: u.Seats.Small, Placed: byAge[domain.Small]},
			{Label: l.T("dir.age.large"), Seats: u.Seats.Large, Placed: byAge[domain.Large]},
		}
	}
	groups, err := a.Store.Groups(ctx, m, u.ID)
	if err != nil {
		return err
	}
	for _, g := range groups {
		row := unitGroupRow{ID: g.ID.String(), Name: g.Name, Placed: len(perGroup[g.ID])}
		switch {
		case g.AgeGroup != "":
			row.Detail = l.T("dir.age." + string(g.AgeGroup))
		case !g.Grades.IsZero():
			row.Detail = l.T("dir.grades", g.Grades.String())
		}
		if g.ClosingDate != date.Zero {
			row.Closing = l.T("dir.unit.closes", l.Date(g.ClosingDate))
		}
		content.Groups = append(content.Groups, row)
	}
	content.Unplaced = len(perGroup[domain.GroupID{}])
	a.Page(w, r, c, http.StatusOK, "directory_unit", "dir.unit.title", content)
	return nil
}

// Unit form.

func kindOptions(l web.Locale) []option {
	return []option{{Value: string(domain.Kindergarten), Label: l.T("kind.kindergarten")}, {Value: string(domain.School), Label: l.T("kind.school")}, {Value: string(domain.SFO), Label: l.T("kind.sfo")}}
}

func (a *app) unitForm(ctx context.Context, c *web.Call, action, title string, v formValues, e *formErrors, back string) (formView, error) {
	l := c.Lang
	f := formView{Title: title, Intro: l.T("dir.unit.intro"), Action: action, Submit: l.T("dir.save"), Back: back, BackKey: "dir.back", errors: e.fields, Problems: e.other}
	units, err := a.Store.Units(ctx, c.Actor.Municipality)
	if err != nil {
		return f, err
	}
	parents := []option{{Value: "", Label: l.T("dir.noParent")}}
	for _, u := range units {
		if u.Kind == domain.School {
			parents = append(parents, option{Value: u.ID.String(), Label: u.Name})
		}
	}
	opens, closes := f.input(l, v, "openingHours.opens", "time"), f.input(l, v, "openingHours.closes", "time")
	opens.Hint = l.T("dir.hint.time")
	grades := f.input(l, v, "grades.from", "number")
	grades.Hint = l.T("dir.hint.grades")
	street := f.input(l, v, "address.street", "text")
	street.Hint = l.T("dir.hint.street")
	f.Groups = []fieldGroup{
		{Fields: []field{f.input(l, v, "name", "text"), f.choice(l, v, "kind", kindOptions(l)),
			f.choice(l, v, "owner", []option{{Value: string(domain.Municipal), Label: l.T("dir.owner.municipal")}, {Value: string(domain.Private), Label: l.T("dir.owner.private")}}),
			f.choice(l, v, "parent", parents)}},
		{Legend: l.T("dir.unit.address"), Fields: []field{street, f.input(l, v, "address.cadastral", "text"),
			f.input(l, v, "address.postcode", "text"), f.input(l, v, "address.postTown", "text")}},
		{Legend: l.T("dir.unit.hours"), Fields: []field{opens, closes}},
		{Legend: l.T("dir.unit.contact"), Fields: []field{f.input(l, v, "contact.phone", "tel"), f.input(l, v, "contact.email", "email")}},
		{Legend: l.T("dir.unit.seats"), Fields: []field{f.input(l, v, "seats.small", "number"), f.input(l, v, "seats.large", "number")}},
		{Legend: l.T("dir.unit.grades"), Fields: []field{grades, f.input(l, v, "grades.to", "number")}},
	}
	return f, nil
}

// unitFromForm reads a unit request from a form: one daily opening range,
// Monday to Friday.
func unitFromForm(v formValues, e *formErrors, m domain.Municipality) unitRequest {
	req := unitRequest{Name: v["name"], Kind: domain.UnitKind(v["kind"]), Owner: domain.Owner(v["owner"]),
		Address: domain.Address{Street: strings.TrimSpace(v["address.street"]), Cadastral: strings.TrimSpace(v["address.cadastral"]),
			Postcode: strings.TrimSpace(v["address.postcode"]), PostTown: strings.TrimSpace(v["address.postTown"])},
		Contact: domain.Contact{Phone: strings.TrimSpace(v["contact.phone"]), Email: strings.TrimSpace(v["contact.email"])},
		Seats:   domain.Seats{Small: e.number(v, "seats.small"), Large: e.number(v, "seats.large")},
		Grades:  domain.Grades{From: e.number(v, "grades.from"), To: e.number(v, "grades.to")}}
	if !req.Address.IsZero() {
		req.Address.Municipality = m
	}
	if o, c := strings.TrimSpace(v["openingHours.opens"]), strings.TrimSpace(v["openingHours.closes"]); o != "" || c != "" {
		req.OpeningHours = domain.Daily(o, c)
	}
	if s := v["parent"]; s != "" {
		id, err := domain.ParseID[domain.Unit](s)
		if err != nil {
			e.set("parent", "no-such-unit")
		}
		req.Parent = id
	}
	return req
}

// unitField maps the domain's field names to the unit form's.
func unitField(name string) string {
	if rest, ok := strings.CutPrefix(name, "openingHours."); ok {
		if _, part, ok := strings.Cut(rest, "."); ok {
			return "openingHours." + part
		}
		return "openingHours.opens"
	}
	switch name {
	case "grades":
		return "grades.from"
	case "seats":
		return "seats.small"
	case "address.municipality":
		return "address.postTown"
	}
	return name
}

func onUnitForm(name string) bool {
	switch name {
	case "name", "kind", "owner", "parent", "address.street", "address.cadastral", "address.postcode", "address.postTown",
		"openingHours.opens", "openingHours.closes", "contact.phone", "contact.email", "seats.small", "seats.large", "grades.from", "grades.to":
		return true
	}
	return false
}

// unitValues are a stored unit's values for its form.
func unitValues(u domain.Unit) formValues {
	v := formValues{"name": u.Name, "kind": string(u.Kind), "owner": string(u.Owner),
		"address.street": u.Address.Street, "address.cadastral": u.Address.Cadastral, "address.postcode": u.Address.Postcode,
		"address.postTown": u.Address.PostTown, "contact.phone": u.Contact.Phone, "contact.email": u.Contact.Email}
	if !u.Parent.IsZero() {
		v["parent"] = u.Parent.String()
	}
	if h, ok := u.OpeningHours["mon"]; ok {
		v["openingHours.opens"], v["openingHours.closes"] = h.Opens, h.Closes
	}
	if u.Seats != (domain.Seats{}) {
		v["seats.small"], v["seats.large"] = strconv.Itoa(u.Seats.Small), strconv.Itoa(u.Seats.Large)
	}
	if !u.Grades.IsZero() {
		v["grades.from"], v["grades.to"] = strconv.Itoa(u.Grades.From), strconv.Itoa(u.Grades.To)
	}
	return v
}

func (a *app) showUnitForm(w http.ResponseWriter, r *http.Request, c *web.Call, status int, action, title, back string, v formValues, e *formErrors) error {
	f, err := a.unitForm(r.Context(), c, action, title, v, e, back)
	if err != nil {
		return err
	}
	a.Page(w, r, c, status, "directory_form", "dir.unit.title", f)
	return nil
}

func (a *app) newUnitPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.showUnitForm(w, r, c, http.StatusOK, "/admin/units", c.Lang.T("dir.unit.new"), "/admin/units",
		formValues{"kind": string(domain.Kindergarten), "owner": string(domain.Municipal)}, newFormErrors(c.Lang))
}

func (a *app) newUnitSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	req := unitFromForm(v, e, c.Actor.Municipality)
	if !e.any() {
		u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: c.Actor.Municipality}
		req.apply(&u)
		err := a.saveUnit(r.Context(), c.Actor, u, true)
		if err == nil {
			http.Redirect(w, r, "/units/"+u.ID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, unitField, onUnitForm, nil); err != nil {
			return err
		}
	}
	return a.showUnitForm(w, r, c, http.StatusUnprocessableEntity, "/admin/units", c.Lang.T("dir.unit.new"), "/admin/units", v, e)
}

func (a *app) editUnitPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, err := a.Store.Unit(r.Context(), c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	return a.showUnitForm(w, r, c, http.StatusOK, "/admin/units/"+u.ID.String(), c.Lang.T("dir.unit.edit", u.Name), "/units/"+u.ID.String(), unitValues(u), newFormErrors(c.Lang))
}

func (a *app) editUnitSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	u, err := a.Store.Unit(ctx, c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	req := unitFromForm(v, e, c.Actor.Municipality)
	title := c.Lang.T("dir.unit.edit", u.Name)
	if !e.any() {
		req.apply(&u)
		err := a.saveUnit(ctx, c.Actor, u, false)
		if err == nil {
			http.Redirect(w, r, "/units/"+u.ID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, unitField, onUnitForm, a.orphanText(ctx, c.Lang, u.Municipality)); err != nil {
			return err
		}
	}
	return a.showUnitForm(w, r, c, http.StatusUnprocessableEntity, "/admin/units/"+u.ID.String(), title, "/units/"+u.ID.String(), v, e)
}

// Closing a unit or group.

func (a *app) closeForm(c *web.Call, title, action, back string, v formValues, e *formErrors) formView {
	l := c.Lang
	f := formView{Title: title, Intro: l.T("dir.close.intro"), Action: action, Submit: l.T("dir.close.submit"), Back: back, BackKey: "dir.back",
		errors: e.fields, Problems: e.other}
	d := f.input(l, v, "closingDate", "date")
	d.Hint = l.T("dir.hint.date")
	f.Groups = []fieldGroup{{Fields: []field{d}}}
	return f
}

func (a *app) closeUnitPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, err := a.Store.Unit(r.Context(), c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	v := formValues{}
	if u.ClosingDate != date.Zero {
		v["closingDate"] = u.ClosingDate.String()
	}
	a.Page(w, r, c, http.StatusOK, "directory_form", "dir.close.title",
		a.closeForm(c, c.Lang.T("dir.close.unit", u.Name), "/admin/units/"+u.ID.String()+"/close", "/units/"+u.ID.String(), v, newFormErrors(c.Lang)))
	return nil
}

func onCloseForm(name string) bool { return name == "closingDate" }

func (a *app) closeUnitSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	u, err := a.Store.Unit(ctx, c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	closing := e.date(v, "closingDate")
	if closing == date.Zero && !e.any() {
		e.set("closingDate", domain.ReasonRequired)
	}
	if !e.any() {
		_, err := a.closeUnit(ctx, c.Actor, u.ID, closing)
		if err == nil {
			http.Redirect(w, r, "/units/"+u.ID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, same, onCloseForm, a.orphanText(ctx, c.Lang, u.Municipality)); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "directory_form", "dir.close.title",
		a.closeForm(c, c.Lang.T("dir.close.unit", u.Name), "/admin/units/"+u.ID.String()+"/close", "/units/"+u.ID.String(), v, e))
	return nil
}

// Groups.

func (a *app) groupForm(c *web.Call, u domain.Unit, title, action string, v formValues, e *formErrors) formView {
	l := c.Lang
	f := formView{Title: title, Action: action, Submit: l.T("dir.save"), Back: "/units/" + u.ID.String(), BackKey: "dir.back",
		errors: e.fields, Problems: e.other}
	fields := []field{f.input(l, v, "name", "text")}
	if u.Kind == domain.Kindergarten {
		fields = append(fields, f.choice(l, v, "ageGroup", []option{{Value: "", Label: l.T("dir.age.mixed")},
			{Value: string(domain.Small), Label: l.T("dir.age.small")}, {Value: string(domain.Large), Label: l.T("dir.age.large")}}))
	} else {
		from := f.input(l, v, "grades.from", "number")
		from.Hint = l.T("dir.hint.grades")
		fields = append(fields, from, f.input(l, v, "grades.to", "number"))
	}
	f.Groups = []fieldGroup{{Fields: fields}}
	return f
}

func onGroupForm(name string) bool {
	switch name {
	case "name", "ageGroup", "grades.from", "grades.to":
		return true
	}
	return false
}

func groupFromForm(v formValues, e *formErrors, g *domain.Group) {
	g.Name, g.AgeGroup = v["name"], domain.AgeGroup(v["ageGroup"])
	g.Grades = domain.Grades{From: e.number(v, "grades.from"), To: e.number(v, "grades.to")}
}

func (a *app) newGroupPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, err := a.Store.Unit(r.Context(), c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "directory_form", "dir.group.title",
		a.groupForm(c, u, c.Lang.T("dir.group.new", u.Name), "/admin/units/"+u.ID.String()+"/groups", formValues{}, newFormErrors(c.Lang)))
	return nil
}

func (a *app) newGroupSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	u, err := a.Store.Unit(ctx, c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	g := domain.Group{ID: domain.NewID[domain.Group](), Municipality: u.Municipality, UnitID: u.ID}
	groupFromForm(v, e, &g)
	if !e.any() {
		err := a.saveGroup(ctx, c.Actor, g, true)
		if err == nil {
			http.Redirect(w, r, "/units/"+u.ID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, unitField, onGroupForm, nil); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "directory_form", "dir.group.title",
		a.groupForm(c, u, c.Lang.T("dir.group.new", u.Name), "/admin/units/"+u.ID.String()+"/groups", v, e))
	return nil
}

func (a *app) pathGroup(r *http.Request, c *web.Call) (domain.Unit, domain.Group, error) {
	u, err := a.Store.Unit(r.Context(), c.Actor.Municipality, c.UnitID)
	if err != nil {
		return u, domain.Group{}, err
	}
	id, err := api.PathID[domain.Group](r, "groupId")
	if err != nil {
		return u, domain.Group{}, err
	}
	g, err := a.groupOf(r.Context(), c, id)
	return u, g, err
}

func (a *app) editGroupPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, g, err := a.pathGroup(r, c)
	if err != nil {
		return err
	}
	v := formValues{"name": g.Name, "ageGroup": string(g.AgeGroup)}
	if !g.Grades.IsZero() {
		v["grades.from"], v["grades.to"] = strconv.Itoa(g.Grades.From), strconv.Itoa(g.Grades.To)
	}
	a.Page(w, r, c, http.StatusOK, "directory_form", "dir.group.title",
		a.groupForm(c, u, c.Lang.T("dir.group.edit", g.Name), "/admin/units/"+u.ID.String()+"/groups/"+g.ID.String(), v, newFormErrors(c.Lang)))
	return nil
}

func (a *app) editGroupSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, g, err := a.pathGroup(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	title := c.Lang.T("dir.group.edit", g.Name)
	groupFromForm(v, e, &g)
	if !e.any() {
		err := a.saveGroup(ctx, c.Actor, g, false)
		if err == nil {
			http.Redirect(w, r, "/units/"+u.ID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, unitField, onGroupForm, a.orphanText(ctx, c.Lang, u.Municipality)); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "directory_form", "dir.group.title",
		a.groupForm(c, u, title, "/admin/units/"+u.ID.String()+"/groups/"+g.ID.String(), v, e))
	return nil
}

func (a *app) closeGroupPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, g, err := a.pathGroup(r, c)
	if err != nil {
		return err
	}
	v := formValues{}
	if g.ClosingDate != date.Zero {
		v["closingDate"] = g.ClosingDate.String()
	}
	a.Page(w, r, c, http.StatusOK, "directory_form", "dir.close.title",
		a.closeForm(c, c.Lang.T("dir.close.group", g.Name), "/admin/units/"+u.ID.String()+"/groups/"+g.ID.String()+"/close", "/units/"+u.ID.String(), v, newFormErrors(c.Lang)))
	return nil
}

func (a *app) closeGroupSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, g, err := a.pathGroup(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	closing := e.date(v, "closingDate")
	if closing == date.Zero && !e.any() {
		e.set("closingDate", domain.ReasonRequired)
	}
	if !e.any() {
		g.ClosingDate = closing
		err := a.saveGroup(ctx, c.Actor, g, false)
		if err == nil {
			http.Redirect(w, r, "/units/"+u.ID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, same, onCloseForm, a.orphanText(ctx, c.Lang, u.Municipality)); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "directory_form", "dir.close.title",
		a.closeForm(c, c.Lang.T("dir.close.group", g.Name), "/admin/units/"+u.ID.String()+"/groups/"+g.ID.String()+"/close", "/units/"+u.ID.String(), v, e))
	return nil
}
