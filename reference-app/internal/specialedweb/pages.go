package specialedweb

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/specialed"
)

// worklistContent is what the worklist page shows.
type worklistContent struct {
	L      web.Locale
	Items  []ItemView
	Staff  bool // may record a concern
	Parent bool
}

func (a *app) worklistPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	items, err := a.worklist(r.Context(), c)
	if err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "specialed_worklist", "specialed.title", worklistContent{L: c.Lang, Items: items,
		Staff: c.Actor.Role == domain.RoleStaff && (len(c.Actor.Units) > 0 || len(c.Actor.Leads) > 0), Parent: c.Actor.Role == domain.RoleGuardian})
	return nil
}

// option is a choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// newContent is the concern form.
type newContent struct {
	L        web.Locale
	Children []option
	Concern  string
	Problems []string
	Invalid  map[string]bool
}

// placedChildren are the children placed today at the kindergartens and
// schools where the staff member works, as "<unit>/<child>" choices.
func (a *app) placedChildren(ctx context.Context, c *web.Call, chosen string) ([]option, error) {
	m := c.Actor.Municipality
	today := domain.Today(a.Clock)
	var out []option
	units := slices.Concat(c.Actor.Units, c.Actor.Leads)
	slices.SortFunc(units, func(x, y domain.UnitID) int { return x.Compare(y) })
	for _, uid := range slices.Compact(units) {
		u, err := a.Store.Unit(ctx, m, uid)
		if err != nil {
			if domain.IsNotFound(err) {
				continue
			}
			return nil, err
		}
		if u.Kind != domain.Kindergarten && u.Kind != domain.School {
			continue
		}
		ps, err := a.Store.UnitPlacements(ctx, m, uid, domain.Period{Start: today, End: today})
		if err != nil {
			return nil, err
		}
		// The unit's children in one read, not one per child.
		ids := make([]domain.ChildID, 0, len(ps))
		for _, p := range ps {
			ids = append(ids, p.ChildID)
		}
		children, err := a.Store.ChildrenByID(ctx, m, ids)
		if err != nil {
			return nil, err
		}
		var opts []option
		seen := map[domain.ChildID]bool{}
		for _, ch := range children {
			if seen[ch.ID] {
				continue
			}
			seen[ch.ID] = true
			v := uid.String() + "/" + ch.ID.String()
			opts = append(opts, option{Value: v, Label: ch.GivenName + " " + ch.FamilyName + " (" + u.Name + ")", Selected: v == chosen})
		}
		slices.SortFunc(opts, func(x, y option) int { return strings.Compare(x.Label, y.Label) })
		out = append(out, opts...)
	}
	return out, nil
}

func (a *app) newRender(w http.ResponseWriter, r *http.Request, c *web.Call, status int, chosen, concern string, problems []string, invalid map[string]bool) error {
	opts, err := a.placedChildren(r.Context(), c, chosen)
	if err != nil {
		return err
	}
	a.Page(w, r, c, status, "specialed_new", "specialed.new.title", newContent{L: c.Lang, Children: opts, Concern: concern, Problems: problems, Invalid: invalid})
	return nil
}

func (a *app) newPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.newRender(w, r, c, http.StatusOK, "", "", nil, nil)
}

func (a *app) newSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	chosen, concern := r.PostFormValue("child"), r.PostFormValue("concern")
	var req OpenRequest
	req.Concern = concern
	var err error
	if u, ch, ok := strings.Cut(chosen, "/"); ok {
		req.UnitID, err = domain.ParseID[domain.Unit](u)
		if err == nil {
			req.ChildID, err = domain.ParseID[domain.Child](ch)
		}
		if err != nil {
			err = domain.Invalid("child", ReasonNoSuchChoice)
		}
	}
	var cs specialed.Case
	if err == nil {
		cs, err = a.open(r.Context(), c, req)
	}
	if err != nil {
		if problems, invalid, ok := a.refusal(c, err); ok {
			return a.newRender(w, r, c, http.StatusUnprocessableEntity, chosen, concern, problems, invalid)
		}
		return err
	}
	http.Redirect(w, r, pageBase+"/cases/"+cs.ID.String(), http.StatusSeeOther)
	return nil
}

