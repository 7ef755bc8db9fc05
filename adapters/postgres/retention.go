package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// The retention job's statements (domain.RetentionStore). Each finds at
// most $3 records of municipality $1 whose day is before the cutoff $2 (a
// date) or, for instants, $2 (the cutoff's first instant), oldest first
// along the kind's index; a kind done in several statements (offers then
// applications, lines then invoices) picks in ID order, so that each
// statement of the transaction picks the same records.
const (
	pgExpireAttendance = `DELETE FROM attendance_checks WHERE municipality = $1 AND id IN (
		SELECT id FROM attendance_checks WHERE municipality = $1 AND day < $2::date ORDER BY municipality, day LIMIT $3)`
	pgExpireAbsences = `DELETE FROM attendance_absences WHERE municipality = $1 AND id IN (
		SELECT id FROM attendance_absences WHERE municipality = $1 AND end_date < $2::date ORDER BY municipality, end_date LIMIT $3)`
	pgExpireSchoolAbsences = `DELETE FROM attendance_school_absences WHERE municipality = $1 AND id IN (
		SELECT id FROM attendance_school_absences WHERE municipality = $1 AND day < $2::date ORDER BY municipality, day LIMIT $3)`
	pgExpireMessages = `DELETE FROM msg_messages WHERE municipality = $1 AND id IN (
		SELECT id FROM msg_messages WHERE municipality = $1 AND created_at < $2 ORDER BY municipality, created_at LIMIT $3)`
	pgEmptyThreads = `SELECT id FROM msg_threads t WHERE municipality = $1 AND created_at < $2
		AND NOT EXISTS (SELECT 1 FROM msg_messages m WHERE m.municipality = t.municipality AND m.thread_id = t.id)
		ORDER BY id LIMIT $3`
	pgExpireThreadParticipants = `DELETE FROM msg_participants WHERE municipality = $1 AND thread_id IN (` + pgEmptyThreads + `)`
	pgExpireThreads            = `DELETE FROM msg_threads WHERE municipality = $1 AND id IN (` + pgEmptyThreads + `)`
	pgExpireReceipts           = `DELETE FROM msg_receipts WHERE municipality = $1 AND message_id IN (
		SELECT message_id FROM msg_receipts WHERE municipality = $1 AND state IN ('delivered', 'failed') AND answered_at < $2
		ORDER BY answered_at LIMIT $3)`
	pgExpireOutbox = `UPDATE msg_outbox SET recipient = $4, subject = '', body = $4, last_error = ''
		WHERE municipality = $1 AND id IN (
		SELECT id FROM msg_outbox WHERE municipality = $1 AND state <> 'pending' AND done_at < $2 AND recipient <> $4
		ORDER BY municipality, done_at LIMIT $3)`
	// An application did not lead to a place when it ended (withdrawn,
	// rejected, or its offers declined or lapsed) and no offer of it is
	// open or accepted; it counts from its last event. $2 is the cutoff
	// day as text (compared with the local date the JSON starts with), $4
	// its first instant.
	pgEndedApplications = `SELECT id FROM admission_applications a WHERE municipality = $1
		AND NOT EXISTS (SELECT 1 FROM admission_offers o WHERE o.municipality = a.municipality AND o.application_id = a.id AND o.status IN ('open', 'accepted'))
		AND (data->>'withdrawn' IS NOT NULL OR data->>'rejected' IS NOT NULL
			OR EXISTS (SELECT 1 FROM admission_offers o WHERE o.municipality = a.municipality AND o.application_id = a.id))
		AND left(data->>'submitted', 10) < $2::text
		AND coalesce(left(data->>'withdrawn', 10), '') < $2::text
		AND coalesce(left(data->>'rejected', 10), '') < $2::text
		AND NOT EXISTS (SELECT 1 FROM admission_offers o WHERE o.municipality = a.municipality AND o.application_id = a.id AND o.deadline >= $4)
		ORDER BY id LIMIT $3`
	pgExpireApplicationOffers = `DELETE FROM admission_offers WHERE municipality = $1 AND application_id IN (` + pgEndedApplications + `)`
	pgExpireApplications      = `DELETE FROM admission_applications WHERE municipality = $1 AND id IN (` + pgEndedApplications + `)`
	pgOldInvoices             = `SELECT id FROM billing_invoices WHERE municipality = $1 AND issued < $2::date ORDER BY id LIMIT $3`
	pgExpireInvoicePayments   = `DELETE FROM billing_payments WHERE municipality = $1 AND invoice_id IN (` + pgOldInvoices + `)`
	pgExpireInvoiceLines      = `DELETE FROM billing_invoice_lines WHERE municipality = $1 AND invoice_id IN (` + pgOldInvoices + `)`
	pgExpireInvoices          = `DELETE FROM billing_invoices WHERE municipality = $1 AND id IN (` + pgOldInvoices + `)`
	// A child is done with when it had a place, every place ended before
	// the cutoff, no application was submitted since, and no kept invoice
	// line names it.
	pgDoneChildren = `SELECT id FROM children c WHERE municipality = $1 AND given_name <> $4
		AND EXISTS (SELECT 1 FROM placements p WHERE p.municipality = c.municipality AND p.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.municipality = c.municipality AND p.child_id = c.id
			AND (p.end_date IS NULL OR p.end_date >= $2::date))
		AND NOT EXISTS (SELECT 1 FROM admission_applications a WHERE a.municipality = c.municipality AND a.child_id = c.id
			AND left(a.data->>'submitted', 10) >= $2::text)
		AND NOT EXISTS (SELECT 1 FROM billing_invoice_lines l WHERE l.municipality = c.municipality AND l.child_id = c.id)
		ORDER BY id LIMIT $3`
	pgExpireChildPickups = `DELETE FROM attendance_pickups WHERE municipality = $1 AND child_id IN (` + pgDoneChildren + `)`
	pgExpireChildren     = `UPDATE children SET address_street = '', address_cadastral = '', address_postcode = '', address_post_town = '', address_municipality = '', national_id = NULL, given_name = $4, family_name = $4,
		birth_date = date_trunc('year', birth_date)::date
		WHERE municipality = $1 AND id IN (` + pgDoneChildren + `)`
	// A guardian is done with when every child of theirs is anonymised and
	// no kept invoice has them as payer.
	// An anonymised guardian's calendar feed goes with their name: the
	// secret URL would otherwise still serve the children's events. Every
	// anonymised guardian's, in the transaction that anonymises them.
	pgExpireGuardianFeeds = `DELETE FROM calendar_feeds WHERE municipality = $1 AND guardian_id IN (
		SELECT id FROM guardians WHERE municipality = $1 AND given_name = $2)`
	pgExpireGuardians = `UPDATE guardians SET address_street = '', address_cadastral = '', address_postcode = '', address_post_town = '', address_municipality = '', national_id = NULL, given_name = $3, family_name = $3, email = '', phone = ''
		WHERE municipality = $1 AND id IN (
		SELECT id FROM guardians g WHERE municipality = $1 AND given_name <> $3
		AND EXISTS (SELECT 1 FROM guardianships gs WHERE gs.municipality = g.municipality AND gs.guardian_id = g.id)
		AND NOT EXISTS (SELECT 1 FROM guardianships gs JOIN children c ON c.municipality = gs.municipality AND c.id = gs.child_id
			WHERE gs.municipality = g.municipality AND gs.guardian_id = g.id AND c.given_name <> $3)
		AND NOT EXISTS (SELECT 1 FROM billing_invoices i WHERE i.municipality = g.municipality AND i.payer_id = g.id)
		ORDER BY id LIMIT $2)`
	// Special-education cases ended before the cutoff, with what hangs on
	// them; each statement picks the same cases (by end, then ID).
	pgEndedSECases             = `SELECT id FROM specialed_cases WHERE municipality = $1 AND ended < $2::date ORDER BY ended, id LIMIT $3`
	pgExpireSEReminders        = `DELETE FROM specialed_reminders WHERE municipality = $1 AND case_id IN (` + pgEndedSECases + `)`
	pgExpireSEAttachments      = `DELETE FROM specialed_attachments WHERE municipality = $1 AND case_id IN (` + pgEndedSECases + `)`
	pgExpireSEDocuments        = `DELETE FROM specialed_documents WHERE municipality = $1 AND case_id IN (` + pgEndedSECases + `)`
	pgExpireSEEntries          = `DELETE FROM specialed_entries WHERE municipality = $1 AND case_id IN (` + pgEndedSECases + `)`
	pgExpireSECases            = `DELETE FROM specialed_cases WHERE municipality = $1 AND id IN (` + pgEndedSECases + `)`
	pgEndedConvRounds          = `SELECT id FROM conv_rounds WHERE municipality = $1 AND last_day < $2::date ORDER BY last_day, id LIMIT $3`
	pgExpireConvBookings       = `DELETE FROM conv_bookings WHERE municipality = $1 AND round_id IN (` + pgEndedConvRounds + `)`
	pgExpireConvSlots          = `DELETE FROM conv_slots WHERE municipality = $1 AND round_id IN (` + pgEndedConvRounds + `)`
	pgExpireConvChildren       = `DELETE FROM conv_round_children WHERE municipality = $1 AND round_id IN (` + pgEndedConvRounds + `)`
	pgExpireConvRounds         = `DELETE FROM conv_rounds WHERE municipality = $1 AND id IN (` + pgEndedConvRounds + `)`
	pgExpireIntegrationHistory = `DELETE FROM integration_settings WHERE municipality = $1 AND (integration, version) IN (
		SELECT integration, version FROM integration_settings WHERE municipality = $1 AND superseded_at < $2 ORDER BY superseded_at LIMIT $3)`
	pgExpireEvents = `DELETE FROM calendar_events WHERE municipality = $1 AND id IN (
		SELECT id FROM calendar_events WHERE municipality = $1 AND end_date < $2::date ORDER BY end_date, id LIMIT $3)`
	// An entry goes with the children it names, in one statement (the
	// entries chosen once); the count is of entries.
	pgExpireAudit = `WITH gone AS (
		SELECT id FROM audit_log WHERE municipality = $1 AND at < $2 ORDER BY municipality, at LIMIT $3),
	named AS (DELETE FROM audit_log_children c USING gone WHERE c.municipality = $1 AND c.audit_id = gone.id)
	DELETE FROM audit_log a USING gone WHERE a.municipality = $1 AND a.id = gone.id`
)

