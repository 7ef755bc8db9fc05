package admissionweb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The admission pages: the guardian's applications, the application form,
// an application's status with its offers and the decision letter; the
// caseworker's intakes, runs, waiting lists and obligation report.

// names looks up children's and units' names for a page.
type names struct {
	children map[domain.ChildID]string
	units    map[domain.UnitID]string
}

func (a *app) names(ctx context.Context, m domain.Municipality, children bool) (names, error) {
	n := names{children: map[domain.ChildID]string{}, units: map[domain.UnitID]string{}}
	units, err := a.Store.Units(ctx, m)
	if err != nil {
		return n, err
	}
	for _, u := range units {
		n.units[u.ID] = u.Name
	}
	if children {
		cs, err := a.Store.Children(ctx, m)
		if err != nil {
			return n, err
		}
		for _, c := range cs {
			n.children[c.ID] = c.GivenName + " " + c.FamilyName
		}
	}
	return n, nil
}

// namesOf looks up the units' names and the names of the children ids
// only (one read), for a page that knows whom it shows.
func (a *app) namesOf(ctx context.Context, m domain.Municipality, ids []domain.ChildID) (names, error) {
	n, err := a.names(ctx, m, false)
	if err != nil {
		return n, err
	}
	cs, err := a.Store.ChildrenByID(ctx, m, ids)
	if err != nil {
		return n, err
	}
	for _, c := range cs {
		n.children[c.ID] = c.GivenName + " " + c.FamilyName
	}
	return n, nil
}

// explain renders the explanation of a child's result, with names for
// unit IDs and the child's, one line per unit.
func (n names) explain(res admission.RunResult, l admission.Lang) []string {
	pairs := []string{res.Explanation.Child, n.children[res.Child]}
	for id, name := range n.units {
		pairs = append(pairs, id.String(), name)
	}
	text := strings.NewReplacer(pairs...).Replace(res.Explanation.Render(l))
	return strings.Split(strings.TrimSpace(text), "\n")
}

// Guardian: the overview.

type admissionHomeContent struct {
	Children []admissionChildRow
}

type admissionChildRow struct {
	ID, Name     string
	Applications []applicationRow
	Apply        []applyLink
	// SchoolStart: the child is registered for school start (its page
	// shows the catchment school and takes a request for another).
	SchoolStart bool
}

type applicationRow struct {
	Href, Intake, Status, Submitted string
}

type applyLink struct {
	Href, Intake, Deadline string
}

// admissionPage lists, for every child the guardian has parental
// responsibility for, its applications and the open intakes it can apply
// to.
func (a *app) admissionPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	children, err := a.VisibleChildren(ctx, c.Actor)
	if err != nil {
		return err
	}
	intakes, err := a.Store.Intakes(ctx, m)
	if err != nil {
		return err
	}
	intakeNames := map[admission.IntakeID]string{}
	for _, in := range intakes {
		intakeNames[in.ID] = in.Name
	}
	today := domain.Today(a.Clock)
	var content admissionHomeContent
	var ids []domain.ChildID
	for _, ch := range children {
		access, _, err := a.DecideChild(ctx, c.Actor, ch.ID)
		if err != nil {
			return err
		}
		if access != web.AccessParent {
			continue
		}
		row := admissionChildRow{ID: ch.ID.String(), Name: ch.GivenName + " " + ch.FamilyName}
		apps, err := a.Store.ChildApplications(ctx, m, ch.ID)
		if err != nil {
			return err
		}
		applied := map[admission.IntakeID]bool{}
		for _, ap := range apps {
			v, err := a.Admission().View(ctx, c.Actor, ap.ID)
			if err != nil {
				return err
			}
			applied[ap.Intake] = true
			row.Applications = append(row.Applications, applicationRow{
				Href:   "/children/" + ch.ID.String() + "/applications/" + ap.ID.String(),
				Intake: intakeNames[ap.Intake], Status: v.Status.Render(langOf(c)), Submitted: when(c.Lang, ap.Submitted)})
		}
		for _, in := range intakes {
			if applied[in.ID] || in.Deadline < today || !seatsFor(in, ch) {
				continue
			}
			row.Apply = append(row.Apply, applyLink{Href: "/children/" + ch.ID.String() + "/apply?" + url.Values{"intake": {in.ID.String()}}.Encode(),
				Intake: in.Name, Deadline: c.Lang.Date(in.Deadline)})
		}
		starts, err := a.Store.ChildSchoolStarters(ctx, m, ch.ID)
		if err != nil {
			return err
		}
		row.SchoolStart = len(starts) > 0
		if len(row.Applications) == 0 && len(row.Apply) == 0 && !row.SchoolStart {
			continue
		}
		content.Children = append(content.Children, row)
		ids = append(ids, ch.ID)
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.applications.read", "", ids...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "admission", "admission.home.title", content)
	return nil
}

// seatsFor reports whether the intake has seats for the child's age group
// and the child is of an age for it: kindergarten before school age,
// school start in the year it reaches school age, SFO in 1st–4th grade.
func seatsFor(in admission.Intake, ch domain.Child) bool {
	rules, err := admission.NationalRightRules(in.AdmissionYear)
	if err != nil {
		return false
	}
	age, start := in.AdmissionYear-ch.BirthDate.Year(), rules.SchoolStartAge
	switch {
	case in.Kind == domain.Kindergarten && age >= start,
		in.Kind == domain.School && age != start,
		in.Kind == domain.SFO && (age < start || age > start+sfoGrades-1):
		return false
	}
	g := in.Group(ch.BirthDate)
	for _, st := range in.Seats {
		if st.Capacity(in.SmallWeight).Of(g) > 0 {
			return true
		}
	}
	return false
}

