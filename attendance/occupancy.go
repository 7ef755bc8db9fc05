package attendance

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

//go:embed rules/staffing.json
var rulesFS embed.FS

// Norm is the national staffing norm in force from ValidFrom: one adult
// per UnderThree children under three and per OverThree children over
// three.
type Norm struct {
	ValidFrom  date.Date `json:"validFrom"`
	UnderThree int       `json:"childrenPerAdultUnderThree"`
	OverThree  int       `json:"childrenPerAdultOverThree"`
	Source     string    `json:"source"`
	// Provisional marks a row whose figures are not confirmed.
	Provisional bool `json:"provisional"`
}

var norms = sync.OnceValues(func() ([]Norm, error) {
	b, err := rulesFS.ReadFile("rules/staffing.json")
	if err != nil {
		return nil, err
	}
	// The day is read as a string and parsed by domain.ParseDate, which
	// refuses a day that does not exist instead of rolling it over.
	type wireNorm struct {
		Norm
		ValidFrom string `json:"validFrom"`
	}
	var f struct {
		Rows []wireNorm `json:"rows"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("attendance: rules/staffing.json: %w", err)
	}
	rows := make([]Norm, len(f.Rows))
	for i, w := range f.Rows {
		d, err := domain.ParseDate("validFrom", w.ValidFrom)
		if err != nil {
			return nil, fmt.Errorf("attendance: rules/staffing.json row %q: %w", w.ValidFrom, err)
		}
		rows[i] = w.Norm
		rows[i].ValidFrom = d
	}
	for _, n := range rows {
		if n.UnderThree < 1 || n.OverThree < 1 || n.ValidFrom == date.Zero || n.Source == "" {
			return nil, fmt.Errorf("attendance: rules/staffing.json: incomplete row from %s", n.ValidFrom)
		}
	}
	slices.SortFunc(rows, func(a, b Norm) int { return int(a.ValidFrom - b.ValidFrom) })
	return rows, nil
})

// StaffingNorm returns the norm in force on day d, from the embedded table
// rules/staffing.json; a day before the first row is a
// *domain.ValidationError on "day".
func StaffingNorm(d date.Date) (Norm, error) {
	rows, err := norms()
	if err != nil {
		return Norm{}, err
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].ValidFrom <= d {
			return rows[i], nil
		}
	}
	return Norm{}, domain.Invalid("day", "no-staffing-norm-is-known-for", "day", fmt.Sprint(d))
}

// Needed is the number of adults the norm asks for: small/UnderThree +
// large/OverThree, rounded up to a whole adult.
func (n Norm) Needed(small, large int) int {
	den := n.UnderThree * n.OverThree
	return (small*n.OverThree + large*n.UnderThree + den - 1) / den
}

// Occupancy is a unit at one instant: the children present by age group,
// the adults the staffing norm asks for, and the staff on duty.
type Occupancy struct {
	At time.Time `json:"at"`
	// Small and Large count the children present under and over three.
	Small  int `json:"small"`
	Large  int `json:"large"`
	Needed int `json:"needed"`
	OnDuty int `json:"onDuty"`
	// Meets reports whether OnDuty >= Needed.
	Meets bool `json:"meets"`
	Norm  Norm `json:"norm"`
	// NoRoster: nobody is on the unit's duty roster that day, so the
	// staffing cannot be judged (Meets is false, and Explain says why
	// instead of reporting a shortfall).
	NoRoster bool `json:"noRoster,omitempty"`
}

// Explain says in l how the need was computed and whether it is met.
func (o Occupancy) Explain(l Lang) string {
	t := o.At.In(domain.Oslo()).Format("15:04")
	verdict := pick(l, "normen er oppfylt", "norma er oppfylt", "the norm is met")
	switch {
	case o.NoRoster:
		verdict = pick(l, "ingen vaktliste er registrert for dagen, så bemanningen kan ikke vurderes",
			"inga vaktliste er registrert for dagen, så bemanninga kan ikkje vurderast",
			"no duty roster is registered for the day, so the staffing cannot be judged")
	case !o.Meets:
		verdict = pick(l, fmt.Sprintf("det mangler %d", o.Needed-o.OnDuty), fmt.Sprintf("det manglar %d", o.Needed-o.OnDuty),
			fmt.Sprintf("%d short", o.Needed-o.OnDuty))
	}
	return pick(l,
		fmt.Sprintf("Kl. %s: %d barn under tre og %d over tre krever %d voksne (1 per %d / 1 per %d, %s); %d på vakt, %s.",
			t, o.Small, o.Large, o.Needed, o.Norm.UnderThree, o.Norm.OverThree, o.Norm.Source, o.OnDuty, verdict),
		fmt.Sprintf("Kl. %s: %d born under tre og %d over tre krev %d vaksne (1 per %d / 1 per %d, %s); %d på vakt, %s.",
			t, o.Small, o.Large, o.Needed, o.Norm.UnderThree, o.Norm.OverThree, o.Norm.Source, o.OnDuty, verdict),
		fmt.Sprintf("At %s: %d children under three and %d over three need %d adults (1 per %d / 1 per %d, %s); %d on duty, %s.",
			t, o.Small, o.Large, o.Needed, o.Norm.UnderThree, o.Norm.OverThree, o.Norm.Source, o.OnDuty, verdict))
}

// DayOccupancy is a unit's occupancy through a day: one Occupancy for
// every instant something changed (a check event, a shift starting or
// ending), and the worst of them.
type DayOccupancy struct {
	Unit    domain.UnitID `json:"unit"`
	Day     date.Date     `json:"day"`
	Moments []Occupancy   `json:"moments"`
	// Worst is the moment with the largest shortfall of adults, or, when
	// the norm is met all day, the one with the most children.
	Worst Occupancy `json:"worst"`
	// Closed is why the unit is closed that day, or nil. A closed day
	// asks for no staff: only children checked in anyway count.
	Closed *domain.Closure `json:"closed,omitempty"`
}

// Occupancy returns the unit's occupancy through the day. Staff of the
// unit and municipal actors may read it.
func (s *Service) Occupancy(ctx context.Context, a domain.Actor, unit domain.UnitID, day date.Date) (DayOccupancy, error) {
	if err := mayReadUnit(a, unit); err != nil {
		return DayOccupancy{}, err
	}
	norm, err := StaffingNorm(day)
	if err != nil {
		return DayOccupancy{}, err
	}
	d, err := s.unitDay(ctx, a.Municipality, unit, day)
	if err != nil {
		return DayOccupancy{}, err
	}
	return BuildOccupancy(unit, day, norm, d), nil
}

// BuildOccupancy computes a day's occupancy from the records of the unit's
// day; it is the pure part of Service.Occupancy.
func BuildOccupancy(unit domain.UnitID, day date.Date, norm Norm, d Day) DayOccupancy {
	age := make(map[domain.ChildID]domain.AgeGroup, len(d.Children))
	for _, c := range d.Children {
		age[c.ID] = domain.AgeGroupOn(c.BirthDate, day)
	}
	var times []time.Time
	for _, c := range d.Checks {
		times = append(times, c.At)
	}
	for _, du := range d.Duties {
		times = append(times, du.Start, du.End)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	times = slices.CompactFunc(times, func(a, b time.Time) bool { return a.Equal(b) })

	out := DayOccupancy{Unit: unit, Day: day, Closed: d.Closed}
	present := map[domain.ChildID]bool{}
	next := 0
	for _, t := range times {
		for ; next < len(d.Checks) && !d.Checks[next].At.After(t); next++ {
			c := d.Checks[next]
			present[c.ChildID] = c.Kind == CheckIn
		}
		o := Occupancy{At: t.In(domain.Oslo()), Norm: norm}
		for child, in := range present {
			if !in {
				continue
			}
			if age[child] == domain.Small {
				o.Small++
			} else {
				o.Large++
			}
		}
		for _, du := range d.Duties {
			if du.Covers(t) {
				o.OnDuty++
			}
		}
		o.Needed = norm.Needed(o.Small, o.Large)
		o.Meets = o.OnDuty >= o.Needed
		o.NoRoster = len(d.Duties) == 0
		out.Moments = append(out.Moments, o)
		w := out.Worst
		if len(out.Moments) == 1 || o.Needed-o.OnDuty > w.Needed-w.OnDuty ||
			(o.Needed-o.OnDuty == w.Needed-w.OnDuty && o.Small+o.Large > w.Small+w.Large) {
			out.Worst = o
		}
	}
	return out
}
