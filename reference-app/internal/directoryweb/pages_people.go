package directoryweb

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Caseworker pages: register a child, its guardians and guardianships,
// and make, change and end its placements. Each form posts to a handler
// that builds the same record as the API and writes it through the same
// function (createChild, saveGuardian, putGuardianship, savePlacement);
// a refusal shows the form again with what was typed and the error at
// its field, and nothing written.

func protectionOptions(l web.Locale) []option {
	var out []option
	for _, p := range []domain.AddressProtection{domain.ProtectionNone, domain.ProtectionFortrolig, domain.ProtectionStrengtFortrolig, domain.ProtectionStrengtFortroligUtland} {
		out = append(out, option{Value: string(p), Label: l.T("dir.protection." + string(p))})
	}
	return out
}

// Registered addresses.

// addressFields are the fields of a person's registered address.
func (f *formView) addressFields(l web.Locale, v formValues) fieldGroup {
	street := f.input(l, v, "address.street", "text")
	street.Hint = l.T("dir.hint.street")
	street.Autocomplete = "off"
	return fieldGroup{Legend: l.T("dir.person.address"), Fields: []field{street, f.input(l, v, "address.cadastral", "text"),
		f.input(l, v, "address.postcode", "text"), f.input(l, v, "address.postTown", "text")}}
}

// addressFromForm reads a registered address; one that is given lies in
// the caseworker's municipality unless the register says otherwise.
func addressFromForm(v formValues, m domain.Municipality) domain.Address {
	a := domain.Address{Street: strings.TrimSpace(v["address.street"]), Cadastral: strings.TrimSpace(v["address.cadastral"]),
		Postcode: strings.TrimSpace(v["address.postcode"]), PostTown: strings.TrimSpace(v["address.postTown"])}
	if !a.IsZero() {
		a.Municipality = m
	}
	return a
}

// addressValues are a stored address's values for a form: none when the
// address is protected.
func addressValues(v formValues, a domain.Address) {
	v["address.street"], v["address.cadastral"], v["address.postcode"], v["address.postTown"] = a.Street, a.Cadastral, a.Postcode, a.PostTown
}

// onAddress tells whether a refused field is one of the address form's
// fields (the municipality is shown at the post town).
func onAddress(name string) bool {
	switch name {
	case "address.street", "address.cadastral", "address.postcode", "address.postTown":
		return true
	}
	return false
}

// personField maps the domain's field names to a person form's.
func personField(name string) string {
	if name == "address.municipality" {
		return "address.postTown"
	}
	return name
}

// Child.

func (a *app) childForm(c *web.Call, v formValues, e *formErrors) formView {
	l := c.Lang
	f := formView{Title: l.T("dir.child.new"), Intro: l.T("dir.child.intro"), Action: "/caseworker/children", Submit: l.T("dir.child.submit"),
		Back: "/caseworker", BackKey: "dir.back.caseworker", errors: e.fields, Problems: e.other}
	nid := f.input(l, v, "nationalId", "text")
	nid.Hint = l.T("dir.hint.nationalId")
	birth := f.input(l, v, "birthDate", "date")
	birth.Hint = l.T("dir.hint.date")
	f.Groups = []fieldGroup{{Fields: []field{
		f.input(l, v, "givenName", "text"), f.input(l, v, "familyName", "text"), birth, nid,
		f.choice(l, v, "addressProtection", protectionOptions(l)),
	}}, f.addressFields(l, v)}
	return f
}

func (a *app) newChildPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	a.Page(w, r, c, http.StatusOK, "directory_form", "dir.child.new", a.childForm(c, formValues{}, newFormErrors(c.Lang)))
	return nil
}

func (a *app) newChildSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	ch := domain.Child{ID: domain.NewID[domain.Child](), Municipality: c.Actor.Municipality,
		GivenName: v["givenName"], FamilyName: v["familyName"], BirthDate: e.date(v, "birthDate"),
		NationalID: e.nationalID(v, "nationalId"), AddressProtection: domain.AddressProtection(v["addressProtection"]),
		Address: addressFromForm(v, c.Actor.Municipality)}
	if !e.any() {
		err := a.createChild(r.Context(), c.Actor, ch)
		if err == nil {
			http.Redirect(w, r, "/children/"+ch.ID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, personField, onChildForm, nil); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "directory_form", "dir.child.new", a.childForm(c, v, e))
	return nil
}

