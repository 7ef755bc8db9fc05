package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// MessagingStore is a store with the messaging port.
type MessagingStore interface {
	domain.Store
	domain.StaffStore
	messaging.Store
}

// RunMessaging runs the messaging suite: recipients of bulletins and
// messages by the guardianship rules (parental responsibility, § 47,
// protected addresses), bad input refused with nothing written, read
// status, notifications in the guardian's language, idempotent on the key
// and rolled back with their transaction, and the outbox: claims with
// leases, retries with backoff, dead letters, and a dispatcher stopped
// between sending and recording that loses nothing when restarted.
func RunMessaging(t *testing.T, newStore func(t *testing.T) MessagingStore) {
	t.Run("BulletinToGroup", func(t *testing.T) { testBulletinToGroup(t, newStore(t)) })
	t.Run("Section47Request", func(t *testing.T) { testSection47(t, newStore(t)) })
	t.Run("ProtectedGuardian", func(t *testing.T) { testProtectedGuardian(t, newStore(t)) })
	t.Run("AddressesStayOutOfTheOutbox", func(t *testing.T) { testAddressesOutOfOutbox(t, newStore(t)) })
	t.Run("BadInput", func(t *testing.T) { testMessagingBadInput(t, newStore(t)) })
	t.Run("RepliesAndReadStatus", func(t *testing.T) { testReplies(t, newStore(t)) })
	t.Run("GuardianWritesToUnit", func(t *testing.T) { testGuardianWrites(t, newStore(t)) })
	t.Run("AuthorNames", func(t *testing.T) { testAuthorNames(t, newStore(t)) })
	t.Run("ThreadsOfAndTallies", func(t *testing.T) { testThreadsOfAndTallies(t, newStore(t)) })
	t.Run("WhereaboutsHidden", func(t *testing.T) { testWhereaboutsHidden(t, newStore(t)) })
	t.Run("Notify", func(t *testing.T) { testNotify(t, newStore(t)) })
	t.Run("NotifyAllAsNotify", func(t *testing.T) { testNotifyAll(t, newStore(t), newStore(t)) })
	t.Run("NotifyStaff", func(t *testing.T) { testNotifyStaff(t, newStore(t)) })
	t.Run("RetryAndDeadLetter", func(t *testing.T) { testRetry(t, newStore(t)) })
	t.Run("HeldBySwitch", func(t *testing.T) { testHeld(t, newStore(t)) })
	t.Run("DispatcherCrash", func(t *testing.T) { testDispatcherCrash(t, newStore(t)) })
	t.Run("ConcurrentDispatchers", func(t *testing.T) { testConcurrentDispatchers(t, newStore(t)) })
	t.Run("EnqueueManyAgain", func(t *testing.T) { testEnqueueManyAgain(t, newStore(t)) })
	t.Run("DrainCrash", func(t *testing.T) { testDrainCrash(t, newStore(t)) })
	t.Run("ConcurrentDrains", func(t *testing.T) { testConcurrentDrains(t, newStore(t)) })
	t.Run("OutboxMunicipalities", func(t *testing.T) { testOutboxMunicipalities(t, newStore(t)) })
	t.Run("GuardianDeliveries", func(t *testing.T) { testGuardianDeliveries(t, newStore(t)) })
	t.Run("QuietHoursStored", func(t *testing.T) { testQuietHoursStored(t, newStore(t)) })
	t.Run("UrgentAtNight", func(t *testing.T) { testUrgentAtNight(t, newStore(t)) })
}

// One dispatcher serves every municipality; keys are unique per
// municipality; each municipality lists only its own deliveries.
func testOutboxMunicipalities(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	og := newSchool(t, ctx, s, Oslo).guardian("")
	bg := newSchool(t, ctx, s, Bergen).guardian("")
	oslo := enqueue(t, ctx, s, Oslo, og.ID, 3, msgNow)
	bergen := enqueue(t, ctx, s, Bergen, bg.ID, 2, msgNow)
	// The same key again in Oslo is skipped, in Bergen it is new.
	again := messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: Oslo, Key: oslo[0], Kind: "k",
		Guardian: og.ID, Medium: messaging.Email, To: "a@b.no", Body: "b", State: messaging.Pending, NextAt: msgNow, CreatedAt: msgNow}
	n, err := s.Enqueue(ctx, []messaging.Delivery{again})
	require.NoError(t, err)
	assert.Zero(t, n)
	again.ID, again.Municipality, again.Guardian = domain.NewID[messaging.Delivery](), Bergen, bg.ID
	n, err = s.Enqueue(ctx, []messaging.Delivery{again})
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	tr := &recorder{medium: messaging.Email}
	d := &messaging.Dispatcher{Outbox: s, Transports: []messaging.Transport{tr}, Clock: NewClock(msgNow)}
	n, err = d.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	ods, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	bds, err := s.Deliveries(ctx, Bergen)
	require.NoError(t, err)
	assert.Len(t, ods, len(oslo))
	assert.Len(t, bds, len(bergen)+1)
	for _, d := range append(ods, bds...) {
		assert.Equal(t, messaging.Sent, d.State)
	}
	for _, d := range ods {
		assert.Equal(t, Oslo, d.Municipality)
	}
}

// Clock is a settable domain.Clock for tests.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.In(domain.Oslo())
}

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var msgNow = time.Date(2025, 3, 10, 9, 0, 0, 0, domain.Oslo())

// school is a unit with two groups and helpers to place children with
// guardians in them.
type school struct {
	t      testing.TB
	ctx    context.Context
	s      MessagingStore
	f      *fixture
	unit   domain.Unit
	groups [2]domain.Group
}

func newSchool(t testing.TB, ctx context.Context, s MessagingStore, m domain.Municipality) *school {
	return newSchoolWith(t, ctx, s, &fixture{m: m})
}

// newSchoolWith shares a fixture, so that national IDs do not repeat.
func newSchoolWith(t testing.TB, ctx context.Context, s MessagingStore, f *fixture) *school {
	sc := &school{t: t, ctx: ctx, s: s, f: f, unit: f.unit(domain.Kindergarten)}
	require.NoError(t, s.CreateUnit(ctx, sc.unit))
	for i := range sc.groups {
		sc.groups[i] = f.group(sc.unit)
		require.NoError(t, s.CreateGroup(ctx, sc.groups[i]))
	}
	return sc
}

// child places a new child in group gi (from 2024-08-01, open).
func (sc *school) child(gi int, prot domain.AddressProtection) domain.Child {
	c := sc.f.child(sc.t)
	c.AddressProtection = prot
	require.NoError(sc.t, sc.s.CreateChild(sc.ctx, c))
	p := sc.f.placement(c, sc.unit, d(2024, 8, 1), date.Zero)
	p.GroupID = sc.groups[gi].ID
	require.NoError(sc.t, sc.s.CreatePlacement(sc.ctx, p))
	return c
}

// guardian creates a guardian with the given address protection.
func (sc *school) guardian(prot domain.AddressProtection) domain.Guardian {
	g := sc.f.guardian(sc.t)
	g.AddressProtection = prot
	require.NoError(sc.t, sc.s.CreateGuardian(sc.ctx, g))
	return g
}

func (sc *school) link(c domain.Child, g domain.Guardian, rel domain.Guardianship) {
	rel.Municipality, rel.ChildID, rel.GuardianID = c.Municipality, c.ID, g.ID
	require.NoError(sc.t, sc.s.PutGuardianship(sc.ctx, rel))
}

var (
	withResponsibility = domain.Guardianship{ParentalResponsibility: true}
	withoutRequest     = domain.Guardianship{}
	withRequest        = domain.Guardianship{InformationRequested: true}
)