// sfoGrades is how many school years the municipality offers SFO for
// (1st–4th grade, as the demo's SFOs do): its choice, not a national rule.
const sfoGrades = 4

// Guardian: the application form.

// fullTimeHours pre-fills the hours of an application: a full-time place
// in the demo municipality (its seeded places are 24, 32 or 41 hours a
// week). A municipality's own full week is configuration, not a rule.
const fullTimeHours = 41

type applyContent struct {
	Child, ChildID   string
	Intake           admission.Intake
	IntakeID         string
	Deadline         string
	Choices          []choiceField
	Options          []unitOption
	Start            string
	Hours            int
	AskHours         bool
	MaxHours         int
	Statutory        bool
	Documented       bool
	Local            []localField
	Siblings         []siblingField
	Guardians        []string
	SiblingUnits     []string
	Errors           []string
	ApplicationsHref string
}

type choiceField struct {
	N        int
	Selected string
}

type unitOption struct {
	ID, Name string
}

type localField struct {
	Name, Label string
	Checked     bool
}

type siblingField struct {
	ID, Name string
	Checked  bool
}

// applyForm builds the form, pre-filled from Prefill or from what was
// posted.
func (a *app) applyForm(ctx context.Context, c *web.Call, intake admission.IntakeID, posted *applyRequest) (applyContent, error) {
	m := c.Actor.Municipality
	in, err := a.Store.Intake(ctx, m, intake)
	if err != nil {
		return applyContent{}, err
	}
	ap, err := a.Admission().Prefill(ctx, c.Actor, intake, c.ChildID)
	if err != nil {
		return applyContent{}, err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return applyContent{}, err
	}
	ch := c.Record.Child
	content := applyContent{
		Child: ch.GivenName + " " + ch.FamilyName, ChildID: ch.ID.String(), Intake: in, IntakeID: in.ID.String(),
		Deadline: c.Lang.Date(in.Deadline), Start: ap.Start.String(), Hours: fullTimeHours,
		AskHours: in.Kind != domain.School, MaxHours: domain.MaxHoursPerWeek,
		ApplicationsHref: "/admission",
	}
	g := in.Group(ch.BirthDate)
	for _, st := range in.Seats {
		if st.Capacity(in.SmallWeight).Of(g) > 0 {
			content.Options = append(content.Options, unitOption{ID: st.Unit.String(), Name: n.units[st.Unit]})
		}
	}
	// The catchment school (school and SFO intakes) first, then the
	// units where siblings have a place.
	prefs := slices.Clone(ap.Preferences)
	for _, u := range ap.SiblingAt {
		if !slices.Contains(prefs, u) {
			prefs = append(prefs, u)
		}
	}
	if posted != nil {
		prefs = posted.Preferences
		if posted.Start != date.Zero {
			content.Start = posted.Start.String()
		}
		content.Hours = posted.Hours
		content.Statutory, content.Documented = posted.Statutory.Claimed, posted.Statutory.Documented == admission.DocReceived
	}
	for i := range in.MaxPreferences {
		f := choiceField{N: i + 1}
		if i < len(prefs) {
			f.Selected = prefs[i].String()
		}
		content.Choices = append(content.Choices, f)
	}
	set, err := a.Admission().Settings(ctx, c.Actor)
	if err != nil {
		return content, err
	}
	for _, cr := range in.Criteria {
		if name, ok := strings.CutPrefix(string(cr), admission.LocalPrefix); ok {
			lf := localField{Name: name, Label: set.CriterionName(langOf(c), cr)}
			if posted != nil {
				lf.Checked = posted.Local[name].Claimed
			}
			content.Local = append(content.Local, lf)
		}
	}
	for _, u := range ap.SiblingAt {
		content.SiblingUnits = append(content.SiblingUnits, n.units[u])
	}
	for _, gid := range ap.Guardians {
		gd, err := a.Store.Guardian(ctx, m, gid)
		if err != nil {
			return content, err
		}
		content.Guardians = append(content.Guardians, gd.GivenName+" "+gd.FamilyName)
	}
	// Siblings who could apply together: the guardian's other children
	// with parental responsibility.
	if c.Actor.Role == domain.RoleGuardian {
		wards, err := a.Store.Wards(ctx, m, c.Actor.Guardian)
		if err != nil {
			return content, err
		}
		for _, wd := range wards {
			if wd.ChildID == ch.ID || !wd.ParentalResponsibility {
				continue
			}
			sib, err := a.Store.Child(ctx, m, wd.ChildID)
			if err != nil {
				return content, err
			}
			if !seatsFor(in, sib) {
				continue
			}
			sf := siblingField{ID: sib.ID.String(), Name: sib.GivenName + " " + sib.FamilyName}
			if posted != nil {
				sf.Checked = slices.Contains(posted.Together, sib.ID)
			}
			content.Siblings = append(content.Siblings, sf)
		}
	}
	return content, nil
}

