package admissionweb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Catchment schools (skolekretser) and school start: the municipality's
// catchment table loaded from its CSV file, the school starters of a
// school intake registered with their catchment school, and a guardian's
// request for another school with the caseworker's decision. The rules
// are the library's (admission.ParseCatchmentCSV, Catchment.Lookup,
// Service.RegisterSchoolStarters, AskOtherSchool, DecideSchoolRequest);
// every write is one transaction with its audit entry (and the archive
// copy of the decisions it makes: a school start per child given a
// school, a school change per request decided), every read of
// children's data is audit-logged, and a protected address is never shown
// (domain.ShownAddress).

// catchmentLimit is the largest catchment file accepted (with the form
// around it).
const catchmentLimit = admission.MaxCatchmentFile + 64<<10

var catchmentBodyTypes = map[string]any{
	"text/csv": map[string]any{"type": "string", "description": "the catchment file: UTF-8 (a BOM allowed), semicolons, header gatenavn;fra_nr;til_nr;side;skole (see package admission, ParseCatchmentCSV)"},
}

// catchmentRoutes are the routes of catchment schools and school start.
func (a *app) catchmentRoutes() []web.Route {
	child := "/api/v1/children/{childId}"
	return []web.Route{
		{Method: "GET", Path: "/api/v1/catchment", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The municipality's catchment table (skolekretser): streets, house-number ranges and sides, each with its school (caseworker)", Response: admission.Catchment{}, Handle: a.apiCatchment},
		{Method: "PUT", Path: "/api/v1/catchment", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Replace the catchment table with a CSV file, all or nothing; every bad line is a 422 field lines[N].column with a reason code (caseworker)", BodyTypes: catchmentBodyTypes, Response: admission.Catchment{}, Handle: a.apiReplaceCatchment},
		{Method: "GET", Path: "/api/v1/intakes/{intakeId}/school-starters", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The school starters registered in a school intake with their catchment school, or the reason none was found; a protected address is left out (caseworker). Paged by the child's ID", Response: schoolStarterView{}, List: true, Search: "the child's name", Handle: a.apiSchoolStarters},
		{Method: "POST", Path: "/api/v1/school-starters", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Register every resident child who starts school in August of the intake's year with its catchment school; again adds only new children (caseworker)", Body: registerRequest{}, Response: schoolStartView{}, Handle: a.apiRegisterSchoolStarters},
		{Method: "GET", Path: "/api/v1/intakes/{intakeId}/school-requests", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Guardians' requests for another school in a school intake, with their decisions (caseworker)", Response: []admission.SchoolRequest{}, Handle: a.apiSchoolRequests},
		{Method: "POST", Path: "/api/v1/school-request-decisions", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Decide a request for another school: granted moves the child to it, refused needs a reason; a decided request is 409 (caseworker)", Body: decideRequest{}, Response: admission.SchoolRequest{}, Handle: a.apiDecideSchoolRequest},
		{Method: "GET", Path: child + "/school-start", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "The child's school start: its registrations with the catchment school and its requests for another school", Response: admission.ChildSchoolStart{}, Handle: a.apiChildSchoolStart},
		{Method: "POST", Path: child + "/school-requests", Kind: web.KindAPI, Policy: web.PolicyChildParent, Summary: "Ask for another school than the catchment school, with the reasons (guardian with parental responsibility)", Body: askRequest{}, Response: admission.SchoolRequest{}, Status: http.StatusCreated, Handle: a.apiAskOtherSchool},
		{Method: "GET", Path: "/admission/catchment", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.catchmentPage},
		{Method: "POST", Path: "/admission/catchment", Kind: web.KindPage, Policy: web.PolicyCaseworker, FormLimit: catchmentLimit, Handle: a.catchmentSubmit},
		{Method: "GET", Path: "/admission/intakes/{intakeId}/school-starters", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.schoolStartersPage},
		{Method: "POST", Path: "/admission/intakes/{intakeId}/school-starters", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.registerSubmit},
		{Method: "POST", Path: "/admission/school-requests/{requestId}/decision", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.decideSubmit},
		{Method: "GET", Path: "/children/{childId}/school-start", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.schoolStartPage},
		{Method: "POST", Path: "/children/{childId}/school-requests", Kind: web.KindPage, Policy: web.PolicyChildParent, Handle: a.askSubmit},
	}
}

// registerRequest registers the school starters of an intake.
type registerRequest struct {
	IntakeID admission.IntakeID `json:"intakeId"`
}

// decideRequest decides a request for another school.
type decideRequest struct {
	RequestID admission.SchoolRequestID `json:"requestId"`
	Granted   bool                      `json:"granted"`
	// Reason is required when the request is refused.
	Reason string `json:"reason,omitempty"`
}

// askRequest is a guardian's request for another school.
type askRequest struct {
	IntakeID admission.IntakeID `json:"intakeId"`
	// UnitID is the school asked for.
	UnitID domain.UnitID `json:"unitId"`
	// Reason is why (required, up to 2,000 characters).
	Reason string `json:"reason"`
}

// schoolStarterView is a registration as the caseworker reads it: the
// child's name, its address only when it is not protected, the schools.
type schoolStarterView struct {
	admission.SchoolStarter
	ChildName string `json:"childName"`
	// Address is the child's address as far as it may be shown (none for
	// a protected address).
	Address       domain.Address `json:"address,omitzero"`
	Protected     bool           `json:"protected,omitempty"`
	UnitName      string         `json:"unitName,omitempty"`
	CatchmentName string         `json:"catchmentName,omitempty"`
}

// schoolStartView is the answer of a registration: those added now and
// everyone registered, with those without a catchment school.
type schoolStartView struct {
	Added     int                 `json:"added"`
	Starters  []schoolStarterView `json:"starters"`
	Unmatched int                 `json:"unmatched"`
}

// starterViews names the registrations (children, units) and shows the
// addresses that may be shown; it returns the children read.
func (a *app) starterViews(ctx context.Context, m domain.Municipality, sts []admission.SchoolStarter) ([]schoolStarterView, []domain.ChildID, error) {
	n, err := a.names(ctx, m, false)
	if err != nil {
		return nil, nil, err
	}
	// The children are read in one statement, not one each (issue 24).
	ids := make([]domain.ChildID, 0, len(sts))
	for _, st := range sts {
		ids = append(ids, st.Child)
	}
	children := map[domain.ChildID]domain.Child{}
	if len(ids) > 0 {
		cs, err := a.Store.ChildrenByID(ctx, m, ids)
		if err != nil {
			return nil, nil, err
		}
		for _, ch := range cs {
			children[ch.ID] = ch
		}
	}
	out := make([]schoolStarterView, 0, len(sts))
	for _, st := range sts {
		ch, ok := children[st.Child]
		if !ok {
			return nil, nil, domain.ErrNotFound
		}
		out = append(out, schoolStarterView{SchoolStarter: st, ChildName: ch.GivenName + " " + ch.FamilyName,
			Address: ch.ShownAddress(), Protected: ch.AddressProtection.Protected(),
			UnitName: n.units[st.Unit], CatchmentName: n.units[st.Catchment]})
	}
	slices.SortStableFunc(out, func(x, y schoolStarterView) int { return strings.Compare(x.ChildName, y.ChildName) })
	return out, ids, nil
}

// Writes, each one transaction with its audit entry.

func (a *app) loadCatchment(ctx context.Context, c *web.Call, file []byte) (admission.Catchment, error) {
	var out admission.Catchment
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if out, err = a.Admission().LoadCatchmentCSV(ctx, c.Actor, bytes.NewReader(file)); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.catchment.replace", fmt.Sprintf("catchment/%d-rows", len(out.Rows)))
	})
	return out, err
}

func (a *app) registerStarters(ctx context.Context, c *web.Call, intake admission.IntakeID) (admission.SchoolStartResult, error) {
	var res admission.SchoolStartResult
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if res, err = a.Admission().RegisterSchoolStarters(ctx, c.Actor, intake); err != nil {
			return err
		}
		var ids []domain.ChildID
		for _, st := range res.Added {
			ids = append(ids, st.Child)
		}
		if err := a.archiveSchoolStarts(ctx, c, res.Added); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.school-starters.register", "intake/"+intake.String(), ids...)
	})
	return res, err
}

func (a *app) askOtherSchool(ctx context.Context, c *web.Call, req askRequest) (admission.SchoolRequest, error) {
	var out admission.SchoolRequest
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		out, err = a.Admission().AskOtherSchool(ctx, c.Actor, admission.SchoolRequest{Intake: req.IntakeID, Child: c.ChildID, Unit: req.UnitID, Reason: req.Reason})
		if err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.school-request.ask", "school-request/"+out.ID.String(), c.ChildID)
	})
	return out, err
}

