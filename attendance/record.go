package attendance

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Typed identifiers of attendance records.
type (
	CheckID         = domain.ID[Check]
	PickupID        = domain.ID[Pickup]
	AbsenceID       = domain.ID[Absence]
	DutyID          = domain.ID[Duty]
	SchoolAbsenceID = domain.ID[SchoolAbsence]
)

// CheckKind says whether a child arrived or left.
type CheckKind string

// Check kinds.
const (
	CheckIn  CheckKind = "in"
	CheckOut CheckKind = "out"
)

// Valid reports whether k is in or out.
func (k CheckKind) Valid() bool { return k == CheckIn || k == CheckOut }

// Warning codes a check event may be recorded with.
const (
	// WarnUnlistedCollector: the child was collected by someone who is not
	// on its pickup list (nor a guardian with parental responsibility).
	WarnUnlistedCollector = "collector.unlisted"
)

// MaxKeyLength is the longest idempotency key accepted.
const MaxKeyLength = 200

// Check is one check-in or check-out of a child at a unit.
type Check struct {
	ID           CheckID             `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	// Key is the idempotency key the device chose for the event: the same
	// key in the same municipality is one event.
	Key     string         `json:"key"`
	ChildID domain.ChildID `json:"childId"`
	UnitID  domain.UnitID  `json:"unitId"`
	Kind    CheckKind      `json:"kind"`
	// At is when it happened (Europe/Oslo); Day is its calendar day in Oslo.
	At  time.Time `json:"at"`
	Day date.Date `json:"day"`
	// By is the subject of the staff member who recorded it.
	By string `json:"by"`
	// Collector is who collected the child (check-out only).
	Collector Collector `json:"collector,omitzero"`
	// Warning is a code such as WarnUnlistedCollector, or "".
	Warning string `json:"warning,omitempty"`
}

// Collector is who collected a child: a person on the pickup list
// (Pickup), a guardian (Guardian), or someone named only by Name.
type Collector struct {
	Name     string            `json:"name,omitempty"`
	Pickup   PickupID          `json:"pickup,omitzero"`
	Guardian domain.GuardianID `json:"guardian,omitzero"`
}

// IsZero reports whether no collector is given.
func (c Collector) IsZero() bool { return c == Collector{} }

// Validate checks the event on its own.
func (c Check) Validate() error {
	var p domain.Problems
	if c.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", c.Municipality.Validate())
	checkKey(&p, c.Key)
	if c.ChildID.IsZero() {
		p.Add("childId", "required")
	}
	if c.UnitID.IsZero() {
		p.Add("unitId", "required")
	}
	if !c.Kind.Valid() {
		p.Add("kind", "is-not-in-or-out", "kind", fmt.Sprint(c.Kind))
	}
	if c.At.IsZero() {
		p.Add("at", "required")
	} else if c.Day != date.NewAt(c.At.In(domain.Oslo())) {
		p.Add("day", "is-not-the-day-of-at-in-europe-oslo")
	}
	checkText(&p, "by", c.By, true)
	if c.Kind == CheckIn && !c.Collector.IsZero() {
		p.Add("collector", "only-a-check-out-has-a-collector")
	}
	checkText(&p, "collector.name", c.Collector.Name, false)
	return p.Err()
}

// Same reports whether the stored record c is the event sent describes (a
// retry sends it again). The ID, the recorder and the warning are the
// store's; of the collector, what was sent must agree with what was stored
// (the store fills in a guardian's name and the matching pickup entry).
func (c Check) Same(sent Check) bool {
	col, sc := c.Collector, sent.Collector
	return c.Municipality == sent.Municipality && c.Key == sent.Key && c.ChildID == sent.ChildID &&
		c.UnitID == sent.UnitID && c.Kind == sent.Kind && c.At.Equal(sent.At) &&
		(sc.Name == "" || strings.EqualFold(strings.TrimSpace(sc.Name), strings.TrimSpace(col.Name))) &&
		(sc.Pickup.IsZero() || sc.Pickup == col.Pickup) && sc.Guardian == col.Guardian
}

func checkKey(p *domain.Problems, key string) {
	if err := domain.CheckLine("key", key); err != nil {
		p.Merge("", err)
		return
	}
	switch {
	case domain.Blank(key):
		p.Add("key", "required")
	case len(key) > MaxKeyLength:
		p.Add("key", "is-longer-than-bytes", "maxKeyLength", fmt.Sprint(MaxKeyLength))
	}
}

// checkText refuses a text that is not one line (domain.CheckLine), one
// over 200 characters, and a blank one when required.
func checkText(p *domain.Problems, field, s string, required bool) {
	checkLength(p, field, s, required, domain.CheckLine(field, s))
}

// checkNote is checkText for a free text that may span lines
// (domain.CheckText).
func checkNote(p *domain.Problems, field, s string) {
	checkLength(p, field, s, false, domain.CheckText(field, s))
}

func checkLength(p *domain.Problems, field, s string, required bool, chars error) {
	switch {
	case chars != nil:
		p.Merge("", chars)
	case required && domain.Blank(s):
		p.Add(field, "required")
	case utf8.RuneCountInString(s) > 200:
		p.Add(field, "longer-than", "max", "200")
	}
}

// Pickup authorises a person to collect a child. Guardians with parental
// responsibility keep the list; staff read it at check-out.
type Pickup struct {
	ID           PickupID            `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	ChildID      domain.ChildID      `json:"childId"`
	Name         string              `json:"name"`
	// Relation is what the person is to the child ("grandmother",
	// "neighbour").
	Relation string `json:"relation"`
	Phone    string `json:"phone,omitempty"`
	// ValidUntil is the last day the authorisation holds; zero means until
	// withdrawn.
	ValidUntil date.Date `json:"validUntil,omitzero"`
	// AddedBy is the guardian who put the person on the list.
	AddedBy domain.GuardianID `json:"addedBy"`
}

