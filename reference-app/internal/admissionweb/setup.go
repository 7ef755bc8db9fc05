package admissionweb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// How a caseworker (or the municipal admin) sets admission up: the
// municipality's admission settings, and intakes made and changed by hand,
// through the API and the pages. The rules are the library's
// (admission.CheckIntake, CheckIntakeChange, Settings.Validate); every
// write is one transaction with its audit entry.

// setupRoutes are the routes of admission's setup.
func (a *app) setupRoutes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/api/v1/intakes", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Create an intake (admission round); criteria, answer days, weight of a child under three and most units ranked default to the admission settings (caseworker)", Body: intakeRequest{}, Response: admission.Intake{}, Status: http.StatusCreated, Handle: a.apiCreateIntake},
		{Method: "PUT", Path: "/api/v1/intakes/{intakeId}", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Change an intake; once it has applications its kind and year are fixed, once it has a run only its name and answer days may change (caseworker)", Body: intakeRequest{}, Response: admission.Intake{}, Handle: a.apiUpdateIntake},
		{Method: "GET", Path: "/api/v1/admission-settings", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The municipality's admission settings: local criteria with their names, a new intake's defaults (caseworker)", Response: admission.Settings{}, Handle: a.apiSettings},
		{Method: "PUT", Path: "/api/v1/admission-settings", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Save the admission settings as a new version; version is the one changed (0 for the defaults), an older one is 409 (caseworker)", Body: admission.Settings{}, Response: admission.Settings{}, Handle: a.apiSaveSettings},
		{Method: "GET", Path: "/admission/intakes/new", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.newIntakePage},
		{Method: "POST", Path: "/admission/intakes", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.createIntakeSubmit},
		{Method: "GET", Path: "/admission/intakes/{intakeId}/edit", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.editIntakePage},
		{Method: "POST", Path: "/admission/intakes/{intakeId}/edit", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.updateIntakeSubmit},
		{Method: "GET", Path: "/admission/settings", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.settingsPage},
		{Method: "POST", Path: "/admission/settings", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.settingsSubmit},
	}
}

// intakeRequest is an intake as a caseworker writes it; the ID and
// municipality are the app's.
type intakeRequest struct {
	Name string          `json:"name"`
	Kind domain.UnitKind `json:"kind"`
	// Main is true for the main round (barnehageloven § 16).
	Main          bool      `json:"main,omitempty"`
	AdmissionYear int       `json:"admissionYear"`
	Deadline      date.Date `json:"deadline"`
	Start         date.Date `json:"start"`
	// Criteria is the ranking order ("statutory", "sibling",
	// "local:KEY", "tiebreak"); the settings' order when left out.
	Criteria []admission.Criterion `json:"criteria,omitempty"`
	// Seats are the units taking part with their free places, of which
	// small are for children under three.
	Seats []admission.UnitSeats `json:"seats"`
	// SmallWeight, AnswerDays and MaxPreferences: the settings' when left
	// out.
	SmallWeight    int `json:"smallWeight,omitempty"`
	AnswerDays     int `json:"answerDays,omitempty"`
	MaxPreferences int `json:"maxPreferences,omitempty"`
}

// intake is the request as an intake, with the settings' defaults.
func (req intakeRequest) intake(set admission.Settings, id admission.IntakeID) admission.Intake {
	in := set.NewIntake(req.Kind, req.AdmissionYear)
	in.ID, in.Name, in.Main, in.Deadline, in.Start = id, req.Name, req.Main, req.Deadline, req.Start
	if req.Criteria != nil {
		in.Criteria = req.Criteria
	}
	if req.Seats != nil {
		in.Seats = req.Seats
	}
	in.SmallWeight = cmp.Or(req.SmallWeight, in.SmallWeight)
	in.AnswerDays = cmp.Or(req.AnswerDays, in.AnswerDays)
	in.MaxPreferences = cmp.Or(req.MaxPreferences, in.MaxPreferences)
	return in
}

// createIntake stores a new intake with its audit entry.
func (a *app) createIntake(ctx context.Context, c *web.Call, in admission.Intake) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Admission().CreateIntake(ctx, c.Actor, in); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.intake.create", "intake/"+in.ID.String())
	})
}

