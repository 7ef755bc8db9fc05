package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// The retention job's queries (domain.RetentionStore). Each finds at most
// ?3 records of municipality ?1 whose day is before the cutoff ?2, oldest
// first along the kind's index; a kind done in several statements (offers
// then applications, lines then invoices) picks in ID order, so that each
// statement of the transaction picks the same records.
const (
	expireAttendance = `DELETE FROM attendance_checks WHERE municipality = ?1 AND id IN (
		SELECT id FROM attendance_checks WHERE municipality = ?1 AND day < ?2 ORDER BY municipality, day LIMIT ?3)`
	expireAbsences = `DELETE FROM attendance_absences WHERE municipality = ?1 AND id IN (
		SELECT id FROM attendance_absences WHERE municipality = ?1 AND end_date < ?2 ORDER BY municipality, end_date LIMIT ?3)`
	expireSchoolAbsences = `DELETE FROM attendance_school_absences WHERE municipality = ?1 AND id IN (
		SELECT id FROM attendance_school_absences WHERE municipality = ?1 AND day < ?2 ORDER BY municipality, day LIMIT ?3)`
	expireMessages = `DELETE FROM msg_messages WHERE municipality = ?1 AND id IN (
		SELECT id FROM msg_messages WHERE municipality = ?1 AND created_at < ?2 ORDER BY municipality, created_at LIMIT ?3)`
	emptyThreads = `SELECT id FROM msg_threads t WHERE municipality = ?1 AND created_at < ?2
		AND NOT EXISTS (SELECT 1 FROM msg_messages m WHERE m.municipality = t.municipality AND m.thread_id = t.id)
		ORDER BY id LIMIT ?3`
	expireThreadParticipants = `DELETE FROM msg_participants WHERE municipality = ?1 AND thread_id IN (` + emptyThreads + `)`
	expireThreads            = `DELETE FROM msg_threads WHERE municipality = ?1 AND id IN (` + emptyThreads + `)`
	expireOutbox             = `UPDATE msg_outbox SET recipient = ?4, subject = '', body = ?4, last_error = ''
		WHERE municipality = ?1 AND id IN (
		SELECT id FROM msg_outbox WHERE municipality = ?1 AND state <> 'pending' AND done_at < ?2 AND recipient <> ?4
		ORDER BY municipality, done_at LIMIT ?3)`
	expireReceipts = `DELETE FROM msg_receipts WHERE municipality = ?1 AND message_id IN (
		SELECT message_id FROM msg_receipts INDEXED BY msg_receipts_by_answer WHERE municipality = ?1 AND state IN ('delivered', 'failed') AND answered_at < ?2
		ORDER BY municipality, answered_at LIMIT ?3)`
	// An application did not lead to a place when it ended (withdrawn,
	// rejected, or its offers declined or lapsed) and no offer of it is
	// open or accepted; it counts from its last event.
	endedApplications = `SELECT id FROM admission_applications a WHERE municipality = ?1
		AND NOT EXISTS (SELECT 1 FROM admission_offers o WHERE o.municipality = a.municipality AND o.application_id = a.id AND o.status IN ('open', 'accepted'))
		AND (json_extract(data, '$.withdrawn') IS NOT NULL OR json_extract(data, '$.rejected') IS NOT NULL
			OR EXISTS (SELECT 1 FROM admission_offers o WHERE o.municipality = a.municipality AND o.application_id = a.id))
		AND substr(json_extract(data, '$.submitted'), 1, 10) < ?2
		AND coalesce(substr(json_extract(data, '$.withdrawn'), 1, 10), '') < ?2
		AND coalesce(substr(json_extract(data, '$.rejected'), 1, 10), '') < ?2
		AND NOT EXISTS (SELECT 1 FROM admission_offers o WHERE o.municipality = a.municipality AND o.application_id = a.id AND o.deadline >= ?4)
		ORDER BY id LIMIT ?3`
	expireApplicationOffers = `DELETE FROM admission_offers WHERE municipality = ?1 AND application_id IN (` + endedApplications + `)`
	expireApplications      = `DELETE FROM admission_applications WHERE municipality = ?1 AND id IN (` + endedApplications + `)`
	oldInvoices             = `SELECT id FROM billing_invoices WHERE municipality = ?1 AND issued < ?2 ORDER BY id LIMIT ?3`
	expireInvoicePayments   = `DELETE FROM billing_payments WHERE municipality = ?1 AND invoice_id IN (` + oldInvoices + `)`
	expireInvoiceLines      = `DELETE FROM billing_invoice_lines WHERE municipality = ?1 AND invoice_id IN (` + oldInvoices + `)`
	expireInvoices          = `DELETE FROM billing_invoices WHERE municipality = ?1 AND id IN (` + oldInvoices + `)`
	// A child is done with when it had a place, every place ended before
	// the cutoff, no application was submitted since, and no kept invoice
	// line names it.
	doneChildren = `SELECT id FROM children c WHERE municipality = ?1 AND given_name <> ?4
		AND EXISTS (SELECT 1 FROM placements p WHERE p.municipality = c.municipality AND p.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.municipality = c.municipality AND p.child_id = c.id
			AND (p.end_date IS NULL OR p.end_date >= ?2))
		AND NOT EXISTS (SELECT 1 FROM admission_applications a WHERE a.municipality = c.municipality AND a.child_id = c.id
			AND substr(json_extract(a.data, '$.submitted'), 1, 10) >= ?2)
		AND NOT EXISTS (SELECT 1 FROM billing_invoice_lines l WHERE l.municipality = c.municipality AND l.child_id = c.id)
		ORDER BY id LIMIT ?3`
	expireChildPickups = `DELETE FROM attendance_pickups WHERE municipality = ?1 AND child_id IN (` + doneChildren + `)`
	expireChildren     = `UPDATE children SET address_street = '', address_cadastral = '', address_postcode = '', address_post_town = '', address_municipality = '', national_id = NULL, given_name = ?4, family_name = ?4,
		birth_date = substr(birth_date, 1, 4) || '-01-01'
		WHERE municipality = ?1 AND id IN (` + doneChildren + `)`
	// A guardian is done with when every child of theirs is anonymised and
	// no kept invoice has them as payer. (?2 is unused but bound.)
	expireGuardians = `UPDATE guardians SET address_street = '', address_cadastral = '', address_postcode = '', address_post_town = '', address_municipality = '', national_id = NULL, given_name = ?4, family_name = ?4, email = NULL, phone = NULL
		WHERE municipality = ?1 AND id IN (
		SELECT id FROM guardians g WHERE municipality = ?1 AND given_name <> ?4 AND ?2 = ?2
		AND EXISTS (SELECT 1 FROM guardianships gs WHERE gs.municipality = g.municipality AND gs.guardian_id = g.id)
		AND NOT EXISTS (SELECT 1 FROM guardianships gs JOIN children c ON c.municipality = gs.municipality AND c.id = gs.child_id
			WHERE gs.municipality = g.municipality AND gs.guardian_id = g.id AND c.given_name <> ?4)
		AND NOT EXISTS (SELECT 1 FROM billing_invoices i WHERE i.municipality = g.municipality AND i.payer_id = g.id)
		ORDER BY id LIMIT ?3)`
	// An anonymised guardian's calendar feed goes with their name: the
	// secret URL would otherwise still serve the children's events. Every
	// anonymised guardian's, in the transaction that anonymises them. (?2
	// and ?3 are unused but bound.)
	expireGuardianFeeds = `DELETE FROM calendar_feeds WHERE municipality = ?1 AND ?2 = ?2 AND ?3 = ?3 AND guardian_id IN (
		SELECT id FROM guardians WHERE municipality = ?1 AND given_name = ?4)`
	// Special-education cases ended before the cutoff, with what hangs on
	// them; each statement picks the same cases (by end, then ID).
	endedSECases             = `SELECT id FROM specialed_cases WHERE municipality = ?1 AND ended <> '' AND ended < ?2 ORDER BY ended, id LIMIT ?3`
	expireSEReminders        = `DELETE FROM specialed_reminders WHERE municipality = ?1 AND case_id IN (` + endedSECases + `)`
	expireSEAttachments      = `DELETE FROM specialed_attachments WHERE municipality = ?1 AND case_id IN (` + endedSECases + `)`
	expireSEDocuments        = `DELETE FROM specialed_documents WHERE municipality = ?1 AND case_id IN (` + endedSECases + `)`
	expireSEEntries          = `DELETE FROM specialed_entries WHERE municipality = ?1 AND case_id IN (` + endedSECases + `)`
	expireSECases            = `DELETE FROM specialed_cases WHERE municipality = ?1 AND id IN (` + endedSECases + `)`
	endedConvRounds          = `SELECT id FROM conv_rounds WHERE municipality = ?1 AND last_day < ?2 ORDER BY last_day, id LIMIT ?3`
	expireConvBookings       = `DELETE FROM conv_bookings WHERE municipality = ?1 AND round_id IN (` + endedConvRounds + `)`
	expireConvSlots          = `DELETE FROM conv_slots WHERE municipality = ?1 AND round_id IN (` + endedConvRounds + `)`
	expireConvChildren       = `DELETE FROM conv_round_children WHERE municipality = ?1 AND round_id IN (` + endedConvRounds + `)`
	expireConvRounds         = `DELETE FROM conv_rounds WHERE municipality = ?1 AND id IN (` + endedConvRounds + `)`
	expireIntegrationHistory = `DELETE FROM integration_settings WHERE municipality = ?1 AND (integration, version) IN (
		SELECT integration, version FROM integration_settings WHERE municipality = ?1 AND superseded_at < ?2 ORDER BY superseded_at LIMIT ?3)`
	expireEvents = `DELETE FROM calendar_events WHERE municipality = ?1 AND id IN (
		SELECT id FROM calendar_events WHERE municipality = ?1 AND end_date < ?2 ORDER BY end_date, id LIMIT ?3)`
	// An entry goes with the children it names: the same entries chosen
	// twice in one transaction (the order is total: at, then id).
	expiringAudit       = `SELECT id FROM audit_log WHERE municipality = ?1 AND at < ?2 ORDER BY municipality, at, id LIMIT ?3`
	expireAuditChildren = `DELETE FROM audit_log_children INDEXED BY audit_log_children_by_entry
		WHERE municipality = ?1 AND audit_id IN (` + expiringAudit + `)`
	expireAudit = `DELETE FROM audit_log WHERE municipality = ?1 AND id IN (` + expiringAudit + `)`
)

