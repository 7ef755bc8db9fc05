package billingweb

import (
	"bytes"
	"net/http"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// letterPDFRoutes are the decision letters as PDF files, for the same
// readers as their pages.
func (a *app) letterPDFRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/children/{childId}/fee-decisions/{feeDecisionId}/letter.pdf", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.feeLetterPDF},
		{Method: "GET", Path: "/income-decisions/{incomeDecisionId}/letter.pdf", Kind: web.KindPage, Policy: policyIncomeLetter, Handle: a.incomeLetterPDF},
	}
}

func (a *app) writePDF(w http.ResponseWriter, doc domain.Document, name string) error {
	if a.pdf == nil {
		return domain.ErrNotFound // the app runs without a PDF renderer
	}
	var buf bytes.Buffer
	if err := a.pdf.Render(&buf, doc, a.Clock.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`-`+doc.Lang+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

func (a *app) feeLetterPDF(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	l, err := letterLang(r, c)
	if err != nil {
		return err
	}
	doc, err := a.feeLetter(r, c, l)
	if err != nil {
		return err
	}
	return a.writePDF(w, doc, "vedtak-foreldrebetaling")
}

func (a *app) incomeLetterPDF(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	l, err := letterLang(r, c)
	if err != nil {
		return err
	}
	doc, err := a.incomeLetter(r, c, l)
	if err != nil {
		return err
	}
	return a.writePDF(w, doc, "vedtak-redusert-foreldrebetaling")
}
