package messaging_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// whereabouts is a kindergarten child with a strengt fortrolig address,
// its mother (parental responsibility) and its father (no responsibility,
// an information request under barneloven § 47), the child's unit and
// group, another unit, and a member of staff of the child's unit.
type whereabouts struct {
	store         *sqlite.Store
	svc           *messaging.Service
	m             domain.Municipality
	unit, other   domain.Unit
	group         domain.Group
	child         domain.Child
	mor, far      domain.Guardian
	staff         domain.Actor
	secrets       []string // what the father may never read
	unitScopeOpen bool
}

func newWhereabouts(t *testing.T, protection domain.AddressProtection) *whereabouts {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "oppvekst.db")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	m := domain.MustMunicipality("0301")
	now := time.Date(2025, time.March, 10, 9, 0, 0, 0, domain.Oslo())
	w := &whereabouts{store: store, m: m, svc: &messaging.Service{Store: store, Clock: domain.FixedClock(now)}}
	w.unit = domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	w.other = domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Blåklokka barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	w.group = domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: w.unit.ID, Name: "Maurtua"}
	w.child = domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Nordmann",
		BirthDate: date.New(2021, time.May, 4), AddressProtection: protection}
	w.mor = domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Nordmann",
		Phone: "+47 41 00 00 01", AddressProtection: protection}
	w.far = domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Ola", FamilyName: "Hansen",
		Email: "ola@example.no", AddressProtection: domain.ProtectionNone}
	w.staff = domain.StaffActor(m, "ansatt-17@kommune.example", w.unit.ID).Named("Per Pedagog")
	w.secrets = []string{w.unit.Name, "Solsikken", w.unit.ID.String(), w.group.Name, w.group.ID.String(),
		"Per Pedagog", "ansatt-17", w.mor.Phone}
	require.NoError(t, store.Atomic(ctx, func(ctx context.Context) error {
		for _, f := range []func() error{
			func() error { return store.CreateUnit(ctx, w.unit) },
			func() error { return store.CreateUnit(ctx, w.other) },
			func() error { return store.CreateGroup(ctx, w.group) },
			func() error { return store.CreateChild(ctx, w.child) },
			func() error { return store.CreateGuardian(ctx, w.mor) },
			func() error { return store.CreateGuardian(ctx, w.far) },
			func() error {
				return store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: w.child.ID, GuardianID: w.mor.ID,
					ParentalResponsibility: true, LivesWithChild: true})
			},
			func() error {
				return store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: w.child.ID, GuardianID: w.far.ID,
					InformationRequested: true})
			},
			func() error {
				return store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m,
					ChildID: w.child.ID, UnitID: w.unit.ID, GroupID: w.group.ID, Kind: domain.Kindergarten, HoursPerWeek: 41,
					Period: domain.Period{Start: date.New(2024, time.August, 1)}})
			},
		} {
			if err := f(); err != nil {
				return err
			}
		}
		return nil
	}))
	return w
}

func (w *whereabouts) farActor() domain.Actor { return domain.GuardianActor(w.m, w.far.ID) }

// deliveries returns the outbox texts per guardian.
func (w *whereabouts) deliveries(t *testing.T) map[domain.GuardianID][]string {
	t.Helper()
	ds, err := w.store.Deliveries(t.Context(), w.m)
	require.NoError(t, err)
	out := map[domain.GuardianID][]string{}
	for _, d := range ds {
		out[d.Guardian] = append(out[d.Guardian], d.Subject+"\n"+d.Body)
	}
	return out
}

// assertNothingOf fails when any text names the child's unit, group or staff.
func (w *whereabouts) assertNothingOf(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, s := range w.secrets {
			assert.NotContains(t, text, s, what)
		}
	}
}

