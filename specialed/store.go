package specialed

import (
	"context"

	"github.com/oppvekst/oppvekst/domain"
)

// Store is the store port of special education: PPT services, cases with
// their entries (the history), documents with their versions,
// attachments and the reminders sent.
//
// Every method is scoped by municipality; a record of another municipality
// is domain.ErrNotFound. Writes validate the record first
// (*domain.ValidationError, nothing written), join the transaction of ctx
// (domain.Transactor) and report clashes as *domain.ConflictError: a taken
// ID (field "id"), a case update whose Version is not one more than the
// stored one (field "version"), a document version that is not one more
// than the latest of its kind (field "version"). A case of a child that
// does not exist is a *domain.ValidationError on "child".
//
// The store also answers domain.SpecialNeedsSource from the cases
// (Case.SpecialNeeds), so that billing can give free SFO.
type Store interface {
	domain.SpecialNeedsSource

	CreatePPT(ctx context.Context, p PPT) error
	// UpdatePPT replaces a PPT's name and members.
	UpdatePPT(ctx context.Context, p PPT) error
	PPT(ctx context.Context, m domain.Municipality, id PPTID) (PPT, error)
	// PPTs lists the municipality's PPT services by name, then ID.
	PPTs(ctx context.Context, m domain.Municipality) ([]PPT, error)

	CreateCase(ctx context.Context, c Case) error
	// UpdateCase replaces a case whose stored Version is c.Version - 1.
	UpdateCase(ctx context.Context, c Case) error
	Case(ctx context.Context, m domain.Municipality, id CaseID) (Case, error)
	// Cases lists the municipality's cases by ID; open only when open.
	Cases(ctx context.Context, m domain.Municipality, open bool) ([]Case, error)
	// ChildCases lists a child's cases by ID.
	ChildCases(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]Case, error)

	// AppendEntry adds an entry to its case's history.
	AppendEntry(ctx context.Context, e Entry) error
	// Entries lists a case's entries in the order they were recorded.
	Entries(ctx context.Context, m domain.Municipality, c CaseID) ([]Entry, error)

	// SaveDocument stores a new version of a document.
	SaveDocument(ctx context.Context, d Document) error
	// Documents lists every version of a case's documents by kind, then
	// version.
	Documents(ctx context.Context, m domain.Municipality, c CaseID) ([]Document, error)

	AddAttachment(ctx context.Context, a Attachment) error
	// Attachment reads an attachment with its content.
	Attachment(ctx context.Context, m domain.Municipality, id AttachmentID) (Attachment, error)
	// Attachments lists a case's attachments by ID, without content.
	Attachments(ctx context.Context, m domain.Municipality, c CaseID) ([]Attachment, error)

	// PutReminder records a reminder; false (and no error) when one with
	// the same key was recorded before.
	PutReminder(ctx context.Context, r Reminder) (bool, error)
	// Reminders lists a case's reminders by key.
	Reminders(ctx context.Context, m domain.Municipality, c CaseID) ([]Reminder, error)
}

// ServiceStore is what the Service needs: the directory, transactions,
// the audit log, the staff (whom a step waits on) and the
// special-education records. One adapter (SQLite, PostgreSQL) implements
// it.
type ServiceStore interface {
	domain.Store
	domain.AuditLog
	domain.StaffStore
	Store
}
