package messaging

import (
	"context"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// ContactRegister is the port to the national contact and reservation
// register (Kontakt- og reservasjonsregisteret, KRR): the contact details
// a person keeps there and whether the person has reserved against digital
// communication. adapters/krr implements it over Digdir's REST API.
//
// Lookup answers for many persons at once. A person the register does not
// answer for is left out of the map, which the decision reads as
// RegisterNotRegistered. An error means the register could not answer at
// all (unreachable, refused, timed out); see RouteByRegister for what a
// notice does then.
type ContactRegister interface {
	Lookup(ctx context.Context, ids []domain.NationalID) (map[domain.NationalID]RegisterEntry, error)
}

// RegisterSource picks the contact register of a municipality (one
// deployment may serve municipalities that each have their own register
// settings). RegisterFor returns nil, nil when the municipality has no
// register, and an error when its register's settings cannot be used.
type RegisterSource interface {
	RegisterFor(ctx context.Context, m domain.Municipality) (ContactRegister, error)
}

// RegisterStatus is the register's status of a person.
type RegisterStatus string

// Statuses of a person in the register.
const (
	// RegisterActive: the person is in the register (AKTIV).
	RegisterActive RegisterStatus = "active"
	// RegisterDeleted: the person has been deleted from the register
	// (SLETTET), as when the person has died.
	RegisterDeleted RegisterStatus = "deleted"
	// RegisterNotRegistered: the register does not know the person
	// (IKKE_REGISTRERT).
	RegisterNotRegistered RegisterStatus = "not-registered"
)

// RegisterEntry is what the register says about one person.
type RegisterEntry struct {
	NationalID domain.NationalID
	Status     RegisterStatus
	// Reserved: the person has reserved against digital communication
	// from public bodies.
	Reserved bool
	// CanNotify is the register's notification status (varslingsstatus):
	// false when the contact details have not been updated or confirmed
	// within the period the regulation sets, or the person is reserved,
	// deleted or not registered. The register applies the period; this
	// package does not repeat it.
	CanNotify bool
	// Email and Mobile are the contact details the person keeps in the
	// register; either may be empty.
	Email  string
	Mobile string
	// When each was last updated and last verified by the person; zero
	// when the register did not say.
	EmailUpdated, EmailVerified   time.Time
	MobileUpdated, MobileVerified time.Time
}

// Reasons for how the register decided the route of a notice.
const (
	// ReasonRegisterNotified: the register says the person can be
	// notified; e-mail or SMS go to the register's details.
	ReasonRegisterNotified Reason = "register-can-notify"
	// ReasonRegisterReserved: the person has reserved against digital
	// communication; no e-mail, SMS or app, the DigitalMailbox medium
	// only: the route of letters. A reserved person is owed paper; it is
	// the transport behind that medium (a letter service that prints,
	// such as KS SvarUt, not built here) that must print it.
	ReasonRegisterReserved Reason = "register-reserved"
	// ReasonRegisterCannotNotify: the register says the person cannot be
	// notified (stale contact details); no e-mail or SMS.
	ReasonRegisterCannotNotify Reason = "register-cannot-notify"
	// ReasonRegisterNoDetails: the person is active in the register but
	// keeps no e-mail address or mobile number there, or none for the
	// preferred medium and no other; the digital mailbox.
	ReasonRegisterNoDetails Reason = "register-no-contact-details"
	// ReasonRegisterNotRegistered: the register does not know the person;
	// the digital mailbox.
	ReasonRegisterNotRegistered Reason = "register-not-registered"
	// ReasonRegisterDeleted: the person is deleted from the register (for
	// example deceased); nothing is sent.
	ReasonRegisterDeleted Reason = "register-deleted"
	// ReasonRegisterUnavailable: the register could not answer; no e-mail
	// or SMS to details it has not confirmed, the digital mailbox.
	ReasonRegisterUnavailable Reason = "register-unavailable"
	// ReasonRegisterNoNationalID: the guardian has no national ID to look
	// up; the route is the one without a register.
	ReasonRegisterNoNationalID Reason = "register-no-national-id"
)

// Route is where a notice to one guardian goes.
type Route struct {
	// Skip: nothing is sent to this guardian.
	Skip   bool
	Medium Medium
	// To is the address for Medium (see Delivery.To).
	To     string
	Reason Reason
}

// RouteLookup is the register's answer for one guardian, as
// RouteByRegister reads it.
type RouteLookup struct {
	// Failed: the register could not answer.
	Failed bool
	// Found: the register answered for this person; when false the person
	// is read as not registered.
	Found bool
	Entry RegisterEntry
}

// RouteByRegister decides the medium and address of a notice to guardian g
// on channel ch, with the guardian's preferred medium, when a
// ContactRegister is configured. It is pure; Notify applies it to every
// recipient with one Lookup:
//
//   - the protected channel (strengt fortrolig) goes to the digital
//     mailbox, whatever the register says;
//   - a guardian without a national ID cannot be looked up: the route
//     without a register (the guardian's own details on file);
//   - the register could not answer: the digital mailbox. The notice is
//     not held back and not sent by e-mail or SMS to details the register
//     has not confirmed;
//   - deleted from the register (for example deceased): nothing;
//   - not registered: the digital mailbox;
//   - reserved: the digital mailbox only (never e-mail, SMS or the app);
//   - the register says the person cannot be notified: the digital
//     mailbox;
//   - otherwise the preferred medium with the register's details: e-mail
//     to the register's e-mail address, SMS to its mobile number, the app
//     (webhook) or the digital mailbox as preferred; when the preferred
//     detail is missing, the register's e-mail, then its mobile, then the
//     digital mailbox. The guardian's own e-mail and phone on file are
//     not used.
func RouteByRegister(g domain.Guardian, ch Channel, preferred Medium, l RouteLookup) Route {
	mailbox := Route{Medium: DigitalMailbox, To: mailboxOf(g)}
	with := func(r Route, reason Reason) Route { r.Reason = reason; return r }
	switch {
	case ch == ChannelProtected:
		return with(mailbox, ReasonProtectedChannel)
	case g.NationalID.IsZero():
		m, to := route(g, ch, preferred)
		return Route{Medium: m, To: to, Reason: ReasonRegisterNoNationalID}
	case l.Failed:
		return with(mailbox, ReasonRegisterUnavailable)
	case !l.Found || l.Entry.Status == RegisterNotRegistered || l.Entry.Status == "":
		return with(mailbox, ReasonRegisterNotRegistered)
	case l.Entry.Status == RegisterDeleted:
		return Route{Skip: true, Reason: ReasonRegisterDeleted}
	case l.Entry.Reserved:
		return with(mailbox, ReasonRegisterReserved)
	case !l.Entry.CanNotify:
		return with(mailbox, ReasonRegisterCannotNotify)
	}
	e := l.Entry
	switch {
	case preferred == Email && e.Email != "":
		return Route{Medium: Email, To: e.Email, Reason: ReasonRegisterNotified}
	case preferred == SMS && e.Mobile != "":
		return Route{Medium: SMS, To: e.Mobile, Reason: ReasonRegisterNotified}
	case preferred == Webhook:
		return Route{Medium: Webhook, To: g.ID.String(), Reason: ReasonRegisterNotified}
	case preferred == DigitalMailbox:
		return with(mailbox, ReasonRegisterNotified)
	case e.Email != "":
		return Route{Medium: Email, To: e.Email, Reason: ReasonRegisterNotified}
	case e.Mobile != "":
		return Route{Medium: SMS, To: e.Mobile, Reason: ReasonRegisterNotified}
	}
	return with(mailbox, ReasonRegisterNoDetails)
}

// mailboxOf is the digital mailbox address of a guardian: the national ID,
// or "guardian:" and the guardian ID when there is none.
func mailboxOf(g domain.Guardian) string {
	if g.NationalID.IsZero() {
		return "guardian:" + g.ID.String()
	}
	return g.NationalID.String()
}

// lookupRegister asks the register about every recipient with a national
// ID, at most once per ID. A failure is returned as failed = true, not as
// an error: the notice is then routed to the digital mailbox.
func (s *Service) lookupRegister(ctx context.Context, reg ContactRegister, rs []resolved) (entries map[domain.NationalID]RegisterEntry, failed bool) {
	seen := map[domain.NationalID]bool{}
	var ids []domain.NationalID
	for _, r := range rs {
		n := r.guardian.NationalID
		if n.IsZero() || r.channel == ChannelProtected || seen[n] {
			continue
		}
		seen[n] = true
		ids = append(ids, n)
	}
	if len(ids) == 0 {
		return nil, false
	}
	timeout := s.RegisterTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	entries, err := reg.Lookup(ctx, ids)
	if err != nil {
		return nil, true
	}
	return entries, false
}