func (sc *school) staff() domain.Actor {
	return domain.StaffActor(sc.f.m, "ansatt-1", sc.unit.ID)
}

func service(s MessagingStore, c domain.Clock) *messaging.Service {
	return &messaging.Service{Store: s, Clock: c}
}

// recipients returns, per guardian, how many deliveries of a kind there are.
func recipients(t testing.TB, ctx context.Context, s MessagingStore, m domain.Municipality, kind string) map[domain.GuardianID]int {
	t.Helper()
	ds, err := s.Deliveries(ctx, m)
	require.NoError(t, err)
	out := map[domain.GuardianID]int{}
	for _, d := range ds {
		if d.Kind == kind {
			out[d.Guardian]++
		}
	}
	return out
}

func testBulletinToGroup(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, NewClock(msgNow))

	// Group 0: Ada with two parents with responsibility; Bo with one parent
	// with responsibility and a parent without it who has asked for
	// information (group bulletins still do not go to that parent); Cy
	// whose mother is also Ada's mother (one delivery for her); Di whose
	// only parent has been denied information.
	ada, bo, cy, di := sc.child(0, ""), sc.child(0, ""), sc.child(0, ""), sc.child(0, "")
	mor, far := sc.guardian(""), sc.guardian("")
	boMor, boFar := sc.guardian(""), sc.guardian("")
	diMor := sc.guardian("")
	sc.link(ada, mor, withResponsibility)
	sc.link(ada, far, withResponsibility)
	sc.link(cy, mor, withResponsibility)
	sc.link(bo, boMor, withResponsibility)
	sc.link(bo, boFar, withRequest)
	sc.link(di, diMor, domain.Guardianship{ParentalResponsibility: true, InformationDenied: true})
	// Group 1 and another unit: never reached by a bulletin to group 0.
	other := sc.child(1, "")
	otherMor := sc.guardian("")
	sc.link(other, otherMor, withResponsibility)
	elsewhere := newSchoolWith(t, ctx, s, sc.f)
	ec := elsewhere.child(0, "")
	eg := elsewhere.guardian("")
	elsewhere.link(ec, eg, withResponsibility)

	th, err := svc.Post(ctx, sc.staff(), messaging.Draft{
		Municipality: Oslo, About: messaging.About{Scope: messaging.ScopeGroup, Group: sc.groups[0].ID},
		Subject: "Tur til skogen", Body: "Vi går på tur fredag. Husk <b>matpakke</b>.", Bulletin: true, Urgent: true,
	})
	require.NoError(t, err)
	assert.Equal(t, sc.unit.ID, th.Unit)

	got := recipients(t, ctx, s, Oslo, "message.new")
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 2, far.ID: 2, boMor.ID: 2}, got,
		"each entitled guardian once by e-mail and once by SMS (urgent), nobody else")
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	for _, d := range ds {
		assert.Equal(t, "HASTER: Ny melding: Tur til skogen", d.Subject)
		assert.True(t, d.Urgent)
		assert.Equal(t, messaging.Pending, d.State)
		if strings.HasSuffix(d.Key, "/sms") {
			assert.Equal(t, messaging.SMS, d.Medium)
		} else {
			assert.Equal(t, messaging.Email, d.Medium)
		}
	}

	// Recipients of a bulletin never see each other; staff see them.
	v, err := svc.Read(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, th.ID)
	require.NoError(t, err)
	assert.Empty(t, v.Participants)
	require.Len(t, v.Messages, 1)
	assert.Equal(t, "Vi går på tur fredag. Husk <b>matpakke</b>.", v.Messages[0].Body, "stored as written")
	assert.Equal(t, "Vi går på tur fredag. Husk &lt;b&gt;matpakke&lt;/b&gt;.", v.Messages[0].HTML(), "shown as text")
	v, err = svc.Read(ctx, sc.staff(), Oslo, th.ID)
	require.NoError(t, err)
	assert.Len(t, v.Participants, 3)

	// Not a recipient: forbidden. A bulletin takes no replies.
	_, err = svc.Read(ctx, domain.GuardianActor(Oslo, boFar.ID), Oslo, th.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = svc.Read(ctx, domain.StaffActor(Oslo, "ansatt-2", elsewhere.unit.ID), Oslo, th.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = svc.Reply(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, th.ID, "Takk!", nil)
	requireField(t, err, domain.ErrInvalid, "thread")

	// Staff of another unit may not post to this group.
	_, err = svc.Post(ctx, domain.StaffActor(Oslo, "ansatt-2", elsewhere.unit.ID), messaging.Draft{
		Municipality: Oslo, About: messaging.About{Scope: messaging.ScopeGroup, Group: sc.groups[0].ID},
		Subject: "x", Body: "y", Bulletin: true,
	})
	assert.ErrorIs(t, err, domain.ErrForbidden)

	// A bulletin to the whole municipality (caseworker) reaches all five
	// entitled guardians of both units, each once.
	_, err = svc.Post(ctx, domain.CaseworkerActor(Oslo, "saksbehandler"), messaging.Draft{
		Municipality: Oslo, About: messaging.About{Scope: messaging.ScopeMunicipality},
		Subject: "Planleggingsdag", Body: "Alle barnehager er stengt 2. mai.", Bulletin: true,
	})
	require.NoError(t, err)
	got = recipients(t, ctx, s, Oslo, "message.new")
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 3, far.ID: 3, boMor.ID: 3, otherMor.ID: 1, eg.ID: 1}, got, "the urgent bulletin by e-mail and SMS, this one by e-mail")
	inbox, err := svc.Inbox(ctx, domain.GuardianActor(Oslo, mor.ID))
	require.NoError(t, err)
	require.Len(t, inbox, 2)
	assert.Equal(t, "Planleggingsdag", inbox[0].Subject, "newest first, equal times by ID descending")
}

func testSection47(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, NewClock(msgNow))
	c := sc.child(0, "")
	mor, far := sc.guardian(""), sc.guardian("")
	sc.link(c, mor, withResponsibility)
	sc.link(c, far, withoutRequest)

	post := func(subject string) messaging.Thread {
		th, err := svc.Post(ctx, sc.staff(), messaging.Draft{Municipality: Oslo,
			About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID}, Subject: subject, Body: "Om barnet."})
		require.NoError(t, err)
		return th
	}
	post("Foreldresamtale")
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 1}, recipients(t, ctx, s, Oslo, "message.new"),
		"no parental responsibility, no request: nothing")
	require.NoError(t, svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "absence.undocumented",
		Child: c.ID, Key: "absence/1", Data: map[string]string{"child": c.GivenName, "date": "2025-03-07"}}))
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 1}, recipients(t, ctx, s, Oslo, "absence.undocumented"))

	// The § 47 request is registered: from now on the father is told.
	sc.link(c, far, withRequest)
	th := post("Utviklingssamtale")
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 2, far.ID: 1}, recipients(t, ctx, s, Oslo, "message.new"))
	v, err := svc.Read(ctx, domain.GuardianActor(Oslo, far.ID), Oslo, th.ID)
	require.NoError(t, err)
	assert.Len(t, v.Participants, 2, "a thread about a child: the guardians see each other")

	// Denied: nothing again.
	sc.link(c, far, domain.Guardianship{InformationRequested: true, InformationDenied: true})
	post("Etter vedtak")
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 3, far.ID: 1}, recipients(t, ctx, s, Oslo, "message.new"))
}

