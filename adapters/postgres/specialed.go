package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

var _ specialed.Store = (*Store)(nil)

// needsColumns returns the case's end and its special-needs period as
// date parameters (NULL when none).
func needsColumns(c specialed.Case) (ended, from, to pgtype.Date) {
	ended = pgEnd(c.Ended)
	if p, ok := c.SpecialNeeds(); ok {
		from, to = pgDay(p.Start), pgEnd(p.End)
	}
	return ended, from, to
}

func jsonBody(v any, what string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("postgres: %s: %w", what, err)
	}
	return string(b), nil
}

// CreatePPT implements specialed.Store.
func (s *Store) CreatePPT(ctx context.Context, p specialed.PPT) error {
	if err := p.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(p, "ppt")
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "create ppt", `INSERT INTO specialed_ppts (municipality, id, name, body) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, string(p.Municipality), uid(p.ID), p.Name, body)
		if err == nil && n == 0 {
			return errIDTaken
		}
		return err
	})
}

// UpdatePPT implements specialed.Store.
func (s *Store) UpdatePPT(ctx context.Context, p specialed.PPT) error {
	if err := p.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(p, "ppt")
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "update ppt", `UPDATE specialed_ppts SET name = $3, body = $4 WHERE municipality = $1 AND id = $2`,
			string(p.Municipality), uid(p.ID), p.Name, body)
		if err == nil && n == 0 {
			return notFound("ppt", p.Municipality, p.ID.String())
		}
		return err
	})
}

// PPT implements specialed.Store.
func (s *Store) PPT(ctx context.Context, m domain.Municipality, id specialed.PPTID) (specialed.PPT, error) {
	return one(ctx, s.q(ctx), "ppt", m, id.String(), scanJSON[specialed.PPT],
		`SELECT body::text FROM specialed_ppts WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// PPTs implements specialed.Store.
func (s *Store) PPTs(ctx context.Context, m domain.Municipality) ([]specialed.PPT, error) {
	return list(ctx, s.q(ctx), "ppts", m, scanJSON[specialed.PPT],
		`SELECT body::text FROM specialed_ppts WHERE municipality = $1 ORDER BY name COLLATE "C", id`, string(m))
}

// CreateCase implements specialed.Store.
func (s *Store) CreateCase(ctx context.Context, c specialed.Case) error {
	if err := c.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(c, "special-education case")
	if err != nil {
		return err
	}
	ended, from, to := needsColumns(c)
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, exists("children"), string(c.Municipality), uid(c.Child)).Scan(&ok); err != nil {
			return dbError("check child", err)
		}
		if !ok {
			return domain.Invalid("child", specialed.ReasonNoSuchChild)
		}
		n, err := exec(ctx, tx, "create special-education case", `INSERT INTO specialed_cases
			(municipality, id, child_id, unit_id, version, ended, needs_from, needs_to, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			string(c.Municipality), uid(c.ID), uid(c.Child), uid(c.Unit), c.Version, ended, from, to, body)
		if err == nil && n == 0 {
			return errIDTaken
		}
		return err
	})
}

// UpdateCase implements specialed.Store.
func (s *Store) UpdateCase(ctx context.Context, c specialed.Case) error {
	if err := c.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(c, "special-education case")
	if err != nil {
		return err
	}
	ended, from, to := needsColumns(c)
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		n, err := exec(ctx, tx, "update special-education case", `UPDATE specialed_cases
			SET version = $5, ended = $6, needs_from = $7, needs_to = $8, body = $9
			WHERE municipality = $1 AND id = $2 AND child_id = $3 AND version = $4`,
			string(c.Municipality), uid(c.ID), uid(c.Child), c.Version-1, c.Version, ended, from, to, body)
		if err != nil || n == 1 {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, exists("specialed_cases"), string(c.Municipality), uid(c.ID)).Scan(&ok); err != nil {
			return dbError("check special-education case", err)
		}
		if !ok {
			return notFound("special-education case", c.Municipality, c.ID.String())
		}
		return domain.Conflict("version", specialed.ReasonVersion)
	})
}

// Case implements specialed.Store.
func (s *Store) Case(ctx context.Context, m domain.Municipality, id specialed.CaseID) (specialed.Case, error) {
	return one(ctx, s.q(ctx), "special-education case", m, id.String(), scanJSON[specialed.Case],
		`SELECT body::text FROM specialed_cases WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Cases implements specialed.Store.
func (s *Store) Cases(ctx context.Context, m domain.Municipality, open bool) ([]specialed.Case, error) {
	return list(ctx, s.q(ctx), "special-education cases", m, scanJSON[specialed.Case],
		`SELECT body::text FROM specialed_cases WHERE municipality = $1 AND (NOT $2 OR ended IS NULL) ORDER BY id`, string(m), open)
}

// ChildCases implements specialed.Store.
func (s *Store) ChildCases(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]specialed.Case, error) {
	return list(ctx, s.q(ctx), "special-education cases", m, scanJSON[specialed.Case],
		`SELECT body::text FROM specialed_cases WHERE municipality = $1 AND child_id = $2 ORDER BY id`, string(m), uid(child))
}

// SpecialNeeds implements domain.SpecialNeedsSource.
func (s *Store) SpecialNeeds(ctx context.Context, m domain.Municipality, within domain.Period) ([]domain.SpecialNeed, error) {
	if err := within.Validate(); err != nil {
		return nil, err
	}
	end := domain.OpenEnd
	if !within.Open() {
		end = within.End
	}
	return list(ctx, s.q(ctx), "special needs", m, func(row scanner, _ domain.Municipality) (domain.SpecialNeed, error) {
		var n domain.SpecialNeed
		err := row.Scan(scanID(&n.Child), dateScan{&n.Period.Start}, dateScan{&n.Period.End})
		return n, err
	}, `SELECT child_id, needs_from, needs_to FROM specialed_cases
		WHERE municipality = $1 AND needs_from IS NOT NULL AND needs_from <= $3 AND (needs_to IS NULL OR needs_to >= $2)
		ORDER BY child_id, needs_from, id`, string(m), pgDay(within.Start), pgDay(end))
}

// caseExists answers whether the case exists, so that a write that refers
// to a missing case is refused before it aborts the transaction.
func caseExists(ctx context.Context, tx pgx.Tx, m domain.Municipality, c specialed.CaseID) error {
	var ok bool
	if err := tx.QueryRow(ctx, exists("specialed_cases"), string(m), uid(c)).Scan(&ok); err != nil {
		return dbError("check special-education case", err)
	}
	if !ok {
		return domain.Invalid("case", specialed.ReasonNoSuchCase)
	}
	return nil
}

// AppendEntry implements specialed.Store.
func (s *Store) AppendEntry(ctx context.Context, e specialed.Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(e, "special-education entry")
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := caseExists(ctx, tx, e.Municipality, e.Case); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "append special-education entry", `INSERT INTO specialed_entries (municipality, id, case_id, body)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, string(e.Municipality), uid(e.ID), uid(e.Case), body)
		if err == nil && n == 0 {
			return errIDTaken
		}
		return err
	})
}

// Entries implements specialed.Store.
func (s *Store) Entries(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Entry, error) {
	return list(ctx, s.q(ctx), "special-education entries", m, scanJSON[specialed.Entry],
		`SELECT body::text FROM specialed_entries WHERE municipality = $1 AND case_id = $2 ORDER BY id`, string(m), uid(c))
}

// SaveDocument implements specialed.Store.
func (s *Store) SaveDocument(ctx context.Context, d specialed.Document) error {
	if err := d.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(d, "special-education document")
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := caseExists(ctx, tx, d.Municipality, d.Case); err != nil {
			return err
		}
		// A version is stored only when it is one more than the latest of
		// its kind (none: 1).
		n, err := exec(ctx, tx, "save special-education document", `INSERT INTO specialed_documents (municipality, case_id, kind, version, body)
			SELECT $1, $2, $3, $4, $5 WHERE $4 = 1 + (SELECT coalesce(max(version), 0) FROM specialed_documents
				WHERE municipality = $1 AND case_id = $2 AND kind = $3)
			ON CONFLICT DO NOTHING`, string(d.Municipality), uid(d.Case), string(d.Kind), d.Version, body)
		if err == nil && n == 0 {
			return domain.Conflict("version", specialed.ReasonVersion)
		}
		return err
	})
}

// Documents implements specialed.Store.
func (s *Store) Documents(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Document, error) {
	return list(ctx, s.q(ctx), "special-education documents", m, scanJSON[specialed.Document],
		`SELECT body::text FROM specialed_documents WHERE municipality = $1 AND case_id = $2
		ORDER BY CASE kind WHEN 'assessment' THEN 1 WHEN 'decision' THEN 2 WHEN 'plan' THEN 3 ELSE 4 END, version`, string(m), uid(c))
}

// AddAttachment implements specialed.Store.
func (s *Store) AddAttachment(ctx context.Context, a specialed.Attachment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	body, err := jsonBody(a, "special-education attachment")
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := caseExists(ctx, tx, a.Municipality, a.Case); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "add special-education attachment", `INSERT INTO specialed_attachments (municipality, id, case_id, content, body)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, string(a.Municipality), uid(a.ID), uid(a.Case), a.Content, body)
		if err == nil && n == 0 {
			return errIDTaken
		}
		return err
	})
}

