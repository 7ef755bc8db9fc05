package domain

import (
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rickb777/date/v2"
)

// The opening calendar: on which days a unit is open, and why not.
//
// A day is closed for a unit, in this order of precedence, when it is
// a public holiday (PublicHolidays, computed from rules/holidays.json),
// not one of the unit's open weekdays (Monday to Friday unless the
// municipality says otherwise, PutOpenWeekdays), a closed day of the unit
// (UnitClosed), a summer closure (SummerClosure) or a planning day
// (PlanningDay) of the municipality or the unit, or, for a school, a school
// holiday (SchoolHoliday). An SFO stays open on school holidays; it is
// closed on public holidays like every unit. Calendar.Closed answers for
// one day with the reason (a Closure, rendered in nb, nn and en);
// Calendar.OpenDays lists the open days of a period.

//go:embed rules/holidays.json
var holidaysFS embed.FS

// HolidayRule is one public holiday as data: a fixed day (Month, Day), a
// day counted from Easter Sunday (EasterOffset, set when Easter is true) or
// every given weekday, with the act and section it comes from.
type HolidayRule struct {
	Key          string            `json:"key"`
	Month        time.Month        `json:"month,omitempty"`
	Day          int               `json:"day,omitempty"`
	EasterOffset *int              `json:"easterOffset,omitempty"`
	Weekday      *time.Weekday     `json:"weekday,omitempty"`
	Names        map[string]string `json:"names"`
	Source       string            `json:"source"`
}

// Holiday is a public holiday on a given day.
type Holiday struct {
	Day    date.Date         `json:"day"`
	Key    string            `json:"key"`
	Names  map[string]string `json:"names"`
	Source string            `json:"source"`
}

// Name is the holiday's name in lang ("nb", "nn" or "en"; bokmål for any
// other).
func (h Holiday) Name(lang string) string {
	if n, ok := h.Names[lang]; ok {
		return n
	}
	return h.Names["nb"]
}

