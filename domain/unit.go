package domain

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"
)

// UnitKind is what a unit offers.
type UnitKind string

// Unit kinds.
const (
	Kindergarten UnitKind = "kindergarten" // barnehage
	School       UnitKind = "school"       // grunnskole
	SFO          UnitKind = "sfo"          // skolefritidsordning, after-school care
)

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool { return k == Kindergarten || k == School || k == SFO }

// Owner says who runs a unit.
type Owner string

// Owners.
const (
	Municipal Owner = "municipal"
	Private   Owner = "private"
)

// Valid reports whether o is a known owner.
func (o Owner) Valid() bool { return o == Municipal || o == Private }

// Reason codes of the unit and group checks.
const (
	// ReasonTime: a time of day is written HH:MM, from 00:00 to 24:00.
	ReasonTime = "not-a-time"
	// ReasonClosesBeforeOpens: a day's closing time is not after its
	// opening time.
	ReasonClosesBeforeOpens = "closes-before-opens"
	// ReasonWeekday: a day of the week is mon, tue, wed, thu, fri, sat or sun.
	ReasonWeekday = "not-a-weekday"
	// ReasonSeats: a number of seats is from 0 to MaxSeats.
	ReasonSeats = "not-a-seat-count"
	// ReasonGrades: the grades are not a range the unit's kind offers
	// (GradeRange), or the first is after the last.
	ReasonGrades = "not-grades"
	// ReasonNotForKind: the value does not apply to the unit's kind (seats
	// per age group to a school, grades to a kindergarten).
	ReasonNotForKind = "not-for-kind"
	// ReasonAgeGroup: an age group is small (under three) or large (three
	// and over).
	ReasonAgeGroup = "not-an-age-group"
	// ReasonGradesOutsideUnit: a group's grades are not among its unit's.
	ReasonGradesOutsideUnit = "grades-outside-unit"
	// ReasonUnitClosed: a placement or group runs past the closing date of
	// its unit or group.
	ReasonUnitClosed = "past-closing-date"
)

// MaxSeats is the most seats of one age group a unit may state: a bound
// against typing errors, not a rule.
const MaxSeats = 10000

// WeekdayKeys are the keys of OpeningHours, Monday first.
var WeekdayKeys = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Hours is the opening time of one day: from Opens to Closes, written
// "07:00" and "16:30".
type Hours struct {
	Opens  string `json:"opens"`
	Closes string `json:"closes"`
}

// OpeningHours are a unit's opening hours per day of the week (keys
// WeekdayKeys: "mon" … "sun"); a day without an entry is closed. Which dates
// a unit is closed (public holidays, summer closure, planning days) is the
// opening calendar's, not this.
type OpeningHours map[string]Hours

// Daily returns the same hours every working day, Monday to Friday.
func Daily(opens, closes string) OpeningHours {
	h := OpeningHours{}
	for _, d := range WeekdayKeys[:5] {
		h[d] = Hours{Opens: opens, Closes: closes}
	}
	return h
}

// Validate checks every day: a known weekday, times HH:MM from 00:00 to
// 24:00, and a closing time after the opening time. Fields are named
// "<day>.opens" and "<day>.closes".
func (h OpeningHours) Validate() error {
	var p Problems
	for _, d := range slices.Sorted(maps.Keys(h)) {
		if !slices.Contains(WeekdayKeys, d) {
			p.Add(d, ReasonWeekday)
		}
	}
	for _, d := range WeekdayKeys {
		hr, ok := h[d]
		if !ok {
			continue
		}
		o, okO := clockMinutes(hr.Opens)
		c, okC := clockMinutes(hr.Closes)
		if !okO {
			p.Add(d+".opens", ReasonTime)
		}
		if !okC {
			p.Add(d+".closes", ReasonTime)
		}
		if okO && okC && c <= o {
			p.Add(d+".closes", ReasonClosesBeforeOpens)
		}
	}
	return p.Err()
}

// clockMinutes reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, ok1 := number(s[0:2])
	m, ok2 := number(s[3:5])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Seats are a kindergarten's places per age group (AgeGroup: Small is
// under three, Large three and over; a child counts as three from August
// of the year it turns three, AgeGroupOn). They are counted as children,
// not weighted: how many places a child under three takes is the
// municipality's choice in admission (admission.Intake.SmallWeight).
type Seats struct {
	Small int `json:"small"`
	Large int `json:"large"`
}

// Of returns the seats of one age group.
func (s Seats) Of(g AgeGroup) int {
	if g == Small {
		return s.Small
	}
	return s.Large
}

// Grades are the school years (trinn) a school, SFO or group has, From to
// To inclusive; the zero value states none.
type Grades struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// IsZero reports whether no grades are stated.
func (g Grades) IsZero() bool { return g == Grades{} }