// A § 47 parent of a child with a strengt fortrolig address learns nothing
// of where the child is from the library: not by writing to units (the
// refusal is the same at the child's unit and at another), not from a
// thread (its unit, its authors), not from a notification (unit, staff
// name), not from the outbox text of any notice kind.
func TestWhereaboutsHiddenFromSection47Parent(t *testing.T) {
	for _, protection := range []domain.AddressProtection{domain.ProtectionStrengtFortrolig, domain.ProtectionStrengtFortroligUtland} {
		t.Run(string(protection), func(t *testing.T) {
			w := newWhereabouts(t, protection)
			ctx := t.Context()
			far := w.farActor()

			// Writing to a unit is no oracle: the same refusal at the
			// child's unit as at another unit.
			draft := func(unit domain.UnitID) messaging.Draft {
				return messaging.Draft{Municipality: w.m, About: messaging.About{Scope: messaging.ScopeUnit, Unit: unit},
					Subject: "Hei", Body: "Hvor er hun?"}
			}
			_, atChild := w.svc.Post(ctx, far, draft(w.unit.ID))
			_, elsewhere := w.svc.Post(ctx, far, draft(w.other.ID))
			assert.ErrorIs(t, atChild, domain.ErrForbidden, "the child's unit")
			assert.ErrorIs(t, elsewhere, domain.ErrForbidden, "another unit")
			if atChild != nil && elsewhere != nil {
				assert.Equal(t, elsewhere.Error(), atChild.Error())
			}

			// Writing about the child is allowed; the thread comes back
			// without its unit.
			th, err := w.svc.Post(ctx, far, messaging.Draft{Municipality: w.m,
				About: messaging.About{Scope: messaging.ScopeChild, Child: w.child.ID}, Subject: "Hvordan går det?", Body: "Hilsen far"})
			require.NoError(t, err)
			assert.True(t, th.Unit.IsZero(), "Post returns no unit")
			v, err := w.svc.Read(ctx, far, w.m, th.ID)
			require.NoError(t, err)
			assert.True(t, v.HideWhereabouts)
			assert.True(t, v.Thread.Unit.IsZero())
			// The staff of the unit still read and answer it.
			sv, err := w.svc.Read(ctx, w.staff, w.m, th.ID)
			require.NoError(t, err)
			assert.Equal(t, w.unit.ID, sv.Thread.Unit)
			assert.False(t, sv.HideWhereabouts)
			_, err = w.svc.Reply(ctx, w.staff, w.m, th.ID, "Det går fint.", nil)
			require.NoError(t, err)

			// Staff write about the child: both parents are told, the
			// mother with the staff member's name, the father with nothing
			// of where.
			st, err := w.svc.Post(ctx, w.staff, messaging.Draft{Municipality: w.m,
				About: messaging.About{Scope: messaging.ScopeChild, Child: w.child.ID}, Subject: "Foreldresamtale", Body: "Velkommen til samtale."})
			require.NoError(t, err)
			v, err = w.svc.Read(ctx, far, w.m, st.ID)
			require.NoError(t, err)
			assert.True(t, v.Thread.Unit.IsZero())
			assert.Equal(t, messaging.Author{Role: domain.RoleStaff}, v.Thread.Author)
			for _, msg := range v.Messages {
				assert.Equal(t, messaging.Author{Role: domain.RoleStaff}, msg.Author, "no subject, no name")
			}
			assert.Empty(t, v.Participants)
			inbox, err := w.svc.Inbox(ctx, far)
			require.NoError(t, err)
			require.Len(t, inbox, 2)
			for _, x := range inbox {
				assert.True(t, x.Unit.IsZero(), x.Subject)
				assert.True(t, x.About.Unit.IsZero(), x.Subject)
				if x.Author.Role != domain.RoleGuardian {
					assert.Equal(t, messaging.Author{Role: domain.RoleStaff}, x.Author, x.Subject)
				}
			}

			// Notices with a unit in their data.
			require.NoError(t, w.svc.Notify(ctx, domain.Notice{Municipality: w.m, Kind: "offer.sent", Child: w.child.ID, Key: "offer/1",
				Data: map[string]string{"unit": w.unit.Name, "deadline": "1. april"}}))
			require.NoError(t, w.svc.Notify(ctx, domain.Notice{Municipality: w.m, Kind: "absence.undocumented", Child: w.child.ID, Key: "abs/1",
				Data: map[string]string{"unit": w.unit.Name, "date": "7. mars"}}))
			require.NoError(t, w.svc.Notify(ctx, domain.Notice{Municipality: w.m, Kind: "some.vendor-kind", Child: w.child.ID, Key: "v/1",
				Data: map[string]string{"unit": w.unit.Name}}))
			require.NoError(t, w.svc.Notify(ctx, domain.Notice{Municipality: w.m, Kind: "absence.undocumented", Guardian: w.far.ID,
				Child: w.child.ID, Key: "abs/2", Data: map[string]string{"unit": w.unit.Name, "date": "8. mars"}}))

			got := w.deliveries(t)
			require.Len(t, got[w.far.ID], 6, "reply, message, 2 offers/absences, vendor kind, direct notice")
			w.assertNothingOf(t, "the father's notifications", got[w.far.ID]...)
			joined := strings.Join(got[w.far.ID], "\n")
			assert.Contains(t, joined, "Ada har fått tilbud om plass. Fristen for å svare er 1. april.", "the restricted text")
			assert.Contains(t, joined, "Ny melding: Foreldresamtale")
			assert.Contains(t, joined, "Melding fra kommunen", "a kind without a restricted text: the fallback")
			// The mother is told who wrote and where.
			mor := strings.Join(got[w.mor.ID], "\n")
			assert.Contains(t, mor, "Du har en ny melding fra Per Pedagog: «Foreldresamtale».")
			assert.Contains(t, mor, "Tilbud om plass i Solsikken barnehage")
			assert.NotContains(t, mor, "ansatt-17", "never the login ID")
		})
	}
}

