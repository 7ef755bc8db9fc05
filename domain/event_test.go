package domain_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

var oslo = domain.MustMunicipality("0301")

func timedEvent(start, end time.Time) domain.Event {
	return domain.Event{ID: domain.NewID[domain.Event](), Municipality: oslo, Scope: domain.ScopeMunicipalityEvent,
		Title: "Foreldremøte", Start: start, End: end}.Normalize()
}

func TestEventValidate(t *testing.T) {
	at := time.Date(2027, 3, 1, 18, 0, 0, 0, domain.Oslo())
	ok := timedEvent(at, at.Add(2*time.Hour))
	require.NoError(t, ok.Validate())
	assert.Equal(t, "2027-03-01", ok.StartDay.String(), "days are the Oslo days")
	assert.Equal(t, time.UTC, ok.Start.Location())

	// An evening event that ends after midnight in Oslo spans two days.
	late := timedEvent(time.Date(2027, 3, 1, 23, 30, 0, 0, domain.Oslo()), time.Date(2027, 3, 2, 0, 30, 0, 0, domain.Oslo()))
	assert.Equal(t, "2027-03-02", late.EndDay.String())

	cases := map[string]struct {
		e             domain.Event
		field, reason string
	}{
		"no title":           {func() domain.Event { e := ok; e.Title = " "; return e }(), "title", "required"},
		"ends before starts": {timedEvent(at, at.Add(-time.Hour)), "end", domain.ReasonBeforeStart},
		"unit without unit":  {func() domain.Event { e := ok; e.Scope = domain.ScopeUnitEvent; return e }(), "unitId", "required"},
		"municipality with unit": {func() domain.Event {
			e := ok
			e.Unit = domain.NewID[domain.Unit]()
			return e
		}(), "unitId", domain.ReasonEventNoUnit},
		"unit with group": {func() domain.Event {
			e := ok
			e.Scope, e.Unit, e.Group = domain.ScopeUnitEvent, domain.NewID[domain.Unit](), domain.NewID[domain.Group]()
			return e
		}(), "groupId", domain.ReasonEventNoGroup},
		"group without group": {func() domain.Event {
			e := ok
			e.Scope, e.Unit = domain.ScopeGroupEvent, domain.NewID[domain.Unit]()
			return e
		}(), "groupId", "required"},
		"bad scope":        {func() domain.Event { e := ok; e.Scope = "class"; return e }(), "scope", domain.ReasonEventScope},
		"all day and time": {func() domain.Event { e := ok; e.AllDay = true; return e }(), "start", domain.ReasonEventTimeAllDay},
		"all day no end": {func() domain.Event {
			e := ok
			e.AllDay, e.Start, e.End, e.EndDay = true, time.Time{}, time.Time{}, 0
			return e
		}(), "endDay", "required"},
		"too long": {func() domain.Event {
			e := ok
			e.AllDay, e.Start, e.End, e.EndDay = true, time.Time{}, time.Time{}, e.StartDay.AddDate(1, 0, 1)
			return e
		}(), "endDay", domain.ReasonEventTooLong},
		"control in title": {func() domain.Event { e := ok; e.Title = "a\x00b"; return e }(), "title", domain.ReasonControl},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var ve *domain.ValidationError
			require.ErrorAs(t, c.e.Validate(), &ve)
			assert.True(t, hasField(ve, c.field, c.reason), "%v", ve.Fields)
		})
	}
}

func hasField(ve *domain.ValidationError, field, reason string) bool {
	for _, f := range ve.Fields {
		if f.Field == field && f.Reason == reason {
			return true
		}
	}
	return false
}

func TestFeedToken(t *testing.T) {
	g := domain.NewID[domain.Guardian]()
	now := time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC)
	f, token := domain.NewEventFeed(oslo, g, now)
	require.NoError(t, f.Validate())
	assert.True(t, strings.HasPrefix(token, "0301-"))
	assert.NotContains(t, f.TokenHash, token[5:], "the token is not kept")
	m, ok := domain.ParseFeedToken(token)
	assert.True(t, ok)
	assert.Equal(t, oslo, m)
	assert.True(t, f.MatchesToken(token))
	assert.False(t, f.MatchesToken(token[:len(token)-1]+"A"))
	_, other := domain.NewEventFeed(oslo, g, now)
	assert.NotEqual(t, token, other, "every token is fresh")
	for _, bad := range []string{"", "0301", "0301-short", "03x1-" + token[5:], "0301-" + token[5:len(token)-1] + "!", token + "x"} {
		_, ok := domain.ParseFeedToken(bad)
		assert.False(t, ok, bad)
	}
}

