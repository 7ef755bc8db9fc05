package billingweb

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Invoices as documents (issue 17): the printable invoice and its PDF for
// the guardian who pays it and the caseworker, and credit notes, which
// the caseworker makes from the invoice. Every read and every credit note
// is audit-logged with the children of the invoice.

// documentRoutes are the routes of invoice documents and credit notes.
func (a *app) documentRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/invoices/{invoiceId}/document", Kind: web.KindAPI, Policy: policyInvoices, Summary: "The invoice as a document in the request's language (nb, nn, en): payer and address (none for a protected payer: digital mailbox), account number, KID, dates written out, period, a line per child and service with its explanation, corrections with the month and why, credits and what is left to pay. The payer (guardian) or the municipality", Response: domain.Document{}, Handle: a.apiInvoiceDocument},
		{Method: "GET", Path: "/api/v1/invoices/{invoiceId}/credit-notes", Kind: web.KindAPI, Policy: policyInvoices, Summary: "The credit notes of an invoice, by number (the payer or the municipality)", Response: CreditNoteView{}, List: true, Handle: a.apiCreditNotes},
		{Method: "POST", Path: "/api/v1/invoices/{invoiceId}/credit-notes", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Credit all that remains of an invoice, some of its lines or an amount, with a reason (caseworker); above what remains is refused (credit-above-remaining). The credit note has its own number (K-n) and carries the invoice's KID: what is owed on it drops by the credit", Body: NewCreditNoteRequest{}, Response: CreditNoteView{}, Status: http.StatusCreated, Handle: a.apiCreateCreditNote},
		{Method: "GET", Path: "/api/v1/invoices/{invoiceId}/pdf", Kind: web.KindAPI, Policy: policyInvoices, Summary: "The invoice as a PDF/A file in the request's language, the same words as its document (the payer or the municipality)", Response: "", ContentType: "application/pdf", Handle: a.invoicePDF},
		{Method: "GET", Path: "/invoices/{invoiceId}", Kind: web.KindPage, Policy: policyInvoices, Handle: a.invoicePage},
		{Method: "GET", Path: "/invoices/{invoiceId}/invoice.pdf", Kind: web.KindPage, Policy: policyInvoices, Handle: a.invoicePDF},
		{Method: "GET", Path: "/invoices/{invoiceId}/credit-notes/{creditNoteId}", Kind: web.KindPage, Policy: policyInvoices, Handle: a.creditNotePDF},
		{Method: "GET", Path: "/billing/invoices/{invoiceId}/credit-notes", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.creditNotePage},
		{Method: "POST", Path: "/billing/invoices/{invoiceId}/credit-notes", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.creditNotePage},
	}
}

// CreditNoteView is a credit note in the API.
type CreditNoteView struct {
	ID            billing.CreditNoteID `json:"id"`
	Number        int64                `json:"number"`
	Label         string               `json:"label"` // "K-1"
	Invoice       billing.InvoiceID    `json:"invoice"`
	InvoiceNumber int64                `json:"invoiceNumber"`
	KID           string               `json:"kid"`
	Issued        date.Date            `json:"issued"`
	Reason        string               `json:"reason"`
	Whole         bool                 `json:"whole"`
	Lines         []int                `json:"lines"`
	Amount        string               `json:"amount"`
	By            string               `json:"by"`
}

func creditNoteView(c billing.CreditNote) CreditNoteView {
	lines := c.Lines
	if lines == nil {
		lines = []int{}
	}
	return CreditNoteView{ID: c.ID, Number: c.Number, Label: billing.CreditNoteNumber(c.Number), Invoice: c.Invoice,
		InvoiceNumber: c.InvoiceNumber, KID: c.KID, Issued: c.Issued, Reason: c.Reason, Whole: c.Whole, Lines: lines,
		Amount: c.Amount.StringFixed(2), By: c.By}
}

// NewCreditNoteRequest asks for a credit note: exactly one of whole (all
// that remains), lines (indexes of the invoice's lines, from 0) and
// amount ("672.20"), and a reason.
type NewCreditNoteRequest struct {
	Whole  bool   `json:"whole,omitempty"`
	Lines  []int  `json:"lines,omitempty"`
	Amount string `json:"amount,omitempty"`
	Reason string `json:"reason"`
}

func (q NewCreditNoteRequest) request(id billing.InvoiceID) (billing.CreditRequest, error) {
	req := billing.CreditRequest{Invoice: id, Whole: q.Whole, Lines: q.Lines, Reason: q.Reason}
	if s := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(q.Amount, " ", ""), ",", ".")); s != "" {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return req, domain.Invalid("amount", billing.ReasonCreditAmount)
		}
		req.Amount = d
	}
	return req, nil
}

func invoiceID(r *http.Request) (billing.InvoiceID, error) {
	id, err := domain.ParseID[billing.Invoice](r.PathValue("invoiceId"))
	if err != nil {
		return id, domain.ErrNotFound
	}
	return id, nil
}

func lineChildren(inv billing.Invoice) []domain.ChildID {
	var out []domain.ChildID
	for _, l := range inv.Lines {
		if !slices.Contains(out, l.Child) {
			out = append(out, l.Child)
		}
	}
	return out
}

