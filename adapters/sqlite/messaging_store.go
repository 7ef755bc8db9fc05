package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

var _ messaging.Store = (*Store)(nil)

// nanoInstant is how an outbox instant is stored: nanoseconds since the epoch, or NULL.
func nanoInstant(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func fromInstant(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).In(domain.Oslo())
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullID stores the zero ID as NULL.
func scanThread(r scanner) (messaging.Thread, error) {
	var t messaging.Thread
	var created sql.NullInt64
	if err := r.Scan(&t.Municipality, &t.ID, &t.About.Scope, &t.About.Child, &t.About.Group, &t.About.Unit, &t.Unit,
		&t.Subject, &t.Bulletin, &t.Urgent, &t.Author.Role, &t.Author.Subject, &t.Author.Guardian, &t.Author.Name, &created); err != nil {
		return t, err
	}
	t.CreatedAt = fromInstant(created)
	return t, nil
}

func scanMessage(r scanner) (messaging.Message, error) {
	var m messaging.Message
	var created sql.NullInt64
	var atts string
	if err := r.Scan(&m.Municipality, &m.ID, &m.Thread, &m.Author.Role, &m.Author.Subject, &m.Author.Guardian, &m.Author.Name,
		&m.Body, &atts, &created); err != nil {
		return m, err
	}
	m.CreatedAt = fromInstant(created)
	if err := json.Unmarshal([]byte(atts), &m.Attachments); err != nil {
		return m, fmt.Errorf("attachments: %w", err)
	}
	if len(m.Attachments) == 0 {
		m.Attachments = nil
	}
	return m, nil
}

func scanParticipant(r scanner) (messaging.Participant, error) {
	var p messaging.Participant
	var read sql.NullInt64
	err := r.Scan(&p.Municipality, &p.Thread, &p.Guardian, &p.Protected, &read)
	p.ReadAt = fromInstant(read)
	return p, err
}

func scanDelivery(r scanner) (messaging.Delivery, error) {
	var d messaging.Delivery
	var next, created, done sql.NullInt64
	err := r.Scan(&d.Municipality, &d.ID, &d.Key, &d.Kind, &d.Guardian, &d.Staff, &d.Medium, &d.To, &d.Language, &d.Subject,
		&d.Body, &d.Urgent, &d.State, &d.Attempts, &next, &created, &done, &d.LastError)
	d.NextAt, d.CreatedAt, d.DoneAt = fromInstant(next), fromInstant(created), fromInstant(done)
	return d, err
}

func attachmentsJSON(atts []messaging.Attachment) (string, error) {
	if atts == nil {
		atts = []messaging.Attachment{}
	}
	b, err := json.Marshal(atts)
	return string(b), err
}

// CreateThread writes a thread, its first message and its participants.
func (s *Store) CreateThread(ctx context.Context, t messaging.Thread, first messaging.Message, ps []messaging.Participant) error {
	if err := messaging.CheckThread(t, first, ps); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "thread", threadExists, t.Municipality, t.ID); err == nil {
			return &domain.ConflictError{Field: "id", Reason: "a-thread-with-this-id-exists"}
		}
		if err := s.checkParticipants(ctx, ps); err != nil {
			return err
		}
		_, err := s.exec(ctx, insertThread, t.Municipality, t.ID, t.About.Scope, nullID(t.About.Child), nullID(t.About.Group),
			nullID(t.About.Unit), nullID(t.Unit), t.Subject, bit(t.Bulletin), bit(t.Urgent),
			t.Author.Role, t.Author.Subject, nullID(t.Author.Guardian), t.Author.Name, nanoInstant(t.CreatedAt))
		if err != nil {
			return writeErr(err, "thread")
		}
		if err := s.insertMessage(ctx, first); err != nil {
			return err
		}
		return s.insertParticipants(ctx, ps)
	})
}

func refErr(err error, field, reason string) error {
	if domain.IsNotFound(err) {
		return domain.Invalid(field, reason)
	}
	return err
}

func (s *Store) insertMessage(ctx context.Context, m messaging.Message) error {
	atts, err := attachmentsJSON(m.Attachments)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, insertMessage, m.Municipality, m.ID, m.Thread, m.Author.Role, m.Author.Subject,
		nullID(m.Author.Guardian), m.Author.Name, m.Body, atts, nanoInstant(m.CreatedAt))
	return writeErr(err, "message")
}

