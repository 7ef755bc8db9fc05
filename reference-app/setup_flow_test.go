package main

import (
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// From nothing to a working day (issue 14), as a new municipality does it,
// on an empty database with -demo=false -seed=false, through the pages a
// person clicks: the bootstrap administrator logs in with Feide, makes a
// kindergarten and a group, a planning day, a staff member working at the
// kindergarten and a caseworker for admission, billing, attendance and the
// directory, the billing settings and a price list, and an intake. The
// caseworker registers a child and its guardian; the guardian logs in with
// ID-porten and applies; the caseworker runs the intake (before its
// deadline, so with a reason) and approves; the guardian accepts. On the
// first day of the place (a Monday, open) the staff member checks the
// child in, and the caseworker invoices the month: the amount is the price
// list's, to the øre.
//
// It runs on SQLite, and on PostgreSQL when OPPVEKST_TEST_POSTGRES is set
// (with CI=true it must be).
func TestSetupFlowFromEmptyDatabase(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			var extra []string
			if store == "postgres" {
				extra = []string{"-db", webtest.PostgresURL(t)}
			}
			setupFlow(t, extra)
		})
	}
}

// The dates of the story: the app's clock (server.Options.Clock) is set to
// them, sessions and ID tokens run on the wall clock. The price list's
// full-time price is under the national maximum in force then (the last
// row of billing/rules/kindergarten.json), so the fee is the list's.
var (
	flowSetupDay = time.Date(2031, time.February, 3, 9, 0, 0, 0, domain.Oslo()) // a Monday before the intake's deadline
	flowStart    = date.New(2031, time.September, 1)                            // a Monday, no public holiday: the place starts
	flowPlanning = date.New(2031, time.September, 5)                            // a Friday: planning day
)

