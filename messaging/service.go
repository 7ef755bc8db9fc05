package messaging

import (
	"context"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Ports is what a Service needs of a store: the messaging port, the
// directory, the staff members (for notices to staff) and transactions.
// The SQLite and PostgreSQL stores implement it.
type Ports interface {
	Store
	domain.DirectoryReader
	StaffDirectory
	domain.Transactor
}

// StaffDirectory reads a staff member (domain.StaffStore has it): a
// notice to staff goes to the member's work address.
type StaffDirectory interface {
	StaffMember(ctx context.Context, m domain.Municipality, id domain.StaffID) (domain.StaffMember, error)
}

// Service is the messaging use cases: posting threads and bulletins,
// replies, reading, read status, contact preferences, and notifications
// (it implements domain.Notifier). Every method checks the domain.Actor and
// runs in one transaction (joining the one of ctx). A Service is safe for
// concurrent use.
type Service struct {
	Store Ports
	Clock domain.Clock
	// Limits are the municipality's limits for bodies and attachments;
	// DefaultLimits when zero.
	Limits Limits
	// Templates are the notification texts; DefaultTemplates when nil.
	Templates *Templates
	// ContactRegister, when set, decides the route of every notification
	// by the national contact register (RouteByRegister): e-mail and SMS
	// go to the register's details, a reserved person or one who cannot
	// be notified gets the digital mailbox only, a deleted person nothing.
	// Nil keeps the guardian's own details and preference.
	ContactRegister ContactRegister
	// Gate, when set, is asked before the ContactRegister is consulted:
	// a municipality that has switched the register (domain.IntegrationKRR)
	// off gets the route without it, the guardian's own details.
	Gate Gate
	// Registers, when set, picks the contact register per municipality
	// and takes the place of ContactRegister: a municipality with its own
	// register settings gets its own register. Its error (a register
	// whose settings cannot be used) is read as a register that cannot
	// answer (RouteByRegister: the digital mailbox).
	Registers RegisterSource
	// RegisterTimeout bounds one Lookup; 10 s when zero. The lookup runs
	// inside the caller's transaction, once per notice or message.
	RegisterTimeout time.Duration
}

var _ domain.Notifier = (*Service)(nil)

func (s *Service) limits() Limits {
	if s.Limits.MaxBody == 0 {
		return DefaultLimits()
	}
	return s.Limits
}

// templates returns the configured templates, or the built-in ones (parsed
// for the call: a Service is never written to, so it is safe for
// concurrent use).
func (s *Service) templates() *Templates {
	if s.Templates == nil {
		return DefaultTemplates()
	}
	return s.Templates
}

func (s *Service) clock() domain.Clock {
	if s.Clock == nil {
		return domain.SystemClock{}
	}
	return s.Clock
}

// Draft is a new thread: what it is about, the first message, and whether it
// is an urgent bulletin.
type Draft struct {
	Municipality domain.Municipality
	About        About
	Subject      string
	// Body is text; HTML in it is kept as written and shown as text.
	Body        string
	Bulletin    bool
	Urgent      bool
	Attachments []Attachment
}

// Post starts a thread (or sends a bulletin) and notifies every guardian who
// receives it ("message.new", in the outbox, in the same transaction).
//
// Staff write about a child placed in their unit, to a group or a whole
// unit they work in; caseworkers and administrators to anything in the
// municipality, including ScopeMunicipality. A guardian writes to the unit
// of a child the guardian may be informed about (ScopeUnit, or ScopeChild
// about that child); such a thread goes to the unit's staff, with the
// guardian as its one participant, and is never a bulletin. A guardian who
// must learn nothing of where a child is (domain.Guardianship.
// HidesWhereabouts) writes about that child with ScopeChild only: ScopeUnit
// is refused with domain.ErrForbidden at the child's unit as at any other,
// and the thread returned is redacted (Thread.Redacted).
//
// Recipients follow Resolve: AudienceChild for ScopeChild, AudienceGroup
// for a group, unit or municipality; children are those placed on the
// clock's day. A guardian of several children is a recipient once.
//
// Refused with a *domain.ValidationError and nothing written: an empty
// body or subject, an attachment too large or of a type not allowed, an
// unknown child, group or unit, and a thread no guardian may receive
// (field "about"). A thread the actor may not write is domain.ErrForbidden.
func (s *Service) Post(ctx context.Context, actor domain.Actor, d Draft) (Thread, error) {
	if err := s.checkActor(actor, d.Municipality); err != nil {
		return Thread{}, err
	}
	now := s.clock().Now()
	t := Thread{
		ID: domain.NewID[Thread](), Municipality: d.Municipality, About: d.About,
		Subject: d.Subject, Bulletin: d.Bulletin, Urgent: d.Urgent,
		Author: authorOf(actor), CreatedAt: now,
	}
	msg := Message{
		ID: domain.NewID[Message](), Municipality: d.Municipality, Thread: t.ID,
		Author: t.Author, Body: d.Body, Attachments: d.Attachments, CreatedAt: now,
	}
	var p domain.Problems
	p.Merge("", t.Validate())
	s.limits().check(&p, d.Body, d.Attachments)
	if actor.Role == domain.RoleGuardian && d.Bulletin {
		p.Add("bulletin", "a-guardian-cannot-send-a-bulletin")
	}
	if d.Urgent && (actor.Role != domain.RoleStaff || d.About.Scope == ScopeMunicipality) {
		p.Add("urgent", ReasonUrgentStaffOnly)
	}
	if err := p.Err(); err != nil {
		return Thread{}, err
	}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		children, unit, err := s.target(ctx, d.Municipality, d.About, domain.Today(s.clock()))
		if err != nil {
			return err
		}
		t.Unit = unit
		if actor.Role == domain.RoleGuardian {
			return s.postAsGuardian(ctx, actor, &t, msg, children)
		}
		if !s.mayWrite(actor, t) {
			return domain.ErrForbidden
		}
		audience := AudienceGroup
		if d.About.Scope == ScopeChild {
			audience = AudienceChild
		}
		rs, err := s.resolveChildren(ctx, d.Municipality, audience, children, "about")
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return domain.Invalid("about", "no-guardian-may-receive-this-message")
		}
		ps := make([]Participant, len(rs))
		for i, r := range rs {
			ps[i] = Participant{Municipality: d.Municipality, Thread: t.ID, Guardian: r.guardian.ID,
				Protected: r.guardian.AddressProtection.Protected()}
		}
		if err := s.Store.CreateThread(ctx, t, msg, ps); err != nil {
			return err
		}
		if !t.Urgent {
			return s.notifyMessage(ctx, t, msg, rs)
		}
		return s.postUrgent(ctx, actor, t, msg, rs)
	})
	if err != nil {
		return Thread{}, err
	}
	return t, nil
}