// invoiceLetter reads everything an invoice's document needs, for whom
// may read the invoice (a guardian only their own: another's is not
// found), and logs the read for every child of the invoice.
func (a *app) invoiceLetter(ctx context.Context, actor domain.Actor, id billing.InvoiceID) (billing.InvoiceLetter, error) {
	var l billing.InvoiceLetter
	err := func() error {
		inv, err := a.Billing().Invoice(ctx, actor, id)
		if err != nil {
			return err
		}
		l = billing.InvoiceLetter{Invoice: inv, Children: map[domain.ChildID]string{}}
		if l.Template, err = a.LetterTemplate(ctx, actor.Municipality); err != nil {
			return err
		}
		if l.Credits, err = a.Store.CreditNotes(ctx, actor.Municipality, inv.ID); err != nil {
			return err
		}
		g, err := a.Store.Guardian(ctx, actor.Municipality, inv.Payer)
		if err != nil {
			return err
		}
		household, err := domain.GuardianHousehold(ctx, a.Store, g)
		if err != nil {
			return err
		}
		l.Payer = billing.PayerOf(g, household)
		if l.Settings, err = a.Billing().SettingsFor(ctx, actor.Municipality); err != nil {
			l.Settings = billing.Settings{Municipality: actor.Municipality}
		}
		children := lineChildren(inv)
		// The decisions of the invoice's children, read by child.
		if l.Decisions, err = a.Store.FeeDecisionsOf(ctx, actor.Municipality, children); err != nil {
			return err
		}
		if len(l.Decisions) == 0 {
			l.Decisions = nil // as before: none is no list
		}
		for _, c := range children {
			ch, err := a.Store.Child(ctx, actor.Municipality, c)
			if err != nil {
				return err
			}
			l.Children[c] = ch.GivenName + " " + ch.FamilyName
		}
		return nil
	}()
	if err != nil {
		return l, err
	}
	// Logged after the reads, outside any transaction: the audit log of
	// reads is written in batches of its own.
	return l, a.Audit(ctx, actor, "invoice.read", "invoice/"+l.Invoice.ID.String(), lineChildren(l.Invoice)...)
}

func docLang(c *web.Call) billing.Lang {
	switch c.Lang.Code {
	case "nn":
		return billing.Nynorsk
	case "en":
		return billing.English
	}
	return billing.Bokmal
}

func (a *app) apiInvoiceDocument(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := invoiceID(r)
	if err != nil {
		return err
	}
	l, err := a.invoiceLetter(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, billing.InvoiceDocument(l, docLang(c)))
	return nil
}

func (a *app) apiCreditNotes(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := invoiceID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	inv, err := a.Billing().Invoice(ctx, c.Actor, id)
	if err != nil {
		return err
	}
	cs, err := a.Store.CreditNotes(ctx, c.Actor.Municipality, inv.ID)
	if err != nil {
		return err
	}
	out := make([]CreditNoteView, 0, len(cs))
	for _, cn := range cs {
		out = append(out, creditNoteView(cn))
	}
	if err := a.Audit(ctx, c.Actor, "credit-notes.read", "invoice/"+inv.ID.String(), lineChildren(inv)...); err != nil {
		return err
	}
	return writeList(w, r, out, func(v CreditNoteView) string { return v.ID.String() })
}

// creditInvoice makes a credit note and logs it for every child of the
// invoice, in one transaction.
func (a *app) creditInvoice(ctx context.Context, actor domain.Actor, req billing.CreditRequest) (billing.CreditNote, error) {
	var cn billing.CreditNote
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if cn, err = a.Billing().CreditInvoice(ctx, actor, req); err != nil {
			return err
		}
		inv, err := a.Store.InvoiceByID(ctx, actor.Municipality, cn.Invoice)
		if err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "credit-note.create", "credit-note/"+cn.ID.String(), lineChildren(inv)...)
	})
	return cn, err
}

func (a *app) apiCreateCreditNote(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := invoiceID(r)
	if err != nil {
		return err
	}
	var q NewCreditNoteRequest
	if err := api.DecodeJSON(w, r, &q); err != nil {
		return err
	}
	req, err := q.request(id)
	if err != nil {
		return err
	}
	cn, err := a.creditInvoice(r.Context(), c.Actor, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, creditNoteView(cn))
	return nil
}