// Attachment implements specialed.Store.
func (s *Store) Attachment(ctx context.Context, m domain.Municipality, id specialed.AttachmentID) (specialed.Attachment, error) {
	return one(ctx, s.q(ctx), "special-education attachment", m, id.String(), func(row scanner, _ domain.Municipality) (specialed.Attachment, error) {
		var raw, content []byte
		var a specialed.Attachment
		if err := row.Scan(&raw, &content); err != nil {
			return a, err
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return a, err
		}
		a.Content = content
		return a, nil
	}, `SELECT body::text, content FROM specialed_attachments WHERE municipality = $1 AND id = $2`, string(m), uid(id))
}

// Attachments implements specialed.Store.
func (s *Store) Attachments(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Attachment, error) {
	return list(ctx, s.q(ctx), "special-education attachments", m, scanJSON[specialed.Attachment],
		`SELECT body::text FROM specialed_attachments WHERE municipality = $1 AND case_id = $2 ORDER BY id`, string(m), uid(c))
}

// PutReminder implements specialed.Store.
func (s *Store) PutReminder(ctx context.Context, r specialed.Reminder) (bool, error) {
	if err := r.Validate(); err != nil {
		return false, err
	}
	body, err := jsonBody(r, "special-education reminder")
	if err != nil {
		return false, err
	}
	var added bool
	err = s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := caseExists(ctx, tx, r.Municipality, r.Case); err != nil {
			return err
		}
		n, err := exec(ctx, tx, "put special-education reminder", `INSERT INTO specialed_reminders (municipality, key, case_id, body)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, string(r.Municipality), r.Key, uid(r.Case), body)
		added = n == 1
		return err
	})
	return added, err
}

// Reminders implements specialed.Store.
func (s *Store) Reminders(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Reminder, error) {
	return list(ctx, s.q(ctx), "special-education reminders", m, scanJSON[specialed.Reminder],
		`SELECT body::text FROM specialed_reminders WHERE municipality = $1 AND case_id = $2 ORDER BY key COLLATE "C"`, string(m), uid(c))
}