// The rule is about strictly protected children only: a § 47 parent of a
// child whose address is fortrolig, or not protected, may know where the
// child goes, and may write to its unit.
func TestWhereaboutsShownWhenNotStrict(t *testing.T) {
	for _, protection := range []domain.AddressProtection{domain.ProtectionNone, domain.ProtectionFortrolig} {
		t.Run(string(protection), func(t *testing.T) {
			w := newWhereabouts(t, protection)
			ctx := t.Context()
			th, err := w.svc.Post(ctx, w.farActor(), messaging.Draft{Municipality: w.m,
				About: messaging.About{Scope: messaging.ScopeUnit, Unit: w.unit.ID}, Subject: "Hei", Body: "Hei"})
			require.NoError(t, err)
			assert.Equal(t, w.unit.ID, th.Unit)
			st, err := w.svc.Post(ctx, w.staff, messaging.Draft{Municipality: w.m,
				About: messaging.About{Scope: messaging.ScopeChild, Child: w.child.ID}, Subject: "Foreldresamtale", Body: "Velkommen."})
			require.NoError(t, err)
			v, err := w.svc.Read(ctx, w.farActor(), w.m, st.ID)
			require.NoError(t, err)
			assert.False(t, v.HideWhereabouts)
			assert.Equal(t, w.unit.ID, v.Thread.Unit)
			assert.Equal(t, "Per Pedagog", v.Messages[0].Author.Name)
			assert.Contains(t, strings.Join(w.deliveries(t)[w.far.ID], "\n"), "fra Per Pedagog")
		})
	}
}

// A display name is the name notifications give; without one, staff are
// named by their unit, never by their login ID.
func TestNotificationNamesStaffByDisplayName(t *testing.T) {
	w := newWhereabouts(t, domain.ProtectionNone)
	ctx := t.Context()
	anonymous := domain.StaffActor(w.m, "ansatt-17@kommune.example", w.unit.ID)
	for _, staff := range []domain.Actor{w.staff, anonymous} {
		_, err := w.svc.Post(ctx, staff, messaging.Draft{Municipality: w.m,
			About: messaging.About{Scope: messaging.ScopeChild, Child: w.child.ID}, Subject: "Tur", Body: "Tur i morgen."})
		require.NoError(t, err)
	}
	mor := strings.Join(w.deliveries(t)[w.mor.ID], "\n")
	assert.Contains(t, mor, "Du har en ny melding fra Per Pedagog: «Tur».")
	assert.Contains(t, mor, "Du har en ny melding fra Solsikken barnehage: «Tur».")
	assert.NotContains(t, mor, "ansatt-17")
}

func TestResolveHidesWhereabouts(t *testing.T) {
	far := messaging.Candidate{ID: "far", Relation: domain.Guardianship{InformationRequested: true}, Protection: domain.ProtectionNone}
	mor := messaging.Candidate{ID: "mor", Relation: domain.Guardianship{ParentalResponsibility: true}, Protection: domain.ProtectionNone}
	for child, hide := range map[domain.AddressProtection]bool{
		domain.ProtectionNone: false, domain.ProtectionFortrolig: false,
		domain.ProtectionStrengtFortrolig: true, domain.ProtectionStrengtFortroligUtland: true,
	} {
		res, err := messaging.Resolve(messaging.AudienceChild, child, []messaging.Candidate{far, mor})
		require.NoError(t, err)
		assert.Equal(t, []messaging.Recipient{
			{ID: "far", Channel: messaging.ChannelAny, HideWhereabouts: hide},
			{ID: "mor", Channel: messaging.ChannelAny},
		}, res.Recipients, child)
		text := strings.Join(res.Explanation.Render(messaging.English), " ")
		if hide {
			assert.Contains(t, text, "far has no parental responsibility for a child with a strictly confidential address", child)
		} else {
			assert.NotContains(t, text, "strictly confidential address: is not told", child)
		}
	}
}

// A restricted text may not use a whereabouts key, nor a key it does not
// declare.
func TestRestrictedTemplates(t *testing.T) {
	tpl := messaging.DefaultTemplates()
	for kind, x := range tpl.Kinds {
		require.NotNil(t, x.Restricted, "%s has a restricted text", kind)
	}
	data := map[string]string{"child": "Ada", "unit": "Solsikken", "deadline": "1. april", "from": "Per Pedagog", "subject": "Tur", "urgent": "true"}
	for kind := range tpl.Kinds {
		for _, lang := range []messaging.Language{messaging.Bokmal, messaging.Nynorsk, messaging.English} {
			x := tpl.RenderRestricted(kind, lang, data)
			assert.NotContains(t, x.Subject+x.Body, "Solsikken", "%s %s", kind, lang)
			assert.NotContains(t, x.Subject+x.Body, "Per Pedagog", "%s %s", kind, lang)
			assert.NotContains(t, x.Subject+x.Body, "{", "%s %s", kind, lang)
		}
	}
	assert.Equal(t, "HASTER: Ny melding: Tur", tpl.RenderRestricted("message.new", messaging.Bokmal, data).Subject)

	texts := `"nb": {"subject": "s", "body": "b {unit}"}, "nn": {"subject": "s", "body": "b"}, "en": {"subject": "s", "body": "b"}`
	_, err := messaging.ParseTemplates([]byte(`{"templates": {"a.b": {` + texts + `, "restricted": {"keys": ["unit"], ` + texts + `}}}}`))
	assert.ErrorContains(t, err, `key "unit" tells where the child is`)
	_, err = messaging.ParseTemplates([]byte(`{"templates": {"a.b": {` + texts + `, "restricted": {"keys": ["child"], ` + texts + `}}}}`))
	assert.ErrorContains(t, err, "uses {unit}, which is not one of its keys")
}