// updateIntake changes an intake with its audit entry.
func (a *app) updateIntake(ctx context.Context, c *web.Call, in admission.Intake) error {
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		if _, err := a.Admission().UpdateIntake(ctx, c.Actor, in); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.intake.update", "intake/"+in.ID.String())
	})
}

// saveSettings saves a new version of the settings with its audit entry.
func (a *app) saveSettings(ctx context.Context, c *web.Call, set admission.Settings) (admission.Settings, error) {
	var out admission.Settings
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if out, err = a.Admission().SaveSettings(ctx, c.Actor, set); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "admission.settings.save", fmt.Sprintf("admission-settings/%d", out.Version))
	})
	return out, err
}

func (a *app) apiCreateIntake(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req intakeRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	set, err := a.Admission().Settings(ctx, c.Actor)
	if err != nil {
		return err
	}
	in := req.intake(set, domain.NewID[admission.Intake]())
	if err := a.createIntake(ctx, c, in); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/intakes/"+in.ID.String())
	api.WriteJSON(w, http.StatusCreated, in)
	return nil
}

func (a *app) apiUpdateIntake(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req intakeRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	old, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	// What the request leaves out stays as it was.
	set := admission.Settings{Municipality: old.Municipality, SmallWeight: old.SmallWeight, AnswerDays: old.AnswerDays,
		MaxPreferences: old.MaxPreferences}
	in := req.intake(set, old.ID)
	if req.Criteria == nil {
		in.Criteria = old.Criteria
	}
	if err := a.updateIntake(ctx, c, in); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, in)
	return nil
}

func (a *app) apiSettings(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	set, err := a.Admission().Settings(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, set)
	return nil
}

func (a *app) apiSaveSettings(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req admission.Settings
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	set, err := a.saveSettings(r.Context(), c, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, set)
	return nil
}

// Pages.

// fieldMsg is a refusal shown at its field (ID is the input's id) and in
// the summary above the form.
type fieldMsg struct {
	ID, Label, Message string
}

// formErrors collects a form's refusals by input id.
type formErrors struct {
	l       web.Locale
	byID    map[string]string
	Summary []fieldMsg
}

func newFormErrors(l web.Locale) *formErrors { return &formErrors{l: l, byID: map[string]string{}} }

func (e *formErrors) add(id, label, reason string, params ...map[string]string) {
	var ps map[string]string
	if len(params) > 0 {
		ps = params[0]
	}
	msg := reasonText(e.l, reason, ps)
	if old, ok := e.byID[id]; ok {
		if !strings.Contains(old, msg) {
			e.byID[id] = old + "; " + msg
		}
	} else {
		e.byID[id] = msg
	}
	e.Summary = append(e.Summary, fieldMsg{ID: id, Label: label, Message: msg})
}

func (e *formErrors) any() bool { return len(e.Summary) > 0 }

// reasonText says a refusal's reason in the page's language: a reason code
// the catalogs translate (with its parameters), or else (only in English)
// the reason itself.
func reasonText(l web.Locale, reason string, params map[string]string) string {
	if l.Has("reason." + reason) {
		return l.ReasonWith(reason, params)
	}
	if l.Code == "en" {
		return reason
	}
	return l.T("admission.form.invalid")
}

// Intake form.

type intakeFormContent struct {
	Action, Submit, Back string
	Edit                 bool
	// Use says what limits a change (applications, runs).
	Use                                        admission.IntakeUse
	Name, Kind, AdmissionYear, Deadline, Start string
	AnswerDays, MaxPreferences, SmallWeight    string
	Main                                       bool
	Kinds                                      []option
	Criteria                                   []criterionField
	Units                                      []seatField
	Errors                                     map[string]string
	Summary                                    []fieldMsg
}

type option struct {
	Value, Label string
	Selected     bool
}

type criterionField struct {
	N               int
	Value, Label    string
	Position, Error string
}

type seatField struct {
	ID, Name, Kind string
	Places, Small  string
	PlacesError    string
	SmallError     string
}

