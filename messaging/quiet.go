package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// QuietHours is a nightly window, in minutes after local midnight, in
// which no notice that is not urgent is sent: one written then waits in
// the outbox until End. Start after End wraps past midnight (21:00 to
// 07:00 is Start 1260, End 420). Start equal to End is no window at all.
type QuietHours struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// minutesPerDay bounds the minutes of QuietHours.
const minutesPerDay = 24 * 60

// Reason codes of quiet hours and urgent messages.
const (
	// ReasonQuietMinutes: a start or end is not a time of day.
	ReasonQuietMinutes = "must-be-a-time-of-day"
	// ReasonQuietOutside: a guardian's quiet hours must lie within the
	// municipality's (and be a window, not empty).
	ReasonQuietOutside = "must-lie-within-the-municipality-quiet-hours"
	// ReasonUnknownZone: the time zone is not known.
	ReasonUnknownZone = "is-not-a-known-time-zone"
	// ReasonUnreadAfter: the unread check is from 1 to 1440 minutes.
	ReasonUnreadAfter = "must-be-from-1-to-1440-minutes"
	// ReasonUrgentStaffOnly: only staff of the unit mark a message urgent,
	// to the children of their unit.
	ReasonUrgentStaffOnly = "only-unit-staff-send-urgent-messages"
)

// Validate checks that both ends are times of day.
func (q QuietHours) Validate() error {
	var p domain.Problems
	if q.Start < 0 || q.Start >= minutesPerDay {
		p.Add("quiet.start", ReasonQuietMinutes)
	}
	if q.End < 0 || q.End >= minutesPerDay {
		p.Add("quiet.end", ReasonQuietMinutes)
	}
	return p.Err()
}

// length is the window's length in minutes.
func (q QuietHours) length() int { return (q.End - q.Start + minutesPerDay) % minutesPerDay }

// Within reports whether q is a window (not empty) that lies inside outer:
// a guardian may shorten the municipality's quiet hours, not widen them.
func (q QuietHours) Within(outer QuietHours) bool {
	if q.length() == 0 || outer.length() == 0 {
		return false
	}
	off := func(m int) int { return (m - outer.Start + minutesPerDay) % minutesPerDay }
	return off(q.Start)+q.length() <= outer.length()
}

// Release is when a notice that is not urgent, written at t, may be sent:
// t itself outside the window, else the window's next End in loc. The end
// is a wall-clock time built with time.Date, so it is 07:00 local time on
// the night summer time starts or ends too, not t plus a fixed duration.
func (q QuietHours) Release(t time.Time, loc *time.Location) time.Time {
	if q.length() == 0 {
		return t
	}
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	if (m-q.Start+minutesPerDay)%minutesPerDay >= q.length() {
		return t
	}
	y, mo, d := l.Date()
	if q.Start > q.End && m >= q.Start {
		d++ // the evening part of a window that ends tomorrow morning
	}
	return time.Date(y, mo, d, q.End/60, q.End%60, 0, 0, loc)
}

// String is the window as "21:00–07:00".
func (q QuietHours) String() string {
	return fmt.Sprintf("%02d:%02d–%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

// Settings are a municipality's choices for notices: its quiet hours and
// their time zone, and after how long an urgent message no guardian has
// read is reported to its sender.
type Settings struct {
	Municipality domain.Municipality `json:"municipality"`
	Quiet        QuietHours          `json:"quiet"`
	// Zone is an IANA time zone name ("Europe/Oslo").
	Zone string `json:"zone"`
	// UnreadAfter is how long after an urgent message is sent its sender
	// is told that no guardian has read it.
	UnreadAfter time.Duration `json:"unreadAfter"`
}

// DefaultSettings are a municipality's settings until it chooses: quiet
// from 21:00 to 07:00 Europe/Oslo, unread urgent messages reported after
// 15 minutes.
func DefaultSettings(m domain.Municipality) Settings {
	return Settings{Municipality: m, Quiet: QuietHours{Start: 21 * 60, End: 7 * 60}, Zone: "Europe/Oslo", UnreadAfter: 15 * time.Minute}
}

// Validate checks the settings.
func (s Settings) Validate() error {
	var p domain.Problems
	p.Merge("", s.Municipality.Validate())
	p.Merge("", s.Quiet.Validate())
	if _, err := time.LoadLocation(s.Zone); err != nil || s.Zone == "" {
		p.Add("zone", ReasonUnknownZone)
	}
	if s.UnreadAfter < time.Minute || s.UnreadAfter > 24*time.Hour {
		p.Add("unreadAfter", ReasonUnreadAfter)
	}
	return p.Err()
}

// Location is the time zone of the settings; Europe/Oslo when it cannot be
// loaded (Validate refuses such settings before they are stored).
func (s Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.Zone); err == nil {
		return loc
	}
	return domain.Oslo()
}

// settingsOf reads a municipality's settings, or the defaults.
func (s *Service) settingsOf(ctx context.Context, m domain.Municipality) (Settings, error) {
	st, err := s.Store.MessagingSettings(ctx, m)
	if domain.IsNotFound(err) {
		return DefaultSettings(m), nil
	}
	return st, err
}

// SetSettings stores a municipality's settings (an administrator).
func (s *Service) SetSettings(ctx context.Context, actor domain.Actor, st Settings) error {
	if err := s.checkActor(actor, st.Municipality); err != nil {
		return err
	}
	if actor.Role != domain.RoleAdmin {
		return domain.ErrForbidden
	}
	if err := st.Validate(); err != nil {
		return err
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error { return s.Store.PutMessagingSettings(ctx, st) })
}

// SettingsFor returns a municipality's settings (the defaults until it
// has chosen), for any actor of the municipality.
func (s *Service) SettingsFor(ctx context.Context, actor domain.Actor, m domain.Municipality) (Settings, error) {
	if err := s.checkActor(actor, m); err != nil {
		return Settings{}, err
	}
	return s.settingsOf(ctx, m)
}
