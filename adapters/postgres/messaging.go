package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

var _ messaging.Store = (*Store)(nil)

// Messaging columns. The municipality is read back only where a query spans
// municipalities (the outbox claim).
const (
	threadColumns = `id, scope, about_child, about_group, about_unit, unit_id, subject, bulletin, urgent,
		author_role, author_subject, author_guardian, author_name, created_at`
	messageColumns     = `id, thread_id, author_role, author_subject, author_guardian, author_name, body, attachments, created_at`
	participantColumns = `thread_id, guardian_id, protected, read_at`
	deliveryColumns    = `municipality, id, key, kind, guardian_id, medium, recipient, language, subject, body, urgent,
		state, attempts, next_at, created_at, done_at, last_error, staff_id`
)

// ts encodes an instant; the zero time is NULL.
func ts(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// tsScan scans a timestamptz (possibly NULL) into a time in Europe/Oslo.
type tsScan struct{ dst *time.Time }

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (s tsScan) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*s.dst = time.Time{}
		return nil
	}
	*s.dst = v.Time.In(domain.Oslo())
	return nil
}

func scanThread(row scanner, m domain.Municipality) (messaging.Thread, error) {
	t := messaging.Thread{Municipality: m}
	err := row.Scan(scanID(&t.ID), stringScan[messaging.Scope]{&t.About.Scope}, scanID(&t.About.Child), scanID(&t.About.Group),
		scanID(&t.About.Unit), scanID(&t.Unit), &t.Subject, &t.Bulletin, &t.Urgent,
		stringScan[domain.Role]{&t.Author.Role}, &t.Author.Subject, scanID(&t.Author.Guardian), &t.Author.Name, tsScan{&t.CreatedAt})
	return t, err
}

func scanMessage(row scanner, m domain.Municipality) (messaging.Message, error) {
	msg := messaging.Message{Municipality: m}
	var atts []byte
	err := row.Scan(scanID(&msg.ID), scanID(&msg.Thread), stringScan[domain.Role]{&msg.Author.Role}, &msg.Author.Subject,
		scanID(&msg.Author.Guardian), &msg.Author.Name, &msg.Body, &atts, tsScan{&msg.CreatedAt})
	if err != nil {
		return msg, err
	}
	if err := json.Unmarshal(atts, &msg.Attachments); err != nil {
		return msg, fmt.Errorf("attachments: %w", err)
	}
	if len(msg.Attachments) == 0 {
		msg.Attachments = nil
	}
	return msg, nil
}

func scanParticipant(row scanner, m domain.Municipality) (messaging.Participant, error) {
	p := messaging.Participant{Municipality: m}
	err := row.Scan(scanID(&p.Thread), scanID(&p.Guardian), &p.Protected, tsScan{&p.ReadAt})
	return p, err
}

func scanDelivery(row scanner, _ domain.Municipality) (messaging.Delivery, error) {
	var d messaging.Delivery
	err := row.Scan(stringScan[domain.Municipality]{&d.Municipality}, scanID(&d.ID), &d.Key, &d.Kind, scanID(&d.Guardian),
		stringScan[messaging.Medium]{&d.Medium}, &d.To, stringScan[messaging.Language]{&d.Language}, &d.Subject, &d.Body,
		&d.Urgent, stringScan[messaging.State]{&d.State}, &d.Attempts, tsScan{&d.NextAt}, tsScan{&d.CreatedAt},
		tsScan{&d.DoneAt}, &d.LastError, scanID(&d.Staff))
	return d, err
}

func attachmentsJSON(atts []messaging.Attachment) ([]byte, error) {
	if atts == nil {
		atts = []messaging.Attachment{}
	}
	return json.Marshal(atts)
}

// msgExists reports whether a query of one boolean answers true.
func msgExists(ctx context.Context, q querier, sql string, args ...any) (bool, error) {
	var ok bool
	if err := q.QueryRow(ctx, sql, args...).Scan(&ok); err != nil {
		return false, dbError("check", err)
	}
	return ok, nil
}