func testProtectedGuardian(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, NewClock(msgNow))
	c := sc.child(0, domain.ProtectionStrengtFortrolig)
	mor := sc.guardian(domain.ProtectionStrengtFortrolig)
	far := sc.guardian("")
	// The stepmother's address is fortrolig: e-mail is allowed, but she is
	// not listed either.
	stemor := sc.guardian(domain.ProtectionFortrolig)
	sc.link(c, mor, withResponsibility)
	sc.link(c, far, withResponsibility)
	sc.link(c, stemor, withResponsibility)
	// She prefers SMS; the protected channel overrides it.
	require.NoError(t, svc.SetContact(ctx, domain.GuardianActor(Oslo, mor.ID),
		messaging.Contact{Municipality: Oslo, Guardian: mor.ID, Language: messaging.English, Medium: messaging.SMS}))
	// Another guardian may not set her preference.
	err := svc.SetContact(ctx, domain.GuardianActor(Oslo, far.ID),
		messaging.Contact{Municipality: Oslo, Guardian: mor.ID, Language: messaging.Nynorsk, Medium: messaging.Email})
	assert.ErrorIs(t, err, domain.ErrForbidden)

	th, err := svc.Post(ctx, sc.staff(), messaging.Draft{Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID}, Subject: "Hei", Body: "Om barnet."})
	require.NoError(t, err)
	require.NoError(t, svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "invoice.ready", Guardian: mor.ID,
		Key: "invoice/2025-03/1", Data: map[string]string{"month": "March 2025", "amount": "1 200,00 kr", "due": "2025-03-20"}}))
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 4)
	for _, d := range ds {
		if d.Guardian == stemor.ID {
			assert.Equal(t, messaging.Email, d.Medium)
			continue
		}
		if d.Guardian == mor.ID {
			assert.Equal(t, messaging.DigitalMailbox, d.Medium, d.Kind)
			assert.Equal(t, mor.NationalID.String(), d.To)
			assert.Equal(t, messaging.English, d.Language)
			assert.NotContains(t, d.To, mor.Phone)
		} else {
			assert.Equal(t, messaging.Email, d.Medium)
			assert.Equal(t, far.Email, d.To)
		}
	}
	inv := slices.IndexFunc(ds, func(d messaging.Delivery) bool { return d.Kind == "invoice.ready" })
	require.GreaterOrEqual(t, inv, 0)
	assert.Equal(t, "The invoice for March 2025 is ready: 1 200,00 kr, due 2025-03-20, KID .", ds[inv].Body)

	// She never appears in a list shown to anyone, herself included.
	for _, a := range []domain.Actor{sc.staff(), domain.GuardianActor(Oslo, far.ID), domain.GuardianActor(Oslo, mor.ID),
		domain.CaseworkerActor(Oslo, "sb")} {
		v, err := svc.Read(ctx, a, Oslo, th.ID)
		require.NoError(t, err, a.String())
		for _, p := range v.Participants {
			assert.NotEqual(t, mor.ID, p.Guardian, a.String())
			assert.NotEqual(t, stemor.ID, p.Guardian, a.String())
		}
		assert.Len(t, v.Participants, 1, a.String())
	}
}

// testAddressesOutOfOutbox: the families messaging reads carry the
// registered addresses (a round trip through RecipientFamilies), and no
// delivery — its address, subject or body — ever holds one; the mother
// with a strengt fortrolig address is reached in the digital mailbox only.
func testAddressesOutOfOutbox(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, NewClock(msgNow))
	home := domain.Address{Street: "Hemmeligveien 7", Postcode: "0677", PostTown: "OSLO", Municipality: Oslo}
	c := sc.child(0, domain.ProtectionStrengtFortrolig)
	c.Address = home
	require.NoError(t, s.UpdateChild(ctx, c))
	mor := sc.guardian(domain.ProtectionStrengtFortrolig)
	mor.Address = home
	require.NoError(t, s.UpdateGuardian(ctx, mor))
	far := sc.guardian("")
	far.Address = domain.Address{Street: "Åpenveien 3", Postcode: "0655", PostTown: "OSLO", Municipality: Oslo}
	require.NoError(t, s.UpdateGuardian(ctx, far))
	sc.link(c, mor, domain.Guardianship{ParentalResponsibility: true, LivesWithChild: true})
	sc.link(c, far, withResponsibility)

	fams, err := s.RecipientFamilies(ctx, Oslo, []domain.ChildID{c.ID})
	require.NoError(t, err)
	require.Len(t, fams, 1)
	assert.Equal(t, c, fams[0].Child)
	require.Len(t, fams[0].Guardians, 2)
	for _, l := range fams[0].Guardians {
		want := far
		if l.Guardian.ID == mor.ID {
			want = mor
		}
		assert.Equal(t, want, l.Guardian)
	}

	_, err = svc.Post(ctx, sc.staff(), messaging.Draft{Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID}, Subject: "Hei", Body: "Om barnet."})
	require.NoError(t, err)
	require.NoError(t, svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "offer.sent", Child: c.ID, Key: "offer.sent/addr",
		Data: map[string]string{"unit": "Solsikken barnehage", "deadline": "1. april"}}))
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.NotEmpty(t, ds)
	for _, d := range ds {
		for _, part := range []string{"Hemmeligveien", "0677", "Åpenveien", "0655"} {
			assert.NotContains(t, d.To+" "+d.Subject+" "+d.Body, part, d.Kind)
		}
		if d.Guardian == mor.ID {
			assert.Equal(t, messaging.DigitalMailbox, d.Medium, d.Kind)
		}
	}
}

