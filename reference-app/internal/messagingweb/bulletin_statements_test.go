package messagingweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// A bulletin to the whole municipality costs the same number of SQL
// statements however many units and recipients the municipality has: the
// children placed that day are one read, not a read per unit (issue 22
// part 2, the bulletin's recipient resolution), and the thread shown back
// names its recipients from one read, not a read per guardian.
func TestMunicipalityBulletinStatementsDoNotGrowWithUnits(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	post := func(subject string) (int64, string) {
		before := ta.SQL.Count()
		resp := ta.Do(t, cw, "POST", "/api/v1/threads", "application/json",
			fmt.Sprintf(`{"scope":"municipality","subject":%q,"body":"Alle barnehager og skoler er stengt.","bulletin":true}`, subject))
		require.Equal(t, 201, resp.Status, resp.Body)
		return ta.SQL.Count() - before, resp.Body
	}
	post("Oppvarming") // the first post of a session prepares its statements
	few, _ := post("Planleggingsdag")

	ctx := context.Background()
	require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range 60 {
			u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: demo.Municipality,
				Name: fmt.Sprintf("Ekstra barnehage %02d", i), Kind: domain.Kindergarten, Owner: domain.Municipal}
			if err := ta.DB.CreateUnit(ctx, u); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := webtest.BigUnit(ctx, ta, ta.Bjorkelia, "Flere", 200)
	require.NoError(t, err)
	many, body := post("Stengt")
	t.Logf("a municipality bulletin: %d statements with the demo's units, %d with 60 more units and 200 more children", few, many)
	assert.Equal(t, few, many, "statements grew with the units or the recipients")
	assert.Contains(t, body, `"Stengt"`)
	var tv messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(body), &tv))
	assert.Contains(t, participantNames(t, ta, cw, tv), "ForelderFlere0200 Storeng", "the new families are among its recipients")
}

// participantNames reads every participant of the thread the API answered
// (tv) through /api/v1/threads/{id}/participants, a page at a time; each
// page follows the one before it by guardian ID, and together they are
// as many as tv says.
func participantNames(t *testing.T, ta *webtest.Harness, cookie string, tv messagingweb.ThreadView) []string {
	t.Helper()
	var names []string
	last, cursor := "", ""
	for range 1000 {
		path := "/api/v1/threads/" + tv.ID.String() + "/participants?limit=200"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		resp := ta.Do(t, cookie, "GET", path, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg struct {
			Items []struct {
				GuardianID string `json:"guardianId"`
				Name       string `json:"name"`
			} `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		for _, p := range pg.Items {
			require.Greater(t, p.GuardianID, last, "by guardian ID, each once")
			last = p.GuardianID
			names = append(names, p.Name)
		}
		if cursor = pg.NextCursor; cursor == "" {
			break
		}
	}
	require.Len(t, names, tv.ParticipantsTotal)
	return names
}

// The thread page of a bulletin to the whole municipality shows its
// recipients 50 at a time, with how many of all of them have read it at
// the top, not every recipient on one page.
func TestBulletinRecipientsInPages(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cw, "POST", "/api/v1/threads", "application/json",
		`{"scope":"municipality","subject":"Stengt","body":"Alle barnehager og skoler er stengt.","bulletin":true}`)
	require.Equal(t, 201, resp.Status, resp.Body)
	var tv messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &tv))
	total := tv.ParticipantsTotal
	require.Greater(t, total, 2*web.PageSize, "enough recipients for three pages")
	// The API's view holds the first page of them, and the cursor of the
	// next; all of them are read a page at a time.
	require.Len(t, tv.Participants, web.PageSize)
	require.NotEmpty(t, tv.ParticipantsNext)
	assert.Zero(t, tv.ParticipantsRead)
	all := participantNames(t, ta, cw, tv)
	assert.Equal(t, tv.Participants[0].Name, all[0])
	again := ta.Do(t, cw, "GET", "/api/v1/threads/"+tv.ID.String(), "", "")
	require.Equal(t, 200, again.Status)
	var read messagingweb.ThreadView
	require.NoError(t, json.Unmarshal([]byte(again.Body), &read))
	assert.Equal(t, tv.Participants, read.Participants)
	assert.Equal(t, total, read.ParticipantsTotal)
	// A guardian who received it sees no other recipient, on any route.
	guardian := ta.CookieFor(t, demo.PersonaGuardian)
	mine := ta.Do(t, guardian, "GET", "/api/v1/threads/"+tv.ID.String()+"/participants", "", "")
	require.Equal(t, 200, mine.Status, mine.Body)
	assert.JSONEq(t, `{"items":[]}`, mine.Body)
	bad := ta.Do(t, cw, "GET", "/api/v1/threads/"+tv.ID.String()+"/participants?cursor=bm90LWEtZ3VhcmRpYW4", "", "")
	assert.Equal(t, 400, bad.Status)
	assert.Contains(t, bad.Body, "invalid-query")

	row := regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td data-label="Lest">`)
	names := func(body string) []string {
		var out []string
		for _, m := range row.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	page := ta.Do(t, cw, "GET", "/messages/"+tv.ID.String(), "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, fmt.Sprintf("Lest av 0 av %d mottakere.", total))
	first := names(page.Body)
	require.Len(t, first, web.PageSize)
	assert.Equal(t, html.EscapeString(tv.Participants[0].Name), first[0], "in the order of the API's list")
	next := regexp.MustCompile(`href="(/messages/[^"]*after=[^"]+)#mottakere"`).FindStringSubmatch(page.Body)
	require.NotNil(t, next, "a link to the next page")
	page = ta.Do(t, cw, "GET", html.UnescapeString(next[1]), "", "")
	require.Equal(t, 200, page.Status)
	second := names(page.Body)
	require.Len(t, second, web.PageSize)
	assert.Equal(t, html.EscapeString(all[web.PageSize]), second[0], "the next page goes on after the last row")
	assert.Contains(t, page.Body, fmt.Sprintf("Lest av 0 av %d mottakere.", total), "the figure is of all recipients on every page")
}
