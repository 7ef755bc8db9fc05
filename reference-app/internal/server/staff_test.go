package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// storeStaff stores a member with grants and returns a session cookie of
// a Feide login as them.
func storeStaff(t *testing.T, ta *webtest.Harness, m domain.Municipality, principal string, grants ...domain.Grant) (domain.StaffMember, string) {
	t.Helper()
	s := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: "Test " + principal, Principal: principal}
	for i := range grants {
		grants[i].ID, grants[i].Municipality, grants[i].Staff = domain.NewID[domain.Grant](), m, s.ID
	}
	require.NoError(t, ta.App.CreateStaff(t.Context(), domain.SystemActor(m, "test"), s, grants...))
	sess, err := ta.App.SessionFor(t.Context(), web.StaffLogin, oidc.Identity{Subject: "x", Principal: principal})
	if err != nil {
		return s, ""
	}
	value, err := ta.App.Sessions.Create(t.Context(), sess, time.Now())
	require.NoError(t, err)
	return s, web.SessionCookie + "=" + value
}

func from(start, end int) domain.Period {
	today := domain.Today(domain.FixedClock(webtest.Now))
	p := domain.Period{Start: today + date.Date(start)}
	if end != 0 {
		p.End = today + date.Date(end)
	}
	return p
}

// A role that ended yesterday gives no access today: not at login (the
// unknown-user answer), and not to a session opened while it was in
// force, once the day changes or the role is revoked.
func TestRoleEndedYesterdayGivesNoAccess(t *testing.T) {
	ta := webtest.New(t)
	m := demo.Municipality
	_, cookie := storeStaff(t, ta, m, "ferdig@demo-kommune.example",
		domain.Grant{Role: domain.GrantUnitStaff, Unit: ta.Bjorkelia, Period: from(-30, -1)})
	assert.Empty(t, cookie, "no role in force: the login is refused")
	_, err := ta.App.SessionFor(t.Context(), web.StaffLogin, oidc.Identity{Principal: "ferdig@demo-kommune.example"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not registered")

	// A session opened today, with a role that ends today: tomorrow it is
	// worth nothing.
	_, cookie = storeStaff(t, ta, m, "idag@demo-kommune.example",
		domain.Grant{Role: domain.GrantUnitStaff, Unit: ta.Bjorkelia, Period: domain.Period{Start: from(-30, 0).Start, End: from(0, 0).Start}})
	require.NotEmpty(t, cookie)
	assert.Equal(t, 200, ta.Do(t, cookie, "GET", "/api/v1/units/"+ta.Bjorkelia.String()+"/roster", "", "").Status)
	ta.App.Clock = domain.FixedClock(webtest.Now.Add(24 * time.Hour))
	assert.Equal(t, 401, ta.Do(t, cookie, "GET", "/api/v1/units/"+ta.Bjorkelia.String()+"/roster", "", "").Status)
	ta.App.Clock = domain.FixedClock(webtest.Now)
	assert.Equal(t, 401, ta.Do(t, cookie, "GET", "/api/v1/me", "", "").Status, "the session was ended, not only refused")

	// A role revoked by the admin: the running session loses it at its
	// next request.
	s, cookie := storeStaff(t, ta, m, "trekkes@demo-kommune.example",
		domain.Grant{Role: domain.GrantCaseworker, Capability: domain.CapBilling, Period: from(-30, 0)},
		domain.Grant{Role: domain.GrantUnitStaff, Unit: ta.Bjorkelia, Period: from(-30, 0)})
	require.Equal(t, 200, ta.Do(t, cookie, "GET", "/billing", "", "").Status)
	grants, err := ta.Store.Grants(t.Context(), m, s.ID)
	require.NoError(t, err)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	for _, g := range grants {
		if g.Role == domain.GrantCaseworker {
			resp := ta.Do(t, admin, "POST", "/admin/staff/"+s.ID.String()+"/grants/"+g.ID.String()+"/revoke", "application/x-www-form-urlencoded", "")
			require.Equal(t, 303, resp.Status, resp.Body)
		}
	}
	assert.Equal(t, 403, ta.Do(t, cookie, "GET", "/billing", "", "").Status, "now unit staff only")
	assert.Equal(t, 200, ta.Do(t, cookie, "GET", "/api/v1/units/"+ta.Bjorkelia.String()+"/roster", "", "").Status)
	revoked := ta.AuditedAs(t, "staff.revoke")
	require.NotEmpty(t, revoked)
	assert.Equal(t, "Arne Administrator", revoked[0].Actor.Name)
}

// A caseworker is let through only to the capabilities granted.
func TestCaseworkerOnlyForTheGrantedCapability(t *testing.T) {
	ta := webtest.New(t)
	_, cookie := storeStaff(t, ta, demo.Municipality, "faktura@demo-kommune.example",
		domain.Grant{Role: domain.GrantCaseworker, Capability: domain.CapBilling, Period: from(0, 0)})
	require.NotEmpty(t, cookie)
	for path, want := range map[string]int{"/caseworker": 200, "/billing": 200, "/api/v1/invoice-runs": 200, "/admission/intakes": 403, "/api/v1/intakes/x/runs": 400} {
		assert.Equal(t, want, ta.Do(t, cookie, "GET", path, "", "").Status, path)
	}
	resp := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", `{"givenName":"A","familyName":"B","birthDate":"2021-01-01"}`)
	assert.Equal(t, 403, resp.Status, "registering children is the directory's")

	// The menu offers only what the grant opens: billing, not admission's
	// or special education's pages, which answer 403 or show nothing.
	page := ta.Do(t, cookie, "GET", "/caseworker", "", "")
	require.Equal(t, 200, page.Status)
	nav := page.Body[strings.Index(page.Body, "<nav"):]
	nav = nav[:strings.Index(nav, "</nav>")]
	assert.Contains(t, nav, `href="/billing"`)
	for _, hidden := range []string{"/admission/intakes", "/admission/settings", "/admission/catchment", "/special-education"} {
		assert.NotContains(t, nav, `href="`+hidden+`"`, hidden)
	}
	for _, path := range []string{"/admission/settings", "/admission/catchment"} {
		assert.Equal(t, 403, ta.Do(t, cookie, "GET", path, "", "").Status, path)
	}
	all := ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", "/caseworker", "", "")
	for _, shown := range []string{"/billing", "/admission/intakes", "/special-education"} {
		assert.Contains(t, all.Body, `href="`+shown+`"`, "the demo caseworker handles every capability")
	}
}

// Two municipalities in one deployment: the neighbour's administrator
// sees and changes nothing of the demo municipality's staff, roles or
// duty rosters.
func TestAdminOfOneMunicipalitySeesNothingOfAnother(t *testing.T) {
	ta := webtest.New(t)
	_, nabo := storeStaff(t, ta, demo.Neighbour, "admin@nabo-kommune.example", domain.Grant{Role: domain.GrantAdmin, Period: from(0, 0)})
	require.NotEmpty(t, nabo)
	ctx := t.Context()
	kari, err := ta.Store.StaffByPrincipal(ctx, demo.Municipality, demo.StaffPrincipals[demo.PersonaStaff])
	require.NoError(t, err)
	grants, err := ta.Store.Grants(ctx, demo.Municipality, kari.ID)
	require.NoError(t, err)
	form, js := "application/x-www-form-urlencoded", "application/json"
	for _, c := range []struct{ method, path, ct, body string }{
		{"GET", "/admin/staff/" + kari.ID.String(), "", ""},
		{"POST", "/admin/staff/" + kari.ID.String() + "/grants", form, "role=admin&start=2025-12-01"},
		{"POST", "/api/v1/staff/" + kari.ID.String() + "/grants", js, `{"role":"admin","start":"2025-12-01"}`},
		{"POST", "/admin/staff/" + kari.ID.String() + "/grants/" + grants[0].ID.String() + "/revoke", form, ""},
		{"POST", "/api/v1/staff/" + kari.ID.String() + "/grants/" + grants[0].ID.String() + "/revoke", js, `{}`},
		{"GET", "/units/" + ta.Bjorkelia.String() + "/duties", "", ""},
		{"GET", "/api/v1/units/" + ta.Bjorkelia.String() + "/duties", "", ""},
		{"POST", "/api/v1/units/" + ta.Bjorkelia.String() + "/duties", js, `{"staff":"` + kari.ID.String() + `","day":"2025-11-24","from":"08:00","to":"09:00"}`},
		{"GET", "/api/v1/children/" + ta.Sofie.String(), "", ""},
	} {
		resp := ta.Do(t, nabo, c.method, c.path, c.ct, c.body)
		assert.Equal(t, http.StatusNotFound, resp.Status, "%s %s: %s", c.method, c.path, resp.Body)
	}
	resp := ta.Do(t, nabo, "GET", "/api/v1/staff", "", "")
	require.Equal(t, 200, resp.Status)
	var page struct {
		Items []struct{ Principal string } `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &page))
	var principals []string
	for _, s := range page.Items {
		principals = append(principals, s.Principal)
	}
	assert.ElementsMatch(t, []string{"admin@nabo-kommune.example", demo.StaffPrincipals[demo.PersonaOtherMunicipality]}, principals)
	after, err := ta.Store.Grants(ctx, demo.Municipality, kari.ID)
	require.NoError(t, err)
	assert.Equal(t, grants, after, "nothing changed")
	page2 := ta.Do(t, nabo, "GET", "/admin/staff", "", "")
	assert.NotContains(t, page2.Body, "Kari Lærer")
}

// The bootstrap makes the first admin of an empty municipality and
// refuses to run twice.
func TestBootstrapRunsOnce(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	a, err := server.New(store, domain.FixedClock(webtest.Now), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	m := domain.MustMunicipality("4601")
	a.Municipalities = []domain.Municipality{m}
	b, err := web.ParseBootstrapAdmin("4601, kari@bergen.kommune.example, Kari Nordmann, IT")
	require.NoError(t, err)
	assert.Equal(t, "Kari Nordmann, IT", b.Name)
	require.NoError(t, a.Bootstrap(ctx, b))
	sess, err := a.SessionFor(ctx, web.StaffLogin, oidc.Identity{Principal: "kari@bergen.kommune.example"})
	require.NoError(t, err)
	assert.Equal(t, domain.RoleAdmin, sess.Actor.Role)
	assert.Equal(t, "Kari Nordmann, IT", sess.Name)

	other, err := web.ParseBootstrapAdmin("4601,ola@bergen.kommune.example,Ola")
	require.NoError(t, err)
	assert.ErrorIs(t, a.Bootstrap(ctx, other), web.ErrBootstrapDone)
	_, err = store.StaffByPrincipal(ctx, m, "ola@bergen.kommune.example")
	assert.True(t, domain.IsNotFound(err), "the second bootstrap wrote nothing")
	entries, err := store.AuditEntries(ctx, m, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "the member and the grant, audit-logged")

	for _, bad := range []string{"4601,kari", "46,kari@x,Kari", "4601,kari x,Kari", "4601,kari@x,"} {
		_, err := web.ParseBootstrapAdmin(bad)
		assert.Error(t, err, bad)
	}
}

// A refused new staff member is shown again with the typed values kept,
// each error at its field and all of them in a summary that takes focus,
// in the user's language.
func TestNewStaffRefusedKeepsValues(t *testing.T) {
	ta := webtest.New(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin) + "; " + web.LangCookie + "=nn"
	resp := ta.Do(t, admin, "POST", "/admin/staff", "application/x-www-form-urlencoded", "name=Kari+Skjemasen&principal=")
	require.Equal(t, http.StatusUnprocessableEntity, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `value="Kari Skjemasen"`, "the typed name is kept")
	assert.Contains(t, resp.Body, `class="ds-error-summary" role="alert" tabindex="-1" autofocus`)
	assert.Contains(t, resp.Body, "Det du sende vart ikkje lagra")
	assert.Contains(t, resp.Body, `<a href="#principal">Feide-brukar: `, "the summary names the field in nynorsk")
	assert.Contains(t, resp.Body, `aria-invalid="true"`)
}
