package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// quietArgs stores a guardian's quiet hours as two nullable minutes.
func quietArgs(q *messaging.QuietHours) (*int32, *int32) {
	if q == nil {
		return nil, nil
	}
	start, end := int32(q.Start), int32(q.End)
	return &start, &end
}

// quietOf reads them back; NULL is nil.
func quietOf(start, end *int32) *messaging.QuietHours {
	if start == nil || end == nil {
		return nil
	}
	return &messaging.QuietHours{Start: int(*start), End: int(*end)}
}

// DeliveriesWithPrefix lists the deliveries whose key starts with prefix.
func (s *Store) DeliveriesWithPrefix(ctx context.Context, m domain.Municipality, prefix string) ([]messaging.Delivery, error) {
	return list(ctx, s.q(ctx), "deliveries", m, scanDelivery,
		`SELECT `+deliveryColumns+` FROM msg_outbox WHERE municipality = $1 AND starts_with(key, $2) ORDER BY key COLLATE "C"`, string(m), prefix)
}

// MessagingSettings reads a municipality's messaging settings.
func (s *Store) MessagingSettings(ctx context.Context, m domain.Municipality) (messaging.Settings, error) {
	return one(ctx, s.q(ctx), "settings", m, "", func(row scanner, m domain.Municipality) (messaging.Settings, error) {
		st := messaging.Settings{Municipality: m}
		var start, end, secs int32
		err := row.Scan(&start, &end, &st.Zone, &secs)
		st.Quiet = messaging.QuietHours{Start: int(start), End: int(end)}
		st.UnreadAfter = time.Duration(secs) * time.Second
		return st, err
	}, `SELECT quiet_start, quiet_end, time_zone, unread_after_s FROM msg_settings WHERE municipality = $1`, string(m))
}

// PutMessagingSettings creates or replaces them.
func (s *Store) PutMessagingSettings(ctx context.Context, st messaging.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO msg_settings (municipality, quiet_start, quiet_end, time_zone, unread_after_s)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (municipality) DO UPDATE SET quiet_start = excluded.quiet_start,
			quiet_end = excluded.quiet_end, time_zone = excluded.time_zone, unread_after_s = excluded.unread_after_s`,
			string(st.Municipality), st.Quiet.Start, st.Quiet.End, st.Zone, int64(st.UnreadAfter/time.Second))
		if err != nil {
			return dbError("put settings", err)
		}
		return nil
	})
}

const urgentColumns = `thread_id, message_id, sender_staff, recipients, sent_at, due_at, checked_at, unread`

func scanUrgent(row scanner, m domain.Municipality) (messaging.Urgent, error) {
	u := messaging.Urgent{Municipality: m}
	var recipients []byte
	if err := row.Scan(scanID(&u.Thread), scanID(&u.Message), scanID(&u.Sender), &recipients, tsScan{&u.SentAt}, tsScan{&u.DueAt},
		tsScan{&u.CheckedAt}, &u.Unread); err != nil {
		return u, err
	}
	return u, json.Unmarshal(recipients, &u.Recipients)
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
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO msg_urgent (municipality, `+urgentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			string(u.Municipality), uid(u.Thread), uid(u.Message), uid(u.Sender), b, ts(u.SentAt), ts(u.DueAt), ts(u.CheckedAt), u.Unread)
		if err != nil {
			return dbError("put urgent", err)
		}
		return nil
	})
}

// Urgent reads the record of a thread.
func (s *Store) Urgent(ctx context.Context, m domain.Municipality, thread messaging.ThreadID) (messaging.Urgent, error) {
	return one(ctx, s.q(ctx), "urgent", m, thread.String(), scanUrgent,
		`SELECT `+urgentColumns+` FROM msg_urgent WHERE municipality = $1 AND thread_id = $2`, string(m), uid(thread))
}

// DueUrgent lists the records whose unread check is due.
func (s *Store) DueUrgent(ctx context.Context, m domain.Municipality, now time.Time, limit int) ([]messaging.Urgent, error) {
	return list(ctx, s.q(ctx), "urgent", m, scanUrgent,
		`SELECT `+urgentColumns+` FROM msg_urgent WHERE municipality = $1 AND checked_at IS NULL AND due_at <= $2
		ORDER BY due_at, thread_id LIMIT $3`, string(m), ts(now), limit)
}

// CheckedUrgent records that the unread check of a thread ran.
func (s *Store) CheckedUrgent(ctx context.Context, m domain.Municipality, thread messaging.ThreadID, at time.Time, unread bool) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE msg_urgent SET checked_at = $3, unread = $4 WHERE municipality = $1 AND thread_id = $2 AND checked_at IS NULL`,
			string(m), uid(thread), ts(at), unread)
		if err != nil {
			return dbError("check urgent", err)
		}
		if tag.RowsAffected() == 0 {
			return notFound("urgent", m, thread.String())
		}
		return nil
	})
}