var holidayRules = sync.OnceValues(func() ([]HolidayRule, error) {
	b, err := holidaysFS.ReadFile("rules/holidays.json")
	if err != nil {
		return nil, err
	}
	var f struct {
		Rules []HolidayRule `json:"rules"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("domain: rules/holidays.json: %w", err)
	}
	for _, r := range f.Rules {
		fixed := r.Month >= time.January && r.Month <= time.December && r.Day >= 1 && r.Day <= 31
		kinds := btoi(fixed) + btoi(r.EasterOffset != nil) + btoi(r.Weekday != nil)
		if r.Key == "" || r.Source == "" || r.Names["nb"] == "" || r.Names["nn"] == "" || r.Names["en"] == "" || kinds != 1 {
			return nil, fmt.Errorf("domain: rules/holidays.json: incomplete rule %q", r.Key)
		}
	}
	return f.Rules, nil
})

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// HolidayRules returns the rules of rules/holidays.json.
func HolidayRules() []HolidayRule {
	rules, err := holidayRules()
	if err != nil {
		panic(err) // the table is embedded and tested
	}
	return rules
}

// Easter returns Easter Sunday (første påskedag) of the year by the
// Gregorian computus (the anonymous algorithm of Meeus, Jones and
// Butcher): the first Sunday after the ecclesiastical full moon on or
// after 21 March.
func Easter(year int) date.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date.New(year, time.Month(month), day)
}

// PublicHolidays returns the dated public holidays of a year (every rule
// but the weekly ones), by day.
func PublicHolidays(year int) []Holiday {
	var out []Holiday
	easter := Easter(year)
	for _, r := range HolidayRules() {
		var d date.Date
		switch {
		case r.Weekday != nil:
			continue
		case r.EasterOffset != nil:
			d = easter.AddDate(0, 0, *r.EasterOffset)
		default:
			d = date.New(year, r.Month, r.Day)
		}
		out = append(out, Holiday{Day: d, Key: r.Key, Names: r.Names, Source: r.Source})
	}
	slices.SortStableFunc(out, func(a, b Holiday) int { return cmp.Compare(a.Day, b.Day) })
	return out
}

// PublicHoliday reports whether d is a public holiday: a dated one first
// (2. pinsedag 2027 is also 17 May; the first rule in the table wins), then
// a weekly one (Sundays).
func PublicHoliday(d date.Date) (Holiday, bool) {
	for _, h := range PublicHolidays(d.Year()) {
		if h.Day == d {
			return h, true
		}
	}
	for _, r := range HolidayRules() {
		if r.Weekday != nil && *r.Weekday == d.Weekday() {
			return Holiday{Day: d, Key: r.Key, Names: r.Names, Source: r.Source}, true
		}
	}
	return Holiday{}, false
}

// CalendarEntryID identifies an entry of the opening calendar.
type CalendarEntryID = ID[CalendarEntry]

// CalendarKind is what an entry of the opening calendar says.
type CalendarKind string

// Calendar kinds.
const (
	// SummerClosure closes the units it applies to (sommerstengt).
	SummerClosure CalendarKind = "summer-closure"
	// PlanningDay closes the units it applies to (planleggingsdag).
	PlanningDay CalendarKind = "planning-day"
	// UnitClosed is a closed day of one unit; Unit is required.
	UnitClosed CalendarKind = "unit-closed"
	// SchoolHoliday is a school holiday of the municipality: schools are
	// closed, SFO is open (unless closed otherwise), kindergartens are
	// not concerned.
	SchoolHoliday CalendarKind = "school-holiday"
)

// Valid reports whether k is a known kind.
func (k CalendarKind) Valid() bool {
	return k == SummerClosure || k == PlanningDay || k == UnitClosed || k == SchoolHoliday
}

// CalendarEntry is a period of the opening calendar of a municipality: for
// every unit (Unit zero), for the units of one kind (AppliesTo), or for one
// unit.
type CalendarEntry struct {
	ID           CalendarEntryID `json:"id"`
	Municipality Municipality    `json:"municipality"`
	Kind         CalendarKind    `json:"kind"`
	// Unit is the one unit the entry is for; zero is every unit of the
	// municipality (of the kind AppliesTo, when set).
	Unit UnitID `json:"unit,omitzero"`
	// AppliesTo limits a municipality-wide entry to units of one kind;
	// "" is every kind.
	AppliesTo UnitKind `json:"appliesTo,omitempty"`
	// Period is the closed days; both ends are required.
	Period Period `json:"period"`
	// Name is what the municipality calls it ("Sommerstengt",
	// "Planleggingsdag"); "" shows the kind's name.
	Name string `json:"name,omitempty"`
}

// Reasons of a refused calendar entry.
const (
	ReasonCalendarKind = "not-a-calendar-kind"
	ReasonAppliesTo    = "calendar-applies-to"
	ReasonBeforeStart  = "before-start"
	ReasonWeekdays     = "not-weekdays"
)

// Validate checks the entry on its own.
func (e CalendarEntry) Validate() error {
	var p Problems
	checkRecord(&p, e.ID.IsZero(), e.Municipality)
	if !e.Kind.Valid() {
		p.Add("kind", ReasonCalendarKind)
	}
	if e.Kind == UnitClosed && e.Unit.IsZero() {
		p.Add("unit", "required")
	}
	if e.Kind == SchoolHoliday && !e.Unit.IsZero() {
		p.Add("unit", "a-school-holiday-is-for-the-whole-municipality")
	}
	if e.AppliesTo != "" && (!e.AppliesTo.Valid() || !e.Unit.IsZero()) {
		p.Add("appliesTo", ReasonAppliesTo)
	}
	switch {
	case e.Period.Start == date.Zero:
		p.Add("period.start", "required")
	case e.Period.Open():
		p.Add("period.end", "required")
	case e.Period.End < e.Period.Start:
		p.Add("period.end", ReasonBeforeStart)
	}
	if err := CheckLine("name", e.Name); err != nil {
		p.Merge("", err)
	}
	return p.Err()
}

// appliesTo reports whether the entry concerns the unit.
func (e CalendarEntry) appliesTo(u Unit) bool {
	switch {
	case !e.Unit.IsZero():
		return e.Unit == u.ID
	case e.Kind == SchoolHoliday:
		return u.Kind == School
	case e.AppliesTo != "":
		return e.AppliesTo == u.Kind
	}
	return true
}

// KindName names a calendar kind in lang.
func (k CalendarKind) KindName(lang string) string {
	switch k {
	case SummerClosure:
		return pickLang(lang, "sommerstengt", "sommarstengt", "summer closure")
	case PlanningDay:
		return pickLang(lang, "planleggingsdag", "planleggingsdag", "planning day")
	case UnitClosed:
		return pickLang(lang, "stengt", "stengt", "closed")
	case SchoolHoliday:
		return pickLang(lang, "skoleferie", "skuleferie", "school holiday")
	}
	return string(k)
}

func pickLang(lang, nb, nn, en string) string {
	switch lang {
	case "nn":
		return nn
	case "en":
		return en
	}
	return nb
}

// SortCalendarEntries orders by start, then ID.
func SortCalendarEntries(es []CalendarEntry) {
	slices.SortFunc(es, func(a, b CalendarEntry) int {
		return cmp.Or(cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
}

// Weekdays are the days of the week a unit is open, as ISO weekday digits
// in order ("12345" is Monday to Friday, "123456" adds Saturday).
type Weekdays string

// DefaultWeekdays is Monday to Friday: a unit is closed at weekends unless
// its municipality says otherwise.
const DefaultWeekdays Weekdays = "12345"

// Validate requires ISO weekday digits 1 to 7, ascending, at least one.
func (w Weekdays) Validate() error {
	if w == "" {
		return Invalid("weekdays", "required")
	}
	for i := 0; i < len(w); i++ {
		if w[i] < '1' || w[i] > '7' || (i > 0 && w[i] <= w[i-1]) {
			return Invalid("weekdays", ReasonWeekdays)
		}
	}
	return nil
}

// Has reports whether the unit is open on that weekday.
func (w Weekdays) Has(d time.Weekday) bool {
	iso := int(d)
	if iso == 0 {
		iso = 7
	}
	return strings.IndexByte(string(w), byte('0'+iso)) >= 0
}

// ClosureCode says why a unit is closed on a day.
type ClosureCode string

// Closure codes.
const (
	ClosedPublicHoliday ClosureCode = "public-holiday"
	ClosedWeekday       ClosureCode = "weekday"
	ClosedUnit          ClosureCode = "unit-closed"
	ClosedSummer        ClosureCode = "summer-closure"
	ClosedPlanning      ClosureCode = "planning-day"
	ClosedSchoolHoliday ClosureCode = "school-holiday"
)

// Closure explains why a unit is closed on a day.
type Closure struct {
	Day  date.Date   `json:"day"`
	Code ClosureCode `json:"code"`
	// Holiday is the public holiday, for ClosedPublicHoliday.
	Holiday *Holiday `json:"holiday,omitempty"`
	// Entry is the calendar entry, for the kinds that come from one.
	Entry *CalendarEntry `json:"entry,omitempty"`
}

// Name names the closed day in lang: the holiday ("Kristi himmelfartsdag"),
// the entry's own name, the kind's name, or the weekday ("lørdag").
func (c Closure) Name(lang string) string {
	switch {
	case c.Holiday != nil:
		return c.Holiday.Name(lang)
	case c.Entry != nil && c.Entry.Name != "":
		return c.Entry.Name
	case c.Entry != nil:
		return c.Entry.Kind.KindName(lang)
	}
	return WeekdayName(c.Day.Weekday(), lang)
}

// Explain says in lang why the unit is closed.
func (c Closure) Explain(lang string) string {
	name := c.Name(lang)
	switch c.Code {
	case ClosedPublicHoliday:
		return pickLang(lang, "Stengt: "+name+" er helligdag eller høytidsdag ("+c.Holiday.Source+").",
			"Stengt: "+name+" er heilagdag eller høgtidsdag ("+c.Holiday.Source+").",
			"Closed: "+name+" is a public holiday ("+c.Holiday.Source+").")
	case ClosedWeekday:
		return pickLang(lang, "Stengt: enheten holder ikke åpent på "+name+".", "Stengt: eininga held ikkje ope på "+name+".",
			"Closed: the unit is not open on "+name+".")
	case ClosedSchoolHoliday:
		return pickLang(lang, "Stengt: skoleferie ("+name+").", "Stengt: skuleferie ("+name+").", "Closed: school holiday ("+name+").")
	}
	return pickLang(lang, "Stengt: "+name+".", "Stengt: "+name+".", "Closed: "+name+".")
}

// WeekdayName names a weekday in lang, in lower case for nb and nn.
func WeekdayName(d time.Weekday, lang string) string {
	nb := [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}
	nn := [...]string{"sundag", "måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag"}
	return pickLang(lang, nb[d], nn[d], d.String())
}

// Calendar is what decides whether a unit is open: the entries of a
// municipality and the open weekdays of its units. The public holidays are
// computed, not stored. A Calendar holds only the entries its reader
// loaded (LoadCalendar): ask it about days inside that period.
type Calendar struct {
	Municipality Municipality `json:"municipality"`
	Entries      []CalendarEntry
	// Weekdays are the open weekdays per unit; a unit not listed is open
	// DefaultWeekdays.
	Weekdays map[UnitID]Weekdays
}

// Closed reports whether the unit is closed on day d, and why. It is a
// pure function of the calendar.
func (c Calendar) Closed(u Unit, d date.Date) (Closure, bool) {
	if h, ok := PublicHoliday(d); ok {
		return Closure{Day: d, Code: ClosedPublicHoliday, Holiday: &h}, true
	}
	w, ok := c.Weekdays[u.ID]
	if !ok {
		w = DefaultWeekdays
	}
	if !w.Has(d.Weekday()) {
		return Closure{Day: d, Code: ClosedWeekday}, true
	}
	for _, kind := range []CalendarKind{UnitClosed, SummerClosure, PlanningDay, SchoolHoliday} {
		for i := range c.Entries {
			e := c.Entries[i]
			if e.Kind == kind && e.Period.Contains(d) && e.appliesTo(u) {
				code := map[CalendarKind]ClosureCode{UnitClosed: ClosedUnit, SummerClosure: ClosedSummer,
					PlanningDay: ClosedPlanning, SchoolHoliday: ClosedSchoolHoliday}[kind]
				return Closure{Day: d, Code: code, Entry: &e}, true
			}
		}
	}
	return Closure{}, false
}

// Open reports whether the unit is open on day d.
func (c Calendar) Open(u Unit, d date.Date) bool {
	_, closed := c.Closed(u, d)
	return !closed
}

// OpenDays lists the days of the period the unit is open, in order. The
// period must have an end.
func (c Calendar) OpenDays(u Unit, p Period) []date.Date {
	var out []date.Date
	for d := p.Start; !p.Open() && d <= p.End; d++ {
		if c.Open(u, d) {
			out = append(out, d)
		}
	}
	return out
}

// Closures lists the closed days of the unit in the period with their
// reasons, in order. The period must have an end.
func (c Calendar) Closures(u Unit, p Period) []Closure {
	var out []Closure
	for d := p.Start; !p.Open() && d <= p.End; d++ {
		if cl, ok := c.Closed(u, d); ok {
			out = append(out, cl)
		}
	}
	return out
}

// CalendarReader reads the opening calendar of a municipality.
type CalendarReader interface {
	// CalendarEntries lists the municipality's entries (for every unit)
	// sharing a day with the period, by SortCalendarEntries.
	CalendarEntries(ctx context.Context, m Municipality, within Period) ([]CalendarEntry, error)
	// OpenWeekdays returns the open weekdays of the units that have their
	// own; a unit not in the map is open DefaultWeekdays.
	OpenWeekdays(ctx context.Context, m Municipality) (map[UnitID]Weekdays, error)
}

// CalendarStore is the store port of the opening calendar, used by the
// attendance capability (rosters, the sick button, reports) and by the
// applications that show or edit the calendar.
//
// Writes validate their input first (nothing written on a
// *ValidationError) and check a unit they name (CheckCalendarEntry); a
// unit of another municipality or none at all is a *ValidationError on
// "unit". Deleting an entry that does not exist in the municipality is
// ErrNotFound.
type CalendarStore interface {
	CalendarReader
	// PutCalendarEntry creates the entry or replaces the one with its ID.
	PutCalendarEntry(ctx context.Context, e CalendarEntry) error
	DeleteCalendarEntry(ctx context.Context, m Municipality, id CalendarEntryID) error
	// PutOpenWeekdays sets the open weekdays of a unit.
	PutOpenWeekdays(ctx context.Context, m Municipality, unit UnitID, w Weekdays) error
}

// CheckCalendarEntry checks an entry against stored data: the unit it
// names exists in the municipality.
func CheckCalendarEntry(ctx context.Context, d DirectoryReader, e CalendarEntry) error {
	if e.Unit.IsZero() {
		return nil
	}
	if _, err := d.Unit(ctx, e.Municipality, e.Unit); err != nil {
		return refError(err, "unit", "no-such-unit")
	}
	return nil
}

// LoadCalendar reads the calendar of a municipality for the days of the
// period.
func LoadCalendar(ctx context.Context, r CalendarReader, m Municipality, within Period) (Calendar, error) {
	es, err := r.CalendarEntries(ctx, m, within)
	if err != nil {
		return Calendar{}, err
	}
	w, err := r.OpenWeekdays(ctx, m)
	if err != nil {
		return Calendar{}, err
	}
	return Calendar{Municipality: m, Entries: es, Weekdays: w}, nil
}
