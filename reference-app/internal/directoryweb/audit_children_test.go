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

// listEntry writes an audit entry of a list naming n new children.
func listEntry(t *testing.T, ta *webtest.Harness, n int) domain.AuditEntry {
	t.Helper()
	children := make([]domain.ChildID, n)
	for i := range children {
		children[i] = domain.NewID[domain.Child]()
	}
	e := domain.NewListAuditEntry(domain.CaseworkerActor(demo.Municipality, "sb"), webtest.Now, "families.list", "", children)
	require.NoError(t, ta.DB.AppendAudit(t.Context(), e))
	return e
}

// A page of the audit log names how many children a list's entry showed
// and the first ten of them, with a link to the rest, which the entry's
// children route pages by ID; a bad cursor is 400 invalid-query, an entry
// of no such ID 404.
func TestAuditListEntriesNameTheirChildrenInPages(t *testing.T) {
	ta := webtest.New(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	e := listEntry(t, ta, 25)
	small := listEntry(t, ta, 3)
	resp := ta.Do(t, admin, "GET", "/api/v1/audit?limit=200", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var pg api.Page[web.AuditView]
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
	byID := map[domain.AuditID]web.AuditView{}
	for _, v := range pg.Items {
		byID[v.ID] = v
	}
	got, ok := byID[e.ID]
	require.True(t, ok, "the list's entry is on the page")
	assert.Equal(t, 25, got.ChildCount)
	assert.Equal(t, e.Children[:web.AuditNames], got.Children, "the first of its children, by ID")
	assert.Equal(t, "/api/v1/audit/"+e.ID.String()+"/children", got.ChildrenHref)
	assert.Equal(t, 3, byID[small.ID].ChildCount)
	assert.Equal(t, small.Children, byID[small.ID].Children, "a short list whole")
	assert.Empty(t, byID[small.ID].ChildrenHref, "and no link")

	var all []domain.ChildID
	cursor := ""
	for {
		resp := ta.Do(t, admin, "GET", got.ChildrenHref+"?limit=10&cursor="+cursor, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var cs struct {
			Items []struct {
				ChildID domain.ChildID `json:"childId"`
			} `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &cs))
		for _, c := range cs.Items {
			all = append(all, c.ChildID)
		}
		if cs.NextCursor == "" {
			break
		}
		cursor = cs.NextCursor
	}
	assert.Equal(t, e.Children, all, "every child of the list, once, by ID")

	for _, bad := range []string{"?limit=0", "?cursor=%25", "?cursor=" + api.EncodeCursor("not-an-id")} {
		resp := ta.Do(t, admin, "GET", got.ChildrenHref+bad, "", "")
		assert.Equal(t, 400, resp.Status, bad)
		assert.Contains(t, resp.Body, "invalid-query", bad)
	}
	assert.Equal(t, 400, ta.Do(t, admin, "GET", "/api/v1/audit?cursor="+api.EncodeCursor("x"), "", "").Status)
	assert.Equal(t, 404, ta.Do(t, admin, "GET", "/api/v1/audit/"+domain.NewID[domain.AuditEntry]().String()+"/children", "", "").Status)
	assert.Equal(t, 403, ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", got.ChildrenHref, "", "").Status)

	page := ta.Do(t, admin, "GET", "/admin/audit", "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "25", "the page counts the list")
}

// A page of the audit log does not grow with the lists its entries name:
// the same statements and about the same bytes when each names 100 or
// 2,000 children.
func TestAuditPageDoesNotGrowWithLists(t *testing.T) {
	ta := webtest.NewPostgres(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	measure := func(n int) (int64, int) {
		for range 20 {
			listEntry(t, ta, n)
		}
		require.Equal(t, 200, ta.Do(t, admin, "GET", "/api/v1/audit?limit=20", "", "").Status, "warm")
		before := ta.SQL.Count()
		resp := ta.Do(t, admin, "GET", "/api/v1/audit?limit=20", "", "")
		require.Equal(t, 200, resp.Status)
		return ta.SQL.Count() - before, len(resp.Body)
	}
	s1, b1 := measure(100)
	s2, b2 := measure(2000)
	t.Logf("GET /api/v1/audit?limit=20: %d statements, %d bytes with lists of 100; %d, %d with lists of 2,000", s1, b1, s2, b2)
	assert.Equal(t, s1, s2, "the statements do not grow with the lists")
	assert.Less(t, b2, b1+b1/10, "nor the bytes")
	assert.Less(t, b2, 20*1500, "at most AuditNames IDs an entry")
}