type retentionStep struct {
	query   string
	counted bool // its rows are the records the rule counts
	args    []any
}

// ExpireRecords implements domain.RetentionStore.
func (s *Store) ExpireRecords(ctx context.Context, m domain.Municipality, kind domain.RecordKind, cutoff date.Date, limit int) (int, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if limit <= 0 {
		return 0, domain.Invalid("limit", "not-positive")
	}
	y, mo, dd := cutoff.Date()
	at := time.Date(y, mo, dd, 0, 0, 0, 0, domain.Oslo())
	mun, day, erased := string(m), cutoff.String(), domain.ErasedName
	byDay := []any{mun, day, limit}
	byTime := []any{mun, at, limit}
	var steps []retentionStep
	switch kind {
	case domain.RecordAttendance:
		steps = []retentionStep{{pgExpireAttendance, true, byDay}}
	case domain.RecordAbsences:
		steps = []retentionStep{{pgExpireAbsences, true, byDay}}
	case domain.RecordSchoolAbsences:
		steps = []retentionStep{{pgExpireSchoolAbsences, true, byDay}}
	case domain.RecordMessages:
		steps = []retentionStep{{pgExpireMessages, true, byTime}, {pgExpireThreadParticipants, false, byTime}, {pgExpireThreads, true, byTime}}
	case domain.RecordOutbox:
		steps = []retentionStep{{pgExpireOutbox, true, []any{mun, at, limit, erased}}}
	case domain.RecordReceipts:
		steps = []retentionStep{{pgExpireReceipts, true, byTime}}
	case domain.RecordApplications:
		args := []any{mun, day, limit, at}
		steps = []retentionStep{{pgExpireApplicationOffers, false, args}, {pgExpireApplications, true, args}}
	case domain.RecordInvoices:
		steps = []retentionStep{{pgExpireInvoicePayments, false, byDay}, {pgExpireInvoiceLines, false, byDay}, {pgExpireInvoices, true, byDay}}
	case domain.RecordPersons:
		args := []any{mun, day, limit, erased}
		steps = []retentionStep{{pgExpireChildPickups, false, args}, {pgExpireChildren, true, args},
			{pgExpireGuardians, true, []any{mun, limit, erased}}, {pgExpireGuardianFeeds, false, []any{mun, erased}}}
	case domain.RecordSpecialEd:
		steps = []retentionStep{{pgExpireSEReminders, false, byDay}, {pgExpireSEAttachments, false, byDay},
			{pgExpireSEDocuments, false, byDay}, {pgExpireSEEntries, false, byDay}, {pgExpireSECases, true, byDay}}
	case domain.RecordConversations:
		steps = []retentionStep{{pgExpireConvBookings, false, byDay}, {pgExpireConvSlots, false, byDay},
			{pgExpireConvChildren, false, byDay}, {pgExpireConvRounds, true, byDay}}
	case domain.RecordIntegrationHistory:
		steps = []retentionStep{{pgExpireIntegrationHistory, true, byTime}}
	case domain.RecordEvents:
		steps = []retentionStep{{pgExpireEvents, true, byDay}}
	case domain.RecordAudit:
		steps = []retentionStep{{pgExpireAudit, true, byTime}}
	default:
		return 0, domain.Invalid("kind", "is-not-a-record-kind")
	}
	n := 0
	err := s.Atomic(ctx, func(ctx context.Context) error {
		for _, st := range steps {
			tag, err := s.q(ctx).Exec(ctx, st.query, st.args...)
			if err != nil {
				return dbError(fmt.Sprintf("retention %s", kind), err)
			}
			if st.counted {
				n += int(tag.RowsAffected())
			}
		}
		return nil
	})
	return n, err
}