// postAsGuardian writes a guardian's thread to the unit of a ward.
func (s *Service) postAsGuardian(ctx context.Context, actor domain.Actor, t *Thread, msg Message, children []domain.ChildID) error {
	if t.About.Scope != ScopeChild && t.About.Scope != ScopeUnit {
		return domain.ErrForbidden
	}
	wards, err := s.Store.Wards(ctx, t.Municipality, actor.Guardian)
	if err != nil {
		return err
	}
	allowed := false
	for _, w := range wards {
		if !w.ReceivesInformation() {
			continue
		}
		if t.About.Scope == ScopeChild && w.ChildID == t.About.Child && !t.Unit.IsZero() {
			allowed = true
		}
		if t.About.Scope == ScopeUnit && slices.Contains(children, w.ChildID) {
			// A ward whose whereabouts the guardian may not know does not
			// open its unit: the refusal is the same at every unit, so the
			// answer tells nothing of where the child is.
			c, err := s.Store.Child(ctx, t.Municipality, w.ChildID)
			if err != nil {
				return err
			}
			if !w.HidesWhereabouts(c.AddressProtection) {
				allowed = true
			}
		}
	}
	if !allowed {
		return domain.ErrForbidden
	}
	g, err := s.Store.Guardian(ctx, t.Municipality, actor.Guardian)
	if err != nil {
		return err
	}
	err = s.Store.CreateThread(ctx, *t, msg, []Participant{{
		Municipality: t.Municipality, Thread: t.ID, Guardian: g.ID, Protected: g.AddressProtection.Protected(),
		ReadAt: t.CreatedAt,
	}})
	if err != nil {
		return err
	}
	hide, err := s.hides(ctx, actor, *t)
	if hide {
		*t = t.Redacted()
	}
	return err
}

