package billingweb

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// A family for fees is made by a caseworker: the page's form names the
// child and the payer by their national ID numbers, the API by their IDs.
// Without one a placed child is invoiced to nobody (the invoice run skips
// it), so a municipality starting from an empty database needs this to
// send its first invoice.

// newFamilyRequest makes a family for fees: the payer (an adult of the
// family and the one invoiced), other adults whose income counts, and the
// children, all members from Start until further notice.
type newFamilyRequest struct {
	Payer    domain.GuardianID   `json:"payer"`
	Adults   []domain.GuardianID `json:"adults,omitempty"`
	Children []domain.ChildID    `json:"children"`
	Start    date.Date           `json:"start"`
}

// createFamily stores the family and logs it for its children, in one
// transaction. A child or adult already in another family on a shared day
// is a *domain.ConflictError on "members".
func (a *app) createFamily(ctx context.Context, actor domain.Actor, req newFamilyRequest) (familyView, error) {
	var p domain.Problems
	if req.Payer.IsZero() {
		p.Add("payer", "required")
	}
	if len(req.Children) == 0 {
		p.Add("children", "required")
	}
	if req.Start == date.Zero {
		p.Add("start", "required")
	}
	if err := p.Err(); err != nil {
		return familyView{}, err
	}
	f := billing.Family{ID: domain.NewID[billing.Family](), Municipality: actor.Municipality, Payer: req.Payer}
	member := func(g domain.GuardianID, c domain.ChildID) billing.Member {
		return billing.Member{ID: domain.NewID[billing.Member](), Municipality: actor.Municipality, Family: f.ID,
			Guardian: g, Child: c, Period: domain.Period{Start: req.Start}}
	}
	f.Members = append(f.Members, member(req.Payer, domain.ChildID{}))
	for _, g := range req.Adults {
		if g != req.Payer {
			f.Members = append(f.Members, member(g, domain.ChildID{}))
		}
	}
	for _, c := range req.Children {
		f.Members = append(f.Members, member(domain.GuardianID{}, c))
	}
	var v familyView
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Billing().CreateFamily(ctx, actor, f); err != nil {
			return err
		}
		stored, err := a.Store.Family(ctx, actor.Municipality, f.ID)
		if err != nil {
			return err
		}
		if v, err = a.billingNames(actor.Municipality).family(ctx, stored); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "family.create", "family/"+f.ID.String(), req.Children...)
	})
	return v, err
}

func (a *app) apiCreateFamily(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req newFamilyRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.createFamily(r.Context(), c.Actor, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

// billingFamilyPage makes a family from the form on /billing/families: the
// child and the payer by national ID number, and the first day.
func (a *app) billingFamilyPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"child", "payer", "familyStart"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	ctx := r.Context()
	var errs []string
	refuse := func(field, msg string) {
		errs = append(errs, c.Lang.T("billing.family.field."+field)+": "+msg)
	}
	req := newFamilyRequest{}
	if n, err := domain.ParseNationalID(strings.ReplaceAll(form["child"], " ", "")); err != nil {
		refuse("child", c.Lang.T("billing.family.badNationalId"))
	} else if ch, err := a.Store.ChildByNationalID(ctx, c.Actor.Municipality, n); domain.IsNotFound(err) {
		refuse("child", c.Lang.T("billing.family.noChild"))
	} else if err != nil {
		return err
	} else {
		req.Children = []domain.ChildID{ch.ID}
	}
	if n, err := domain.ParseNationalID(strings.ReplaceAll(form["payer"], " ", "")); err != nil {
		refuse("payer", c.Lang.T("billing.family.badNationalId"))
	} else if g, err := a.Store.GuardianByNationalID(ctx, c.Actor.Municipality, n); domain.IsNotFound(err) {
		refuse("payer", c.Lang.T("billing.family.noGuardian"))
	} else if err != nil {
		return err
	} else {
		req.Payer = g.ID
	}
	if d, err := domain.ParseDate("start", form["familyStart"]); err != nil {
		refuse("start", c.Lang.Reason(domain.ReasonDate))
	} else {
		req.Start = d
	}
	if len(errs) == 0 {
		_, err := a.createFamily(ctx, c.Actor, req)
		var ve *domain.ValidationError
		var ce *domain.ConflictError
		switch {
		case err == nil:
			http.Redirect(w, r, "/billing/families?made=1#families", http.StatusSeeOther)
			return nil
		case errors.As(err, &ce):
			errs = append(errs, c.Lang.T("billing.family.taken"))
		case errors.As(err, &ve):
			for _, f := range ve.Fields {
				errs = append(errs, c.Lang.FieldReason(f))
			}
		default:
			return err
		}
	}
	content, err := a.billingFamiliesContent(r, c, form)
	if err != nil {
		return err
	}
	content.FamilyErrors = errs
	a.Page(w, r, c, http.StatusUnprocessableEntity, "billing_families", "billing.families.title", content)
	return nil
}