// problems writes a refusal in the user's language, each at its field;
// false when err is no refusal of the input.
func (a *app) problems(c *web.Call, err error) ([]string, bool) {
	out, _, ok := a.refusal(c, err)
	return out, ok
}

// inputOf is the form input a refused field is written in.
func inputOf(field string) string {
	f := strings.TrimPrefix(field, "provision.")
	switch {
	case f == "hours.teacher" || strings.Contains(f, "hours") && !strings.Contains(f, "assistant"):
		return "teacher"
	case strings.HasPrefix(f, "hours"):
		return "assistant"
	case f == "childId" || f == "unitId":
		return "child"
	case f == "name" || f == "mediaType" || f == "content" || f == "size":
		return "file"
	}
	return f
}

// refusal writes a refusal in the user's language, each problem at its
// field, and names the inputs refused; false when err is no refusal of
// the input.
func (a *app) refusal(c *web.Call, err error) ([]string, map[string]bool, bool) {
	invalid := map[string]bool{}
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		var out []string
		for _, f := range ve.Fields {
			invalid[inputOf(f.Field)] = true
			text := c.Lang.FieldReason(f)
			if f.Reason == specialed.ReasonDepartureNeedsReason {
				var pts []string
				for _, p := range strings.Split(f.Params["points"], ",") {
					pts = append(pts, c.Lang.T("specialed.point."+p))
				}
				text = c.Lang.Reason(f.Reason) + ": " + strings.Join(pts, ", ")
			}
			out = append(out, c.Lang.T("specialed.field."+fieldKey(f.Field))+": "+text)
		}
		return out, invalid, true
	}
	var ce *domain.ConflictError
	if errors.As(err, &ce) {
		return []string{c.Lang.ConflictReason(ce)}, invalid, true
	}
	return nil, nil, false
}

// fieldKey is the message key suffix of a refused field.
func fieldKey(f string) string {
	f = strings.TrimPrefix(f, "provision.")
	if strings.HasPrefix(f, "hours") {
		return "hours"
	}
	switch f {
	case "text", "ppt", "reason", "outcome", "kind", "from", "to", "organisation", "child", "childId", "unitId", "concern",
		"title", "body", "change", "version", "lang", "name", "mediaType", "content":
		return f
	}
	return "other"
}

// stepForm is the form of a step the caller may record now.
type stepForm struct {
	Step      specialed.StepID
	Name      string
	Text      bool // asks for a text
	PPTs      []option
	Provision bool // asks for outcome, kind, hours, organisation, period
	Kinds     []option
	Outcomes  []option
	Reason    bool // the decision: reasons for departures
	Values    map[string]string
	Problems  []string
	Invalid   map[string]bool
}

// docForm is the form of a document the caller may write.
type docForm struct {
	Kinds    []option
	Values   map[string]string
	Problems []string
	Invalid  map[string]bool
}

// caseContent is what the case page shows.
type caseContent struct {
	L         web.Locale
	V         CaseView
	Setting   string
	Step      string // the step waited for, by name
	Due       string // its deadline (empty: none)
	Done      []entryLine
	Decision  []fieldLine
	Docs      []docLine
	Forms     []stepForm
	Doc       *docForm
	Letter    bool
	Guardian  bool
	Saved     bool
	Recommend []fieldLine
	// Attachments are the case's files; Attach the upload form's
	// problems when it was refused.
	Attachments []attachmentLine
	Attach      docForm
}

type attachmentLine struct {
	Href, Name, Size, By, At string
}

type entryLine struct {
	Step, Day, By, Text, Reason string
}

type fieldLine struct{ Label, Value string }

type docLine struct {
	Kind, Title, Body, Change, By, At string
	Version                           int
}

