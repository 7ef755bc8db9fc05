package directoryweb_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// Lists come in pages: limit and the cursor of the previous page walk the
// whole list once.
func TestPagination(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	seen := map[string]bool{}
	cursor := ""
	pages := 0
	for {
		resp := ta.Do(t, cookie, "GET", "/api/v1/children?limit=40"+cursor, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg api.Page[web.ChildSummary]
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		pages++
		for _, c := range pg.Items {
			assert.False(t, seen[c.ID.String()], "no child twice")
			seen[c.ID.String()] = true
		}
		if pg.NextCursor == "" {
			break
		}
		assert.Len(t, pg.Items, 40)
		cursor = "&cursor=" + pg.NextCursor
	}
	assert.Len(t, seen, 151)
	assert.Equal(t, 4, pages)

	for _, q := range []string{"limit=0", "limit=201", "limit=x", "cursor=!!", "cursor=bm9wZQ"} {
		resp := ta.Do(t, cookie, "GET", "/api/v1/children?"+q, "", "")
		assert.Equal(t, 400, resp.Status, q)
		assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	}
}

// Every read of a child's data is in the audit log, which the
// administrator reads newest first.
func TestAuditLog(t *testing.T) {
	ta := webtest.New(t)
	resp := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", "/api/v1/children/"+ta.Sofie.String(), "", "")
	require.Equal(t, 200, resp.Status)
	resp = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/children/"+ta.Sofie.String(), "", "")
	require.Equal(t, 200, resp.Status)
	resp = ta.Do(t, ta.CookieFor(t, demo.PersonaOtherGuardian), "GET", "/api/v1/children/"+ta.Sofie.String(), "", "")
	require.Equal(t, 403, resp.Status)

	resp = ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "GET", "/api/v1/audit?childId="+ta.Sofie.String(), "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var pg api.Page[domain.AuditEntry]
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
	require.Len(t, pg.Items, 2, "the refused read is not a read")
	assert.Equal(t, domain.RoleGuardian, pg.Items[0].Actor.Role, "newest first")
	assert.Equal(t, "child.read", pg.Items[0].Action)
	assert.Equal(t, "kari.laerer@demo-kommune.example", pg.Items[1].Actor.Subject)
	assert.Equal(t, "Kari Lærer", pg.Items[1].Actor.Name, "the display name is kept with the entry")
	assert.Equal(t, ta.Personas[demo.PersonaStaff].Actor.Units, pg.Items[1].Actor.Units, "the actor as it was")
	assert.True(t, pg.Items[1].At.Equal(webtest.Now))

	page := ta.Do(t, ta.CookieFor(t, demo.PersonaAdmin), "GET", "/admin/audit", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "ansatt: Kari Lærer", "staff by display name")
	assert.Contains(t, page.Body, "foresatt: Hilde Berg", "guardians by name")
	assert.NotContains(t, page.Body, "kari.laerer@demo-kommune.example", "never the login ID")
	assert.Contains(t, page.Body, ta.Sofie.String())

	// Pages and lists are audited too: one entry per child shown.
	resp = ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", "/staff", "", "")
	require.Equal(t, 200, resp.Status)
	entries, err := ta.Store.AuditEntries(t.Context(), demo.Municipality, ta.Sofie, domain.AuditID{}, 10)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), 2)
	// Sofie is on the rosters of Nordby skole and Nordby SFO.
	assert.Equal(t, "roster.read", entries[0].Action)
	assert.Equal(t, "roster.read", entries[1].Action)
	assert.Contains(t, []string{entries[0].Record, entries[1].Record}, "unit/"+ta.NordbySFO.String())

	// Another municipality's log is apart.
	other, err := ta.Store.AuditEntries(t.Context(), demo.Neighbour, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Empty(t, other)
}

// Caseworkers find a child by name, in the API and on the page.
func TestSearchChildren(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cookie, "GET", "/api/v1/children?q=sofie%20b", "", "")
	require.Equal(t, 200, resp.Status)
	var pg api.Page[web.ChildSummary]
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
	require.Len(t, pg.Items, 1)
	assert.Equal(t, ta.Sofie, pg.Items[0].ID)
	page := ta.Do(t, cookie, "GET", "/caseworker?q=SOLHEIM", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "Solheim, Aurora")
	assert.NotContains(t, page.Body, "Berg, Sofie")
	// A guardian searches only among their own children.
	resp = ta.Do(t, ta.CookieFor(t, demo.PersonaOtherGuardian), "GET", "/api/v1/children?q=sofie", "", "")
	assert.Contains(t, resp.Body, `"items":[]`)
}