const (
	threadExistsSQL   = `SELECT EXISTS (SELECT 1 FROM msg_threads WHERE municipality = $1 AND id = $2)`
	guardianExistsSQL = `SELECT EXISTS (SELECT 1 FROM guardians WHERE municipality = $1 AND id = $2)`
)

// CreateThread writes a thread, its first message and its participants.
func (s *Store) CreateThread(ctx context.Context, t messaging.Thread, first messaging.Message, ps []messaging.Participant) error {
	if err := messaging.CheckThread(t, first, ps); err != nil {
		return err
	}
	guardians := make([]pgtype.UUID, len(ps))
	protected := make([]bool, len(ps))
	readAt := make([]pgtype.Timestamptz, len(ps))
	for i, p := range ps {
		guardians[i], protected[i], readAt[i] = uid(p.Guardian), p.Protected, ts(p.ReadAt)
	}
	atts, err := attachmentsJSON(first.Attachments)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := checkGuardians(ctx, tx, t.Municipality, ps); err != nil {
			return err
		}
		if ok, err := msgExists(ctx, tx, threadExistsSQL, string(t.Municipality), uid(t.ID)); err != nil || ok {
			if ok {
				return &domain.ConflictError{Field: "id", Reason: "a-thread-with-this-id-exists"}
			}
			return err
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO msg_threads (municipality, `+threadColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			string(t.Municipality), uid(t.ID), string(t.About.Scope), uid(t.About.Child), uid(t.About.Group), uid(t.About.Unit),
			uid(t.Unit), t.Subject, t.Bulletin, t.Urgent, string(t.Author.Role), t.Author.Subject, uid(t.Author.Guardian), t.Author.Name, ts(t.CreatedAt))
		b.Queue(`INSERT INTO msg_messages (municipality, `+messageColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			string(first.Municipality), uid(first.ID), uid(first.Thread), string(first.Author.Role), first.Author.Subject,
			uid(first.Author.Guardian), first.Author.Name, first.Body, atts, ts(first.CreatedAt))
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return dbError("create thread", err)
		}
		// A new thread has no participants yet: COPY them.
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"msg_participants"},
			[]string{"municipality", "thread_id", "guardian_id", "protected", "read_at"},
			pgx.CopyFromSlice(len(ps), func(i int) ([]any, error) {
				return []any{string(t.Municipality), uid(t.ID), guardians[i], protected[i], readAt[i]}, nil
			}))
		if err != nil {
			return dbError("create thread", err)
		}
		return nil
	})
}

// AddMessage writes a message to an existing thread.
func (s *Store) AddMessage(ctx context.Context, msg messaging.Message) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	atts, err := attachmentsJSON(msg.Attachments)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		ok, err := msgExists(ctx, tx, threadExistsSQL, string(msg.Municipality), uid(msg.Thread))
		if err != nil {
			return err
		}
		if !ok {
			return domain.Invalid("thread", "no-such-thread")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO msg_messages (municipality, `+messageColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT DO NOTHING`,
			string(msg.Municipality), uid(msg.ID), uid(msg.Thread), string(msg.Author.Role), msg.Author.Subject,
			uid(msg.Author.Guardian), msg.Author.Name, msg.Body, atts, ts(msg.CreatedAt))
		if err != nil {
			return dbError("add message", err)
		}
		if tag.RowsAffected() == 0 {
			return &domain.ConflictError{Field: "id", Reason: "a-message-with-this-id-exists"}
		}
		return nil
	})
}

// Thread reads a thread.
func (s *Store) Thread(ctx context.Context, m domain.Municipality, id messaging.ThreadID) (messaging.Thread, error) {
	return one(ctx, s.q(ctx), "thread", m, id.String(), scanThread,
		`SELECT `+threadColumns+` FROM msg_threads WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

func (s *Store) mustThread(ctx context.Context, m domain.Municipality, id messaging.ThreadID) error {
	ok, err := msgExists(ctx, s.q(ctx), threadExistsSQL, string(m), uid(id))
	if err == nil && !ok {
		err = notFound("thread", m, id.String())
	}
	return err
}

// Messages lists a thread's messages by creation time, then ID.
func (s *Store) Messages(ctx context.Context, m domain.Municipality, id messaging.ThreadID) ([]messaging.Message, error) {
	if err := s.mustThread(ctx, m, id); err != nil {
		return nil, err
	}
	return list(ctx, s.q(ctx), "messages", m, scanMessage,
		`SELECT `+messageColumns+` FROM msg_messages WHERE municipality = $1 AND thread_id = $2 ORDER BY created_at, id`,
		string(m), uid(id))
}

// Participants lists a thread's participants by guardian ID.
func (s *Store) Participants(ctx context.Context, m domain.Municipality, id messaging.ThreadID) ([]messaging.Participant, error) {
	if err := s.mustThread(ctx, m, id); err != nil {
		return nil, err
	}
	ps, err := list(ctx, s.q(ctx), "participants", m, scanParticipant,
		`SELECT `+participantColumns+` FROM msg_participants WHERE municipality = $1 AND thread_id = $2`, string(m), uid(id))
	messaging.SortParticipants(ps)
	return ps, err
}

// GuardianThreads lists the threads a guardian takes part in, newest first.
func (s *Store) GuardianThreads(ctx context.Context, m domain.Municipality, g domain.GuardianID) ([]messaging.Thread, error) {
	tsx, err := list(ctx, s.q(ctx), "threads", m, scanThread,
		`SELECT t.id, t.scope, t.about_child, t.about_group, t.about_unit, t.unit_id, t.subject, t.bulletin, t.urgent,
			t.author_role, t.author_subject, t.author_guardian, t.author_name, t.created_at
		FROM msg_participants AS p JOIN msg_threads AS t ON t.municipality = p.municipality AND t.id = p.thread_id
		WHERE p.municipality = $1 AND p.guardian_id = $2`, string(m), uid(g))
	messaging.SortThreads(tsx)
	return tsx, err
}

// ThreadsOf lists the threads any of the guardians takes part in, each
// once, newest first, in one statement.
func (s *Store) ThreadsOf(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) ([]messaging.Thread, error) {
	if len(guardians) == 0 {
		return []messaging.Thread{}, nil
	}
	tsx, err := list(ctx, s.q(ctx), "threads", m, scanThread,
		`SELECT `+threadColumns+` FROM msg_threads AS t
		WHERE t.municipality = $1 AND EXISTS (SELECT 1 FROM msg_participants AS p
			WHERE p.municipality = t.municipality AND p.thread_id = t.id AND p.guardian_id = ANY($2))`, string(m), uids(guardians))
	messaging.SortThreads(tsx)
	return tsx, err
}

// Tallies reads each thread's message count and newest message in one
// statement.
func (s *Store) Tallies(ctx context.Context, m domain.Municipality, threads []messaging.ThreadID) (map[messaging.ThreadID]messaging.Tally, error) {
	out := map[messaging.ThreadID]messaging.Tally{}
	if len(threads) == 0 {
		return out, nil
	}
	ts, err := list(ctx, s.q(ctx), "tallies", m, func(row scanner, m domain.Municipality) (messaging.Tally, error) {
		var t messaging.Tally
		msg, err := scanMessage(countScanner{row, &t.Messages}, m)
		t.Last = msg
		return t, err
	}, `SELECT `+messageColumns+`, n FROM (SELECT `+messageColumns+`,
			count(*) OVER (PARTITION BY thread_id) AS n,
			row_number() OVER (PARTITION BY thread_id ORDER BY created_at DESC, id DESC) AS k
		FROM msg_messages WHERE municipality = $1 AND thread_id = ANY($2)) AS last WHERE k = 1`, string(m), uids(threads))
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

func (c countScanner) Scan(dest ...any) error {
	var n int64
	if err := c.scanner.Scan(append(dest, &n)...); err != nil {
		return err
	}
	*c.n = int(n)
	return nil
}

// MarkRead sets a participant's read time.
func (s *Store) MarkRead(ctx context.Context, m domain.Municipality, id messaging.ThreadID, g domain.GuardianID, at time.Time) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE msg_participants SET read_at = $4 WHERE municipality = $1 AND thread_id = $2 AND guardian_id = $3`,
			string(m), uid(id), uid(g), ts(at))
		if err != nil {
			return dbError("mark read", err)
		}
		if tag.RowsAffected() == 0 {
			return notFound("participant", m, g.String())
		}
		return nil
	})
}

// PutContact creates or replaces a guardian's preference.
func (s *Store) PutContact(ctx context.Context, c messaging.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		ok, err := msgExists(ctx, tx, guardianExistsSQL, string(c.Municipality), uid(c.Guardian))
		if err != nil {
			return err
		}
		if !ok {
			return domain.Invalid("guardian", "no-such-guardian")
		}
		start, end := quietArgs(c.Quiet)
		_, err = tx.Exec(ctx, `INSERT INTO msg_contacts (municipality, guardian_id, language, medium, quiet_start, quiet_end) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (municipality, guardian_id) DO UPDATE SET language = excluded.language, medium = excluded.medium,
			quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end`,
			string(c.Municipality), uid(c.Guardian), string(c.Language), string(c.Medium), start, end)
		if err != nil {
			return dbError("put contact", err)
		}
		return nil
	})
}

// Contact reads a guardian's preference.
func (s *Store) Contact(ctx context.Context, m domain.Municipality, g domain.GuardianID) (messaging.Contact, error) {
	return one(ctx, s.q(ctx), "contact", m, g.String(), func(row scanner, m domain.Municipality) (messaging.Contact, error) {
		c := messaging.Contact{Municipality: m, Guardian: g}
		var start, end *int32
		err := row.Scan(stringScan[messaging.Language]{&c.Language}, stringScan[messaging.Medium]{&c.Medium}, &start, &end)
		c.Quiet = quietOf(start, end)
		return c, err
	}, `SELECT language, medium, quiet_start, quiet_end FROM msg_contacts WHERE municipality = $1 AND guardian_id = $2`, string(m), uid(g))
}

// enqueueSQL inserts the rows of parallel arrays in one statement and skips
// existing keys: one round trip for a whole bulletin, and idempotent, which
// COPY (no ON CONFLICT) cannot be without a staging table.
const enqueueSQL = `INSERT INTO msg_outbox (` + deliveryColumns + `)
	SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[],
		$9::text[], $10::text[], $11::boolean[], $12::text[], $13::integer[], $14::timestamptz[], $15::timestamptz[],
		$16::timestamptz[], $17::text[], $18::uuid[])
	ON CONFLICT (municipality, key) DO NOTHING`

// enqueueRows is how many deliveries one statement writes.
const enqueueRows = 10_000

// copyAtLeast is how many deliveries make Enqueue COPY them: a bulletin's,
// an invoice run's notices. Fewer go by enqueueSQL, one round trip.
const copyAtLeast = 500

// Enqueue writes deliveries, skipping existing keys. Many (copyAtLeast)
// are copied with COPY under a savepoint: the fast path of new keys, a
// bulletin's. When a key exists (the same notice enqueued again) COPY
// fails on the unique key, the savepoint is rolled back and the rows go
// by enqueueSQL, which skips the existing keys.
func (s *Store) Enqueue(ctx context.Context, ds []messaging.Delivery) (int, error) {
	for i, d := range ds {
		if err := d.Validate(); err != nil {
			var p domain.Problems
			p.Merge(fmt.Sprintf("deliveries[%d]", i), err)
			return 0, p.Err()
		}
	}
	written := 0
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if len(ds) >= copyAtLeast {
			n, fresh, err := copyDeliveries(ctx, tx, ds)
			if err != nil || fresh {
				written = n
				return err
			}
		}
		n, err := insertDeliveries(ctx, tx, ds)
		written = n
		return err
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// deliveryCopyColumns are deliveryColumns as COPY takes them.
var deliveryCopyColumns = strings.Fields(strings.ReplaceAll(deliveryColumns, ",", " "))

// copyDeliveries copies ds under a savepoint. fresh is false, and nothing
// is written, when a key exists already.
func copyDeliveries(ctx context.Context, tx pgx.Tx, ds []messaging.Delivery) (written int, fresh bool, err error) {
	// The savepoint by statement, not tx.Begin: the transaction of a
	// walled store copies its own way (walledTx.CopyFrom).
	if _, err := tx.Exec(ctx, `SAVEPOINT enqueue_copy`); err != nil {
		return 0, false, dbError("enqueue", err)
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"msg_outbox"}, deliveryCopyColumns, pgx.CopyFromSlice(len(ds), func(i int) ([]any, error) {
		d := ds[i]
		return []any{string(d.Municipality), uid(d.ID), d.Key, d.Kind, uid(d.Guardian), string(d.Medium), d.To,
			string(d.Language), d.Subject, d.Body, d.Urgent, string(d.State), int32(d.Attempts), ts(d.NextAt),
			ts(d.CreatedAt), ts(d.DoneAt), d.LastError, uid(d.Staff)}, nil
	}))
	var pe *pgconn.PgError
	switch {
	case err == nil:
		if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT enqueue_copy`); err != nil {
			return 0, false, dbError("enqueue", err)
		}
		return int(n), true, nil
	case errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "msg_outbox_key_key":
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT enqueue_copy`); err != nil {
			return 0, false, dbError("enqueue", err)
		}
		return 0, false, nil
	}
	return 0, false, dbError("enqueue", err)
}

// insertDeliveries writes ds by enqueueSQL, enqueueRows to a statement,
// skipping existing keys.
func insertDeliveries(ctx context.Context, tx pgx.Tx, ds []messaging.Delivery) (int, error) {
	written := 0
	for start := 0; start < len(ds); start += enqueueRows {
		chunk := ds[start:min(start+enqueueRows, len(ds))]
		n := len(chunk)
		var (
			mun, key, kind, medium, to, lang, subj, body, state, lastErr = make([]string, n), make([]string, n),
				make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
				make([]string, n), make([]string, n), make([]string, n)
			id, guardian, staff     = make([]pgtype.UUID, n), make([]pgtype.UUID, n), make([]pgtype.UUID, n)
			urgent                  = make([]bool, n)
			attempts                = make([]int32, n)
			nextAt, createdAt, done = make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n)
		)
		for i, d := range chunk {
			mun[i], id[i], key[i], kind[i], guardian[i], staff[i] = string(d.Municipality), uid(d.ID), d.Key, d.Kind, uid(d.Guardian), uid(d.Staff)
			medium[i], to[i], lang[i], subj[i], body[i] = string(d.Medium), d.To, string(d.Language), d.Subject, d.Body
			urgent[i], state[i], attempts[i] = d.Urgent, string(d.State), int32(d.Attempts)
			nextAt[i], createdAt[i], done[i], lastErr[i] = ts(d.NextAt), ts(d.CreatedAt), ts(d.DoneAt), d.LastError
		}
		tag, err := tx.Exec(ctx, enqueueSQL, mun, id, key, kind, guardian, medium, to, lang, subj, body, urgent, state,
			attempts, nextAt, createdAt, done, lastErr, staff)
		if err != nil {
			return 0, dbError("enqueue", err)
		}
		written += int(tag.RowsAffected())
	}
	return written, nil
}

// Claim takes due pending deliveries, oldest first, and leases them. Rows
// another dispatcher is claiming at the same moment are skipped (FOR UPDATE
// SKIP LOCKED), so several dispatchers run at once without sending a
// delivery twice.
func (s *Store) Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]messaging.Delivery, error) {
	var out []messaging.Delivery
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var err error
		out, err = list(ctx, tx, "deliveries", "", scanDelivery, `WITH due AS (
				SELECT municipality, id FROM msg_outbox
				WHERE state = 'pending' AND next_at <= $1
				ORDER BY next_at, id LIMIT $3
				FOR UPDATE SKIP LOCKED)
			UPDATE msg_outbox AS o SET attempts = o.attempts + 1, next_at = $2
			FROM due WHERE o.municipality = due.municipality AND o.id = due.id
			RETURNING o.municipality, o.id, o.key, o.kind, o.guardian_id, o.medium, o.recipient, o.language, o.subject,
				o.body, o.urgent, o.state, o.attempts, o.next_at, o.created_at, o.done_at, o.last_error, o.staff_id`,
			ts(now), ts(leaseUntil), limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b messaging.Delivery) int {
		if c := a.NextAt.Compare(b.NextAt); c != 0 {
			return c
		}
		return a.ID.Compare(b.ID)
	})
	return out, nil
}

// Settle records the outcomes of claimed deliveries in one statement; one
// already settled (by another dispatcher after a lease ran out) is left as
// it is.
func (s *Store) Settle(ctx context.Context, outcomes []messaging.Outcome) error {
	n := len(outcomes)
	mun, id, state, lastErr := make([]string, n), make([]pgtype.UUID, n), make([]string, n), make([]string, n)
	next, done := make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n)
	giveBack := make([]int32, n)
	for i, o := range outcomes {
		if err := o.Validate(); err != nil {
			return err
		}
		if o.State == messaging.Pending {
			next[i] = ts(o.NextAt)
		} else {
			done[i] = ts(o.At)
		}
		mun[i], id[i], state[i], lastErr[i] = string(o.Municipality), uid(o.Delivery), string(o.State), o.Error
		if o.Held {
			giveBack[i] = 1 // the attempt Claim counted
		}
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE msg_outbox AS o
			SET state = x.state, next_at = coalesce(x.next_at, o.next_at), done_at = x.done_at, last_error = x.last_error,
				attempts = greatest(o.attempts - x.give_back, 0)
			FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::int[])
				AS x(municipality, id, state, next_at, done_at, last_error, give_back)
			WHERE o.municipality = x.municipality AND o.id = x.id AND o.state = 'pending'`,
			mun, id, state, next, done, lastErr, giveBack)
		if err != nil {
			return dbError("settle", err)
		}
		return nil
	})
}