// SortPickups orders authorisations by name (domain.CompareNB), then ID.
func SortPickups(ps []Pickup) {
	slices.SortFunc(ps, func(a, b Pickup) int { return cmp.Or(domain.CompareNB(a.Name, b.Name), a.ID.Compare(b.ID)) })
}

// Validate checks the authorisation on its own.
func (pk Pickup) Validate() error {
	var p domain.Problems
	if pk.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", pk.Municipality.Validate())
	if pk.ChildID.IsZero() {
		p.Add("childId", "required")
	}
	checkText(&p, "name", pk.Name, true)
	checkText(&p, "relation", pk.Relation, true)
	if err := domain.CheckLine("phone", pk.Phone); err != nil {
		p.Merge("", err)
	} else if pk.Phone != "" {
		digits := 0
		for i, r := range pk.Phone {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == ' ' || (r == '+' && i == 0):
			default:
				digits = -100
			}
		}
		if digits < 8 || digits > 15 {
			p.Add("phone", "must-be-8-to-15-digits-optionally-starting-with")
		}
	}
	if pk.AddedBy.IsZero() {
		p.Add("addedBy", "required")
	}
	return p.Err()
}

// ValidOn reports whether the authorisation holds on day d.
func (pk Pickup) ValidOn(d date.Date) bool {
	return pk.ValidUntil == date.Zero || d <= pk.ValidUntil
}

// Reason is the category of an absence.
type Reason string

// Absence reasons.
const (
	Sick    Reason = "sick"    // the child is ill
	Holiday Reason = "holiday" // ferie: counts towards the local holiday rule
	Leave   Reason = "leave"   // a planned day off that is not holiday (fri)
	Other   Reason = "other"
)

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool { return r == Sick || r == Holiday || r == Leave || r == Other }