// cutoffTime is the first instant of the cutoff day in Europe/Oslo.
func cutoffTime(d date.Date) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, domain.Oslo())
}

// ExpireRecords implements domain.RetentionStore.
func (s *Store) ExpireRecords(ctx context.Context, m domain.Municipality, kind domain.RecordKind, cutoff date.Date, limit int) (int, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if limit <= 0 {
		return 0, domain.Invalid("limit", "not-positive")
	}
	day := cutoff.String()
	at := cutoffTime(cutoff)
	var steps []string
	var args []any
	switch kind {
	case domain.RecordAttendance:
		steps, args = []string{expireAttendance}, []any{m, day, limit}
	case domain.RecordAbsences:
		steps, args = []string{expireAbsences}, []any{m, day, limit}
	case domain.RecordSchoolAbsences:
		steps, args = []string{expireSchoolAbsences}, []any{m, day, limit}
	case domain.RecordMessages:
		steps, args = []string{expireMessages, expireThreadParticipants, expireThreads}, []any{m, at.UnixNano(), limit}
	case domain.RecordOutbox:
		steps, args = []string{expireOutbox}, []any{m, at.UnixNano(), limit, domain.ErasedName}
	case domain.RecordReceipts:
		steps, args = []string{expireReceipts}, []any{m, at.UnixNano(), limit}
	case domain.RecordApplications:
		steps, args = []string{expireApplicationOffers, expireApplications}, []any{m, day, limit, at.UnixMicro()}
	case domain.RecordInvoices:
		steps, args = []string{expireInvoicePayments, expireInvoiceLines, expireInvoices}, []any{m, day, limit}
	case domain.RecordPersons:
		steps, args = []string{expireChildPickups, expireChildren, expireGuardians, expireGuardianFeeds}, []any{m, day, limit, domain.ErasedName}
	case domain.RecordSpecialEd:
		steps, args = []string{expireSEReminders, expireSEAttachments, expireSEDocuments, expireSEEntries, expireSECases}, []any{m, day, limit}
	case domain.RecordConversations:
		steps, args = []string{expireConvBookings, expireConvSlots, expireConvChildren, expireConvRounds}, []any{m, day, limit}
	case domain.RecordIntegrationHistory:
		steps, args = []string{expireIntegrationHistory}, []any{m, at.UnixNano(), limit}
	case domain.RecordEvents:
		steps, args = []string{expireEvents}, []any{m, day, limit}
	case domain.RecordAudit:
		steps, args = []string{expireAuditChildren, expireAudit}, []any{m, at.UTC().Format(time.RFC3339Nano), limit}
	default:
		return 0, domain.Invalid("kind", "is-not-a-record-kind")
	}
	// Only the main records count (not the offers, lines, payments or
	// pickups deleted with them); threads and guardians count too.
	counted := map[string]bool{expireAttendance: true, expireAbsences: true, expireSchoolAbsences: true,
		expireMessages: true, expireThreads: true, expireOutbox: true, expireReceipts: true, expireApplications: true,
		expireInvoices: true, expireSECases: true, expireConvRounds: true, expireChildren: true, expireGuardians: true, expireIntegrationHistory: true, expireEvents: true, expireAudit: true}
	n := 0
	err := s.Atomic(ctx, func(ctx context.Context) error {
		for _, q := range steps {
			res, err := s.exec(ctx, q, args...)
			if err != nil {
				return fmt.Errorf("sqlite: retention %s: %w", kind, err)
			}
			if counted[q] {
				k, err := res.RowsAffected()
				if err != nil {
					return err
				}
				n += int(k)
			}
		}
		return nil
	})
	return n, err
}