// intakeForm is the form for in (a new intake from the settings, or a
// stored one), with every unit of the municipality.
func (a *app) intakeForm(ctx context.Context, c *web.Call, in admission.Intake, set admission.Settings) (intakeFormContent, error) {
	units, err := a.Store.Units(ctx, c.Actor.Municipality)
	if err != nil {
		return intakeFormContent{}, err
	}
	l := c.Lang
	f := intakeFormContent{Name: in.Name, Kind: string(in.Kind), Main: in.Main, Errors: map[string]string{},
		AnswerDays: itoa(in.AnswerDays), MaxPreferences: itoa(in.MaxPreferences), SmallWeight: itoa(in.SmallWeight)}
	if in.AdmissionYear != 0 {
		f.AdmissionYear = strconv.Itoa(in.AdmissionYear)
	}
	if in.Deadline != date.Zero {
		f.Deadline = in.Deadline.String()
	}
	if in.Start != date.Zero {
		f.Start = in.Start.String()
	}
	for _, k := range []domain.UnitKind{domain.Kindergarten, domain.SFO, domain.School} {
		f.Kinds = append(f.Kinds, option{Value: string(k), Label: l.T("kind." + string(k)), Selected: k == in.Kind})
	}
	for i, cr := range criterionChoices(in, set) {
		cf := criterionField{N: i, Value: string(cr), Label: set.CriterionName(langOf(c), cr)}
		if p := slices.Index(in.Criteria, cr); p >= 0 {
			cf.Position = strconv.Itoa(p + 1)
		}
		f.Criteria = append(f.Criteria, cf)
	}
	slices.SortStableFunc(units, func(x, y domain.Unit) int {
		return cmp.Or(strings.Compare(string(x.Kind), string(y.Kind)), strings.Compare(x.Name, y.Name))
	})
	for _, u := range units {
		sf := seatField{ID: u.ID.String(), Name: u.Name, Kind: l.T("kind." + string(u.Kind))}
		for _, st := range in.Seats {
			if st.Unit == u.ID {
				sf.Places, sf.Small = strconv.Itoa(st.Places), strconv.Itoa(st.Small)
			}
		}
		f.Units = append(f.Units, sf)
	}
	return f, nil
}