func (a *app) applyPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	intake, err := domain.ParseID[admission.Intake](r.URL.Query().Get("intake"))
	if err != nil || intake.IsZero() {
		return domain.ErrNotFound
	}
	content, err := a.applyForm(r.Context(), c, intake, nil)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "admission.prefill", "intake/"+intake.String(), c.ChildID); err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "admission_apply", "admission.apply.title", content)
	return nil
}

// readApplyForm reads the posted form; what cannot be read is a field
// error.
func readApplyForm(r *http.Request, l web.Locale) (applyRequest, []string) {
	var req applyRequest
	var problems []string
	_ = r.ParseForm()
	f := r.PostForm
	intake, err := domain.ParseID[admission.Intake](f.Get("intake"))
	if err == nil {
		req.IntakeID = intake
	}
	for i := 1; i <= 20; i++ {
		v := f.Get(fmt.Sprintf("choice%d", i))
		if v == "" {
			continue
		}
		u, err := domain.ParseID[domain.Unit](v)
		if err != nil {
			problems = append(problems, l.T("admission.apply.badChoice", i))
			continue
		}
		if slices.Contains(req.Preferences, u) {
			problems = append(problems, l.T("admission.apply.twice", i))
			continue
		}
		req.Preferences = append(req.Preferences, u)
	}
	if s := f.Get("start"); s != "" {
		d, err := domain.ParseDate("start", s)
		if err != nil {
			problems = append(problems, l.T("admission.apply.badStart"))
		} else {
			req.Start = d
		}
	}
	if s := f.Get("hours"); s != "" {
		n, ok := formInt(s)
		if !ok {
			problems = append(problems, l.T("admission.apply.badHours"))
		}
		req.Hours = n
	}
	if f.Get("statutory") != "" {
		req.Statutory.Claimed = true
		if f.Get("documented") != "" {
			req.Statutory.Documented = admission.DocReceived
		}
	}
	for k := range f {
		if name, ok := strings.CutPrefix(k, "local:"); ok {
			if req.Local == nil {
				req.Local = map[string]admission.Claim{}
			}
			req.Local[name] = admission.Claim{Claimed: true}
		}
	}
	for _, s := range f["together"] {
		if id, err := domain.ParseID[domain.Child](s); err == nil {
			req.Together = append(req.Together, id)
		}
	}
	return req, problems
}

func (a *app) applySubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	req, problems := readApplyForm(r, c.Lang)
	if req.IntakeID.IsZero() {
		return api.BadRequest("invalid-form", "the form names no intake")
	}
	var ap admission.Application
	var err error
	if len(problems) == 0 {
		ap, err = a.apply(ctx, c, req)
		var ve *domain.ValidationError
		if errors.As(err, &ve) {
			for _, f := range ve.Fields {
				problems = append(problems, fieldProblem(c.Lang, f))
			}
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		content, err := a.applyForm(ctx, c, req.IntakeID, &req)
		if err != nil {
			return err
		}
		content.Errors = problems
		a.Page(w, r, c, http.StatusUnprocessableEntity, "admission_apply", "admission.apply.title", content)
		return nil
	}
	seeOther(w, r, "/children/"+c.ChildID.String()+"/applications/"+ap.ID.String(), nil)
	return nil
}

// fieldProblem says what is wrong with a field in the page's language.
func fieldProblem(l web.Locale, f domain.FieldError) string {
	label := f.Field
	switch {
	case strings.HasPrefix(f.Field, "preferences["):
		var i int
		fmt.Sscanf(f.Field, "preferences[%d]", &i)
		label = l.T("admission.apply.choice", i+1)
	case f.Field == "preferences":
		label = l.T("admission.apply.preferences")
	case f.Field == "hours":
		label = l.T("admission.apply.hours")
	case f.Field == "start":
		label = l.T("admission.apply.start")
	}
	return l.T("admission.apply.fieldError", label, l.FieldReason(f))
}

// Guardian: an application.

type applicationContent struct {
	Child, ChildID, Intake string
	Status                 string
	Deadline               string
	Preferences            []string
	Start, Hours           string
	History                []historyRow
	Waiting                []waitingRow
	Offers                 []offerRow
	DecisionHref           string
	Answered               string
}

type historyRow struct {
	When, Status, Unit string
}

type waitingRow struct {
	Unit     string
	Rank     int
	Position int
}

type offerRow struct {
	Unit, Start, Deadline, Status string
	Rank, Hours                   int
	Open                          bool
	AcceptAction, DeclineAction   string
}

