package messaging_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func TestHTMLIsShownAsText(t *testing.T) {
	m := messaging.Message{Body: "Husk <b>matpakke</b> & <script>alert(1)</script>\nHilsen oss"}
	assert.Equal(t, m.Body, m.Text(), "stored and returned as written")
	assert.Equal(t, "Husk &lt;b&gt;matpakke&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;<br>\nHilsen oss", m.HTML())
	assert.NotContains(t, m.HTML(), "<b>")
}

// Every template kind renders in all three languages with the documented
// keys, and no placeholder is left over.
func TestTemplates(t *testing.T) {
	tpl := messaging.DefaultTemplates()
	data := map[string]string{
		"child": "Ada", "unit": "Solsikken", "deadline": "1. april", "month": "mars 2025", "amount": "1 234,50 kr",
		"due": "20.03.2025", "kid": "0012345678", "date": "7. mars", "subject": "Tur", "from": "Solsikken",
		"title": "Foreldresamtaler", "time": "08:30", "place": "Blåbær", "link": "https://video.example.no/a", "bookBy": "2026-11-05",
	}
	kinds := []string{"offer.sent", "offer.lapsing", "invoice.ready", "absence.undocumented", "message.new", "school-request.granted", "school-request.refused",
		"special-education.waiting", "special-education.overdue", "conversation.tomorrow", "conversation.unbooked"}
	for _, kind := range kinds {
		require.Contains(t, tpl.Kinds, kind)
		for _, key := range tpl.Kinds[kind].Keys {
			assert.Contains(t, data, key, "%s documents key %s", kind, key)
		}
		for _, lang := range []messaging.Language{messaging.Bokmal, messaging.Nynorsk, messaging.English} {
			x := tpl.Render(kind, lang, data)
			assert.NotEmpty(t, x.Subject)
			assert.NotContains(t, x.Subject+x.Body, "{", "%s %s", kind, lang)
		}
	}
	assert.Equal(t, "Faktura for mars 2025", tpl.Render("invoice.ready", messaging.Nynorsk, data).Subject)
	assert.Equal(t, "Ada was not at Solsikken on 7. mars, and no absence was reported. Please let us know why.",
		tpl.Render("absence.undocumented", messaging.English, data).Body)
	// Missing keys render empty, unknown keys are ignored, values cannot
	// add lines, urgency is marked per language, an unknown language is
	// bokmål and an unknown kind gets the fallback.
	x := tpl.Render("offer.sent", messaging.English, map[string]string{"unit": "A\r\nBcc: x", "nope": "y", "urgent": "true"})
	assert.Equal(t, "URGENT: Offer of a place at A  Bcc: x", x.Subject)
	assert.Equal(t, " has been offered a place at A  Bcc: x. Please answer by .", x.Body)
	assert.Equal(t, "Tilbud om plass i A", tpl.Render("offer.sent", "de", map[string]string{"unit": "A"}).Subject)
	assert.Equal(t, "Melding frå kommunen", tpl.Render("unknown.kind", messaging.Nynorsk, nil).Subject)

	_, err := messaging.ParseTemplates([]byte(`{"templates": {"a.b": {"nb": {"subject": "s", "body": "b"}}}}`))
	assert.ErrorContains(t, err, "has no nn text")
}

func TestBackoff(t *testing.T) {
	b := messaging.Backoff{Initial: time.Second, Max: 10 * time.Second, Factor: 3, Limit: 5}
	require.NoError(t, b.Validate())
	var got []time.Duration
	for a := 1; a <= 5; a++ {
		got = append(got, b.Delay(a))
	}
	assert.Equal(t, []time.Duration{time.Second, 3 * time.Second, 9 * time.Second, 10 * time.Second, 10 * time.Second}, got)
	assert.ErrorIs(t, messaging.Backoff{Initial: time.Second, Max: time.Millisecond, Factor: 2, Limit: 1}.Validate(), domain.ErrInvalid)
	assert.ErrorIs(t, messaging.Backoff{Initial: time.Second, Max: time.Second, Factor: 0.5, Limit: 1}.Validate(), domain.ErrInvalid)
}

func TestValidation(t *testing.T) {
	m := domain.MustMunicipality("0301")
	err := messaging.Contact{Municipality: m, Guardian: domain.NewID[domain.Guardian](), Language: "de", Medium: "fax"}.Validate()
	require.ErrorIs(t, err, domain.ErrInvalid)
	assert.Equal(t, "language", domain.FieldOf(err))
	assert.Contains(t, err.Error(), "medium")
	_, err = messaging.ParseMedium("pigeon")
	assert.ErrorIs(t, err, domain.ErrInvalid)
	assert.True(t, messaging.IsPermanent(fmt.Errorf("wrapped: %w", messaging.Permanent(fmt.Errorf("550")))))
	assert.NoError(t, messaging.Permanent(nil))
}