// criterionChoices are the criteria an intake may rank by: statutory,
// sibling, the settings' local criteria and any other the intake has (a
// local criterion the settings no longer have). The lottery is always
// last, implied.
func criterionChoices(in admission.Intake, set admission.Settings) []admission.Criterion {
	out := []admission.Criterion{admission.Statutory, admission.Sibling}
	for _, lc := range set.LocalCriteria {
		out = append(out, lc.Criterion())
	}
	for _, cr := range in.Criteria {
		if cr != admission.Tiebreak && !slices.Contains(out, cr) {
			out = append(out, cr)
		}
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// readIntakeForm reads the posted form into an intake and the form as
// typed; what cannot be read is a refusal at its field.
func readIntakeForm(r *http.Request, form *intakeFormContent, base admission.Intake, errs *formErrors, l web.Locale) (admission.Intake, []domain.UnitID) {
	_ = r.ParseForm()
	p := r.PostForm
	in := base
	form.Name, form.Kind, form.Main = p.Get("name"), p.Get("kind"), p.Get("main") != ""
	form.AdmissionYear, form.Deadline, form.Start = strings.TrimSpace(p.Get("admissionYear")), strings.TrimSpace(p.Get("deadline")), strings.TrimSpace(p.Get("start"))
	form.AnswerDays, form.MaxPreferences, form.SmallWeight = strings.TrimSpace(p.Get("answerDays")), strings.TrimSpace(p.Get("maxPreferences")), strings.TrimSpace(p.Get("smallWeight"))
	for i := range form.Kinds {
		form.Kinds[i].Selected = form.Kinds[i].Value == form.Kind
	}
	in.Name, in.Kind, in.Main = strings.TrimSpace(form.Name), domain.UnitKind(form.Kind), form.Main
	num := func(id, s string, dst *int) {
		if s == "" {
			*dst = 0
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs.add(id, l.T("admission.form."+id), "not-a-whole-number")
			return
		}
		*dst = n
	}
	num("admissionYear", form.AdmissionYear, &in.AdmissionYear)
	num("answerDays", form.AnswerDays, &in.AnswerDays)
	num("maxPreferences", form.MaxPreferences, &in.MaxPreferences)
	num("smallWeight", form.SmallWeight, &in.SmallWeight)
	day := func(id, s string, dst *date.Date) {
		*dst = date.Zero
		if s == "" {
			return
		}
		d, err := domain.ParseDate(id, s)
		if err != nil {
			errs.add(id, l.T("admission.form."+id), domain.ReasonDate)
			return
		}
		*dst = d
	}
	day("deadline", form.Deadline, &in.Deadline)
	day("start", form.Start, &in.Start)

	type ranked struct {
		pos int
		cr  admission.Criterion
	}
	var order []ranked
	seen := map[int]bool{}
	for i := range form.Criteria {
		cf := &form.Criteria[i]
		cf.Position = strings.TrimSpace(p.Get(fmt.Sprintf("crit-%d", cf.N)))
		if cf.Position == "" {
			continue
		}
		n, err := strconv.Atoi(cf.Position)
		switch {
		case err != nil || n < 1:
			errs.add(fmt.Sprintf("crit-%d", cf.N), cf.Label, "not-a-whole-number")
		case seen[n]:
			errs.add(fmt.Sprintf("crit-%d", cf.N), cf.Label, "position-twice")
		default:
			seen[n] = true
			order = append(order, ranked{n, admission.Criterion(cf.Value)})
		}
	}
	slices.SortFunc(order, func(x, y ranked) int { return x.pos - y.pos })
	in.Criteria = nil
	for _, o := range order {
		in.Criteria = append(in.Criteria, o.cr)
	}
	in.Criteria = append(in.Criteria, admission.Tiebreak)

	in.Seats = []admission.UnitSeats{}
	var seatUnits []domain.UnitID
	for i := range form.Units {
		sf := &form.Units[i]
		sf.Places, sf.Small = strings.TrimSpace(p.Get("places-"+sf.ID)), strings.TrimSpace(p.Get("small-"+sf.ID))
		if (sf.Places == "" || sf.Places == "0") && (sf.Small == "" || sf.Small == "0") {
			continue
		}
		uid, err := domain.ParseID[domain.Unit](sf.ID)
		if err != nil {
			continue
		}
		st := admission.UnitSeats{Unit: uid}
		bad := false
		for _, x := range []struct {
			id, s string
			dst   *int
		}{{"places-" + sf.ID, sf.Places, &st.Places}, {"small-" + sf.ID, sf.Small, &st.Small}} {
			if x.s == "" {
				continue
			}
			n, err := strconv.Atoi(x.s)
			if err != nil {
				errs.add(x.id, sf.Name, "not-a-whole-number")
				bad = true
				continue
			}
			*x.dst = n
		}
		if !bad {
			in.Seats = append(in.Seats, st)
			seatUnits = append(seatUnits, uid)
		}
	}
	// The seats in the intake's order (a change after a run compares
	// them), new units after.
	at := func(u domain.UnitID) int {
		if i := slices.IndexFunc(base.Seats, func(st admission.UnitSeats) bool { return st.Unit == u }); i >= 0 {
			return i
		}
		return len(base.Seats)
	}
	idx := make([]int, len(in.Seats))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return at(in.Seats[x].Unit) - at(in.Seats[y].Unit) })
	seats, units := make([]admission.UnitSeats, len(idx)), make([]domain.UnitID, len(idx))
	for k, i := range idx {
		seats[k], units[k] = in.Seats[i], seatUnits[i]
	}
	in.Seats = seats
	return in, units
}

