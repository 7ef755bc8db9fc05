package specialed_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/specialed"
)

// clock is a clock a test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type world struct {
	store                     *sqlite.Store
	svc                       *specialed.Service
	clock                     *clock
	m, other                  domain.Municipality
	school, otherSchool       domain.Unit
	child                     domain.Child
	mother, father            domain.Guardian
	teacher, leader, stranger domain.Actor
	caseworker, billingWorker domain.Actor
	foreignWorker, pptWorker  domain.Actor
	ppt                       specialed.PPT
	notices                   []domain.Notice
}

func setup(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	w := &world{store: store, m: domain.MustMunicipality("0301"), other: domain.MustMunicipality("4601")}
	w.clock = &clock{t: time.Date(2026, 9, 1, 9, 0, 0, 0, domain.Oslo())}
	w.school = domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: w.m, Name: "Nordby skole", Kind: domain.School, Owner: domain.Municipal}
	w.otherSchool = domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: w.m, Name: "Sørby skole", Kind: domain.School, Owner: domain.Municipal}
	w.child = domain.Child{ID: domain.NewID[domain.Child](), Municipality: w.m, GivenName: "Ola", FamilyName: "Berg",
		BirthDate: date.New(2016, 3, 4), AddressProtection: domain.ProtectionNone}
	w.mother = domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: w.m, GivenName: "Kari", FamilyName: "Berg"}
	w.father = domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: w.m, GivenName: "Per", FamilyName: "Berg"}
	require.NoError(t, store.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(store.CreateUnit(ctx, w.school), store.CreateUnit(ctx, w.otherSchool), store.CreateChild(ctx, w.child),
			store.CreateGuardian(ctx, w.mother), store.CreateGuardian(ctx, w.father),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: w.m, ChildID: w.child.ID, GuardianID: w.mother.ID, ParentalResponsibility: true}),
			// The father has no parental responsibility (barneloven § 47 parent).
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: w.m, ChildID: w.child.ID, GuardianID: w.father.ID}),
			store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: w.m, ChildID: w.child.ID,
				UnitID: w.school.ID, Kind: domain.School, Period: domain.Period{Start: date.New(2022, 8, 15)}}))
	}))
	w.teacher = domain.StaffActor(w.m, "lærer@nordby.no", w.school.ID).Named("Lise Lærer")
	w.leader = domain.StaffActor(w.m, "rektor@nordby.no", w.school.ID)
	w.leader.Leads = []domain.UnitID{w.school.ID}
	w.stranger = domain.StaffActor(w.m, "lærer@sørby.no", w.otherSchool.ID)
	w.caseworker = domain.CaseworkerActor(w.m, "siri@kommune.no").Named("Siri Saksbehandler")
	w.caseworker.Handles = []domain.Capability{domain.CapSpecialEd}
	w.billingWorker = domain.CaseworkerActor(w.m, "bo@kommune.no")
	w.billingWorker.Handles = []domain.Capability{domain.CapBilling}
	w.foreignWorker = domain.CaseworkerActor(w.other, "nils@nabo.no")
	w.pptWorker = domain.StaffActor(w.m, "psykolog@ppt.no")
	w.svc = &specialed.Service{Store: store, Clock: w.clock, Notifier: domain.NotifierFunc(func(_ context.Context, n domain.Notice) error {
		w.notices = append(w.notices, n)
		return nil
	})}
	w.ppt, err = w.svc.CreatePPT(ctx, w.caseworker, specialed.PPT{Name: "PPT Nordby", Members: []string{w.pptWorker.Subject}})
	require.NoError(t, err)
	return w
}

func hours(teacher, assistant string) []specialed.Hours {
	var out []specialed.Hours
	if teacher != "" {
		out = append(out, specialed.Hours{Provider: specialed.Teacher, PerWeek: decimal.RequireFromString(teacher)})
	}
	if assistant != "" {
		out = append(out, specialed.Hours{Provider: specialed.Assistant, PerWeek: decimal.RequireFromString(assistant)})
	}
	return out
}

func reason(err error, field string) string {
	var v *domain.ValidationError
	if errors.As(err, &v) {
		for _, f := range v.Fields {
			if f.Field == field {
				return f.Reason
			}
		}
	}
	return ""
}