func (a *app) decideRequest(ctx context.Context, c *web.Call, req decideRequest) (admission.SchoolRequest, error) {
	var out admission.SchoolRequest
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if out, err = a.Admission().DecideSchoolRequest(ctx, c.Actor, req.RequestID, req.Granted, req.Reason); err != nil {
			return err
		}
		if err := a.archiveSchoolChange(ctx, c, out); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.school-request."+out.Decision, "school-request/"+out.ID.String(), out.Child)
	})
	return out, err
}

// API.

func (a *app) apiCatchment(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ct, err := a.Admission().Catchment(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, ct)
	return nil
}

func (a *app) apiReplaceCatchment(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "text/csv" {
			return &api.HTTPError{Status: http.StatusUnsupportedMediaType, Kind: "media-type", Detail: "send the catchment file as text/csv"}
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, admission.MaxCatchmentFile+1)
	file, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return domain.Invalid("file", admission.ReasonCSVTooLarge)
	}
	if err != nil {
		return api.BadRequest("unreadable", "the body cannot be read")
	}
	out, err := a.loadCatchment(r.Context(), c, file)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiSchoolStarters pages an intake's school starters by child ID: the
// children of the page only are read (with a search, every starter's, in
// one read) and logged.
func (a *app) apiSchoolStarters(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	pr, err := api.ReadPage(r)
	if err != nil {
		return err
	}
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	sts, err := a.Admission().SchoolStarters(ctx, c.Actor, in.ID)
	if err != nil {
		return err
	}
	key := func(id domain.ChildID) string { return id.String() }
	slices.SortFunc(sts, func(x, y admission.SchoolStarter) int { return strings.Compare(key(x.Child), key(y.Child)) })
	after := func(n int, k func(int) string) (int, int) {
		start := 0
		if pr.Cursor != "" {
			start = sort.Search(n, func(i int) bool { return k(i) > pr.Cursor })
		}
		return start, min(n, start+pr.Limit+1)
	}
	var vs []schoolStarterView
	if pr.Q == "" {
		start, end := after(len(sts), func(i int) string { return key(sts[i].Child) })
		if vs, _, err = a.starterViews(ctx, c.Actor.Municipality, sts[start:end]); err != nil {
			return err
		}
	} else {
		if vs, _, err = a.starterViews(ctx, c.Actor.Municipality, sts); err != nil {
			return err
		}
		vs = slices.DeleteFunc(vs, func(v schoolStarterView) bool { return !api.Matches(pr.Q, v.ChildName) })
	}
	slices.SortFunc(vs, func(x, y schoolStarterView) int { return strings.Compare(key(x.Child), key(y.Child)) })
	if pr.Q != "" {
		start, end := after(len(vs), func(i int) string { return key(vs[i].Child) })
		vs = vs[start:end]
	}
	pg := api.Keyset(vs, func(v schoolStarterView) string { return key(v.Child) }, pr)
	ids := make([]domain.ChildID, 0, len(pg.Items))
	for _, v := range pg.Items {
		ids = append(ids, v.Child)
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.school-starters.read", "intake/"+in.ID.String(), ids...); err != nil {
			return err
		}
	}
	api.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (a *app) apiRegisterSchoolStarters(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req registerRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := a.Store.Intake(ctx, c.Actor.Municipality, req.IntakeID); domain.IsNotFound(err) {
		return domain.Invalid("intakeId", "no-such-intake")
	} else if err != nil {
		return err
	}
	res, err := a.registerStarters(ctx, c, req.IntakeID)
	if err != nil {
		return err
	}
	vs, _, err := a.starterViews(ctx, c.Actor.Municipality, res.All)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, schoolStartView{Added: len(res.Added), Starters: vs, Unmatched: len(res.Unmatched)})
	return nil
}