func (a *app) casePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.caseRender(w, r, c, http.StatusOK, "", nil, nil, nil)
}

// caseRender shows the case; form names the form sent back with values
// and problems ("doc" for the document form).
func (a *app) caseRender(w http.ResponseWriter, r *http.Request, c *web.Call, status int, form string, values map[string]string, problems []string, invalid map[string]bool) error {
	ctx := r.Context()
	id, err := caseID(r)
	if err != nil {
		return err
	}
	s, err := a.service()
	if err != nil {
		return err
	}
	v, err := a.view(ctx, s, c.Actor, id)
	if err != nil {
		return err
	}
	lang := c.Lang.Code
	rules := specialed.MustRules()
	cs := v.Case
	content := caseContent{L: c.Lang, V: v, Setting: c.Lang.T("specialed.setting." + string(cs.Setting)),
		Letter: cs.Decision != nil, Guardian: slices.Contains(v.Roles, specialed.RoleGuardian), Saved: r.URL.Query().Get("saved") == "1"}
	if v.Waiting != "" {
		st, _ := rules.Step(cs.Setting, v.Waiting)
		content.Step = st.Name(lang)
		if v.Due != date.Zero {
			content.Due = c.Lang.Date(v.Due)
		}
	}
	for _, e := range v.History {
		st, _ := rules.Step(cs.Setting, e.Step)
		by := e.By.Name
		if by == "" {
			by = c.Lang.T("specialed.by." + string(e.By.Role))
		}
		content.Done = append(content.Done, entryLine{Step: st.Name(lang), Day: c.Lang.Date(e.Day), By: by, Text: e.Text, Reason: e.Reason})
	}
	if p := cs.Recommendation; p != nil {
		content.Recommend = provisionLines(c.Lang, *p)
	}
	if p := cs.Decision; p != nil {
		content.Decision = provisionLines(c.Lang, *p)
	}
	for _, d := range v.Documents {
		content.Docs = append(content.Docs, docLine{Kind: c.Lang.T("specialed.doc." + string(d.Kind)), Title: d.Title, Body: d.Body,
			Change: d.Change, By: nameOr(d.By.Name, c.Lang.T("specialed.by."+string(d.By.Role))), At: c.Lang.DateTime(d.At), Version: d.Version})
	}
	ats, err := s.Attachments(ctx, c.Actor, id)
	if err != nil {
		return err
	}
	for _, at := range ats {
		content.Attachments = append(content.Attachments, attachmentLine{Href: pageBase + "/cases/" + id.String() + "/attachments/" + at.ID.String(),
			Name: at.Name, Size: c.Lang.T("specialed.attachment.size", sizeKB(at.Size)), By: nameOr(at.By.Name, c.Lang.T("specialed.by."+string(at.By.Role))), At: c.Lang.DateTime(at.At)})
	}
	if form == "attachment" {
		content.Attach = docForm{Problems: problems, Invalid: invalid}
	}
	// The forms of the steps the caller may record now.
	may := func(step specialed.StepID) bool {
		for _, ro := range v.Roles {
			if rules.Allowed(cs.Setting, ro, step) {
				return true
			}
		}
		return false
	}
	if cs.Open() {
		for _, step := range []specialed.StepID{specialed.StepConsent, specialed.StepWithdrawal, specialed.StepReferral, specialed.StepAssessment,
			specialed.StepDecision, specialed.StepPlan, specialed.StepReport, specialed.StepEnd} {
			if !may(step) || !rules.CanFollow(cs.Setting, cs.Last, step) {
				continue
			}
			st, _ := rules.Step(cs.Setting, step)
			f := stepForm{Step: step, Name: st.Name(lang), Values: map[string]string{},
				Text:      step != specialed.StepConsent && step != specialed.StepWithdrawal,
				Provision: step == specialed.StepAssessment || step == specialed.StepDecision, Reason: step == specialed.StepDecision}
			if string(step) == form {
				f.Values, f.Problems, f.Invalid = values, problems, invalid
			} else if f.Provision && cs.Recommendation != nil {
				// The decision form starts from PPT's recommendation.
				f.Values = provisionValues(*cs.Recommendation)
			}
			if step == specialed.StepReferral {
				ppts, err := s.PPTs(ctx, c.Actor)
				if err != nil && !errors.Is(err, domain.ErrForbidden) {
					return err
				}
				for _, p := range ppts {
					f.PPTs = append(f.PPTs, option{Value: p.ID.String(), Label: p.Name, Selected: f.Values["ppt"] == p.ID.String()})
				}
			}
			if f.Provision {
				for _, o := range []specialed.Outcome{specialed.Granted, specialed.Refused} {
					f.Outcomes = append(f.Outcomes, option{Value: string(o), Label: c.Lang.T("specialed.outcome." + string(o)), Selected: f.Values["outcome"] == string(o)})
				}
				fl, _ := rules.Flow(cs.Setting)
				for _, k := range fl.DecisionKinds {
					f.Kinds = append(f.Kinds, option{Value: string(k), Label: c.Lang.T("specialed.kind." + string(k)), Selected: f.Values["kind"] == string(k)})
				}
			}
			content.Forms = append(content.Forms, f)
		}
		var kinds []option
		for _, k := range []specialed.DocumentKind{specialed.DocAssessment, specialed.DocDecision, specialed.DocPlan, specialed.DocReport} {
			if may(specialed.StepID(k)) {
				kinds = append(kinds, option{Value: string(k), Label: c.Lang.T("specialed.doc." + string(k)), Selected: form == "doc" && values["kind"] == string(k)})
			}
		}
		if len(kinds) > 0 {
			content.Doc = &docForm{Kinds: kinds, Values: map[string]string{}}
			if form == "doc" {
				content.Doc.Values, content.Doc.Problems, content.Doc.Invalid = values, problems, invalid
			}
		}
	}
	a.Page(w, r, c, status, "specialed_case", "specialed.case.title", content)
	return nil
}