func (a *app) applicationPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	ap, err := a.childApplication(ctx, r, c)
	if err != nil {
		return err
	}
	svc := a.Admission()
	v, err := svc.View(ctx, c.Actor, ap.ID)
	if err != nil {
		return err
	}
	in, err := a.Store.Intake(ctx, m, ap.Intake)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return err
	}
	l := langOf(c)
	ch := c.Record.Child
	answered := r.URL.Query().Get("answered")
	if answered != "accepted" && answered != "declined" {
		answered = ""
	}
	content := applicationContent{
		Child: ch.GivenName + " " + ch.FamilyName, ChildID: ch.ID.String(), Intake: in.Name, Status: v.Status.Render(l),
		Start: c.Lang.Date(ap.Start), Answered: answered,
	}
	if ap.Hours > 0 {
		content.Hours = fmt.Sprint(ap.Hours)
	}
	if !v.NextDeadline.IsZero() {
		content.Deadline = c.Lang.Date(lastDay(v.NextDeadline))
	}
	for _, u := range ap.Preferences {
		content.Preferences = append(content.Preferences, n.units[u])
	}
	for _, s := range v.History {
		content.History = append(content.History, historyRow{When: when(c.Lang, s.At), Status: s.Status.Render(l), Unit: n.units[s.Unit]})
	}
	for _, e := range v.Waiting {
		if e.Rank >= 1 && e.Rank <= len(ap.Preferences) {
			content.Waiting = append(content.Waiting, waitingRow{Unit: n.units[ap.Preferences[e.Rank-1]], Rank: e.Rank, Position: e.Position})
		}
	}
	base := "/children/" + ch.ID.String() + "/offers/"
	for _, o := range v.Offers {
		content.Offers = append(content.Offers, offerRow{Unit: n.units[o.Unit], Start: c.Lang.Date(o.Start), Deadline: c.Lang.Date(lastDay(o.Deadline)),
			Status: offerStatus(c.Lang, o.Status), Rank: o.Rank, Hours: o.Hours, Open: o.Status == admission.OfferOpen,
			AcceptAction: base + o.ID.String() + "/accept", DeclineAction: base + o.ID.String() + "/decline"})
	}
	if _, err := svc.Decision(ctx, c.Actor, ap.ID); err == nil {
		content.DecisionHref = "/children/" + ch.ID.String() + "/applications/" + ap.ID.String() + "/decision"
	} else if !domain.IsNotFound(err) {
		return err
	}
	if err := a.Audit(ctx, c.Actor, "admission.application.read", "application/"+ap.ID.String(), c.ChildID); err != nil {
		return err
	}
	a.Page(w, r, c, http.StatusOK, "admission_application", "admission.application.title", content)
	return nil
}

func offerStatus(l web.Locale, s admission.OfferStatus) string {
	return l.T("admission.offer." + string(s))
}

type decisionContent struct {
	Child, Intake, Back string
	// Doc is the letter, as the PDF (PDF) shows it too.
	Doc domain.Document
	PDF string
}

// decisionPage is the decision letter as a printable page, in the user's
// language: the page's header, menu and links are not printed.
func (a *app) decisionPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	d, doc, err := a.decisionLetter(ctx, r, c, langOf(c))
	if err != nil {
		return err
	}
	base := "/children/" + c.ChildID.String() + "/applications/" + d.Application.String()
	content := decisionContent{Child: d.ChildName, Intake: d.Intake, Doc: doc, Back: base, PDF: base + "/decision.pdf"}
	a.Page(w, r, c, http.StatusOK, "admission_decision", "admission.decision.title", content)
	return nil
}

// answerSubmit accepts or declines an offer from the application page.
func (a *app) answerSubmit(accept bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Call) error {
		ctx := r.Context()
		o, err := a.childOffer(ctx, r, c)
		if err != nil {
			return err
		}
		if _, err := a.answer(ctx, c, o, accept); err != nil {
			return err
		}
		answered := "declined"
		if accept {
			answered = "accepted"
		}
		seeOther(w, r, "/children/"+c.ChildID.String()+"/applications/"+o.Application.String(), url.Values{"answered": {answered}})
		return nil
	}
}

// Caseworker: intakes.

type intakesContent struct {
	Intakes []intakeRow
}

type intakeRow struct {
	Href, Name, Kind, Deadline, Start, State string
	Applications                             int
}

func (a *app) intakesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	intakes, err := a.Store.Intakes(ctx, m)
	if err != nil {
		return err
	}
	// Every intake's figures from one read, not its applications and runs
	// read one intake at a time (issue 24).
	figures, err := a.Store.IntakeFigures(ctx, m)
	if err != nil {
		return err
	}
	byIntake := make(map[admission.IntakeID]admission.IntakeFigures, len(figures))
	for _, f := range figures {
		byIntake[f.Intake] = f
	}
	var content intakesContent
	for _, in := range intakes {
		f := byIntake[in.ID]
		content.Intakes = append(content.Intakes, intakeRow{Href: "/admission/intakes/" + in.ID.String(), Name: in.Name,
			Kind: c.Lang.T("kind." + string(in.Kind)), Deadline: c.Lang.Date(in.Deadline), Start: c.Lang.Date(in.Start),
			State: intakeFiguresState(c.Lang, f), Applications: f.Applications})
	}
	a.Page(w, r, c, http.StatusOK, "admission_intakes", "admission.intakes.title", content)
	return nil
}

// intakeFiguresState is intakeState from an intake's figures.
func intakeFiguresState(l web.Locale, f admission.IntakeFigures) string {
	switch {
	case f.Approved:
		return l.T("admission.state.approved")
	case f.Runs > 0:
		return l.T("admission.state.draft", f.Runs)
	}
	return l.T("admission.state.open")
}

func intakeState(l web.Locale, runs []admission.Run) string {
	for _, run := range runs {
		if run.IsApproved() {
			return l.T("admission.state.approved")
		}
	}
	if len(runs) > 0 {
		return l.T("admission.state.draft", len(runs))
	}
	return l.T("admission.state.open")
}

