package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// An intake made by hand (the form, and the API) works with the
// application, run, approval and offer flow, on SQLite and on PostgreSQL:
// a refused form keeps what was typed, shows the refusal at its field and
// writes nothing; a run before the deadline needs a reason, which the run
// page and the audit log show.
func TestIntakeByHandSQLite(t *testing.T) {
	testIntakeByHand(t, start(t, t.TempDir()))
}

func TestIntakeByHandPostgres(t *testing.T) {
	testIntakeByHand(t, start(t, t.TempDir(), "-db", webtest.PostgresURL(t)))
}

type client struct {
	t    *testing.T
	base string
	c    *http.Client
}

func login(t *testing.T, base, persona string) client {
	jar, _ := cookiejar.New(nil)
	c := client{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: webtest.NoRedirect.CheckRedirect}}
	resp, _ := c.do("POST", "/login/demo", "application/x-www-form-urlencoded", url.Values{"persona": {persona}}.Encode())
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	return c
}

func (c client) do(method, path, contentType, body string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.c.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(b)
}

func (c client) form(path string, v url.Values) (*http.Response, string) {
	c.t.Helper()
	return c.do("POST", path, "application/x-www-form-urlencoded", v.Encode())
}

func (c client) json(method, path, body string, out any) int {
	c.t.Helper()
	resp, b := c.do(method, path, "application/json", body)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(c.t, json.Unmarshal([]byte(b), out), b)
	}
	return resp.StatusCode
}

func testIntakeByHand(t *testing.T, app started) {
	defer func() { require.NoError(t, app.stop()) }()
	cw := login(t, app.base, demo.PersonaCaseworker)
	var units struct {
		Items []struct{ ID, Name, Kind string }
	}
	require.Equal(t, 200, cw.json("GET", "/api/v1/units?limit=100", "", &units))
	var kg string
	for _, u := range units.Items {
		if u.Kind == "kindergarten" && kg == "" {
			kg = u.ID
		}
	}
	require.NotEmpty(t, kg)
	count := func() int {
		var l struct{ Items []struct{ ID string } }
		require.Equal(t, 200, cw.json("GET", "/api/v1/intakes?limit=100", "", &l))
		return len(l.Items)
	}
	before := count()

	today := time.Now()
	deadline, start := today.AddDate(0, 0, 20).Format(time.DateOnly), today.AddDate(0, 2, 0).Format(time.DateOnly)
	form := url.Values{"name": {"Ekstraopptak for hånd"}, "kind": {"kindergarten"}, "admissionYear": {start[:4]},
		"deadline": {start}, "start": {deadline}, "answerDays": {"10"}, "maxPreferences": {"2"}, "smallWeight": {"2"},
		"crit-0": {"1"}, "crit-1": {"2"}, "places-" + kg: {"10"}, "small-" + kg: {"3"}}
	resp, body := cw.form("/admission/intakes", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
	assert.Contains(t, body, `value="Ekstraopptak for hånd"`, "what was typed is kept")
	assert.Contains(t, body, `id="deadline-error"`, "the refusal is at its field")
	assert.Contains(t, body, "må være før oppstart")
	assert.Contains(t, body, `name="places-`+kg+`" value="10"`)
	assert.Equal(t, before, count(), "nothing written")

	form.Set("deadline", deadline)
	form.Set("start", start)
	resp, body = cw.form("/admission/intakes", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	intakePath := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(intakePath, "/admission/intakes/"), intakePath)
	intake := strings.TrimPrefix(intakePath, "/admission/intakes/")
	_, body = cw.do("GET", intakePath, "", "")
	assert.Contains(t, body, "Ekstraopptak for hånd")
	assert.Contains(t, body, `href="/admission/intakes/`+intake+`/edit"`)

	// The API makes one too, with the settings' defaults.
	var made struct {
		ID         string
		AnswerDays int
		Criteria   []string
	}
	require.Equal(t, 201, cw.json("POST", "/api/v1/intakes", fmt.Sprintf(`{"name":"SFO for hånd","kind":"kindergarten","admissionYear":%s,"deadline":%q,"start":%q,"seats":[{"unit":%q,"places":5,"small":1}]}`,
		start[:4], deadline, start, kg), &made))
	assert.Equal(t, 14, made.AnswerDays)
	assert.Equal(t, []string{"statutory", "sibling", "tiebreak"}, made.Criteria)
	assert.Equal(t, before+2, count())

	// A guardian applies for Emil.
	g := login(t, app.base, demo.PersonaGuardian)
	var kids struct {
		Items []struct {
			ID        string
			GivenName string
		}
	}
	require.Equal(t, 200, g.json("GET", "/api/v1/children?limit=50", "", &kids))
	var emil string
	for _, k := range kids.Items {
		if k.GivenName == "Emil" {
			emil = k.ID
		}
	}
	require.NotEmpty(t, emil)
	resp, body = g.do("POST", "/api/v1/children/"+emil+"/applications", "application/json",
		fmt.Sprintf(`{"intakeId":%q,"preferences":[%q],"hours":41}`, intake, kg))
	require.Equal(t, 201, resp.StatusCode, body)

	// The run: before the deadline only with a reason.
	resp, body = cw.form(intakePath+"/runs", url.Values{"reason": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
	assert.Contains(t, body, `id="reason-error"`)
	var runs struct{ Items []struct{ ID string } }
	require.Equal(t, 200, cw.json("GET", "/api/v1/intakes/"+intake+"/runs", "", &runs))
	assert.Empty(t, runs.Items, "nothing written")
	resp, body = cw.form(intakePath+"/runs", url.Values{"reason": {"Styret møtes før fristen"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	runPath := resp.Header.Get("Location")
	_, body = cw.do("GET", runPath, "", "")
	assert.Contains(t, body, "Styret møtes før fristen")
	resp, body = cw.form(runPath+"/approve", url.Values{"reason": {"Styret vil svare før jul"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)

	admin := login(t, app.base, demo.PersonaAdmin)
	_, body = admin.do("GET", "/api/v1/audit?limit=200", "", "")
	assert.Contains(t, body, `"action":"admission.run.reason"`)
	assert.Contains(t, body, "Styret møtes før fristen")
	assert.Contains(t, body, `"action":"admission.intake.create"`)

	// The offer is accepted: Emil has a place.
	var apps struct {
		Items []struct {
			Application struct{ Intake string }
			Offers      []struct{ ID, Status string }
		}
	}
	require.Equal(t, 200, g.json("GET", "/api/v1/children/"+emil+"/applications", "", &apps))
	var offer string
	for _, a := range apps.Items {
		if a.Application.Intake == intake && len(a.Offers) > 0 {
			offer = a.Offers[0].ID
		}
	}
	require.NotEmpty(t, offer, "an offer from the intake made by hand")
	resp, body = g.do("POST", "/api/v1/children/"+emil+"/offers/"+offer+"/accept", "application/json", `{}`)
	require.Equal(t, 200, resp.StatusCode, body)
	assert.Contains(t, body, kg)
}
