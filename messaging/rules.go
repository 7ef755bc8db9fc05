package messaging

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/oppvekst/oppvekst/domain"
)

// The rules in this file are the ones every Store applies to what it is
// given and the orders of what it lists, so that all stores agree.

// CheckThread checks what Store.CreateThread writes: the thread and its
// first message on their own, the message in the thread, and every
// participant a guardian of the thread.
func CheckThread(t Thread, first Message, ps []Participant) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := first.Validate(); err != nil {
		return err
	}
	if first.Thread != t.ID || first.Municipality != t.Municipality {
		return domain.Invalid("thread", "the-first-message-belongs-to-another-thread")
	}
	for i, p := range ps {
		if p.Thread != t.ID || p.Municipality != t.Municipality || p.Guardian.IsZero() {
			return domain.Invalid(fmt.Sprintf("participants[%d]", i), "must-name-a-guardian-of-this-thread")
		}
	}
	return nil
}

// Validate checks an outcome on its own: its state is Sent, Dead or
// Pending.
func (o Outcome) Validate() error {
	switch o.State {
	case Pending, Sent, Dead:
		return nil
	}
	return domain.Invalid("state", "is-not-an-outcome", "state", fmt.Sprint(o.State))
}

// SortParticipants orders participants by guardian ID.
func SortParticipants(ps []Participant) {
	slices.SortFunc(ps, func(a, b Participant) int { return a.Guardian.Compare(b.Guardian) })
}

// SortThreads orders threads newest first: by creation time, then ID,
// descending.
func SortThreads(ts []Thread) {
	slices.SortFunc(ts, func(a, b Thread) int { return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), b.ID.Compare(a.ID)) })
}