type intakeContent struct {
	Intake       admission.Intake
	ID, Kind     string
	Deadline     string
	Start        string
	Main         bool
	State        string
	Approved     bool
	Seats        []seatRow
	Applications []intakeApplicationRow
	Runs         []runRow
	Criteria     []string
	AnswerDays   int
	// BeforeDeadline: a run needs a reason (admission.CheckRunTime);
	// Reason and ReasonError are the run form as typed and its refusal.
	BeforeDeadline      bool
	Reason, ReasonError string
	// Total and Counts are the intake's figures: its applications, and
	// how many stand at each status.
	Total  int
	Counts []statusCount
	// Filter is the application list's filter as asked; Matching how many
	// applications it lets through; PrevHref and NextHref the pager.
	Filter             intakeFilter
	StatusOptions      []option
	UnitOptions        []option
	Matching           int
	PrevHref, NextHref string
}

type statusCount struct {
	Status, Label, Href string
	N                   int
}

// intakeFilter is the application list's filter: a status, a unit the
// application ranks, and a search in the child's name or national ID.
type intakeFilter struct {
	Status, Unit, Q string
}

type seatRow struct {
	Unit                 string
	Places, Small, Large int
}

type intakeApplicationRow struct {
	Child, Href, Group, Submitted, Status, Statutory string
	Preferences                                      []string
}

type runRow struct {
	Href, Created, By, State string
	Seed                     uint64
	Placed, Children         int
}

func (a *app) intakePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	return a.renderIntake(w, r, c, in, http.StatusOK, "", "")
}

// intakeStatuses is the order the intake's figures name the statuses in.
var intakeStatuses = []admission.Status{admission.StatusReceived, admission.StatusInProcess, admission.StatusWaiting,
	admission.StatusOffered, admission.StatusAccepted, admission.StatusDeclined, admission.StatusLapsed,
	admission.StatusRejected, admission.StatusWithdrawn}