func testMessagingBadInput(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := &messaging.Service{Store: s, Clock: NewClock(msgNow), Limits: messaging.Limits{
		MaxBody: 100, MaxAttachmentBytes: 10, MaxAttachments: 2, AllowedTypes: []string{"application/pdf"}}}
	c := sc.child(0, "")
	mor := sc.guardian("")
	sc.link(c, mor, withResponsibility)
	onlyFar := sc.child(1, "")
	far := sc.guardian("")
	sc.link(onlyFar, far, withoutRequest)
	about := messaging.About{Scope: messaging.ScopeChild, Child: c.ID}
	pdf := messaging.Attachment{Name: "plan.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7")}

	tests := []struct {
		name  string
		draft messaging.Draft
		field string
	}{
		{"empty body", messaging.Draft{About: about, Subject: "s", Body: "  \n"}, "body"},
		{"too long body", messaging.Draft{About: about, Subject: "s", Body: string(make([]byte, 101))}, "body"},
		{"empty subject", messaging.Draft{About: about, Subject: "", Body: "b"}, "subject"},
		{"NUL in body", messaging.Draft{About: about, Subject: "s", Body: "Hei\x00"}, "body"},
		{"body of only NUL", messaging.Draft{About: about, Subject: "s", Body: "\x00"}, "body"},
		{"escape in body", messaging.Draft{About: about, Subject: "s", Body: "Hei\x1b[2J"}, "body"},
		{"NUL in subject", messaging.Draft{About: about, Subject: "s\x00", Body: "b"}, "subject"},
		{"line break in subject", messaging.Draft{About: about, Subject: "s\nBcc: x", Body: "b"}, "subject"},
		{"NUL in attachment name", messaging.Draft{About: about, Subject: "s", Body: "b",
			Attachments: []messaging.Attachment{{Name: "plan\x00.pdf", ContentType: "application/pdf", Data: []byte("x")}}}, "attachments[0].name"},
		{"oversized attachment", messaging.Draft{About: about, Subject: "s", Body: "b",
			Attachments: []messaging.Attachment{{Name: "big.pdf", ContentType: "application/pdf", Data: make([]byte, 11)}}}, "attachments[0].data"},
		{"disallowed type", messaging.Draft{About: about, Subject: "s", Body: "b",
			Attachments: []messaging.Attachment{pdf, {Name: "virus.exe", ContentType: "application/x-msdownload", Data: []byte("MZ")}}}, "attachments[1].contentType"},
		{"path in name", messaging.Draft{About: about, Subject: "s", Body: "b",
			Attachments: []messaging.Attachment{{Name: "../etc/passwd", ContentType: "application/pdf", Data: []byte("x")}}}, "attachments[0].name"},
		{"unknown child", messaging.Draft{About: messaging.About{Scope: messaging.ScopeChild, Child: domain.NewID[domain.Child]()},
			Subject: "s", Body: "b"}, "about.child"},
		{"unknown group", messaging.Draft{About: messaging.About{Scope: messaging.ScopeGroup, Group: domain.NewID[domain.Group]()},
			Subject: "s", Body: "b"}, "about.group"},
		{"unknown scope", messaging.Draft{About: messaging.About{Scope: "class"}, Subject: "s", Body: "b"}, "about.scope"},
		{"no guardian may receive", messaging.Draft{About: messaging.About{Scope: messaging.ScopeChild, Child: onlyFar.ID},
			Subject: "s", Body: "b"}, "about"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.draft.Municipality = Oslo
			_, err := svc.Post(ctx, domain.CaseworkerActor(Oslo, "sb"), tt.draft)
			requireField(t, err, domain.ErrInvalid, tt.field)
			var v *domain.ValidationError
			require.True(t, errors.As(err, &v))
			assert.NotEmpty(t, v.Fields[0].Reason)
		})
	}
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, ds, "nothing enqueued")
	for _, g := range []domain.GuardianID{mor.ID, far.ID} {
		ts, err := s.GuardianThreads(ctx, Oslo, g)
		require.NoError(t, err)
		assert.Empty(t, ts, "no thread written")
	}

	// A good one with a PDF goes through and keeps the attachment.
	th, err := svc.Post(ctx, sc.staff(), messaging.Draft{Municipality: Oslo, About: about, Subject: "Plan", Body: "Vedlagt.",
		Attachments: []messaging.Attachment{pdf}})
	require.NoError(t, err)
	v, err := svc.Read(ctx, sc.staff(), Oslo, th.ID)
	require.NoError(t, err)
	require.Len(t, v.Messages, 1)
	assert.Equal(t, []messaging.Attachment{pdf}, v.Messages[0].Attachments)
	// A bad reply writes nothing either.
	_, err = svc.Reply(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, th.ID, "", nil)
	requireField(t, err, domain.ErrInvalid, "body")
	_, err = svc.Reply(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, domain.NewID[messaging.Thread](), "Hei", nil)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	v, err = svc.Read(ctx, sc.staff(), Oslo, th.ID)
	require.NoError(t, err)
	assert.Len(t, v.Messages, 1)

	// Store level: a delivery without an address, and a notice for an
	// unknown guardian.
	_, err = s.Enqueue(ctx, []messaging.Delivery{{ID: domain.NewID[messaging.Delivery](), Municipality: Oslo, Key: "k",
		Guardian: mor.ID, Medium: messaging.Email, Body: "b", State: messaging.Pending, NextAt: msgNow, CreatedAt: msgNow}})
	requireField(t, err, domain.ErrInvalid, "deliveries[0].to")
	err = svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "invoice.ready", Guardian: domain.NewID[domain.Guardian](), Key: "x"})
	requireField(t, err, domain.ErrInvalid, "guardian")
	err = svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "invoice.ready", Key: "x"})
	requireField(t, err, domain.ErrInvalid, "child")
	ds, err = s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, ds, 1, "only the good post's notification")

	// Store level: a thread whose first message or participant belongs to
	// another thread (messaging.CheckThread), an outcome that is none.
	other := th
	other.ID = domain.NewID[messaging.Thread]()
	first := v.Messages[0]
	first.ID = domain.NewID[messaging.Message]()
	requireField(t, s.CreateThread(ctx, other, first, nil), domain.ErrInvalid, "thread")
	first.Thread = other.ID
	requireField(t, s.CreateThread(ctx, other, first, []messaging.Participant{{Municipality: Oslo, Thread: th.ID, Guardian: mor.ID}}),
		domain.ErrInvalid, "participants[0]")
	_, err = s.Thread(ctx, Oslo, other.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	requireField(t, s.Settle(ctx, []messaging.Outcome{{Delivery: ds[0].ID, Municipality: Oslo, State: "maybe", At: msgNow}}),
		domain.ErrInvalid, "state")
	after, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, ds, after, "nothing settled")
}

func testReplies(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	clock := NewClock(msgNow)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, clock)
	c := sc.child(0, "")
	mor, far := sc.guardian(""), sc.guardian("")
	sc.link(c, mor, withResponsibility)
	sc.link(c, far, withResponsibility)
	th, err := svc.Post(ctx, sc.staff(), messaging.Draft{Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID}, Subject: "Sovetid", Body: "Hvordan sover hun?"})
	require.NoError(t, err)

	clock.Advance(time.Hour)
	reply, err := svc.Reply(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, th.ID, "Godt, takk.", nil)
	require.NoError(t, err)
	require.NoError(t, svc.MarkRead(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, th.ID))
	assert.ErrorIs(t, svc.MarkRead(ctx, sc.staff(), Oslo, th.ID), domain.ErrForbidden)

	v, err := svc.Read(ctx, sc.staff(), Oslo, th.ID)
	require.NoError(t, err)
	require.Len(t, v.Messages, 2)
	assert.Equal(t, reply.ID, v.Messages[1].ID)
	assert.Equal(t, mor.ID, v.Messages[1].Author.Guardian)
	read := map[domain.GuardianID]time.Time{}
	for _, p := range v.Participants {
		read[p.Guardian] = p.ReadAt
	}
	assert.True(t, read[mor.ID].Equal(msgNow.Add(time.Hour)), "read at %v", read[mor.ID])
	assert.True(t, read[far.ID].IsZero(), "unread")
	// The mother's reply notified the father (and the staff post both).
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 1, far.ID: 2}, recipients(t, ctx, s, Oslo, "message.new"))
	// Another municipality sees nothing.
	_, err = s.Thread(ctx, Bergen, th.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = svc.Read(ctx, domain.CaseworkerActor(Bergen, "sb"), Oslo, th.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

func testGuardianWrites(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, NewClock(msgNow))
	c := sc.child(0, "")
	mor, stranger := sc.guardian(""), sc.guardian("")
	sc.link(c, mor, withResponsibility)
	draft := messaging.Draft{Municipality: Oslo, About: messaging.About{Scope: messaging.ScopeUnit, Unit: sc.unit.ID},
		Subject: "Henting", Body: "Bestemor henter i dag."}

	th, err := svc.Post(ctx, domain.GuardianActor(Oslo, mor.ID), draft)
	require.NoError(t, err)
	assert.Equal(t, sc.unit.ID, th.Unit)
	_, err = svc.Post(ctx, domain.GuardianActor(Oslo, stranger.ID), draft)
	assert.ErrorIs(t, err, domain.ErrForbidden, "no child in the unit")
	bulletin := draft
	bulletin.Bulletin = true
	_, err = svc.Post(ctx, domain.GuardianActor(Oslo, mor.ID), bulletin)
	requireField(t, err, domain.ErrInvalid, "bulletin")

	// The unit's staff read and answer; the answer notifies the mother.
	_, err = svc.Reply(ctx, sc.staff(), Oslo, th.ID, "Notert!", nil)
	require.NoError(t, err)
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 1}, recipients(t, ctx, s, Oslo, "message.new"))
}

