package directoryweb

import (
	"context"
	"net/http"
	"slices"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// meView is the logged-in actor.
type meView struct {
	Name         string              `json:"name"`
	Role         domain.Role         `json:"role"`
	Municipality domain.Municipality `json:"municipality"`
	Units        []domain.UnitID     `json:"units,omitempty"`
	Demo         bool                `json:"demo"`
}

// newChildRequest registers a child.
type newChildRequest struct {
	NationalID        domain.NationalID        `json:"nationalId,omitzero"`
	GivenName         string                   `json:"givenName"`
	FamilyName        string                   `json:"familyName"`
	BirthDate         date.Date                `json:"birthDate"`
	AddressProtection domain.AddressProtection `json:"addressProtection,omitempty"`
	// Address is the registered address (fields checked under
	// "address."); it is never shown back when protected.
	Address domain.Address `json:"address,omitzero"`
}

// newPlacementRequest places a child.
type newPlacementRequest struct {
	UnitID       domain.UnitID  `json:"unitId"`
	GroupID      domain.GroupID `json:"groupId,omitzero"`
	HoursPerWeek int            `json:"hoursPerWeek"`
	Start        date.Date      `json:"start"`
	End          date.Date      `json:"end,omitzero"`
}

// API handlers.

func (a *app) apiMe(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	api.WriteJSON(w, http.StatusOK, meView{Name: c.Session.Name, Role: c.Actor.Role, Municipality: c.Actor.Municipality, Units: c.Actor.Units, Demo: c.Session.Persona != ""})
	return nil
}

// apiChildren lists the children the actor may see, one keyset page in ID
// order (the cursor is the last child's ID). A municipal actor's page and
// search are read in SQL (Store.ChildrenPage), never the municipality's
// every child; a guardian's wards and a staff member's children placed
// today are few, and read as VisibleChildren reads them. The search finds
// every word of it in the name (ignoring case), or, for an actor who may
// read national ID numbers in lists (a municipal one), the search without
// spaces starting the national ID. Anyone else's search never matches a
// number, so it cannot be used to guess one digit by digit.
func (a *app) apiChildren(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	pg, err := a.childrenPage(ctx, c.Actor, pr)
	if err != nil {
		return err
	}
	out := api.Page[web.ChildSummary]{Items: make([]web.ChildSummary, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	ids := make([]domain.ChildID, 0, len(pg.Items))
	for _, ch := range pg.Items {
		out.Items = append(out.Items, web.Summarize(ch))
		ids = append(ids, ch.ID)
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "children.list", "", ids...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// childrenPage is one keyset page of the children the actor may see in ID
// order, searched as apiChildren says; the caseworker's start page lists
// the same page.
func (a *app) childrenPage(ctx context.Context, actor domain.Actor, pr api.PageRequest) (api.Page[domain.Child], error) {
	var after domain.ChildID
	if pr.Cursor != "" {
		var err error
		if after, err = domain.ParseID[domain.Child](pr.Cursor); err != nil {
			return api.Page[domain.Child]{}, api.BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	q := domain.ChildQuery{After: after, Limit: pr.Limit + 1, Search: pr.Q, ByNationalID: actor.Municipal()}
	var rows []domain.Child
	if actor.Municipal() {
		var err error
		if rows, err = a.Store.ChildrenPage(ctx, actor.Municipality, q); err != nil {
			return api.Page[domain.Child]{}, err
		}
	} else {
		children, err := a.VisibleChildren(ctx, actor)
		if err != nil {
			return api.Page[domain.Child]{}, err
		}
		slices.SortFunc(children, func(x, y domain.Child) int { return x.ID.Compare(y.ID) })
		for _, ch := range children {
			if len(rows) < q.Limit && (after.IsZero() || ch.ID.Compare(after) > 0) && q.Matches(ch) {
				rows = append(rows, ch)
			}
		}
	}
	return api.Keyset(rows, func(c domain.Child) string { return c.ID.String() }, pr), nil
}

func (a *app) apiChild(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.ViewChild(r.Context(), c.Access, c.Record)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "child.read", "", c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiCreateChild(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newChildRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ch := domain.Child{
		ID: domain.NewID[domain.Child](), Municipality: c.Actor.Municipality, NationalID: req.NationalID,
		GivenName: req.GivenName, FamilyName: req.FamilyName, BirthDate: req.BirthDate,
		AddressProtection: req.AddressProtection, Address: req.Address,
	}
	ctx := r.Context()
	if err := a.createChild(ctx, c.Actor, ch); err != nil {
		return err
	}
	rec, err := a.Store.ChildRecord(ctx, ch.Municipality, ch.ID)
	if err != nil {
		return err
	}
	v, err := a.ViewChild(ctx, web.AccessMunicipal, rec)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/children/"+ch.ID.String())
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiCreatePlacement(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newPlacementRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	p, err := a.placementFrom(ctx, c.Actor.Municipality, c.ChildID, domain.NewID[domain.Placement](), req)
	if err != nil {
		return err
	}
	if err := a.savePlacement(ctx, c.Actor, p, true); err != nil {
		return err
	}
	v, err := a.ViewPlacement(ctx, p)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (a *app) apiUnits(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	units, err := a.Store.Units(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	pg, err := api.Paginate(units, func(u domain.Unit) string { return u.ID.String() }, pr)
	if err != nil {
		return err
	}
	out := api.Page[web.UnitSummary]{Items: make([]web.UnitSummary, 0, len(pg.Items)), NextCursor: pg.NextCursor}
	for _, u := range pg.Items {
		out.Items = append(out.Items, web.UnitSummary{ID: u.ID, Name: u.Name, Kind: u.Kind, Owner: u.Owner, Parent: u.Parent})
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) apiAudit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	entries, next, err := a.auditPageOf(r, c)
	if err != nil {
		return err
	}
	out := api.Page[web.AuditView]{Items: make([]web.AuditView, 0, len(entries)), NextCursor: next}
	for _, e := range entries {
		v := web.AuditView{AuditSummary: e}
		if e.ChildCount > len(e.Children) && e.ChildID.IsZero() {
			v.ChildrenHref = "/api/v1/audit/" + e.ID.String() + "/children"
		}
		out.Items = append(out.Items, v)
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// auditPageOf reads one page of the audit log: ?limit, ?cursor (the last
// entry's ID) and ?childId. An entry about a list carries how many
// children it names and only the first web.AuditNames of them.
func (a *app) auditPageOf(r *http.Request, c *web.Call) ([]domain.AuditSummary, string, error) {
	pr, err := api.ReadPage(r)
	if err != nil {
		return nil, "", err
	}
	var before domain.AuditID
	if pr.Cursor != "" {
		if before, err = domain.ParseID[domain.AuditEntry](pr.Cursor); err != nil {
			return nil, "", api.BadRequest("invalid-query", "the cursor is not one this API gave", domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	var child domain.ChildID
	if s := r.URL.Query().Get("childId"); s != "" {
		if child, err = domain.ParseID[domain.Child](s); err != nil {
			return nil, "", api.BadRequest("invalid-query", "childId is not a UUID", domain.FieldError{Field: "childId", Reason: "is-not-a-uuid"})
		}
	}
	var entries []domain.AuditSummary
	if child.IsZero() {
		entries, err = a.Store.AuditSummaries(r.Context(), c.Actor.Municipality, before, pr.Limit+1, web.AuditNames)
	} else {
		var es []domain.AuditEntry
		es, err = a.Store.AuditEntries(r.Context(), c.Actor.Municipality, child, before, pr.Limit+1)
		for _, e := range es {
			entries = append(entries, domain.AuditSummary{AuditEntry: e, ChildCount: 1})
		}
	}
	if err != nil {
		return nil, "", err
	}
	// Reading the log is logged too: who looked, when, and at which
	// child's entries when the read was about one child (one entry per
	// read, not per entry read, so that reading does not feed itself).
	if err := a.Audit(r.Context(), c.Actor, "audit.read", "audit", child); err != nil {
		return nil, "", err
	}
	next := ""
	if len(entries) > pr.Limit {
		entries = entries[:pr.Limit]
		next = api.EncodeCursor(entries[len(entries)-1].ID.String())
	}
	if entries == nil {
		entries = []domain.AuditSummary{}
	}
	return entries, next, nil
}

// auditChildView is a child an audit entry names.
type auditChildView struct {
	ChildID domain.ChildID `json:"childId"`
}

// apiAuditChildren pages the children an entry names, by ID (the cursor
// is the last one shown), and logs the read of the log as the list does.
func (a *app) apiAuditChildren(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	id, err := api.PathID[domain.AuditEntry](r, "entryId")
	if err != nil {
		return err
	}
	var after domain.ChildID
	if pr.Cursor != "" {
		if after, err = domain.ParseID[domain.Child](pr.Cursor); err != nil {
			return api.BadRequest("invalid-query", "the cursor is not one this API gave", domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
	}
	ids, err := a.Store.AuditChildren(r.Context(), c.Actor.Municipality, id, after, pr.Limit+1)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "audit.read", "audit/"+id.String()); err != nil {
		return err
	}
	rows := make([]auditChildView, 0, len(ids))
	for _, ch := range ids {
		rows = append(rows, auditChildView{ChildID: ch})
	}
	api.WriteJSON(w, http.StatusOK, api.Keyset(rows, func(v auditChildView) string { return v.ChildID.String() }, pr))
	return nil
}
