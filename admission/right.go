package admission

import (
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

//go:embed rules/right-to-place.json
var rulesFS embed.FS

// RightRules are the national parameters of the statutory right to a
// kindergarten place (barnehageloven § 16), one row of the embedded table
// rules/right-to-place.json.
type RightRules struct {
	// ValidFrom is the first day the row applies to.
	ValidFrom string `json:"validFrom"`
	// Provisional marks a row whose figures are not confirmed.
	Provisional bool `json:"provisional"`
	// Source names the legal sources of the row.
	Source []string `json:"source"`
	// RightAge is the age a child must reach to have a right (1).
	RightAge int `json:"rightAge"`
	// PlaceFromMonth is the month the place starts for a child reaching
	// RightAge by the end of that month (August).
	PlaceFromMonth time.Month `json:"placeFromMonth"`
	// LastMonthTurningRightAge is the last month of the application year
	// in which reaching RightAge still gives a right, from the end of that
	// month (November).
	LastMonthTurningRightAge time.Month `json:"lastMonthTurningRightAge"`
	// SchoolStartAge is the age of a child who starts school in August of
	// the year it reaches it (6); such a child has no right.
	SchoolStartAge int `json:"schoolStartAge"`
}

type rightTable struct {
	Rule string       `json:"rule"`
	Rows []RightRules `json:"rows"`
}

// NationalRightRules returns the built-in row for an application year: the
// latest row valid on 1 January of that year, or the earliest row for a
// year before every row (the table holds no older history).
func NationalRightRules(applicationYear int) (RightRules, error) {
	raw, err := rulesFS.ReadFile("rules/right-to-place.json")
	if err != nil {
		return RightRules{}, err
	}
	var t rightTable
	if err := json.Unmarshal(raw, &t); err != nil {
		return RightRules{}, fmt.Errorf("admission: rules/right-to-place.json: %w", err)
	}
	if len(t.Rows) == 0 {
		return RightRules{}, fmt.Errorf("admission: rules/right-to-place.json has no rows")
	}
	for _, r := range t.Rows {
		if _, err := domain.ParseDate("validFrom", r.ValidFrom); err != nil {
			return RightRules{}, fmt.Errorf("admission: rules/right-to-place.json row %q: %w", r.ValidFrom, err)
		}
	}
	on := fmt.Sprintf("%04d-01-01", applicationYear)
	best := 0
	for i, r := range t.Rows {
		if r.ValidFrom <= on && r.ValidFrom >= t.Rows[best].ValidFrom {
			best = i
		}
	}
	return t.Rows[best], nil
}

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// String is "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// IsZero reports whether m is the zero month.
func (m Month) IsZero() bool { return m == Month{} }

// Reason is why a child has no right to a place. Its values are those of
// STANDARD.md.
type Reason string

// Reasons, in the order of precedence: when several hold, the first wins.
const (
	NotResident     Reason = "not-resident"
	SchoolAge       Reason = "school-age"
	TooYoung        Reason = "too-young"
	LateApplication Reason = "late-application"
)

// RightApplication is the facts the right to a place depends on.
type RightApplication struct {
	// BirthDate is the child's date of birth.
	BirthDate date.Date
	// ApplicationYear is the year of the main admission round.
	ApplicationYear int
	// AppliedByDeadline is true when the application came in by the
	// main-round deadline.
	AppliedByDeadline bool
	// ResidentInMunicipality is true when the child lives in the
	// municipality applied to.
	ResidentInMunicipality bool
}

// Right is the answer to a RightApplication: whether the child has the
// statutory right, from which month, or why not, with the facts that
// decided it.
type Right struct {
	HasRight bool
	// From is the month the place must be offered from (zero without a
	// right).
	From Month
	// Reason is why there is no right ("" with a right).
	Reason Reason
	// TurnsRightAge is the month the child reaches Rules.RightAge.
	TurnsRightAge Month
	// SchoolYear is the calendar year the child reaches Rules.SchoolStartAge.
	SchoolYear int
	// ApplicationYear repeats the input.
	ApplicationYear int
	// Rules is the national row applied.
	Rules RightRules
}

// RightToPlace decides the right to a kindergarten place (barnehageloven
// § 16) with the built-in national rules for the application year.
func RightToPlace(a RightApplication) (Right, error) {
	if a.ApplicationYear < 1 || a.ApplicationYear > 9999 {
		return Right{}, domain.Invalid("applicationYear", "must-be-a-year-from-1-to-9999")
	}
	rules, err := NationalRightRules(a.ApplicationYear)
	if err != nil {
		return Right{}, err
	}
	return DecideRight(rules, a), nil
}

// DecideRight applies rules to a. When several reasons hold, the first of
// not-resident, school-age, too-young and late-application wins.
func DecideRight(rules RightRules, a RightApplication) Right {
	y := a.BirthDate.Year()
	r := Right{
		TurnsRightAge:   Month{Year: y + rules.RightAge, Month: a.BirthDate.Month()},
		SchoolYear:      y + rules.SchoolStartAge,
		ApplicationYear: a.ApplicationYear,
		Rules:           rules,
	}
	turns := r.TurnsRightAge
	tooYoung := turns.Year > a.ApplicationYear ||
		(turns.Year == a.ApplicationYear && turns.Month > rules.LastMonthTurningRightAge)
	switch {
	case !a.ResidentInMunicipality:
		r.Reason = NotResident
	case r.SchoolYear <= a.ApplicationYear:
		r.Reason = SchoolAge
	case tooYoung:
		r.Reason = TooYoung
	case !a.AppliedByDeadline:
		r.Reason = LateApplication
	default:
		r.HasRight = true
		r.From = Month{Year: a.ApplicationYear, Month: rules.PlaceFromMonth}
		if turns.Year == a.ApplicationYear && turns.Month > rules.PlaceFromMonth {
			r.From.Month = turns.Month
		}
	}
	return r
}

// Render explains the decision in l (nb, nn or en), naming the rule.
func (r Right) Render(l Lang) string {
	ru := r.Rules
	t := r.TurnsRightAge
	turnsText := func() string {
		return fmt.Sprintf(pick(l, "Barnet fyller %d år i %s %d", "Barnet fyller %d år i %s %d", "The child turns %d in %s %d"),
			ru.RightAge, monthName(l, t.Month), t.Year)
	}
	law := pick(l, " (barnehageloven § 16).", " (barnehagelova § 16).", " (Kindergarten Act § 16).")
	switch r.Reason {
	case NotResident:
		return pick(l,
			"Barnet har ikke rett til plass: det er ikke bosatt i kommunen, og retten gjelder i kommunen der barnet bor",
			"Barnet har ikkje rett til plass: det er ikkje busett i kommunen, og retten gjeld i kommunen der barnet bur",
			"The child has no right to a place: it does not live in the municipality, and the right applies where the child lives") + law
	case SchoolAge:
		return fmt.Sprintf(pick(l,
			"Barnet har ikke rett til barnehageplass: det fyller %d år i %d og begynner på skolen i august",
			"Barnet har ikkje rett til barnehageplass: det fyller %d år i %d og byrjar på skulen i august",
			"The child has no right to a kindergarten place: it turns %d in %d and starts school in August"),
			ru.SchoolStartAge, r.SchoolYear) + law
	case TooYoung:
		return turnsText() + fmt.Sprintf(pick(l,
			", etter utgangen av %s, og har ikke rett til plass i opptaket for %d",
			", etter utgangen av %s, og har ikkje rett til plass i opptaket for %d",
			", after the end of %s, and has no right to a place in the %d admission"),
			monthName(l, ru.LastMonthTurningRightAge), r.ApplicationYear) + law
	case LateApplication:
		return pick(l,
			"Barnet har ikke rett til plass: søknaden kom ikke inn innen fristen for hovedopptaket, og retten gjelder bare søknader innen fristen",
			"Barnet har ikkje rett til plass: søknaden kom ikkje inn innan fristen for hovudopptaket, og retten gjeld berre søknader innan fristen",
			"The child has no right to a place: the application was not made by the main-round deadline, and the right applies only to applications made by then") + law
	}
	if r.From.Month == ru.PlaceFromMonth {
		return turnsText() + fmt.Sprintf(pick(l,
			" og har rett til plass fra %s %d",
			" og har rett til plass frå %s %d",
			" and has a right to a place from %s %d"),
			monthName(l, r.From.Month), r.From.Year) + law
	}
	return turnsText() + fmt.Sprintf(pick(l,
		" og har rett til plass innen utgangen av %s %d",
		" og har rett til plass innan utgangen av %s %d",
		" and has a right to a place by the end of %s %d"),
		monthName(l, r.From.Month), r.From.Year) + law
}
