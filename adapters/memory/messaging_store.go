package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

var _ messaging.Store = (*Store)(nil)

// CreateThread writes a thread, its first message and its participants.
func (s *Store) CreateThread(ctx context.Context, t messaging.Thread, first messaging.Message, ps []messaging.Participant) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := first.Validate(); err != nil {
		return err
	}
	if first.Thread != t.ID || first.Municipality != t.Municipality {
		return domain.Invalid("thread", "the first message belongs to another thread")
	}
	return s.write(ctx, func(ctx context.Context, tx *tx) error {
		ms := &s.s.messaging
		k := key[messaging.Thread]{t.Municipality, t.ID}
		if _, ok := ms.threads[k]; ok {
			return &domain.ConflictError{Field: "id", Reason: "a thread with this ID exists"}
		}
		for i, p := range ps {
			if p.Thread != t.ID || p.Municipality != t.Municipality || p.Guardian.IsZero() {
				return domain.Invalid(fmt.Sprintf("participants[%d]", i), "must name a guardian of this thread")
			}
			if _, ok := s.s.guardians[key[domain.Guardian]{p.Municipality, p.Guardian}]; !ok {
				return domain.Invalid(fmt.Sprintf("participants[%d].guardian", i), "no such guardian")
			}
		}
		put(tx, ms.threads, k, t)
		put(tx, ms.messages, k, []messaging.Message{cloneMessage(first)})
		for _, p := range ps {
			put(tx, inner(tx, ms.participants, k), p.Guardian, p)
			put(tx, inner(tx, ms.byGuardian, key[domain.Guardian]{p.Municipality, p.Guardian}), t.ID, struct{}{})
		}
		return nil
	})
}

func cloneMessage(m messaging.Message) messaging.Message {
	m.Attachments = slices.Clone(m.Attachments)
	for i := range m.Attachments {
		m.Attachments[i].Data = slices.Clone(m.Attachments[i].Data)
	}
	return m
}

// AddMessage writes a message to an existing thread.
func (s *Store) AddMessage(ctx context.Context, msg messaging.Message) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *tx) error {
		ms := &s.s.messaging
		k := key[messaging.Thread]{msg.Municipality, msg.Thread}
		if _, ok := ms.threads[k]; !ok {
			return domain.Invalid("thread", "no such thread")
		}
		old := ms.messages[k]
		if slices.ContainsFunc(old, func(m messaging.Message) bool { return m.ID == msg.ID }) {
			return &domain.ConflictError{Field: "id", Reason: "a message with this ID exists"}
		}
		put(tx, ms.messages, k, append(slices.Clip(old), cloneMessage(msg)))
		return nil
	})
}

// Thread reads a thread.
func (s *Store) Thread(ctx context.Context, m domain.Municipality, id messaging.ThreadID) (t messaging.Thread, err error) {
	err = s.read(ctx, func() error {
		t, err = get(s.s.messaging.threads, m, id, "thread")
		return err
	})
	return t, err
}

// Messages lists a thread's messages by creation time, then ID.
func (s *Store) Messages(ctx context.Context, m domain.Municipality, id messaging.ThreadID) (out []messaging.Message, err error) {
	err = s.read(ctx, func() error {
		k := key[messaging.Thread]{m, id}
		if _, ok := s.s.messaging.threads[k]; !ok {
			return notFound("thread", id)
		}
		out = make([]messaging.Message, 0, len(s.s.messaging.messages[k]))
		for _, msg := range s.s.messaging.messages[k] {
			out = append(out, cloneMessage(msg))
		}
		slices.SortFunc(out, func(a, b messaging.Message) int {
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), a.ID.Compare(b.ID))
		})
		return nil
	})
	return out, err
}

// Participants lists a thread's participants by guardian ID.
func (s *Store) Participants(ctx context.Context, m domain.Municipality, id messaging.ThreadID) (out []messaging.Participant, err error) {
	err = s.read(ctx, func() error {
		k := key[messaging.Thread]{m, id}
		if _, ok := s.s.messaging.threads[k]; !ok {
			return notFound("thread", id)
		}
		out = make([]messaging.Participant, 0, len(s.s.messaging.participants[k]))
		for _, p := range s.s.messaging.participants[k] {
			out = append(out, p)
		}
		slices.SortFunc(out, func(a, b messaging.Participant) int { return a.Guardian.Compare(b.Guardian) })
		return nil
	})
	return out, err
}

// GuardianThreads lists the threads a guardian takes part in, newest first.
func (s *Store) GuardianThreads(ctx context.Context, m domain.Municipality, g domain.GuardianID) (out []messaging.Thread, err error) {
	err = s.read(ctx, func() error {
		out = []messaging.Thread{}
		for id := range s.s.messaging.byGuardian[key[domain.Guardian]{m, g}] {
			out = append(out, s.s.messaging.threads[key[messaging.Thread]{m, id}])
		}
		slices.SortFunc(out, func(a, b messaging.Thread) int {
			return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), b.ID.Compare(a.ID))
		})
		return nil
	})
	return out, err
}

// MarkRead sets a participant's read time.
func (s *Store) MarkRead(ctx context.Context, m domain.Municipality, id messaging.ThreadID, g domain.GuardianID, at time.Time) error {
	return s.write(ctx, func(ctx context.Context, tx *tx) error {
		ps := s.s.messaging.participants[key[messaging.Thread]{m, id}]
		p, ok := ps[g]
		if !ok {
			return notFound("participant", g)
		}
		p.ReadAt = at
		put(tx, ps, g, p)
		return nil
	})
}

