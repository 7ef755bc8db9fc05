package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
)

// The population register (Folkeregisteret) as a port.
//
// Registry is what the municipality asks the register: a person by national
// ID, and the feed of changes since a sequence number. RegistryApplier
// applies that feed to the directory, one change per transaction, and keeps
// the position to continue from. The adapter that speaks Skatteetaten's
// Folkeregister API is adapters/folkeregister.

// ParentRole is a parent's role towards a child in the register's family
// relations.
type ParentRole string

// Parent roles.
const (
	RoleMother   ParentRole = "mother"
	RoleFather   ParentRole = "father"
	RoleCoMother ParentRole = "co-mother"
	// RoleOtherResponsible is a person with parental responsibility who is
	// not registered as a parent (appointed by a court or the child welfare
	// service).
	RoleOtherResponsible ParentRole = "other"
)

// Responsibility is a person's share of the parental responsibility
// (foreldreansvar) for a child.
type Responsibility string

// Responsibility levels.
const (
	// ResponsibilityNone: the person has no parental responsibility.
	ResponsibilityNone Responsibility = ""
	// ResponsibilityShared: the person holds it together with another
	// (felles foreldreansvar).
	ResponsibilityShared Responsibility = "shared"
	// ResponsibilitySole: the person holds it alone; any other parent has
	// none (the responsibility is split from the other parent).
	ResponsibilitySole Responsibility = "sole"
)

// Holds reports whether the person has parental responsibility.
func (r Responsibility) Holds() bool { return r != ResponsibilityNone }

// RegisterParent is a child's relation to a parent or other responsible
// person, as the register states it.
type RegisterParent struct {
	NationalID     NationalID     `json:"nationalId"`
	Role           ParentRole     `json:"role"`
	Responsibility Responsibility `json:"responsibility,omitempty"`
	// LivesWith: the child's registered address, or its shared residence
	// (delt bosted), is this person's registered address.
	LivesWith bool `json:"livesWith"`
}

// RegisterPerson is a person as the population register knows them.
type RegisterPerson struct {
	NationalID NationalID `json:"nationalId"`
	GivenName  string     `json:"givenName"`
	MiddleName string     `json:"middleName,omitempty"`
	FamilyName string     `json:"familyName"`
	BirthDate  date.Date  `json:"birthDate"`
	// Address is the registered address (bostedsadresse); zero when the
	// register gives none, as for strengt fortrolig.
	Address    Address           `json:"address,omitzero"`
	Protection AddressProtection `json:"addressProtection"`
	// DeathDate is zero while the person lives.
	DeathDate date.Date `json:"deathDate,omitzero"`
	// Parents are a child's parents and other holders of parental
	// responsibility; empty for an adult.
	Parents []RegisterParent `json:"parents,omitempty"`
}

// Dead reports whether the register has a date of death.
func (p RegisterPerson) Dead() bool { return p.DeathDate != date.Zero }

// Parent returns the relation to the person with national ID n.
func (p RegisterPerson) Parent(n NationalID) (RegisterParent, bool) {
	for _, r := range p.Parents {
		if r.NationalID == n {
			return r, true
		}
	}
	return RegisterParent{}, false
}

// ChangeKind is what a register change is about.
type ChangeKind string

// Change kinds.
const (
	// ChangeMoved: a new registered address. When it lies in another
	// municipality, RegistryApplier treats it as ChangeMovedOut.
	ChangeMoved ChangeKind = "moved"
	// ChangeMovedOut: the person has moved out of the municipality or out
	// of Norway.
	ChangeMovedOut ChangeKind = "moved-out"
	// ChangeProtection: a new address protection level (or one lifted).
	ChangeProtection ChangeKind = "protection"
	// ChangeDeath: a date of death has been registered.
	ChangeDeath ChangeKind = "death"
	// ChangeParentalResponsibility: the parental responsibility for a
	// child, or its family relations, changed.
	ChangeParentalResponsibility ChangeKind = "parental-responsibility"
	// ChangeOther: any other change; applied as a refresh of the person's
	// protection and address.
	ChangeOther ChangeKind = "other"
)

// RegisterChange is one entry of the register's change feed.
type RegisterChange struct {
	// Sequence is the feed's sequence number; the next read continues
	// from Sequence+1.
	Sequence int64      `json:"sequence"`
	Kind     ChangeKind `json:"kind"`
	Person   NationalID `json:"person"`
	// Recorded is when the register recorded the change.
	Recorded time.Time `json:"recorded,omitzero"`
}

