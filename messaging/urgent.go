package messaging

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// Why an urgent message's SMS copy was not sent to a guardian
// (UrgentRecipient.NoSMS). Pages show them in the reader's language.
const (
	// NoSMSReserved: the guardian has reserved against digital
	// communication in the contact register and keeps no mobile number
	// there; the message goes to the digital mailbox only. A reserved
	// guardian whose register entry has a mobile number does get the SMS
	// copy: an urgent message is a service message, which public bodies
	// may send by SMS also to those who have reserved (Digdir's guidance
	// on the contact register, as municipalities quote it, e.g.
	// leirfjord.kommune.no "SMS-varsling og kontakt- og
	// reservasjonsregisteret").
	NoSMSReserved = "reserved-in-contact-register"
	// NoSMSProtected: the guardian's address is strengt fortrolig; the
	// digital mailbox only.
	NoSMSProtected = "protected-address"
	// NoSMSRegister: the contact register cannot notify the guardian (or
	// could not answer, or does not know the guardian).
	NoSMSRegister = "contact-register-cannot-notify"
	// NoSMSNumber: no mobile number is known.
	NoSMSNumber = "no-mobile-number"
)

// UrgentRecipient is one guardian of an urgent message: NoSMS is empty
// when an SMS was sent (as a copy, or as the guardian's own medium), else
// why not.
type UrgentRecipient struct {
	Guardian domain.GuardianID `json:"guardian"`
	NoSMS    string            `json:"noSms,omitempty"`
}

// Urgent is the record of an urgent message: who sent it, to whom and
// whether each got an SMS, and the check that tells the sender when no
// guardian has read it by DueAt.
type Urgent struct {
	Municipality domain.Municipality `json:"municipality"`
	Thread       ThreadID            `json:"thread"`
	Message      MessageID           `json:"message"`
	// Sender is the staff member who sent it; zero for an actor not made
	// from a stored staff member (who is then told on the thread's page
	// only).
	Sender     domain.StaffID    `json:"sender,omitzero"`
	Recipients []UrgentRecipient `json:"recipients"`
	SentAt     time.Time         `json:"sentAt"`
	DueAt      time.Time         `json:"dueAt"`
	// CheckedAt is when the unread check ran; zero until then.
	CheckedAt time.Time `json:"checkedAt,omitzero"`
	// Unread: when the check ran no guardian had read the message.
	Unread bool `json:"unread"`
}

// Delivery status of one recipient, as the sender sees it.
const (
	StatusQueued = "queued"
	StatusSent   = "sent"
	StatusFailed = "failed"
	StatusRead   = "read"
)

// MediumStatus is one delivery of an urgent message: its medium and
// status (StatusQueued, StatusSent, StatusFailed).
type MediumStatus struct {
	Medium Medium `json:"medium"`
	Status string `json:"status"`
	// At is when it will be sent (queued) or was sent or given up.
	At time.Time `json:"at"`
	// Reason is ReasonSendFailed when the last attempt failed (a retry is
	// queued, or it was given up); the error itself is not shown.
	Reason string `json:"reason,omitempty"`
}

// ReasonSendFailed is the reason code of a delivery whose last attempt
// failed (the reference app's catalogs hold its text).
const ReasonSendFailed = "send-failed"

// RecipientStatus is the delivery status of an urgent message for one
// guardian: each delivery, whether the guardian has read it, and why no
// SMS went when none did.
type RecipientStatus struct {
	Guardian   domain.GuardianID `json:"guardian"`
	Deliveries []MediumStatus    `json:"deliveries"`
	NoSMS      string            `json:"noSms,omitempty"`
	ReadAt     time.Time         `json:"readAt,omitzero"`
}

// Status is the overall status: StatusRead when read, else the best of
// the deliveries (sent, then queued, then failed).
func (r RecipientStatus) Status() string {
	if !r.ReadAt.IsZero() {
		return StatusRead
	}
	best := StatusFailed
	for _, d := range r.Deliveries {
		switch {
		case d.Status == StatusSent:
			return StatusSent
		case d.Status == StatusQueued:
			best = StatusQueued
		}
	}
	return best
}

// UrgentStatus is the status of an urgent message for its sender.
type UrgentStatus struct {
	Urgent     Urgent            `json:"urgent"`
	Recipients []RecipientStatus `json:"recipients"`
}