// Reply adds a message to a thread and notifies its other participants.
// A bulletin takes no replies (a *domain.ValidationError on "thread").
// Guardians reply to threads they take part in, staff to threads of their
// unit.
func (s *Service) Reply(ctx context.Context, actor domain.Actor, m domain.Municipality, id ThreadID, body string, atts []Attachment) (Message, error) {
	if err := s.checkActor(actor, m); err != nil {
		return Message{}, err
	}
	var p domain.Problems
	s.limits().check(&p, body, atts)
	if err := p.Err(); err != nil {
		return Message{}, err
	}
	msg := Message{ID: domain.NewID[Message](), Municipality: m, Thread: id, Author: authorOf(actor),
		Body: body, Attachments: atts, CreatedAt: s.clock().Now()}
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		t, ps, err := s.open(ctx, actor, m, id)
		if err != nil {
			return err
		}
		if t.Bulletin {
			return domain.Invalid("thread", "is-a-bulletin-it-takes-no-replies")
		}
		if err := s.Store.AddMessage(ctx, msg); err != nil {
			return err
		}
		rec, err := s.threadChild(ctx, t)
		if err != nil {
			return err
		}
		var rs []resolved
		for _, pt := range ps {
			if pt.Guardian == actor.Guardian {
				continue
			}
			g, err := s.Store.Guardian(ctx, m, pt.Guardian)
			if err != nil {
				return err
			}
			ch := ChannelAny
			if g.AddressProtection == domain.ProtectionStrengtFortrolig {
				ch = ChannelProtected
			}
			hide := rec != nil && rec.HidesWhereaboutsFrom(domain.GuardianActor(m, g.ID))
			rs = append(rs, resolved{guardian: g, channel: ch, hide: hide})
		}
		return s.notifyMessage(ctx, t, msg, rs)
	})
	if err != nil {
		return Message{}, err
	}
	return msg, nil
}

// View is a thread as shown to an actor.
type View struct {
	Thread   Thread
	Messages []Message
	// Participants are the guardians the actor may see: never one with a
	// protected address, for a guardian reading a bulletin nobody
	// (recipients of a bulletin never see each other), and for a reader
	// who may not know where the child is nobody either.
	Participants []Participant
	// HideWhereabouts: the reader must learn nothing of where the child is
	// (domain.ChildRecord.HidesWhereaboutsFrom). Thread and Messages are
	// redacted (Thread.Redacted, Message.Redacted): no unit or group, and
	// staff and the municipality without subject or name. Show nothing
	// else of where the child is either.
	HideWhereabouts bool
}

// Read returns a thread with its messages and the participants the actor
// may see. Guardians read threads they take part in, staff the threads of
// their unit, caseworkers and administrators all. A guardian who must
// learn nothing of where the child of a thread is gets it redacted (see
// View.HideWhereabouts).
func (s *Service) Read(ctx context.Context, actor domain.Actor, m domain.Municipality, id ThreadID) (View, error) {
	if err := s.checkActor(actor, m); err != nil {
		return View{}, err
	}
	var v View
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		t, ps, err := s.open(ctx, actor, m, id)
		if err != nil {
			return err
		}
		msgs, err := s.Store.Messages(ctx, m, id)
		if err != nil {
			return err
		}
		v = View{Thread: t, Messages: msgs, Participants: Visible(actor, t, ps)}
		if v.HideWhereabouts, err = s.hides(ctx, actor, t); err != nil || !v.HideWhereabouts {
			return err
		}
		v.Thread = t.Redacted()
		for i := range v.Messages {
			v.Messages[i] = v.Messages[i].Redacted()
		}
		v.Participants = []Participant{}
		return nil
	})
	return v, err
}