// Deliveries lists a municipality's deliveries by key.
func (s *Store) Deliveries(ctx context.Context, m domain.Municipality) ([]messaging.Delivery, error) {
	return list(ctx, s.q(ctx), "deliveries", m, scanDelivery,
		`SELECT `+deliveryColumns+` FROM msg_outbox WHERE municipality = $1 ORDER BY key COLLATE "C"`, string(m))
}

func uids[T any](ids []domain.ID[T]) []pgtype.UUID {
	out := make([]pgtype.UUID, len(ids))
	for i, id := range ids {
		out[i] = uid(id)
	}
	return out
}

// RecipientFamilies reads children with their guardians: two queries with the IDs
// as one array, in one round trip.
func (s *Store) RecipientFamilies(ctx context.Context, m domain.Municipality, children []domain.ChildID) ([]messaging.Family, error) {
	var (
		b     pgx.Batch
		cs    []domain.Child
		links []domain.GuardianLink
	)
	ids := uids(children)
	b.Queue(`SELECT `+childColumns+` FROM children WHERE municipality = $1 AND id = ANY($2::uuid[])`, string(m), ids).
		Query(func(rows pgx.Rows) error {
			var err error
			cs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Child, error) { return scanChild(row, m) })
			return err
		})
	b.Queue(`SELECT `+guardianColumns+`, `+guardianshipColumns+`
		FROM guardianships gs JOIN guardians g ON g.municipality = gs.municipality AND g.id = gs.guardian_id
		WHERE gs.municipality = $1 AND gs.child_id = ANY($2::uuid[])`, string(m), ids).Query(func(rows pgx.Rows) error {
		var err error
		links, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.GuardianLink, error) {
			l := domain.GuardianLink{Guardian: domain.Guardian{Municipality: m}, Guardianship: domain.Guardianship{Municipality: m}}
			g, gs := &l.Guardian, &l.Guardianship
			err := row.Scan(scanID(&g.ID), nationalIDScan{&g.NationalID}, &g.GivenName, &g.FamilyName,
				&g.Email, &g.Phone, stringScan[domain.AddressProtection]{&g.AddressProtection},
				&g.Address.Street, &g.Address.Cadastral, &g.Address.Postcode, &g.Address.PostTown,
				stringScan[domain.Municipality]{&g.Address.Municipality},
				scanID(&gs.ChildID), scanID(&gs.GuardianID), &gs.ParentalResponsibility, &gs.LivesWithChild,
				&gs.InformationRequested, &gs.InformationDenied)
			return l, err
		})
		return err
	})
	if err := s.q(ctx).SendBatch(ctx, &b).Close(); err != nil {
		return nil, dbError("read families", err)
	}
	byChild := make(map[domain.ChildID][]domain.GuardianLink, len(cs))
	for _, l := range links {
		byChild[l.Guardianship.ChildID] = append(byChild[l.Guardianship.ChildID], l)
	}
	out := make([]messaging.Family, 0, len(cs))
	for _, c := range cs {
		gs := byChild[c.ID]
		if gs == nil {
			gs = []domain.GuardianLink{}
		}
		slices.SortFunc(gs, func(a, b domain.GuardianLink) int { return a.Guardian.ID.Compare(b.Guardian.ID) })
		out = append(out, messaging.Family{Child: c, Guardians: gs})
	}
	return out, nil
}