// placeErrors puts the library's refusals at the form's fields.
func placeErrors(err error, form *intakeFormContent, seatUnits []domain.UnitID, criteria []admission.Criterion, errs *formErrors, l web.Locale) bool {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, f := range ve.Fields {
		field := f.Field
		var i int
		switch {
		case strings.HasPrefix(field, "seats["):
			fmt.Sscanf(field, "seats[%d]", &i)
			if i >= 0 && i < len(seatUnits) {
				id := "places-" + seatUnits[i].String()
				if strings.HasSuffix(field, ".small") {
					id = "small-" + seatUnits[i].String()
				}
				errs.add(id, unitName(form, seatUnits[i]), f.Reason, f.Params)
				continue
			}
			errs.add("seats", l.T("admission.form.seats"), f.Reason, f.Params)
		case field == "seats":
			errs.add("seats", l.T("admission.form.seats"), f.Reason, f.Params)
		case strings.HasPrefix(field, "criteria"):
			id := "criteria"
			label := l.T("admission.form.criteria")
			if n, _ := fmt.Sscanf(field, "criteria[%d]", &i); n == 1 && i >= 0 && i < len(criteria) {
				for _, cf := range form.Criteria {
					if cf.Value == string(criteria[i]) {
						id, label = fmt.Sprintf("crit-%d", cf.N), cf.Label
					}
				}
			}
			errs.add(id, label, f.Reason, f.Params)
		case slices.Contains([]string{"name", "kind", "main", "admissionYear", "deadline", "start", "answerDays", "maxPreferences", "smallWeight"}, field):
			errs.add(field, l.T("admission.form."+field), f.Reason, f.Params)
		default:
			errs.add("form", field, f.Reason, f.Params)
		}
	}
	return true
}

func unitName(form *intakeFormContent, u domain.UnitID) string {
	for _, sf := range form.Units {
		if sf.ID == u.String() {
			return sf.Name
		}
	}
	return u.String()
}

// attach copies the refusals into the form for the template.
func (f *intakeFormContent) attach(errs *formErrors) {
	f.Errors, f.Summary = errs.byID, errs.Summary
	for i := range f.Criteria {
		f.Criteria[i].Error = errs.byID[fmt.Sprintf("crit-%d", f.Criteria[i].N)]
	}
	for i := range f.Units {
		f.Units[i].PlacesError = errs.byID["places-"+f.Units[i].ID]
		f.Units[i].SmallError = errs.byID["small-"+f.Units[i].ID]
	}
}

func (a *app) newIntakePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	set, err := a.Admission().Settings(ctx, c.Actor)
	if err != nil {
		return err
	}
	kind := domain.UnitKind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		kind = domain.Kindergarten
	}
	in := set.NewIntake(kind, int(domain.SchoolYearOf(domain.Today(a.Clock)))+1)
	form, err := a.intakeForm(ctx, c, in, set)
	if err != nil {
		return err
	}
	form.Action, form.Submit, form.Back = "/admission/intakes", c.Lang.T("admission.form.create"), "/admission/intakes"
	a.Page(w, r, c, http.StatusOK, "admission_intake_form", "admission.form.newTitle", form)
	return nil
}

func (a *app) createIntakeSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	set, err := a.Admission().Settings(ctx, c.Actor)
	if err != nil {
		return err
	}
	base := set.NewIntake(domain.Kindergarten, 0)
	base.ID = domain.NewID[admission.Intake]()
	form, err := a.intakeForm(ctx, c, base, set)
	if err != nil {
		return err
	}
	form.Action, form.Submit, form.Back = "/admission/intakes", c.Lang.T("admission.form.create"), "/admission/intakes"
	errs := newFormErrors(c.Lang)
	in, seatUnits := readIntakeForm(r, &form, base, errs, c.Lang)
	if !errs.any() {
		err := a.createIntake(ctx, c, in)
		if err == nil {
			seeOther(w, r, "/admission/intakes/"+in.ID.String(), nil)
			return nil
		}
		if !placeErrors(err, &form, seatUnits, in.Criteria, errs, c.Lang) {
			return err
		}
	}
	form.attach(errs)
	a.Page(w, r, c, http.StatusUnprocessableEntity, "admission_intake_form", "admission.form.newTitle", form)
	return nil
}

func (a *app) editIntakePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	form, err := a.editForm(ctx, c, in)
	if err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "admission_intake_form", "admission.form.editTitle", form)
	return nil
}