// Erasure on request (domain.ErasureStore).
const (
	childInvoiced = `SELECT coalesce(max(i.issued), '') FROM billing_invoice_lines l
		JOIN billing_invoices i ON i.municipality = l.municipality AND i.id = l.invoice_id
		WHERE l.municipality = ?1 AND l.child_id = ?2`
	childThreads = `SELECT id FROM msg_threads WHERE municipality = ?1 AND about_child = ?2`
	childSECases = `SELECT id FROM specialed_cases WHERE municipality = ?1 AND child_id = ?2`
)

var eraseChild = []string{
	`DELETE FROM attendance_checks WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM attendance_absences WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM attendance_school_absences WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM attendance_pickups WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM admission_offers WHERE municipality = ?1 AND application_id IN (
		SELECT id FROM admission_applications WHERE municipality = ?1 AND child_id = ?2)`,
	`DELETE FROM admission_applications WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM admission_school_requests WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM admission_school_starters WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM msg_messages WHERE municipality = ?1 AND thread_id IN (` + childThreads + `)`,
	`DELETE FROM msg_participants WHERE municipality = ?1 AND thread_id IN (` + childThreads + `)`,
	`DELETE FROM msg_threads WHERE municipality = ?1 AND about_child = ?2`,
	`DELETE FROM specialed_reminders WHERE municipality = ?1 AND case_id IN (` + childSECases + `)`,
	`DELETE FROM specialed_attachments WHERE municipality = ?1 AND case_id IN (` + childSECases + `)`,
	`DELETE FROM specialed_documents WHERE municipality = ?1 AND case_id IN (` + childSECases + `)`,
	`DELETE FROM specialed_entries WHERE municipality = ?1 AND case_id IN (` + childSECases + `)`,
	`DELETE FROM specialed_cases WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM conv_bookings WHERE municipality = ?1 AND child_id = ?2`,
	`DELETE FROM conv_round_children WHERE municipality = ?1 AND child_id = ?2`,
	`UPDATE children SET address_street = '', address_cadastral = '', address_postcode = '', address_post_town = '', address_municipality = '', national_id = NULL, given_name = ?3, family_name = ?3,
		birth_date = substr(birth_date, 1, 4) || '-01-01' WHERE municipality = ?1 AND id = ?2`,
}

// ChildInvoiced implements domain.ErasureStore.
func (s *Store) ChildInvoiced(ctx context.Context, m domain.Municipality, child domain.ChildID) (date.Date, error) {
	var issued string
	err := s.read(ctx, func(ctx context.Context) error {
		rows, err := s.query(ctx, childInvoiced, m, child)
		if err != nil {
			return err
		}
		defer rows.Close()
		if rows.Next() {
			if err := rows.Scan(&issued); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil || issued == "" {
		return date.Zero, err
	}
	return date.Parse(date.ISO8601, issued)
}

// EraseChild implements domain.ErasureStore.
func (s *Store) EraseChild(ctx context.Context, m domain.Municipality, child domain.ChildID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		var n int64
		for i, q := range eraseChild {
			args := []any{m, child}
			if strings.Contains(q, "?3") {
				args = append(args, domain.ErasedName)
			}
			res, err := s.exec(ctx, q, args...)
			if err != nil {
				return fmt.Errorf("sqlite: erase child: %w", err)
			}
			if i == len(eraseChild)-1 {
				if n, err = res.RowsAffected(); err != nil {
					return err
				}
			}
		}
		if n == 0 {
			return domain.ErrNotFound
		}
		return nil
	})
}
