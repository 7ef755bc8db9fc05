package messagingweb_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// fillOutbox writes n pending e-mails to one of Sofie's guardians, a
// second apart (the newest last), in one call.
func fillOutbox(t *testing.T, ta *webtest.Harness, prefix string, n int) {
	t.Helper()
	ctx := t.Context()
	rec, err := ta.DB.ChildRecord(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	require.NotEmpty(t, rec.Guardians)
	g := rec.Guardians[0].Guardian.ID
	ds := make([]messaging.Delivery, n)
	at := webtest.Now.Add(-time.Duration(n) * time.Second)
	for i := range ds {
		ds[i] = messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: demo.Municipality, Key: fmt.Sprintf("test/%s/%05d", prefix, i),
			Kind: "message.new", Guardian: g, Medium: messaging.Email, To: "forelder@example.no", Language: messaging.Bokmal,
			Subject: "Ny melding", Body: "Hei.", State: messaging.Pending, NextAt: at, CreatedAt: at.Add(time.Duration(i) * time.Second)}
	}
	written, err := ta.DB.Enqueue(ctx, ds)
	require.NoError(t, err)
	require.Equal(t, n, written)
}

// walkOutbox pages through the outbox API to its end, returning every
// delivery in the order given.
func walkOutbox(t *testing.T, ta *webtest.Harness, cookie, query string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for range 100 {
		q, err := url.ParseQuery(query)
		require.NoError(t, err)
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		resp := ta.Do(t, cookie, "GET", "/api/v1/outbox?"+q.Encode(), "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var page struct {
			Items []struct {
				ID        string    `json:"id"`
				CreatedAt time.Time `json:"createdAt"`
			} `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &page))
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
	t.Fatal("the outbox did not end")
	return nil
}

// The outbox API pages by keyset through every delivery once, newest
// first; a cursor it did not give is refused.
func TestOutboxPagesEveryDeliveryOnce(t *testing.T) {
	ta := webtest.New(t)
	fillOutbox(t, ta, "walk", 130)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	sum := ta.Do(t, cookie, "GET", "/api/v1/outbox/summary", "", "")
	var s messagingweb.OutboxSummary
	require.NoError(t, json.Unmarshal([]byte(sum.Body), &s))
	all := walkOutbox(t, ta, cookie, "limit=40")
	assert.Len(t, all, s.Pending+s.Sent+s.Dead, "every delivery, as counted")
	seen := map[string]bool{}
	for _, id := range all {
		assert.False(t, seen[id], "once: %s", id)
		seen[id] = true
	}
	pending := walkOutbox(t, ta, cookie, "state=pending&limit=200")
	assert.Len(t, pending, s.Pending)
	bad := ta.Do(t, cookie, "GET", "/api/v1/outbox?cursor=bm90LWEtY3Vyc29y", "", "")
	assert.Equal(t, 400, bad.Status, bad.Body)
}

// The outbox page, its API and its counts read a page and the counts in
// SQL: as many statements, and as many rows, at 2,000 deliveries as at
// 100.
func TestOutboxStatementsDoNotGrowWithDeliveries(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	paths := []string{"/caseworker/outbox", "/caseworker/outbox?state=pending", "/api/v1/outbox", "/api/v1/outbox/summary"}
	count := func(prefix string, n int) ([]int64, []int64) {
		fillOutbox(t, ta, prefix, n)
		var stmts, rows []int64
		for _, p := range paths {
			require.Equal(t, 200, ta.Do(t, cookie, "GET", p, "", "").Status, "warm %s", p)
			s, r := ta.SQL.Count(), ta.SQL.Rows()
			resp := ta.Do(t, cookie, "GET", p, "", "")
			require.Equal(t, 200, resp.Status, resp.Body)
			stmts, rows = append(stmts, ta.SQL.Count()-s), append(rows, ta.SQL.Rows()-r)
		}
		return stmts, rows
	}
	small, smallRows := count("few", 100)
	large, largeRows := count("many", 1900)
	for i, p := range paths {
		t.Logf("%s: %d statements, %d rows at 100 deliveries; %d statements, %d rows at 2,000", p, small[i], smallRows[i], large[i], largeRows[i])
		assert.Positive(t, small[i])
		assert.Equal(t, small[i], large[i], "%s: the statements do not grow with the deliveries", p)
		assert.Equal(t, smallRows[i], largeRows[i], "%s: a page is read, not the outbox", p)
	}
}