// threadChild reads the child a thread is about, with its guardians and
// placements; nil for a thread not about one child.
func (s *Service) threadChild(ctx context.Context, t Thread) (*domain.ChildRecord, error) {
	if t.About.Scope != ScopeChild {
		return nil, nil
	}
	rec, err := s.Store.ChildRecord(ctx, t.Municipality, t.About.Child)
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// hides reports whether the actor must learn nothing of where the child of
// the thread is. Only a thread about one child can say where a child is
// that the reader may not know of: a bulletin to a group or unit reaches
// only guardians with parental responsibility for a child there (Resolve),
// and a guardian writes to a unit only through a ward whose whereabouts
// the guardian may know (Post).
func (s *Service) hides(ctx context.Context, actor domain.Actor, t Thread) (bool, error) {
	if actor.Role != domain.RoleGuardian {
		return false, nil
	}
	rec, err := s.threadChild(ctx, t)
	if err != nil || rec == nil {
		return false, err
	}
	return rec.HidesWhereaboutsFrom(actor), nil
}

// Redacted is the thread as a reader who must learn nothing of where the
// child is sees it: no answering unit, no unit or group in About, and an
// author of staff or the municipality without subject or name.
func (t Thread) Redacted() Thread {
	t.Unit, t.About.Unit, t.About.Group = domain.UnitID{}, domain.UnitID{}, domain.GroupID{}
	t.Author = t.Author.redacted()
	return t
}

// Redacted is the message as a reader who must learn nothing of where the
// child is sees it: an author of staff or the municipality is only a role,
// without subject or name. Body and attachments are as written: what staff
// write is theirs to keep free of whereabouts.
func (m Message) Redacted() Message {
	m.Author = m.Author.redacted()
	return m
}

func (a Author) redacted() Author {
	if a.Role == domain.RoleGuardian {
		return a
	}
	return Author{Role: a.Role}
}

// Visible filters participants for an actor: never a guardian with a
// protected address (any level), and nobody for a guardian reading a bulletin.
func Visible(actor domain.Actor, t Thread, ps []Participant) []Participant {
	out := []Participant{}
	if t.Bulletin && actor.Role == domain.RoleGuardian {
		return out
	}
	for _, p := range ps {
		if !p.Protected {
			out = append(out, p)
		}
	}
	return out
}

// MarkRead records that a guardian has read a thread.
func (s *Service) MarkRead(ctx context.Context, actor domain.Actor, m domain.Municipality, id ThreadID) error {
	if err := s.checkActor(actor, m); err != nil {
		return err
	}
	if actor.Role != domain.RoleGuardian {
		return domain.ErrForbidden
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		if _, _, err := s.open(ctx, actor, m, id); err != nil {
			return err
		}
		return s.Store.MarkRead(ctx, m, id, actor.Guardian, s.clock().Now())
	})
}

// Inbox lists the threads a guardian takes part in, newest first; a thread
// about a child whose whereabouts the guardian may not know is redacted
// (Thread.Redacted).
func (s *Service) Inbox(ctx context.Context, actor domain.Actor) ([]Thread, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	if actor.Role != domain.RoleGuardian {
		return nil, domain.ErrForbidden
	}
	var out []Thread
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		ts, err := s.Store.GuardianThreads(ctx, actor.Municipality, actor.Guardian)
		if err != nil {
			return err
		}
		hidden := map[domain.ChildID]bool{}
		for i, t := range ts {
			if t.About.Scope != ScopeChild {
				continue
			}
			h, ok := hidden[t.About.Child]
			if !ok {
				if h, err = s.hides(ctx, actor, t); err != nil {
					return err
				}
				hidden[t.About.Child] = h
			}
			if h {
				ts[i] = t.Redacted()
			}
		}
		out = ts
		return nil
	})
	return out, err
}

// SetContact stores a guardian's language, medium and quiet hours (which
// must lie within the municipality's, ReasonQuietOutside); the guardian or
// a municipal actor may set it. A guardian reserved in the contact
// register may choose the digital mailbox only (ReasonMediumReserved,
// ContactChoices).
func (s *Service) SetContact(ctx context.Context, actor domain.Actor, c Contact) error {
	if err := s.checkActor(actor, c.Municipality); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if !actor.Municipal() && !(actor.Role == domain.RoleGuardian && actor.Guardian == c.Guardian) {
		return domain.ErrForbidden
	}
	if c.Medium != DigitalMailbox {
		// Asked outside the transaction: the register is a remote service.
		reserved, err := s.reserved(ctx, c.Municipality, c.Guardian)
		if err != nil {
			return err
		}
		if reserved {
			return domain.Invalid("medium", ReasonMediumReserved)
		}
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		if _, err := s.Store.Guardian(ctx, c.Municipality, c.Guardian); err != nil {
			return refErr(err, "guardian", "no-such-guardian")
		}
		if c.Quiet != nil {
			st, err := s.settingsOf(ctx, c.Municipality)
			if err != nil {
				return err
			}
			if !c.Quiet.Within(st.Quiet) {
				return domain.Invalid("quiet", ReasonQuietOutside, "quiet", st.Quiet.String())
			}
		}
		return s.Store.PutContact(ctx, c)
	})
}