// AddMessage writes a message to an existing thread.
func (s *Store) AddMessage(ctx context.Context, msg messaging.Message) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "thread", threadExists, msg.Municipality, msg.Thread); err != nil {
			return refErr(err, "thread", "no-such-thread")
		}
		return s.insertMessage(ctx, msg)
	})
}

// Thread reads a thread.
func (s *Store) Thread(ctx context.Context, m domain.Municipality, id messaging.ThreadID) (messaging.Thread, error) {
	return queryOne(ctx, s, "thread", selectThread, scanThread, m, id)
}

// Messages lists a thread's messages by creation time, then ID.
func (s *Store) Messages(ctx context.Context, m domain.Municipality, id messaging.ThreadID) (out []messaging.Message, err error) {
	err = s.read(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "thread", threadExists, m, id); err != nil {
			return err
		}
		out, err = queryAll(ctx, s, selectMessages, scanMessage, m, id)
		return err
	})
	return out, err
}

// Participants lists a thread's participants by guardian ID.
func (s *Store) Participants(ctx context.Context, m domain.Municipality, id messaging.ThreadID) (out []messaging.Participant, err error) {
	err = s.read(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "thread", threadExists, m, id); err != nil {
			return err
		}
		out, err = queryAll(ctx, s, selectParticipants, scanParticipant, m, id)
		return err
	})
	messaging.SortParticipants(out)
	return out, err
}

// GuardianThreads lists the threads a guardian takes part in, newest first.
func (s *Store) GuardianThreads(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]messaging.Thread, error) {
	ts, err := queryAll(ctx, s, selectGuardianThreads, scanThread, m, g)
	messaging.SortThreads(ts)
	return ts, err
}

// ThreadsOf lists the threads any of the guardians takes part in, each
// once, newest first, in one statement.
func (s *Store) ThreadsOf(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) ([]messaging.Thread, error) {
	if len(guardians) == 0 {
		return []messaging.Thread{}, nil
	}
	arg, err := idArray(guardians)
	if err != nil {
		return nil, err
	}
	ts, err := queryAll(ctx, s, selectThreadsOf, scanThread, m, arg)
	messaging.SortThreads(ts)
	return ts, err
}

// Tallies reads each thread's message count and newest message in one
// statement.
func (s *Store) Tallies(ctx context.Context, m domain.Municipality, threads []messaging.ThreadID) (map[messaging.ThreadID]messaging.Tally, error) {
	out := map[messaging.ThreadID]messaging.Tally{}
	if len(threads) == 0 {
		return out, nil
	}
	arg, err := idArray(threads)
	if err != nil {
		return nil, err
	}
	ts, err := queryAll(ctx, s, selectTallies, func(r scanner) (messaging.Tally, error) {
		var t messaging.Tally
		msg, err := scanMessage(countScanner{r, &t.Messages})
		t.Last = msg
		return t, err
	}, m, arg)
	for _, t := range ts {
		out[t.Last.Thread] = t
	}
	return out, err
}

// countScanner scans a row's columns and then, into n, one more at the end.
type countScanner struct {
	scanner
	n *int
}

func (c countScanner) Scan(dest ...any) error { return c.scanner.Scan(append(dest, c.n)...) }

// MarkRead sets a participant's read time.
func (s *Store) MarkRead(ctx context.Context, m domain.Municipality, id messaging.ThreadID, g domain.GuardianID, at time.Time) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, markRead, nanoInstant(at), m, id, g)
		return affected(res, err, "participant")
	})
}

// PutContact creates or replaces a guardian's preference.
func (s *Store) PutContact(ctx context.Context, c messaging.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.mustExist(ctx, "guardian", guardianExists, c.Municipality, c.Guardian); err != nil {
			return refErr(err, "guardian", "no-such-guardian")
		}
		start, end := quietArgs(c.Quiet)
		_, err := s.exec(ctx, upsertContact, c.Municipality, c.Guardian, c.Language, c.Medium, start, end)
		return writeErr(err, "contact")
	})
}

// Contact reads a guardian's preference.
func (s *Store) Contact(ctx context.Context, m domain.Municipality, g domain.GuardianID) (messaging.Contact, error) {
	return queryOne(ctx, s, "contact", selectContact, scanContact, m, g)
}