// Absence is a reported absence of a kindergarten or SFO child for a range
// of days (both ends inclusive).
type Absence struct {
	ID           AbsenceID           `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	ChildID      domain.ChildID      `json:"childId"`
	Period       domain.Period       `json:"period"`
	Reason       Reason              `json:"reason"`
	Note         string              `json:"note,omitempty"`
	// ReportedBy is the subject of the actor who reported it.
	ReportedBy string    `json:"reportedBy"`
	ReportedAt time.Time `json:"reportedAt"`
}

// Validate checks the absence on its own: it needs a closed period.
func (a Absence) Validate() error {
	var p domain.Problems
	if a.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", a.Municipality.Validate())
	if a.ChildID.IsZero() {
		p.Add("childId", "required")
	}
	p.Merge("period", a.Period.Validate())
	if a.Period.Open() {
		p.Add("period.end", "required")
	}
	if !a.Reason.Valid() {
		p.Add("reason", "is-not-sick-holiday-leave-or-other", "reason", fmt.Sprint(a.Reason))
	}
	checkNote(&p, "note", a.Note)
	checkText(&p, "reportedBy", a.ReportedBy, true)
	if a.ReportedAt.IsZero() {
		p.Add("reportedAt", "required")
	}
	return p.Err()
}

// Duty is a staff member on duty at a unit on one day, from Start to End.
type Duty struct {
	ID           DutyID              `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	UnitID       domain.UnitID       `json:"unitId"`
	Day          date.Date           `json:"day"`
	// Staff is the employee's subject (as in domain.Actor).
	Staff string    `json:"staff"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Validate checks the duty on its own: Start and End on Day, End after
// Start.
func (du Duty) Validate() error {
	var p domain.Problems
	if du.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", du.Municipality.Validate())
	if du.UnitID.IsZero() {
		p.Add("unitId", "required")
	}
	checkText(&p, "staff", du.Staff, true)
	if du.Day == date.Zero {
		p.Add("day", "required")
	}
	if du.Start.IsZero() || date.NewAt(du.Start.In(domain.Oslo())) != du.Day {
		p.Add("start", "must-be-on-the-day")
	}
	if !du.End.After(du.Start) {
		p.Add("end", "must-be-after-the-start")
	}
	return p.Err()
}

// Covers reports whether the staff member is on duty at t.
func (du Duty) Covers(t time.Time) bool { return !t.Before(du.Start) && t.Before(du.End) }

// SchoolKind is how a school absence counts.
type SchoolKind string

// School absence kinds.
const (
	// Documented: health (a guardian's message suffices) or another
	// documented reason.
	Documented SchoolKind = "documented"
	// Permission: leave granted under the municipality's rule.
	Permission SchoolKind = "permission"
	// Undocumented: nobody has explained it; the guardians are notified.
	Undocumented SchoolKind = "undocumented"
)

// Valid reports whether k is a known kind.
func (k SchoolKind) Valid() bool { return k == Documented || k == Permission || k == Undocumented }

// School absence reasons (for Documented).
const (
	ReasonHealth           = "health"
	ReasonGuardianReported = "guardian-reported"
)

// SchoolAbsence is a pupil's absence from school on one day: the whole day
// (Hours 0) or some lesson hours.
type SchoolAbsence struct {
	ID           SchoolAbsenceID     `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	ChildID      domain.ChildID      `json:"childId"`
	UnitID       domain.UnitID       `json:"unitId"`
	Day          date.Date           `json:"day"`
	// Hours is the number of lesson hours missed; 0 means the whole day.
	Hours int        `json:"hours"`
	Kind  SchoolKind `json:"kind"`
	// Reason is ReasonHealth or ReasonGuardianReported for a documented
	// absence, free text (at most 200 characters) otherwise.
	Reason     string `json:"reason,omitempty"`
	RecordedBy string `json:"recordedBy"`
}

// MaxLessonHours is the most lesson hours a day is recorded with; more is a
// whole day.
const MaxLessonHours = 12

// WholeDay reports whether the absence is for the whole day.
func (a SchoolAbsence) WholeDay() bool { return a.Hours == 0 }

// Validate checks the absence on its own.
func (a SchoolAbsence) Validate() error {
	var p domain.Problems
	if a.ID.IsZero() {
		p.Add("id", "required")
	}
	p.Merge("", a.Municipality.Validate())
	if a.ChildID.IsZero() {
		p.Add("childId", "required")
	}
	if a.UnitID.IsZero() {
		p.Add("unitId", "required")
	}
	if a.Day == date.Zero {
		p.Add("day", "required")
	}
	if a.Hours < 0 || a.Hours > MaxLessonHours {
		p.Add("hours", "must-be-from-0-the-whole-day-to", "maxLessonHours", fmt.Sprint(MaxLessonHours))
	}
	if !a.Kind.Valid() {
		p.Add("kind", "is-not-documented-permission-or-undocumented", "kind", fmt.Sprint(a.Kind))
	}
	if a.Kind == Documented && a.Reason != ReasonHealth && a.Reason != ReasonGuardianReported {
		p.Add("reason", "a-documented-absence-is-health-or-guardian-reported")
	}
	checkText(&p, "reason", a.Reason, false)
	checkText(&p, "recordedBy", a.RecordedBy, true)
	return p.Err()
}
