package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// quietArgs stores a guardian's quiet hours as two nullable minutes.
func quietArgs(q *messaging.QuietHours) (any, any) {
	if q == nil {
		return nil, nil
	}
	return q.Start, q.End
}

func scanContact(r scanner) (messaging.Contact, error) {
	var c messaging.Contact
	var start, end sql.NullInt64
	if err := r.Scan(&c.Municipality, &c.Guardian, &c.Language, &c.Medium, &start, &end); err != nil {
		return c, err
	}
	if start.Valid && end.Valid {
		c.Quiet = &messaging.QuietHours{Start: int(start.Int64), End: int(end.Int64)}
	}
	return c, nil
}

// DeliveriesWithPrefix lists the deliveries whose key starts with prefix.
func (s *Store) DeliveriesWithPrefix(ctx context.Context, m domain.Municipality, prefix string) ([]messaging.Delivery, error) {
	// A range on the key index: keys from prefix up to prefix + U+10FFFF.
	return queryAll(ctx, s, `SELECT `+deliveryCols+` FROM msg_outbox INDEXED BY msg_outbox_key
		WHERE municipality = ? AND key >= ? AND key < ? ORDER BY key`, scanDelivery, m, prefix, prefix+"\U0010FFFF")
}

// MessagingSettings reads a municipality's messaging settings.
func (s *Store) MessagingSettings(ctx context.Context, m domain.Municipality) (messaging.Settings, error) {
	return queryOne(ctx, s, "settings", `SELECT municipality, quiet_start, quiet_end, time_zone, unread_after_s
		FROM msg_settings WHERE municipality = ?`, func(r scanner) (messaging.Settings, error) {
		var st messaging.Settings
		var secs int64
		err := r.Scan(&st.Municipality, &st.Quiet.Start, &st.Quiet.End, &st.Zone, &secs)
		st.UnreadAfter = time.Duration(secs) * time.Second
		return st, err
	}, m)
}

// PutMessagingSettings creates or replaces them.
func (s *Store) PutMessagingSettings(ctx context.Context, st messaging.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, `INSERT INTO msg_settings (municipality, quiet_start, quiet_end, time_zone, unread_after_s)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (municipality) DO UPDATE SET quiet_start = excluded.quiet_start,
			quiet_end = excluded.quiet_end, time_zone = excluded.time_zone, unread_after_s = excluded.unread_after_s`,
			st.Municipality, st.Quiet.Start, st.Quiet.End, st.Zone, int64(st.UnreadAfter/time.Second))
		return writeErr(err, "settings")
	})
}

const urgentCols = `municipality, thread_id, message_id, sender_staff, recipients, sent_at, due_at, checked_at, unread`

func scanUrgent(r scanner) (messaging.Urgent, error) {
	var u messaging.Urgent
	var recipients string
	var sent, due, checked sql.NullInt64
	if err := r.Scan(&u.Municipality, &u.Thread, &u.Message, &u.Sender, &recipients, &sent, &due, &checked, &u.Unread); err != nil {
		return u, err
	}
	u.SentAt, u.DueAt, u.CheckedAt = fromInstant(sent), fromInstant(due), fromInstant(checked)
	if err := json.Unmarshal([]byte(recipients), &u.Recipients); err != nil {
		return u, fmt.Errorf("recipients: %w", err)
	}
	return u, nil
}

// PutUrgent writes the record of an urgent message.
func (s *Store) PutUrgent(ctx context.Context, u messaging.Urgent) error {
	if err := u.Validate(); err != nil {
		return err
	}
	rs := u.Recipients
	if rs == nil {
		rs = []messaging.UrgentRecipient{}
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		var sender any
		if !u.Sender.IsZero() {
			sender = u.Sender
		}
		_, err := s.exec(ctx, `INSERT INTO msg_urgent (`+urgentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.Municipality, u.Thread, u.Message, sender, string(b), nanoInstant(u.SentAt), nanoInstant(u.DueAt), nanoInstant(u.CheckedAt), bit(u.Unread))
		return writeErr(err, "urgent")
	})
}

// Urgent reads the record of a thread.
func (s *Store) Urgent(ctx context.Context, m domain.Municipality, thread messaging.ThreadID) (messaging.Urgent, error) {
	return queryOne(ctx, s, "urgent", `SELECT `+urgentCols+` FROM msg_urgent WHERE municipality = ? AND thread_id = ?`, scanUrgent, m, thread)
}

// DueUrgent lists the records whose unread check is due.
func (s *Store) DueUrgent(ctx context.Context, m domain.Municipality, now time.Time, limit int) ([]messaging.Urgent, error) {
	return queryAll(ctx, s, `SELECT `+urgentCols+` FROM msg_urgent INDEXED BY msg_urgent_due
		WHERE municipality = ? AND checked_at IS NULL AND due_at <= ? ORDER BY due_at, thread_id LIMIT ?`, scanUrgent, m, now.UnixNano(), limit)
}

// CheckedUrgent records that the unread check of a thread ran.
func (s *Store) CheckedUrgent(ctx context.Context, m domain.Municipality, thread messaging.ThreadID, at time.Time, unread bool) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, `UPDATE msg_urgent SET checked_at = ?, unread = ? WHERE municipality = ? AND thread_id = ? AND checked_at IS NULL`,
			at.UnixNano(), bit(unread), m, thread)
		return affected(res, err, "urgent")
	})
}
