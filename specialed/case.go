package specialed

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// IDs of the package's records.
type (
	CaseID       = domain.ID[Case]
	PPTID        = domain.ID[PPT]
	EntryID      = domain.ID[Entry]
	AttachmentID = domain.ID[Attachment]
)

// PPT is an educational-psychological service (pedagogisk-psykologisk
// tjeneste): not a unit of the directory (it has no children placed) but a
// record of this package. Members are the login subjects of its staff
// (domain.Actor.Subject); a staff actor who is a member sees and works on
// the cases referred to it.
type PPT struct {
	ID           PPTID               `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Name         string              `json:"name"`
	Members      []string            `json:"members"`
}

// Validate checks the record on its own.
func (p PPT) Validate() error {
	var ps domain.Problems
	checkRecord(&ps, p.ID.IsZero(), p.Municipality)
	checkLine(&ps, "name", p.Name, 200, true)
	for i, m := range p.Members {
		checkLine(&ps, fmt.Sprintf("members[%d]", i), m, domain.MaxPrincipal, true)
	}
	return ps.Err()
}

// Member reports whether subject is on the PPT's staff.
func (p PPT) Member(subject string) bool { return subject != "" && slices.Contains(p.Members, subject) }

// DecisionKind is what a decision (or recommendation) is about.
type DecisionKind string

// Decision kinds.
const (
	// SpecialEducationHelp is spesialpedagogisk hjelp in kindergarten.
	SpecialEducationHelp DecisionKind = "special-education-help"
	// Adaptation is tilrettelegging for a child with disabilities in
	// kindergarten.
	Adaptation DecisionKind = "adaptation"
	// AdaptedEducation is individuelt tilrettelagd opplæring in school.
	AdaptedEducation DecisionKind = "individually-adapted-education"
)

func (k DecisionKind) valid() bool {
	return k == SpecialEducationHelp || k == Adaptation || k == AdaptedEducation
}

// Outcome is what a recommendation or decision concludes.
type Outcome string

// Outcomes.
const (
	Granted Outcome = "granted" // the child needs (is given) the help
	Refused Outcome = "refused" // the child does not need (is not given) it
)

// Provider is who gives the help.
type Provider string

// Providers.
const (
	Teacher   Provider = "special-education-teacher" // spesialpedagog / lærar
	Assistant Provider = "assistant"                 // assistent
)

// Hours is a number of hours per week given by a provider.
type Hours struct {
	Provider Provider        `json:"provider"`
	PerWeek  decimal.Decimal `json:"perWeek"`
}

// Provision is what PPT recommends or the caseworker decides: the outcome,
// the kind of help, the hours per week by whom, how it is organised, and
// from when to when.
type Provision struct {
	Outcome      Outcome      `json:"outcome"`
	Kind         DecisionKind `json:"kind,omitempty"`
	Hours        []Hours      `json:"hours,omitempty"`
	Organisation string       `json:"organisation,omitempty"`
	From         date.Date    `json:"from,omitzero"`
	To           date.Date    `json:"to,omitzero"`
}

// MaxHours is the most hours per week a provider may be given.
const MaxHours = 60

// HoursOf returns the hours per week of a provider (zero when none).
func (p Provision) HoursOf(by Provider) decimal.Decimal {
	sum := decimal.Zero
	for _, h := range p.Hours {
		if h.Provider == by {
			sum = sum.Add(h.PerWeek)
		}
	}
	return sum
}

func (p Provision) validate(ps *domain.Problems, prefix string) {
	if p.Outcome != Granted && p.Outcome != Refused {
		ps.Add(prefix+".outcome", ReasonUnknownOutcome)
	}
	if p.Kind != "" && !p.Kind.valid() {
		ps.Add(prefix+".kind", ReasonUnknownKind)
	}
	for i, h := range p.Hours {
		f := fmt.Sprintf("%s.hours[%d]", prefix, i)
		if h.Provider != Teacher && h.Provider != Assistant {
			ps.Add(f+".provider", ReasonUnknownProvider)
		}
		if !h.PerWeek.IsPositive() || h.PerWeek.GreaterThan(decimal.NewFromInt(MaxHours)) || h.PerWeek.Exponent() < -2 {
			ps.Add(f+".perWeek", ReasonOutOfRange, "min", "0", "max", fmt.Sprint(MaxHours))
		}
	}
	checkLine(ps, prefix+".organisation", p.Organisation, 500, false)
	if p.From != date.Zero && p.To != date.Zero && p.To < p.From {
		ps.Add(prefix+".to", ReasonEndsBeforeStart)
	}
}

// Departures lists the points where a decision departs from the
// recommendation: "outcome", "kind", "hours.<provider>", "organisation".
func Departures(recommended, decided Provision) []string {
	var out []string
	if recommended.Outcome != decided.Outcome {
		out = append(out, "outcome")
	}
	if recommended.Kind != "" && decided.Kind != "" && recommended.Kind != decided.Kind {
		out = append(out, "kind")
	}
	for _, by := range []Provider{Teacher, Assistant} {
		if !recommended.HoursOf(by).Equal(decided.HoursOf(by)) {
			out = append(out, "hours."+string(by))
		}
	}
	if recommended.Organisation != "" && decided.Organisation != "" && recommended.Organisation != decided.Organisation {
		out = append(out, "organisation")
	}
	return out
}

// Case is a special-education case of one child. Its history is its
// entries (Entry); the case carries what the worklist, the access rules
// and the letters need.
type Case struct {
	ID           CaseID              `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Child        domain.ChildID      `json:"child"`
	// Unit is the child's kindergarten or school.
	Unit    domain.UnitID `json:"unit"`
	Setting Setting       `json:"setting"`
	// Staff are the login subjects of the staff given the case at the
	// unit (the one who recorded the concern among them).
	Staff []string `json:"staff"`
	// PPT is the service the case is referred to (zero before referral).
	PPT PPTID `json:"ppt,omitzero"`
	// Last is the latest step recorded, and LastDay the day it was.
	Last    StepID    `json:"last"`
	LastDay date.Date `json:"lastDay"`
	// Days are the days each step was last recorded.
	Days map[StepID]date.Date `json:"days"`
	// Recommendation is PPT's latest recommendation; Decision the latest
	// decision with the reason for any departure.
	Recommendation *Provision `json:"recommendation,omitempty"`
	Decision       *Provision `json:"decision,omitempty"`
	DecisionReason string     `json:"decisionReason,omitempty"`
	DecidedBy      string     `json:"decidedBy,omitempty"`
	// Ended is the day the case ended (zero while open).
	Ended   date.Date `json:"ended,omitzero"`
	Opened  time.Time `json:"opened"`
	Version int       `json:"version"`
}

