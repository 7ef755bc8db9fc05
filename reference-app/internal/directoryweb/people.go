package directoryweb

import (
	"context"
	"errors"
	"net/http"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Children, guardians, guardianships and placements registered by hand
// (caseworker): the writes the API and the pages share.

// guardianRequest registers or edits a guardian.
type guardianRequest struct {
	NationalID        domain.NationalID        `json:"nationalId,omitzero"`
	GivenName         string                   `json:"givenName"`
	FamilyName        string                   `json:"familyName"`
	Email             string                   `json:"email,omitempty"`
	Phone             string                   `json:"phone,omitempty"`
	AddressProtection domain.AddressProtection `json:"addressProtection,omitempty"`
	// Address is the registered address. For a guardian whose address is
	// or becomes protected, an empty address keeps the stored one (which
	// is never shown back, so a client cannot send it again).
	Address domain.Address `json:"address,omitzero"`
}

func (req guardianRequest) apply(g *domain.Guardian) {
	keep := g.Address
	protected := g.AddressProtection.Protected() || req.AddressProtection.Protected()
	g.NationalID, g.GivenName, g.FamilyName, g.Email, g.Phone = req.NationalID, req.GivenName, req.FamilyName, req.Email, req.Phone
	g.Address = req.Address
	if protected && g.Address.IsZero() {
		g.Address = keep
	}
	g.AddressProtection = req.AddressProtection
	if g.AddressProtection == "" {
		g.AddressProtection = domain.ProtectionNone
	}
}

// guardianshipRequest links a guardian to the child in the path, or
// changes the link's flags (barneloven §§ 30, 47).
type guardianshipRequest struct {
	ParentalResponsibility bool `json:"parentalResponsibility"`
	LivesWithChild         bool `json:"livesWithChild"`
	InformationRequested   bool `json:"informationRequested"`
	InformationDenied      bool `json:"informationDenied"`
}

// guardianRecord is a guardian as the caseworker who registered it sees it.
type guardianRecord struct {
	ID                domain.GuardianID        `json:"id"`
	NationalID        domain.NationalID        `json:"nationalId,omitzero"`
	GivenName         string                   `json:"givenName"`
	FamilyName        string                   `json:"familyName"`
	Email             string                   `json:"email,omitempty"`
	Phone             string                   `json:"phone,omitempty"`
	AddressProtection domain.AddressProtection `json:"addressProtection"`
	Address           domain.Address           `json:"address,omitzero"`
}

// recordOf shows a guardian; the contact details of a guardian with a
// protected address are never given, as everywhere in the app, nor the
// registered address when the guardian's household is protected
// (domain.HouseholdProtection: the guardian's own level, or a child's the
// guardian lives with).
func (a *app) recordOf(ctx context.Context, g domain.Guardian) (guardianRecord, error) {
	r := guardianRecord{ID: g.ID, NationalID: g.NationalID, GivenName: g.GivenName, FamilyName: g.FamilyName,
		AddressProtection: g.AddressProtection}
	if !g.AddressProtection.Protected() {
		r.Email, r.Phone = g.Email, g.Phone
	}
	p, err := domain.GuardianHousehold(ctx, a.Store, g)
	if err != nil {
		return r, err
	}
	r.Address = domain.ShownAddress(g.Address, p)
	return r, nil
}

// keepHidden keeps the stored address of a guardian whose household is
// protected when the request leaves the address empty: the client never
// saw it, so cannot send it again.
func (a *app) keepHidden(ctx context.Context, stored domain.Guardian, g *domain.Guardian) error {
	if !g.Address.IsZero() {
		return nil
	}
	p, err := domain.GuardianHousehold(ctx, a.Store, stored)
	if err == nil && (p.Protected() || g.AddressProtection.Protected()) {
		g.Address = stored.Address
	}
	return err
}

// endPlacementRequest ends a placement after its last day.
type endPlacementRequest struct {
	End date.Date `json:"end"`
}

// createChild registers a child; a birth date after today is refused
// (the store has no clock).
func (a *app) createChild(ctx context.Context, actor domain.Actor, ch domain.Child) error {
	if ch.AddressProtection == "" {
		ch.AddressProtection = domain.ProtectionNone
	}
	if err := ch.ValidateAt(domain.Today(a.Clock)); err != nil {
		return err
	}
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.CreateChild(ctx, ch); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "child.create", "", ch.ID)
	})
}

// saveGuardian registers or edits a guardian.
func (a *app) saveGuardian(ctx context.Context, actor domain.Actor, g domain.Guardian, create bool) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		action := "guardian.update"
		if create {
			action = "guardian.create"
			if err := a.Store.CreateGuardian(ctx, g); err != nil {
				return err
			}
		} else if err := a.Store.UpdateGuardian(ctx, g); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, action, "guardian/"+g.ID.String())
	})
}

// putGuardianship links a guardian and a child, or changes the link.
func (a *app) putGuardianship(ctx context.Context, actor domain.Actor, gs domain.Guardianship) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.PutGuardianship(ctx, gs); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "guardianship.put", "guardian/"+gs.GuardianID.String(), gs.ChildID)
	})
}