func TestVisible(t *testing.T) {
	g1, g2 := domain.NewID[domain.Guardian](), domain.NewID[domain.Guardian]()
	ps := []messaging.Participant{{Guardian: g1}, {Guardian: g2, Protected: true}}
	m := domain.MustMunicipality("0301")
	staff := domain.StaffActor(m, "s")
	guardian := domain.GuardianActor(m, g1)
	assert.Equal(t, []messaging.Participant{{Guardian: g1}}, messaging.Visible(staff, messaging.Thread{}, ps))
	assert.Equal(t, []messaging.Participant{{Guardian: g1}}, messaging.Visible(guardian, messaging.Thread{}, ps))
	assert.Empty(t, messaging.Visible(guardian, messaging.Thread{Bulletin: true}, ps))
}

// ExampleService posts a bulletin to a kindergarten group and shows what
// the outbox holds: one notification for the mother, on the protected
// channel for the father whose address is strengt fortrolig, nothing for
// the parent without parental responsibility.
func ExampleService() {
	ctx := context.Background()
	m := domain.MustMunicipality("0301")
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten, Owner: domain.Municipal}
	group := domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: unit.ID, Name: "Blåklokka"}
	child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ada", FamilyName: "Nordmann",
		BirthDate: domain.Today(domain.SystemClock{}).AddDate(-3, 0, 0)}
	mor := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Nordmann", Email: "kari@example.no"}
	far := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Ola", FamilyName: "Nordmann",
		AddressProtection: domain.ProtectionStrengtFortrolig}
	bonus := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Per", FamilyName: "Hansen", Phone: "+4799999999"}
	err = store.Atomic(ctx, func(ctx context.Context) error {
		for _, f := range []func() error{
			func() error { return store.CreateUnit(ctx, unit) },
			func() error { return store.CreateGroup(ctx, group) },
			func() error { return store.CreateChild(ctx, child) },
			func() error { return store.CreateGuardian(ctx, mor) },
			func() error { return store.CreateGuardian(ctx, far) },
			func() error { return store.CreateGuardian(ctx, bonus) },
			func() error {
				return store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: mor.ID, ParentalResponsibility: true})
			},
			func() error {
				return store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: far.ID, ParentalResponsibility: true})
			},
			func() error {
				return store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: bonus.ID, InformationRequested: true})
			},
			func() error {
				return store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: child.ID,
					UnitID: unit.ID, GroupID: group.ID, Kind: domain.Kindergarten, HoursPerWeek: 41,
					Period: domain.Period{Start: domain.Today(domain.SystemClock{}).AddDate(0, -1, 0)}})
			},
		} {
			if err := f(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	svc := &messaging.Service{Store: store}
	_, err = svc.Post(ctx, domain.StaffActor(m, "ansatt-1", unit.ID), messaging.Draft{
		Municipality: m, About: messaging.About{Scope: messaging.ScopeGroup, Group: group.ID},
		Subject: "Tur til skogen", Body: "Husk <b>matpakke</b> fredag.", Bulletin: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ds, _ := store.Deliveries(ctx, m)
	for _, d := range ds {
		who := map[domain.GuardianID]string{mor.ID: "Kari", far.ID: "Ola", bonus.ID: "Per"}[d.Guardian]
		fmt.Printf("%s: %s — %s\n", who, d.Medium, d.Subject)
	}
	_, err = svc.Post(ctx, domain.StaffActor(m, "ansatt-1", unit.ID), messaging.Draft{
		Municipality: m, About: messaging.About{Scope: messaging.ScopeGroup, Group: group.ID}, Subject: "Tomt", Body: " "})
	var v *domain.ValidationError
	if errors.As(err, &v) {
		f := v.Fields[0]
		fmt.Println(f.Field+":", domain.ReasonTables{messaging.ReasonTexts, domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
	}
	// Unordered output:
	// Kari: email — Ny melding: Tur til skogen
	// Ola: digital-mailbox — Ny melding: Tur til skogen
	// body: must not be empty
}

type countingTransport struct{ n chan string }

func (c countingTransport) Medium() messaging.Medium { return messaging.Email }
func (c countingTransport) Send(ctx context.Context, d messaging.Delivery) error {
	c.n <- d.Key
	return nil
}

// Run keeps dispatching until its ctx ends.
func TestDispatcherRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	m := domain.MustMunicipality("0301")
	now := time.Now()
	_, err = store.Enqueue(ctx, []messaging.Delivery{{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: "k1",
		Kind: "x.y", Guardian: domain.NewID[domain.Guardian](), Medium: messaging.Email, To: "a@b.no", Body: "b",
		State: messaging.Pending, NextAt: now, CreatedAt: now}})
	require.NoError(t, err)
	tr := countingTransport{n: make(chan string, 1)}
	done := make(chan error)
	go func() {
		done <- (&messaging.Dispatcher{Outbox: store, Transports: []messaging.Transport{tr}}).Run(ctx, 10*time.Millisecond)
	}()
	assert.Equal(t, "k1", <-tr.n)
	assert.Eventually(t, func() bool {
		ds, err := store.Deliveries(context.Background(), m)
		return err == nil && ds[0].State == messaging.Sent
	}, 5*time.Second, 5*time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}