// Open reports whether the case has not ended.
func (c Case) Open() bool { return c.Ended == date.Zero }

// SpecialNeeds returns the period of the decision in force that gives the
// child special needs for SFO (a granted decision on individually adapted
// education); false when there is none.
func (c Case) SpecialNeeds() (domain.Period, bool) {
	d := c.Decision
	if d == nil || d.Outcome != Granted || d.Kind != AdaptedEducation || d.From == date.Zero {
		return domain.Period{}, false
	}
	p := domain.Period{Start: d.From, End: d.To}
	if c.Ended != date.Zero && (p.End == date.Zero || c.Ended < p.End) {
		p.End = c.Ended
	}
	return p, true
}

// Validate checks the case on its own.
func (c Case) Validate() error {
	var ps domain.Problems
	checkRecord(&ps, c.ID.IsZero(), c.Municipality)
	if c.Child.IsZero() {
		ps.Add("child", ReasonRequired)
	}
	if c.Unit.IsZero() {
		ps.Add("unit", ReasonRequired)
	}
	if c.Setting != Kindergarten && c.Setting != School {
		ps.Add("setting", ReasonUnknownSetting)
	}
	for i, s := range c.Staff {
		checkLine(&ps, fmt.Sprintf("staff[%d]", i), s, domain.MaxPrincipal, true)
	}
	if !slices.Contains(allSteps, c.Last) {
		ps.Add("last", ReasonUnknownStep)
	}
	if c.Opened.IsZero() {
		ps.Add("opened", ReasonRequired)
	}
	if c.Version < 1 {
		ps.Add("version", ReasonOutOfRange, "min", "1")
	}
	if c.Recommendation != nil {
		c.Recommendation.validate(&ps, "recommendation")
	}
	if c.Decision != nil {
		c.Decision.validate(&ps, "decision")
	}
	checkText(&ps, "decisionReason", c.DecisionReason, MaxText)
	return ps.Err()
}