// PutContact creates or replaces a guardian's preference.
func (s *Store) PutContact(ctx context.Context, c messaging.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *tx) error {
		k := key[domain.Guardian]{c.Municipality, c.Guardian}
		if _, ok := s.s.guardians[k]; !ok {
			return domain.Invalid("guardian", "no such guardian")
		}
		put(tx, s.s.messaging.contacts, k, c)
		return nil
	})
}

// Contact reads a guardian's preference.
func (s *Store) Contact(ctx context.Context, m domain.Municipality, g domain.GuardianID) (c messaging.Contact, err error) {
	err = s.read(ctx, func() error {
		var ok bool
		if c, ok = s.s.messaging.contacts[key[domain.Guardian]{m, g}]; !ok {
			return notFound("contact", g)
		}
		return nil
	})
	return c, err
}

// Enqueue writes deliveries, skipping existing keys.
func (s *Store) Enqueue(ctx context.Context, ds []messaging.Delivery) (int, error) {
	for i, d := range ds {
		if err := d.Validate(); err != nil {
			var p domain.Problems
			p.Merge(fmt.Sprintf("deliveries[%d]", i), err)
			return 0, p.Err()
		}
	}
	n := 0
	err := s.write(ctx, func(ctx context.Context, tx *tx) error {
		ms := &s.s.messaging
		for _, d := range ds {
			dk := deliveryKey{d.Municipality, d.Key}
			if _, ok := ms.byKey[dk]; ok {
				continue
			}
			k := key[messaging.Delivery]{d.Municipality, d.ID}
			if _, ok := ms.deliveries[k]; ok {
				return &domain.ConflictError{Field: "id", Reason: "a delivery with this ID exists"}
			}
			put(tx, ms.deliveries, k, d)
			put(tx, ms.byKey, dk, d.ID)
			put(tx, ms.pending, k, struct{}{})
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Claim takes due pending deliveries, oldest first, and leases them.
func (s *Store) Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]messaging.Delivery, error) {
	var out []messaging.Delivery
	err := s.write(ctx, func(ctx context.Context, tx *tx) error {
		ms := &s.s.messaging
		out = out[:0]
		for k := range ms.pending {
			if d := ms.deliveries[k]; !d.NextAt.After(now) {
				out = append(out, d)
			}
		}
		slices.SortFunc(out, func(a, b messaging.Delivery) int {
			return cmp.Or(a.NextAt.Compare(b.NextAt), a.ID.Compare(b.ID))
		})
		out = out[:min(limit, len(out))]
		for i := range out {
			out[i].Attempts++
			out[i].NextAt = leaseUntil
			put(tx, ms.deliveries, key[messaging.Delivery]{out[i].Municipality, out[i].ID}, out[i])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Settle records the outcomes of claimed deliveries.
func (s *Store) Settle(ctx context.Context, outcomes []messaging.Outcome) error {
	return s.write(ctx, func(ctx context.Context, tx *tx) error {
		ms := &s.s.messaging
		for _, o := range outcomes {
			k := key[messaging.Delivery]{o.Municipality, o.Delivery}
			d, ok := ms.deliveries[k]
			if !ok {
				return notFound("delivery", o.Delivery)
			}
			if d.State != messaging.Pending {
				continue // settled by another dispatcher after a lease ran out
			}
			d.State, d.LastError = o.State, o.Error
			switch o.State {
			case messaging.Pending:
				d.NextAt = o.NextAt
			default:
				d.DoneAt = o.At
				del(tx, ms.pending, k)
			}
			put(tx, ms.deliveries, k, d)
		}
		return nil
	})
}

// Deliveries lists a municipality's deliveries by key.
func (s *Store) Deliveries(ctx context.Context, m domain.Municipality) (out []messaging.Delivery, err error) {
	err = s.read(ctx, func() error {
		out = []messaging.Delivery{}
		for k, d := range s.s.messaging.deliveries {
			if k.m == m {
				out = append(out, d)
			}
		}
		slices.SortFunc(out, func(a, b messaging.Delivery) int { return cmp.Compare(a.Key, b.Key) })
		return nil
	})
	return out, err
}

// RecipientFamilies reads children with their guardians.
func (s *Store) RecipientFamilies(ctx context.Context, m domain.Municipality, children []domain.ChildID) (out []messaging.Family, err error) {
	err = s.read(ctx, func() error {
		out = make([]messaging.Family, 0, len(children))
		for _, id := range children {
			c, ok := s.s.children[key[domain.Child]{m, id}]
			if !ok {
				continue
			}
			f := messaging.Family{Child: c, Guardians: []domain.GuardianLink{}}
			for gid, gs := range s.s.guardianships[key[domain.Child]{m, id}] {
				f.Guardians = append(f.Guardians, domain.GuardianLink{Guardian: s.s.guardians[key[domain.Guardian]{m, gid}], Guardianship: gs})
			}
			slices.SortFunc(f.Guardians, func(a, b domain.GuardianLink) int { return a.Guardian.ID.Compare(b.Guardian.ID) })
			out = append(out, f)
		}
		return nil
	})
	return out, err
}

// Contacts reads the preferences of many guardians.
func (s *Store) Contacts(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) (out map[domain.GuardianID]messaging.Contact, err error) {
	err = s.read(ctx, func() error {
		out = map[domain.GuardianID]messaging.Contact{}
		for _, g := range guardians {
			if c, ok := s.s.messaging.contacts[key[domain.Guardian]{m, g}]; ok {
				out[g] = c
			}
		}
		return nil
	})
	return out, err
}
