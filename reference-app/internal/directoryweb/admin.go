package directoryweb

import (
	"context"
	"net/http"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The directory's writes, one code path for the API and the pages: each
// takes the record built from a request or a form, lets the store validate
// it (the domain's Validate and Check functions) and writes it with its
// audit entry in one transaction.

// unitRequest creates or edits a unit (municipal administrator). Editing
// replaces every field; the closing date is set by closing the unit.
type unitRequest struct {
	Name         string              `json:"name"`
	Kind         domain.UnitKind     `json:"kind"`
	Owner        domain.Owner        `json:"owner"`
	Parent       domain.UnitID       `json:"parent,omitzero"`
	Address      domain.Address      `json:"address,omitzero"`
	OpeningHours domain.OpeningHours `json:"openingHours,omitempty"`
	Contact      domain.Contact      `json:"contact,omitzero"`
	Seats        domain.Seats        `json:"seats,omitzero"`
	Grades       domain.Grades       `json:"grades,omitzero"`
}

// apply sets the request's fields on u.
func (req unitRequest) apply(u *domain.Unit) {
	u.Name, u.Kind, u.Owner, u.Parent = req.Name, req.Kind, req.Owner, req.Parent
	u.Address, u.OpeningHours, u.Contact, u.Seats, u.Grades = req.Address, req.OpeningHours, req.Contact, req.Seats, req.Grades
}

// closeRequest closes a unit or group after its last open day.
type closeRequest struct {
	ClosingDate date.Date `json:"closingDate"`
}

// groupRequest creates or edits a group of the unit in the path.
type groupRequest struct {
	Name     string          `json:"name"`
	AgeGroup domain.AgeGroup `json:"ageGroup,omitempty"`
	Grades   domain.Grades   `json:"grades,omitzero"`
}

// unitView is a unit with its groups.
type unitView struct {
	domain.Unit
	Groups []domain.Group `json:"groups"`
}

// saveUnit creates or updates a unit with its audit entry.
func (a *app) saveUnit(ctx context.Context, actor domain.Actor, u domain.Unit, create bool) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		action := "unit.update"
		if create {
			action = "unit.create"
			if err := a.Store.CreateUnit(ctx, u); err != nil {
				return err
			}
		} else if err := a.Store.UpdateUnit(ctx, u); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, action, "unit/"+u.ID.String())
	})
}

// saveGroup creates or updates a group with its audit entry.
func (a *app) saveGroup(ctx context.Context, actor domain.Actor, g domain.Group, create bool) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		action := "group.update"
		if create {
			action = "group.create"
			if err := a.Store.CreateGroup(ctx, g); err != nil {
				return err
			}
		} else if err := a.Store.UpdateGroup(ctx, g); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, action, "group/"+g.ID.String())
	})
}

// groupOf reads a group of the unit in the path; a group of another unit
// is not found.
func (a *app) groupOf(ctx context.Context, c *web.Call, id domain.GroupID) (domain.Group, error) {
	g, err := a.Store.Group(ctx, c.Actor.Municipality, id)
	if err != nil {
		return g, err
	}
	if g.UnitID != c.UnitID {
		return g, domain.ErrNotFound
	}
	return g, nil
}

func (a *app) viewUnit(ctx context.Context, u domain.Unit) (unitView, error) {
	groups, err := a.Store.Groups(ctx, u.Municipality, u.ID)
	if groups == nil {
		groups = []domain.Group{}
	}
	return unitView{Unit: u, Groups: groups}, err
}

func (a *app) writeUnit(w http.ResponseWriter, ctx context.Context, status int, u domain.Unit) error {
	v, err := a.viewUnit(ctx, u)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/units/"+u.ID.String())
	}
	api.WriteJSON(w, status, v)
	return nil
}

func (a *app) apiUnit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	u, err := a.Store.Unit(r.Context(), c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	return a.writeUnit(w, r.Context(), http.StatusOK, u)
}

func (a *app) apiCreateUnit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req unitRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: c.Actor.Municipality}
	req.apply(&u)
	if err := a.saveUnit(r.Context(), c.Actor, u, true); err != nil {
		return err
	}
	return a.writeUnit(w, r.Context(), http.StatusCreated, u)
}

func (a *app) apiUpdateUnit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req unitRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	u, err := a.Store.Unit(r.Context(), c.Actor.Municipality, c.UnitID)
	if err != nil {
		return err
	}
	req.apply(&u)
	if err := a.saveUnit(r.Context(), c.Actor, u, false); err != nil {
		return err
	}
	return a.writeUnit(w, r.Context(), http.StatusOK, u)
}

// closeUnit sets a unit's closing date (date.Zero reopens it).
func (a *app) closeUnit(ctx context.Context, actor domain.Actor, id domain.UnitID, closing date.Date) (domain.Unit, error) {
	u, err := a.Store.Unit(ctx, actor.Municipality, id)
	if err != nil {
		return u, err
	}
	u.ClosingDate = closing
	return u, a.saveUnit(ctx, actor, u, false)
}

func (a *app) apiCloseUnit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req closeRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.ClosingDate == date.Zero {
		return domain.Invalid("closingDate", domain.ReasonRequired)
	}
	u, err := a.closeUnit(r.Context(), c.Actor, c.UnitID, req.ClosingDate)
	if err != nil {
		return err
	}
	return a.writeUnit(w, r.Context(), http.StatusOK, u)
}

func (a *app) apiCreateGroup(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req groupRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := a.Store.Unit(ctx, c.Actor.Municipality, c.UnitID); err != nil {
		return err
	}
	g := domain.Group{ID: domain.NewID[domain.Group](), Municipality: c.Actor.Municipality, UnitID: c.UnitID,
		Name: req.Name, AgeGroup: req.AgeGroup, Grades: req.Grades}
	if err := a.saveGroup(ctx, c.Actor, g, true); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (a *app) apiUpdateGroup(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req groupRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	id, err := api.PathID[domain.Group](r, "groupId")
	if err != nil {
		return err
	}
	g, err := a.groupOf(ctx, c, id)
	if err != nil {
		return err
	}
	g.Name, g.AgeGroup, g.Grades = req.Name, req.AgeGroup, req.Grades
	if err := a.saveGroup(ctx, c.Actor, g, false); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, g)
	return nil
}

func (a *app) apiCloseGroup(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req closeRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.ClosingDate == date.Zero {
		return domain.Invalid("closingDate", domain.ReasonRequired)
	}
	ctx := r.Context()
	id, err := api.PathID[domain.Group](r, "groupId")
	if err != nil {
		return err
	}
	g, err := a.groupOf(ctx, c, id)
	if err != nil {
		return err
	}
	g.ClosingDate = req.ClosingDate
	if err := a.saveGroup(ctx, c.Actor, g, false); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, g)
	return nil
}