func (a *app) apiSchoolRequests(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	rs, err := a.Admission().SchoolRequests(ctx, c.Actor, in.ID)
	if err != nil {
		return err
	}
	if err := a.auditRequests(ctx, c, in.ID, rs); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, rs)
	return nil
}

func (a *app) auditRequests(ctx context.Context, c *web.Call, intake admission.IntakeID, rs []admission.SchoolRequest) error {
	var ids []domain.ChildID
	for _, x := range rs {
		ids = append(ids, x.Child)
	}
	if len(ids) == 0 {
		return nil
	}
	return a.Audit(ctx, c.Actor, "admission.school-requests.read", "intake/"+intake.String(), ids...)
}

func (a *app) apiDecideSchoolRequest(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req decideRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	out, err := a.decideRequest(r.Context(), c, req)
	if domain.IsNotFound(err) {
		return domain.Invalid("requestId", "no-such-request")
	}
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *app) apiChildSchoolStart(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	v, err := a.Admission().ChildSchoolStart(ctx, c.Actor, c.ChildID)
	if err != nil {
		return err
	}
	if err := a.Audit(ctx, c.Actor, "admission.school-start.read", "", c.ChildID); err != nil {
		return err
	}
	if v.Starters == nil {
		v.Starters = []admission.SchoolStarter{}
	}
	if v.Requests == nil {
		v.Requests = []admission.SchoolRequest{}
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiAskOtherSchool(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req askRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	out, err := a.askOtherSchool(r.Context(), c, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// Pages.

type catchmentContent struct {
	Rows              []catchmentRowView
	Changed, By       string
	Errors            []fieldMsg
	Columns           string
	HasTable, Refused bool
}

type catchmentRowView struct {
	Street, From, To, Side, School string
}

func (a *app) catchmentPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderCatchment(w, r, c, http.StatusOK, nil)
}

func (a *app) renderCatchment(w http.ResponseWriter, r *http.Request, c *web.Call, status int, problems []fieldMsg) error {
	ctx := r.Context()
	ct, err := a.Admission().Catchment(ctx, c.Actor)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, c.Actor.Municipality, false)
	if err != nil {
		return err
	}
	content := catchmentContent{Errors: problems, Refused: len(problems) > 0, HasTable: len(ct.Rows) > 0,
		Columns: strings.Join(admission.CatchmentColumns, ";"), By: ct.ChangedBy}
	if !ct.Changed.IsZero() {
		content.Changed = c.Lang.DateTime(ct.Changed)
	}
	for _, row := range ct.Rows {
		content.Rows = append(content.Rows, catchmentRowView{Street: row.Street, From: itoa(row.From), To: itoa(row.To),
			Side: c.Lang.T("admission.catchment.side." + string(row.Side)), School: n.units[row.Unit]})
	}
	a.Page(w, r, c, status, "admission_catchment", "admission.catchment.title", content)
	return nil
}

func (a *app) catchmentSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var file []byte
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return api.BadRequest("unreadable", "the file cannot be read")
			}
			file, err = io.ReadAll(io.LimitReader(f, admission.MaxCatchmentFile+1))
			f.Close()
			if err != nil {
				return api.BadRequest("unreadable", "the file cannot be read")
			}
		}
	}
	_, err := a.loadCatchment(r.Context(), c, file)
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		var problems []fieldMsg
		for _, f := range ve.Fields {
			problems = append(problems, fieldMsg{ID: "file", Label: lineLabel(c.Lang, f.Field), Message: reasonText(c.Lang, f.Reason, f.Params)})
		}
		return a.renderCatchment(w, r, c, http.StatusUnprocessableEntity, problems)
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/admission/catchment", nil)
	return nil
}

