-- Indexes for the retention job (domain.Retention): each kind of record is
-- found by the day its retention period counts from, a batch at a time,
-- without scanning the whole table.

-- +goose Up
CREATE INDEX attendance_checks_by_day ON attendance_checks (municipality, day);
CREATE INDEX attendance_absences_by_end ON attendance_absences (municipality, end_date);
CREATE INDEX attendance_school_absences_by_day ON attendance_school_absences (municipality, day);
CREATE INDEX msg_messages_by_age ON msg_messages (municipality, created_at);
CREATE INDEX msg_threads_by_age ON msg_threads (municipality, created_at);
CREATE INDEX msg_outbox_by_done ON msg_outbox (municipality, done_at) WHERE state <> 'pending';
CREATE INDEX billing_invoices_by_issued ON billing_invoices (municipality, issued);
CREATE INDEX billing_lines_by_child ON billing_invoice_lines (municipality, child_id);
CREATE INDEX billing_invoices_by_payer ON billing_invoices (municipality, payer_id);
CREATE INDEX audit_log_by_age ON audit_log (municipality, at);

-- +goose Down
DROP INDEX audit_log_by_age;
DROP INDEX billing_invoices_by_payer;
DROP INDEX billing_lines_by_child;
DROP INDEX billing_invoices_by_issued;
DROP INDEX msg_outbox_by_done;
DROP INDEX msg_threads_by_age;
DROP INDEX msg_messages_by_age;
DROP INDEX attendance_school_absences_by_day;
DROP INDEX attendance_absences_by_end;
DROP INDEX attendance_checks_by_day;
