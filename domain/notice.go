package domain

import (
	"context"
	"fmt"
	"regexp"
)

// Notice is a system event that guardians should hear about: an offer sent,
// an offer about to lapse, an invoice ready, an undocumented absence, a new
// message; or that a staff member should hear about at work: a step of a
// case that waits on them is overdue (Staff). A capability raises it inside the transaction of the change that
// caused it; messaging turns it into notifications (recipients by the
// guardianship rules, a template in the guardian's language, a delivery in
// the outbox) in that same transaction, so a change is never kept without its
// notice, nor a notice without its change.
//
// Capabilities do not import messaging: they take a Notifier, and the
// composition (the reference app, a vendor's program) passes messaging's.
type Notice struct {
	Municipality Municipality `json:"municipality"`
	// Kind names the event and picks the template: "offer.sent",
	// "offer.lapsing", "invoice.ready", "absence.undocumented",
	// "message.new", ...
	Kind string `json:"kind"`
	// Child is the child the notice is about; its guardians are the
	// recipients (by the guardianship rules) unless Guardian is set.
	Child ChildID `json:"child,omitzero"`
	// Guardian, when set, is the one recipient (an invoice to the paying
	// guardian).
	Guardian GuardianID `json:"guardian,omitzero"`
	// Staff, when set, is the one recipient: a staff member, reached at
	// their work address (StaffMember.Email) only; no guardian is told
	// and the child, if set, is not named. It is not set with Guardian.
	Staff StaffID `json:"staff,omitzero"`
	// Data fills the template's placeholders (unit name, deadline, amount,
	// ...), already formatted as text.
	Data map[string]string `json:"data,omitempty"`
	// Key makes the notice idempotent: the same Key raised twice (a retried
	// request, a job run again) notifies once. It names the cause, e.g.
	// "offer.sent/<offer id>".
	Key string `json:"key"`
}

var noticeKind = regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$`)

// Validate requires a municipality, a dotted lower-case kind, a recipient
// (child, guardian or staff member; not both a guardian and a staff
// member) and a key.
func (n Notice) Validate() error {
	var p Problems
	if err := n.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if !noticeKind.MatchString(n.Kind) {
		p.Add("kind", "is-not-a-dotted-lower-case-event-name", "kind", fmt.Sprint(n.Kind))
	}
	switch {
	case !n.Staff.IsZero() && !n.Guardian.IsZero():
		p.Add("staff", ReasonStaffOrGuardian)
	case n.Child.IsZero() && n.Guardian.IsZero() && n.Staff.IsZero():
		p.Add("child", "a-child-or-a-guardian-is-required")
	}
	if err := CheckLine("key", n.Key); err != nil {
		p.Merge("", err)
	} else if Blank(n.Key) {
		p.Add("key", "required")
	}
	return p.Err()
}

// ReasonStaffOrGuardian: a notice goes to a staff member or to guardians,
// not to both.
const ReasonStaffOrGuardian = "staff-or-guardian"

// Notifier receives notices. Notify must join the transaction carried by ctx
// (see Transactor): when the caller's transaction rolls back, the notice is
// gone too.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notice) error

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, n Notice) error { return f(ctx, n) }
