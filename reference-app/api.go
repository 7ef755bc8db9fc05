package main

import (
	"context"
	"net/http"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// JSON bodies of the API. Every type here is described in /openapi.json
// (openapi.go derives the schemas from the struct fields and tags).

type statusBody struct {
	Status string `json:"status"`
}

// meView is the logged-in actor.
type meView struct {
	Name         string              `json:"name"`
	Role         domain.Role         `json:"role"`
	Municipality domain.Municipality `json:"municipality"`
	Units        []domain.UnitID     `json:"units,omitempty"`
	Demo         bool                `json:"demo"`
}

// childSummary is a child in a list.
type childSummary struct {
	ID         domain.ChildID `json:"id"`
	GivenName  string         `json:"givenName"`
	FamilyName string         `json:"familyName"`
	BirthDate  date.Date      `json:"birthDate"`
}

// childView is a child as far as the actor may see it.
type childView struct {
	ID         domain.ChildID    `json:"id"`
	GivenName  string            `json:"givenName"`
	FamilyName string            `json:"familyName"`
	BirthDate  date.Date         `json:"birthDate"`
	NationalID domain.NationalID `json:"nationalId,omitzero"`
	// ProtectedAddress tells staff and caseworkers to take care; the
	// address itself is never held here.
	ProtectedAddress bool `json:"protectedAddress"`
	// Access is what the actor's access is: parent, information (§ 47),
	// staff or municipal.
	Access     string          `json:"access"`
	Guardians  []guardianView  `json:"guardians"`
	Placements []placementView `json:"placements"`
}

// guardianView is a guardian as seen from a child. Contact details of a
// guardian with a protected address are never given.
type guardianView struct {
	ID                     domain.GuardianID `json:"id"`
	GivenName              string            `json:"givenName"`
	FamilyName             string            `json:"familyName"`
	ParentalResponsibility bool              `json:"parentalResponsibility"`
	LivesWithChild         bool              `json:"livesWithChild"`
	Email                  string            `json:"email,omitempty"`
	Phone                  string            `json:"phone,omitempty"`
}

// placementView is a placement with the names of unit and group.
type placementView struct {
	ID           domain.PlacementID `json:"id"`
	Kind         domain.UnitKind    `json:"kind"`
	UnitID       domain.UnitID      `json:"unitId"`
	UnitName     string             `json:"unitName"`
	GroupID      domain.GroupID     `json:"groupId,omitzero"`
	GroupName    string             `json:"groupName,omitempty"`
	HoursPerWeek int                `json:"hoursPerWeek"`
	Start        date.Date          `json:"start"`
	End          date.Date          `json:"end,omitzero"`
}

// newChildRequest registers a child.
type newChildRequest struct {
	NationalID        domain.NationalID        `json:"nationalId,omitzero"`
	GivenName         string                   `json:"givenName"`
	FamilyName        string                   `json:"familyName"`
	BirthDate         date.Date                `json:"birthDate"`
	AddressProtection domain.AddressProtection `json:"addressProtection,omitempty"`
}

// newPlacementRequest places a child.
type newPlacementRequest struct {
	UnitID       domain.UnitID  `json:"unitId"`
	GroupID      domain.GroupID `json:"groupId,omitzero"`
	HoursPerWeek int            `json:"hoursPerWeek"`
	Start        date.Date      `json:"start"`
	End          date.Date      `json:"end,omitzero"`
}

// unitSummary is a unit in a list.
type unitSummary struct {
	ID     domain.UnitID   `json:"id"`
	Name   string          `json:"name"`
	Kind   domain.UnitKind `json:"kind"`
	Owner  domain.Owner    `json:"owner"`
	Parent domain.UnitID   `json:"parent,omitzero"`
}

// rosterView is who is placed in a unit on a day, by group.
type rosterView struct {
	Unit   unitSummary   `json:"unit"`
	Date   date.Date     `json:"date"`
	Groups []rosterGroup `json:"groups"`
}

type rosterGroup struct {
	ID       domain.GroupID `json:"id,omitzero"`
	Name     string         `json:"name"`
	Children []rosterChild  `json:"children"`
}

type rosterChild struct {
	ID               domain.ChildID `json:"id"`
	GivenName        string         `json:"givenName"`
	FamilyName       string         `json:"familyName"`
	ProtectedAddress bool           `json:"protectedAddress"`
}

// auditView is an audit entry.
type auditView = domain.AuditEntry

// System.

func (a *app) healthz(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := a.store.Units(r.Context(), demoMunicipality); err != nil {
		a.log.Error("health check: store unavailable", "err", err)
		setRetryAfter(w, http.StatusServiceUnavailable)
		writeJSON(w, http.StatusServiceUnavailable, statusBody{Status: "unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
	return nil
}

func (a *app) readyz(w http.ResponseWriter, r *http.Request, c *call) error {
	if a.shuttingDown.Load() {
		writeJSON(w, http.StatusServiceUnavailable, statusBody{Status: "shutting down"})
		return nil
	}
	return a.healthz(w, r, c)
}

// API handlers.

func (a *app) apiMe(w http.ResponseWriter, r *http.Request, c *call) error {
	writeJSON(w, http.StatusOK, meView{Name: c.sess.name, Role: c.actor.Role, Municipality: c.actor.Municipality, Units: c.actor.Units, Demo: c.sess.persona != ""})
	return nil
}

// visibleChildren lists the children the actor may see: a guardian's
// wards (with responsibility or a § 47 request), the children placed
// today in a staff member's units, every child for the municipality.
func (a *app) visibleChildren(ctx context.Context, actor domain.Actor) ([]domain.Child, error) {
	m := actor.Municipality
	switch {
	case actor.Municipal():
		return a.store.Children(ctx, m)
	case actor.Role == domain.RoleGuardian:
		wards, err := a.store.Wards(ctx, m, actor.Guardian)
		if err != nil {
			return nil, err
		}
		var out []domain.Child
		for _, w := range wards {
			if !w.ParentalResponsibility && !w.ReceivesInformation() {
				continue
			}
			c, err := a.store.Child(ctx, m, w.ChildID)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		domain.SortChildren(out)
		return out, nil
	case actor.Role == domain.RoleStaff:
		today := domain.Today(a.clock)
		seen := map[domain.ChildID]bool{}
		var out []domain.Child
		for _, u := range actor.Units {
			ps, err := a.store.UnitPlacements(ctx, m, u, domain.Period{Start: today, End: today})
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if seen[p.ChildID] {
					continue
				}
				seen[p.ChildID] = true
				c, err := a.store.Child(ctx, m, p.ChildID)
				if err != nil {
					return nil, err
				}
				out = append(out, c)
			}
		}
		domain.SortChildren(out)
		return out, nil
	}
	return nil, nil
}

// matchName keeps the children whose name contains q (case folded); an
// empty q keeps all.
func matchName(children []domain.Child, q string) []domain.Child {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return children
	}
	var out []domain.Child
	for _, c := range children {
		if strings.Contains(strings.ToLower(c.GivenName+" "+c.FamilyName), q) {
			out = append(out, c)
		}
	}
	return out
}

func summarize(c domain.Child) childSummary {
	return childSummary{ID: c.ID, GivenName: c.GivenName, FamilyName: c.FamilyName, BirthDate: c.BirthDate}
}

func (a *app) apiChildren(w http.ResponseWriter, r *http.Request, c *call) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	children, err := a.visibleChildren(r.Context(), c.actor)
	if err != nil {
		return err
	}
	children = matchName(children, r.URL.Query().Get("q"))
	pg, err := paginate(children, func(c domain.Child) string { return c.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := page[childSummary]{Items: make([]childSummary, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	ids := make([]domain.ChildID, 0, len(pg.Items))
	for _, ch := range pg.Items {
		out.Items = append(out.Items, summarize(ch))
		ids = append(ids, ch.ID)
	}
	if len(ids) > 0 {
		if err := a.audit(r.Context(), c.actor, "children.list", "", ids...); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// viewChild renders a child record for the access decided.
func (a *app) viewChild(ctx context.Context, access childAccess, rec domain.ChildRecord) (childView, error) {
	ch := rec.Child
	v := childView{
		ID: ch.ID, GivenName: ch.GivenName, FamilyName: ch.FamilyName, BirthDate: ch.BirthDate,
		Access: access.String(), Guardians: []guardianView{}, Placements: []placementView{},
	}
	if access != accessInformation {
		v.ProtectedAddress = ch.AddressProtection.Protected()
	}
	if access == accessParent || access == accessMunicipal {
		v.NationalID = ch.NationalID
	}
	if access != accessInformation {
		for _, l := range rec.Guardians {
			g := l.Guardian
			gv := guardianView{ID: g.ID, GivenName: g.GivenName, FamilyName: g.FamilyName,
				ParentalResponsibility: l.Guardianship.ParentalResponsibility, LivesWithChild: l.Guardianship.LivesWithChild}
			if !g.AddressProtection.Protected() && !ch.AddressProtection.Strict() {
				gv.Email, gv.Phone = g.Email, g.Phone
			}
			v.Guardians = append(v.Guardians, gv)
		}
	}
	if access == accessInformation && ch.AddressProtection.Strict() {
		// Where the child goes would tell where the child lives.
		return v, nil
	}
	for _, p := range rec.Placements {
		pv, err := a.viewPlacement(ctx, p)
		if err != nil {
			return v, err
		}
		v.Placements = append(v.Placements, pv)
	}
	return v, nil
}

func (a *app) viewPlacement(ctx context.Context, p domain.Placement) (placementView, error) {
	u, err := a.store.Unit(ctx, p.Municipality, p.UnitID)
	if err != nil {
		return placementView{}, err
	}
	pv := placementView{ID: p.ID, Kind: p.Kind, UnitID: p.UnitID, UnitName: u.Name, GroupID: p.GroupID,
		HoursPerWeek: p.HoursPerWeek, Start: p.Period.Start, End: p.Period.End}
	if !p.GroupID.IsZero() {
		g, err := a.store.Group(ctx, p.Municipality, p.GroupID)
		if err != nil {
			return placementView{}, err
		}
		pv.GroupName = g.Name
	}
	return pv, nil
}

func (a *app) apiChild(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := a.viewChild(r.Context(), c.access, c.record)
	if err != nil {
		return err
	}
	if err := a.audit(r.Context(), c.actor, "child.read", "", c.childID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiCreateChild(w http.ResponseWriter, r *http.Request, c *call) error {
	var req newChildRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ch := domain.Child{
		ID: domain.NewID[domain.Child](), Municipality: c.actor.Municipality, NationalID: req.NationalID,
		GivenName: req.GivenName, FamilyName: req.FamilyName, BirthDate: req.BirthDate,
		AddressProtection: req.AddressProtection,
	}
	if ch.AddressProtection == "" {
		ch.AddressProtection = domain.ProtectionNone
	}
	// A birth date after today is refused (the store has no clock).
	if err := ch.ValidateAt(domain.Today(a.clock)); err != nil {
		return err
	}
	ctx := r.Context()
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.store.CreateChild(ctx, ch); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "child.create", "", ch.ID)
	})
	if err != nil {
		return err
	}
	rec, err := a.store.ChildRecord(ctx, ch.Municipality, ch.ID)
	if err != nil {
		return err
	}
	v, err := a.viewChild(ctx, accessMunicipal, rec)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/children/"+ch.ID.String())
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiCreatePlacement(w http.ResponseWriter, r *http.Request, c *call) error {
	var req newPlacementRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	m := c.actor.Municipality
	kind := domain.UnitKind("")
	if !req.UnitID.IsZero() {
		u, err := a.store.Unit(ctx, m, req.UnitID)
		if err != nil {
			if domain.IsNotFound(err) {
				return domain.Invalid("unitId", "no such unit")
			}
			return err
		}
		kind = u.Kind
	}
	p := domain.Placement{
		ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.childID, UnitID: req.UnitID,
		GroupID: req.GroupID, Kind: kind, HoursPerWeek: req.HoursPerWeek,
		Period: domain.Period{Start: req.Start, End: req.End},
	}
	err := a.store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.store.CreatePlacement(ctx, p); err != nil {
			return err
		}
		return a.auditChange(ctx, c.actor, "placement.create", "placement/"+p.ID.String(), c.childID)
	})
	if err != nil {
		return err
	}
	v, err := a.viewPlacement(ctx, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiUnits(w http.ResponseWriter, r *http.Request, c *call) error {
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	units, err := a.store.Units(r.Context(), c.actor.Municipality)
	if err != nil {
		return err
	}
	pg, err := paginate(units, func(u domain.Unit) string { return u.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := page[unitSummary]{Items: make([]unitSummary, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	for _, u := range pg.Items {
		out.Items = append(out.Items, unitSummary{ID: u.ID, Name: u.Name, Kind: u.Kind, Owner: u.Owner, Parent: u.Parent})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// roster reads who is placed in the unit today, by group.
func (a *app) roster(ctx context.Context, m domain.Municipality, unit domain.UnitID) (rosterView, error) {
	u, err := a.store.Unit(ctx, m, unit)
	if err != nil {
		return rosterView{}, err
	}
	today := domain.Today(a.clock)
	groups, err := a.store.Groups(ctx, m, unit)
	if err != nil {
		return rosterView{}, err
	}
	ps, err := a.store.UnitPlacements(ctx, m, unit, domain.Period{Start: today, End: today})
	if err != nil {
		return rosterView{}, err
	}
	v := rosterView{Unit: unitSummary{ID: u.ID, Name: u.Name, Kind: u.Kind, Owner: u.Owner, Parent: u.Parent}, Date: today, Groups: []rosterGroup{}}
	byGroup := map[domain.GroupID][]rosterChild{}
	for _, p := range ps {
		ch, err := a.store.Child(ctx, m, p.ChildID)
		if err != nil {
			return rosterView{}, err
		}
		byGroup[p.GroupID] = append(byGroup[p.GroupID], rosterChild{ID: ch.ID, GivenName: ch.GivenName, FamilyName: ch.FamilyName, ProtectedAddress: ch.AddressProtection.Protected()})
	}
	for _, g := range groups {
		v.Groups = append(v.Groups, rosterGroup{ID: g.ID, Name: g.Name, Children: sortRoster(byGroup[g.ID])})
	}
	if cs := byGroup[domain.GroupID{}]; len(cs) > 0 {
		v.Groups = append(v.Groups, rosterGroup{Name: "", Children: sortRoster(cs)})
	}
	return v, nil
}

func sortRoster(cs []rosterChild) []rosterChild {
	if cs == nil {
		return []rosterChild{}
	}
	children := make([]domain.Child, len(cs))
	for i, c := range cs {
		children[i] = domain.Child{ID: c.ID, GivenName: c.GivenName, FamilyName: c.FamilyName}
	}
	domain.SortChildren(children)
	byID := map[domain.ChildID]rosterChild{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	for i, c := range children {
		cs[i] = byID[c.ID]
	}
	return cs
}

func rosterChildren(v rosterView) []domain.ChildID {
	var ids []domain.ChildID
	for _, g := range v.Groups {
		for _, c := range g.Children {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func (a *app) apiAudit(w http.ResponseWriter, r *http.Request, c *call) error {
	entries, next, err := a.auditPageOf(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[auditView]{Items: entries, NextCursor: next})
	return nil
}

// auditPageOf reads one page of the audit log: ?limit, ?cursor (the last
// entry's ID) and ?childId.
func (a *app) auditPageOf(r *http.Request, c *call) ([]domain.AuditEntry, string, error) {
	pr, err := readPage(r)
	if err != nil {
		return nil, "", err
	}
	var before domain.AuditID
	if pr.cursor != "" {
		if before, err = domain.ParseID[domain.AuditEntry](pr.cursor); err != nil {
			return nil, "", unprocessable("invalid-query", "the cursor is not one this API gave", domain.FieldError{Field: "cursor", Reason: "is not a cursor from a previous page"})
		}
	}
	var child domain.ChildID
	if s := r.URL.Query().Get("childId"); s != "" {
		if child, err = domain.ParseID[domain.Child](s); err != nil {
			return nil, "", unprocessable("invalid-query", "childId is not a UUID", domain.FieldError{Field: "childId", Reason: "is not a UUID"})
		}
	}
	entries, err := a.store.AuditEntries(r.Context(), c.actor.Municipality, child, before, pr.limit+1)
	if err != nil {
		return nil, "", err
	}
	// Reading the log is logged too: who looked, when, and at which
	// child's entries when the read was about one child (one entry per
	// read, not per entry read, so that reading does not feed itself).
	if err := a.audit(r.Context(), c.actor, "audit.read", "audit", child); err != nil {
		return nil, "", err
	}
	next := ""
	if len(entries) > pr.limit {
		entries = entries[:pr.limit]
		next = encodeCursor(entries[len(entries)-1].ID.String())
	}
	if entries == nil {
		entries = []domain.AuditEntry{}
	}
	return entries, next, nil
}
