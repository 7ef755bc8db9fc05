package domain

import (
	"bytes"
	"context"
	"slices"
	"time"
	"unicode/utf8"
)

// AuditID identifies an audit entry. Being a UUIDv7, it orders entries by
// the time they were written.
type AuditID = ID[AuditEntry]

// AuditEntry records that someone read or changed a child's data: who
// (the actor), what (an action such as "child.read"), which child or
// record, and when.
//
// A request that shows one child's data writes an entry naming it
// (ChildID); a request that lists many children (a roster, an intake's
// applications, an invoice run) writes ONE entry naming them all
// (Children), not one per child, so the audit of a list of 2,000 children
// costs one record and one statement. Read back by child
// (AuditLog.AuditEntries with a child), a list's entry names that child
// alone, as an entry about one child would: a guardian's insight into who
// looked at their child never shows which other children were on the list.
type AuditEntry struct {
	ID           AuditID      `json:"id"`
	Municipality Municipality `json:"municipality"`
	At           time.Time    `json:"at"`
	// Actor is who acted, as they were when they did (a staff member's
	// units at the time).
	Actor Actor `json:"actor"`
	// Action says what was done, as "<record>.<verb>" ("child.read",
	// "placement.create").
	Action string `json:"action"`
	// ChildID is the child whose data was read or changed, when the entry
	// is about one child.
	ChildID ChildID `json:"childId,omitzero"`
	// Children are the children a list showed, when the entry is about
	// several (two or more, each once, in ID order); ChildID is then zero.
	Children []ChildID `json:"children,omitempty"`
	// Record names another record involved ("placement/<id>"), if any.
	Record string `json:"record,omitempty"`
}

// NewAuditEntry returns an entry for the actor doing action at the time.
func NewAuditEntry(actor Actor, at time.Time, action string, child ChildID, record string) AuditEntry {
	return AuditEntry{
		ID:           NewID[AuditEntry](),
		Municipality: actor.Municipality,
		At:           at,
		Actor:        actor,
		Action:       action,
		ChildID:      child,
		Record:       record,
	}
}

// NewListAuditEntry returns one entry for the actor doing action at the
// time to the children a request showed: naming the child (ChildID) when
// there is one, all of them (Children, each once, zero IDs left out) when
// there are several, none when there are none.
func NewListAuditEntry(actor Actor, at time.Time, action, record string, children []ChildID) AuditEntry {
	var named []ChildID
	for _, c := range children {
		if !c.IsZero() {
			named = append(named, c)
		}
	}
	SortIDs(named)
	named = slices.Compact(named)
	e := NewAuditEntry(actor, at, action, ChildID{}, record)
	switch len(named) {
	case 0:
	case 1:
		e.ChildID = named[0]
	default:
		e.Children = named
	}
	return e
}

// SortIDs sorts IDs in the order of their bytes, the order of a UUID
// column in SQL and of the canonical text.
func SortIDs[T any](ids []ID[T]) {
	slices.SortFunc(ids, func(a, b ID[T]) int { return bytes.Compare(a.u[:], b.u[:]) })
}

// Names says whether the entry names the child, alone or in a list.
func (e AuditEntry) Names(child ChildID) bool {
	if child.IsZero() {
		return false
	}
	if e.ChildID == child {
		return true
	}
	_, found := slices.BinarySearchFunc(e.Children, child, func(a, b ChildID) int { return bytes.Compare(a.u[:], b.u[:]) })
	return found
}

// Validate checks the entry on its own.
func (e AuditEntry) Validate() error {
	var p Problems
	checkRecord(&p, e.ID.IsZero(), e.Municipality)
	if e.At.IsZero() {
		p.Add("at", "required")
	}
	if err := e.Actor.Validate(); err != nil {
		p.Merge("actor", err)
	} else if e.Actor.Municipality != e.Municipality {
		p.Add("actor.municipality", "must-be-the-entrys-municipality")
	}
	checkText(&p, "action", e.Action, 100, true)
	checkText(&p, "record", e.Record, 200, false)
	switch {
	case len(e.Children) == 1:
		p.Add("children", "must-name-two-or-more")
	case len(e.Children) > 1 && !e.ChildID.IsZero():
		p.Add("childId", "must-be-empty-with-children")
	}
	for i, c := range e.Children {
		if c.IsZero() {
			p.Add("children", "is-empty-or-appears-twice")
			break
		}
		if i > 0 {
			if d := bytes.Compare(e.Children[i-1].u[:], c.u[:]); d == 0 {
				p.Add("children", "is-empty-or-appears-twice")
				break
			} else if d > 0 {
				p.Add("children", "must-be-in-id-order")
				break
			}
		}
	}
	return p.Err()
}