// Actor is who recorded something, as shown in a history: role, login
// subject and display name.
type Actor struct {
	Role    domain.Role `json:"role"`
	Subject string      `json:"subject"`
	Name    string      `json:"name,omitempty"`
}

func actorOf(a domain.Actor) Actor { return Actor{Role: a.Role, Subject: a.Subject, Name: a.Name} }

// Entry is one step recorded in a case: who, when, and what it holds.
// Entries are only ever appended; they are the case's history.
type Entry struct {
	ID           EntryID             `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Case         CaseID              `json:"case"`
	Step         StepID              `json:"step"`
	Day          date.Date           `json:"day"`
	At           time.Time           `json:"at"`
	By           Actor               `json:"by"`
	// Text is the concern, the referral, the summary of the assessment,
	// plan or report, or why the case ends.
	Text string `json:"text,omitempty"`
	// PPT is the service a referral goes to.
	PPT PPTID `json:"ppt,omitzero"`
	// Provision is the recommendation (assessment) or the decision.
	Provision *Provision `json:"provision,omitempty"`
	// Reason is why a decision departs from the recommendation; required
	// when it does.
	Reason string `json:"reason,omitempty"`
	// Guardian is the guardian who consents or withdraws.
	Guardian domain.GuardianID `json:"guardian,omitzero"`
}

// MaxText is the longest free text of an entry or document, in characters.
const MaxText = 20000

// entryFields are the fields a step may require (Step.Required).
var entryFields = []string{"text", "ppt", "provision.outcome", "provision.kind", "provision.from", "provision.hours", "provision.organisation", "guardian"}

func (e Entry) has(field string) bool {
	p := e.Provision
	switch field {
	case "text":
		return !domain.Blank(e.Text)
	case "ppt":
		return !e.PPT.IsZero()
	case "guardian":
		return !e.Guardian.IsZero()
	case "provision.outcome":
		return p != nil && p.Outcome != ""
	case "provision.kind":
		return p != nil && (p.Kind != "" || p.Outcome == Refused)
	case "provision.from":
		return p != nil && (p.From != date.Zero || p.Outcome == Refused)
	case "provision.hours":
		return p != nil && (len(p.Hours) > 0 || p.Outcome == Refused)
	case "provision.organisation":
		return p != nil && (!domain.Blank(p.Organisation) || p.Outcome == Refused)
	}
	return false
}

// Validate checks the entry on its own (the step's required fields are
// CheckEntry's).
func (e Entry) Validate() error {
	var ps domain.Problems
	checkRecord(&ps, e.ID.IsZero(), e.Municipality)
	if e.Case.IsZero() {
		ps.Add("case", ReasonRequired)
	}
	if !slices.Contains(allSteps, e.Step) {
		ps.Add("step", ReasonUnknownStep)
	}
	if e.Day == date.Zero {
		ps.Add("day", ReasonRequired)
	}
	if e.At.IsZero() {
		ps.Add("at", ReasonRequired)
	}
	checkLine(&ps, "by.subject", e.By.Subject, 200, true)
	checkText(&ps, "text", e.Text, MaxText)
	checkText(&ps, "reason", e.Reason, MaxText)
	if e.Provision != nil {
		e.Provision.validate(&ps, "provision")
	}
	return ps.Err()
}

// CheckEntry checks an entry against the rules and its case: the step may
// follow the case's latest step, has the fields its step requires, a
// decision's kind is one of the setting's, and a decision that departs
// from the recommendation gives its reason (ReasonDepartureNeedsReason on
// "reason", with the points in the parameter "points").
func CheckEntry(r Rules, c Case, e Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if !c.Open() {
		return domain.Conflict("case", ReasonCaseEnded)
	}
	if !r.CanFollow(c.Setting, c.Last, e.Step) {
		return domain.Conflict("step", ReasonStepOutOfOrder, "last", string(c.Last), "step", string(e.Step))
	}
	s, _ := r.Step(c.Setting, e.Step)
	var ps domain.Problems
	for _, f := range s.Required {
		if !e.has(f) {
			ps.Add(f, ReasonRequired)
		}
	}
	if p := e.Provision; p != nil && p.Kind != "" {
		f, _ := r.Flow(c.Setting)
		if !slices.Contains(f.DecisionKinds, p.Kind) {
			ps.Add("provision.kind", ReasonKindNotForSetting, "setting", string(c.Setting))
		}
	}
	if e.Step == StepDecision && e.Provision != nil && c.Recommendation != nil {
		if pts := Departures(*c.Recommendation, *e.Provision); len(pts) > 0 && domain.Blank(e.Reason) {
			ps.Add("reason", ReasonDepartureNeedsReason, "points", joinComma(pts))
		}
	}
	return ps.Err()
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

// Apply returns the case after the entry: its latest step and day, the
// day of the step, the PPT, the recommendation or decision, the end.
func (c Case) Apply(e Entry) Case {
	c.Days = maps(c.Days)
	c.Last, c.LastDay = e.Step, e.Day
	c.Days[e.Step] = e.Day
	switch e.Step {
	case StepReferral:
		c.PPT = e.PPT
	case StepAssessment:
		p := *e.Provision
		c.Recommendation = &p
	case StepDecision:
		p := *e.Provision
		c.Decision, c.DecisionReason, c.DecidedBy = &p, e.Reason, cmpOr(e.By.Name, e.By.Subject)
	case StepEnd:
		c.Ended = e.Day
	}
	c.Version++
	return c
}

func maps(m map[StepID]date.Date) map[StepID]date.Date {
	out := make(map[StepID]date.Date, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DocumentKind is the kind of a case document.
type DocumentKind string

// Document kinds: each is written by those who may do the step of the
// same name.
const (
	DocAssessment DocumentKind = "assessment"
	DocDecision   DocumentKind = "decision"
	DocPlan       DocumentKind = "plan"
	DocReport     DocumentKind = "report"
)

// Document is one version of a case document: the text, who wrote this
// version, when, and what they changed.
type Document struct {
	Municipality domain.Municipality `json:"municipality"`
	Case         CaseID              `json:"case"`
	Kind         DocumentKind        `json:"kind"`
	// Version counts from 1; a new version must be one more than the
	// latest of its kind.
	Version int       `json:"version"`
	Title   string    `json:"title"`
	Body    string    `json:"body"`
	Change  string    `json:"change,omitempty"`
	By      Actor     `json:"by"`
	At      time.Time `json:"at"`
}

// Validate checks the document on its own.
func (d Document) Validate() error {
	var ps domain.Problems
	if err := d.Municipality.Validate(); err != nil {
		ps.Merge("", err)
	}
	if d.Case.IsZero() {
		ps.Add("case", ReasonRequired)
	}
	switch d.Kind {
	case DocAssessment, DocDecision, DocPlan, DocReport:
	default:
		ps.Add("kind", ReasonUnknownDocument)
	}
	if d.Version < 1 {
		ps.Add("version", ReasonOutOfRange, "min", "1")
	}
	checkLine(&ps, "title", d.Title, 200, true)
	checkText(&ps, "body", d.Body, MaxText)
	if domain.Blank(d.Body) {
		ps.Add("body", ReasonRequired)
	}
	checkLine(&ps, "change", d.Change, 500, false)
	checkLine(&ps, "by.subject", d.By.Subject, 200, true)
	if d.At.IsZero() {
		ps.Add("at", ReasonRequired)
	}
	return ps.Err()
}

// MaxAttachment is the largest attachment kept, in bytes.
const MaxAttachment = 10 << 20

// Attachment is a file added to a case (a report from the health
// service, a scanned form).
type Attachment struct {
	ID           AttachmentID        `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Case         CaseID              `json:"case"`
	Name         string              `json:"name"`
	MediaType    string              `json:"mediaType"`
	Size         int                 `json:"size"`
	Content      []byte              `json:"-"`
	By           Actor               `json:"by"`
	At           time.Time           `json:"at"`
}