// The display name of who wrote a thread and each message is kept with
// them, and notifications name the author by it, never by the login ID.
func testAuthorNames(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, NewClock(msgNow))
	c := sc.child(0, "")
	mor := sc.guardian("")
	sc.link(c, mor, withResponsibility)
	staff := sc.staff().Named("Kari Lærer")
	th, err := svc.Post(ctx, staff, messaging.Draft{Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID}, Subject: "Tur", Body: "Tur i morgen."})
	require.NoError(t, err)
	_, err = svc.Reply(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, th.ID, "Takk!", nil)
	require.NoError(t, err)
	_, err = svc.Reply(ctx, sc.staff().Named("Per Pedagog"), Oslo, th.ID, "Vel møtt.", nil)
	require.NoError(t, err)

	got, err := s.Thread(ctx, Oslo, th.ID)
	require.NoError(t, err)
	assert.Equal(t, messaging.Author{Role: domain.RoleStaff, Subject: "ansatt-1", Name: "Kari Lærer"}, got.Author)
	msgs, err := s.Messages(ctx, Oslo, th.ID)
	require.NoError(t, err)
	require.Len(t, msgs, 3)
	assert.Equal(t, []string{"Kari Lærer", "", "Per Pedagog"}, []string{msgs[0].Author.Name, msgs[1].Author.Name, msgs[2].Author.Name})
	ts, err := s.GuardianThreads(ctx, Oslo, mor.ID)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, "Kari Lærer", ts[0].Author.Name)
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	var bodies []string
	for _, d := range ds {
		bodies = append(bodies, d.Body)
		assert.NotContains(t, d.Body, "ansatt-1")
	}
	assert.ElementsMatch(t, []string{
		"Du har en ny melding fra Kari Lærer: «Tur». Logg inn for å lese den.",
		"Du har en ny melding fra Per Pedagog: «Tur». Logg inn for å lese den.",
	}, bodies)
}

// ThreadsOf reads the threads of many guardians at once, each thread once,
// newest first; Tallies reads each thread's message count and newest
// message at once. Neither sees another municipality's.
func testThreadsOfAndTallies(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	clock := NewClock(msgNow)
	svc := service(s, clock)
	c1, c2, c3 := sc.child(0, ""), sc.child(0, ""), sc.child(0, "")
	mor, far, other := sc.guardian(""), sc.guardian(""), sc.guardian("")
	sc.link(c1, mor, withResponsibility)
	sc.link(c1, far, withResponsibility)
	sc.link(c2, far, withResponsibility)
	sc.link(c3, other, withResponsibility)
	post := func(c domain.Child, subject string) messaging.Thread {
		t.Helper()
		clock.Advance(time.Minute)
		th, err := svc.Post(ctx, sc.staff(), messaging.Draft{Municipality: Oslo,
			About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID}, Subject: subject, Body: "Hei."})
		require.NoError(t, err)
		return th
	}
	a, b, c := post(c1, "A"), post(c2, "B"), post(c3, "C")
	clock.Advance(time.Minute)
	reply, err := svc.Reply(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, a.ID, "Takk!", nil)
	require.NoError(t, err)

	ts, err := s.ThreadsOf(ctx, Oslo, []domain.GuardianID{mor.ID, far.ID, mor.ID, domain.NewID[domain.Guardian]()})
	require.NoError(t, err)
	want := []messaging.Thread{a, b}
	messaging.SortThreads(want)
	var got []messaging.ThreadID
	for _, th := range ts {
		got = append(got, th.ID)
	}
	assert.Equal(t, []messaging.ThreadID{want[0].ID, want[1].ID}, got, "a thread of two of the guardians once; not the other family's")
	assert.Equal(t, "A", map[messaging.ThreadID]string{ts[0].ID: ts[0].Subject, ts[1].ID: ts[1].Subject}[a.ID])
	none, err := s.ThreadsOf(ctx, Oslo, nil)
	require.NoError(t, err)
	assert.Empty(t, none)
	elsewhere, err := s.ThreadsOf(ctx, Bergen, []domain.GuardianID{mor.ID})
	require.NoError(t, err)
	assert.Empty(t, elsewhere, "another municipality's guardian")

	tallies, err := s.Tallies(ctx, Oslo, []messaging.ThreadID{a.ID, b.ID, domain.NewID[messaging.Thread]()})
	require.NoError(t, err)
	require.Len(t, tallies, 2, "an unknown thread is left out; C was not asked for")
	assert.Equal(t, 2, tallies[a.ID].Messages)
	assert.Equal(t, reply.ID, tallies[a.ID].Last.ID, "the newest message")
	assert.Equal(t, domain.RoleGuardian, tallies[a.ID].Last.Author.Role)
	assert.Equal(t, 1, tallies[b.ID].Messages)
	assert.Equal(t, b.ID, tallies[b.ID].Last.Thread)
	assert.Equal(t, "Hei.", tallies[b.ID].Last.Body)
	empty, err := s.Tallies(ctx, Oslo, nil)
	require.NoError(t, err)
	assert.Empty(t, empty)
	elsewhereTallies, err := s.Tallies(ctx, Bergen, []messaging.ThreadID{a.ID})
	require.NoError(t, err)
	assert.Empty(t, elsewhereTallies, "another municipality's thread")
	_ = c
}

// A § 47 parent of a child with a strengt fortrolig address: writing to the
// child's unit is refused as at any other unit, and a thread about the
// child reads without its unit or its authors' names.
func testWhereaboutsHidden(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	other := newSchoolWith(t, ctx, s, sc.f)
	svc := service(s, NewClock(msgNow))
	c := sc.child(1, domain.ProtectionStrengtFortrolig)
	mor, far := sc.guardian(domain.ProtectionStrengtFortrolig), sc.guardian("")
	sc.link(c, mor, withResponsibility)
	sc.link(c, far, withRequest)
	farActor := domain.GuardianActor(Oslo, far.ID)
	for _, u := range []domain.UnitID{sc.unit.ID, other.unit.ID} {
		_, err := svc.Post(ctx, farActor, messaging.Draft{Municipality: Oslo,
			About: messaging.About{Scope: messaging.ScopeUnit, Unit: u}, Subject: "Hei", Body: "Hei"})
		assert.ErrorIs(t, err, domain.ErrForbidden, "the same at every unit")
	}
	th, err := svc.Post(ctx, sc.staff().Named("Kari Lærer"), messaging.Draft{Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: c.ID}, Subject: "Samtale", Body: "Velkommen."})
	require.NoError(t, err)
	v, err := svc.Read(ctx, farActor, Oslo, th.ID)
	require.NoError(t, err)
	assert.True(t, v.HideWhereabouts)
	assert.True(t, v.Thread.Unit.IsZero())
	assert.Equal(t, messaging.Author{Role: domain.RoleStaff}, v.Messages[0].Author)
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	for _, d := range ds {
		if d.Guardian == far.ID {
			assert.Equal(t, "Du har en ny melding: «Samtale». Logg inn for å lese den.", d.Body)
		} else {
			assert.Contains(t, d.Body, "Kari Lærer")
		}
	}
}