// AuditLog is the store port of the audit log. Entries are only ever
// appended.
type AuditLog interface {
	// AppendAudit writes an entry, with the children it names, in one
	// statement (or, where the database cannot, one transaction); a
	// duplicate ID is a *ConflictError.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// AuditEntries lists the municipality's entries newest first: at most
	// limit of them, all older than before (by ID) unless before is zero,
	// each with the Children it names. When child is not zero, only entries
	// naming that child are listed, alone or in a list, in one query with
	// keyset paging; each names that child only (ChildID, no Children).
	AuditEntries(ctx context.Context, m Municipality, child ChildID, before AuditID, limit int) ([]AuditEntry, error)
	// AuditSummaries lists the municipality's entries as AuditEntries
	// does without a child, each with its ChildCount and only the first
	// names (at most) of a list's Children, in ID order, in one query: a
	// page of the log stays small when its lists name thousands.
	// AuditChildren reads the rest.
	AuditSummaries(ctx context.Context, m Municipality, before AuditID, limit, names int) ([]AuditSummary, error)
	// AuditChildren lists the children an entry names, in ID order: at
	// most limit of them, all after after unless it is zero (keyset
	// paging). An entry about one child lists that child, an entry about
	// none lists none; an entry not in the municipality is ErrNotFound.
	AuditChildren(ctx context.Context, m Municipality, entry AuditID, after ChildID, limit int) ([]ChildID, error)
}

// AuditSummary is an entry as a page of the log shows it: a list's entry
// with how many children it names and only the first of them (Children,
// in ID order), the rest read by AuditLog.AuditChildren.
type AuditSummary struct {
	AuditEntry
	// ChildCount is how many children the entry names: 1 for an entry
	// about one child (ChildID), the length of the whole list for a list's
	// entry, 0 for an entry about none.
	ChildCount int `json:"childCount"`
}

// IdempotentResponse is the response an HTTP API gave to a POST carrying an
// Idempotency-Key, kept so that a retry gets the same answer instead of
// doing the work twice. The key is scoped by municipality and by the actor
// who sent it.
type IdempotentResponse struct {
	Municipality Municipality `json:"municipality"`
	Subject      string       `json:"subject"`
	Key          string       `json:"key"`
	// Fingerprint identifies the request (method, path and a hash of the
	// body), so the same key reused for another request is refused.
	Fingerprint string    `json:"fingerprint"`
	Status      int       `json:"status"`
	ContentType string    `json:"contentType"`
	Body        []byte    `json:"body"`
	Created     time.Time `json:"created"`
}

// Validate checks the record on its own.
func (r IdempotentResponse) Validate() error {
	var p Problems
	if err := r.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	checkText(&p, "subject", r.Subject, 200, true)
	checkText(&p, "key", r.Key, 200, true)
	checkText(&p, "fingerprint", r.Fingerprint, 200, true)
	if r.Status < 100 || r.Status > 599 {
		p.Add("status", "must-be-an-http-status-code")
	}
	if r.Created.IsZero() {
		p.Add("created", "required")
	}
	return p.Err()
}

// IdempotencyStore is the store port of idempotency keys.
type IdempotencyStore interface {
	// SaveIdempotent keeps a response; a response kept already under the
	// same municipality, subject and key is a *ConflictError.
	SaveIdempotent(ctx context.Context, r IdempotentResponse) error
	// Idempotent reads the response kept under the key, or ErrNotFound.
	Idempotent(ctx context.Context, m Municipality, subject, key string) (IdempotentResponse, error)
	// DeleteIdempotentBefore removes the municipality's responses kept
	// before the time and returns how many.
	DeleteIdempotentBefore(ctx context.Context, m Municipality, before time.Time) (int, error)
}

