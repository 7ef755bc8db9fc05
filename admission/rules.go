package admission

import (
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// The rules in this file are the ones a Store applies to a write against
// what it holds: every store calls them, so that all agree.

// CheckOffer checks an offer against its stored application: the offer is
// for the application's intake and child. Only a's intake and child are
// read.
func CheckOffer(o Offer, a Application) error {
	if a.Intake != o.Intake || a.Child != o.Child {
		return domain.Invalid("application", "no-such-application-of-the-intake-and-child")
	}
	return nil
}

// CheckAnswer checks the change of a stored offer (old) to o: only an open
// offer changes (else a *domain.ConflictError on "status"), and only in its
// answer: its intake, application, child and unit stay.
func CheckAnswer(old, o Offer) error {
	if old.Status != OfferOpen {
		return &domain.ConflictError{Field: "status", Reason: "offer-status", Params: map[string]string{"status": fmt.Sprint(old.Status)}}
	}
	if old.Application != o.Application || old.Unit != o.Unit || old.Child != o.Child || old.Intake != o.Intake {
		return domain.Invalid("application", "only-the-answer-of-an-offer-may-change")
	}
	return nil
}

// CheckApplicationUpdate checks the change of a stored application (old) to
// a: its intake and child stay.
func CheckApplicationUpdate(old, a Application) error {
	if old.Intake != a.Intake || old.Child != a.Child {
		return domain.Invalid("intake", "the-intake-and-child-of-an-application-cannot-change")
	}
	return nil
}

// CheckApproval checks the arguments of Store.ApproveRun: a time and an
// approver.
func CheckApproval(at time.Time, by string) error {
	if at.IsZero() || by == "" {
		return domain.Invalid("approved", "a-time-and-an-approver-are-required")
	}
	return nil
}

// Approve returns the run approved at a time by someone. A run already
// approved is a *domain.ConflictError on "approved".
func (r Run) Approve(at time.Time, by string) (Run, error) {
	if err := CheckApproval(at, by); err != nil {
		return r, err
	}
	if r.IsApproved() {
		return r, &domain.ConflictError{Field: "approved", Reason: "the-run-is-already-approved"}
	}
	r.Approved, r.ApprovedBy = at, by
	return r, nil
}

// CheckSettingsVersion checks a save of the settings s against the latest
// stored version (0 when none): s.Version must be the next one, else a
// *domain.ConflictError on "version" (someone saved in between).
func CheckSettingsVersion(latest int, s Settings) error {
	if s.Version != latest+1 {
		return &domain.ConflictError{Field: "version", Reason: ReasonStale}
	}
	return nil
}