// lineLabel names a problem's place in the file: "Line 4, fra_nr", or
// the file as a whole.
func lineLabel(l web.Locale, field string) string {
	var line int
	rest := ""
	if _, err := fmt.Sscanf(field, "lines[%d]", &line); err != nil {
		return l.T("admission.catchment.file")
	}
	if _, col, ok := strings.Cut(field, "]."); ok {
		rest = col
	}
	if rest == "" {
		return l.T("admission.catchment.line", line)
	}
	return l.T("admission.catchment.lineField", line, rest)
}

type schoolStartersContent struct {
	Intake, IntakeHref, ID, Href string
	Rows                         []starterRow
	// Total and Unmatched count the registered starters and those without
	// a school; Figures count them by school, for the filter.
	Total, Unmatched   int
	Figures            []resultFigure
	Filter             resultFilter
	Filtered           bool
	SchoolOptions      []option
	Matching           int
	PrevHref, NextHref string
	Requests           []requestRow
	HasCatchment       bool
}

type starterRow struct {
	Child, Address, School, Catchment, Reason string
	Protected                                 bool
}

type requestRow struct {
	ID, Child, School, Reason, Asked string
	Open                             bool
	Decision, DecisionReason         string
}

// schoolStartersPage lists the intake's school starters in keyset pages
// (?after=, ?before=), those without a school first, then by school and
// child, filtered by school (?school=, "none" for no school) and searched
// by the child's name or national ID (?q=), with the figures per school at
// the top; then the requests for another school. Names are read for the
// rows shown and the requests (with a search, for every starter, in one
// read), and only those children are logged.
func (a *app) schoolStartersPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	if in.Kind != domain.School {
		return domain.ErrNotFound
	}
	sts, err := a.Admission().SchoolStarters(ctx, c.Actor, in.ID)
	if err != nil {
		return err
	}
	rs, err := a.Admission().SchoolRequests(ctx, c.Actor, in.ID)
	if err != nil {
		return err
	}
	ct, err := a.Admission().Catchment(ctx, c.Actor)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	href := "/admission/intakes/" + in.ID.String() + "/school-starters"
	content := schoolStartersContent{Intake: in.Name, IntakeHref: "/admission/intakes/" + in.ID.String(), ID: in.ID.String(), Href: href,
		HasCatchment: len(ct.Rows) > 0, Total: len(sts), Filter: resultFilter{Unit: q.Get("school"), Q: strings.TrimSpace(q.Get("q"))}}
	content.Filtered = content.Filter.any()
	school := func(st admission.SchoolStarter) string {
		if st.Unit.IsZero() {
			return noUnit
		}
		return st.Unit.String()
	}
	// The key: no school first (a caseworker gives one), then by the
	// school's name, then by child.
	key := func(st admission.SchoolStarter) string {
		if st.Unit.IsZero() {
			return "0." + st.Child.String()
		}
		return "1." + n.units[st.Unit] + "|" + st.Child.String()
	}
	counts := map[string]int{}
	var schools []domain.UnitID
	for _, st := range sts {
		if counts[school(st)] == 0 && !st.Unit.IsZero() {
			schools = append(schools, st.Unit)
		}
		counts[school(st)]++
	}
	content.Unmatched = counts[noUnit]
	slices.SortFunc(schools, func(x, y domain.UnitID) int { return strings.Compare(n.units[x], n.units[y]) })
	figure := func(value, label string) {
		content.SchoolOptions = append(content.SchoolOptions, option{Value: value, Label: label, Selected: value == content.Filter.Unit})
		if counts[value] > 0 {
			content.Figures = append(content.Figures, resultFigure{Label: label, N: counts[value],
				Href: href + "?" + url.Values{"school": {value}}.Encode() + "#starters"})
		}
	}
	figure(noUnit, c.Lang.T("admission.schoolStart.noMatch"))
	for _, u := range schools {
		figure(u.String(), n.units[u])
	}
	var found map[domain.ChildID]bool
	if content.Filter.Q != "" {
		ids := make([]domain.ChildID, len(sts))
		for i, st := range sts {
			ids[i] = st.Child
		}
		if found, err = a.findChildren(ctx, m, ids, content.Filter.Q); err != nil {
			return err
		}
	}
	rows := slices.DeleteFunc(sts, func(st admission.SchoolStarter) bool {
		return (content.Filter.Unit != "" && school(st) != content.Filter.Unit) || (found != nil && !found[st.Child])
	})
	slices.SortFunc(rows, func(x, y admission.SchoolStarter) int { return strings.Compare(key(x), key(y)) })
	content.Matching = len(rows)
	page := web.KeysetPage(rows, key, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, page.Prev, page.Next, "q", "school")
	// The children of the page and of the requests, in one read.
	ids := make([]domain.ChildID, 0, len(page.Rows)+len(rs))
	for _, st := range page.Rows {
		ids = append(ids, st.Child)
	}
	for _, x := range rs {
		if !slices.Contains(ids, x.Child) {
			ids = append(ids, x.Child)
		}
	}
	children := map[domain.ChildID]domain.Child{}
	if len(ids) > 0 {
		cs, err := a.Store.ChildrenByID(ctx, m, ids)
		if err != nil {
			return err
		}
		for _, ch := range cs {
			children[ch.ID] = ch
		}
	}
	for _, st := range page.Rows {
		ch := children[st.Child]
		// The catchment school is named only when the child goes to
		// another (a granted request).
		row := starterRow{Child: ch.GivenName + " " + ch.FamilyName, School: n.units[st.Unit], Protected: ch.AddressProtection.Protected()}
		if st.Catchment != st.Unit {
			row.Catchment = n.units[st.Catchment]
		}
		if ad := ch.ShownAddress(); !ad.IsZero() {
			row.Address = ad.Street + ad.Cadastral
		}
		if st.Unit.IsZero() {
			row.Reason = reasonText(c.Lang, st.Reason, nil)
		}
		content.Rows = append(content.Rows, row)
	}
	for _, x := range rs {
		ch := children[x.Child]
		rr := requestRow{ID: x.ID.String(), Child: ch.GivenName + " " + ch.FamilyName, School: n.units[x.Unit], Reason: x.Reason,
			Asked: x.Asked.In(domain.Oslo()).Format("2006-01-02"), Open: x.Open(), DecisionReason: x.DecisionReason}
		if !x.Open() {
			rr.Decision = c.Lang.T("admission.schoolRequest." + x.Decision)
		}
		content.Requests = append(content.Requests, rr)
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.school-starters.read", "intake/"+in.ID.String(), ids...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "admission_school_starters", "admission.schoolStart.title", content)
	return nil
}