// checkActor requires a valid actor of the municipality.
func (s *Service) checkActor(actor domain.Actor, m domain.Municipality) error {
	if err := actor.Validate(); err != nil {
		return err
	}
	if actor.Municipality != m {
		return domain.ErrForbidden
	}
	return nil
}

// mayWrite reports whether staff or a municipal actor may write the thread.
func (s *Service) mayWrite(actor domain.Actor, t Thread) bool {
	if actor.Municipal() {
		return true
	}
	return t.About.Scope != ScopeMunicipality && !t.Unit.IsZero() && actor.WorksAt(t.Unit)
}

// open reads a thread the actor may see, with its participants.
func (s *Service) open(ctx context.Context, actor domain.Actor, m domain.Municipality, id ThreadID) (Thread, []Participant, error) {
	t, err := s.Store.Thread(ctx, m, id)
	if err != nil {
		return Thread{}, nil, err
	}
	ps, err := s.Store.Participants(ctx, m, id)
	if err != nil {
		return Thread{}, nil, err
	}
	switch {
	case actor.Municipal():
	case actor.Role == domain.RoleStaff && !t.Unit.IsZero() && actor.WorksAt(t.Unit):
	case actor.Role == domain.RoleGuardian && slices.ContainsFunc(ps, func(p Participant) bool { return p.Guardian == actor.Guardian }):
	default:
		return Thread{}, nil, domain.ErrForbidden
	}
	return t, ps, nil
}

// target finds the children a thread is about (placed on day) and the unit
// that answers it. An unknown child, group or unit is a *ValidationError.
func (s *Service) target(ctx context.Context, m domain.Municipality, a About, day date.Date) ([]domain.ChildID, domain.UnitID, error) {
	today := domain.Period{Start: day, End: day}
	placed := func(unit domain.UnitID, group domain.GroupID) ([]domain.ChildID, error) {
		ps, err := s.Store.UnitPlacements(ctx, m, unit, today)
		if err != nil {
			return nil, err
		}
		var out []domain.ChildID
		for _, p := range ps {
			if group.IsZero() || p.GroupID == group {
				out = append(out, p.ChildID)
			}
		}
		return out, nil
	}
	switch a.Scope {
	case ScopeChild:
		if _, err := s.Store.Child(ctx, m, a.Child); err != nil {
			return nil, domain.UnitID{}, refErr(err, "about.child", "no-such-child")
		}
		ps, err := s.Store.Placements(ctx, m, a.Child)
		if err != nil {
			return nil, domain.UnitID{}, err
		}
		var unit domain.UnitID
		for _, p := range ps {
			if p.Period.Contains(day) && (unit.IsZero() || p.Kind != domain.SFO) {
				unit = p.UnitID
			}
		}
		return []domain.ChildID{a.Child}, unit, nil
	case ScopeGroup:
		g, err := s.Store.Group(ctx, m, a.Group)
		if err != nil {
			return nil, domain.UnitID{}, refErr(err, "about.group", "no-such-group")
		}
		cs, err := placed(g.UnitID, g.ID)
		return cs, g.UnitID, err
	case ScopeUnit:
		if _, err := s.Store.Unit(ctx, m, a.Unit); err != nil {
			return nil, domain.UnitID{}, refErr(err, "about.unit", "no-such-unit")
		}
		cs, err := placed(a.Unit, domain.GroupID{})
		return cs, a.Unit, err
	default: // ScopeMunicipality
		// Every unit's children in one read, not a read per unit: a
		// bulletin to the whole municipality costs the same at 600 units
		// as at 6.
		ps, err := s.Store.PlacementsWithin(ctx, m, today)
		if err != nil {
			return nil, domain.UnitID{}, err
		}
		all := make([]domain.ChildID, len(ps))
		for i, p := range ps {
			all[i] = p.ChildID
		}
		return all, domain.UnitID{}, nil
	}
}