// sizeKB is a file's size in whole kilobytes, at least 1.
func sizeKB(n int) int {
	return max(1, (n+1023)/1024)
}

func nameOr(name, other string) string {
	if name != "" {
		return name
	}
	return other
}

// provisionLines writes what is recommended or decided in the language.
func provisionLines(l web.Locale, p specialed.Provision) []fieldLine {
	out := []fieldLine{{l.T("specialed.field.outcome"), l.T("specialed.outcome." + string(p.Outcome))}}
	if p.Kind != "" {
		out = append(out, fieldLine{l.T("specialed.field.kind"), l.T("specialed.kind." + string(p.Kind))})
	}
	for _, by := range []specialed.Provider{specialed.Teacher, specialed.Assistant} {
		if h := p.HoursOf(by); h.IsPositive() {
			out = append(out, fieldLine{l.T("specialed.field.hours." + string(by)), l.T("specialed.hours", h.String())})
		}
	}
	if p.Organisation != "" {
		out = append(out, fieldLine{l.T("specialed.field.organisation"), p.Organisation})
	}
	if p.From != date.Zero {
		out = append(out, fieldLine{l.T("specialed.field.from"), l.Date(p.From)})
	}
	if p.To != date.Zero {
		out = append(out, fieldLine{l.T("specialed.field.to"), l.Date(p.To)})
	}
	return out
}

// provisionValues are the form's values of a provision.
func provisionValues(p specialed.Provision) map[string]string {
	v := map[string]string{"outcome": string(p.Outcome), "kind": string(p.Kind), "organisation": p.Organisation}
	if h := p.HoursOf(specialed.Teacher); h.IsPositive() {
		v["teacher"] = h.String()
	}
	if h := p.HoursOf(specialed.Assistant); h.IsPositive() {
		v["assistant"] = h.String()
	}
	if p.From != date.Zero {
		v["from"] = p.From.String()
	}
	if p.To != date.Zero {
		v["to"] = p.To.String()
	}
	return v
}