// Erasure on request (domain.ErasureStore).
const pgChildThreads = `SELECT id FROM msg_threads WHERE municipality = $1 AND about_child = $2`

const pgChildSECases = `SELECT id FROM specialed_cases WHERE municipality = $1 AND child_id = $2`

var pgEraseChild = []string{
	`DELETE FROM attendance_checks WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM attendance_absences WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM attendance_school_absences WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM attendance_pickups WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM admission_offers WHERE municipality = $1 AND application_id IN (
		SELECT id FROM admission_applications WHERE municipality = $1 AND child_id = $2)`,
	`DELETE FROM admission_applications WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM admission_school_requests WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM admission_school_starters WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM msg_messages WHERE municipality = $1 AND thread_id IN (` + pgChildThreads + `)`,
	`DELETE FROM msg_participants WHERE municipality = $1 AND thread_id IN (` + pgChildThreads + `)`,
	`DELETE FROM msg_threads WHERE municipality = $1 AND about_child = $2`,
	`DELETE FROM specialed_reminders WHERE municipality = $1 AND case_id IN (` + pgChildSECases + `)`,
	`DELETE FROM specialed_attachments WHERE municipality = $1 AND case_id IN (` + pgChildSECases + `)`,
	`DELETE FROM specialed_documents WHERE municipality = $1 AND case_id IN (` + pgChildSECases + `)`,
	`DELETE FROM specialed_entries WHERE municipality = $1 AND case_id IN (` + pgChildSECases + `)`,
	`DELETE FROM specialed_cases WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM conv_bookings WHERE municipality = $1 AND child_id = $2`,
	`DELETE FROM conv_round_children WHERE municipality = $1 AND child_id = $2`,
	`UPDATE children SET address_street = '', address_cadastral = '', address_postcode = '', address_post_town = '', address_municipality = '', national_id = NULL, given_name = $3, family_name = $3,
		birth_date = date_trunc('year', birth_date)::date WHERE municipality = $1 AND id = $2`,
}

