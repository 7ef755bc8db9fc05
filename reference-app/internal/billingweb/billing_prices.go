package billingweb

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The price list form: a new version of the kindergarten or SFO list from
// a date (the old ones stay, listed with their periods). A price above the
// national maximum is refused with the reason; a period that shares a day
// with another list of the kind is a conflict.

// priceBracketRows is how many bracket rows the form offers.
const priceBracketRows = 4

// createPriceList stores the list and logs it, in one transaction.
func (a *app) createPriceList(ctx context.Context, actor domain.Actor, l billing.PriceList) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Billing().CreatePriceList(ctx, actor, l); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "price-list.create", "price-list/"+l.ID.String())
	})
}

// priceForm reads the form into a request, naming the fields it cannot
// read.
func priceForm(form map[string]string) (newPriceListRequest, domain.Problems) {
	var p domain.Problems
	req := newPriceListRequest{Kind: domain.UnitKind(form["kind"]), Zone: form["zone"], FullTimePrice: form["fullTimePrice"],
		SiblingsAcross: form["siblingsAcross"] == "on"}
	if req.Kind != domain.Kindergarten {
		req.FullTimePrice = ""
		req.Zone = ""
	}
	for _, f := range []struct {
		key string
		to  *date.Date
	}{{"start", &req.Start}, {"end", &req.End}} {
		if form[f.key] == "" && f.key == "end" {
			continue
		}
		d, err := domain.ParseDate(f.key, form[f.key])
		if err != nil {
			p.Merge("", err)
			continue
		}
		*f.to = d
	}
	for i := range priceBracketRows {
		n := strconv.Itoa(i)
		if form["minHours"+n] == "" && form["amount"+n] == "" && form["food"+n] == "" {
			continue
		}
		h, err := strconv.Atoi(form["minHours"+n])
		if err != nil {
			p.Add("brackets["+n+"].minHours", "not-a-whole-number")
		}
		b := priceBracketInput{MinHours: h, Food: form["food"+n]}
		if req.Kind == domain.Kindergarten {
			b.Share = form["amount"+n]
		} else {
			b.Price = form["amount"+n]
		}
		req.Brackets = append(req.Brackets, b)
	}
	if req.Kind == domain.SFO && form["siblingDiscounts"] != "" {
		for _, s := range strings.Split(form["siblingDiscounts"], ",") {
			req.SiblingDiscounts = append(req.SiblingDiscounts, strings.TrimSpace(s))
		}
	}
	return req, p
}

// priceFieldKey maps a refused field to the form's field.
func priceFieldKey(field string) string {
	field = strings.TrimPrefix(strings.TrimPrefix(field, "kindergarten."), "sfo.")
	if strings.HasPrefix(field, "brackets[") {
		i := strings.Index(field, "]")
		n, rest := field[len("brackets["):i], strings.TrimPrefix(field[i+1:], ".")
		switch rest {
		case "share", "price":
			return "amount" + n
		case "minHours", "food":
			return rest + n
		}
		return "brackets"
	}
	switch {
	case strings.HasPrefix(field, "period.end"):
		return "end"
	case strings.HasPrefix(field, "period"):
		return "start"
	case strings.HasPrefix(field, "siblingDiscounts"):
		return "siblingDiscounts"
	case field == "kind", field == "zone", field == "fullTimePrice", field == "start", field == "end":
		return field
	}
	return "brackets"
}

// priceReason is the reason in the page's language.
func priceReason(l web.Locale, reason string) string {
	if reason == "is-above-the-national-maximum-price-in-force-from" {
		return l.T("billing.prices.aboveMax")
	}
	return l.Reason(reason)
}

func (a *app) billingPricesPost(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"kind", "start", "end", "zone", "fullTimePrice", "siblingDiscounts", "siblingsAcross"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	for i := range priceBracketRows {
		for _, k := range []string{"minHours", "amount", "food"} {
			form[k+strconv.Itoa(i)] = strings.TrimSpace(r.PostFormValue(k + strconv.Itoa(i)))
		}
	}
	req, p := priceForm(form)
	err := p.Err()
	if err == nil {
		var l billing.PriceList
		if l, err = req.priceList(c.Actor.Municipality); err == nil {
			err = a.createPriceList(r.Context(), c.Actor, l)
		}
	}
	if err == nil {
		http.Redirect(w, r, "/billing/price-lists?saved=1", http.StatusSeeOther)
		return nil
	}
	errs := map[string]string{}
	var summary []string
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			k := priceFieldKey(f.Field)
			errs[k] = priceReason(c.Lang, f.Reason)
			summary = append(summary, c.Lang.T("billing.prices.field."+strings.TrimRight(k, "0123456789"))+": "+errs[k])
		}
	case errors.As(err, &ce):
		errs["start"] = c.Lang.T("billing.prices.overlap")
		summary = append(summary, c.Lang.T("billing.prices.field.start")+": "+errs["start"])
	default:
		return err
	}
	return a.renderPrices(w, r, c, http.StatusUnprocessableEntity, form, errs, summary)
}