// Validate checks the attachment on its own.
func (a Attachment) Validate() error {
	var ps domain.Problems
	checkRecord(&ps, a.ID.IsZero(), a.Municipality)
	if a.Case.IsZero() {
		ps.Add("case", ReasonRequired)
	}
	checkLine(&ps, "name", a.Name, 200, true)
	checkLine(&ps, "mediaType", a.MediaType, 100, true)
	switch {
	case len(a.Content) == 0:
		ps.Add("content", ReasonRequired)
	case len(a.Content) > MaxAttachment:
		ps.Add("content", ReasonTooLarge, "max", fmt.Sprint(MaxAttachment))
	}
	if a.Size != len(a.Content) {
		ps.Add("size", ReasonSizeMismatch)
	}
	checkLine(&ps, "by.subject", a.By.Subject, 200, true)
	if a.At.IsZero() {
		ps.Add("at", ReasonRequired)
	}
	return ps.Err()
}

// Reminder is a notice sent once: its Key is
// "<kind>/<case>/<step>/<due>/<guardian ID or staff subject>".
type Reminder struct {
	Municipality domain.Municipality `json:"municipality"`
	Key          string              `json:"key"`
	Case         CaseID              `json:"case"`
	Step         StepID              `json:"step"`
	Due          date.Date           `json:"due"`
	// To is the guardian ID or the staff subject reminded.
	To string    `json:"to"`
	At time.Time `json:"at"`
	// NoAddress: no notice could be sent, the staff member has no work
	// e-mail address (or the subject is no staff member, or no
	// caseworker is granted the capability). The reminder stays on the
	// worklist for someone to act on.
	NoAddress bool `json:"noAddress,omitempty"`
}

