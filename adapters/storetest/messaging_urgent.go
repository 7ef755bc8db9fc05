package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// testQuietHoursStored: the municipality's settings and a guardian's own
// quiet hours are stored and read back, and refused when out of range.
func testQuietHoursStored(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	_, err := s.MessagingSettings(ctx, Oslo)
	require.ErrorIs(t, err, domain.ErrNotFound, "none stored: the service uses the defaults")
	st := messaging.Settings{Municipality: Oslo, Quiet: messaging.QuietHours{Start: 20 * 60, End: 7*60 + 30},
		Zone: "Europe/Oslo", UnreadAfter: 10 * time.Minute}
	require.NoError(t, s.PutMessagingSettings(ctx, st))
	got, err := s.MessagingSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, st, got)
	_, err = s.MessagingSettings(ctx, Bergen)
	require.ErrorIs(t, err, domain.ErrNotFound, "scoped by municipality")
	bad := st
	bad.Quiet.End = 1440
	require.ErrorIs(t, s.PutMessagingSettings(ctx, bad), domain.ErrInvalid)

	sc := newSchool(t, ctx, s, Oslo)
	g, h := sc.guardian(domain.ProtectionNone), sc.guardian(domain.ProtectionNone)
	q := &messaging.QuietHours{Start: 22 * 60, End: 6 * 60}
	require.NoError(t, s.PutContact(ctx, messaging.Contact{Municipality: Oslo, Guardian: g.ID, Language: messaging.Nynorsk, Medium: messaging.SMS, Quiet: q}))
	require.NoError(t, s.PutContact(ctx, messaging.Contact{Municipality: Oslo, Guardian: h.ID, Language: messaging.Bokmal, Medium: messaging.Email}))
	c, err := s.Contact(ctx, Oslo, g.ID)
	require.NoError(t, err)
	assert.Equal(t, q, c.Quiet)
	cs, err := s.Contacts(ctx, Oslo, []domain.GuardianID{g.ID, h.ID})
	require.NoError(t, err)
	assert.Equal(t, q, cs[g.ID].Quiet)
	assert.Nil(t, cs[h.ID].Quiet, "none chosen: the municipality's")
	require.NoError(t, s.PutContact(ctx, messaging.Contact{Municipality: Oslo, Guardian: g.ID, Language: messaging.Nynorsk, Medium: messaging.SMS}))
	c, err = s.Contact(ctx, Oslo, g.ID)
	require.NoError(t, err)
	assert.Nil(t, c.Quiet, "cleared")
	require.ErrorIs(t, s.PutContact(ctx, messaging.Contact{Municipality: Oslo, Guardian: g.ID, Language: messaging.Bokmal,
		Medium: messaging.Email, Quiet: &messaging.QuietHours{Start: -1, End: 60}}), domain.ErrInvalid)
}