// renderIntake shows an intake, with the run form as typed and its
// refusal. The applications come from one read of the intake
// (IntakeStatuses), in pages of web.PageSize by submission time (keyset:
// ?after= and ?before= name a row's key), filtered by ?status=, ?unit= and
// the search ?q=; only the children of the rows shown are read and logged.
func (a *app) renderIntake(w http.ResponseWriter, r *http.Request, c *web.Call, in admission.Intake, status int, reason, reasonErr string) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	id := in.ID
	set, err := a.Admission().Settings(ctx, c.Actor)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return err
	}
	runs, err := a.Store.Runs(ctx, m, id)
	if err != nil {
		return err
	}
	apps, err := a.Admission().IntakeStatuses(ctx, c.Actor, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := intakeFilter{Status: q.Get("status"), Unit: q.Get("unit"), Q: strings.TrimSpace(q.Get("q"))}
	content := intakeContent{Intake: in, ID: id.String(), Kind: c.Lang.T("kind." + string(in.Kind)), Deadline: c.Lang.Date(in.Deadline),
		Start: c.Lang.Date(in.Start), Main: in.Main, State: intakeState(c.Lang, runs), AnswerDays: in.AnswerDays,
		BeforeDeadline: domain.Today(a.Clock) <= in.Deadline, Reason: reason, ReasonError: reasonErr, Filter: f, Total: len(apps)}
	for _, cr := range in.Criteria {
		content.Criteria = append(content.Criteria, criterionLabel(c.Lang, set, cr))
	}
	for _, st := range in.Seats {
		cp := st.Capacity(in.SmallWeight)
		content.Seats = append(content.Seats, seatRow{Unit: n.units[st.Unit], Places: st.Places, Small: cp.Small, Large: cp.Large})
		content.UnitOptions = append(content.UnitOptions, option{Value: st.Unit.String(), Label: n.units[st.Unit], Selected: st.Unit.String() == f.Unit})
	}
	l := langOf(c)
	counts := map[admission.Status]int{}
	for _, ap := range apps {
		counts[ap.Status]++
	}
	base := "/admission/intakes/" + id.String()
	for _, st := range intakeStatuses {
		label := st.Render(l)
		content.StatusOptions = append(content.StatusOptions, option{Value: string(st), Label: label, Selected: string(st) == f.Status})
		if counts[st] > 0 {
			content.Counts = append(content.Counts, statusCount{Status: string(st), Label: label, N: counts[st],
				Href: base + "?" + url.Values{"status": {string(st)}}.Encode() + "#applications"})
		}
	}
	// The search needs the names of the intake's children: one read of
	// them, only when there is a search.
	var found map[domain.ChildID]bool
	if f.Q != "" {
		ids := make([]domain.ChildID, len(apps))
		for i, ap := range apps {
			ids[i] = ap.Application.Child
		}
		if found, err = a.findChildren(ctx, m, ids, f.Q); err != nil {
			return err
		}
	}
	rows := make([]admission.ApplicationStatus, 0, len(apps))
	for _, ap := range apps {
		switch {
		case f.Status != "" && string(ap.Status) != f.Status:
		case f.Unit != "" && !slices.ContainsFunc(ap.Application.Preferences, func(u domain.UnitID) bool { return u.String() == f.Unit }):
		case found != nil && !found[ap.Application.Child]:
		default:
			rows = append(rows, ap)
		}
	}
	key := func(ap admission.ApplicationStatus) string {
		return web.TimeKey(ap.Application.Submitted, ap.Application.ID.String())
	}
	slices.SortFunc(rows, func(x, y admission.ApplicationStatus) int { return strings.Compare(key(x), key(y)) })
	content.Matching = len(rows)
	page := web.KeysetPage(rows, key, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, page.Prev, page.Next, "q", "status", "unit")
	ids := make([]domain.ChildID, len(page.Rows))
	for i, ap := range page.Rows {
		ids[i] = ap.Application.Child
	}
	cs, err := a.Store.ChildrenByID(ctx, m, ids)
	if err != nil {
		return err
	}
	children := make(map[domain.ChildID]domain.Child, len(cs))
	for _, ch := range cs {
		children[ch.ID] = ch
	}
	for _, as := range page.Rows {
		ap := as.Application
		ch := children[ap.Child]
		row := intakeApplicationRow{Child: ch.GivenName + " " + ch.FamilyName, Href: "/children/" + ap.Child.String() + "/applications/" + ap.ID.String(),
			Group: c.Lang.T("admission.group." + string(in.Group(ch.BirthDate))), Submitted: when(c.Lang, ap.Submitted), Status: as.Status.Render(l)}
		if ap.Statutory.Claimed {
			row.Statutory = c.Lang.T("admission.doc." + ap.Statutory.Documented)
		}
		for _, u := range ap.Preferences {
			row.Preferences = append(row.Preferences, n.units[u])
		}
		content.Applications = append(content.Applications, row)
	}
	for _, run := range runs {
		state := c.Lang.T("admission.run.draft")
		if run.IsApproved() {
			state = c.Lang.T("admission.run.approved", when(c.Lang, run.Approved))
			content.Approved = true
		}
		content.Runs = append(content.Runs, runRow{Href: "/admission/runs/" + run.ID.String(), Created: when(c.Lang, run.Created), By: a.runBy(ctx, c, run),
			State: state, Seed: run.Seed, Placed: run.Stats.Placed, Children: run.Stats.Children})
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.applications.list", "intake/"+id.String(), ids...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, status, "admission_intake", "admission.intake.title", content)
	return nil
}

func criterionName(l web.Locale, cr admission.Criterion) string {
	if name, ok := strings.CutPrefix(string(cr), admission.LocalPrefix); ok {
		return l.T("admission.criterion.local", name)
	}
	return l.T("admission.criterion." + string(cr))
}

// criterionLabel names a criterion with the municipality's name of a
// local criterion.
func criterionLabel(l web.Locale, set admission.Settings, cr admission.Criterion) string {
	if name, ok := strings.CutPrefix(string(cr), admission.LocalPrefix); ok {
		if lc, ok := set.Local(name); ok {
			name = lc.Name.In(admission.Lang(l.Code))
		}
		return l.T("admission.criterion.local", name)
	}
	return l.T("admission.criterion." + string(cr))
}

func (a *app) runSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	reason := r.PostForm.Get("reason")
	run, err := a.runIntake(r.Context(), c, in.ID, 0, reason)
	var ve *domain.ValidationError
	if errors.As(err, &ve) && domain.FieldOf(err) == "reason" {
		return a.renderIntake(w, r, c, in, http.StatusUnprocessableEntity, reason, reasonText(c.Lang, ve.Fields[0].Reason, ve.Fields[0].Params))
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/admission/runs/"+run.ID.String(), nil)
	return nil
}

// Caseworker: a run.

type runContent struct {
	ID, Intake, IntakeHref, Href string
	Created, By                  string
	Seed                         uint64
	Approved                     string
	Stats                        admission.Stats
	RankRows                     []rankRow
	StatutoryOK                  bool
	Results                      []resultRow
	Offers                       int
	// Reason is why it ran before the application deadline.
	Reason string
	// The results' list (resultList): its figures per unit, the filter as
	// asked and its options, the rows it lets through, and the pager.
	Figures            []resultFigure
	Filter             resultFilter
	Filtered           bool
	UnitOptions        []option
	Matching           int
	PrevHref, NextHref string
}

type rankRow struct {
	Rank, Children int
}

type resultRow struct {
	Child, Group, Unit string
	Rank               int
	Explanation        []string
}

// runPage shows a run: its figures, and its children's results with
// their explanations in keyset pages (?after=, ?before=) by the unit
// offered, filtered by it (?unit=) and searched by name or national ID
// (?q=). Only the children shown are read and logged.
func (a *app) runPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	id, err := api.PathID[admission.Run](r, "runId")
	if err != nil {
		return err
	}
	run, err := a.Store.Run(ctx, m, id)
	if err != nil {
		return err
	}
	in, err := a.Store.Intake(ctx, m, run.Intake)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return err
	}
	l := langOf(c)
	q := r.URL.Query()
	href := "/admission/runs/" + id.String()
	content := runContent{ID: id.String(), Intake: in.Name, IntakeHref: "/admission/intakes/" + in.ID.String(), Href: href, Created: when(c.Lang, run.Created),
		By: a.runBy(ctx, c, run), Seed: run.Seed, Stats: run.Stats, StatutoryOK: run.Stats.StatutoryPlaced == run.Stats.Statutory, Reason: run.Reason,
		Filter: resultFilter{Unit: q.Get("unit"), Q: strings.TrimSpace(q.Get("q"))}}
	content.Filtered = content.Filter.any()
	if run.IsApproved() {
		content.Approved = when(c.Lang, run.Approved)
	}
	for i, k := range run.Stats.RankDistribution {
		content.RankRows = append(content.RankRows, rankRow{Rank: i + 1, Children: k})
	}
	content.UnitOptions, content.Figures = resultUnits(c.Lang.T("admission.stats.unplaced"), in, n, run.Results, content.Filter, href)
	rows, err := a.filterResults(ctx, m, run.Results, content.Filter)
	if err != nil {
		return err
	}
	key := resultKey(in)
	slices.SortFunc(rows, func(x, y admission.RunResult) int { return strings.Compare(key(x), key(y)) })
	content.Matching = len(rows)
	page := web.KeysetPage(rows, key, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, page.Prev, page.Next, "q", "unit")
	ids := make([]domain.ChildID, len(page.Rows))
	for i, res := range page.Rows {
		ids[i] = res.Child
	}
	if err := a.childNames(ctx, m, n, ids); err != nil {
		return err
	}
	for _, res := range page.Rows {
		content.Results = append(content.Results, resultRow{Child: n.children[res.Child], Group: c.Lang.T("admission.group." + string(res.Group)),
			Unit: n.units[res.Unit], Rank: res.Rank, Explanation: n.explain(res, l)})
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.run.read", "run/"+id.String(), ids...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "admission_run", "admission.run.title", content)
	return nil
}