func onChildForm(name string) bool {
	switch name {
	case "givenName", "familyName", "birthDate", "nationalId", "addressProtection":
		return true
	}
	return onAddress(name)
}

// Guardian and guardianship.

func (a *app) guardianForm(c *web.Call, action string, create bool, v formValues, e *formErrors) formView {
	l := c.Lang
	ch := c.Record.Child
	name := ch.GivenName + " " + ch.FamilyName
	f := formView{Title: l.T("dir.guardian.new", name), Intro: l.T("dir.guardian.intro"), Action: action, Submit: l.T("dir.guardian.submit"),
		Back: "/children/" + ch.ID.String(), BackKey: "dir.back.child", errors: e.fields, Problems: e.other}
	if !create {
		f.Title, f.Intro = l.T("dir.guardian.edit", name), ""
	}
	nid := f.input(l, v, "nationalId", "text")
	nid.Hint = l.T("dir.hint.nationalId")
	phone := f.input(l, v, "phone", "tel")
	phone.Autocomplete = "off"
	email := f.input(l, v, "email", "email")
	email.Autocomplete = "off"
	f.Groups = []fieldGroup{
		{Legend: l.T("dir.guardian.person"), Fields: []field{f.input(l, v, "givenName", "text"), f.input(l, v, "familyName", "text"), nid,
			phone, email, f.choice(l, v, "addressProtection", protectionOptions(l))}},
		f.addressFields(l, v),
		{Legend: l.T("dir.guardian.link"), Fields: []field{f.check(l, v, "parentalResponsibility"), f.check(l, v, "livesWithChild"),
			f.check(l, v, "informationRequested"), f.check(l, v, "informationDenied")}},
	}
	return f
}

func onGuardianForm(name string) bool {
	switch name {
	case "givenName", "familyName", "nationalId", "phone", "email", "addressProtection",
		"parentalResponsibility", "livesWithChild", "informationRequested", "informationDenied":
		return true
	}
	return onAddress(name)
}

func (a *app) newGuardianPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v := formValues{"parentalResponsibility": "1", "livesWithChild": "1"}
	a.Page(w, r, c, http.StatusOK, "directory_form", "dir.guardian.title",
		a.guardianForm(c, "/children/"+c.ChildID.String()+"/guardians", true, v, newFormErrors(c.Lang)))
	return nil
}

// guardianFromForm reads the guardian and the guardianship of a form.
func guardianFromForm(v formValues, e *formErrors, g *domain.Guardian, gs *domain.Guardianship) {
	req := guardianRequest{NationalID: e.nationalID(v, "nationalId"), GivenName: v["givenName"], FamilyName: v["familyName"],
		Email: strings.TrimSpace(v["email"]), Phone: strings.TrimSpace(v["phone"]), AddressProtection: domain.AddressProtection(v["addressProtection"]),
		Address: addressFromForm(v, g.Municipality)}
	req.apply(g)
	gs.ParentalResponsibility, gs.LivesWithChild = v["parentalResponsibility"] != "", v["livesWithChild"] != ""
	gs.InformationRequested, gs.InformationDenied = v["informationRequested"] != "", v["informationDenied"] != ""
}

// saveGuardianAndLink writes the guardian and the link in one transaction.
func (a *app) saveGuardianAndLink(ctx context.Context, actor domain.Actor, g domain.Guardian, gs domain.Guardianship, create bool) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.saveGuardian(ctx, actor, g, create); err != nil {
			return err
		}
		return a.putGuardianship(ctx, actor, gs)
	})
}