// testUrgentAtNight: at 22:00 an urgent message is due at once, by SMS
// too, and a normal one waits for 07:00; a guardian's own shorter quiet
// hours are kept; the sender sees the status per guardian and is told
// once when nobody has read it after the municipality's N minutes.
func testUrgentAtNight(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	night := time.Date(2025, 3, 10, 22, 0, 0, 0, domain.Oslo())
	clock := NewClock(night)
	svc := service(s, clock)
	sc := newSchool(t, ctx, s, Oslo)
	kari := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: Oslo, Name: "Kari Lærer",
		Principal: "kari@oslo.kommune.no", Email: "kari.laerer@oslo.kommune.no"}
	require.NoError(t, s.CreateStaffMember(ctx, kari))
	sender := sc.staff()
	sender.Staff, sender.Subject = kari.ID, kari.Principal

	ada := sc.child(0, domain.ProtectionNone)
	mor, far := sc.guardian(domain.ProtectionNone), sc.guardian(domain.ProtectionStrengtFortrolig)
	sc.link(ada, mor, withResponsibility)
	sc.link(ada, far, withResponsibility)
	early := &messaging.QuietHours{Start: 23 * 60, End: 6 * 60}
	require.NoError(t, svc.SetContact(ctx, domain.GuardianActor(Oslo, mor.ID), messaging.Contact{Municipality: Oslo, Guardian: mor.ID,
		Language: messaging.Bokmal, Medium: messaging.Email, Quiet: early}))
	err := svc.SetContact(ctx, domain.GuardianActor(Oslo, mor.ID), messaging.Contact{Municipality: Oslo, Guardian: mor.ID,
		Language: messaging.Bokmal, Medium: messaging.Email, Quiet: &messaging.QuietHours{Start: 20 * 60, End: 8 * 60}})
	requireField(t, err, domain.ErrInvalid, "quiet")

	about := messaging.About{Scope: messaging.ScopeChild, Child: ada.ID}
	normal, err := svc.Post(ctx, sender, messaging.Draft{Municipality: Oslo, About: about, Subject: "Tur", Body: "Husk matpakke."})
	require.NoError(t, err)
	urgent, err := svc.Post(ctx, sender, messaging.Draft{Municipality: Oslo, About: about, Subject: "Ada har feber", Body: "Hent nå.", Urgent: true})
	require.NoError(t, err)
	_, err = svc.Post(ctx, domain.CaseworkerActor(Oslo, "saksbehandler"), messaging.Draft{Municipality: Oslo, About: about,
		Subject: "Hast", Body: "Hast.", Urgent: true})
	requireField(t, err, domain.ErrInvalid, "urgent")

	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	type key struct {
		g      domain.GuardianID
		urgent bool
		m      messaging.Medium
	}
	next := map[key]time.Time{}
	for _, d := range ds {
		next[key{d.Guardian, d.Urgent, d.Medium}] = d.NextAt
	}
	assert.Len(t, ds, 5, "normal to both; urgent to both, and by SMS to the one not protected")
	assert.True(t, next[key{mor.ID, true, messaging.Email}].Equal(night), "urgent: at once")
	assert.True(t, next[key{mor.ID, true, messaging.SMS}].Equal(night), "urgent SMS: at once")
	assert.True(t, next[key{far.ID, true, messaging.DigitalMailbox}].Equal(night))
	assert.True(t, next[key{mor.ID, false, messaging.Email}].Equal(night), "22:00 is before her own quiet hours (23–06)")
	assert.True(t, next[key{far.ID, false, messaging.DigitalMailbox}].Equal(time.Date(2025, 3, 11, 7, 0, 0, 0, domain.Oslo())),
		"the municipality's quiet hours end at 07:00")

	st, err := svc.StatusOf(ctx, sender, Oslo, urgent.ID)
	require.NoError(t, err)
	require.Len(t, st.Recipients, 1, "a guardian with a protected address is not listed")
	r := st.Recipients[0]
	assert.Equal(t, mor.ID, r.Guardian)
	assert.Len(t, r.Deliveries, 2)
	assert.Equal(t, messaging.StatusQueued, r.Status())
	assert.Empty(t, r.NoSMS)
	assert.ElementsMatch(t, []messaging.UrgentRecipient{{Guardian: mor.ID}, {Guardian: far.ID, NoSMS: messaging.NoSMSProtected}}, st.Urgent.Recipients)
	_, err = svc.StatusOf(ctx, sender, Oslo, normal.ID)
	require.ErrorIs(t, err, domain.ErrNotFound, "not urgent")
	_, err = svc.StatusOf(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, urgent.ID)
	require.ErrorIs(t, err, domain.ErrForbidden)

	job := domain.SystemActor(Oslo, "urgent-unread")
	clock.Advance(14 * time.Minute)
	n, err := svc.CheckUnread(ctx, job)
	require.NoError(t, err)
	assert.Zero(t, n, "not due yet")
	clock.Advance(2 * time.Minute)
	n, err = svc.CheckUnread(ctx, job)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = svc.CheckUnread(ctx, job)
	require.NoError(t, err)
	assert.Zero(t, n, "told once")
	alerts, err := s.DeliveriesWithPrefix(ctx, Oslo, "message.urgent-unread/")
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	assert.Equal(t, kari.ID, alerts[0].Staff)
	assert.True(t, alerts[0].NextAt.Equal(clock.Now()), "the sender is told at once, quiet hours or not")
	assert.Contains(t, alerts[0].Body, "15 minutter")
	u, err := s.Urgent(ctx, Oslo, urgent.ID)
	require.NoError(t, err)
	assert.True(t, u.Unread)
	assert.False(t, u.CheckedAt.IsZero())

	// Read in time: nobody is told.
	read, err := svc.Post(ctx, sender, messaging.Draft{Municipality: Oslo, About: about, Subject: "Stenger", Body: "Vi stenger kl. 15.", Urgent: true})
	require.NoError(t, err)
	require.NoError(t, svc.MarkRead(ctx, domain.GuardianActor(Oslo, mor.ID), Oslo, read.ID))
	st, err = svc.StatusOf(ctx, sender, Oslo, read.ID)
	require.NoError(t, err)
	assert.Equal(t, messaging.StatusRead, st.Recipients[0].Status())
	clock.Advance(time.Hour)
	n, err = svc.CheckUnread(ctx, job)
	require.NoError(t, err)
	assert.Zero(t, n)
	ds, err = s.DeliveriesWithPrefix(ctx, Oslo, "message.new/")
	require.NoError(t, err)
	for _, d := range ds {
		assert.True(t, strings.HasPrefix(d.Key, "message.new/"))
	}
	assert.Len(t, ds, 8)
}