// Contains reports whether the grades include all of h.
func (g Grades) Contains(h Grades) bool { return g.From <= h.From && h.To <= g.To }

// String is "1–4".
func (g Grades) String() string { return fmt.Sprintf("%d–%d", g.From, g.To) }

// GradeRange is the range of grades a unit of each kind may state. The
// Norwegian primary and lower secondary school (grunnskolen) has grades
// 1–10 (opplæringslova § 2-1: barneskole 1–7, ungdomsskole 8–10); SFO is
// offered for grades 1–4, and for pupils with special needs up to grade 7
// (opplæringslova § 4-5). Which grades a unit has is its own (1–7, 8–10 or
// 1–10 for a school; usually 1–4 for an SFO).
var GradeRange = map[UnitKind]Grades{School: {From: 1, To: 10}, SFO: {From: 1, To: 7}}

// validFor checks the grades for a unit of kind k (field is the name).
func (g Grades) validFor(p *Problems, field string, k UnitKind) {
	if g.IsZero() {
		return
	}
	r, ok := GradeRange[k]
	switch {
	case !ok:
		p.Add(field, ReasonNotForKind)
	case g.From < r.From || g.To > r.To || g.From > g.To:
		p.Add(field, ReasonGrades)
	}
}

// Unit is a kindergarten, a school or an SFO. An SFO belongs to a school
// (Parent); other units have no parent.
//
// Address, OpeningHours, Contact, Seats and Grades are optional (a unit
// may be created with a name and a kind, and described later); Seats apply
// to a kindergarten only, Grades to a school or SFO only. ClosingDate is
// the unit's last open day; zero while it is not being closed.
type Unit struct {
	ID           UnitID       `json:"id"`
	Municipality Municipality `json:"municipality"`
	Name         string       `json:"name"`
	Kind         UnitKind     `json:"kind"`
	Owner        Owner        `json:"owner"`
	Parent       UnitID       `json:"parent,omitzero"`
	Address      Address      `json:"address,omitzero"`
	OpeningHours OpeningHours `json:"openingHours,omitempty"`
	Contact      Contact      `json:"contact,omitzero"`
	Seats        Seats        `json:"seats,omitzero"`
	Grades       Grades       `json:"grades,omitzero"`
	ClosingDate  date.Date    `json:"closingDate,omitzero"`
}

// Closed reports whether the unit is closed on day d (after its closing
// date).
func (u Unit) Closed(d date.Date) bool { return u.ClosingDate != date.Zero && d > u.ClosingDate }

// Validate checks the unit on its own.
func (u Unit) Validate() error {
	var p Problems
	checkRecord(&p, u.ID.IsZero(), u.Municipality)
	checkName(&p, "name", u.Name)
	if !u.Kind.Valid() {
		p.Add("kind", "is-not-kindergarten-school-or-sfo", "kind", fmt.Sprint(u.Kind))
	}
	if !u.Owner.Valid() {
		p.Add("owner", "is-not-municipal-or-private", "owner", fmt.Sprint(u.Owner))
	}
	if !u.Parent.IsZero() && u.Kind != SFO {
		p.Add("parent", "only-an-sfo-belongs-to-another-unit")
	}
	if !u.Parent.IsZero() && u.Parent == u.ID {
		p.Add("parent", "a-unit-cannot-be-its-own-parent")
	}
	p.Merge("address", u.Address.Validate())
	p.Merge("openingHours", u.OpeningHours.Validate())
	p.Merge("contact", u.Contact.Validate())
	if u.Seats != (Seats{}) && u.Kind != Kindergarten {
		p.Add("seats", ReasonNotForKind)
	}
	if u.Seats.Small < 0 || u.Seats.Small > MaxSeats {
		p.Add("seats.small", ReasonSeats)
	}
	if u.Seats.Large < 0 || u.Seats.Large > MaxSeats {
		p.Add("seats.large", ReasonSeats)
	}
	if u.Kind.Valid() {
		u.Grades.validFor(&p, "grades", u.Kind)
	}
	return p.Err()
}

// Group is a department (avdeling) of a kindergarten, a class of a school or
// a base of an SFO. A kindergarten's group may state its age group (empty:
// mixed ages); a school's or SFO's its grades. ClosingDate is its last day,
// zero while it is not being closed.
type Group struct {
	ID           GroupID      `json:"id"`
	Municipality Municipality `json:"municipality"`
	UnitID       UnitID       `json:"unitId"`
	Name         string       `json:"name"`
	AgeGroup     AgeGroup     `json:"ageGroup,omitempty"`
	Grades       Grades       `json:"grades,omitzero"`
	ClosingDate  date.Date    `json:"closingDate,omitzero"`
}

