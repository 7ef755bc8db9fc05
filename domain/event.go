package domain

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rickb777/date/v2"
)

// The unit's calendar: events (a trip, a parents' meeting, photo day) for
// the whole municipality, a unit or a group, beside the opening calendar's
// closures. Who sees an event is decided here (EventAudienceOf), once, for
// the app's pages, its API and the iCalendar feed a guardian's phone
// subscribes to (WriteICalendar, EventFeed).

// EventID identifies a calendar event.
type EventID = ID[Event]

// EventScope is whom an event is for.
type EventScope string

// Event scopes.
const (
	// ScopeMunicipalityEvent is for everyone of the municipality: every
	// guardian with a child they may be told about, and all staff.
	ScopeMunicipalityEvent EventScope = "municipality"
	// ScopeUnitEvent is for one unit: its staff and the guardians of its
	// children.
	ScopeUnitEvent EventScope = "unit"
	// ScopeGroupEvent is for one group of a unit: the unit's staff and the
	// guardians of the group's children.
	ScopeGroupEvent EventScope = "group"
)

// Valid reports whether s is a known scope.
func (s EventScope) Valid() bool {
	return s == ScopeMunicipalityEvent || s == ScopeUnitEvent || s == ScopeGroupEvent
}

// Event is an event of the unit's calendar. An all-day event lasts from
// StartDay to EndDay (both included; Start and End are zero); any other
// lasts from the instant Start to End, shown in Europe/Oslo (StartDay and
// EndDay are then the Oslo days of Start and End, set by Normalize).
type Event struct {
	ID           EventID      `json:"id"`
	Municipality Municipality `json:"municipality"`
	Scope        EventScope   `json:"scope"`
	// Unit is the unit of a unit or group event.
	Unit UnitID `json:"unitId,omitzero"`
	// Group is the group of a group event.
	Group       GroupID   `json:"groupId,omitzero"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Place       string    `json:"place,omitempty"`
	AllDay      bool      `json:"allDay"`
	StartDay    date.Date `json:"startDay"`
	EndDay      date.Date `json:"endDay"`
	Start       time.Time `json:"start,omitzero"`
	End         time.Time `json:"end,omitzero"`
	// Updated is when the event was last written (the feed's DTSTAMP).
	Updated time.Time `json:"updated"`
	// Entry is set on an event made from the opening calendar (a planning
	// day, a closure) by VisibleEvents; such an event is not stored.
	Entry CalendarEntryID `json:"entryId,omitzero"`
}

// Limits of an event's texts, in characters.
const (
	EventTitleMax       = 200
	EventPlaceMax       = 200
	EventDescriptionMax = 4000
)

// Reasons of a refused event.
const (
	ReasonEventScope      = "not-an-event-scope"
	ReasonEventNoUnit     = "a-municipality-event-names-no-unit"
	ReasonEventNoGroup    = "a-unit-event-names-no-group"
	ReasonEventTimeAllDay = "an-all-day-event-has-no-time"
	ReasonGroupOfUnit     = "the-group-is-not-in-the-unit"
	ReasonEventTooLong    = "an-event-lasts-at-most-a-year"
)

// Normalize trims the texts and, for an event with times, sets StartDay
// and EndDay to the Oslo days of Start and End and the times to UTC
// (instants kept to the second).
func (e Event) Normalize() Event {
	e.Title = strings.TrimSpace(e.Title)
	e.Place = strings.TrimSpace(e.Place)
	e.Description = strings.TrimSpace(strings.ReplaceAll(e.Description, "\r\n", "\n"))
	if !e.AllDay && !e.Start.IsZero() && !e.End.IsZero() {
		e.Start, e.End = e.Start.UTC().Truncate(time.Second), e.End.UTC().Truncate(time.Second)
		e.StartDay, e.EndDay = date.NewAt(e.Start.In(Oslo())), date.NewAt(e.End.In(Oslo()))
	}
	if !e.Updated.IsZero() {
		e.Updated = e.Updated.UTC().Truncate(time.Second)
	}
	return e
}

// Validate checks the event on its own (call Normalize first); CheckEvent
// checks it against stored data.
func (e Event) Validate() error {
	var p Problems
	checkRecord(&p, e.ID.IsZero(), e.Municipality)
	switch e.Scope {
	case ScopeMunicipalityEvent:
		if !e.Unit.IsZero() || !e.Group.IsZero() {
			p.Add("unitId", ReasonEventNoUnit)
		}
	case ScopeUnitEvent:
		if e.Unit.IsZero() {
			p.Add("unitId", "required")
		}
		if !e.Group.IsZero() {
			p.Add("groupId", ReasonEventNoGroup)
		}
	case ScopeGroupEvent:
		if e.Unit.IsZero() {
			p.Add("unitId", "required")
		}
		if e.Group.IsZero() {
			p.Add("groupId", "required")
		}
	default:
		p.Add("scope", ReasonEventScope)
	}
	checkText(&p, "title", e.Title, EventTitleMax, true)
	checkText(&p, "place", e.Place, EventPlaceMax, false)
	if err := CheckText("description", e.Description); err != nil {
		p.Merge("", err)
	} else if utf8.RuneCountInString(e.Description) > EventDescriptionMax {
		p.Add("description", "too-long")
	}
	if e.AllDay {
		if !e.Start.IsZero() || !e.End.IsZero() {
			p.Add("start", ReasonEventTimeAllDay)
		}
	} else {
		if e.Start.IsZero() {
			p.Add("start", "required")
		}
		if e.End.IsZero() {
			p.Add("end", "required")
		}
		if !e.Start.IsZero() && !e.End.IsZero() && !e.End.After(e.Start) {
			p.Add("end", ReasonBeforeStart)
		}
	}
	switch {
	case e.StartDay == date.Zero:
		p.Add("startDay", "required")
	case e.EndDay == date.Zero:
		p.Add("endDay", "required")
	case e.EndDay < e.StartDay:
		p.Add("endDay", ReasonBeforeStart)
	case e.EndDay > e.StartDay.AddDate(1, 0, 0):
		p.Add("endDay", ReasonEventTooLong)
	case e.StartDay < date.New(1900, 1, 1) || e.EndDay > OpenEnd:
		p.Add("startDay", "out-of-range", "min", "1900-01-01", "max", OpenEnd.String())
	}
	return p.Err()
}

// Period is the days the event lasts.
func (e Event) Period() Period { return Period{Start: e.StartDay, End: e.EndDay} }

// UID is the event's stable identifier in an iCalendar feed.
func (e Event) UID() string {
	if !e.Entry.IsZero() {
		return "calendar-" + e.Entry.String() + "@" + string(e.Municipality) + ".oppvekst"
	}
	return "event-" + e.ID.String() + "@" + string(e.Municipality) + ".oppvekst"
}

// SortEvents orders by first day, then start, then ID.
func SortEvents(es []Event) {
	slices.SortFunc(es, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.StartDay, b.StartDay), a.Start.Compare(b.Start),
			a.Entry.Compare(b.Entry), a.ID.Compare(b.ID))
	})
}

// CheckEvent checks an event against stored data: its unit exists in the
// municipality, and its group in the unit.
func CheckEvent(ctx context.Context, d DirectoryReader, e Event) error {
	if e.Unit.IsZero() {
		return nil
	}
	if _, err := d.Unit(ctx, e.Municipality, e.Unit); err != nil {
		return refError(err, "unitId", "no-such-unit")
	}
	if e.Group.IsZero() {
		return nil
	}
	g, err := d.Group(ctx, e.Municipality, e.Group)
	if err != nil {
		return refError(err, "groupId", "no-such-group")
	}
	if g.UnitID != e.Unit {
		return Invalid("groupId", ReasonGroupOfUnit)
	}
	return nil
}

// EventFeed is a guardian's iCalendar feed: the secret token in its URL
// is the only credential, so only its SHA-256 is kept (TokenHash, hex).
// A guardian has at most one feed; renewing replaces it, revoking
// deletes it.
type EventFeed struct {
	Municipality Municipality `json:"municipality"`
	Guardian     GuardianID   `json:"guardianId"`
	TokenHash    string       `json:"-"`
	Created      time.Time    `json:"created"`
}

// Validate checks the feed on its own.
func (f EventFeed) Validate() error {
	var p Problems
	if err := f.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if f.Guardian.IsZero() {
		p.Add("guardianId", "required")
	}
	if len(f.TokenHash) != 64 || strings.Trim(f.TokenHash, "0123456789abcdef") != "" {
		p.Add("tokenHash", "not-a-sha-256")
	}
	if f.Created.IsZero() {
		p.Add("created", "required")
	}
	return p.Err()
}

// NewEventFeed makes a feed for the guardian with a fresh token, which it
// returns: "<kommunenummer>-<43 characters>", 256 random bits. The token
// is shown to the guardian once in a URL and never stored.
func NewEventFeed(m Municipality, g GuardianID, now time.Time) (EventFeed, string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	token := string(m) + "-" + base64.RawURLEncoding.EncodeToString(b)
	return EventFeed{Municipality: m, Guardian: g, TokenHash: HashFeedToken(token), Created: now.UTC().Truncate(time.Second)}, token
}

// HashFeedToken is the hex SHA-256 of a feed token.
func HashFeedToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ParseFeedToken splits a token into its municipality and reports whether
// it has the form NewEventFeed gives; a token that does not is unknown.
func ParseFeedToken(token string) (Municipality, bool) {
	m, rest, ok := strings.Cut(token, "-")
	if !ok || len(rest) != 43 {
		return "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(rest); err != nil {
		return "", false
	}
	if err := Municipality(m).Validate(); err != nil {
		return "", false
	}
	return Municipality(m), true
}

// MatchesToken reports, in constant time, whether token is the feed's.
func (f EventFeed) MatchesToken(token string) bool {
	return subtle.ConstantTimeCompare([]byte(f.TokenHash), []byte(HashFeedToken(token))) == 1
}

// EventStore is the store port of the unit's calendar: its events and the
// guardians' feeds.
//
// Writes validate their input first (nothing written on a
// *ValidationError) and check the unit and group an event names
// (CheckEvent). Reading, replacing or deleting what does not exist in the
// municipality is ErrNotFound.
type EventStore interface {
	// PutEvent creates the event or replaces the one with its ID.
	PutEvent(ctx context.Context, e Event) error
	DeleteEvent(ctx context.Context, m Municipality, id EventID) error
	Event(ctx context.Context, m Municipality, id EventID) (Event, error)
	// Events lists the municipality's events sharing a day with the
	// period, by SortEvents.
	Events(ctx context.Context, m Municipality, within Period) ([]Event, error)

	// PutEventFeed sets the guardian's feed, replacing any earlier one.
	PutEventFeed(ctx context.Context, f EventFeed) error
	// DeleteEventFeed revokes the guardian's feed.
	DeleteEventFeed(ctx context.Context, m Municipality, guardian GuardianID) error
	// EventFeed reads the guardian's feed.
	EventFeed(ctx context.Context, m Municipality, guardian GuardianID) (EventFeed, error)
	// EventFeedByHash finds the feed with the token hash.
	EventFeedByHash(ctx context.Context, m Municipality, tokenHash string) (EventFeed, error)
}

// EventAudience is what one actor may see of the unit's calendar.
type EventAudience struct {
	// All: every event of the municipality (administrators, caseworkers).
	All bool
	// Municipality: the municipality's own events.
	Municipality bool
	Units        map[UnitID]bool
	Groups       map[GroupID]bool
	// Children are the children that made a guardian's audience, for the
	// audit log; empty for staff.
	Children []ChildID
}

// Sees reports whether the audience sees the event.
func (au EventAudience) Sees(e Event) bool {
	switch {
	case au.All:
		return true
	case e.Scope == ScopeMunicipalityEvent:
		return au.Municipality
	case e.Scope == ScopeUnitEvent:
		return au.Units[e.Unit]
	case e.Scope == ScopeGroupEvent:
		return au.Groups[e.Group]
	}
	return false
}

// EventAudienceOf decides what the actor sees of the unit's calendar in
// the period.
//
// A guardian sees the events of the units and groups where a child they
// may be told about (Guardianship.ReceivesInformation) has a placement
// sharing a day with the period, and the municipality's events when there
// is at least one such child. A guardian without parental responsibility
// sees nothing of a child whose address is protected (any protection,
// not only strengt fortrolig: the calendar names the unit, so it would say
// where the child is). Staff see their units' events, every group of them,
// and the municipality's; administrators and caseworkers see every event.
func EventAudienceOf(ctx context.Context, d DirectoryReader, a Actor, within Period) (EventAudience, error) {
	au := EventAudience{Units: map[UnitID]bool{}, Groups: map[GroupID]bool{}}
	switch a.Role {
	case RoleAdmin, RoleCaseworker:
		au.All, au.Municipality = true, true
		return au, nil
	case RoleStaff:
		au.Municipality = true
		for _, u := range a.Units {
			au.Units[u] = true
			gs, err := d.Groups(ctx, a.Municipality, u)
			if err != nil {
				return au, err
			}
			for _, g := range gs {
				au.Groups[g.ID] = true
			}
		}
		return au, nil
	case RoleGuardian:
	default:
		return au, nil
	}
	wards, err := d.Wards(ctx, a.Municipality, a.Guardian)
	if err != nil {
		return au, err
	}
	for _, w := range wards {
		if !w.ReceivesInformation() {
			continue
		}
		rec, err := d.ChildRecord(ctx, a.Municipality, w.ChildID)
		if err != nil {
			return au, err
		}
		if rec.Child.AddressProtection.Protected() && !w.ParentalResponsibility {
			continue
		}
		placed := false
		for _, pl := range rec.Placements {
			if !pl.Period.Overlaps(within) {
				continue
			}
			placed = true
			au.Units[pl.UnitID] = true
			if !pl.GroupID.IsZero() {
				au.Groups[pl.GroupID] = true
			}
		}
		if placed {
			au.Municipality = true
			au.Children = append(au.Children, w.ChildID)
		}
	}
	return au, nil
}

// EventReader is what VisibleEvents reads.
type EventReader interface {
	DirectoryReader
	CalendarReader
	Events(ctx context.Context, m Municipality, within Period) ([]Event, error)
}

// VisibleEvents lists what the audience sees in the period, by
// SortEvents: the stored events it Sees, and the opening calendar's
// summer closures, planning days, school holidays and closed days of the
// units it sees, as all-day events (Entry set, titled in lang). An entry
// for no unit of the audience is left out; for All, every entry is in.
func VisibleEvents(ctx context.Context, r EventReader, m Municipality, au EventAudience, within Period, lang string) ([]Event, error) {
	stored, err := r.Events(ctx, m, within)
	if err != nil {
		return nil, err
	}
	out := []Event{}
	for _, e := range stored {
		if au.Sees(e) {
			out = append(out, e)
		}
	}
	entries, err := r.CalendarEntries(ctx, m, within)
	if err != nil {
		return nil, err
	}
	var units []Unit
	if len(entries) > 0 && !au.All {
		all, err := r.Units(ctx, m)
		if err != nil {
			return nil, err
		}
		for _, u := range all {
			if au.Units[u.ID] {
				units = append(units, u)
			}
		}
	}
	for _, ce := range entries {
		if !au.All && !slices.ContainsFunc(units, ce.appliesTo) {
			continue
		}
		out = append(out, EntryEvent(ce, lang))
	}
	SortEvents(out)
	return out, nil
}

// EntryEvent is an entry of the opening calendar as an all-day event,
// titled by its name or its kind's name in lang.
func EntryEvent(ce CalendarEntry, lang string) Event {
	title := ce.Name
	if title == "" {
		title = ce.Kind.KindName(lang)
		title = strings.ToUpper(title[:1]) + title[1:]
	}
	e := Event{Municipality: ce.Municipality, Scope: ScopeMunicipalityEvent, Title: title, AllDay: true,
		StartDay: ce.Period.Start, EndDay: ce.Period.End, Entry: ce.ID}
	if !ce.Unit.IsZero() {
		e.Scope, e.Unit = ScopeUnitEvent, ce.Unit
	}
	return e
}
