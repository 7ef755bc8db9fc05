package directoryweb

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The municipality's letter template (domain.LetterTemplate): the
// letterhead, contact, appeal body and the opening and closing paragraphs
// of its letters, kept with the rest of the municipality's setup (units
// and groups) in the directory. The legal parts of a decision letter are
// the deciding capability's and cannot be set here. Caseworkers who
// handle admission (which writes decision letters) and administrators
// read and change it; every read and change is audit-logged.

// letterTemplateRoutes are the template's API and page routes.
func (a *app) letterTemplateRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/letter-template", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Tag: "admission", Summary: "The municipality's letter template: letterhead, address, organisation number, contact, appeal body, opening and closing paragraphs by language (caseworker handling admission, administrator); empty fields when none is saved", Response: LetterTemplateView{}, Handle: a.apiLetterTemplate},
		{Method: "PUT", Path: "/api/v1/letter-template", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Tag: "admission", Summary: "Replace the municipality's letter template (caseworker handling admission, administrator); every refused field with its reason", Body: LetterTemplateView{}, Response: LetterTemplateView{}, Handle: a.apiPutLetterTemplate},
		{Method: "GET", Path: "/admin/letter-template", Kind: web.KindPage, Policy: web.PolicyCaseworker, Tag: "admission", Handle: a.letterTemplatePage},
		{Method: "POST", Path: "/admin/letter-template", Kind: web.KindPage, Policy: web.PolicyCaseworker, Tag: "admission", Handle: a.letterTemplatePage},
	}
}

// LetterTemplateView is the letter template in the API (and its request
// body): domain.LetterTemplate without the municipality, which is the
// actor's.
type LetterTemplateView struct {
	SenderName  string            `json:"senderName"`
	SenderLines []string          `json:"senderLines"`
	OrgNumber   string            `json:"orgNumber"`
	Contact     string            `json:"contact"`
	AppealBody  string            `json:"appealBody"`
	Opening     map[string]string `json:"opening"`
	Closing     map[string]string `json:"closing"`
}

func letterTemplateView(t domain.LetterTemplate) LetterTemplateView {
	v := LetterTemplateView{SenderName: t.SenderName, SenderLines: t.SenderLines, OrgNumber: t.OrgNumber, Contact: t.Contact,
		AppealBody: t.AppealBody, Opening: t.Opening, Closing: t.Closing}
	if v.SenderLines == nil {
		v.SenderLines = []string{}
	}
	if v.Opening == nil {
		v.Opening = map[string]string{}
	}
	if v.Closing == nil {
		v.Closing = map[string]string{}
	}
	return v
}

// template makes the record: blank paragraphs are left out.
func (v LetterTemplateView) template(m domain.Municipality) domain.LetterTemplate {
	t := domain.LetterTemplate{Municipality: m, SenderName: strings.TrimSpace(v.SenderName), OrgNumber: strings.TrimSpace(v.OrgNumber),
		Contact: strings.TrimSpace(v.Contact), AppealBody: strings.TrimSpace(v.AppealBody)}
	for _, l := range v.SenderLines {
		if l = strings.TrimSpace(l); l != "" {
			t.SenderLines = append(t.SenderLines, l)
		}
	}
	paragraphs := func(in map[string]string) map[string]string {
		var out map[string]string
		for lang, s := range in {
			if s = strings.TrimSpace(s); s != "" {
				if out == nil {
					out = map[string]string{}
				}
				out[lang] = s
			}
		}
		return out
	}
	t.Opening, t.Closing = paragraphs(v.Opening), paragraphs(v.Closing)
	return t
}

// putLetterTemplate validates and stores the template and logs the
// change, in one transaction.
func (a *app) putLetterTemplate(ctx context.Context, actor domain.Actor, v LetterTemplateView) (domain.LetterTemplate, error) {
	t := v.template(actor.Municipality)
	if err := t.Validate(); err != nil {
		return t, err
	}
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.PutLetterTemplate(ctx, t); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "letter-template.update", "letter-template/"+string(actor.Municipality))
	})
	return t, err
}

func (a *app) readLetterTemplate(ctx context.Context, actor domain.Actor) (domain.LetterTemplate, error) {
	t, err := a.Store.LetterTemplate(ctx, actor.Municipality)
	if err != nil {
		return t, err
	}
	return t, a.Audit(ctx, actor, "letter-template.read", "letter-template/"+string(actor.Municipality))
}

func (a *app) apiLetterTemplate(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	t, err := a.readLetterTemplate(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, letterTemplateView(t))
	return nil
}

func (a *app) apiPutLetterTemplate(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var v LetterTemplateView
	if err := api.DecodeJSON(w, r, &v); err != nil {
		return err
	}
	t, err := a.putLetterTemplate(r.Context(), c.Actor, v)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, letterTemplateView(t))
	return nil
}

// letterTemplateContent is the template's form.
type letterTemplateContent struct {
	Form        LetterTemplateView
	SenderLines string            // the address lines, one a line, as typed
	Errors      map[string]string // by field: the reason in the page's language
	Summary     []summaryItem
	Saved       bool
	Langs       []letterLang
}

// letterLang is one language's pair of paragraphs on the form.
type letterLang struct {
	Code, Label, Opening, Closing string
}

// letterTemplateFields are the form's fields in order, for the summary.
var letterTemplateFields = []string{"senderName", "senderLines", "orgNumber", "contact", "appealBody",
	"opening.nb", "closing.nb", "opening.nn", "closing.nn", "opening.en", "closing.en"}

func (a *app) letterTemplatePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	content := letterTemplateContent{Errors: map[string]string{}}
	fill := func(v LetterTemplateView) {
		content.Form = v
		content.SenderLines = strings.Join(v.SenderLines, "\n")
		content.Langs = nil
		for _, code := range []string{"nb", "nn", "en"} {
			content.Langs = append(content.Langs, letterLang{Code: code, Label: c.Lang.T("dir.letter.lang." + code),
				Opening: v.Opening[code], Closing: v.Closing[code]})
		}
	}
	if r.Method == http.MethodGet {
		t, err := a.readLetterTemplate(ctx, c.Actor)
		if err != nil {
			return err
		}
		fill(letterTemplateView(t))
		content.Saved = r.URL.Query().Get("saved") == "1"
		a.Page(w, r, c, http.StatusOK, "letter_template", "dir.letter.title", content)
		return nil
	}
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	v := LetterTemplateView{SenderName: r.PostFormValue("senderName"), OrgNumber: r.PostFormValue("orgNumber"),
		Contact: r.PostFormValue("contact"), AppealBody: r.PostFormValue("appealBody"),
		Opening: map[string]string{}, Closing: map[string]string{}}
	v.SenderLines = strings.Split(strings.ReplaceAll(r.PostFormValue("senderLines"), "\r\n", "\n"), "\n")
	for _, code := range []string{"nb", "nn", "en"} {
		v.Opening[code], v.Closing[code] = r.PostFormValue("opening."+code), r.PostFormValue("closing."+code)
	}
	fill(v)
	content.SenderLines = r.PostFormValue("senderLines")
	_, err := a.putLetterTemplate(ctx, c.Actor, v)
	if err == nil {
		http.Redirect(w, r, "/admin/letter-template?saved=1", http.StatusSeeOther)
		return nil
	}
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, f := range ve.Fields {
		name := f.Field
		if strings.HasPrefix(name, "senderLines[") {
			name = "senderLines"
		}
		if _, seen := content.Errors[name]; !seen {
			content.Errors[name] = c.Lang.FieldReason(f)
		}
	}
	for _, name := range letterTemplateFields {
		if why, ok := content.Errors[name]; ok {
			content.Summary = append(content.Summary, summaryItem{ID: fieldID(name), Label: c.Lang.T("dir.letter.f." + name), Error: why})
		}
	}
	for name, why := range content.Errors {
		if !c.Lang.Has("dir.letter.f." + name) {
			content.Summary = append(content.Summary, summaryItem{Label: name, Error: why})
		}
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "letter_template", "dir.letter.title", content)
	return nil
}