func (a *app) newGuardianSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: c.Actor.Municipality}
	gs := domain.Guardianship{Municipality: c.Actor.Municipality, ChildID: c.ChildID}
	guardianFromForm(v, e, &g, &gs)
	gs.GuardianID = g.ID
	if !e.any() {
		err := a.saveGuardianAndLink(r.Context(), c.Actor, g, gs, true)
		if err == nil {
			http.Redirect(w, r, "/children/"+c.ChildID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, personField, onGuardianForm, nil); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "directory_form", "dir.guardian.title",
		a.guardianForm(c, "/children/"+c.ChildID.String()+"/guardians", true, v, e))
	return nil
}

// protectedHints tells, at the contact fields of a protected guardian and
// at the address of a guardian whose household is protected, that what is
// stored is not shown and an empty field keeps it.
func protectedHints(l web.Locale, g domain.Guardian, household domain.AddressProtection, f formView) formView {
	for i := range f.Groups {
		for j := range f.Groups[i].Fields {
			n := f.Groups[i].Fields[j].Name
			if (n == "phone" || n == "email") && g.AddressProtection.Protected() {
				f.Groups[i].Fields[j].Hint = l.T("dir.hint.protectedContact")
			} else if n == "address.street" && household.Protected() {
				f.Groups[i].Fields[j].Hint = l.T("dir.hint.protectedAddress")
			}
		}
	}
	return f
}

// linkOf finds the child's guardianship of the guardian in the path.
func linkOf(r *http.Request, c *web.Call) (domain.GuardianLink, error) {
	id, err := api.PathID[domain.Guardian](r, "guardianId")
	if err != nil {
		return domain.GuardianLink{}, err
	}
	for _, l := range c.Record.Guardians {
		if l.Guardian.ID == id {
			return l, nil
		}
	}
	return domain.GuardianLink{}, domain.ErrNotFound
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (a *app) editGuardianPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	link, err := linkOf(r, c)
	if err != nil {
		return err
	}
	g, gs := link.Guardian, link.Guardianship
	v := formValues{"givenName": g.GivenName, "familyName": g.FamilyName, "nationalId": g.NationalID.String(), "phone": g.Phone,
		"email": g.Email, "addressProtection": string(g.AddressProtection), "parentalResponsibility": flag(gs.ParentalResponsibility),
		"livesWithChild": flag(gs.LivesWithChild), "informationRequested": flag(gs.InformationRequested), "informationDenied": flag(gs.InformationDenied)}
	household, err := domain.GuardianHousehold(r.Context(), a.Store, g)
	if err != nil {
		return err
	}
	addressValues(v, domain.ShownAddress(g.Address, household))
	if g.AddressProtection.Protected() {
		// A protected guardian's contact details are never shown; an
		// empty field keeps them.
		v["phone"], v["email"] = "", ""
	}
	a.Page(w, r, c, http.StatusOK, "directory_form", "dir.guardian.title",
		protectedHints(c.Lang, g, household, a.guardianForm(c, "/children/"+c.ChildID.String()+"/guardians/"+g.ID.String(), false, v, newFormErrors(c.Lang))))
	return nil
}

func (a *app) editGuardianSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	link, err := linkOf(r, c)
	if err != nil {
		return err
	}
	v := postedValues(r)
	e := newFormErrors(c.Lang)
	g, gs := link.Guardian, link.Guardianship
	stored := g
	guardianFromForm(v, e, &g, &gs)
	if err := a.keepHidden(r.Context(), stored, &g); err != nil {
		return err
	}
	household, err := domain.GuardianHousehold(r.Context(), a.Store, stored)
	if err != nil {
		return err
	}
	if stored.AddressProtection.Protected() {
		if g.Phone == "" {
			g.Phone = stored.Phone
		}
		if g.Email == "" {
			g.Email = stored.Email
		}
	}
	if !e.any() {
		err := a.saveGuardianAndLink(r.Context(), c.Actor, g, gs, false)
		if err == nil {
			http.Redirect(w, r, "/children/"+c.ChildID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, personField, onGuardianForm, nil); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "directory_form", "dir.guardian.title",
		protectedHints(c.Lang, stored, household, a.guardianForm(c, "/children/"+c.ChildID.String()+"/guardians/"+g.ID.String(), false, v, e)))
	return nil
}