// stepFromForm reads a step's form; the problems are the form's own
// (numbers and dates that do not parse).
func stepFromForm(r *http.Request) (StepRequest, map[string]string, error) {
	values := map[string]string{}
	for _, k := range []string{"step", "text", "ppt", "outcome", "kind", "teacher", "assistant", "organisation", "from", "to", "reason"} {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	req := StepRequest{Step: specialed.StepID(values["step"]), Text: values["text"], Reason: values["reason"]}
	var p domain.Problems
	if values["ppt"] != "" {
		id, err := domain.ParseID[specialed.PPT](values["ppt"])
		if err != nil {
			p.Add("ppt", ReasonNoSuchChoice)
		}
		req.PPT = id
	}
	if req.Step == specialed.StepAssessment || req.Step == specialed.StepDecision {
		pr := specialed.Provision{Outcome: specialed.Outcome(values["outcome"]), Kind: specialed.DecisionKind(values["kind"]), Organisation: values["organisation"]}
		for _, h := range []struct {
			field string
			by    specialed.Provider
		}{{"teacher", specialed.Teacher}, {"assistant", specialed.Assistant}} {
			if values[h.field] == "" {
				continue
			}
			d, err := decimal.NewFromString(strings.ReplaceAll(values[h.field], ",", "."))
			if err != nil {
				p.Add("provision.hours."+h.field, ReasonNotANumber)
				continue
			}
			if !d.IsZero() {
				pr.Hours = append(pr.Hours, specialed.Hours{Provider: h.by, PerWeek: d})
			}
		}
		for _, f := range []struct {
			field string
			to    *date.Date
		}{{"from", &pr.From}, {"to", &pr.To}} {
			if values[f.field] == "" {
				continue
			}
			d, err := date.ParseISO(values[f.field])
			if err != nil {
				p.Add("provision."+f.field, ReasonNotADate)
				continue
			}
			*f.to = d
		}
		req.Provision = &pr
	}
	return req, values, p.Err()
}

func (a *app) stepSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	req, values, err := stepFromForm(r)
	if err == nil {
		_, err = a.record(r.Context(), c, id, req)
	}
	if err != nil {
		if problems, invalid, ok := a.refusal(c, err); ok {
			return a.caseRender(w, r, c, http.StatusUnprocessableEntity, values["step"], values, problems, invalid)
		}
		return err
	}
	http.Redirect(w, r, pageBase+"/cases/"+id.String()+"?saved=1", http.StatusSeeOther)
	return nil
}

func (a *app) documentSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, k := range []string{"kind", "title", "body", "change"} {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	s, err := a.service()
	if err != nil {
		return err
	}
	_, err = s.SaveDocument(r.Context(), c.Actor, specialed.Document{Case: id, Kind: specialed.DocumentKind(values["kind"]),
		Title: values["title"], Body: values["body"], Change: values["change"]})
	if err != nil {
		if problems, invalid, ok := a.refusal(c, err); ok {
			return a.caseRender(w, r, c, http.StatusUnprocessableEntity, "doc", values, problems, invalid)
		}
		return err
	}
	http.Redirect(w, r, pageBase+"/cases/"+id.String()+"?saved=1", http.StatusSeeOther)
	return nil
}

// letterContent is the printable decision letter.
type letterContent struct {
	L     web.Locale
	Child string
	Doc   domain.Document
	PDF   string
	Back  string
}

func (a *app) letterPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	doc, v, err := a.letter(r.Context(), r, c)
	if err != nil {
		return err
	}
	base := pageBase + "/cases/" + v.Case.ID.String()
	pdf := ""
	if a.pdf != nil {
		pdf = r.URL.Path + ".pdf?" + r.URL.RawQuery
	}
	a.Page(w, r, c, http.StatusOK, "specialed_letter", "specialed.letter.title", letterContent{L: c.Lang, Child: v.ChildName, Doc: doc, PDF: pdf, Back: base})
	return nil
}