// Caseworker: waiting lists and obligations.

type waitingContent struct {
	Intake, IntakeHref, Href string
	// The figures of all the lists: how many lists, places on them and
	// children waiting; Matching counts the rows the filter keeps.
	Lists, Entries, Children, Matching int
	// The filter as given: the unit's ID ("" for all) and the search.
	Unit, Query        string
	Units              []waitingUnitOption
	Rows               []waitingEntryRow
	PrevHref, NextHref string
	Filtered           bool
}

type waitingUnitOption struct {
	ID, Name string
	Selected bool
}

type waitingEntryRow struct {
	Unit, Group    string
	Position, Rank int
	Child          string
}

// waitingPlace is one place on one of the intake's waiting lists, for the
// flat, paged table of them.
type waitingPlace struct {
	list  int // the list's place among the intake's lists
	unit  domain.UnitID
	group domain.AgeGroup
	admission.WaitingEntry
}

// waitingKey orders the places as the lists do: by list, then by the
// entry's key (priorities held, then the draw or the submission). It holds
// no position, so a child added ahead of others on a list does not move
// the page's cut.
func waitingKey(p waitingPlace) string {
	return fmt.Sprintf("%04d.%s", p.list, p.Key)
}

// waitingPage shows the intake's waiting lists as one table in keyset
// pages (?after=, ?before=), filtered by unit (?unit=) and by a search in
// the child's name and national ID (?q=), with the lists' figures at the
// top. The lists come from one read of the intake; names are read for the
// rows shown (with a search, for everyone waiting, in one read), and only
// the children shown are logged.
func (a *app) waitingPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	ls, err := a.waitingLists(ctx, c, in)
	if err != nil {
		return err
	}
	n, err := a.names(ctx, m, false)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	content := waitingContent{Intake: in.Name, IntakeHref: "/admission/intakes/" + id.String(), Lists: len(ls),
		Href: "/admission/intakes/" + id.String() + "/waiting-lists",
		Unit: q.Get("unit"), Query: strings.TrimSpace(q.Get("q"))}
	content.Filtered = content.Unit != "" || content.Query != ""
	var places []waitingPlace
	children := map[domain.ChildID]bool{}
	for i, wl := range ls {
		for _, e := range wl.Entries {
			children[e.Child] = true
			if content.Unit == "" || content.Unit == wl.Unit.String() {
				places = append(places, waitingPlace{list: i, unit: wl.Unit, group: wl.Group, WaitingEntry: e})
			}
		}
	}
	content.Entries, content.Children = 0, len(children)
	for _, wl := range ls {
		content.Entries += len(wl.Entries)
	}
	for _, st := range in.Seats {
		content.Units = append(content.Units, waitingUnitOption{ID: st.Unit.String(), Name: n.units[st.Unit], Selected: content.Unit == st.Unit.String()})
	}
	known := map[domain.ChildID]domain.Child{}
	read := func(ps []waitingPlace) error {
		ids := make([]domain.ChildID, 0, len(ps))
		for _, p := range ps {
			if _, ok := known[p.Child]; !ok {
				ids = append(ids, p.Child)
			}
		}
		cs, err := a.Store.ChildrenByID(ctx, m, ids)
		for _, ch := range cs {
			known[ch.ID] = ch
		}
		return err
	}
	if content.Query != "" {
		if err := read(places); err != nil {
			return err
		}
		digits := strings.ReplaceAll(content.Query, " ", "")
		places = slices.DeleteFunc(places, func(p waitingPlace) bool {
			ch := known[p.Child]
			return !web.Matches(ch.GivenName+" "+ch.FamilyName, content.Query) &&
				(ch.NationalID.IsZero() || !strings.HasPrefix(ch.NationalID.String(), digits))
		})
	}
	content.Matching = len(places)
	page := web.KeysetPage(places, waitingKey, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, page.Prev, page.Next, "unit", "q")
	if err := read(page.Rows); err != nil {
		return err
	}
	shown := make([]domain.ChildID, 0, len(page.Rows))
	for _, p := range page.Rows {
		ch := known[p.Child]
		content.Rows = append(content.Rows, waitingEntryRow{Unit: n.units[p.unit], Group: c.Lang.T("admission.group." + string(p.group)),
			Position: p.Position, Rank: p.Rank, Child: ch.GivenName + " " + ch.FamilyName})
		if !slices.Contains(shown, p.Child) {
			shown = append(shown, p.Child)
		}
	}
	if len(shown) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.waiting.read", "intake/"+id.String(), shown...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "admission_waiting", "admission.waiting.title", content)
	return nil
}