// directory answers only what EventAudienceOf asks of it.
type directory struct {
	domain.DirectoryReader
	wards   []domain.Guardianship
	records map[domain.ChildID]domain.ChildRecord
	groups  map[domain.UnitID][]domain.Group
}

func (d directory) Wards(context.Context, domain.Municipality, domain.GuardianID) ([]domain.Guardianship, error) {
	return d.wards, nil
}

func (d directory) ChildRecord(_ context.Context, _ domain.Municipality, id domain.ChildID) (domain.ChildRecord, error) {
	return d.records[id], nil
}

func (d directory) Groups(_ context.Context, _ domain.Municipality, u domain.UnitID) ([]domain.Group, error) {
	return d.groups[u], nil
}

func TestEventAudience(t *testing.T) {
	ctx := context.Background()
	g := domain.NewID[domain.Guardian]()
	kgA, kgB, school := domain.NewID[domain.Unit](), domain.NewID[domain.Unit](), domain.NewID[domain.Unit]()
	groupA := domain.NewID[domain.Group]()
	year := domain.Period{Start: day(2027, 1, 1), End: day(2027, 12, 31)}
	child := func(unit domain.UnitID, group domain.GroupID, protection domain.AddressProtection, p domain.Period) domain.ChildRecord {
		id := domain.NewID[domain.Child]()
		return domain.ChildRecord{Child: domain.Child{ID: id, AddressProtection: protection},
			Placements: []domain.Placement{{UnitID: unit, GroupID: group, Period: p}}}
	}
	placed := child(kgA, groupA, domain.ProtectionNone, domain.Period{Start: day(2026, 8, 1)})
	hidden := child(kgB, domain.GroupID{}, domain.ProtectionFortrolig, domain.Period{Start: day(2026, 8, 1)})
	gone := child(school, domain.GroupID{}, domain.ProtectionNone, domain.Period{Start: day(2020, 8, 1), End: day(2026, 6, 30)})
	d := directory{records: map[domain.ChildID]domain.ChildRecord{placed.Child.ID: placed, hidden.Child.ID: hidden, gone.Child.ID: gone}}
	d.wards = []domain.Guardianship{
		{ChildID: placed.Child.ID, GuardianID: g, ParentalResponsibility: true},
		{ChildID: hidden.Child.ID, GuardianID: g, InformationRequested: true},
		{ChildID: gone.Child.ID, GuardianID: g, ParentalResponsibility: true},
	}
	au, err := domain.EventAudienceOf(ctx, d, domain.GuardianActor(oslo, g), year)
	require.NoError(t, err)
	ev := func(scope domain.EventScope, u domain.UnitID, gr domain.GroupID) domain.Event {
		return domain.Event{Scope: scope, Unit: u, Group: gr}
	}
	assert.True(t, au.Sees(ev(domain.ScopeMunicipalityEvent, domain.UnitID{}, domain.GroupID{})))
	assert.True(t, au.Sees(ev(domain.ScopeUnitEvent, kgA, domain.GroupID{})))
	assert.True(t, au.Sees(ev(domain.ScopeGroupEvent, kgA, groupA)))
	assert.False(t, au.Sees(ev(domain.ScopeGroupEvent, kgA, domain.NewID[domain.Group]())), "another group of the unit")
	assert.False(t, au.Sees(ev(domain.ScopeUnitEvent, kgB, domain.GroupID{})), "the protected child's unit, to a § 47 parent")
	assert.False(t, au.Sees(ev(domain.ScopeUnitEvent, school, domain.GroupID{})), "a placement that ended")
	assert.Equal(t, []domain.ChildID{placed.Child.ID}, au.Children)

	// With parental responsibility the protected child's unit is seen;
	// after a denial of information nothing is.
	d.wards = []domain.Guardianship{{ChildID: hidden.Child.ID, GuardianID: g, ParentalResponsibility: true}}
	au, err = domain.EventAudienceOf(ctx, d, domain.GuardianActor(oslo, g), year)
	require.NoError(t, err)
	assert.True(t, au.Sees(ev(domain.ScopeUnitEvent, kgB, domain.GroupID{})))
	d.wards = []domain.Guardianship{{ChildID: placed.Child.ID, GuardianID: g, InformationRequested: true, InformationDenied: true}}
	au, err = domain.EventAudienceOf(ctx, d, domain.GuardianActor(oslo, g), year)
	require.NoError(t, err)
	assert.False(t, au.Sees(ev(domain.ScopeMunicipalityEvent, domain.UnitID{}, domain.GroupID{})), "no child, no municipality events")

	// Staff see their units and every group of them.
	d.groups = map[domain.UnitID][]domain.Group{kgA: {{ID: groupA, UnitID: kgA}}}
	au, err = domain.EventAudienceOf(ctx, d, domain.Actor{Role: domain.RoleStaff, Municipality: oslo, Units: []domain.UnitID{kgA}}, year)
	require.NoError(t, err)
	assert.True(t, au.Sees(ev(domain.ScopeGroupEvent, kgA, groupA)))
	assert.False(t, au.Sees(ev(domain.ScopeUnitEvent, kgB, domain.GroupID{})))
}

