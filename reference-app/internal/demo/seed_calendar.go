package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// seedCalendar gives the demo municipality an opening calendar for the
// school year it is seeded in (domain.SchoolYearOf the clock's today):
// the kindergartens' four weeks of summer closure in July, five planning
// days for the kindergartens, and the schools' holidays (SFO stays open
// on them). The public holidays need no seed: they are computed.
func seedCalendar(ctx context.Context, store domain.Store, clock domain.Clock) error {
	cs, ok := store.(domain.CalendarStore)
	if !ok {
		return fmt.Errorf("seed calendar: the store has no calendar port")
	}
	y := int(domain.SchoolYearOf(domain.Today(clock)))
	next := y + 1
	// The first weekday on or after a day, so that the demo's dates fall
	// on weekdays whatever the year.
	weekday := func(d date.Date) date.Date {
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d++
		}
		return d
	}
	// The Monday of the week that holds d.
	monday := func(d date.Date) date.Date { return d - date.Date((int(d.Weekday())+6)%7) }
	day := func(yy int, m time.Month, dd int) date.Date { return weekday(date.New(yy, m, dd)) }
	type e struct {
		kind      domain.CalendarKind
		appliesTo domain.UnitKind
		from, to  date.Date
		name      string
	}
	julyStart := monday(date.New(next, time.July, 7))
	autumn := monday(date.New(y, time.October, 1))
	winter := monday(date.New(next, time.February, 25))
	easter := domain.Easter(next)
	entries := []e{
		{domain.SummerClosure, domain.Kindergarten, julyStart, julyStart + 25, "Sommerstengt"},
		{domain.PlanningDay, domain.Kindergarten, day(y, time.August, 14), day(y, time.August, 14), "Planleggingsdag"},
		{domain.PlanningDay, domain.Kindergarten, day(y, time.August, 15), day(y, time.August, 15), "Planleggingsdag"},
		{domain.PlanningDay, domain.Kindergarten, day(y, time.October, 10), day(y, time.October, 10), "Planleggingsdag"},
		{domain.PlanningDay, domain.Kindergarten, day(next, time.January, 2), day(next, time.January, 2), "Planleggingsdag"},
		{domain.PlanningDay, domain.Kindergarten, easter + 40, easter + 40, "Planleggingsdag"}, // the Friday after Kristi himmelfartsdag
		{domain.SchoolHoliday, "", autumn, autumn + 4, "Høstferie"},
		{domain.SchoolHoliday, "", day(y, time.December, 22), date.New(next, time.January, 1), "Juleferie"},
		{domain.SchoolHoliday, "", winter, winter + 4, "Vinterferie"},
		{domain.SchoolHoliday, "", easter - 6, easter + 1, "Påskeferie"},
		{domain.SchoolHoliday, "", day(next, time.June, 20), date.New(next, time.August, 16), "Sommerferie"},
	}
	for _, x := range entries {
		err := cs.PutCalendarEntry(ctx, domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: Municipality,
			Kind: x.kind, AppliesTo: x.appliesTo, Period: domain.Period{Start: x.from, End: x.to}, Name: x.name})
		if err != nil {
			return fmt.Errorf("seed calendar %s %s: %w", x.kind, x.from, err)
		}
	}
	return nil
}
