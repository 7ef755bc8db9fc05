package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// Easter Sunday of known years (the almanac of the University of Oslo and
// every printed calendar agree), including the earliest and latest
// possible dates and the years around a century.
func TestEaster(t *testing.T) {
	for _, want := range []date.Date{
		date.New(1818, 3, 22), // earliest possible
		date.New(1943, 4, 25), // latest possible
		date.New(2000, 4, 23),
		date.New(2008, 3, 23),
		date.New(2011, 4, 24),
		date.New(2019, 4, 21),
		date.New(2024, 3, 31),
		date.New(2025, 4, 20),
		date.New(2026, 4, 5),
		date.New(2027, 3, 28),
		date.New(2038, 4, 25),
		date.New(2076, 4, 19), // Prop. 81 L (2010–2011): the old "leap year" wording went wrong here
		date.New(2100, 3, 28),
	} {
		assert.Equal(t, want, domain.Easter(want.Year()), "%d", want.Year())
		assert.Equal(t, time.Sunday, want.Weekday())
	}
}

func TestPublicHolidays2027(t *testing.T) {
	hs := domain.PublicHolidays(2027)
	got := map[string]date.Date{}
	for _, h := range hs {
		got[h.Key] = h.Day
		assert.NotEmpty(t, h.Source)
		assert.Contains(t, h.Source, "§")
	}
	assert.Equal(t, map[string]date.Date{
		"nyttarsdag":            date.New(2027, 1, 1),
		"skjaertorsdag":         date.New(2027, 3, 25),
		"langfredag":            date.New(2027, 3, 26),
		"forste-paskedag":       date.New(2027, 3, 28),
		"andre-paskedag":        date.New(2027, 3, 29),
		"forste-mai":            date.New(2027, 5, 1),
		"kristi-himmelfartsdag": date.New(2027, 5, 6),
		"syttende-mai":          date.New(2027, 5, 17),
		"forste-pinsedag":       date.New(2027, 5, 16),
		"andre-pinsedag":        date.New(2027, 5, 17),
		"forste-juledag":        date.New(2027, 12, 25),
		"andre-juledag":         date.New(2027, 12, 26),
	}, got)
	for i := 1; i < len(hs); i++ {
		assert.LessOrEqual(t, hs[i-1].Day, hs[i].Day)
	}
	h, ok := domain.PublicHoliday(date.New(2027, 5, 6))
	require.True(t, ok)
	assert.Equal(t, "Kristi himmelfartsdag", h.Name("nb"))
	assert.Equal(t, "Ascension Day", h.Name("en"))
	assert.Contains(t, h.Source, "helligdagsfred § 2 bokstav g")
	h, ok = domain.PublicHoliday(date.New(2026, 5, 17))
	require.True(t, ok)
	assert.Contains(t, h.Source, "1. og 17. mai som høgtidsdager § 1")
	_, ok = domain.PublicHoliday(date.New(2027, 5, 5))
	assert.False(t, ok)
	h, ok = domain.PublicHoliday(date.New(2027, 5, 9)) // a Sunday
	require.True(t, ok)
	assert.Equal(t, "sunday", h.Key)
}