// ChildInvoiced implements domain.ErasureStore.
func (s *Store) ChildInvoiced(ctx context.Context, m domain.Municipality, child domain.ChildID) (date.Date, error) {
	var issued *time.Time
	err := s.q(ctx).QueryRow(ctx, `SELECT max(i.issued) FROM billing_invoice_lines l
		JOIN billing_invoices i ON i.municipality = l.municipality AND i.id = l.invoice_id
		WHERE l.municipality = $1 AND l.child_id = $2`, string(m), uid(child)).Scan(&issued)
	if err != nil {
		return date.Zero, dbError("child invoiced", err)
	}
	if issued == nil {
		return date.Zero, nil
	}
	return date.New(issued.Year(), issued.Month(), issued.Day()), nil
}

// EraseChild implements domain.ErasureStore.
func (s *Store) EraseChild(ctx context.Context, m domain.Municipality, child domain.ChildID) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		for i, q := range pgEraseChild {
			args := []any{string(m), uid(child)}
			if i == len(pgEraseChild)-1 {
				args = append(args, domain.ErasedName)
			}
			tag, err := s.q(ctx).Exec(ctx, q, args...)
			if err != nil {
				return dbError("erase child", err)
			}
			if i == len(pgEraseChild)-1 && tag.RowsAffected() == 0 {
				return domain.ErrNotFound
			}
		}
		return nil
	})
}
