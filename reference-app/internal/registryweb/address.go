package registryweb

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// A caseworker corrects a child's registered address, as the register
// should have it (the register's next change about the child writes its
// own over it): validated as every address, in one transaction with its
// audit entry ("child.address-correct"). The address of a child whose
// household is protected is never shown back; a strengt fortrolig child
// holds no address at all, so one is refused (field "address", reason
// "strictly-protected"). A guardian's address is corrected with the
// guardian (PUT /api/v1/guardians/{guardianId}).

// ReasonStrictlyProtected: a strengt fortrolig person's address is not
// held.
const ReasonStrictlyProtected = "strictly-protected"

// AddressRequest is the corrected address; empty clears it.
type AddressRequest struct {
	Address domain.Address `json:"address"`
}

// AddressView is the child's address after the correction, as far as it
// may be shown.
type AddressView struct {
	ChildID           domain.ChildID           `json:"childId"`
	AddressProtection domain.AddressProtection `json:"addressProtection"`
	Address           domain.Address           `json:"address,omitzero"`
}

// correct writes the address in one transaction with its audit entry.
func (a *app) correct(ctx context.Context, c *web.Call, addr domain.Address) (AddressView, error) {
	if addr.Municipality == "" && !addr.IsZero() {
		addr.Municipality = c.Actor.Municipality
	}
	var p domain.Problems
	p.Merge("address", addr.Validate())
	if err := p.Err(); err != nil {
		return AddressView{}, err
	}
	m := c.Actor.Municipality
	var out AddressView
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		ch, err := a.Store.Child(ctx, m, c.ChildID)
		if err != nil {
			return err
		}
		if ch.AddressProtection.Strict() && !addr.IsZero() {
			return domain.Invalid("address", ReasonStrictlyProtected)
		}
		ch.Address = addr
		if err := a.Store.UpdateChild(ctx, ch); err != nil {
			return err
		}
		if err := a.AuditChange(ctx, c.Actor, "child.address-correct", "", ch.ID); err != nil {
			return err
		}
		rec, err := a.Store.ChildRecord(ctx, m, ch.ID)
		if err != nil {
			return err
		}
		p := rec.ChildHouseholdProtection()
		out = AddressView{ChildID: ch.ID, AddressProtection: ch.AddressProtection, Address: domain.ShownAddress(ch.Address, p)}
		return nil
	})
	return out, err
}

func (a *app) apiAddress(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req AddressRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.correct(r.Context(), c, req.Address)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// addressContent is what the correction form shows.
type addressContent struct {
	L         web.Locale
	Child     string
	Name      string
	Protected bool
	Strict    bool
	Values    map[string]string
	Problems  []string // what was refused, in the request's language
	Saved     bool
}

func (a *app) addressRender(w http.ResponseWriter, r *http.Request, c *web.Call, status int, values map[string]string, problems []string, saved bool) {
	ch := c.Record.Child
	p := c.Record.ChildHouseholdProtection()
	a.Page(w, r, c, status, "registry_address", "registry.address.title", addressContent{L: c.Lang, Child: ch.ID.String(),
		Name: ch.GivenName + " " + ch.FamilyName, Protected: p.Protected(), Strict: ch.AddressProtection.Strict(),
		Values: values, Problems: problems, Saved: saved})
}

func (a *app) addressPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	shown := domain.ShownAddress(c.Record.Child.Address, c.Record.ChildHouseholdProtection())
	if err := a.Audit(r.Context(), c.Actor, "child.read", "", c.ChildID); err != nil {
		return err
	}
	a.addressRender(w, r, c, http.StatusOK, map[string]string{"street": shown.Street, "cadastral": shown.Cadastral,
		"postcode": shown.Postcode, "postTown": shown.PostTown}, nil, r.URL.Query().Get("saved") == "1")
	return nil
}

func (a *app) addressSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	values := map[string]string{}
	for _, k := range []string{"street", "cadastral", "postcode", "postTown"} {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	addr := domain.Address{Street: values["street"], Cadastral: values["cadastral"], Postcode: values["postcode"],
		PostTown: strings.ToUpper(values["postTown"])}
	var err error
	if addr.IsZero() {
		// The form corrects an address; it does not clear one by being sent
		// empty.
		err = domain.Invalid("address.street", domain.ReasonStreetOrCadastral)
	} else {
		_, err = a.correct(r.Context(), c, addr)
	}
	if err != nil {
		var ve *domain.ValidationError
		if errors.As(err, &ve) {
			var problems []string
			for _, f := range ve.Fields {
				problems = append(problems, c.Lang.T("registry.address.field."+strings.TrimPrefix(f.Field, "address."))+": "+c.Lang.Reason(f.Reason))
			}
			a.addressRender(w, r, c, http.StatusUnprocessableEntity, values, problems, false)
			return nil
		}
		return err
	}
	http.Redirect(w, r, "/children/"+c.ChildID.String()+"/address?saved=1", http.StatusSeeOther)
	return nil
}