func (a *app) editForm(ctx context.Context, c *web.Call, in admission.Intake) (intakeFormContent, error) {
	set, err := a.Admission().Settings(ctx, c.Actor)
	if err != nil {
		return intakeFormContent{}, err
	}
	form, err := a.intakeForm(ctx, c, in, set)
	if err != nil {
		return form, err
	}
	if form.Use, err = a.Admission().IntakeUse(ctx, c.Actor, in.ID); err != nil {
		return form, err
	}
	href := "/admission/intakes/" + in.ID.String()
	form.Action, form.Submit, form.Back, form.Edit = href+"/edit", c.Lang.T("admission.form.save"), href, true
	return form, nil
}

func (a *app) updateIntakeSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	old, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	form, err := a.editForm(ctx, c, old)
	if err != nil {
		return err
	}
	errs := newFormErrors(c.Lang)
	in, seatUnits := readIntakeForm(r, &form, old, errs, c.Lang)
	if !errs.any() {
		err := a.updateIntake(ctx, c, in)
		if err == nil {
			seeOther(w, r, "/admission/intakes/"+in.ID.String(), nil)
			return nil
		}
		if !placeErrors(err, &form, seatUnits, in.Criteria, errs, c.Lang) {
			return err
		}
	}
	form.attach(errs)
	a.Page(w, r, c, http.StatusUnprocessableEntity, "admission_intake_form", "admission.form.editTitle", form)
	return nil
}

// Settings page.

type settingsContent struct {
	Version                                 int
	AnswerDays, SmallWeight, MaxPreferences string
	SiblingFirst                            bool
	Rows                                    []criterionRow
	History                                 []historyEntry
	Saved                                   bool
	Errors                                  map[string]string
	Summary                                 []fieldMsg
}

type criterionRow struct {
	N                                 int
	Key, NB, NN, EN, Source, Position string
	Remove                            bool
	New                               bool
}

type historyEntry struct {
	Version     int
	Changed, By string
	Criteria    []string
}

// newCriterionRows are the empty rows the form offers for new criteria.
const newCriterionRows = 2

func (a *app) settingsForm(ctx context.Context, c *web.Call) (settingsContent, admission.Settings, error) {
	set, err := a.Admission().Settings(ctx, c.Actor)
	if err != nil {
		return settingsContent{}, set, err
	}
	f := settingsContent{Version: set.Version, AnswerDays: itoa(set.AnswerDays), SmallWeight: itoa(set.SmallWeight),
		MaxPreferences: itoa(set.MaxPreferences), SiblingFirst: set.SiblingFirst, Errors: map[string]string{}}
	for i, lc := range set.LocalCriteria {
		f.Rows = append(f.Rows, criterionRow{N: i, Key: lc.Key, NB: lc.Name.NB, NN: lc.Name.NN, EN: lc.Name.EN, Source: lc.Source, Position: strconv.Itoa(i + 1)})
	}
	for i := range newCriterionRows {
		f.Rows = append(f.Rows, criterionRow{N: len(set.LocalCriteria) + i, New: true})
	}
	hist, err := a.Store.AdmissionSettingsHistory(ctx, c.Actor.Municipality)
	if err != nil {
		return f, set, err
	}
	for _, h := range hist {
		he := historyEntry{Version: h.Version, Changed: when(c.Lang, h.Changed), By: a.personName(ctx, c, h.ChangedBy)}
		for _, lc := range h.LocalCriteria {
			he.Criteria = append(he.Criteria, lc.Name.In(langOf(c)))
		}
		f.History = append(f.History, he)
	}
	return f, set, nil
}

func (a *app) settingsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	f, _, err := a.settingsForm(r.Context(), c)
	if err != nil {
		return err
	}
	f.Saved = r.URL.Query().Get("saved") != ""
	a.Page(w, r, c, http.StatusOK, "admission_settings", "admission.settings.title", f)
	return nil
}