// The whole story of one school case: concern, consent, referral, PPT's
// assessment, a decision that departs from it in one point (refused
// without reasons, kept with them), the letter, the plan and a report,
// and everything else the access rules keep away.
func TestCaseStory(t *testing.T) {
	ctx := context.Background()
	w := setup(t)
	svc := w.svc
	mother := domain.GuardianActor(w.m, w.mother.ID)
	father := domain.GuardianActor(w.m, w.father.ID)

	c, err := svc.Open(ctx, w.teacher, w.child.ID, w.school.ID, "Ola strever med lesing og skriving.")
	require.NoError(t, err)
	assert.Equal(t, specialed.School, c.Setting)
	_, err = svc.Open(ctx, w.stranger, w.child.ID, w.school.ID, "x")
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = svc.Open(ctx, w.stranger, w.child.ID, w.otherSchool.ID, "x")
	assert.Equal(t, specialed.ReasonNotPlaced, reason(err, "child"))

	// Only the mother (parental responsibility) consents; staff cannot.
	_, err = svc.Record(ctx, w.teacher, c.ID, specialed.Entry{Step: specialed.StepConsent})
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = svc.Record(ctx, father, c.ID, specialed.Entry{Step: specialed.StepConsent})
	assert.ErrorIs(t, err, domain.ErrNotFound)
	// Steps out of order are refused.
	_, err = svc.Record(ctx, w.caseworker, c.ID, specialed.Entry{Step: specialed.StepReferral, PPT: w.ppt.ID, Text: "x"})
	var ce *domain.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, specialed.ReasonStepOutOfOrder, ce.Reason)

	w.clock.add(48 * time.Hour)
	c, err = svc.Record(ctx, mother, c.ID, specialed.Entry{Step: specialed.StepConsent})
	require.NoError(t, err)
	assert.Equal(t, specialed.StepConsent, c.Last)
	// PPT sees nothing before the referral.
	_, err = svc.Case(ctx, w.pptWorker, c.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = svc.Record(ctx, w.teacher, c.ID, specialed.Entry{Step: specialed.StepReferral, Text: "Henvist for utredning."})
	assert.Equal(t, specialed.ReasonRequired, reason(err, "ppt"))
	c, err = svc.Record(ctx, w.teacher, c.ID, specialed.Entry{Step: specialed.StepReferral, PPT: w.ppt.ID, Text: "Henvist for utredning."})
	require.NoError(t, err)

	rec := specialed.Provision{Outcome: specialed.Granted, Kind: specialed.AdaptedEducation, Hours: hours("5", "3"),
		Organisation: "I liten gruppe og i klassen", From: date.New(2026, 10, 1), To: date.New(2027, 6, 20)}
	_, err = svc.Record(ctx, w.caseworker, c.ID, specialed.Entry{Step: specialed.StepAssessment, Text: "x", Provision: &rec})
	assert.ErrorIs(t, err, domain.ErrForbidden, "only PPT assesses")
	c, err = svc.Record(ctx, w.pptWorker, c.ID, specialed.Entry{Step: specialed.StepAssessment, Text: "Ola har behov for individuelt tilrettelagt opplæring.", Provision: &rec})
	require.NoError(t, err)
	_, err = svc.SaveDocument(ctx, w.pptWorker, specialed.Document{Case: c.ID, Kind: specialed.DocAssessment, Title: "Sakkyndig vurdering", Body: "Utkast."})
	require.NoError(t, err)
	d2, err := svc.SaveDocument(ctx, w.pptWorker, specialed.Document{Case: c.ID, Kind: specialed.DocAssessment, Title: "Sakkyndig vurdering", Body: "Endelig.", Change: "Tilråding lagt til"})
	require.NoError(t, err)
	assert.Equal(t, 2, d2.Version)
	_, err = svc.SaveDocument(ctx, w.pptWorker, specialed.Document{Case: c.ID, Kind: specialed.DocAssessment, Version: 2, Title: "T", Body: "B"})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "version", ce.Field)
	_, err = svc.SaveDocument(ctx, w.teacher, specialed.Document{Case: c.ID, Kind: specialed.DocAssessment, Title: "T", Body: "B"})
	assert.ErrorIs(t, err, domain.ErrForbidden)

	// The decision gives fewer assistant hours than PPT recommended:
	// without reasons it is refused, naming the point.
	dec := rec
	dec.Hours = hours("5", "2")
	_, err = svc.Record(ctx, w.caseworker, c.ID, specialed.Entry{Step: specialed.StepDecision, Provision: &dec})
	assert.Equal(t, specialed.ReasonDepartureNeedsReason, reason(err, "reason"))
	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "hours.assistant", v.Fields[0].Params["points"])
	c, err = svc.Record(ctx, w.caseworker, c.ID, specialed.Entry{Step: specialed.StepDecision, Provision: &dec,
		Reason: "Skolen har allerede en assistent i klassen to timer i uken som kommer Ola til gode."})
	require.NoError(t, err)

	// The guardian reads the letter, in every language.
	tpl := domain.LetterTemplate{Municipality: w.m, SenderName: "Eksempel kommune", AppealBody: "Statsforvalteren i Oslo og Viken"}
	letter, err := svc.Letter(ctx, mother, c.ID, "nb", tpl, domain.Party{Name: "Kari Berg"})
	require.NoError(t, err)
	text := letter.Text()
	for _, want := range []string{"Vedtak om individuelt tilrettelagt opplæring", "opplæringslova § 11-6",
		"5 timer i uken med spesialpedagog eller lærer og 2 timer i uken med assistent",
		"timer med assistent", "Skolen har allerede en assistent", "forvaltningsloven § 28 og § 29", "tre uker",
		"forvaltningsloven § 24", "PPT Nordby", "Statsforvalteren i Oslo og Viken"} {
		assert.Contains(t, text, want)
	}
	// The appeal deadline is three weeks from the date of the letter.
	assert.Contains(t, text, "siste dag for å klage 24. september 2026")
	for _, lang := range []string{"nn", "en"} {
		l, err := svc.Letter(ctx, mother, c.ID, lang, tpl, domain.Party{Name: "Kari Berg"})
		require.NoError(t, err)
		assert.Equal(t, lang, l.Lang)
		assert.Contains(t, l.Text(), "Skolen har allerede en assistent")
	}
	assert.Contains(t, mustLetter(t, svc, mother, c.ID, "en", tpl), "individually adapted education")
	assert.Contains(t, mustLetter(t, svc, mother, c.ID, "nn", tpl), "individuelt tilrettelagd opplæring")

	c, err = svc.Record(ctx, w.teacher, c.ID, specialed.Entry{Step: specialed.StepPlan, Text: "IOP for skoleåret."})
	require.NoError(t, err)
	c, err = svc.Record(ctx, w.leader, c.ID, specialed.Entry{Step: specialed.StepReport, Text: "Første rapport."})
	require.NoError(t, err)
	assert.Equal(t, specialed.StepReport, c.Last)

	hist, err := svc.History(ctx, mother, c.ID)
	require.NoError(t, err)
	var steps []specialed.StepID
	for _, e := range hist {
		steps = append(steps, e.Step)
	}
	assert.Equal(t, []specialed.StepID{"concern", "consent", "referral", "assessment", "decision", "plan", "report"}, steps)
	assert.Equal(t, w.mother.ID, hist[1].Guardian)
	assert.Equal(t, "Siri Saksbehandler", hist[4].By.Name)

	docs, err := svc.Documents(ctx, w.caseworker, c.ID)
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.Equal(t, "Tilråding lagt til", docs[1].Change)
	assert.Equal(t, w.pptWorker.Subject, docs[1].By.Subject)

	att, err := svc.AddAttachment(ctx, mother, c.ID, "legeerklæring.pdf", "application/pdf", []byte("%PDF-1.4 test"))
	require.NoError(t, err)
	got, err := svc.Attachment(ctx, w.pptWorker, att.ID)
	require.NoError(t, err)
	assert.Equal(t, []byte("%PDF-1.4 test"), got.Content)

	// Those the law keeps out see nothing, not even that the case exists.
	for name, a := range map[string]domain.Actor{"parent without parental responsibility": father, "staff of another unit": w.stranger,
		"caseworker of another capability": w.billingWorker, "caseworker of another municipality": w.foreignWorker} {
		_, err := svc.Case(ctx, a, c.ID)
		assert.ErrorIs(t, err, domain.ErrNotFound, name)
		_, err = svc.History(ctx, a, c.ID)
		assert.ErrorIs(t, err, domain.ErrNotFound, name)
		_, err = svc.Letter(ctx, a, c.ID, "nb", tpl, domain.Party{})
		assert.ErrorIs(t, err, domain.ErrNotFound, name)
		_, err = svc.Attachment(ctx, a, att.ID)
		assert.ErrorIs(t, err, domain.ErrNotFound, name)
		cs, err := svc.ChildCases(ctx, a, w.child.ID)
		require.NoError(t, err)
		assert.Empty(t, cs, name)
		items, err := svc.Worklist(ctx, a)
		require.NoError(t, err)
		assert.Empty(t, items, name)
	}

	// Every read is in the audit log, about the child.
	entries, err := w.store.AuditEntries(ctx, w.m, w.child.ID, domain.AuditID{}, 1000)
	require.NoError(t, err)
	reads := 0
	for _, e := range entries {
		if e.Action == specialed.AuditRead || e.Action == specialed.AuditLetter {
			reads++
			assert.Equal(t, "special-education/"+c.ID.String(), e.Record)
		}
	}
	// History, 5 letters, documents, attachment (the refused reads are
	// not audited: they read nothing).
	assert.Equal(t, 8, reads)

	// The decision gives special needs for SFO from its first day.
	needs, err := w.store.SpecialNeeds(ctx, w.m, domain.Period{Start: date.New(2026, 10, 1), End: date.New(2026, 10, 31)})
	require.NoError(t, err)
	require.Len(t, needs, 1)
	assert.Equal(t, domain.SpecialNeed{Child: w.child.ID, Period: domain.Period{Start: date.New(2026, 10, 1), End: date.New(2027, 6, 20)}}, needs[0])
	none, err := w.store.SpecialNeeds(ctx, w.m, domain.Period{Start: date.New(2026, 9, 1), End: date.New(2026, 9, 30)})
	require.NoError(t, err)
	assert.Empty(t, none)
}