// Registry is the population register port.
type Registry interface {
	// Person returns the current state of a person; ErrNotFound when the
	// register has no such person (or none the municipality may see).
	Person(ctx context.Context, n NationalID) (RegisterPerson, error)
	// Changes returns the changes with a sequence number of at least from,
	// in sequence order, one page at a time; an empty page means there is
	// nothing newer.
	Changes(ctx context.Context, from int64) ([]RegisterChange, error)
}

// Kinds of registry notices for caseworkers.
const (
	NoticeMovedOut               = "registry.moved-out"
	NoticeDeath                  = "registry.death"
	NoticeParentalResponsibility = "registry.parental-responsibility"
)

// RegistryNotice tells the municipality's caseworkers about a register
// change they must act on: a child moving out of the municipality (its
// placements stay until a caseworker ends them), a death, or a new
// holder of parental responsibility who is not in the directory. The
// notice names the child, never an address.
type RegistryNotice struct {
	Municipality Municipality `json:"municipality"`
	// Sequence is the register change that raised the notice.
	Sequence int64   `json:"sequence"`
	Kind     string  `json:"kind"`
	Child    ChildID `json:"child"`
	// ToMunicipality is where the child moved (moved-out only; empty when
	// unknown or when the address is protected).
	ToMunicipality Municipality `json:"toMunicipality,omitempty"`
	Recorded       time.Time    `json:"recorded"`
	// Handled is when a caseworker marked the notice handled; zero while
	// it is open.
	Handled time.Time `json:"handled,omitzero"`
	// HandledBy is the caseworker's display name.
	HandledBy string `json:"handledBy,omitempty"`
}

// Open reports whether no caseworker has handled the notice yet.
func (n RegistryNotice) Open() bool { return n.Handled.IsZero() }

// ValidateHandled checks what a store is given to mark a registry notice
// handled: the municipality, the caseworker's name (at most 200 bytes)
// and the time.
func ValidateHandled(m Municipality, by string, at time.Time) error {
	var p Problems
	if err := m.Validate(); err != nil {
		p.Merge("", err)
	}
	if strings.TrimSpace(by) == "" {
		p.Add("handledBy", ReasonRequired)
	} else if len(by) > 200 {
		p.Add("handledBy", "at-most-200-bytes")
	}
	if at.IsZero() {
		p.Add("handled", ReasonRequired)
	}
	return p.Err()
}

// RedactedAddress is what a street address written into stored text
// (a message, a notification in the outbox) is replaced with once the
// person's address is protected.
const RedactedAddress = "[adresse skjermet]"

// Validate checks the notice on its own.
func (n RegistryNotice) Validate() error {
	var p Problems
	if err := n.Municipality.Validate(); err != nil {
		p.Merge("", err)
	}
	if n.Sequence < 1 {
		p.Add("sequence", "not-positive")
	}
	switch n.Kind {
	case NoticeMovedOut, NoticeDeath, NoticeParentalResponsibility:
	default:
		p.Add("kind", "is-not-a-registry-notice", "kind", fmt.Sprint(n.Kind))
	}
	if n.Child.IsZero() {
		p.Add("child", ReasonRequired)
	}
	if n.ToMunicipality != "" {
		if err := n.ToMunicipality.Validate(); err != nil {
			p.Add("toMunicipality", ReasonMunicipality)
		}
	}
	if n.Recorded.IsZero() {
		p.Add("recorded", ReasonRequired)
	}
	return p.Err()
}

// RegistryStore is the store port of RegistryApplier: the directory, the
// feed position and the caseworkers' registry notices, in transactions.
type RegistryStore interface {
	Store
	// AuditLog records every change the register makes to a child's
	// data, by the system actor RegistryActor.
	AuditLog
	// RegistryPosition returns the sequence number to read the feed from
	// next: 1 when nothing has been applied.
	RegistryPosition(ctx context.Context, m Municipality) (int64, error)
	// SetRegistryPosition records the next sequence number to read. It
	// must be higher than the stored one: the same or a lower position is
	// a *ConflictError on "sequence" (the feed never goes back, and two
	// appliers of one change cannot both commit it).
	SetRegistryPosition(ctx context.Context, m Municipality, next int64) error
	// AddRegistryNotice stores a notice; the same (sequence, kind, child)
	// twice is stored once.
	AddRegistryNotice(ctx context.Context, n RegistryNotice) error
	// RegistryNotices lists the municipality's notices, sorted by sequence,
	// kind and child.
	RegistryNotices(ctx context.Context, m Municipality) ([]RegistryNotice, error)
	// HandleRegistryNotice marks the notice (sequence, kind, child)
	// handled at the time by the named caseworker; ErrNotFound when there
	// is no such notice, a *ConflictError on "handled" when it is handled
	// already.
	HandleRegistryNotice(ctx context.Context, m Municipality, sequence int64, kind string, child ChildID, by string, at time.Time) error
	// RedactAddress replaces every occurrence of the street address in
	// the municipality's stored free text — thread subjects, message
	// bodies, and the outbox rows' subjects and bodies, sent or not —
	// with RedactedAddress, and returns how many rows it changed. It
	// matches text, not words: a longer address that begins with the
	// street ("Storgata 12" for "Storgata 1") loses that part too — more
	// hidden rather than less. A
	// street shorter than MinRedactedStreet is refused (Invalid
	// "street"): it would rewrite unrelated words.
	RedactAddress(ctx context.Context, m Municipality, street string) (int, error)
}

// MinRedactedStreet is the shortest street address RedactAddress accepts.
const MinRedactedStreet = 5

// RegistryActor is the system actor in whose name RegistryApplier writes:
// the audit log shows the register's changes as made by "folkeregister".
func RegistryActor(m Municipality) Actor { return SystemActor(m, "folkeregister") }

// RegistryApplier applies the register's changes to one municipality's
// directory. Each change runs in one transaction (Store.Atomic) together
// with the new feed position, so a change is applied once and never
// half:
//
//   - a new protection level updates the person's AddressProtection (and
//     address) at once, so it hides everywhere from that commit on;
//   - a move updates the person's registered address; a child moving out
//     of the municipality raises a RegistryNotice (NoticeMovedOut) for the
//     caseworkers;
//   - a death raises NoticeDeath for the child concerned (or each child of a
//     guardian who died);
//   - a change of parental responsibility updates the flags of the
//     guardianships of guardians already in the directory, and raises
//     NoticeParentalResponsibility when a holder is not in it.
//
// Every write is audit-logged (RegistryActor; the record names the change,
// "registry/<sequence>").
//
// Nothing already decided is rewritten: placements, offers, fee
// decisions, invoices and a guardianship's § 47 information flags are
// left as they are; the caseworker decides on them after the notice.
// Persons the municipality does not know are skipped.
type RegistryApplier struct {
	Store    RegistryStore
	Registry Registry
	Clock    Clock
}

// Sync reads the feed from the stored position and applies every change,
// each in its own transaction, until the register has nothing newer. It
// returns the number of changes applied; on an error the position stays
// after the last change applied.
func (a RegistryApplier) Sync(ctx context.Context, m Municipality) (int, error) {
	applied := 0
	for {
		from, err := a.Store.RegistryPosition(ctx, m)
		if err != nil {
			return applied, err
		}
		page, err := a.Registry.Changes(ctx, from)
		if err != nil {
			return applied, err
		}
		if len(page) == 0 {
			return applied, nil
		}
		for _, ch := range page {
			if err := a.Apply(ctx, m, ch); err != nil {
				return applied, fmt.Errorf("registry change %d: %w", ch.Sequence, err)
			}
			applied++
		}
	}
}

// Apply applies one change in one transaction and moves the feed position
// past it. A change before the stored position has been applied already
// and is skipped.
func (a RegistryApplier) Apply(ctx context.Context, m Municipality, ch RegisterChange) error {
	if ch.Sequence < 1 {
		return Invalid("sequence", "not-positive")
	}
	// The register is asked before the transaction: no network call holds
	// a database transaction open.
	person, err := a.Registry.Person(ctx, ch.Person)
	known := err == nil
	if err != nil && !IsNotFound(err) {
		return err
	}
	now := a.Clock.Now()
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		pos, err := a.Store.RegistryPosition(ctx, m)
		if err != nil {
			return err
		}
		if ch.Sequence < pos {
			return nil
		}
		if known {
			ap := applying{store: a.Store, m: m, ch: ch, person: person, now: now}
			if err := ap.apply(ctx); err != nil {
				return err
			}
		}
		return a.Store.SetRegistryPosition(ctx, m, ch.Sequence+1)
	})
	if errors.Is(err, ErrConflict) && FieldOf(err) == "sequence" {
		// Another applier committed this change first; its effects
		// stand and this transaction's are gone.
		return nil
	}
	return err
}

type applying struct {
	store  RegistryStore
	m      Municipality
	ch     RegisterChange
	person RegisterPerson
	now    time.Time
}

func (ap applying) apply(ctx context.Context) error {
	child, err := ap.store.ChildByNationalID(ctx, ap.m, ap.person.NationalID)
	isChild := err == nil
	if err != nil && !IsNotFound(err) {
		return err
	}
	guardian, err := ap.store.GuardianByNationalID(ctx, ap.m, ap.person.NationalID)
	isGuardian := err == nil
	if err != nil && !IsNotFound(err) {
		return err
	}
	if !isChild && !isGuardian {
		return nil
	}
	// Every change refreshes the protection first, so that whatever else
	// happens, a new protection is in force in this transaction.
	if isChild {
		if err := ap.refreshChild(ctx, &child); err != nil {
			return err
		}
	}
	if isGuardian {
		if err := ap.refreshGuardian(ctx, guardian); err != nil {
			return err
		}
	}
	switch ap.ch.Kind {
	case ChangeMoved, ChangeMovedOut:
		if isChild && ap.movedOut() {
			to := ap.person.Address.Municipality
			if ap.person.Protection.Protected() {
				to = ""
			}
			return ap.notice(ctx, NoticeMovedOut, child.ID, to)
		}
	case ChangeDeath:
		if !ap.person.Dead() {
			return nil
		}
		if isChild {
			if err := ap.notice(ctx, NoticeDeath, child.ID, ""); err != nil {
				return err
			}
		}
		if isGuardian {
			wards, err := ap.store.Wards(ctx, ap.m, guardian.ID)
			if err != nil {
				return err
			}
			for _, w := range wards {
				if err := ap.notice(ctx, NoticeDeath, w.ChildID, ""); err != nil {
					return err
				}
			}
		}
	case ChangeParentalResponsibility:
		if isChild {
			return ap.responsibility(ctx, child)
		}
	}
	return nil
}

// movedOut reports whether the change takes the person out of the
// municipality: the register says so, or the new address lies elsewhere.
func (ap applying) movedOut() bool {
	if ap.ch.Kind == ChangeMovedOut {
		return true
	}
	to := ap.person.Address.Municipality
	return to != "" && to != ap.m
}

func (ap applying) refreshChild(ctx context.Context, c *Child) error {
	if err := ap.redact(ctx, c.AddressProtection, c.Address); err != nil {
		return err
	}
	changed := false
	if c.AddressProtection != ap.person.Protection {
		c.AddressProtection = ap.person.Protection
		changed = true
	}
	if setRegisteredAddress(&c.Address, ap.person) {
		changed = true
	}
	if !changed {
		return nil
	}
	if err := ap.store.UpdateChild(ctx, *c); err != nil {
		return err
	}
	return ap.audit(ctx, "child.update", c.ID)
}

func (ap applying) refreshGuardian(ctx context.Context, g Guardian) error {
	if err := ap.redact(ctx, g.AddressProtection, g.Address); err != nil {
		return err
	}
	changed := false
	if g.AddressProtection != ap.person.Protection {
		g.AddressProtection = ap.person.Protection
		changed = true
	}
	if setRegisteredAddress(&g.Address, ap.person) {
		changed = true
	}
	if !changed {
		return nil
	}
	if err := ap.store.UpdateGuardian(ctx, g); err != nil {
		return err
	}
	return ap.audit(ctx, "guardian.update", ChildID{})
}

// redact removes a person's street address from the stored free text
// (messages, the outbox) when the register protects it now and did not
// before: the address then hides everywhere in the same transaction,
// including where a person typed it into a message. The old address is
// redacted, and the new one when the register still gives it
// (fortrolig). Nothing is redacted for a protection that stays or is
// lowered, or when
// the street is too short to be told from other words.
func (ap applying) redact(ctx context.Context, was AddressProtection, old Address) error {
	if ap.person.Protection.rank() <= was.rank() {
		return nil
	}
	streets := []string{old.Street, ap.person.Address.Street}
	for i, st := range streets {
		if len([]rune(st)) < MinRedactedStreet || i == 1 && st == streets[0] {
			continue
		}
		n, err := ap.store.RedactAddress(ctx, ap.m, st)
		if err != nil {
			return err
		}
		if n > 0 {
			if err := ap.audit(ctx, "address.redact", ChildID{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// setRegisteredAddress replaces a stored address with the registered one.
// A strictly protected person's address is cleared: the register gives
// none, and an old address is where the person no longer lives (nor may
// be looked for). A registered address the domain cannot hold (no post
// town, say) is not copied, so that one odd document does not stop the
// feed; the stored one stays until the register gives a usable one.
func setRegisteredAddress(dst *Address, p RegisterPerson) bool {
	next := p.Address
	if p.Protection.Strict() {
		next = Address{}
	} else if next.IsZero() || next.Validate() != nil {
		return false // no usable address from the register: keep what is known
	}
	if *dst == next {
		return false
	}
	*dst = next
	return true
}

// responsibility brings the guardianships of a child in line with the
// register's parental responsibility: a guardian in the directory gets the
// register's ParentalResponsibility and LivesWithChild; the § 47 flags,
// which are the unit's decisions, stay. A holder the directory does not
// know raises a notice for the caseworker, who registers them with
// contact details.
func (ap applying) responsibility(ctx context.Context, child Child) error {
	links, err := ap.store.Guardianships(ctx, ap.m, child.ID)
	if err != nil {
		return err
	}
	linked := make(map[GuardianID]Guardianship, len(links))
	for _, l := range links {
		linked[l.GuardianID] = l
	}
	unknown := false
	seen := make(map[GuardianID]bool)
	for _, rp := range ap.person.Parents {
		if rp.NationalID.IsZero() {
			continue
		}
		g, err := ap.store.GuardianByNationalID(ctx, ap.m, rp.NationalID)
		if IsNotFound(err) {
			if rp.Responsibility.Holds() {
				unknown = true
			}
			continue
		}
		if err != nil {
			return err
		}
		seen[g.ID] = true
		link, ok := linked[g.ID]
		if !ok && !rp.Responsibility.Holds() && !rp.LivesWith {
			continue // a known parent without responsibility, not linked: nothing to record
		}
		if !ok {
			link = Guardianship{Municipality: ap.m, ChildID: child.ID, GuardianID: g.ID}
		}
		next := link
		next.ParentalResponsibility = rp.Responsibility.Holds()
		next.LivesWithChild = rp.LivesWith
		if ok && next == link {
			continue
		}
		if err := ap.store.PutGuardianship(ctx, next); err != nil {
			return err
		}
		if err := ap.audit(ctx, "guardianship.update", child.ID); err != nil {
			return err
		}
	}
	// A linked guardian the register no longer names as holder loses the
	// responsibility (the register decides it), but keeps the link and the
	// unit's § 47 decisions.
	for _, l := range links {
		if seen[l.GuardianID] || !l.ParentalResponsibility {
			continue
		}
		g, err := ap.store.Guardian(ctx, ap.m, l.GuardianID)
		if err != nil {
			return err
		}
		if g.NationalID.IsZero() {
			continue // not from the register: the caseworker's record stays
		}
		l.ParentalResponsibility = false
		l.LivesWithChild = false
		if err := ap.store.PutGuardianship(ctx, l); err != nil {
			return err
		}
		if err := ap.audit(ctx, "guardianship.update", child.ID); err != nil {
			return err
		}
	}
	if unknown {
		return ap.notice(ctx, NoticeParentalResponsibility, child.ID, "")
	}
	return nil
}

func (ap applying) notice(ctx context.Context, kind string, child ChildID, to Municipality) error {
	if err := ap.store.AddRegistryNotice(ctx, RegistryNotice{
		Municipality: ap.m, Sequence: ap.ch.Sequence, Kind: kind, Child: child,
		ToMunicipality: to, Recorded: ap.now,
	}); err != nil {
		return err
	}
	return ap.audit(ctx, "registry-notice.create", child)
}

// audit records a write of the change; the record names the change (and
// the guardian of a guardian's update).
func (ap applying) audit(ctx context.Context, action string, child ChildID) error {
	record := fmt.Sprintf("registry/%d", ap.ch.Sequence)
	return ap.store.AppendAudit(ctx, NewAuditEntry(RegistryActor(ap.m), ap.now, action, child, record))
}