func (a *app) settingsSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	f, _, err := a.settingsForm(ctx, c)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	p := r.PostForm
	l := c.Lang
	errs := newFormErrors(l)
	set := admission.Settings{Municipality: c.Actor.Municipality, SiblingFirst: p.Get("siblingFirst") != ""}
	f.SiblingFirst = set.SiblingFirst
	if v, err := strconv.Atoi(p.Get("version")); err == nil {
		set.Version = v
	}
	f.AnswerDays, f.SmallWeight, f.MaxPreferences = strings.TrimSpace(p.Get("answerDays")), strings.TrimSpace(p.Get("smallWeight")), strings.TrimSpace(p.Get("maxPreferences"))
	for _, x := range []struct {
		id, s string
		dst   *int
	}{{"answerDays", f.AnswerDays, &set.AnswerDays}, {"smallWeight", f.SmallWeight, &set.SmallWeight}, {"maxPreferences", f.MaxPreferences, &set.MaxPreferences}} {
		n, err := strconv.Atoi(x.s)
		if err != nil {
			errs.add(x.id, l.T("admission.form."+x.id), "not-a-whole-number")
			continue
		}
		*x.dst = n
	}
	// Rows as typed; a blank new row or one marked for removal is left
	// out; the rest in the order of their positions.
	type row struct {
		pos, n int
		lc     admission.LocalCriterion
	}
	var rows []row
	maxRows, saved := len(f.Rows), len(f.Rows)-newCriterionRows
	f.Rows = nil
	for n := range maxRows {
		get := func(k string) string { return strings.TrimSpace(p.Get(fmt.Sprintf("%s-%d", k, n))) }
		cr := criterionRow{N: n, Key: get("key"), NB: get("nb"), NN: get("nn"), EN: get("en"), Source: get("source"),
			Position: get("pos"), Remove: get("remove") != "", New: n >= saved}
		f.Rows = append(f.Rows, cr)
		if cr.Remove || cr.Key+cr.NB+cr.NN+cr.EN+cr.Source == "" {
			continue
		}
		pos := 1 << 20
		if cr.Position != "" {
			v, err := strconv.Atoi(cr.Position)
			if err != nil {
				errs.add(fmt.Sprintf("pos-%d", n), l.T("admission.settings.position"), "not-a-whole-number")
			} else {
				pos = v
			}
		}
		rows = append(rows, row{pos: pos, n: n, lc: admission.LocalCriterion{Key: cr.Key,
			Name: admission.LocalNames{NB: cr.NB, NN: cr.NN, EN: cr.EN}, Source: cr.Source}})
	}
	slices.SortStableFunc(rows, func(x, y row) int { return x.pos - y.pos })
	set.LocalCriteria = []admission.LocalCriterion{}
	for _, rw := range rows {
		set.LocalCriteria = append(set.LocalCriteria, rw.lc)
	}
	if !errs.any() {
		_, err := a.saveSettings(ctx, c, set)
		if err == nil {
			seeOther(w, r, "/admission/settings", map[string][]string{"saved": {"1"}})
			return nil
		}
		var ve *domain.ValidationError
		var ce *domain.ConflictError
		switch {
		case errors.As(err, &ve):
			for _, fe := range ve.Fields {
				var k int
				var part string
				if n, _ := fmt.Sscanf(fe.Field, "localCriteria[%d].%s", &k, &part); n == 2 && k >= 0 && k < len(rows) {
					id := strings.TrimPrefix(part, "name.")
					errs.add(fmt.Sprintf("%s-%d", id, rows[k].n), l.T("admission.settings."+id), fe.Reason, fe.Params)
					continue
				}
				errs.add(fe.Field, l.T("admission.form."+fe.Field), fe.Reason, fe.Params)
			}
		case errors.As(err, &ce):
			errs.add("version", l.T("admission.settings.title"), ce.Reason, ce.Params)
		default:
			return err
		}
	}
	f.Errors, f.Summary = errs.byID, errs.Summary
	a.Page(w, r, c, http.StatusUnprocessableEntity, "admission_settings", "admission.settings.title", f)
	return nil
}

// auditReason fits a run's reason into an audit entry's record beside the
// run's ID (the whole reason is on the run).
func auditReason(run admission.Run) string {
	rec := "run/" + run.ID.String() + ": " + run.Reason
	for utf8.RuneCountInString(rec) > 200 {
		_, size := utf8.DecodeLastRuneInString(rec)
		rec = rec[:len(rec)-size]
	}
	return rec
}