func (a *app) removeGuardianSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	link, err := linkOf(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.DeleteGuardianship(ctx, c.Actor.Municipality, c.ChildID, link.Guardian.ID); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "guardianship.delete", "guardian/"+link.Guardian.ID.String(), c.ChildID)
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/children/"+c.ChildID.String(), http.StatusSeeOther)
	return nil
}

// Placements.

func (a *app) placementForm(ctx context.Context, c *web.Call, action string, create bool, v formValues, e *formErrors) (formView, error) {
	l := c.Lang
	ch := c.Record.Child
	name := ch.GivenName + " " + ch.FamilyName
	f := formView{Title: l.T("dir.placement.new", name), Action: action, Submit: l.T("dir.placement.submit"),
		Back: "/children/" + ch.ID.String(), BackKey: "dir.back.child", errors: e.fields, Problems: e.other}
	if !create {
		f.Title, f.Intro = l.T("dir.placement.edit", name), l.T("dir.placement.endIntro")
	}
	// The unit is chosen first, then a group of that unit: the units in
	// one read, the groups of the chosen unit in one more, so neither the
	// page nor its statements grow with the municipality's units. Without
	// JavaScript, "show the unit's groups" posts the form as it is
	// (show=unitId) and it comes back with the groups, nothing saved.
	units, err := a.Store.Units(ctx, c.Actor.Municipality)
	if err != nil {
		return f, err
	}
	today := domain.Today(a.Clock)
	unitOpts := []option{{Value: "", Label: l.T("dir.choose")}}
	groupOpts := []option{{Value: "", Label: l.T("dir.noGroup")}}
	var chosen domain.UnitID
	for _, u := range units {
		if u.ID.String() == v["unitId"] {
			chosen = u.ID
		}
		if u.Closed(today) && v["unitId"] != u.ID.String() {
			continue
		}
		unitOpts = append(unitOpts, option{Value: u.ID.String(), Label: u.Name + " (" + l.T("kind."+string(u.Kind)) + ")"})
	}
	if !chosen.IsZero() {
		groups, err := a.Store.Groups(ctx, c.Actor.Municipality, chosen)
		if err != nil {
			return f, err
		}
		for _, g := range groups {
			if g.Closed(today) && v["groupId"] != g.ID.String() {
				continue
			}
			groupOpts = append(groupOpts, option{Value: g.ID.String(), Label: g.Name})
		}
	}
	unit, group := f.choice(l, v, "unitId", unitOpts), f.choice(l, v, "groupId", groupOpts)
	unit.Button, group.Hint = l.T("dir.placement.showGroups"), l.T("dir.hint.groupOfUnit")
	hours := f.input(l, v, "hoursPerWeek", "number")
	hours.Hint = l.T("dir.hint.hours", domain.MaxHoursPerWeek)
	start, end := f.input(l, v, "start", "date"), f.input(l, v, "end", "date")
	start.Hint, end.Hint = l.T("dir.hint.date"), l.T("dir.hint.end")
	f.Groups = []fieldGroup{{Fields: []field{unit, group, hours, start, end}}}
	return f, nil
}

func placementField(name string) string {
	switch name {
	case "period.start":
		return "start"
	case "period.end", "period":
		return "end"
	case "kind":
		return "unitId"
	}
	return name
}

func onPlacementForm(name string) bool {
	switch name {
	case "unitId", "groupId", "hoursPerWeek", "start", "end":
		return true
	}
	return false
}

// placementFromForm reads a placement request from a form.
func placementFromForm(v formValues, e *formErrors) newPlacementRequest {
	req := newPlacementRequest{HoursPerWeek: e.number(v, "hoursPerWeek"), Start: e.date(v, "start"), End: e.date(v, "end")}
	if s := v["unitId"]; s != "" {
		id, err := domain.ParseID[domain.Unit](s)
		if err != nil {
			e.set("unitId", "no-such-unit")
		}
		req.UnitID = id
	}
	if s := v["groupId"]; s != "" {
		id, err := domain.ParseID[domain.Group](s)
		if err != nil {
			e.set("groupId", "no-such-group")
		}
		req.GroupID = id
	}
	return req
}