// resolveChildren resolves the recipients of a message about each child
// and merges them: a guardian receives once, on the protected channel when
// any resolution says so, and without whereabouts when any says so. An unknown child is a *ValidationError on field.
func (s *Service) resolveChildren(ctx context.Context, m domain.Municipality, audience Audience, children []domain.ChildID, field string) ([]resolved, error) {
	seen := make(map[domain.ChildID]bool, len(children))
	unique := make([]domain.ChildID, 0, len(children))
	for _, c := range children {
		if !seen[c] {
			seen[c] = true
			unique = append(unique, c)
		}
	}
	fams, err := s.Store.RecipientFamilies(ctx, m, unique)
	if err != nil {
		return nil, err
	}
	if len(fams) != len(unique) {
		return nil, domain.Invalid(field, "no-such-child")
	}
	byID := map[domain.GuardianID]int{}
	var out []resolved
	for _, f := range fams {
		cands := make([]Candidate, len(f.Guardians))
		links := make(map[string]domain.Guardian, len(f.Guardians))
		for i, l := range f.Guardians {
			id := l.Guardian.ID.String()
			cands[i] = Candidate{ID: id, Relation: l.Guardianship, Protection: l.Guardian.AddressProtection}
			links[id] = l.Guardian
		}
		res, err := Resolve(audience, f.Child.AddressProtection, cands)
		if err != nil {
			return nil, err
		}
		for _, r := range res.Recipients {
			g := links[r.ID]
			if i, ok := byID[g.ID]; ok {
				if r.Channel == ChannelProtected {
					out[i].channel = ChannelProtected
				}
				out[i].hide = out[i].hide || r.HideWhereabouts
				continue
			}
			byID[g.ID] = len(out)
			out = append(out, resolved{guardian: g, channel: r.Channel, hide: r.HideWhereabouts})
		}
	}
	slices.SortFunc(out, func(a, b resolved) int { return a.guardian.ID.Compare(b.guardian.ID) })
	return out, nil
}

// postUrgent notifies the recipients of an urgent message, each by SMS
// too, and writes its record: the sender and the unread check due
// Settings.UnreadAfter from now.
func (s *Service) postUrgent(ctx context.Context, actor domain.Actor, t Thread, msg Message, rs []resolved) error {
	notes, err := s.notifyMessageWith(ctx, t, msg, rs, true)
	if err != nil {
		return err
	}
	st, err := s.settingsOf(ctx, t.Municipality)
	if err != nil {
		return err
	}
	return s.Store.PutUrgent(ctx, Urgent{Municipality: t.Municipality, Thread: t.ID, Message: msg.ID,
		Sender: actor.Staff, Recipients: notes, SentAt: t.CreatedAt, DueAt: t.CreatedAt.Add(st.UnreadAfter)})
}

// notifyMessage enqueues "message.new" for each recipient.
// The sender is named by the author's display name, never by the login
// ID; a guardian is "en foresatt" (guardians are not named to each
// other). A recipient who must learn nothing of where the child is gets
// the restricted text, which names no sender.
func (s *Service) notifyMessage(ctx context.Context, t Thread, msg Message, rs []resolved) error {
	_, err := s.notifyMessageWith(ctx, t, msg, rs, false)
	return err
}

func (s *Service) notifyMessageWith(ctx context.Context, t Thread, msg Message, rs []resolved, smsCopy bool) ([]UrgentRecipient, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	from, err := s.fromName(ctx, t, msg.Author)
	if err != nil {
		return nil, err
	}
	data := map[string]string{"subject": t.Subject, "from": from}
	if t.Urgent {
		data["urgent"] = "true"
	}
	return s.enqueueWith(ctx, rs, "message.new", urgentKeyPrefix(msg.ID), data, smsCopy)
}

// fromName is how a notification names the author: the display name; for
// staff without one, the unit's name; for a guardian "en foresatt"; else
// "kommunen". Never the login ID.
func (s *Service) fromName(ctx context.Context, t Thread, a Author) (string, error) {
	switch {
	case a.Role == domain.RoleGuardian:
		return "en foresatt", nil
	case a.Name != "":
		return a.Name, nil
	case a.Role == domain.RoleStaff && !t.Unit.IsZero():
		u, err := s.Store.Unit(ctx, t.Municipality, t.Unit)
		if err != nil {
			return "", err
		}
		return u.Name, nil
	}
	return "kommunen", nil
}