func TestICalendar(t *testing.T) {
	at := time.Date(2027, 3, 1, 18, 0, 0, 0, domain.Oslo())
	meeting := timedEvent(at, at.Add(90*time.Minute))
	meeting.Description = "Agenda; budsjett, turer\nog annet \\ sånt. " + strings.Repeat("Æøå lang tekst ", 20)
	meeting.Place = "Solsikken, avdeling Blå"
	meeting.Updated = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	trip := domain.Event{ID: domain.NewID[domain.Event](), Municipality: oslo, Scope: domain.ScopeMunicipalityEvent,
		Title: "Tur til Holmenkollen", AllDay: true, StartDay: day(2027, 5, 3), EndDay: day(2027, 5, 4)}
	planning := domain.EntryEvent(domain.CalendarEntry{ID: domain.NewID[domain.CalendarEntry](), Municipality: oslo,
		Kind: domain.PlanningDay, Period: domain.Period{Start: day(2027, 8, 12), End: day(2027, 8, 12)}}, "nb")
	now := time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	n, err := domain.ICalendar{Name: "Barnehagekalender, Oslo", Now: now, Events: []domain.Event{meeting, trip, planning}}.WriteTo(&buf)
	require.NoError(t, err)
	assert.EqualValues(t, buf.Len(), n)
	raw := buf.String()

	// Every line ends CRLF and has at most 75 octets, cut between runes.
	assert.True(t, strings.HasSuffix(raw, "END:VCALENDAR\r\n"))
	for _, l := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		assert.LessOrEqual(t, len(l), 75, l)
		assert.True(t, utf8.ValidString(l), l)
		assert.NotContains(t, l, "\n")
	}
	assert.Contains(t, raw, "DTSTART;VALUE=DATE:20270503\r\n")
	assert.Contains(t, raw, "DTEND;VALUE=DATE:20270505\r\n", "the day after the last")
	assert.Contains(t, raw, "DTSTART:20270301T170000Z\r\n", "18:00 in Oslo in winter is 17:00 UTC")

	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	require.NoError(t, err)
	events := cal.Events()
	require.Len(t, events, 3)
	got := map[string]*ics.VEvent{}
	for _, e := range events {
		got[e.Id()] = e
	}
	m := got[meeting.UID()]
	require.NotNil(t, m)
	assert.Equal(t, meeting.Description, m.GetProperty(ics.ComponentPropertyDescription).Value, "unfolded and unescaped")
	assert.Equal(t, meeting.Place, m.GetProperty(ics.ComponentPropertyLocation).Value)
	start, err := m.GetStartAt()
	require.NoError(t, err)
	assert.True(t, start.Equal(at))
	end, err := m.GetEndAt()
	require.NoError(t, err)
	assert.True(t, end.Equal(at.Add(90*time.Minute)))
	assert.Equal(t, "20270201T090000Z", m.GetProperty(ics.ComponentPropertyDtstamp).Value)

	tr := got[trip.UID()]
	require.NotNil(t, tr)
	first, err := tr.GetAllDayStartAt()
	require.NoError(t, err)
	assert.Equal(t, "2027-05-03", first.Format(time.DateOnly))
	assert.Equal(t, "Tur til Holmenkollen", tr.GetProperty(ics.ComponentPropertySummary).Value)

	p := got[planning.UID()]
	require.NotNil(t, p, "the opening calendar's entry has its own UID")
	assert.Equal(t, "Planleggingsdag", p.GetProperty(ics.ComponentPropertySummary).Value)
	assert.Equal(t, "20270210T120000Z", p.GetProperty(ics.ComponentPropertyDtstamp).Value)
	assert.Equal(t, "Barnehagekalender, Oslo", cal.CalendarProperties[indexOf(cal, "X-WR-CALNAME")].Value)
}

func indexOf(cal *ics.Calendar, name string) int {
	for i, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			return i
		}
	}
	return -1
}

func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }
