package specialed

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Notice kinds the Service raises through its Notifier (messaging turns
// them into notifications, with templates in nb, nn and en). No unit,
// diagnosis or document is sent: a notice only says that something waits
// and where to read it.
//
//   - KindWaiting "special-education.waiting": a step waits on the
//     guardian (the consent). To the guardian named; Data "due"
//     (YYYY-MM-DD) and "case" (the case ID); messaging fills in the
//     child's given name.
//   - KindOverdue "special-education.overdue": a step that waits on the
//     guardian is past its deadline. As KindWaiting.
//   - KindStaffOverdue "special-education.staff-overdue": a step that
//     waits on staff (the staff given the case, the PPT's members, the
//     special-education caseworkers) is past its deadline. To one staff
//     member (domain.Notice.Staff), by e-mail at the work address; Data
//     "step" with "step.nb", "step.nn", "step.en" (the step's name),
//     "due", "case" and "link" (CaseURL). The child is not named.
//
// A staff member without a work address (domain.StaffMember.Email), or a
// subject who is no staff member, gets no notice: the Reminder is
// recorded with NoAddress, and the worklist shows it (Item.NoAddress).
const (
	KindWaiting      = "special-education.waiting"
	KindOverdue      = "special-education.overdue"
	KindStaffOverdue = "special-education.staff-overdue"
)

// Audit actions of the Service (domain.AuditEntry.Action); the entry's
// Record is "special-education/<case ID>".
const (
	AuditRead     = "special-education.read"
	AuditWrite    = "special-education.write"
	AuditWorklist = "special-education.worklist"
	AuditLetter   = "special-education.letter"
)

// Service runs special-education cases on a store.
//
// Access: a case is seen only by the guardians with parental
// responsibility for the child, the staff given the case at the child's
// unit and the unit's leader, the staff of the PPT the case is referred
// to, and the municipality's caseworkers granted
// domain.CapSpecialEd (and system jobs). Anyone else, of this municipality
// or another, gets domain.ErrNotFound: the case's existence is not
// revealed. Who may do which step is the rules' (Rules.Allowed); an actor
// who sees the case but may not do the step gets domain.ErrForbidden.
// Every read and write of a case is audit-logged.
type Service struct {
	Store ServiceStore
	Clock domain.Clock
	// Notifier receives the notices of KindWaiting, KindOverdue and
	// KindStaffOverdue; nil raises none.
	Notifier domain.Notifier
	// CaseURL is the address of a case's page, the link in a notice to
	// staff ("https://…/special-education/<id>"); nil sends the case ID.
	CaseURL func(CaseID) string
	// Rules are the steps (MustRules when nil).
	Rules *Rules
}

func (s *Service) rules() Rules {
	if s.Rules != nil {
		return *s.Rules
	}
	return MustRules()
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return domain.SystemClock{}.Now()
	}
	return s.Clock.Now().In(domain.Oslo())
}

func (s *Service) today() date.Date { return date.NewAt(s.now()) }

func forbidden(why string) error { return fmt.Errorf("specialed: %s: %w", why, domain.ErrForbidden) }

func notFound() error { return fmt.Errorf("specialed: case: %w", domain.ErrNotFound) }

func (s *Service) audit(ctx context.Context, a domain.Actor, action string, c Case) error {
	return s.Store.AppendAudit(ctx, domain.NewAuditEntry(a, s.now(), action, c.Child, "special-education/"+c.ID.String()))
}

// caseworker reports whether the actor does special-education casework for
// the municipality (a caseworker granted the capability, or a system job).
func caseworker(a domain.Actor, m domain.Municipality) bool {
	if a.Validate() != nil || a.Municipality != m {
		return false
	}
	return a.Role == domain.RoleSystem || (a.Role == domain.RoleCaseworker && a.HandlesCapability(domain.CapSpecialEd))
}

// Roles returns the roles the actor has in the case; none when the actor
// may not see it.
func (s *Service) Roles(ctx context.Context, a domain.Actor, c Case) ([]Role, error) {
	if a.Validate() != nil || a.Municipality != c.Municipality {
		return nil, nil
	}
	var out []Role
	switch a.Role {
	case domain.RoleGuardian:
		gs, err := s.Store.Guardianships(ctx, c.Municipality, c.Child)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			if g.GuardianID == a.Guardian && g.ParentalResponsibility {
				out = append(out, RoleGuardian)
			}
		}
	case domain.RoleStaff:
		if a.LeadsUnit(c.Unit) {
			out = append(out, RoleStaff, RoleUnitLeader)
		} else if a.WorksAt(c.Unit) && slices.Contains(c.Staff, a.Subject) {
			out = append(out, RoleStaff)
		}
		if !c.PPT.IsZero() {
			p, err := s.Store.PPT(ctx, c.Municipality, c.PPT)
			if err != nil && !domain.IsNotFound(err) {
				return nil, err
			}
			if err == nil && p.Member(a.Subject) {
				out = append(out, RolePPT)
			}
		}
	case domain.RoleCaseworker, domain.RoleSystem:
		if caseworker(a, c.Municipality) {
			out = append(out, RoleCaseworker)
		}
	}
	return out, nil
}

// see reads a case the actor may see, with the actor's roles in it;
// domain.ErrNotFound otherwise.
func (s *Service) see(ctx context.Context, a domain.Actor, id CaseID) (Case, []Role, error) {
	if a.Validate() != nil {
		return Case{}, nil, notFound()
	}
	c, err := s.Store.Case(ctx, a.Municipality, id)
	if err != nil {
		return Case{}, nil, err
	}
	roles, err := s.Roles(ctx, a, c)
	if err != nil {
		return Case{}, nil, err
	}
	if len(roles) == 0 {
		return Case{}, nil, notFound()
	}
	return c, roles, nil
}

func (s *Service) allowed(c Case, roles []Role, step StepID) bool {
	r := s.rules()
	for _, ro := range roles {
		if r.Allowed(c.Setting, ro, step) {
			return true
		}
	}
	return false
}

// CreatePPT stores a PPT service (a caseworker of the capability). A PPT
// without an ID gets one.
func (s *Service) CreatePPT(ctx context.Context, a domain.Actor, p PPT) (PPT, error) {
	if !caseworker(a, a.Municipality) {
		return PPT{}, forbidden("only a special-education caseworker may create a PPT")
	}
	p.Municipality = a.Municipality
	if p.ID.IsZero() {
		p.ID = domain.NewID[PPT]()
	}
	if err := p.Validate(); err != nil {
		return PPT{}, err
	}
	if err := s.Store.Atomic(ctx, func(ctx context.Context) error { return s.Store.CreatePPT(ctx, p) }); err != nil {
		return PPT{}, err
	}
	return p, nil
}

// PPTs lists the municipality's PPT services, for any actor of staff or
// casework (the referral form lists them).
func (s *Service) PPTs(ctx context.Context, a domain.Actor) ([]PPT, error) {
	if a.Validate() != nil || (a.Role != domain.RoleStaff && !caseworker(a, a.Municipality)) {
		return nil, forbidden("only staff and caseworkers list PPT services")
	}
	return s.Store.PPTs(ctx, a.Municipality)
}

// Open records a concern about a child and opens the case (staff working
// at the unit, or leading it). The unit must be the child's kindergarten
// or school today; the setting follows from it. The staff member is given
// the case.
func (s *Service) Open(ctx context.Context, a domain.Actor, child domain.ChildID, unit domain.UnitID, concern string) (Case, error) {
	if a.Validate() != nil || a.Role != domain.RoleStaff || !(a.WorksAt(unit) || a.LeadsUnit(unit)) {
		return Case{}, forbidden("only staff of the unit may record a concern")
	}
	m := a.Municipality
	today, now := s.today(), s.now()
	var c Case
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		u, err := s.Store.Unit(ctx, m, unit)
		if err != nil {
			return refErr(err, "unit", ReasonNoSuchUnit)
		}
		var set Setting
		switch u.Kind {
		case domain.Kindergarten:
			set = Kindergarten
		case domain.School:
			set = School
		default:
			return domain.Invalid("unit", ReasonWrongUnitKind)
		}
		ps, err := s.Store.Placements(ctx, m, child)
		if err != nil {
			return err
		}
		if _, err := s.Store.Child(ctx, m, child); err != nil {
			return refErr(err, "child", ReasonNoSuchChild)
		}
		if !slices.ContainsFunc(ps, func(p domain.Placement) bool { return p.UnitID == unit && p.Period.Contains(today) }) {
			return domain.Invalid("child", ReasonNotPlaced)
		}
		c = Case{ID: domain.NewID[Case](), Municipality: m, Child: child, Unit: unit, Setting: set,
			Staff: []string{a.Subject}, Last: StepConcern, Opened: now, Version: 1}
		e := Entry{ID: domain.NewID[Entry](), Municipality: m, Case: c.ID, Step: StepConcern, Day: today, At: now, By: actorOf(a), Text: concern}
		if err := e.Validate(); err != nil {
			return err
		}
		if !e.has("text") {
			return domain.Invalid("text", ReasonRequired)
		}
		c.Days = map[StepID]date.Date{StepConcern: today}
		c.LastDay = today
		if err := s.Store.CreateCase(ctx, c); err != nil {
			return err
		}
		if err := s.Store.AppendEntry(ctx, e); err != nil {
			return err
		}
		return s.audit(ctx, a, AuditWrite, c)
	})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}

// Assign gives the case to another staff member of the unit (by login
// subject): the unit's leader or a caseworker does it.
func (s *Service) Assign(ctx context.Context, a domain.Actor, id CaseID, subject string) (Case, error) {
	var out Case
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		c, roles, err := s.see(ctx, a, id)
		if err != nil {
			return err
		}
		if !slices.Contains(roles, RoleUnitLeader) && !slices.Contains(roles, RoleCaseworker) {
			return forbidden("only the unit leader or a caseworker assigns a case")
		}
		var ps domain.Problems
		checkLine(&ps, "subject", subject, domain.MaxPrincipal, true)
		if err := ps.Err(); err != nil {
			return err
		}
		if slices.Contains(c.Staff, subject) {
			out = c
			return nil
		}
		c.Staff = append(slices.Clone(c.Staff), subject)
		c.Version++
		if err := s.Store.UpdateCase(ctx, c); err != nil {
			return err
		}
		out = c
		return s.audit(ctx, a, AuditWrite, c)
	})
	return out, err
}

// Record records a step of the case: the consent (given or withdrawn, by
// a guardian with parental responsibility; the guardian is the actor),
// the referral to a PPT, PPT's assessment with its recommendation, the
// decision (with the reason for any departure from the recommendation),
// the plan, a report, the end. The entry's ID, case, day, time and actor
// are set here. It returns the case after the step.
func (s *Service) Record(ctx context.Context, a domain.Actor, id CaseID, e Entry) (Case, error) {
	var out Case
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		c, roles, err := s.see(ctx, a, id)
		if err != nil {
			return err
		}
		if !s.allowed(c, roles, e.Step) {
			return forbidden("the actor's role may not do this step")
		}
		e.ID, e.Municipality, e.Case = domain.NewID[Entry](), c.Municipality, c.ID
		e.Day, e.At, e.By = s.today(), s.now(), actorOf(a)
		if e.Step == StepConsent || e.Step == StepWithdrawal {
			e.Guardian = a.Guardian
		}
		if e.Step == StepReferral && !e.PPT.IsZero() {
			if _, err := s.Store.PPT(ctx, c.Municipality, e.PPT); err != nil {
				return refErr(err, "ppt", ReasonNoSuchPPT)
			}
		}
		if err := CheckEntry(s.rules(), c, e); err != nil {
			return err
		}
		c = c.Apply(e)
		if err := s.Store.UpdateCase(ctx, c); err != nil {
			return err
		}
		if err := s.Store.AppendEntry(ctx, e); err != nil {
			return err
		}
		out = c
		return s.audit(ctx, a, AuditWrite, c)
	})
	return out, err
}

// Case reads a case.
func (s *Service) Case(ctx context.Context, a domain.Actor, id CaseID) (Case, error) {
	c, _, err := s.see(ctx, a, id)
	if err != nil {
		return Case{}, err
	}
	return c, s.auditNow(ctx, a, AuditRead, c)
}

// auditNow writes an audit entry in a transaction of its own (for reads).
func (s *Service) auditNow(ctx context.Context, a domain.Actor, action string, c Case) error {
	return s.Store.Atomic(ctx, func(ctx context.Context) error { return s.audit(ctx, a, action, c) })
}

// ChildCases lists the child's cases the actor may see.
func (s *Service) ChildCases(ctx context.Context, a domain.Actor, child domain.ChildID) ([]Case, error) {
	if a.Validate() != nil {
		return nil, nil
	}
	cs, err := s.Store.ChildCases(ctx, a.Municipality, child)
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, c := range cs {
		roles, err := s.Roles(ctx, a, c)
		if err != nil {
			return nil, err
		}
		if len(roles) > 0 {
			if err := s.auditNow(ctx, a, AuditRead, c); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// History lists the case's entries in the order they were recorded.
func (s *Service) History(ctx context.Context, a domain.Actor, id CaseID) ([]Entry, error) {
	c, _, err := s.see(ctx, a, id)
	if err != nil {
		return nil, err
	}
	es, err := s.Store.Entries(ctx, c.Municipality, c.ID)
	if err != nil {
		return nil, err
	}
	return es, s.auditNow(ctx, a, AuditRead, c)
}

// SaveDocument stores a new version of a case document. Those who may do
// the step of the same name write it (PPT the assessment, the caseworker
// the decision, unit staff the plan and reports). Version 0 means the next
// one; any other must be the next one, else a *domain.ConflictError on
// "version" (someone saved in between). It returns the version stored.
func (s *Service) SaveDocument(ctx context.Context, a domain.Actor, d Document) (Document, error) {
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		c, roles, err := s.see(ctx, a, d.Case)
		if err != nil {
			return err
		}
		if !s.allowed(c, roles, StepID(d.Kind)) {
			return forbidden("the actor's role may not write this document")
		}
		docs, err := s.Store.Documents(ctx, c.Municipality, c.ID)
		if err != nil {
			return err
		}
		next := 1
		for _, x := range docs {
			if x.Kind == d.Kind {
				next = max(next, x.Version+1)
			}
		}
		if d.Version == 0 {
			d.Version = next
		} else if d.Version != next {
			return domain.Conflict("version", ReasonVersion, "next", fmt.Sprint(next))
		}
		d.Municipality, d.By, d.At = c.Municipality, actorOf(a), s.now()
		if err := d.Validate(); err != nil {
			return err
		}
		if err := s.Store.SaveDocument(ctx, d); err != nil {
			return err
		}
		return s.audit(ctx, a, AuditWrite, c)
	})
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

// Documents lists every version of the case's documents, by kind and
// version: who changed what, when.
func (s *Service) Documents(ctx context.Context, a domain.Actor, id CaseID) ([]Document, error) {
	c, _, err := s.see(ctx, a, id)
	if err != nil {
		return nil, err
	}
	ds, err := s.Store.Documents(ctx, c.Municipality, c.ID)
	if err != nil {
		return nil, err
	}
	return ds, s.auditNow(ctx, a, AuditRead, c)
}

// AddAttachment adds a file to the case (anyone who sees it). It returns
// the attachment stored, without its content.
func (s *Service) AddAttachment(ctx context.Context, a domain.Actor, id CaseID, name, mediaType string, content []byte) (Attachment, error) {
	var out Attachment
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		c, _, err := s.see(ctx, a, id)
		if err != nil {
			return err
		}
		at := Attachment{ID: domain.NewID[Attachment](), Municipality: c.Municipality, Case: c.ID, Name: name,
			MediaType: mediaType, Size: len(content), Content: content, By: actorOf(a), At: s.now()}
		if err := at.Validate(); err != nil {
			return err
		}
		if err := s.Store.AddAttachment(ctx, at); err != nil {
			return err
		}
		at.Content = nil
		out = at
		return s.audit(ctx, a, AuditWrite, c)
	})
	return out, err
}

// Attachments lists the case's attachments, without content.
func (s *Service) Attachments(ctx context.Context, a domain.Actor, id CaseID) ([]Attachment, error) {
	c, _, err := s.see(ctx, a, id)
	if err != nil {
		return nil, err
	}
	as, err := s.Store.Attachments(ctx, c.Municipality, c.ID)
	if err != nil {
		return nil, err
	}
	return as, s.auditNow(ctx, a, AuditRead, c)
}

// Attachment reads an attachment with its content.
func (s *Service) Attachment(ctx context.Context, a domain.Actor, id AttachmentID) (Attachment, error) {
	if a.Validate() != nil {
		return Attachment{}, notFound()
	}
	at, err := s.Store.Attachment(ctx, a.Municipality, id)
	if err != nil {
		return Attachment{}, err
	}
	c, _, err := s.see(ctx, a, at.Case)
	if err != nil {
		return Attachment{}, err
	}
	return at, s.auditNow(ctx, a, AuditRead, c)
}

// Waiting returns the step the case waits for and its last day (false
// when the step has no deadline); no step once the case has ended. The
// deadline counts from the day of the latest step. After a decision that
// refuses, the case waits for its end.
func (r Rules) Waiting(c Case) (StepID, date.Date, bool) {
	if !c.Open() {
		return "", date.Zero, false
	}
	next, ok := r.NextStep(c.Setting, c.Last)
	if !ok {
		return "", date.Zero, false
	}
	if c.Last == StepDecision && c.Decision != nil && c.Decision.Outcome == Refused {
		next, _ = r.Step(c.Setting, StepEnd)
	}
	if next.Deadline == nil {
		return next.ID, date.Zero, false
	}
	return next.ID, next.Deadline.Due(c.LastDay), true
}

// Item is one line of a worklist: a case, the step it waits for, who may
// do it, and its deadline.
type Item struct {
	Case  CaseID         `json:"case"`
	Child domain.ChildID `json:"child"`
	Unit  domain.UnitID  `json:"unit"`
	Step  StepID         `json:"step"`
	Roles []Role         `json:"roles"`
	// Due is the last day (zero when the step has no deadline), Overdue
	// whether it has passed, Basis whether the law or the municipality
	// set it.
	Due     date.Date `json:"due,omitzero"`
	Overdue bool      `json:"overdue"`
	Basis   Basis     `json:"basis,omitempty"`
	// Mine says the step waits on one of the actor's roles.
	Mine bool `json:"mine"`
	// NoAddress says the step is overdue and a reminder of it reached
	// nobody: someone it waits on has no work e-mail address (Reminder.
	// NoAddress). It stays until the step is done.
	NoAddress bool `json:"noAddress,omitempty"`
}

// Worklist lists the open cases the actor sees with the step each waits
// for: a caseworker sees every open case of the municipality, a unit
// leader the cases of the units led, staff and PPT the cases given to
// them. Overdue steps come first, then by due day (no deadline last),
// then by case.
func (s *Service) Worklist(ctx context.Context, a domain.Actor) ([]Item, error) {
	if a.Validate() != nil {
		return nil, nil
	}
	cs, err := s.Store.Cases(ctx, a.Municipality, true)
	if err != nil {
		return nil, err
	}
	r, today := s.rules(), s.today()
	var out []Item
	var seen []Case
	for _, c := range cs {
		roles, err := s.Roles(ctx, a, c)
		if err != nil {
			return nil, err
		}
		if len(roles) == 0 {
			continue
		}
		step, due, has := r.Waiting(c)
		if step == "" {
			continue
		}
		st, _ := r.Step(c.Setting, step)
		it := Item{Case: c.ID, Child: c.Child, Unit: c.Unit, Step: step, Roles: st.Roles}
		if has {
			it.Due, it.Overdue, it.Basis = due, today > due, st.Deadline.Basis
		}
		if it.Overdue {
			rs, err := s.Store.Reminders(ctx, c.Municipality, c.ID)
			if err != nil {
				return nil, err
			}
			it.NoAddress = slices.ContainsFunc(rs, func(r Reminder) bool { return r.NoAddress && r.Step == step && r.Due == due })
		}
		for _, ro := range roles {
			it.Mine = it.Mine || slices.Contains(st.Roles, ro)
		}
		out = append(out, it)
		seen = append(seen, c)
	}
	slices.SortFunc(out, func(x, y Item) int {
		if x.Overdue != y.Overdue {
			if x.Overdue {
				return -1
			}
			return 1
		}
		dx, dy := x.Due, y.Due
		if dx == date.Zero {
			dx = date.Max()
		}
		if dy == date.Zero {
			dy = date.Max()
		}
		return cmp.Or(cmp.Compare(dx, dy), x.Case.Compare(y.Case))
	})
	if len(seen) > 0 {
		err = s.Store.Atomic(ctx, func(ctx context.Context) error {
			for _, c := range seen {
				if err := s.audit(ctx, a, AuditWorklist, c); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return out, err
}

// Remind sends the notices of steps that wait, once per key
// "<kind>/<case>/<step>/<due>/<guardian ID or staff subject>", however
// often it runs: a guardian with parental responsibility is told when a
// step waits on them (KindWaiting) and again when it is overdue
// (KindOverdue); each staff member a step waits on (the staff given the
// case, the PPT's members, or the staff holding a caseworker grant for
// domain.CapSpecialEd in force today) is told by e-mail at the work
// address when it is overdue (KindStaffOverdue), once however many roles
// they have in it. A person without a work address gets a Reminder with
// NoAddress instead (subject "caseworkers" when no caseworker is
// granted), recorded once, not retried. It runs as a system job or a caseworker of the
// municipality, each case in one transaction, and returns how many
// notices and reminders it sent now.
func (s *Service) Remind(ctx context.Context, a domain.Actor) (int, error) {
	if !caseworker(a, a.Municipality) {
		return 0, forbidden("only a system job or a special-education caseworker sends reminders")
	}
	cs, err := s.Store.Cases(ctx, a.Municipality, true)
	if err != nil {
		return 0, err
	}
	r, today, now := s.rules(), s.today(), s.now()
	sent := 0
	for _, c := range cs {
		step, due, has := r.Waiting(c)
		if step == "" || !has {
			continue
		}
		st, _ := r.Step(c.Setting, step)
		overdue := today > due
		err := s.Store.Atomic(ctx, func(ctx context.Context) error {
			put := func(kind, to string) (bool, string, error) {
				key := kind + "/" + c.ID.String() + "/" + string(step) + "/" + due.String()
				ok, err := s.Store.PutReminder(ctx, Reminder{Municipality: c.Municipality, Key: key + "/" + to,
					Case: c.ID, Step: step, Due: due, To: to, At: now})
				return ok, key, err
			}
			if slices.Contains(st.Roles, RoleGuardian) {
				gs, err := s.Store.Guardianships(ctx, c.Municipality, c.Child)
				if err != nil {
					return err
				}
				kind := KindWaiting
				if overdue {
					kind = KindOverdue
				}
				for _, g := range gs {
					if !g.ParentalResponsibility {
						continue
					}
					ok, key, err := put(kind, g.GuardianID.String())
					if err != nil || !ok {
						if err != nil {
							return err
						}
						continue
					}
					sent++
					if s.Notifier != nil {
						if err := s.Notifier.Notify(ctx, domain.Notice{Municipality: c.Municipality, Kind: kind,
							Child: c.Child, Guardian: g.GuardianID, Key: key,
							Data: map[string]string{"due": due.String(), "case": c.ID.String()}}); err != nil {
							return err
						}
					}
				}
			}
			if !overdue {
				return nil
			}
			people, err := s.waitsOn(ctx, c, st, today)
			if err != nil {
				return err
			}
			for _, p := range people {
				noAddress := p.member == nil || p.member.Email == ""
				key := KindStaffOverdue + "/" + c.ID.String() + "/" + string(step) + "/" + due.String()
				ok, err := s.Store.PutReminder(ctx, Reminder{Municipality: c.Municipality, Key: key + "/" + p.to,
					Case: c.ID, Step: step, Due: due, To: p.to, At: now, NoAddress: noAddress})
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				sent++
				if noAddress || s.Notifier == nil {
					continue
				}
				data := map[string]string{"due": due.String(), "case": c.ID.String(), "link": s.caseLink(c.ID), "step": st.Name("nb")}
				for _, lang := range []string{"nb", "nn", "en"} {
					data["step."+lang] = st.Name(lang)
				}
				if err := s.Notifier.Notify(ctx, domain.Notice{Municipality: c.Municipality, Kind: KindStaffOverdue,
					Staff: p.member.ID, Key: key, Data: data}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// person is someone a step waits on: the login subject (or
// "caseworkers" when no caseworker is granted the capability today) and
// the staff member, nil when the subject is no staff member.
type person struct {
	to     string
	member *domain.StaffMember
}

// waitsOn lists the staff a step of the case waits on, once each, by
// subject: the staff given the case for the unit's roles, the PPT's
// members, and for a caseworker's step every staff member holding a
// caseworker grant for domain.CapSpecialEd in force on day today.
func (s *Service) waitsOn(ctx context.Context, c Case, st Step, today date.Date) ([]person, error) {
	var subjects []string
	caseworkers := false
	for _, ro := range st.Roles {
		switch ro {
		case RoleStaff, RoleUnitLeader:
			subjects = append(subjects, c.Staff...)
		case RolePPT:
			if !c.PPT.IsZero() {
				p, err := s.Store.PPT(ctx, c.Municipality, c.PPT)
				if err != nil && !domain.IsNotFound(err) {
					return nil, err
				}
				subjects = append(subjects, p.Members...)
			}
		case RoleCaseworker:
			caseworkers = true
		}
	}
	var out []person
	seen := map[string]bool{}
	for _, sub := range subjects {
		if sub == "" || seen[sub] {
			continue
		}
		seen[sub] = true
		m, err := s.Store.StaffByPrincipal(ctx, c.Municipality, sub)
		switch {
		case domain.IsNotFound(err):
			out = append(out, person{to: sub})
		case err != nil:
			return nil, err
		default:
			out = append(out, person{to: sub, member: &m})
		}
	}
	if caseworkers {
		gs, err := s.Store.RoleGrants(ctx, c.Municipality, domain.GrantCaseworker)
		if err != nil {
			return nil, err
		}
		found := false
		for _, g := range gs {
			if g.Capability != domain.CapSpecialEd || !g.InForce(today) {
				continue
			}
			m, err := s.Store.StaffMember(ctx, c.Municipality, g.Staff)
			if err != nil {
				return nil, err
			}
			found = true
			if !seen[m.Principal] {
				seen[m.Principal] = true
				out = append(out, person{to: m.Principal, member: &m})
			}
		}
		if !found {
			out = append(out, person{to: "caseworkers"})
		}
	}
	slices.SortFunc(out, func(a, b person) int { return cmp.Compare(a.to, b.to) })
	return out, nil
}

// caseLink is the address of the case's page (CaseURL), or the case ID
// when the Service has none.
func (s *Service) caseLink(id CaseID) string {
	if s.CaseURL != nil {
		return s.CaseURL(id)
	}
	return id.String()
}

// Reminders lists the reminders sent for a case.
func (s *Service) Reminders(ctx context.Context, a domain.Actor, id CaseID) ([]Reminder, error) {
	c, _, err := s.see(ctx, a, id)
	if err != nil {
		return nil, err
	}
	rs, err := s.Store.Reminders(ctx, c.Municipality, c.ID)
	if err != nil {
		return nil, err
	}
	return rs, s.auditNow(ctx, a, AuditRead, c)
}

func refErr(err error, field, reason string) error {
	if domain.IsNotFound(err) {
		return domain.Invalid(field, reason)
	}
	return err
}