// placementFrom builds a placement of the child from a request: its kind
// is its unit's.
func (a *app) placementFrom(ctx context.Context, m domain.Municipality, child domain.ChildID, id domain.PlacementID, req newPlacementRequest) (domain.Placement, error) {
	kind := domain.UnitKind("")
	if !req.UnitID.IsZero() {
		u, err := a.Store.Unit(ctx, m, req.UnitID)
		if err != nil {
			if domain.IsNotFound(err) {
				return domain.Placement{}, domain.Invalid("unitId", "no-such-unit")
			}
			return domain.Placement{}, err
		}
		kind = u.Kind
	}
	return domain.Placement{
		ID: id, Municipality: m, ChildID: child, UnitID: req.UnitID,
		GroupID: req.GroupID, Kind: kind, HoursPerWeek: req.HoursPerWeek,
		Period: domain.Period{Start: req.Start, End: req.End},
	}, nil
}

// savePlacement makes or changes a placement.
func (a *app) savePlacement(ctx context.Context, actor domain.Actor, p domain.Placement, create bool) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		action := "placement.update"
		if create {
			action = "placement.create"
			if err := a.Store.CreatePlacement(ctx, p); err != nil {
				return err
			}
		} else if err := a.Store.UpdatePlacement(ctx, p); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, action, "placement/"+p.ID.String(), p.ChildID)
	})
}

// childPlacement reads a placement of the child in the path; another
// child's is not found.
func (a *app) childPlacement(ctx context.Context, c *web.Call, id domain.PlacementID) (domain.Placement, error) {
	p, err := a.Store.Placement(ctx, c.Actor.Municipality, id)
	if err == nil && p.ChildID != c.ChildID {
		err = domain.ErrNotFound
	}
	return p, err
}

// endPlacement sets a placement's last day.
func (a *app) endPlacement(ctx context.Context, actor domain.Actor, p domain.Placement, end date.Date) (domain.Placement, error) {
	if end == date.Zero {
		return p, domain.Invalid("end", domain.ReasonRequired)
	}
	p.Period.End = end
	err := a.savePlacement(ctx, actor, p, false)
	if domain.FieldOf(err) == "period.end" {
		// The request names the field "end".
		var ve *domain.ValidationError
		if errors.As(err, &ve) {
			return p, domain.Invalid("end", ve.Fields[0].Reason)
		}
	}
	return p, err
}

// API handlers.

func (a *app) apiCreateGuardian(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req guardianRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: c.Actor.Municipality}
	req.apply(&g)
	if err := a.saveGuardian(r.Context(), c.Actor, g, true); err != nil {
		return err
	}
	rec, err := a.recordOf(r.Context(), g)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/guardians/"+g.ID.String())
	api.WriteJSON(w, http.StatusCreated, rec)
	return nil
}

func (a *app) apiGuardian(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.Guardian](r, "guardianId")
	if err != nil {
		return err
	}
	g, err := a.Store.Guardian(r.Context(), c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	rec, err := a.recordOf(r.Context(), g)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, rec)
	return nil
}

func (a *app) apiUpdateGuardian(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req guardianRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	id, err := api.PathID[domain.Guardian](r, "guardianId")
	if err != nil {
		return err
	}
	g, err := a.Store.Guardian(r.Context(), c.Actor.Municipality, id)
	if err != nil {
		return err
	}
	stored := g
	req.apply(&g)
	if err := a.keepHidden(r.Context(), stored, &g); err != nil {
		return err
	}
	if err := a.saveGuardian(r.Context(), c.Actor, g, false); err != nil {
		return err
	}
	rec, err := a.recordOf(r.Context(), g)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, rec)
	return nil
}

func (a *app) apiPutGuardianship(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req guardianshipRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	id, err := api.PathID[domain.Guardian](r, "guardianId")
	if err != nil {
		return err
	}
	gs := domain.Guardianship{Municipality: c.Actor.Municipality, ChildID: c.ChildID, GuardianID: id,
		ParentalResponsibility: req.ParentalResponsibility, LivesWithChild: req.LivesWithChild,
		InformationRequested: req.InformationRequested, InformationDenied: req.InformationDenied}
	if err := a.putGuardianship(r.Context(), c.Actor, gs); err != nil {
		if domain.FieldOf(err) == "guardianId" {
			return domain.ErrNotFound
		}
		return err
	}
	api.WriteJSON(w, http.StatusOK, gs)
	return nil
}

func (a *app) apiEndGuardianship(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[domain.Guardian](r, "guardianId")
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.DeleteGuardianship(ctx, c.Actor.Municipality, c.ChildID, id); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "guardianship.delete", "guardian/"+id.String(), c.ChildID)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *app) apiUpdatePlacement(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newPlacementRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	id, err := api.PathID[domain.Placement](r, "placementId")
	if err != nil {
		return err
	}
	if _, err := a.childPlacement(ctx, c, id); err != nil {
		return err
	}
	p, err := a.placementFrom(ctx, c.Actor.Municipality, c.ChildID, id, req)
	if err != nil {
		return err
	}
	if err := a.savePlacement(ctx, c.Actor, p, false); err != nil {
		return err
	}
	v, err := a.ViewPlacement(ctx, p)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiEndPlacement(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req endPlacementRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	id, err := api.PathID[domain.Placement](r, "placementId")
	if err != nil {
		return err
	}
	p, err := a.childPlacement(ctx, c, id)
	if err != nil {
		return err
	}
	if p, err = a.endPlacement(ctx, c.Actor, p, req.End); err != nil {
		return err
	}
	v, err := a.ViewPlacement(ctx, p)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}