func mustLetter(t *testing.T, svc *specialed.Service, a domain.Actor, id specialed.CaseID, lang string, tpl domain.LetterTemplate) string {
	t.Helper()
	l, err := svc.Letter(ctx(), a, id, lang, tpl, domain.Party{Name: "x"})
	require.NoError(t, err)
	return l.Text()
}

func ctx() context.Context { return context.Background() }

// A deadline passed shows on the worklist and sends one notice, however
// often the reminders run.
func TestDeadlineReminders(t *testing.T) {
	ctx := context.Background()
	w := setup(t)
	svc := w.svc
	c, err := svc.Open(ctx, w.teacher, w.child.ID, w.school.ID, "Bekymring.")
	require.NoError(t, err)

	// The consent waits on the mother: one notice, not one per run.
	for range 3 {
		_, err := svc.Remind(ctx, w.caseworker)
		require.NoError(t, err)
	}
	require.Len(t, w.notices, 1)
	n := w.notices[0]
	assert.Equal(t, specialed.KindWaiting, n.Kind)
	assert.Equal(t, w.mother.ID, n.Guardian, "only the guardian with parental responsibility")
	assert.Equal(t, "special-education.waiting/"+c.ID.String()+"/consent/2026-09-15", n.Key)
	assert.Equal(t, "2026-09-15", n.Data["due"])

	items, err := svc.Worklist(ctx, w.caseworker)
	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.Equal(t, specialed.StepConsent, items[0].Step)
	assert.False(t, items[0].Overdue)
	assert.Equal(t, specialed.Municipal, items[0].Basis)

	// The clock passes the deadline: overdue on the worklists, one more
	// notice to the mother, and nothing more when run again.
	w.clock.add(15 * 24 * time.Hour)
	for _, a := range []domain.Actor{w.caseworker, w.leader} {
		items, err := svc.Worklist(ctx, a)
		require.NoError(t, err)
		require.Len(t, items, 1)
		assert.True(t, items[0].Overdue)
		assert.Equal(t, date.New(2026, 9, 15), items[0].Due)
	}
	sent, err := svc.Remind(ctx, domain.SystemActor(w.m, "reminders"))
	require.NoError(t, err)
	assert.Equal(t, 1, sent)
	sent, err = svc.Remind(ctx, domain.SystemActor(w.m, "reminders"))
	require.NoError(t, err)
	assert.Equal(t, 0, sent)
	require.Len(t, w.notices, 2)
	assert.Equal(t, specialed.KindOverdue, w.notices[1].Kind)

	// A staff step overdue: the staff given the case get one reminder.
	c, err = svc.Record(ctx, domain.GuardianActor(w.m, w.mother.ID), c.ID, specialed.Entry{Step: specialed.StepConsent})
	require.NoError(t, err)
	w.clock.add(15 * 24 * time.Hour)
	for range 2 {
		_, err = svc.Remind(ctx, w.caseworker)
		require.NoError(t, err)
	}
	rs, err := svc.Reminders(ctx, w.caseworker, c.ID)
	require.NoError(t, err)
	var staff []string
	for _, r := range rs {
		if strings.HasPrefix(r.Key, specialed.KindStaffOverdue) {
			staff = append(staff, r.Key)
		}
	}
	// The consent was given on 16 September; the referral was due 14 days
	// later, and waits on the unit's staff or a caseworker.
	prefix := specialed.KindStaffOverdue + "/" + c.ID.String() + "/referral/2026-09-30/"
	assert.Equal(t, []string{prefix + "caseworkers", prefix + w.teacher.Subject}, staff)
	assert.Len(t, w.notices, 2, "no staff member is known here: no notice, to guardians or anyone")
	for _, r := range rs {
		if strings.HasPrefix(r.Key, specialed.KindStaffOverdue) {
			assert.True(t, r.NoAddress, "%s: nobody to send to is recorded, once", r.Key)
		}
	}
	items, err = svc.Worklist(ctx, w.caseworker)
	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.True(t, items[0].Overdue)
	assert.True(t, items[0].NoAddress, "the worklist says the reminder reached nobody")

	// Who may run reminders.
	_, err = svc.Remind(ctx, w.teacher)
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

// A withdrawn consent stops the case until it is given again.
func TestConsentWithdrawn(t *testing.T) {
	ctx := context.Background()
	w := setup(t)
	mother := domain.GuardianActor(w.m, w.mother.ID)
	c, err := w.svc.Open(ctx, w.teacher, w.child.ID, w.school.ID, "Bekymring.")
	require.NoError(t, err)
	_, err = w.svc.Record(ctx, mother, c.ID, specialed.Entry{Step: specialed.StepWithdrawal})
	var ce *domain.ConflictError
	require.ErrorAs(t, err, &ce, "nothing to withdraw before consent")
	_, err = w.svc.Record(ctx, mother, c.ID, specialed.Entry{Step: specialed.StepConsent})
	require.NoError(t, err)
	c, err = w.svc.Record(ctx, mother, c.ID, specialed.Entry{Step: specialed.StepWithdrawal})
	require.NoError(t, err)
	_, err = w.svc.Record(ctx, w.teacher, c.ID, specialed.Entry{Step: specialed.StepReferral, PPT: w.ppt.ID, Text: "x"})
	require.ErrorAs(t, err, &ce)
	step, _, _ := specialed.MustRules().Waiting(c)
	assert.Equal(t, specialed.StepConsent, step)
}

// Through messaging: the notices land in the outbox once per key
// "<kind>/<case>/<step>/<due>/<guardian>", in the guardian's language,
// naming the child and the day and nothing else of the case.
func TestRemindThroughMessaging(t *testing.T) {
	ctx := context.Background()
	w := setup(t)
	w.svc.Notifier = &messaging.Service{Store: w.store, Clock: w.clock}
	c, err := w.svc.Open(ctx, w.teacher, w.child.ID, w.school.ID, "Ola strever med lesing.")
	require.NoError(t, err)
	for range 3 {
		_, err := w.svc.Remind(ctx, w.caseworker)
		require.NoError(t, err)
	}
	ds, err := w.store.Deliveries(ctx, w.m)
	require.NoError(t, err)
	require.Len(t, ds, 1, "one delivery, however often it runs; none to the father without parental responsibility")
	assert.Equal(t, "special-education.waiting/"+c.ID.String()+"/consent/2026-09-15/"+w.mother.ID.String(), ds[0].Key)
	assert.Equal(t, w.mother.ID, ds[0].Guardian)
	assert.Contains(t, ds[0].Body, "Ola")
	assert.Contains(t, ds[0].Body, "2026-09-15")
	assert.NotContains(t, ds[0].Body+ds[0].Subject, "lesing", "the concern is not sent")
	assert.NotContains(t, ds[0].Body+ds[0].Subject, "Nordby", "nor the unit")
}

// Staff are told at work: when a step that waits on them is overdue, each
// staff member it waits on gets one e-mail at the work address, however
// often the reminders run and whatever roles they hold; it names the step,
// the day and the case's page, not the child or the concern. A member
// without a work address is shown on the worklist instead; a caseworker
// whose grant has ended is not told.
func TestStaffNoticesThroughMessaging(t *testing.T) {
	ctx := context.Background()
	w := setup(t)
	w.svc.Notifier = &messaging.Service{Store: w.store, Clock: w.clock}
	w.svc.CaseURL = func(id specialed.CaseID) string { return "https://oppvekst.example/special-education/" + id.String() }
	member := func(name, principal, email string) domain.StaffMember {
		m := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: w.m, Name: name, Principal: principal, Email: email}
		require.NoError(t, w.store.CreateStaffMember(ctx, m))
		return m
	}
	teacher := member("Lise Lærer", w.teacher.Subject, "lise.laerer@nordby.example")
	siri := member("Siri Saksbehandler", w.caseworker.Subject, "siri@kommune.example")
	gone := member("Gunn Gammel", "gunn@kommune.no", "gunn@kommune.example")
	ppt := member("Petter Psykolog", w.pptWorker.Subject, "")
	for _, g := range []domain.Grant{
		{Staff: siri.ID, Period: domain.Period{Start: date.New(2026, 1, 1)}},
		{Staff: gone.ID, Period: domain.Period{Start: date.New(2025, 1, 1), End: date.New(2026, 6, 30)}},
	} {
		g.ID, g.Municipality, g.Role, g.Capability = domain.NewID[domain.Grant](), w.m, domain.GrantCaseworker, domain.CapSpecialEd
		require.NoError(t, w.store.PutGrant(ctx, g))
	}

	c, err := w.svc.Open(ctx, w.teacher, w.child.ID, w.school.ID, "Ola strever med lesing.")
	require.NoError(t, err)
	c, err = w.svc.Record(ctx, domain.GuardianActor(w.m, w.mother.ID), c.ID, specialed.Entry{Step: specialed.StepConsent})
	require.NoError(t, err)
	staffDeliveries := func() map[domain.StaffID][]messaging.Delivery {
		ds, err := w.store.Deliveries(ctx, w.m)
		require.NoError(t, err)
		out := map[domain.StaffID][]messaging.Delivery{}
		for _, d := range ds {
			if !d.Staff.IsZero() {
				out[d.Staff] = append(out[d.Staff], d)
			}
		}
		return out
	}
	_, err = w.svc.Remind(ctx, w.caseworker)
	require.NoError(t, err)
	assert.Empty(t, staffDeliveries(), "nothing before the deadline")

	// The referral was due 14 days after the consent: 2026-09-15.
	w.clock.add(16 * 24 * time.Hour)
	sent, err := w.svc.Remind(ctx, w.caseworker)
	require.NoError(t, err)
	assert.Equal(t, 2, sent, "the teacher given the case and the caseworker in force")
	sent, err = w.svc.Remind(ctx, domain.SystemActor(w.m, "reminders"))
	require.NoError(t, err)
	assert.Zero(t, sent, "run again: nothing new")
	w.clock.add(24 * time.Hour)
	sent, err = w.svc.Remind(ctx, w.caseworker)
	require.NoError(t, err)
	assert.Zero(t, sent, "a day later: nothing new")

	got := staffDeliveries()
	require.Len(t, got, 2)
	require.Len(t, got[teacher.ID], 1)
	require.Len(t, got[siri.ID], 1)
	assert.Empty(t, got[gone.ID], "a caseworker whose grant has ended")
	d := got[teacher.ID][0]
	assert.Equal(t, messaging.Email, d.Medium)
	assert.Equal(t, "lise.laerer@nordby.example", d.To)
	assert.Equal(t, "siri@kommune.example", got[siri.ID][0].To)
	assert.Equal(t, specialed.KindStaffOverdue+"/"+c.ID.String()+"/referral/2026-09-15/"+teacher.ID.String(), d.Key)
	assert.Equal(t, "Frist passert i en spesialpedagogisk sak", d.Subject)
	assert.Contains(t, d.Body, "Henvisning til PP-tjenesten")
	assert.Contains(t, d.Body, "2026-09-15")
	assert.Contains(t, d.Body, "https://oppvekst.example/special-education/"+c.ID.String())
	for _, leak := range []string{"Ola", "Berg", "lesing", "Nordby"} {
		assert.NotContains(t, d.Subject+d.Body, leak)
	}

	// The referral to PPT, then PPT's assessment overdue: its member has no
	// work address, so no e-mail, and the worklist says so.
	_, err = w.svc.Record(ctx, w.leader, c.ID, specialed.Entry{Step: specialed.StepReferral, PPT: w.ppt.ID, Text: "Til PPT."})
	require.NoError(t, err)
	items, err := w.svc.Worklist(ctx, w.pptWorker)
	require.NoError(t, err)
	require.Len(t, items, 1)
	w.clock.t = (items[0].Due + 1).MidnightIn(domain.Oslo()).Add(9 * time.Hour)
	for range 2 {
		_, err = w.svc.Remind(ctx, w.caseworker)
		require.NoError(t, err)
	}
	assert.Len(t, staffDeliveries(), 2, "no e-mail to the PPT member without a work address")
	rs, err := w.svc.Reminders(ctx, w.caseworker, c.ID)
	require.NoError(t, err)
	var pptReminders []specialed.Reminder
	for _, r := range rs {
		if r.Step == specialed.StepAssessment {
			pptReminders = append(pptReminders, r)
		}
	}
	require.Len(t, pptReminders, 1)
	assert.Equal(t, ppt.Principal, pptReminders[0].To)
	assert.True(t, pptReminders[0].NoAddress)
	items, err = w.svc.Worklist(ctx, w.pptWorker)
	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.True(t, items[0].Overdue)
	assert.True(t, items[0].NoAddress)
}