// checkText requires a single line (see CheckLine) of at most max
// characters, and one that is not Blank when required.
func checkText(p *Problems, field, s string, max int, required bool) {
	if err := CheckLine(field, s); err != nil {
		p.Merge("", err)
		return
	}
	switch {
	case required && Blank(s):
		p.Add(field, "required")
	case utf8.RuneCountInString(s) > max:
		p.Add(field, "too-long")
	}
}

// Session is a logged-in user of the reference app, kept in the store so
// that any instance of the app can serve the user and a restart logs no one
// out. Only a hash of the session token is kept.
type Session struct {
	Municipality Municipality `json:"municipality"`
	// TokenHash is the hex SHA-256 of the token in the user's cookie.
	TokenHash string `json:"tokenHash"`
	Actor     Actor  `json:"actor"`
	Name      string `json:"name"`
	Persona   string `json:"persona,omitempty"` // the demo persona, if it is one
	// Created is when the user logged in; it never changes, so that a
	// session can be given an absolute lifetime beside the sliding Expires.
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// Provider is the OpenID provider that logged the user in ("idporten",
	// "feide"; empty for a demo login), and IDToken the ID token it issued:
	// logging out sends it back to the provider as id_token_hint (OpenID
	// Connect RP-Initiated Logout 1.0), so the provider's session ends too.
	Provider string `json:"provider,omitempty"`
	IDToken  string `json:"-"`
}

// Validate checks the session on its own.
func (s Session) Validate() error {
	var p Problems
	if err := s.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if len(s.TokenHash) != 64 {
		p.Add("tokenHash", "must-be-a-hex-sha-256")
	}
	if err := s.Actor.Validate(); err != nil {
		p.Merge("actor", err)
	} else if s.Actor.Municipality != s.Municipality {
		p.Add("actor.municipality", "must-be-the-sessions-municipality")
	}
	checkText(&p, "name", s.Name, 200, false)
	checkText(&p, "persona", s.Persona, 100, false)
	if s.Created.IsZero() {
		p.Add("created", "required")
	}
	checkText(&p, "provider", s.Provider, 100, false)
	checkText(&p, "idToken", s.IDToken, MaxIDToken, false)
	if s.IDToken != "" && s.Provider == "" {
		p.Add("provider", "is-required-with-an-id-token")
	}
	if s.Expires.IsZero() {
		p.Add("expires", "required")
	} else if !s.Created.IsZero() && !s.Expires.After(s.Created) {
		p.Add("expires", "must-be-after-created")
	}
	return p.Err()
}

// MaxIDToken is the longest ID token a session keeps, in characters.
const MaxIDToken = 16384

// SessionStore is the store port of sessions.
type SessionStore interface {
	// SaveSession creates the session or replaces it (to extend it); a
	// replaced session keeps the Created it was stored with.
	SaveSession(ctx context.Context, s Session) error
	// Session reads a session, expired or not, or ErrNotFound.
	Session(ctx context.Context, m Municipality, tokenHash string) (Session, error)
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(ctx context.Context, m Municipality, tokenHash string) error
	// DeleteExpiredSessions removes the municipality's sessions that expired
	// before the time and returns how many.
	DeleteExpiredSessions(ctx context.Context, m Municipality, before time.Time) (int, error)
}

// SessionStaffReader is a SessionStore that can read a session together
// with the staff member its actor names and that member's grants, in one
// round trip where the store sits across a network: a staff member's
// every request checks the grants in force, not those at login. Optional;
// without it the app reads the three one after the other.
type SessionStaffReader interface {
	// SessionWithStaff reads a session as Session does and, when its
	// actor names a staff member (Actor.Staff), that member (nil when the
	// member is gone) and their grants, sorted by SortGrants; for any
	// other actor nil and no grants.
	SessionWithStaff(ctx context.Context, m Municipality, tokenHash string) (Session, *StaffMember, []Grant, error)
}
