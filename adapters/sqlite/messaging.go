package sqlite

// messagingQueries are the statements of the messaging store port that Open prepares.
var messagingQueries = []string{
	insertThread, selectThread, threadExists, insertMessage, selectMessages,
	selectParticipants, selectGuardianThreads, markRead, upsertContact, selectContact,
	claimDue, settleDue,
	// selectDeliveries is not prepared: it lists a whole municipality's
	// outbox (inspection and tests), not a path a request takes.
}

const (
	threadCols      = `municipality, id, scope, about_child, about_group, about_unit, unit_id, subject, bulletin, urgent, author_role, author_subject, author_guardian, author_name, created_at`
	messageCols     = `municipality, id, thread_id, author_role, author_subject, author_guardian, author_name, body, attachments, created_at`
	participantCols = `municipality, thread_id, guardian_id, protected, read_at`
	deliveryCols    = `municipality, id, key, kind, guardian_id, staff_id, medium, recipient, language, subject, body, urgent, state, attempts, next_at, created_at, done_at, last_error`

	insertThread          = `INSERT INTO msg_threads (` + threadCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	selectThread          = `SELECT ` + threadCols + ` FROM msg_threads WHERE municipality = ? AND id = ?`
	threadExists          = `SELECT 1 FROM msg_threads WHERE municipality = ? AND id = ?`
	insertMessage         = `INSERT INTO msg_messages (` + messageCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	selectMessages        = `SELECT ` + messageCols + ` FROM msg_messages INDEXED BY msg_messages_by_thread WHERE municipality = ? AND thread_id = ? ORDER BY created_at, id`
	selectParticipants    = `SELECT ` + participantCols + ` FROM msg_participants WHERE municipality = ? AND thread_id = ? ORDER BY guardian_id`
	selectGuardianThreads = `SELECT t.municipality, t.id, t.scope, t.about_child, t.about_group, t.about_unit, t.unit_id, t.subject, t.bulletin, t.urgent,
		t.author_role, t.author_subject, t.author_guardian, t.author_name, t.created_at
		FROM msg_participants AS p INDEXED BY msg_participants_by_guardian
		JOIN msg_threads AS t ON t.municipality = p.municipality AND t.id = p.thread_id
		WHERE p.municipality = ? AND p.guardian_id = ?`
	selectThreadsOf = `SELECT DISTINCT t.municipality, t.id, t.scope, t.about_child, t.about_group, t.about_unit, t.unit_id, t.subject, t.bulletin, t.urgent,
		t.author_role, t.author_subject, t.author_guardian, t.author_name, t.created_at
		FROM msg_participants AS p INDEXED BY msg_participants_by_guardian
		JOIN msg_threads AS t ON t.municipality = p.municipality AND t.id = p.thread_id
		WHERE p.municipality = ? AND p.guardian_id IN (SELECT value FROM json_each(?))`
	selectTallies = `SELECT ` + messageCols + `, n FROM (SELECT ` + messageCols + `,
		count(*) OVER (PARTITION BY thread_id) AS n,
		row_number() OVER (PARTITION BY thread_id ORDER BY created_at DESC, id DESC) AS k
		FROM msg_messages WHERE municipality = ? AND thread_id IN (SELECT value FROM json_each(?))) WHERE k = 1`
	markRead      = `UPDATE msg_participants SET read_at = ? WHERE municipality = ? AND thread_id = ? AND guardian_id = ?`
	upsertContact = `INSERT INTO msg_contacts (municipality, guardian_id, language, medium, quiet_start, quiet_end) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (municipality, guardian_id) DO UPDATE SET language = excluded.language, medium = excluded.medium,
		quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end`
	selectContact = `SELECT municipality, guardian_id, language, medium, quiet_start, quiet_end FROM msg_contacts WHERE municipality = ? AND guardian_id = ?`
	// claimDue leases the due deliveries and returns them in one
	// statement: ?1 the lease's end, ?2 now, ?3 the limit.
	claimDue = `UPDATE msg_outbox SET attempts = attempts + 1, next_at = ?1
		WHERE (municipality, id) IN (SELECT municipality, id FROM msg_outbox INDEXED BY msg_outbox_due
			WHERE state = 'pending' AND next_at <= ?2 ORDER BY next_at, id LIMIT ?3)
		RETURNING ` + deliveryCols
	// settleDue records outcomes, one JSON array of rows [municipality, id,
	// state, next_at or null, done_at or null, last_error, the attempt to
	// give back]; a delivery no longer pending is left as it is.
	settleDue = `UPDATE msg_outbox AS o SET state = json_each.value ->> 2, next_at = coalesce(json_each.value ->> 3, o.next_at),
		done_at = json_each.value ->> 4, last_error = json_each.value ->> 5, attempts = max(o.attempts - (json_each.value ->> 6), 0)
		FROM json_each(?) WHERE o.municipality = json_each.value ->> 0 AND o.id = json_each.value ->> 1 AND o.state = 'pending'`
	selectDeliveries = `SELECT ` + deliveryCols + ` FROM msg_outbox INDEXED BY msg_outbox_key WHERE municipality = ? ORDER BY key`
)