// Each sees the worklist of their part: PPT the cases referred to it, the
// unit leader every case of the unit, and whose turn it is.
func TestWorklistByRole(t *testing.T) {
	ctx := context.Background()
	w := setup(t)
	c, err := w.svc.Open(ctx, w.teacher, w.child.ID, w.school.ID, "Bekymring.")
	require.NoError(t, err)
	items, err := w.svc.Worklist(ctx, w.pptWorker)
	require.NoError(t, err)
	assert.Empty(t, items, "PPT sees nothing before the referral")
	_, err = w.svc.Record(ctx, domain.GuardianActor(w.m, w.mother.ID), c.ID, specialed.Entry{Step: specialed.StepConsent})
	require.NoError(t, err)
	_, err = w.svc.Record(ctx, w.leader, c.ID, specialed.Entry{Step: specialed.StepReferral, PPT: w.ppt.ID, Text: "Til PPT."})
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		actor domain.Actor
		mine  bool
	}{{"ppt", w.pptWorker, true}, {"teacher", w.teacher, false}, {"leader", w.leader, false}, {"caseworker", w.caseworker, false}} {
		items, err := w.svc.Worklist(ctx, tc.actor)
		require.NoError(t, err)
		require.Len(t, items, 1, tc.name)
		assert.Equal(t, specialed.StepAssessment, items[0].Step, tc.name)
		assert.Equal(t, tc.mine, items[0].Mine, tc.name)
		assert.Equal(t, date.New(2026, 11, 30), items[0].Due, tc.name)
	}
	items, err = w.svc.Worklist(ctx, w.stranger)
	require.NoError(t, err)
	assert.Empty(t, items)
}