// Closed reports whether the group is closed on day d.
func (g Group) Closed(d date.Date) bool { return g.ClosingDate != date.Zero && d > g.ClosingDate }

// Validate checks the group on its own.
func (g Group) Validate() error {
	var p Problems
	checkRecord(&p, g.ID.IsZero(), g.Municipality)
	checkName(&p, "name", g.Name)
	if g.UnitID.IsZero() {
		p.Add("unitId", "required")
	}
	if g.AgeGroup != "" && g.AgeGroup != Small && g.AgeGroup != Large {
		p.Add("ageGroup", ReasonAgeGroup)
	}
	if !g.Grades.IsZero() && (g.Grades.From < 1 || g.Grades.From > g.Grades.To) {
		p.Add("grades", ReasonGrades)
	}
	return p.Err()
}

// checkGroupFits checks a group against its unit: an age group only in a
// kindergarten, grades only in a school or SFO and among the unit's, and
// no closing date after the unit's.
func checkGroupFits(p *Problems, g Group, u Unit) {
	if g.AgeGroup != "" && u.Kind != Kindergarten {
		p.Add("ageGroup", ReasonNotForKind)
	}
	if !g.Grades.IsZero() {
		g.Grades.validFor(p, "grades", u.Kind)
		if !u.Grades.IsZero() && !u.Grades.Contains(g.Grades) {
			p.Add("grades", ReasonGradesOutsideUnit)
		}
	}
	// A group of a closing unit closes with it at the latest (a group
	// without a date of its own is closed by the unit's).
	if u.ClosingDate != date.Zero && g.ClosingDate > u.ClosingDate {
		p.Add("closingDate", ReasonUnitClosed)
	}
}

// OrphanError refuses a change to a unit or group that would leave
// placements behind: closing it while placements run past the closing
// date, changing a unit's kind while it has placements, or moving a group
// with placements to another unit. Placements lists them, so that a
// caseworker can end or move them first. It unwraps to a *ConflictError
// on Field (errors.Is(err, ErrConflict) reports true).
type OrphanError struct {
	Field      string
	Placements []Placement
}

// Error names the field and how many placements would be orphaned.
func (e *OrphanError) Error() string { return e.conflict().Error() }

// Unwrap is the *ConflictError the change amounts to.
func (e *OrphanError) Unwrap() error { return e.conflict() }

func (e *OrphanError) conflict() *ConflictError {
	ids := make([]string, len(e.Placements))
	for i, p := range e.Placements {
		ids[i] = p.ID.String()
	}
	return &ConflictError{Field: e.Field, Reason: "placements-would-no-longer-fit", Params: map[string]string{"count": fmt.Sprint(len(e.Placements)), "join": fmt.Sprint(strings.Join(ids, ", "))}}
}

// RunsPast reports whether the placement has days after d (an open end
// runs past every day).
func (p Placement) RunsPast(d date.Date) bool { return p.Period.Open() || p.Period.End > d }

// UnitOrphans returns the placements of the unit (all of them, past ones
// too) that the change from old to changed would leave behind, and the
// field that causes it: every placement when the kind changes (a
// placement's kind is its unit's), else those running past a new or
// earlier closing date. Everything else about a unit (its name, owner,
// address, opening hours, contact, seats, grades) changes without
// touching its placements: they refer to the unit by ID, so they carry
// along.
func UnitOrphans(old, changed Unit, placements []Placement) (string, []Placement) {
	if old.Kind != changed.Kind && len(placements) > 0 {
		return "kind", placements
	}
	if changed.ClosingDate == date.Zero {
		return "", nil
	}
	var out []Placement
	for _, p := range placements {
		if p.RunsPast(changed.ClosingDate) {
			out = append(out, p)
		}
	}
	return "closingDate", out
}

// GroupOrphans is UnitOrphans for a group: moving a group with placements
// to another unit leaves all of them behind (field "unitId"), a closing
// date those running past it. Renaming, and stating its age group or
// grades, carries its placements along. Merging two groups is a
// caseworker's intention, not an edit of a group: the caseworker moves the
// placements (UpdatePlacement, one decision per child) and then closes
// the emptied group.
func GroupOrphans(old, changed Group, placements []Placement) (string, []Placement) {
	if old.UnitID != changed.UnitID && len(placements) > 0 {
		return "unitId", placements
	}
	if changed.ClosingDate == date.Zero {
		return "", nil
	}
	var out []Placement
	for _, p := range placements {
		if p.RunsPast(changed.ClosingDate) {
			out = append(out, p)
		}
	}
	return "closingDate", out
}