// enqueueRows is how many deliveries one INSERT writes (18 values each,
// well under SQLite's limit of 32,766 variables).
const enqueueRows = 500

// enqueueSQL is a multi-row INSERT of n deliveries that skips existing keys.
func enqueueSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO msg_outbox (` + deliveryCols + `) VALUES `)
	row := "(?" + strings.Repeat(", ?", 17) + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(` ON CONFLICT (municipality, key) DO NOTHING`)
	return b.String()
}

// Enqueue writes deliveries with multi-row INSERTs, skipping existing keys.
func (s *Store) Enqueue(ctx context.Context, ds []messaging.Delivery) (int, error) {
	for i, d := range ds {
		if err := d.Validate(); err != nil {
			var p domain.Problems
			p.Merge(fmt.Sprintf("deliveries[%d]", i), err)
			return 0, p.Err()
		}
	}
	written := 0
	err := s.Atomic(ctx, func(ctx context.Context) error {
		args := make([]any, 0, 18*min(len(ds), enqueueRows))
		for start := 0; start < len(ds); start += enqueueRows {
			chunk := ds[start:min(start+enqueueRows, len(ds))]
			args = args[:0]
			for _, d := range chunk {
				args = append(args, d.Municipality, d.ID, d.Key, d.Kind, d.Guardian, d.Staff, d.Medium, d.To, d.Language,
					d.Subject, d.Body, bit(d.Urgent), d.State, d.Attempts, nanoInstant(d.NextAt), nanoInstant(d.CreatedAt),
					nanoInstant(d.DoneAt), d.LastError)
			}
			res, err := s.exec(ctx, enqueueSQL(len(chunk)), args...)
			if err != nil {
				return writeErr(err, "delivery")
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			written += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// Claim takes due pending deliveries, oldest first, and leases them in one
// statement (UPDATE … RETURNING). SQLite has one writer, so no other
// dispatcher claims at the same moment. The claimed deliveries come back in
// ID order (their next_at is the lease's end), as from PostgreSQL.
func (s *Store) Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]messaging.Delivery, error) {
	var out []messaging.Delivery
	err := s.Atomic(ctx, func(ctx context.Context) error {
		var err error
		out, err = queryAll(ctx, s, claimDue, scanDelivery, leaseUntil.UnixNano(), now.UnixNano(), limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b messaging.Delivery) int { return a.ID.Compare(b.ID) })
	return out, nil
}

// settleRows is how many outcomes one settling statement records.
const settleRows = 1000

// Settle records the outcomes of claimed deliveries, settleRows to one
// statement (the outcomes passed as one JSON array of rows); one already
// settled (by another dispatcher after a lease ran out) is left as it is.
func (s *Store) Settle(ctx context.Context, outcomes []messaging.Outcome) error {
	for _, o := range outcomes {
		if err := o.Validate(); err != nil {
			return err
		}
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		rows := make([][7]any, 0, min(len(outcomes), settleRows))
		for start := 0; start < len(outcomes); start += settleRows {
			rows = rows[:0]
			for _, o := range outcomes[start:min(start+settleRows, len(outcomes))] {
				next, done := any(nil), any(nil)
				if o.State == messaging.Pending {
					next = o.NextAt.UnixNano()
				} else {
					done = o.At.UnixNano()
				}
				giveBack := 0
				if o.Held {
					giveBack = 1 // the attempt Claim counted
				}
				rows = append(rows, [7]any{string(o.Municipality), o.Delivery.String(), string(o.State), next, done, o.Error, giveBack})
			}
			arg, err := json.Marshal(rows)
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, settleDue, string(arg)); err != nil {
				return writeErr(err, "delivery")
			}
		}
		return nil
	})
}

// Deliveries lists a municipality's deliveries by key.
func (s *Store) Deliveries(ctx context.Context, m domain.Municipality) ([]messaging.Delivery, error) {
	return queryAll(ctx, s, selectDeliveries, scanDelivery, m)
}

// inChunk is how many IDs one IN list holds.
const inChunk = 500

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// chunks calls fn with the municipality and up to inChunk IDs at a time, as
// query arguments.
func chunks[T any](m domain.Municipality, ids []domain.ID[T], fn func(n int, args []any) error) error {
	for start := 0; start < len(ids); start += inChunk {
		part := ids[start:min(start+inChunk, len(ids))]
		args := make([]any, 0, len(part)+1)
		args = append(args, m)
		for _, id := range part {
			args = append(args, id)
		}
		if err := fn(len(part), args); err != nil {
			return err
		}
	}
	return nil
}

// RecipientFamilies reads children with their guardians, in chunks of IN lists.
func (s *Store) RecipientFamilies(ctx context.Context, m domain.Municipality, children []domain.ChildID) ([]messaging.Family, error) {
	var out []messaging.Family
	err := s.read(ctx, func(ctx context.Context) error {
		out = make([]messaging.Family, 0, len(children))
		return chunks(m, children, func(n int, args []any) error {
			cs, err := queryAll(ctx, s, `SELECT `+childCols+` FROM children WHERE municipality = ? AND id IN (`+placeholders(n)+`)`, scanChild, args...)
			if err != nil {
				return err
			}
			links, err := queryAll(ctx, s, strings.Replace(selectGuardianLinks, "gs.child_id = ?", "gs.child_id IN ("+placeholders(n)+")", 1),
				scanGuardianLink, args...)
			if err != nil {
				return err
			}
			byChild := make(map[domain.ChildID][]domain.GuardianLink, len(cs))
			for _, l := range links {
				byChild[l.Guardianship.ChildID] = append(byChild[l.Guardianship.ChildID], l)
			}
			for _, c := range cs {
				gs := byChild[c.ID]
				if gs == nil {
					gs = []domain.GuardianLink{}
				}
				slices.SortFunc(gs, func(a, b domain.GuardianLink) int { return a.Guardian.ID.Compare(b.Guardian.ID) })
				out = append(out, messaging.Family{Child: c, Guardians: gs})
			}
			return nil
		})
	})
	return out, err
}

// Contacts reads the preferences of many guardians.
func (s *Store) Contacts(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) (map[domain.GuardianID]messaging.Contact, error) {
	out := map[domain.GuardianID]messaging.Contact{}
	err := s.read(ctx, func(ctx context.Context) error {
		return chunks(m, guardians, func(n int, args []any) error {
			cs, err := queryAll(ctx, s, `SELECT municipality, guardian_id, language, medium, quiet_start, quiet_end FROM msg_contacts
				WHERE municipality = ? AND guardian_id IN (`+placeholders(n)+`)`, scanContact, args...)
			for _, c := range cs {
				out[c.Guardian] = c
			}
			return err
		})
	})
	return out, err
}

// checkParticipants checks that the participants' guardians exist.
func (s *Store) checkParticipants(ctx context.Context, ps []messaging.Participant) error {
	if len(ps) == 0 {
		return nil
	}
	m := ps[0].Municipality
	ids := make([]domain.GuardianID, len(ps))
	for i, p := range ps {
		ids[i] = p.Guardian
	}
	found := make(map[domain.GuardianID]bool, len(ids))
	err := chunks(m, ids, func(n int, args []any) error {
		got, err := queryAll(ctx, s, `SELECT id FROM guardians WHERE municipality = ? AND id IN (`+placeholders(n)+`)`,
			func(r scanner) (domain.GuardianID, error) {
				var id domain.GuardianID
				err := r.Scan(&id)
				return id, err
			}, args...)
		for _, id := range got {
			found[id] = true
		}
		return err
	})
	if err != nil {
		return err
	}
	for i, id := range ids {
		if !found[id] {
			return domain.Invalid(fmt.Sprintf("participants[%d].guardian", i), "no-such-guardian")
		}
	}
	return nil
}

// insertParticipants writes participants with multi-row INSERTs.
func (s *Store) insertParticipants(ctx context.Context, ps []messaging.Participant) error {
	for start := 0; start < len(ps); start += inChunk {
		part := ps[start:min(start+inChunk, len(ps))]
		args := make([]any, 0, 5*len(part))
		for _, p := range part {
			args = append(args, p.Municipality, p.Thread, p.Guardian, bit(p.Protected), nanoInstant(p.ReadAt))
		}
		q := `INSERT INTO msg_participants (` + participantCols + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(part)), ", ")
		if _, err := s.exec(ctx, q, args...); err != nil {
			return writeErr(err, "participant")
		}
	}
	return nil
}