func TestCalendarClosed(t *testing.T) {
	m := domain.MustMunicipality("0301")
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten, Owner: domain.Municipal}
	other := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Blåbær", Kind: domain.Kindergarten, Owner: domain.Municipal}
	school := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Bakken skole", Kind: domain.School, Owner: domain.Municipal}
	sfo := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Bakken SFO", Kind: domain.SFO, Owner: domain.Municipal, Parent: school.ID}
	entry := func(k domain.CalendarKind, unit domain.UnitID, kind domain.UnitKind, from, to date.Date, name string) domain.CalendarEntry {
		e := domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: m, Kind: k, Unit: unit, AppliesTo: kind,
			Period: domain.Period{Start: from, End: to}, Name: name}
		require.NoError(t, e.Validate())
		return e
	}
	cal := domain.Calendar{Municipality: m, Entries: []domain.CalendarEntry{
		entry(domain.SummerClosure, domain.UnitID{}, domain.Kindergarten, date.New(2027, 7, 5), date.New(2027, 7, 30), "Sommerstengt"),
		entry(domain.PlanningDay, domain.UnitID{}, "", date.New(2027, 8, 12), date.New(2027, 8, 13), ""),
		entry(domain.UnitClosed, kg.ID, "", date.New(2027, 5, 7), date.New(2027, 5, 7), "Vannlekkasje"),
		entry(domain.SchoolHoliday, domain.UnitID{}, "", date.New(2027, 10, 4), date.New(2027, 10, 8), "Høstferie"),
	}, Weekdays: map[domain.UnitID]domain.Weekdays{other.ID: "123456"}}

	closed := func(u domain.Unit, d date.Date) domain.ClosureCode {
		c, ok := cal.Closed(u, d)
		if !ok {
			return ""
		}
		return c.Code
	}
	// Kristi himmelfartsdag 2027 is Thursday 6 May.
	c, ok := cal.Closed(kg, date.New(2027, 5, 6))
	require.True(t, ok)
	assert.Equal(t, domain.ClosedPublicHoliday, c.Code)
	assert.Equal(t, "Kristi himmelfartsdag", c.Name("nb"))
	assert.Contains(t, c.Explain("en"), "Closed: Ascension Day is a public holiday")
	assert.Contains(t, c.Explain("nn"), "heilagdag")
	assert.Equal(t, domain.ClosedPublicHoliday, closed(sfo, date.New(2027, 5, 17)))
	// Weekends: closed by default; a unit open on Saturdays is open.
	assert.Equal(t, domain.ClosedWeekday, closed(kg, date.New(2027, 5, 8)))
	c, _ = cal.Closed(kg, date.New(2027, 5, 8))
	assert.Equal(t, "lørdag", c.Name("nb"))
	assert.Equal(t, "laurdag", c.Name("nn"))
	assert.Equal(t, domain.ClosureCode(""), closed(other, date.New(2027, 5, 8)))
	assert.Equal(t, domain.ClosedPublicHoliday, closed(other, date.New(2027, 5, 9)), "Sunday is a public holiday")
	// A unit's own closed day closes that unit only.
	assert.Equal(t, domain.ClosedUnit, closed(kg, date.New(2027, 5, 7)))
	c, _ = cal.Closed(kg, date.New(2027, 5, 7))
	assert.Equal(t, "Vannlekkasje", c.Name("en"))
	assert.Equal(t, domain.ClosureCode(""), closed(other, date.New(2027, 5, 7)))
	// Summer closure for kindergartens only.
	assert.Equal(t, domain.ClosedSummer, closed(other, date.New(2027, 7, 14)))
	assert.Equal(t, domain.ClosureCode(""), closed(sfo, date.New(2027, 7, 14)))
	// Planning days for every kind.
	assert.Equal(t, domain.ClosedPlanning, closed(sfo, date.New(2027, 8, 12)))
	c, _ = cal.Closed(sfo, date.New(2027, 8, 12))
	assert.Equal(t, "planning day", c.Name("en"))
	// School holiday: the school is closed, SFO and kindergarten open.
	assert.Equal(t, domain.ClosedSchoolHoliday, closed(school, date.New(2027, 10, 5)))
	assert.Equal(t, domain.ClosureCode(""), closed(sfo, date.New(2027, 10, 5)))
	assert.Equal(t, domain.ClosureCode(""), closed(kg, date.New(2027, 10, 5)))

	// May 2027 at the kindergarten: 21 weekdays, less 1 May (a Saturday
	// anyway), 6 May, 7 May (its own), 17 May: 18 open days.
	may := domain.Period{Start: date.New(2027, 5, 1), End: date.New(2027, 5, 31)}
	open := cal.OpenDays(kg, may)
	assert.Len(t, open, 18)
	assert.NotContains(t, open, date.New(2027, 5, 6))
	assert.Len(t, cal.Closures(kg, may), 31-18)
	assert.Len(t, cal.OpenDays(other, may), 19+4) // Saturdays open, 1 May closed
}

func TestCalendarEntryValidate(t *testing.T) {
	m := domain.MustMunicipality("0301")
	base := domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: m, Kind: domain.PlanningDay,
		Period: domain.Period{Start: date.New(2027, 8, 12), End: date.New(2027, 8, 12)}}
	require.NoError(t, base.Validate())
	fields := func(e domain.CalendarEntry) []string {
		var out []string
		var v *domain.ValidationError
		if errors.As(e.Validate(), &v) {
			for _, f := range v.Fields {
				out = append(out, f.Field)
			}
		}
		return out
	}
	e := base
	e.Kind = "holiday"
	assert.Equal(t, []string{"kind"}, fields(e))
	e = base
	e.Kind = domain.UnitClosed
	assert.Equal(t, []string{"unit"}, fields(e))
	e = base
	e.Period.End = 0
	assert.Equal(t, []string{"period.end"}, fields(e))
	e = base
	e.Period.End = date.New(2027, 8, 1)
	assert.Equal(t, []string{"period.end"}, fields(e))
	e = base
	e.Kind, e.Unit = domain.SchoolHoliday, domain.NewID[domain.Unit]()
	assert.Equal(t, []string{"unit"}, fields(e))
	e = base
	e.Name = "a\x00b"
	assert.Equal(t, []string{"name"}, fields(e))
	assert.Error(t, domain.Weekdays("21").Validate())
	assert.Error(t, domain.Weekdays("").Validate())
	assert.Error(t, domain.Weekdays("08").Validate())
	assert.NoError(t, domain.Weekdays("1234567").Validate())
}