// invoicePDF writes the invoice as a PDF/A file in the request's
// language.
func (a *app) invoicePDF(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := invoiceID(r)
	if err != nil {
		return err
	}
	l, err := a.invoiceLetter(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	if a.pdf == nil {
		return &api.HTTPError{Status: http.StatusServiceUnavailable, Kind: "no-pdf", Detail: "the app renders no PDF"}
	}
	var buf bytes.Buffer
	if err := a.pdf.Render(&buf, billing.InvoiceDocument(l, docLang(c)), a.Clock.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="faktura-`+strconv.FormatInt(l.Invoice.Number, 10)+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
	return nil
}

// creditNotePDF writes a credit note of the invoice as a PDF/A file in
// the request's language, for whom may read the invoice.
func (a *app) creditNotePDF(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := invoiceID(r)
	if err != nil {
		return err
	}
	cid, err := domain.ParseID[billing.CreditNote](r.PathValue("creditNoteId"))
	if err != nil {
		return domain.ErrNotFound
	}
	l, err := a.invoiceLetter(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(l.Credits, func(cn billing.CreditNote) bool { return cn.ID == cid })
	if i < 0 {
		return domain.ErrNotFound
	}
	if a.pdf == nil {
		return &api.HTTPError{Status: http.StatusServiceUnavailable, Kind: "no-pdf", Detail: "the app renders no PDF"}
	}
	doc := billing.CreditNoteDocument(billing.CreditLetter{Note: l.Credits[i], Invoice: l.Invoice, Payer: l.Payer, Settings: l.Settings,
		Template: l.Template, Children: l.Children, Earlier: l.Credits[:i]}, docLang(c))
	var buf bytes.Buffer
	if err := a.pdf.Render(&buf, doc, a.Clock.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="kreditnota-`+billing.CreditNoteNumber(l.Credits[i].Number)+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
	return nil
}

// invoiceDocPage is the printable invoice.
type invoiceDocPage struct {
	Doc       domain.Document
	InvoiceID string
	Credited  string // the credit note just made, for the confirmation
	Credits   []CreditNoteView
	CanCredit bool
}

func (a *app) invoicePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := invoiceID(r)
	if err != nil {
		return err
	}
	l, err := a.invoiceLetter(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	content := invoiceDocPage{Doc: billing.InvoiceDocument(l, docLang(c)), InvoiceID: id.String(),
		CanCredit: c.Actor.Municipal(), Credited: r.URL.Query().Get("credited")}
	for _, cn := range l.Credits {
		content.Credits = append(content.Credits, creditNoteView(cn))
	}
	a.Page(w, r, c, http.StatusOK, "billing_invoice", "billing.invoice.title", content)
	return nil
}

// creditNoteForm is the credit-note form: the invoice's lines to pick
// from, how much remains, and the values sent when refused.
type creditNoteForm struct {
	InvoiceID string
	Number    int64
	Payer     string
	Month     string
	Total     string
	Remaining string
	Lines     []creditLineRow
	How       string // whole, lines or amount
	Amount    string
	Reason    string
	Errors    map[string]string
	Summary   []string
}

type creditLineRow struct {
	Index                         int
	Child, Service, Month, Amount string
	Checked                       bool
}

func (a *app) creditNotePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := invoiceID(r)
	if err != nil {
		return err
	}
	l, err := a.invoiceLetter(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	inv := l.Invoice
	f := creditNoteForm{InvoiceID: id.String(), Number: inv.Number, Payer: l.Payer.Name, Month: billingMonth(c.Lang, inv.Month),
		Total: billingMoney(c.Lang, inv.Total), Remaining: billingMoney(c.Lang, inv.Total.Sub(billing.Credited(l.Credits))),
		How: "whole", Errors: map[string]string{}}
	picked := map[int]bool{}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
			return err
		}
		f.How = r.PostFormValue("how")
		f.Amount = strings.TrimSpace(r.PostFormValue("amount"))
		f.Reason = r.PostFormValue("reason")
		q := NewCreditNoteRequest{Reason: f.Reason}
		switch f.How {
		case "lines":
			for _, s := range r.PostForm["line"] {
				if n, err := strconv.Atoi(s); err == nil {
					q.Lines = append(q.Lines, n)
					picked[n] = true
				}
			}
			if len(q.Lines) == 0 {
				q.Lines = []int{-1}
			}
		case "amount":
			q.Amount = f.Amount
			if q.Amount == "" {
				q.Amount = "0"
			}
		default:
			f.How, q.Whole = "whole", true
		}
		req, err := q.request(id)
		var cn billing.CreditNote
		if err == nil {
			cn, err = a.creditInvoice(r.Context(), c.Actor, req)
		}
		if err == nil {
			http.Redirect(w, r, "/invoices/"+id.String()+"?credited="+billing.CreditNoteNumber(cn.Number), http.StatusSeeOther)
			return nil
		}
		var ve *domain.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for _, fe := range ve.Fields {
			field := fe.Field
			if strings.HasPrefix(field, "lines") || field == "invoice" {
				field = "lines"
				if f.How != "lines" {
					field = "amount"
				}
			}
			msg := c.Lang.FieldReason(fe)
			f.Errors[field] = msg
			f.Summary = append(f.Summary, c.Lang.T("billing.credit."+field)+": "+msg)
		}
		status = http.StatusUnprocessableEntity
	}
	for i, ln := range inv.Lines {
		f.Lines = append(f.Lines, creditLineRow{Index: i, Child: l.Children[ln.Child], Service: c.Lang.T("kind."+string(ln.Kind)) + ", " + c.Lang.T("billing.item."+string(ln.Item)),
			Month: billingMonth(c.Lang, ln.Month), Amount: billingMoney(c.Lang, ln.Amount), Checked: picked[i]})
	}
	a.Page(w, r, c, status, "billing_credit", "billing.credit.title", f)
	return nil
}
