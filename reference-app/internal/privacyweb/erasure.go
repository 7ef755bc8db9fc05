package privacyweb

import (
	"context"
	"errors"
	"net/http"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Erasure on request (GDPR art. 17), a caseworker's or administrator's
// action: the API and the page say first whether the law allows it
// (domain.Erasure.Check) and why not, with a reason code; erasing is
// audit-logged ("child.erase").

// ErasureView says whether the child's data may be erased now.
type ErasureView struct {
	Allowed bool `json:"allowed"`
	// Reason is the code of the refusal ("active-placement",
	// "bookkeeping-period"), empty when allowed; Message says it in the
	// request's language.
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Erased  bool   `json:"erased"`
}

func (a *app) erasure(ctx context.Context, m domain.Municipality) (domain.Erasure, error) {
	rules, err := a.RetentionSettings[m].Rules()
	return domain.Erasure{Store: a.Store, Clock: a.Clock, Rules: rules}, err
}

// checkView runs the check; a refusal is a view, any other error an error.
func (a *app) checkView(ctx context.Context, c *web.Call, err error) (ErasureView, error) {
	var ve *domain.ValidationError
	switch {
	case err == nil:
		return ErasureView{Allowed: true}, nil
	case errors.As(err, &ve) && len(ve.Fields) == 1 && ve.Fields[0].Field == "child":
		return ErasureView{Reason: ve.Fields[0].Reason, Message: c.Lang.FieldReason(ve.Fields[0])}, nil
	}
	return ErasureView{}, err
}

func (a *app) apiErasureCheck(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	er, err := a.erasure(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	v, err := a.checkView(ctx, c, er.Check(ctx, c.Actor.Municipality, c.ChildID))
	if err != nil {
		return err
	}
	if err := a.Audit(ctx, c.Actor, "child.erasure-check", "", c.ChildID); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// erasureRequest confirms the erasure: it cannot be undone.
type erasureRequest struct {
	Confirm bool `json:"confirm"`
}

func (a *app) apiErase(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req erasureRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if !req.Confirm {
		return domain.Invalid("confirm", "required")
	}
	ctx := r.Context()
	er, err := a.erasure(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	if err := er.Erase(ctx, c.Actor, c.ChildID); err != nil {
		return err // a refusal is a 422 problem with the field and reason code
	}
	api.WriteJSON(w, http.StatusOK, ErasureView{Erased: true})
	return nil
}

type erasureContent struct {
	L       web.Locale
	Name    string
	Child   string
	Erasure ErasureView
}

func (a *app) erasurePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	er, err := a.erasure(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	v, err := a.checkView(ctx, c, er.Check(ctx, c.Actor.Municipality, c.ChildID))
	if err != nil {
		return err
	}
	v.Erased = r.URL.Query().Get("erased") == "1" && c.Record.Child.GivenName == domain.ErasedName
	if err := a.Audit(ctx, c.Actor, "child.erasure-check", "", c.ChildID); err != nil {
		return err
	}
	a.erasureRender(w, r, c, http.StatusOK, v)
	return nil
}

func (a *app) erasureRender(w http.ResponseWriter, r *http.Request, c *web.Call, status int, v ErasureView) {
	ch := c.Record.Child
	a.Page(w, r, c, status, "privacy_erasure", "privacy.erasure.title",
		erasureContent{L: c.Lang, Name: ch.GivenName + " " + ch.FamilyName, Child: ch.ID.String(), Erasure: v})
}

func (a *app) erasureSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	er, err := a.erasure(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	if err := er.Erase(ctx, c.Actor, c.ChildID); err != nil {
		v, err := a.checkView(ctx, c, err)
		if err != nil {
			return err
		}
		a.erasureRender(w, r, c, http.StatusUnprocessableEntity, v)
		return nil
	}
	http.Redirect(w, r, "/children/"+c.ChildID.String()+"/erasure?erased=1", http.StatusSeeOther)
	return nil
}