func setupFlow(t *testing.T, extra []string) {
	began := time.Now()
	require.Equal(t, time.Monday, flowStart.Weekday())
	_, holiday := domain.PublicHoliday(flowStart)
	require.False(t, holiday)

	idp := webtest.NewTestIDP(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	base := "http://" + addr
	const (
		adminPrincipal = "astrid.admin@bergen.kommune.example"
		staffPrincipal = "per.pedagog@bergen.kommune.example"
		casePrincipal  = "siri.sak@bergen.kommune.example"
	)
	env := map[string]string{
		"OPPVEKST_PUBLIC_URL":             base,
		"OPPVEKST_MUNICIPALITIES":         "4601",
		"OPPVEKST_FEIDE_ISSUER":           idp.Url,
		"OPPVEKST_FEIDE_CLIENT_ID":        idp.ClientID,
		"OPPVEKST_FEIDE_CLIENT_SECRET":    idp.ClientSecret,
		"OPPVEKST_IDPORTEN_ISSUER":        idp.Url,
		"OPPVEKST_IDPORTEN_CLIENT_ID":     idp.ClientID,
		"OPPVEKST_IDPORTEN_CLIENT_SECRET": idp.ClientSecret,
		"OPPVEKST_BOOTSTRAP_ADMIN":        "4601," + adminPrincipal + ",Astrid Admin",
	}
	clock := &movableClock{}
	clock.set(flowSetupDay)
	args := append([]string{"-demo=false", "-seed=false", "-addr", addr}, extra...)
	app := startOpts(t, func(k string) string { return env[k] }, t.TempDir(), server.Options{Clock: clock}, args...)
	defer func() { require.NoError(t, app.stop()) }()
	assert.Contains(t, app.stdout.String(), "first administrator made")

	// Log in: Feide for staff (the principal), ID-porten for a guardian
	// (the national ID in pid). One provider plays both.
	feide := func(principal string) *browser {
		b := newBrowser(t, base)
		idp.Set(func(p *webtest.TestIDP) {
			p.Claims = map[string]any{"sub": "feide-" + principal, oidc.FeidePrincipal: principal}
		})
		p := b.get("/login/feide")
		require.Equal(t, http.StatusOK, p.status, "%s logs in: %s", principal, p.body)
		return b
	}
	idporten := func(pid string) *browser {
		b := newBrowser(t, base)
		idp.Set(func(p *webtest.TestIDP) {
			p.Claims = map[string]any{"sub": "idporten-" + pid, "pid": pid, "acr": "idporten-loa-substantial"}
		})
		p := b.get("/login/idporten")
		require.Equal(t, http.StatusOK, p.status, "the guardian logs in: %s", p.body)
		return b
	}

	// 1. The administrator sets the municipality up. The app is not a
	// demonstration, and does not say it is.
	admin := feide(adminPrincipal)
	p := admin.get("/admin/staff")
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.NotContains(t, p.body, "oppdiktede")

	p = admin.get("/admin/units/new")
	p = admin.submit(p, "/admin/units", url.Values{
		"name": {"Fjellsiden barnehage"}, "kind": {"kindergarten"}, "owner": {"municipal"},
		"address.street": {"Fjellveien 12"}, "address.postcode": {"5019"}, "address.postTown": {"Bergen"},
		"openingHours.opens": {"07:00"}, "openingHours.closes": {"16:30"}, "contact.email": {"fjellsiden@bergen.kommune.example"},
		"seats.small": {"9"}, "seats.large": {"18"},
	})
	require.Equal(t, http.StatusOK, p.status, p.body)
	unit := idIn(t, p.path, `^/units/([0-9a-f-]{36})$`)
	p = admin.get("/admin/units/" + unit + "/groups/new")
	p = admin.submit(p, "/admin/units/"+unit+"/groups", url.Values{"name": {"Blåbær"}, "ageGroup": {"small"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "Blåbær")

	p = admin.get("/admin/calendar")
	p = admin.submit(p, "/admin/calendar/entries", url.Values{"kind": {"planning-day"}, "appliesTo": {"kindergarten"},
		"start": {flowPlanning.String()}, "end": {flowPlanning.String()}, "name": {"Planleggingsdag"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "Planleggingsdag")

	staffMember := func(name, principal string) string {
		p := admin.get("/admin/staff")
		p = admin.submit(p, "/admin/staff", url.Values{"name": {name}, "principal": {principal}})
		require.Equal(t, http.StatusOK, p.status, p.body)
		return idIn(t, p.path, `^/admin/staff/([0-9a-f-]{36})$`)
	}
	grant := func(member string, set url.Values) {
		p := admin.get("/admin/staff/" + member)
		set.Set("start", "2031-01-01")
		p = admin.submit(p, "/admin/staff/"+member+"/grants", set)
		require.Equal(t, http.StatusOK, p.status, p.body)
		require.NotContains(t, p.body, `aria-invalid="true"`, "the grant is refused: %s", p.body)
	}
	per := staffMember("Per Pedagog", staffPrincipal)
	grant(per, url.Values{"role": {"unit-staff"}, "unit": {unit}, "capability": {""}})
	siri := staffMember("Siri Saksbehandler", casePrincipal)
	for _, capability := range []string{"admission", "billing", "attendance", "directory"} {
		grant(siri, url.Values{"role": {"caseworker"}, "unit": {""}, "capability": {capability}})
	}

	p = admin.get("/billing/settings")
	p = admin.submit(p, "/billing/settings", url.Values{"bankAccount": {"1234 56 78903"}, "kidMethod": {"mod10"},
		"dueDay": {"20"}, "correctionMonths": {"3"}, "firstMonth": {"2031-09"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	// The price list: a full-time price of 1 111,11 kr (under the national
	// maximum), 80 % of it from 33 hours a week, 60 % below, and food.
	p = admin.get("/billing/price-lists")
	p = admin.submit(p, "/billing/price-lists", url.Values{"kind": {"kindergarten"}, "start": {"2031-08-01"}, "end": {"2032-07-31"},
		"fullTimePrice": {"1111.11"}, "minHours0": {"0"}, "amount0": {"0.6"}, "food0": {"300.00"},
		"minHours1": {"33"}, "amount1": {"0.8"}, "food1": {"455.50"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.NotContains(t, p.body, `aria-invalid="true"`, "the price list is refused: %s", p.body)

	p = admin.get("/admission/intakes/new")
	p = admin.submit(p, "/admission/intakes", url.Values{"name": {"Opptak høsten 2031"}, "kind": {"kindergarten"},
		"admissionYear": {"2031"}, "deadline": {"2031-03-01"}, "start": {flowStart.String()},
		"places-" + unit: {"4"}, "small-" + unit: {"2"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	intake := idIn(t, p.path, `^/admission/intakes/([0-9a-f-]{36})$`)

	// 2. The caseworker registers a child and its guardian.
	caseworker := feide(casePrincipal)
	childBirth := date.New(2030, time.March, 14)
	childID := syntheticID(t, childBirth, 512)
	guardianID := syntheticID(t, date.New(1993, time.June, 21), 124)
	p = caseworker.get("/caseworker/children/new")
	p = caseworker.submit(p, "/caseworker/children", url.Values{"givenName": {"Lea"}, "familyName": {"Fjell"},
		"birthDate": {childBirth.String()}, "nationalId": {childID}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	child := idIn(t, p.path, `^/children/([0-9a-f-]{36})$`)
	p = caseworker.get("/children/" + child + "/guardians/new")
	p = caseworker.submit(p, "/children/"+child+"/guardians", url.Values{"givenName": {"Mona"}, "familyName": {"Fjell"},
		"nationalId": {guardianID}, "phone": {"+47 912 34 567"}, "email": {"mona.fjell@example.org"},
		"parentalResponsibility": {"1"}, "livesWithChild": {"1"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "Mona")

	// 3. The guardian logs in with ID-porten and applies.
	guardian := idporten(guardianID)
	p = guardian.get("/admission")
	require.Equal(t, http.StatusOK, p.status, p.body)
	apply := linkIn(t, p.body, `href="(/children/`+child+`/apply\?intake=`+intake+`[^"]*)"`)
	p = guardian.get(apply)
	require.Equal(t, http.StatusOK, p.status, p.body)
	p = guardian.submit(p, "/children/"+child+"/applications", url.Values{"choice1": {unit}, "hours": {"35"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	application := idIn(t, p.path, `^/children/`+child+`/applications/([0-9a-f-]{36})$`)

	// 4. The caseworker runs the intake before its deadline (with a reason)
	// and approves the run: the run page's button leads to a confirmation
	// that says what will be sent; before the deadline the approval needs
	// a reason too; a success page says what was sent.
	p = caseworker.get("/admission/intakes/" + intake)
	p = caseworker.submit(p, "/admission/intakes/"+intake+"/runs", url.Values{"reason": {"Kommunen tilbyr plass ved ledig kapasitet før fristen"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	run := idIn(t, p.path, `^/admission/runs/([0-9a-f-]{36})$`)
	p = caseworker.get(linkIn(t, p.body, `href="(/admission/runs/`+run+`/approve)"`))
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "med varsel til familien: 1.")
	assert.Contains(t, p.body, ">Tilbake</a>")
	refused := caseworker.submit(p, "/admission/runs/"+run+"/approve", nil)
	require.Equal(t, http.StatusUnprocessableEntity, refused.status, "before the deadline only with a reason")
	assert.Contains(t, refused.body, `id="reason-error"`)
	p = caseworker.submit(refused, "/admission/runs/"+run+"/approve", url.Values{"reason": {"Plassen er ledig nå, og familien trenger den"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Equal(t, "/admission/runs/"+run+"/approved", p.path)
	assert.Contains(t, p.body, "Tilbud sendt: 1.")

	// 5. The guardian accepts the offer.
	p = guardian.get("/children/" + child + "/applications/" + application)
	require.Equal(t, http.StatusOK, p.status, p.body)
	accept := linkIn(t, p.body, `action="(/children/`+child+`/offers/[0-9a-f-]{36}/accept)"`)
	p = guardian.submit(p, accept, nil)
	require.Equal(t, http.StatusOK, p.status, p.body)

	// 6. The first day of the place: the staff member checks the child in.
	clock.set(time.Date(flowStart.Year(), flowStart.Month(), flowStart.Day(), 7, 45, 0, 0, domain.Oslo()))
	staff := feide(staffPrincipal)
	p = staff.get("/staff/attendance")
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Contains(t, p.body, "Lea", "the child is on the board on its first day")
	p = staff.submit(p, "/staff/attendance/"+child+"/check-in", nil)
	require.Equal(t, http.StatusOK, p.status, p.body)
	// The unit's roster (what the board shows) has the child present,
	// checked in at 07:45.
	var roster struct {
		Date   string `json:"date"`
		Closed *struct {
			Code string `json:"code"`
			Name string `json:"name"`
		} `json:"closed"`
		Groups []struct {
			Children []struct {
				ID     string    `json:"id"`
				Status string    `json:"status"`
				In     time.Time `json:"in"`
			} `json:"children"`
		} `json:"groups"`
	}
	staff.getJSON("/api/v1/units/"+unit+"/roster", &roster)
	assert.Equal(t, flowStart.String(), roster.Date)
	var status string
	var in time.Time
	for _, g := range roster.Groups {
		for _, c := range g.Children {
			if c.ID == child {
				status, in = c.Status, c.In
			}
		}
	}
	assert.Equal(t, "present", status, "the child shows as checked in")
	assert.Equal(t, "2031-09-01 07:45", in.In(domain.Oslo()).Format("2006-01-02 15:04"))
	assert.Nil(t, roster.Closed, "the first day is an open day")

	// On the planning day the kindergarten is closed, and the board says
	// why.
	clock.set(time.Date(flowPlanning.Year(), flowPlanning.Month(), flowPlanning.Day(), 8, 0, 0, 0, domain.Oslo()))
	staff.getJSON("/api/v1/units/"+unit+"/roster", &roster)
	require.NotNil(t, roster.Closed, "the planning day closes the kindergarten")
	assert.Equal(t, "planning-day", roster.Closed.Code)
	assert.Equal(t, "Planleggingsdag", roster.Closed.Name)

	// 7. The caseworker makes the child's family for fees, the guardian
	// paying, and invoices the month.
	caseworker = feide(casePrincipal)
	p = caseworker.get("/billing/families")
	p = caseworker.submit(p, "/billing/families", url.Values{"child": {childID}, "payer": {guardianID}, "familyStart": {flowStart.String()}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, "/billing/families", p.path, p.body)
	assert.Contains(t, p.body, "Mona Fjell")
	// The run is previewed (nothing stored yet), then approved.
	p = caseworker.get("/billing")
	p = caseworker.submit(p, "/billing/invoice-runs/preview", url.Values{"month": {"2031-09"}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "september 2031")
	assert.Contains(t, p.body, "1\u00a0344,39\u00a0kr", "the preview's total, to the øre")
	p = caseworker.submit(p, "/billing/invoice-runs", nil)
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Contains(t, p.body, "Faktureringen er kjørt")
	var invoices struct {
		Items []struct {
			Total decimal.Decimal `json:"total"`
			Payer string          `json:"payer"`
			KID   string          `json:"kid"`
		} `json:"items"`
	}
	caseworker.getJSON("/api/v1/invoices?month=2031-09", &invoices)
	require.Len(t, invoices.Items, 1, "one invoice, to the guardian")
	// 1 111,11 × 0,8 = 888,888 → 888,89 kr (35 hours a week: the 33-hour
	// bracket), a whole month, plus food 455,50 kr.
	assert.Equal(t, "1344.39", invoices.Items[0].Total.StringFixed(2))
	assert.NotEmpty(t, invoices.Items[0].KID)
	// The guardian reads it.
	p = guardian.get("/invoices")
	require.Equal(t, http.StatusOK, p.status, p.body)
	assert.Regexp(t, `1(\s|&nbsp;|\x{a0}|\x{202f})344,39`, p.body)
	assert.Contains(t, p.body, invoices.Items[0].KID)
	t.Logf("from an empty database to the first invoice in %s", time.Since(began).Round(time.Millisecond))
}

// movableClock runs on from the instant it was last set to.
type movableClock struct {
	mu    sync.Mutex
	at    time.Time
	setAt time.Time
}

func (c *movableClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.setAt = at, time.Now()
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at.Add(time.Since(c.setAt)).In(domain.Oslo())
}

// syntheticID is the first synthetic national ID for the birth date from
// the individual number on.
func syntheticID(t *testing.T, birth date.Date, individual int) string {
	t.Helper()
	for i := individual; i < individual+50; i += 2 {
		if nid, err := domain.SyntheticNationalID(birth, i); err == nil {
			return nid.String()
		}
	}
	t.Fatalf("no synthetic national ID for %s", birth)
	return ""
}

func idIn(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	require.NotNil(t, m, "%q does not match %s", s, pattern)
	return m[1]
}

func linkIn(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	require.NotNil(t, m, "no %s on the page: %s", pattern, body)
	return html.UnescapeString(m[1])
}

// browser is one person's browser: cookies, redirects followed.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

// page is where the browser ended up.
type page struct {
	status int
	path   string
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return page{status: resp.StatusCode, path: resp.Request.URL.Path, body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

func (b *browser) getJSON(path string, v any) {
	b.t.Helper()
	p := b.get(path)
	require.Equal(b.t, http.StatusOK, p.status, p.body)
	require.NoError(b.t, json.Unmarshal([]byte(p.body), v), p.body)
}

// submit fills in the form of the page that posts to action as a person
// would: what the form holds already (hidden fields, selected options,
// checked boxes), with the values of set instead.
func (b *browser) submit(p page, action string, set url.Values) page {
	b.t.Helper()
	values, ok := formValues(p.body, action)
	require.True(b.t, ok, "no form posting to %s on %s: %s", action, p.path, p.body)
	for k, v := range set {
		values[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, b.base+action, strings.NewReader(values.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	formRe     = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	inputRe    = regexp.MustCompile(`<input\b([^>]*)>`)
	selectRe   = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionRe   = regexp.MustCompile(`<option\b([^>]*)>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	attrRe     = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9:-]*)(?:="([^"]*)")?`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// formValues are the values the form posting to action would send as it
// stands.
func formValues(body, action string) (url.Values, bool) {
	for _, f := range formRe.FindAllStringSubmatch(body, -1) {
		a := attrs(f[1])
		if a["action"] != action || !strings.EqualFold(a["method"], "post") {
			continue
		}
		v := url.Values{}
		for _, in := range inputRe.FindAllStringSubmatch(f[2], -1) {
			ia := attrs(in[1])
			_, checked := ia["checked"]
			if ia["name"] == "" || ((ia["type"] == "checkbox" || ia["type"] == "radio") && !checked) {
				continue
			}
			v.Add(ia["name"], ia["value"])
		}
		for _, s := range selectRe.FindAllStringSubmatch(f[2], -1) {
			name := attrs(s[1])["name"]
			first, chosen := "", ""
			for i, o := range optionRe.FindAllStringSubmatch(s[2], -1) {
				oa := attrs(o[1])
				if i == 0 {
					first = oa["value"]
				}
				if _, sel := oa["selected"]; sel && chosen == "" {
					chosen = oa["value"]
				}
			}
			if chosen == "" {
				chosen = first
			}
			v.Set(name, chosen)
		}
		for _, ta := range textareaRe.FindAllStringSubmatch(f[2], -1) {
			v.Set(attrs(ta[1])["name"], html.UnescapeString(ta[2]))
		}
		return v, true
	}
	return nil, false
}