func (a *app) showPlacementForm(w http.ResponseWriter, r *http.Request, c *web.Call, status int, action string, create bool, v formValues, e *formErrors) error {
	f, err := a.placementForm(r.Context(), c, action, create, v, e)
	if err != nil {
		return err
	}
	a.Page(w, r, c, status, "directory_form", "dir.placement.title", f)
	return nil
}

func (a *app) newPlacementPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.showPlacementForm(w, r, c, http.StatusOK, "/children/"+c.ChildID.String()+"/placements", true, formValues{}, newFormErrors(c.Lang))
}

func (a *app) placementSubmit(w http.ResponseWriter, r *http.Request, c *web.Call, id domain.PlacementID, create bool, action string) error {
	v := postedValues(r)
	if v["show"] == "unitId" {
		// "Show the unit's groups": the form again with the chosen unit's
		// groups, nothing saved.
		return a.showPlacementForm(w, r, c, http.StatusOK, action, create, v, newFormErrors(c.Lang))
	}
	e := newFormErrors(c.Lang)
	req := placementFromForm(v, e)
	ctx := r.Context()
	if !e.any() {
		p, err := a.placementFrom(ctx, c.Actor.Municipality, c.ChildID, id, req)
		if err == nil {
			err = a.savePlacement(ctx, c.Actor, p, create)
		}
		if err == nil {
			http.Redirect(w, r, "/children/"+c.ChildID.String(), http.StatusSeeOther)
			return nil
		}
		if err := e.refused(err, placementField, onPlacementForm, nil); err != nil {
			return err
		}
	}
	return a.showPlacementForm(w, r, c, http.StatusUnprocessableEntity, action, create, v, e)
}

func (a *app) newPlacementSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.placementSubmit(w, r, c, domain.NewID[domain.Placement](), true, "/children/"+c.ChildID.String()+"/placements")
}

func (a *app) pathPlacement(r *http.Request, c *web.Call) (domain.Placement, error) {
	id, err := api.PathID[domain.Placement](r, "placementId")
	if err != nil {
		return domain.Placement{}, err
	}
	return a.childPlacement(r.Context(), c, id)
}

func (a *app) editPlacementPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	p, err := a.pathPlacement(r, c)
	if err != nil {
		return err
	}
	v := formValues{"unitId": p.UnitID.String(), "hoursPerWeek": strconv.Itoa(p.HoursPerWeek), "start": p.Period.Start.String()}
	if !p.GroupID.IsZero() {
		v["groupId"] = p.GroupID.String()
	}
	if !p.Period.Open() {
		v["end"] = p.Period.End.String()
	}
	return a.showPlacementForm(w, r, c, http.StatusOK, "/children/"+c.ChildID.String()+"/placements/"+p.ID.String(), false, v, newFormErrors(c.Lang))
}

func (a *app) editPlacementSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	p, err := a.pathPlacement(r, c)
	if err != nil {
		return err
	}
	return a.placementSubmit(w, r, c, p.ID, false, "/children/"+c.ChildID.String()+"/placements/"+p.ID.String())
}

// orphanText says how many placements a change would leave behind and
// names them (child, unit, period) for the caseworker.
func (a *app) orphanText(ctx context.Context, l web.Locale, m domain.Municipality) func(*domain.OrphanError) string {
	return func(oe *domain.OrphanError) string {
		var names []string
		for _, p := range oe.Placements {
			ch, err := a.Store.Child(ctx, m, p.ChildID)
			who := p.ChildID.String()
			if err == nil {
				who = ch.GivenName + " " + ch.FamilyName
			}
			end := "…"
			if !p.Period.Open() {
				end = l.Date(p.Period.End)
			}
			names = append(names, fmt.Sprintf("%s (%s – %s)", who, l.Date(p.Period.Start), end))
		}
		return l.T("dir.orphans."+oe.Field, len(oe.Placements), strings.Join(names, "; "))
	}
}

var _ = date.Zero
