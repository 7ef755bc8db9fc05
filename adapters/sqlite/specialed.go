package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

var _ specialed.Store = (*Store)(nil)

const (
	insertPPT    = `INSERT INTO specialed_ppts (municipality, id, name, body) VALUES (?, ?, ?, ?)`
	updatePPT    = `UPDATE specialed_ppts SET name = ?, body = ? WHERE municipality = ? AND id = ?`
	selectPPT    = `SELECT body FROM specialed_ppts WHERE municipality = ? AND id = ?`
	selectPPTs   = `SELECT body FROM specialed_ppts WHERE municipality = ? ORDER BY name, id`
	insertSECase = `INSERT INTO specialed_cases (municipality, id, child_id, unit_id, version, ended, needs_from, needs_to, body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateSECase = `UPDATE specialed_cases SET version = ?, ended = ?, needs_from = ?, needs_to = ?, body = ?
		WHERE municipality = ? AND id = ? AND child_id = ? AND version = ?`
	selectSECase      = `SELECT body FROM specialed_cases WHERE municipality = ? AND id = ?`
	selectSECases     = `SELECT body FROM specialed_cases WHERE municipality = ? AND (? = 0 OR ended = '') ORDER BY id`
	selectChildCases  = `SELECT body FROM specialed_cases WHERE municipality = ? AND child_id = ? ORDER BY id`
	selectSpecialNeed = `SELECT child_id, needs_from, needs_to FROM specialed_cases
		WHERE municipality = ?1 AND needs_from <> '' AND needs_from <= ?3 AND (needs_to = '' OR needs_to >= ?2)
		ORDER BY child_id, needs_from, id`
	insertSEEntry   = `INSERT INTO specialed_entries (municipality, id, case_id, body) VALUES (?, ?, ?, ?)`
	selectSEEntries = `SELECT body FROM specialed_entries WHERE municipality = ? AND case_id = ? ORDER BY id`
	// A version is stored only when it is one more than the latest of its
	// kind (none: 1).
	insertSEDocument = `INSERT INTO specialed_documents (municipality, case_id, kind, version, body)
		SELECT ?1, ?2, ?3, ?4, ?5 WHERE ?4 = 1 + (SELECT coalesce(max(version), 0) FROM specialed_documents
			WHERE municipality = ?1 AND case_id = ?2 AND kind = ?3)`
	selectSEDocuments = `SELECT body FROM specialed_documents WHERE municipality = ? AND case_id = ?
		ORDER BY CASE kind WHEN 'assessment' THEN 1 WHEN 'decision' THEN 2 WHEN 'plan' THEN 3 ELSE 4 END, version`
	insertSEAttachment  = `INSERT INTO specialed_attachments (municipality, id, case_id, content, body) VALUES (?, ?, ?, ?, ?)`
	selectSEAttachment  = `SELECT body, content FROM specialed_attachments WHERE municipality = ? AND id = ?`
	selectSEAttachments = `SELECT body FROM specialed_attachments WHERE municipality = ? AND case_id = ? ORDER BY id`
	insertSEReminder    = `INSERT INTO specialed_reminders (municipality, key, case_id, body) VALUES (?, ?, ?, ?)
		ON CONFLICT (municipality, key) DO NOTHING`
	selectSEReminders = `SELECT body FROM specialed_reminders WHERE municipality = ? AND case_id = ? ORDER BY key`
	seCaseExists      = `SELECT 1 FROM specialed_cases WHERE municipality = ? AND id = ?`
)

// needsColumns returns the case's special-needs period as the columns
// needs_from and needs_to ("" when none) and its end.
func needsColumns(c specialed.Case) (ended, from, to string) {
	if c.Ended != date.Zero {
		ended = c.Ended.String()
	}
	if p, ok := c.SpecialNeeds(); ok {
		from = p.Start.String()
		if !p.Open() {
			to = p.End.String()
		}
	}
	return ended, from, to
}

// CreatePPT implements specialed.Store.
func (s *Store) CreatePPT(ctx context.Context, p specialed.PPT) error {
	if err := p.Validate(); err != nil {
		return err
	}
	data, err := encode(p)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertPPT, p.Municipality, p.ID, p.Name, data)
		return writeErr(err, "ppt")
	})
}

// UpdatePPT implements specialed.Store.
func (s *Store) UpdatePPT(ctx context.Context, p specialed.PPT) error {
	if err := p.Validate(); err != nil {
		return err
	}
	data, err := encode(p)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updatePPT, p.Name, data, p.Municipality, p.ID)
		return affected(res, err, "ppt")
	})
}

// PPT implements specialed.Store.
func (s *Store) PPT(ctx context.Context, m domain.Municipality, id specialed.PPTID) (specialed.PPT, error) {
	return queryOne(ctx, s, "ppt", selectPPT, scanJSON[specialed.PPT], m, id)
}

// PPTs implements specialed.Store.
func (s *Store) PPTs(ctx context.Context, m domain.Municipality) ([]specialed.PPT, error) {
	return queryAll(ctx, s, selectPPTs, scanJSON[specialed.PPT], m)
}

// CreateCase implements specialed.Store.
func (s *Store) CreateCase(ctx context.Context, c specialed.Case) error {
	if err := c.Validate(); err != nil {
		return err
	}
	data, err := encode(c)
	if err != nil {
		return err
	}
	ended, from, to := needsColumns(c)
	return s.Atomic(ctx, func(ctx context.Context) error {
		if ok, err := s.exists(ctx, childExists, c.Municipality, c.Child); err != nil || !ok {
			return orInvalid(err, "child", specialed.ReasonNoSuchChild)
		}
		_, err := s.exec(ctx, insertSECase, c.Municipality, c.ID, c.Child, c.Unit, c.Version, ended, from, to, data)
		return writeErr(err, "special-education case")
	})
}

// UpdateCase implements specialed.Store.
func (s *Store) UpdateCase(ctx context.Context, c specialed.Case) error {
	if err := c.Validate(); err != nil {
		return err
	}
	data, err := encode(c)
	if err != nil {
		return err
	}
	ended, from, to := needsColumns(c)
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, updateSECase, c.Version, ended, from, to, data, c.Municipality, c.ID, c.Child, c.Version-1)
		if err := affected(res, err, "special-education case"); !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if ok, err := s.exists(ctx, seCaseExists, c.Municipality, c.ID); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("sqlite: special-education case: %w", domain.ErrNotFound)
		}
		return domain.Conflict("version", specialed.ReasonVersion)
	})
}

// Case implements specialed.Store.
func (s *Store) Case(ctx context.Context, m domain.Municipality, id specialed.CaseID) (specialed.Case, error) {
	return queryOne(ctx, s, "special-education case", selectSECase, scanJSON[specialed.Case], m, id)
}

// Cases implements specialed.Store.
func (s *Store) Cases(ctx context.Context, m domain.Municipality, open bool) ([]specialed.Case, error) {
	o := 0
	if open {
		o = 1
	}
	return queryAll(ctx, s, selectSECases, scanJSON[specialed.Case], m, o)
}

// ChildCases implements specialed.Store.
func (s *Store) ChildCases(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]specialed.Case, error) {
	return queryAll(ctx, s, selectChildCases, scanJSON[specialed.Case], m, child)
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
	return queryAll(ctx, s, selectSpecialNeed, func(r scanner) (domain.SpecialNeed, error) {
		var child, from, to string
		if err := r.Scan(&child, &from, &to); err != nil {
			return domain.SpecialNeed{}, err
		}
		var n domain.SpecialNeed
		var err error
		if n.Child, err = domain.ParseID[domain.Child](child); err != nil {
			return n, err
		}
		if n.Period.Start, err = date.Parse(date.ISO8601, from); err != nil {
			return n, err
		}
		if to != "" {
			if n.Period.End, err = date.Parse(date.ISO8601, to); err != nil {
				return n, err
			}
		}
		return n, nil
	}, m, within.Start.String(), end.String())
}

// AppendEntry implements specialed.Store.
func (s *Store) AppendEntry(ctx context.Context, e specialed.Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	data, err := encode(e)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertSEEntry, e.Municipality, e.ID, e.Case, data)
		return s.caseRef(err, "special-education entry")
	})
}

// caseRef turns a missing case into a *domain.ValidationError on "case".
func (s *Store) caseRef(err error, what string) error {
	if isForeignKey(err) {
		return domain.Invalid("case", specialed.ReasonNoSuchCase)
	}
	return writeErr(err, what)
}

// Entries implements specialed.Store.
func (s *Store) Entries(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Entry, error) {
	return queryAll(ctx, s, selectSEEntries, scanJSON[specialed.Entry], m, c)
}

// SaveDocument implements specialed.Store.
func (s *Store) SaveDocument(ctx context.Context, d specialed.Document) error {
	if err := d.Validate(); err != nil {
		return err
	}
	data, err := encode(d)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, insertSEDocument, d.Municipality, d.Case, d.Kind, d.Version, data)
		if err != nil {
			if isForeignKey(err) {
				return domain.Invalid("case", specialed.ReasonNoSuchCase)
			}
			if isUnique(err, "specialed_documents") || isPrimaryKey(err) {
				return domain.Conflict("version", specialed.ReasonVersion)
			}
			return writeErr(err, "special-education document")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.Conflict("version", specialed.ReasonVersion)
		}
		return nil
	})
}

// Documents implements specialed.Store.
func (s *Store) Documents(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Document, error) {
	return queryAll(ctx, s, selectSEDocuments, scanJSON[specialed.Document], m, c)
}

// AddAttachment implements specialed.Store.
func (s *Store) AddAttachment(ctx context.Context, a specialed.Attachment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	data, err := encode(a)
	if err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, insertSEAttachment, a.Municipality, a.ID, a.Case, a.Content, data)
		return s.caseRef(err, "special-education attachment")
	})
}

// Attachment implements specialed.Store.
func (s *Store) Attachment(ctx context.Context, m domain.Municipality, id specialed.AttachmentID) (specialed.Attachment, error) {
	return queryOne(ctx, s, "special-education attachment", selectSEAttachment, func(r scanner) (specialed.Attachment, error) {
		var raw string
		var content []byte
		if err := r.Scan(&raw, &content); err != nil {
			return specialed.Attachment{}, err
		}
		var a specialed.Attachment
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			return a, err
		}
		a.Content = content
		return a, nil
	}, m, id)
}

// Attachments implements specialed.Store.
func (s *Store) Attachments(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Attachment, error) {
	return queryAll(ctx, s, selectSEAttachments, scanJSON[specialed.Attachment], m, c)
}

// PutReminder implements specialed.Store.
func (s *Store) PutReminder(ctx context.Context, r specialed.Reminder) (bool, error) {
	if err := r.Validate(); err != nil {
		return false, err
	}
	data, err := encode(r)
	if err != nil {
		return false, err
	}
	var added bool
	err = s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, insertSEReminder, r.Municipality, r.Key, r.Case, data)
		if err != nil {
			return s.caseRef(err, "special-education reminder")
		}
		n, err := res.RowsAffected()
		added = n == 1
		return err
	})
	return added, err
}

// Reminders implements specialed.Store.
func (s *Store) Reminders(ctx context.Context, m domain.Municipality, c specialed.CaseID) ([]specialed.Reminder, error) {
	return queryAll(ctx, s, selectSEReminders, scanJSON[specialed.Reminder], m, c)
}