func (a *app) registerSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	if _, err := a.registerStarters(r.Context(), c, in.ID); err != nil {
		return err
	}
	seeOther(w, r, "/admission/intakes/"+in.ID.String()+"/school-starters", nil)
	return nil
}

func (a *app) decideSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := api.PathID[admission.SchoolRequest](r, "requestId")
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	req := decideRequest{RequestID: id, Granted: r.PostForm.Get("decision") == admission.RequestGranted, Reason: r.PostForm.Get("reason")}
	out, err := a.decideRequest(r.Context(), c, req)
	if err != nil {
		return err
	}
	seeOther(w, r, "/admission/intakes/"+out.Intake.String()+"/school-starters", nil)
	return nil
}

type schoolStartContent struct {
	Child, ChildID string
	// CanAsk: the reader is a guardian (a caseworker reads the page but
	// does not ask).
	CanAsk        bool
	Starts        []childStartRow
	Schools       []option
	Error, Reason string
}

type childStartRow struct {
	Intake, IntakeID, School, Catchment, Reason string
	Request                                     *requestRow
	// Schools are the schools one may ask for: all but the child's.
	Schools []option
}

func (a *app) schoolStartPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.renderSchoolStart(w, r, c, http.StatusOK, "", "")
}

func (a *app) renderSchoolStart(w http.ResponseWriter, r *http.Request, c *web.Call, status int, reason, problem string) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	v, err := a.Admission().ChildSchoolStart(ctx, c.Actor, c.ChildID)
	if err != nil {
		return err
	}
	ch, err := a.Store.Child(ctx, m, c.ChildID)
	if err != nil {
		return err
	}
	units, err := a.Store.Units(ctx, m)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return err
	}
	content := schoolStartContent{Child: ch.GivenName + " " + ch.FamilyName, ChildID: c.ChildID.String(), Reason: reason, Error: problem,
		CanAsk: c.Actor.Role == domain.RoleGuardian}
	for _, u := range units {
		if u.Kind == domain.School {
			content.Schools = append(content.Schools, option{Value: u.ID.String(), Label: u.Name})
		}
	}
	for _, st := range v.Starters {
		in, err := a.Store.Intake(ctx, m, st.Intake)
		if err != nil {
			return err
		}
		row := childStartRow{Intake: in.Name, IntakeID: in.ID.String(), School: n.units[st.Unit], Catchment: n.units[st.Catchment]}
		for _, o := range content.Schools {
			if o.Value != st.Unit.String() {
				row.Schools = append(row.Schools, o)
			}
		}
		if st.Unit.IsZero() {
			row.Reason = c.Lang.T("admission.schoolStart.noSchool")
		}
		for _, x := range v.Requests {
			if x.Intake == st.Intake {
				rr := requestRow{ID: x.ID.String(), School: n.units[x.Unit], Reason: x.Reason,
					Asked: x.Asked.In(domain.Oslo()).Format("2006-01-02"), Open: x.Open(), DecisionReason: x.DecisionReason}
				if !x.Open() {
					rr.Decision = c.Lang.T("admission.schoolRequest." + x.Decision)
				}
				row.Request = &rr
			}
		}
		content.Starts = append(content.Starts, row)
	}
	if err := a.Audit(ctx, c.Actor, "admission.school-start.read", "", c.ChildID); err != nil {
		return err
	}
	a.Page(w, r, c, status, "admission_school_start", "admission.schoolStart.guardianTitle", content)
	return nil
}

func (a *app) askSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	_ = r.ParseForm()
	in, err := domain.ParseID[admission.Intake](r.PostForm.Get("intake"))
	if err != nil {
		return domain.Invalid("intake", "must-be-the-uuid-of-an-intake")
	}
	unit, err := domain.ParseID[domain.Unit](r.PostForm.Get("unit"))
	if err != nil {
		return domain.Invalid("unit", "must-be-the-uuid-of-a-school")
	}
	reason := r.PostForm.Get("reason")
	_, err = a.askOtherSchool(r.Context(), c, askRequest{IntakeID: in, UnitID: unit, Reason: reason})
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return a.renderSchoolStart(w, r, c, http.StatusUnprocessableEntity, reason, reasonText(c.Lang, ve.Fields[0].Reason, ve.Fields[0].Params))
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/children/"+c.ChildID.String()+"/school-start", nil)
	return nil
}