// Validate checks the reminder on its own.
func (r Reminder) Validate() error {
	var ps domain.Problems
	if err := r.Municipality.Validate(); err != nil {
		ps.Merge("", err)
	}
	checkLine(&ps, "key", r.Key, 300, true)
	checkLine(&ps, "to", r.To, 200, true)
	if r.Case.IsZero() {
		ps.Add("case", ReasonRequired)
	}
	if r.At.IsZero() {
		ps.Add("at", ReasonRequired)
	}
	return ps.Err()
}

func checkRecord(ps *domain.Problems, zeroID bool, m domain.Municipality) {
	if zeroID {
		ps.Add("id", ReasonRequired)
	}
	if err := m.Validate(); err != nil {
		ps.Merge("", err)
	}
}

func checkLine(ps *domain.Problems, field, s string, max int, required bool) {
	if err := domain.CheckLine(field, s); err != nil {
		ps.Merge("", err)
		return
	}
	switch {
	case required && domain.Blank(s):
		ps.Add(field, ReasonRequired)
	case utf8.RuneCountInString(s) > max:
		ps.Add(field, ReasonTooLong, "max", fmt.Sprint(max))
	}
}

// checkText allows line breaks (a text of paragraphs) but no other
// control characters (domain.CheckText).
func checkText(ps *domain.Problems, field, s string, max int) {
	if err := domain.CheckText(field, s); err != nil {
		ps.Merge("", err)
		return
	}
	if utf8.RuneCountInString(s) > max {
		ps.Add(field, ReasonTooLong, "max", fmt.Sprint(max))
	}
}