// A notice to a staff member is one e-mail to the work address, once per
// key, claimed and settled like any delivery; a member without a work
// address is refused on "staff" with nothing written.
func testNotifyStaff(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	svc := service(s, NewClock(msgNow))
	kari := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: Oslo, Name: "Kari Lærer",
		Principal: "kari@oslo.kommune.no", Email: "kari.laerer@oslo.kommune.no"}
	ola := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: Oslo, Name: "Ola Leder", Principal: "ola@oslo.kommune.no"}
	require.NoError(t, s.CreateStaffMember(ctx, kari))
	require.NoError(t, s.CreateStaffMember(ctx, ola))

	n := domain.Notice{Municipality: Oslo, Kind: "special-education.staff-overdue", Staff: kari.ID, Key: "se/1",
		Data: map[string]string{"step.nb": "Sakkyndig vurdering", "due": "2025-03-01", "link": "https://oppvekst.example/special-education/1"}}
	require.NoError(t, svc.Notify(ctx, n))
	require.NoError(t, svc.Notify(ctx, n), "the same key again")
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	d := ds[0]
	assert.Equal(t, kari.ID, d.Staff)
	assert.True(t, d.Guardian.IsZero())
	assert.Equal(t, messaging.Email, d.Medium)
	assert.Equal(t, "kari.laerer@oslo.kommune.no", d.To)
	assert.Equal(t, "se/1/"+kari.ID.String(), d.Key)
	assert.Contains(t, d.Body, "Sakkyndig vurdering")
	assert.Contains(t, d.Body, "https://oppvekst.example/special-education/1")

	claimed, err := s.Claim(ctx, msgNow, msgNow.Add(time.Minute), 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	assert.Equal(t, kari.ID, claimed[0].Staff, "the claim reads the staff recipient")

	err = svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "special-education.staff-overdue", Staff: ola.ID, Key: "se/2"})
	assert.Equal(t, "staff", domain.FieldOf(err))
	err = svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "special-education.staff-overdue",
		Staff: domain.NewID[domain.StaffMember](), Key: "se/3"})
	assert.Equal(t, "staff", domain.FieldOf(err))
	ds, err = s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, ds, 1, "nothing written for a member without a work address")

	// The store refuses a delivery to both a guardian and a staff member.
	both := d
	both.ID, both.Key, both.Guardian, both.State, both.Attempts = domain.NewID[messaging.Delivery](), "se/4", domain.NewID[domain.Guardian](), messaging.Pending, 0
	_, err = s.Enqueue(ctx, []messaging.Delivery{both})
	var ve *domain.ValidationError
	assert.ErrorAs(t, err, &ve)
}

func testNotify(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	svc := service(s, NewClock(msgNow))
	c := sc.child(0, "")
	mor, far := sc.guardian(""), sc.guardian("")
	sc.link(c, mor, withResponsibility)
	sc.link(c, far, withResponsibility)
	require.NoError(t, svc.SetContact(ctx, domain.GuardianActor(Oslo, far.ID),
		messaging.Contact{Municipality: Oslo, Guardian: far.ID, Language: messaging.Nynorsk, Medium: messaging.SMS}))

	n := domain.Notice{Municipality: Oslo, Kind: "offer.sent", Child: c.ID, Key: "offer.sent/1",
		Data: map[string]string{"child": "Ada", "unit": "Solsikken barnehage", "deadline": "1. april", "unused": "x"}}
	require.NoError(t, svc.Notify(ctx, n))
	require.NoError(t, svc.Notify(ctx, n), "the same key again")
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 2, "idempotent on the key")
	byG := map[domain.GuardianID]messaging.Delivery{}
	for _, d := range ds {
		byG[d.Guardian] = d
	}
	assert.Equal(t, "Ada har fått tilbud om plass i Solsikken barnehage. Svar innen 1. april.", byG[mor.ID].Body)
	assert.Equal(t, messaging.Email, byG[mor.ID].Medium)
	assert.Equal(t, "Tilbod om plass i Solsikken barnehage", byG[far.ID].Subject)
	assert.Equal(t, messaging.SMS, byG[far.ID].Medium)
	assert.Equal(t, far.Phone, byG[far.ID].To)
	assert.Equal(t, "offer.sent/1/"+far.ID.String(), byG[far.ID].Key)

	// The same notice raised by several requests at once still notifies
	// each guardian once.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			errs <- svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "offer.lapsing", Child: c.ID, Key: "offer.lapsing/1"})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 1, far.ID: 1}, recipients(t, ctx, s, Oslo, "offer.lapsing"))

	// A notice raised in a transaction that rolls back is gone with it.
	errBoom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if err := svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "invoice.ready", Child: c.ID, Key: "invoice/9"}); err != nil {
			return err
		}
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	ds, err = s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, ds, 4)

	// An unknown kind renders the fallback; a bad notice is refused.
	require.NoError(t, svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "something.new", Guardian: mor.ID, Key: "k"}))
	assert.Equal(t, map[domain.GuardianID]int{mor.ID: 1}, recipients(t, ctx, s, Oslo, "something.new"))
	requireField(t, svc.Notify(ctx, domain.Notice{Municipality: Oslo, Kind: "Bad", Child: c.ID, Key: "k"}), domain.ErrInvalid, "kind")
}

// testNotifyAll raises the same notices with NotifyAll on a and with
// Notify one by one on b (the same people on both): the deliveries are
// the same, a protected guardian's included, and a notice to a guardian
// the municipality does not have refuses them all.
func testNotifyAll(t *testing.T, a, b MessagingStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	type side struct {
		s   MessagingStore
		svc *messaging.Service
		ns  []domain.Notice
	}
	sides := []*side{{s: a}, {s: b}}
	people := []domain.Guardian{f.guardian(t), f.guardian(t), f.guardian(t)}
	people[1].AddressProtection = domain.ProtectionStrengtFortrolig
	for _, sd := range sides {
		sd.svc = service(sd.s, NewClock(msgNow))
		for _, g := range people {
			require.NoError(t, sd.s.CreateGuardian(ctx, g))
		}
		require.NoError(t, sd.svc.SetContact(ctx, domain.GuardianActor(Oslo, people[2].ID),
			messaging.Contact{Municipality: Oslo, Guardian: people[2].ID, Language: messaging.English, Medium: messaging.SMS}))
		for i, g := range []domain.Guardian{people[0], people[1], people[2], people[0]} {
			sd.ns = append(sd.ns, domain.Notice{Municipality: Oslo, Kind: "invoice.ready", Guardian: g.ID,
				Key: fmt.Sprintf("invoice.ready/%d", i), Data: map[string]string{"month": "2024-09",
					"amount": fmt.Sprintf("%d,00 kr", 1000+i), "kid": fmt.Sprint(i), "due": "2024-09-20"}})
		}
	}
	require.NoError(t, sides[0].svc.NotifyAll(ctx, sides[0].ns))
	require.NoError(t, sides[0].svc.NotifyAll(ctx, sides[0].ns), "the same keys again")
	for _, n := range sides[1].ns {
		require.NoError(t, sides[1].svc.Notify(ctx, n))
	}
	type row struct {
		key, to, subject, body string
		medium                 messaging.Medium
		lang                   messaging.Language
		next                   time.Time
	}
	rows := func(s MessagingStore) []row {
		ds, err := s.Deliveries(ctx, Oslo)
		require.NoError(t, err)
		var out []row
		for _, d := range ds {
			out = append(out, row{d.Key, d.To, d.Subject, d.Body, d.Medium, d.Language, d.NextAt.UTC()})
		}
		slices.SortFunc(out, func(x, y row) int { return strings.Compare(x.key, y.key) })
		return out
	}
	got, want := rows(a), rows(b)
	require.Len(t, want, 4)
	assert.Equal(t, want, got)
	assert.Equal(t, messaging.DigitalMailbox, got[1].medium, "the protected guardian: the digital mailbox only")
	assert.Equal(t, messaging.SMS, got[2].medium)
	assert.Contains(t, got[3].body, "1003,00 kr", "each notice its own data")

	// A guardian the municipality does not have refuses them all.
	bad := append(slices.Clone(sides[0].ns[:1]), domain.Notice{Municipality: Oslo, Kind: "invoice.ready",
		Guardian: domain.NewID[domain.Guardian](), Key: "invoice.ready/x"})
	bad[0].Key = "invoice.ready/new"
	requireField(t, sides[0].svc.NotifyAll(ctx, bad), domain.ErrInvalid, "guardian")
	assert.Len(t, rows(a), 4, "nothing written")
}

