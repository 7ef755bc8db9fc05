package domain_test

import (
	"fmt"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// A kindergarten's May 2027: Kristi himmelfartsdag is computed from
// Easter, the Friday after is a planning day of the municipality.
func ExampleCalendar_Closed() {
	m := domain.MustMunicipality("0301")
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten, Owner: domain.Municipal}
	cal := domain.Calendar{Municipality: m, Entries: []domain.CalendarEntry{{
		ID: domain.NewID[domain.CalendarEntry](), Municipality: m, Kind: domain.PlanningDay, AppliesTo: domain.Kindergarten,
		Period: domain.Period{Start: date.New(2027, 5, 7), End: date.New(2027, 5, 7)},
	}}}
	for _, d := range []date.Date{date.New(2027, 5, 5), date.New(2027, 5, 6), date.New(2027, 5, 7), date.New(2027, 5, 8)} {
		if c, closed := cal.Closed(kg, d); closed {
			fmt.Println(d, c.Code, "-", c.Explain("en"))
		} else {
			fmt.Println(d, "open")
		}
	}
	may := domain.Period{Start: date.New(2027, 5, 1), End: date.New(2027, 5, 31)}
	fmt.Println("open days in May 2027:", len(cal.OpenDays(kg, may)))
	// Output:
	// 2027-05-05 open
	// 2027-05-06 public-holiday - Closed: Ascension Day is a public holiday (lov 24. februar 1995 nr. 12 om helligdager og helligdagsfred § 2 bokstav g).
	// 2027-05-07 planning-day - Closed: planning day.
	// 2027-05-08 weekday - Closed: the unit is not open on Saturday.
	// open days in May 2027: 18
}
