package domain

import (
	"context"

	"github.com/rickb777/date/v2"
)

// Erasure on request (personvernforordningen art. 17): a caseworker or
// administrator erases a child's data when the law allows it, and is told
// why not when it does not. Art. 17 nr. 3 bokstav b keeps what a legal
// obligation requires: the refusals are reason codes on the field "child"
// (rendered in nb, nn and en by the app):
//
//   - ReasonActivePlacement: the child has a place that has not ended (the
//     municipality still provides the service under barnehageloven or
//     opplæringslova and needs the child's data for it);
//   - ReasonBookkeepingPeriod: an invoice with a line for the child was
//     issued in a financial year whose bookkeeping period (the "invoices"
//     retention rule, bokføringsloven § 13) has not ended.
//
// Erasing deletes the child's check events, absences, school absences,
// pickup list, applications with their offers, the threads about the
// child with their messages, and the child's special-education cases with
// their entries, documents, attachments and reminders, and anonymises the child as the retention
// rule "persons" does (national ID and names removed, birth date cut to
// its year). Placements that ended and fee decisions stay, naming no one.

// Reasons an erasure is refused.
const (
	ReasonActivePlacement   = "active-placement"
	ReasonBookkeepingPeriod = "bookkeeping-period"
)

// ErasureStore is the store port of erasure on request.
type ErasureStore interface {
	Transactor
	AuditLog
	ChildRecord(ctx context.Context, m Municipality, id ChildID) (ChildRecord, error)
	// ChildInvoiced returns the latest issue date of a kept invoice with a
	// line for the child, or date.Zero when there is none.
	ChildInvoiced(ctx context.Context, m Municipality, child ChildID) (date.Date, error)
	// EraseChild deletes and anonymises the child's data as described
	// above, in one transaction. An unknown child is ErrNotFound.
	EraseChild(ctx context.Context, m Municipality, child ChildID) error
}

// Erasure erases a child's data on request.
type Erasure struct {
	Store ErasureStore
	Clock Clock
	// Rules are the municipality's retention rules (RetentionRules when
	// nil); the "invoices" rule gives the bookkeeping period.
	Rules []RetentionRule
}

// Check says whether the child's data may be erased today: nil, or a
// *ValidationError on "child" with ReasonActivePlacement or
// ReasonBookkeepingPeriod.
func (e Erasure) Check(ctx context.Context, m Municipality, child ChildID) error {
	rec, err := e.Store.ChildRecord(ctx, m, child)
	if err != nil {
		return err
	}
	today := Today(e.Clock)
	for _, p := range rec.Placements {
		if p.Period.End == date.Zero || p.Period.End >= today {
			return Invalid("child", ReasonActivePlacement)
		}
	}
	invoiced, err := e.Store.ChildInvoiced(ctx, m, child)
	if err != nil {
		return err
	}
	rules := e.Rules
	if rules == nil {
		rules = RetentionRules()
	}
	for _, r := range rules {
		if r.Record == RecordInvoices && invoiced != date.Zero && invoiced >= r.Cutoff(today) {
			return Invalid("child", ReasonBookkeepingPeriod)
		}
	}
	return nil
}

// Erase checks and erases the child's data in one transaction, with an
// audit entry "child.erase" by the actor (who must be a caseworker or an
// administrator of the child's municipality, else ErrForbidden).
func (e Erasure) Erase(ctx context.Context, actor Actor, child ChildID) error {
	if (actor.Role != RoleCaseworker && actor.Role != RoleAdmin) || actor.Validate() != nil {
		return ErrForbidden
	}
	m := actor.Municipality
	return e.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := e.Check(ctx, m, child); err != nil {
			return err
		}
		if err := e.Store.EraseChild(ctx, m, child); err != nil {
			return err
		}
		return e.Store.AppendAudit(ctx, NewAuditEntry(actor, e.Clock.Now(), "child.erase", child, "gdpr/art17"))
	})
}