// recorder is a transport that records what it sends and can fail.
type recorder struct {
	medium messaging.Medium
	mu     sync.Mutex
	sent   []string // keys, in order, repeats included
	fail   func(d messaging.Delivery) error
	after  func() // called after each successful send
}

func (r *recorder) Medium() messaging.Medium { return r.medium }

func (r *recorder) Send(ctx context.Context, d messaging.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.fail != nil {
		if err := r.fail(d); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.sent = append(r.sent, d.Key)
	r.mu.Unlock()
	if r.after != nil {
		r.after()
	}
	return nil
}

func (r *recorder) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}

// enqueue writes n e-mail deliveries directly.
func enqueue(t testing.TB, ctx context.Context, s MessagingStore, m domain.Municipality, g domain.GuardianID, n int, now time.Time) []string {
	t.Helper()
	ds := make([]messaging.Delivery, n)
	keys := make([]string, n)
	for i := range ds {
		keys[i] = fmt.Sprintf("test/%05d/%s", i, g)
		ds[i] = messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: keys[i], Kind: "message.new",
			Guardian: g, Medium: messaging.Email, To: "forelder@example.no", Language: messaging.Bokmal,
			Subject: "Ny melding", Body: fmt.Sprintf("Melding %d", i), State: messaging.Pending, NextAt: now, CreatedAt: now}
	}
	written, err := s.Enqueue(ctx, ds)
	require.NoError(t, err)
	require.Equal(t, n, written)
	return keys
}

func testRetry(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	g := sc.guardian("")
	clock := NewClock(msgNow)
	keys := enqueue(t, ctx, s, Oslo, g.ID, 2, msgNow)
	// keys[0] always fails, retryably; keys[1] permanently.
	tr := &recorder{medium: messaging.Email, fail: func(d messaging.Delivery) error {
		if d.Key == keys[1] {
			return messaging.Permanent(errors.New("550 no such mailbox"))
		}
		return errors.New("421 try again")
	}}
	disp := &messaging.Dispatcher{Outbox: s, Transports: []messaging.Transport{tr}, Clock: clock,
		Backoff: messaging.Backoff{Initial: time.Minute, Max: 5 * time.Minute, Factor: 2, Limit: 4}}
	n, err := disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	state := func() map[string]messaging.Delivery {
		ds, err := s.Deliveries(ctx, Oslo)
		require.NoError(t, err)
		out := map[string]messaging.Delivery{}
		for _, d := range ds {
			out[d.Key] = d
		}
		return out
	}
	st := state()
	assert.Equal(t, messaging.Dead, st[keys[1]].State, "permanent failure: dead at once")
	assert.Equal(t, 1, st[keys[1]].Attempts)
	assert.Contains(t, st[keys[1]].LastError, "550")
	assert.Equal(t, messaging.Pending, st[keys[0]].State)
	assert.True(t, st[keys[0]].NextAt.Equal(msgNow.Add(time.Minute)), "first retry after Initial: %v", st[keys[0]].NextAt)

	// Not due yet: nothing claimed.
	n, err = disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	// Backoff 1, 2, 4 minutes; the fourth attempt is the limit: dead.
	for i, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		clock.Advance(wait)
		n, err = disp.RunOnce(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n, "attempt %d", i+2)
	}
	st = state()
	assert.Equal(t, messaging.Dead, st[keys[0]].State)
	assert.Equal(t, 4, st[keys[0]].Attempts)
	assert.Contains(t, st[keys[0]].LastError, "421")
	assert.True(t, st[keys[0]].DoneAt.Equal(msgNow.Add(7*time.Minute)))
	clock.Advance(time.Hour)
	n, err = disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "dead letters are not claimed")

	// A medium without a transport is a permanent failure.
	ds := []messaging.Delivery{{ID: domain.NewID[messaging.Delivery](), Municipality: Oslo, Key: "sms/1", Kind: "k",
		Guardian: g.ID, Medium: messaging.SMS, To: "+4799999999", Body: "b", State: messaging.Pending, NextAt: clock.Now(), CreatedAt: clock.Now()}}
	_, err = s.Enqueue(ctx, ds)
	require.NoError(t, err)
	_, err = disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, messaging.Dead, state()["sms/1"].State)
}

// switches is a messaging.Gate: the integrations switched off, by
// municipality.
type switches struct {
	mu  sync.Mutex
	off map[domain.Municipality]domain.Integration
}

func (g *switches) Open(_ context.Context, m domain.Municipality, i domain.Integration) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.off[m] != i, nil
}

// switchOn switches the municipality's integrations on again.
func (g *switches) switchOn(m domain.Municipality) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.off, m)
}

// testHeld: a municipality that switches e-mail off has its e-mails held
// in the outbox, pending and with no attempt counted however often they
// are held, while another municipality's are sent; switched on, they go.
func testHeld(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	gOslo := newSchool(t, ctx, s, Oslo).guardian("")
	gBergen := newSchool(t, ctx, s, Bergen).guardian("")
	clock := NewClock(msgNow)
	osloKeys := enqueue(t, ctx, s, Oslo, gOslo.ID, 2, msgNow)
	bergenKeys := enqueue(t, ctx, s, Bergen, gBergen.ID, 2, msgNow)
	gate := &switches{off: map[domain.Municipality]domain.Integration{Oslo: domain.IntegrationEmail}}
	tr := &recorder{medium: messaging.Email}
	disp := &messaging.Dispatcher{Outbox: s, Transports: []messaging.Transport{tr}, Clock: clock, Gate: gate, Hold: time.Minute,
		Backoff: messaging.Backoff{Initial: time.Minute, Max: time.Minute, Factor: 1, Limit: 2}}
	for range 5 { // more holds than the backoff's limit of attempts
		_, err := disp.RunOnce(ctx)
		require.NoError(t, err)
		clock.Advance(time.Minute)
	}
	assert.ElementsMatch(t, bergenKeys, tr.sent, "Bergen's e-mails are sent, Oslo's are not")
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	for _, d := range ds {
		assert.Equal(t, messaging.Pending, d.State, "held, not failed")
		assert.Zero(t, d.Attempts, "a hold counts no attempt")
		assert.Contains(t, d.LastError, "switched off")
	}

	gate.switchOn(Oslo)
	_, err = disp.RunOnce(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, append(slices.Clone(bergenKeys), osloKeys...), tr.sent, "switched on: sent")
	ds, err = s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	for _, d := range ds {
		assert.Equal(t, messaging.Sent, d.State)
		assert.Equal(t, 1, d.Attempts)
	}
}

// outboxRun is the set-up the crash and concurrency tests of the
// dispatcher share: n deliveries to one guardian in Oslo's outbox, a
// recording transport and a clock standing at msgNow.
type outboxRun struct {
	t     *testing.T
	ctx   context.Context
	s     MessagingStore
	clock *Clock
	keys  []string
	tr    *recorder
}

func newOutboxRun(t *testing.T, s MessagingStore, n int) *outboxRun {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	g := sc.guardian("")
	return &outboxRun{t: t, ctx: ctx, s: s, clock: NewClock(msgNow),
		keys: enqueue(t, ctx, s, Oslo, g.ID, n, msgNow), tr: &recorder{medium: messaging.Email}}
}

