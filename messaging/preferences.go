package messaging

import (
	"context"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// ReasonMediumReserved: the guardian has reserved against digital
// communication in the contact register, so no electronic medium (e-mail,
// SMS, the app) may be chosen; the digital mailbox (the route of letters)
// only.
const ReasonMediumReserved = "reserved-against-digital-communication"

// ContactChoices is what a guardian may choose as notification
// preferences: the media offered and the municipality's quiet hours, which
// the guardian's own may shorten but not widen (QuietHours.Within).
//
// A person who has reserved against digital communication with public
// bodies in the contact and reservation register (KRR) is offered the
// digital mailbox only, the route of letters, which its transport turns
// into paper for a reserved person. The right to reserve is
// eForvaltningsforskriften § 9 (reservasjon); § 8 third paragraph and
// § 29 make KRR the source of the contact details and the reservation
// status, to be looked up at each sending (Digdir, "Om Kontakt- og
// reservasjonsregisteret", docs.digdir.no/docs/Kontaktregisteret, and
// "Retningslinjer for bruk av Kontakt- og reservasjonsregisteret",
// samarbeid.digdir.no). Digdir allows reminders and service messages by
// SMS or e-mail to a reserved person; this package is stricter and sends
// such a person nothing electronic (RouteByRegister), and the preferences
// offered match what is sent.
type ContactChoices struct {
	Media []Medium `json:"media"`
	// Reserved: the register says the guardian has reserved; Media is
	// then the digital mailbox only.
	Reserved bool `json:"reserved"`
	// Quiet and Zone are the municipality's quiet hours.
	Quiet QuietHours `json:"quiet"`
	Zone  string     `json:"zone"`
}

// AllMedia are the media a guardian may prefer, in the order offered.
var AllMedia = []Medium{Email, SMS, Webhook, DigitalMailbox}

// ChoicesFor returns what guardian g may choose (the guardian or a
// municipal actor asks). When the contact register cannot answer, every
// medium is offered: the route of each notice is decided again, with the
// register, when it is sent.
func (s *Service) ChoicesFor(ctx context.Context, actor domain.Actor, g domain.GuardianID) (ContactChoices, error) {
	if err := s.checkActor(actor, actor.Municipality); err != nil {
		return ContactChoices{}, err
	}
	if !actor.Municipal() && !(actor.Role == domain.RoleGuardian && actor.Guardian == g) {
		return ContactChoices{}, domain.ErrForbidden
	}
	m := actor.Municipality
	st, err := s.settingsOf(ctx, m)
	if err != nil {
		return ContactChoices{}, err
	}
	reserved, err := s.reserved(ctx, m, g)
	if err != nil {
		return ContactChoices{}, err
	}
	out := ContactChoices{Media: AllMedia, Reserved: reserved, Quiet: st.Quiet, Zone: st.Zone}
	if reserved {
		out.Media = []Medium{DigitalMailbox}
	}
	return out, nil
}

// reserved asks the municipality's contact register whether guardian g
// has reserved against digital communication: false without a register,
// without a national ID, or when the register cannot answer.
func (s *Service) reserved(ctx context.Context, m domain.Municipality, g domain.GuardianID) (bool, error) {
	reg, use, err := s.registerOf(ctx, m)
	if err != nil || !use || reg == nil {
		return false, err
	}
	gu, err := s.Store.Guardian(ctx, m, g)
	if err != nil {
		return false, refErr(err, "guardian", "no-such-guardian")
	}
	if gu.NationalID.IsZero() {
		return false, nil
	}
	es, failed := s.lookupRegister(ctx, reg, []resolved{{guardian: gu}})
	if failed {
		return false, nil
	}
	e, ok := es[gu.NationalID]
	return ok && e.Status == RegisterActive && e.Reserved, nil
}

// QuietRelease is when a notice to a guardian that failed and would be
// retried at t may be sent: t for an urgent notice, for a staff member's
// notice, and outside the quiet hours; else the end of the guardian's
// quiet hours (the guardian's own within the municipality's, else the
// municipality's), in the municipality's time zone. A Dispatcher with
// Quiet set asks it before it schedules a retry.
func (s *Service) QuietRelease(ctx context.Context, d Delivery, t time.Time) (time.Time, error) {
	if d.Urgent || d.Guardian.IsZero() {
		return t, nil
	}
	st, err := s.settingsOf(ctx, d.Municipality)
	if err != nil {
		return t, err
	}
	quiet := st.Quiet
	cs, err := s.Store.Contacts(ctx, d.Municipality, []domain.GuardianID{d.Guardian})
	if err != nil {
		return t, err
	}
	if c, ok := cs[d.Guardian]; ok && c.Quiet != nil && c.Quiet.Within(st.Quiet) {
		quiet = *c.Quiet
	}
	return quiet.Release(t, st.Location()), nil
}