type obligationsContent struct {
	Intake, IntakeHref, Href, Month string
	Main                            bool
	// Children counts the children with a right and no offer; Matching
	// the rows the search keeps.
	Children, Matching int
	Query              string
	Filtered           bool
	Rows               []obligationRow
	PrevHref, NextHref string
}

type obligationRow struct {
	Child, From, Right string
}

// obligationKey orders the obligations by the month the right applies
// from, then by application.
func obligationKey(o admission.Obligation) string {
	return fmt.Sprintf("%04d-%02d.%s", o.From.Year, int(o.From.Month), o.Application)
}

// obligationsPage shows the children with a right to a place and no offer
// in keyset pages (?after=, ?before=), searched by the child's name or
// national ID (?q=), with their number at the top. Names are read for the
// rows shown (with a search, for every child in the report, in one read),
// and only the children shown are logged.
func (a *app) obligationsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	m := c.Actor.Municipality
	in, err := a.pathIntake(r, c)
	if err != nil {
		return err
	}
	id := in.ID
	month, err := obligationMonth(r, in)
	if err != nil {
		return err
	}
	obs, err := a.Admission().Obligations(ctx, c.Actor, id, month)
	if err != nil {
		return err
	}
	slices.SortFunc(obs, func(x, y admission.Obligation) int { return strings.Compare(obligationKey(x), obligationKey(y)) })
	q := r.URL.Query()
	content := obligationsContent{Intake: in.Name, IntakeHref: "/admission/intakes/" + id.String(),
		Href: "/admission/intakes/" + id.String() + "/obligations", Month: fmtMonth(c.Lang, month), Main: in.Main,
		Children: len(obs), Query: strings.TrimSpace(q.Get("q"))}
	content.Filtered = content.Query != ""
	known := map[domain.ChildID]domain.Child{}
	read := func(os []admission.Obligation) error {
		ids := make([]domain.ChildID, 0, len(os))
		for _, o := range os {
			if _, ok := known[o.Child]; !ok {
				ids = append(ids, o.Child)
			}
		}
		cs, err := a.Store.ChildrenByID(ctx, m, ids)
		for _, ch := range cs {
			known[ch.ID] = ch
		}
		return err
	}
	if content.Filtered {
		if err := read(obs); err != nil {
			return err
		}
		digits := strings.ReplaceAll(content.Query, " ", "")
		obs = slices.DeleteFunc(obs, func(o admission.Obligation) bool {
			ch := known[o.Child]
			return !web.Matches(ch.GivenName+" "+ch.FamilyName, content.Query) &&
				(ch.NationalID.IsZero() || !strings.HasPrefix(ch.NationalID.String(), digits))
		})
	}
	content.Matching = len(obs)
	page := web.KeysetPage(obs, obligationKey, q.Get("after"), q.Get("before"), web.PageSize)
	content.PrevHref, content.NextHref = web.PagerLinks(q, page.Prev, page.Next, "month", "q")
	if err := read(page.Rows); err != nil {
		return err
	}
	ids := make([]domain.ChildID, 0, len(page.Rows))
	for _, o := range page.Rows {
		ch := known[o.Child]
		content.Rows = append(content.Rows, obligationRow{Child: ch.GivenName + " " + ch.FamilyName, From: fmtMonth(c.Lang, o.From), Right: o.Right.Render(langOf(c))})
		ids = append(ids, o.Child)
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "admission.obligations.read", "intake/"+id.String(), ids...); err != nil {
			return err
		}
	}
	a.Page(w, r, c, http.StatusOK, "admission_obligations", "admission.obligations.title", content)
	return nil
}

// runBy is who made a run, as a person reads it (personName).
func (a *app) runBy(ctx context.Context, c *web.Call, run admission.Run) string {
	if run.CreatedByName != "" {
		return run.CreatedByName
	}
	return a.personName(ctx, c, run.CreatedBy)
}

// personName is who acted, as a person reads it, from what a record kept
// (a display name, or the login ID of a record made before actors carried
// names): a display name as it is, a login ID as the staff member's name,
// else as the role ("a caseworker"). A login ID is never shown.
func (a *app) personName(ctx context.Context, c *web.Call, kept string) string {
	if kept == "" {
		return ""
	}
	if s, err := a.Store.StaffByPrincipal(ctx, c.Actor.Municipality, kept); err == nil {
		return s.Name
	}
	if strings.Contains(strings.TrimSpace(kept), " ") {
		return kept
	}
	return c.Lang.T("admission.run.someCaseworker")
}

// paragraphs splits a rendered letter at its blank lines, and each
// paragraph into its lines.
func paragraphs(text string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}