// dispatcher is a dispatcher of the run's outbox through its recorder.
func (o *outboxRun) dispatcher(lease time.Duration, batch, concurrency int) *messaging.Dispatcher {
	return &messaging.Dispatcher{Outbox: o.s, Transports: []messaging.Transport{o.tr}, Clock: o.clock,
		Lease: lease, Batch: batch, Concurrency: concurrency}
}

// killAfter makes the recorder cancel the returned context after its
// sends-th send: the dispatcher dies between sending and recording.
func (o *outboxRun) killAfter(sends int) context.Context {
	runCtx, kill := context.WithCancel(o.ctx)
	var n int
	var mu sync.Mutex
	o.tr.after = func() {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == sends {
			kill()
		}
	}
	return runCtx
}

// sentCounts counts how often each key arrived and checks that every key
// of the outbox arrived and no other.
func (o *outboxRun) sentCounts() map[string]int {
	counts := map[string]int{}
	for _, k := range o.tr.keys() {
		counts[k]++
	}
	assert.Len(o.t, counts, len(o.keys), "only the outbox's keys")
	for _, k := range o.keys {
		assert.GreaterOrEqual(o.t, counts[k], 1, "%s arrived", k)
	}
	return counts
}

// allSent checks that the store recorded every delivery as sent.
func (o *outboxRun) allSent() {
	ds, err := o.s.Deliveries(o.ctx, Oslo)
	require.NoError(o.t, err)
	for _, d := range ds {
		assert.Equal(o.t, messaging.Sent, d.State, d.Key)
	}
}

// race runs three dispatchers (lease an hour, batches of 7, 3 at a time)
// at once, each through run, and checks that every delivery was sent
// exactly once by one of them. It returns what the runs returned, added.
func (o *outboxRun) race(run func(d *messaging.Dispatcher) (int, error)) int {
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	claimed := make(chan int, 3)
	for range 3 {
		wg.Go(func() {
			n, err := run(o.dispatcher(time.Hour, 7, 3))
			claimed <- n
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	close(claimed)
	for err := range errs {
		require.NoError(o.t, err)
	}
	total := 0
	for n := range claimed {
		total += n
	}
	got := o.tr.keys()
	slices.Sort(got)
	assert.Equal(o.t, o.keys, got, "every delivery sent exactly once by one of the dispatchers")
	return total
}

// untilEmpty runs d until a round claims nothing.
func untilEmpty(t *testing.T, ctx context.Context, d *messaging.Dispatcher) {
	for {
		n, err := d.RunOnce(ctx)
		require.NoError(t, err)
		if n == 0 {
			return
		}
	}
}

func testDispatcherCrash(t *testing.T, s MessagingStore) {
	o := newOutboxRun(t, s, 25)
	// The first dispatcher is killed after its fifth send: its ctx is
	// cancelled between sending and recording the outcomes.
	_, err := o.dispatcher(time.Minute, 10, 2).RunOnce(o.killAfter(5))
	require.ErrorIs(t, err, context.Canceled)
	sentBefore := o.tr.keys()
	require.GreaterOrEqual(t, len(sentBefore), 5)

	// Restarted (a new dispatcher, the same outbox) before the lease has
	// run out: the killed batch is still leased; the rest goes.
	o.tr.after = nil
	second := o.dispatcher(time.Minute, 10, 2)
	untilEmpty(t, o.ctx, second)
	// After the lease the killed batch is sent again.
	o.clock.Advance(2 * time.Minute)
	untilEmpty(t, o.ctx, second)
	counts := o.sentCounts()
	repeats := 0
	for _, k := range sentBefore {
		if counts[k] > 1 {
			repeats++
		}
		assert.LessOrEqual(t, counts[k], 2, "%s at most repeated once", k)
	}
	assert.Equal(t, len(sentBefore), repeats, "what the killed dispatcher sent came again, with the same key")
	assert.Len(t, o.tr.keys(), len(o.keys)+len(sentBefore))
	o.allSent()
}

func testConcurrentDispatchers(t *testing.T, s MessagingStore) {
	o := newOutboxRun(t, s, 200)
	o.race(func(d *messaging.Dispatcher) (int, error) {
		total := 0
		for {
			n, err := d.RunOnce(o.ctx)
			if err != nil || n == 0 {
				return total, err
			}
			total += n
		}
	})
}

// A dispatcher draining the outbox (Drain: the next batch claimed and the
// last one recorded while a batch is sent) is killed in its second batch:
// what it sent and had not recorded comes again after the lease, with the
// same key; what it recorded does not; nothing is lost.
func testDrainCrash(t *testing.T, s MessagingStore) {
	o := newOutboxRun(t, s, 40)
	_, err := o.dispatcher(time.Minute, 10, 2).Drain(o.killAfter(15))
	require.ErrorIs(t, err, context.Canceled)
	sentBefore := o.tr.keys()
	require.GreaterOrEqual(t, len(sentBefore), 15)
	ds, err := s.Deliveries(o.ctx, Oslo)
	require.NoError(t, err)
	recorded := map[string]bool{}
	for _, d := range ds {
		recorded[d.Key] = d.State == messaging.Sent
	}

	o.tr.after = nil
	second := o.dispatcher(time.Minute, 10, 2)
	_, err = second.Drain(o.ctx)
	require.NoError(t, err)
	o.clock.Advance(2 * time.Minute)
	_, err = second.Drain(o.ctx)
	require.NoError(t, err)

	counts := o.sentCounts()
	for _, k := range sentBefore {
		if recorded[k] {
			assert.Equal(t, 1, counts[k], "%s was recorded as sent: not sent again", k)
		} else {
			assert.Equal(t, 2, counts[k], "%s was sent and not recorded: sent again, once", k)
		}
	}
	o.allSent()
}

// Three dispatchers drain one outbox at once: every delivery is sent
// exactly once.
func testConcurrentDrains(t *testing.T, s MessagingStore) {
	o := newOutboxRun(t, s, 200)
	total := o.race(func(d *messaging.Dispatcher) (int, error) { return d.Drain(o.ctx) })
	assert.Equal(t, len(o.keys), total, "the claims add up to the outbox")
}

// A bulletin's many deliveries (the stores' bulk path) enqueued again with
// some new ones, and with a key twice in one call: the existing keys are
// skipped, in a transaction that goes on, and every other delivery is
// written once.
func testEnqueueManyAgain(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	first := bulletinDeliveries(Oslo, 0, 1200, msgNow)
	written, err := s.Enqueue(ctx, first)
	require.NoError(t, err)
	require.Equal(t, len(first), written)

	more := bulletinDeliveries(Oslo, 1, 300, msgNow)
	again := slices.Clone(first)
	for i := range again {
		again[i].ID = domain.NewID[messaging.Delivery]() // the same key, a new row
	}
	twice := more[0]
	twice.ID = domain.NewID[messaging.Delivery]()
	all := append(append(again, more...), twice)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		written, err := s.Enqueue(ctx, all)
		if err != nil {
			return err
		}
		assert.Equal(t, len(more), written, "only the new keys, once each")
		// The transaction goes on after the bulk path gave way.
		n, err := s.Enqueue(ctx, bulletinDeliveries(Oslo, 2, 3, msgNow))
		assert.Equal(t, 3, n)
		return err
	}))
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, ds, len(first)+len(more)+3)
	ids := map[messaging.DeliveryID]bool{}
	for _, d := range ds {
		ids[d.ID] = true
	}
	for _, d := range first {
		assert.True(t, ids[d.ID], "the first write of %s stands", d.Key)
	}
}