// StatusOf returns the delivery status of an urgent thread, per guardian:
// for the staff of the thread's unit and the municipality. A guardian
// with a protected address is left out, as from every list of
// participants. A thread that is not urgent is domain.ErrNotFound.
func (s *Service) StatusOf(ctx context.Context, actor domain.Actor, m domain.Municipality, id ThreadID) (UrgentStatus, error) {
	if err := s.checkActor(actor, m); err != nil {
		return UrgentStatus{}, err
	}
	if actor.Role == domain.RoleGuardian {
		return UrgentStatus{}, domain.ErrForbidden
	}
	var out UrgentStatus
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		_, ps, err := s.open(ctx, actor, m, id)
		if err != nil {
			return err
		}
		u, err := s.Store.Urgent(ctx, m, id)
		if err != nil {
			return err
		}
		ds, err := s.Store.DeliveriesWithPrefix(ctx, m, urgentKeyPrefix(u.Message))
		if err != nil {
			return err
		}
		byGuardian := map[domain.GuardianID][]MediumStatus{}
		for _, d := range ds {
			st := MediumStatus{Medium: d.Medium, Status: StatusQueued, At: d.NextAt}
			switch d.State {
			case Sent:
				st.Status, st.At = StatusSent, d.DoneAt
			case Dead:
				st.Status, st.At = StatusFailed, d.DoneAt
			}
			if d.State != Sent && d.LastError != "" {
				st.Reason = ReasonSendFailed
			}
			byGuardian[d.Guardian] = append(byGuardian[d.Guardian], st)
		}
		noSMS := map[domain.GuardianID]string{}
		for _, r := range u.Recipients {
			noSMS[r.Guardian] = r.NoSMS
		}
		out.Urgent = u
		out.Recipients = []RecipientStatus{}
		for _, p := range Visible(actor, Thread{}, ps) {
			out.Recipients = append(out.Recipients, RecipientStatus{Guardian: p.Guardian,
				Deliveries: byGuardian[p.Guardian], NoSMS: noSMS[p.Guardian], ReadAt: p.ReadAt})
		}
		return nil
	})
	return out, err
}

// urgentKeyPrefix is the key prefix of the deliveries of a message.
func urgentKeyPrefix(msg MessageID) string { return "message.new/" + msg.String() + "/" }

// CheckUnread runs the unread check of the urgent messages of m that are
// due (Settings.UnreadAfter after they were sent): for each that no
// guardian has read, the sender gets an e-mail ("message.urgent-unread",
// keyed by the thread, so a second run sends nothing new). It returns how
// many senders it told. The actor is a system actor or an administrator.
func (s *Service) CheckUnread(ctx context.Context, actor domain.Actor) (int, error) {
	if err := actor.Validate(); err != nil {
		return 0, err
	}
	if actor.Role != domain.RoleSystem && actor.Role != domain.RoleAdmin {
		return 0, domain.ErrForbidden
	}
	m := actor.Municipality
	now := s.clock().Now()
	told := 0
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		due, err := s.Store.DueUrgent(ctx, m, now, 500)
		if err != nil {
			return err
		}
		for _, u := range due {
			ps, err := s.Store.Participants(ctx, m, u.Thread)
			if err != nil {
				return err
			}
			unread := true
			for _, p := range ps {
				if !p.ReadAt.IsZero() && !p.ReadAt.After(u.DueAt) {
					unread = false
				}
			}
			if unread && !u.Sender.IsZero() {
				t, err := s.Store.Thread(ctx, m, u.Thread)
				if err != nil {
					return err
				}
				err = s.notifyStaff(ctx, domain.Notice{Municipality: m, Kind: "message.urgent-unread",
					Key: "message.urgent-unread/" + u.Thread.String(), Staff: u.Sender,
					Data: map[string]string{"subject": t.Subject, "minutes": minutesOf(u.DueAt.Sub(u.SentAt))}})
				switch {
				case err == nil:
					told++
				case !isNoWorkAddress(err):
					return err
				}
			}
			if err := s.Store.CheckedUrgent(ctx, m, u.Thread, now, unread); err != nil {
				return err
			}
		}
		return nil
	})
	return told, err
}

func minutesOf(d time.Duration) string { return strconv.Itoa(int(d.Round(time.Minute).Minutes())) }

// isNoWorkAddress: a sender without a work address is told on the
// thread's page only.
func isNoWorkAddress(err error) bool {
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		return false
	}
	for _, f := range v.Fields {
		if f.Reason == ReasonNoWorkAddress {
			return true
		}
	}
	return false
}

// Validate checks the record before it is written.
func (u Urgent) Validate() error {
	var p domain.Problems
	p.Merge("", u.Municipality.Validate())
	if u.Thread.IsZero() {
		p.Add("thread", "required")
	}
	if u.Message.IsZero() {
		p.Add("message", "required")
	}
	if u.SentAt.IsZero() || u.DueAt.Before(u.SentAt) {
		p.Add("dueAt", "required")
	}
	return p.Err()
}