// Contacts reads the preferences of many guardians in one query.
func (s *Store) Contacts(ctx context.Context, m domain.Municipality, guardians []domain.GuardianID) (map[domain.GuardianID]messaging.Contact, error) {
	cs, err := list(ctx, s.q(ctx), "contacts", m, func(row scanner, m domain.Municipality) (messaging.Contact, error) {
		c := messaging.Contact{Municipality: m}
		var start, end *int32
		err := row.Scan(scanID(&c.Guardian), stringScan[messaging.Language]{&c.Language}, stringScan[messaging.Medium]{&c.Medium}, &start, &end)
		c.Quiet = quietOf(start, end)
		return c, err
	}, `SELECT guardian_id, language, medium, quiet_start, quiet_end FROM msg_contacts WHERE municipality = $1 AND guardian_id = ANY($2::uuid[])`,
		string(m), uids(guardians))
	if err != nil {
		return nil, err
	}
	out := make(map[domain.GuardianID]messaging.Contact, len(cs))
	for _, c := range cs {
		out[c.Guardian] = c
	}
	return out, nil
}

// checkGuardians refuses participants whose guardian is not in the
// municipality, naming the first.
func checkGuardians(ctx context.Context, tx pgx.Tx, m domain.Municipality, ps []messaging.Participant) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]pgtype.UUID, len(ps))
	for i, p := range ps {
		ids[i] = uid(p.Guardian)
	}
	rows, err := tx.Query(ctx, `SELECT id FROM guardians WHERE municipality = $1 AND id = ANY($2::uuid[])`, string(m), ids)
	if err != nil {
		return dbError("check participants", err)
	}
	found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.GuardianID, error) {
		var id domain.GuardianID
		err := row.Scan(scanID(&id))
		return id, err
	})
	if err != nil {
		return dbError("check participants", err)
	}
	known := make(map[domain.GuardianID]bool, len(found))
	for _, id := range found {
		known[id] = true
	}
	for i, p := range ps {
		if !known[p.Guardian] {
			return domain.Invalid(fmt.Sprintf("participants[%d].guardian", i), "no-such-guardian")
		}
	}
	return nil
}
