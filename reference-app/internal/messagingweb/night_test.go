package messagingweb_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sms"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// smsGateway is an SMS gateway on the loopback interface that records
// what it is sent.
type smsGateway struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []sms.Request
}

func newSMSGateway(t *testing.T) *smsGateway {
	g := &smsGateway{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req sms.Request
		if r.Header.Get("Authorization") != "Bearer hemmelig" || json.Unmarshal(body, &req) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		g.got = append(g.got, req)
		g.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// to lists the texts sent to one number.
func (g *smsGateway) to(number string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, r := range g.got {
		if r.To == number {
			out = append(out, r.Text)
		}
	}
	return out
}

// Issue 21's test of done through the app: staff send two messages at
// 22:00, one urgent; the app's own dispatcher, with its SMS transport
// configured from the environment and pointed at a gateway on loopback,
// sends the urgent one at once, and the normal one at 07:00 the next
// morning, not a minute before.
func TestAppUrgentAtNightNormalAtSeven(t *testing.T) {
	ta := webtest.New(t)
	oslo := domain.Oslo()
	evening := time.Date(2025, 11, 24, 22, 0, 0, 0, oslo)
	clock := storetest.NewClock(evening)
	ta.App.Clock = clock
	gw := newSMSGateway(t)
	require.True(t, strings.HasPrefix(gw.srv.URL, "http://127.0.0.1:"))

	// Hilde is notified by SMS, at a number on file.
	const number = "+4790000021"
	hildeID := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	g, err := ta.Store.Guardian(t.Context(), demo.Municipality, hildeID)
	require.NoError(t, err)
	g.Phone = number
	require.NoError(t, ta.Store.UpdateGuardian(t.Context(), g))
	resp := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "POST", "/api/v1/contact", "application/json", `{"language":"nb","channel":"sms"}`)
	require.Equal(t, 200, resp.Status, resp.Body)

	env := map[string]string{"OPPVEKST_SMS_URL": gw.srv.URL, "OPPVEKST_SMS_TOKEN": "hemmelig"}
	d, _, err := messagingweb.NewDispatcher(ta.App, func(k string) string { return env[k] }, false)
	require.NoError(t, err)
	d.Batch = 10000
	run := func() {
		t.Helper()
		for {
			n, err := d.RunOnce(t.Context())
			require.NoError(t, err)
			if n == 0 {
				return
			}
		}
	}
	run() // whatever the demo left due
	before := len(gw.to(number))

	staff := ta.CookieFor(t, demo.PersonaStaff)
	for _, m := range []url.Values{
		{"to": {"child:" + ta.Sofie.String()}, "subject": {"Tur i morgen"}, "body": {"Husk matpakke."}},
		{"to": {"child:" + ta.Sofie.String()}, "subject": {"Sofie har feber"}, "body": {"Hent henne nå."}, "urgent": {"on"}},
	} {
		resp := ta.Do(t, staff, "POST", "/staff/messages", formType, m.Encode())
		require.Equal(t, http.StatusSeeOther, resp.Status, resp.Body)
	}
	run()
	got := gw.to(number)[before:]
	require.Len(t, got, 1, "22:00: only the urgent one")
	assert.Contains(t, got[0], "Sofie har feber")

	clock.Advance(time.Date(2025, 11, 25, 6, 59, 0, 0, oslo).Sub(evening))
	run()
	assert.Len(t, gw.to(number)[before:], 1, "06:59: the normal one still waits")

	clock.Advance(time.Minute)
	run()
	got = gw.to(number)[before:]
	require.Len(t, got, 2, "07:00: the normal one goes")
	assert.Contains(t, got[1], "Tur i morgen")
}
