package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/attendanceweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// On PostgreSQL, ten tablets sending one check event at once record it
// once: every answer is the same record.
func TestCheckInOnPostgres(t *testing.T) {
	dbURL := webtest.PostgresURL(t)
	app := start(t, t.TempDir(), "-db", dbURL)
	defer func() { require.NoError(t, app.stop()) }()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := client.PostForm(app.base+"/login/demo", url.Values{"persona": {demo.PersonaStaff}})
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = client.Get(app.base + "/api/v1/children?q=Sofie+Berg")
	require.NoError(t, err)
	var list struct {
		Items []web.ChildSummary `json:"items"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	resp.Body.Close()
	require.NotEmpty(t, list.Items)
	path := app.base + "/api/v1/children/" + list.Items[0].ID.String() + "/check-in"
	at := time.Now().Add(-time.Minute).Format(time.RFC3339)

	var wg sync.WaitGroup
	ids := make([]string, 10)
	for i := range ids {
		wg.Go(func() {
			r, err := client.Post(path, "application/json", strings.NewReader(fmt.Sprintf(`{"key":"tablet-event-1","at":%q}`, at)))
			if err != nil {
				return
			}
			defer r.Body.Close()
			b, _ := io.ReadAll(r.Body)
			var v attendanceweb.CheckView
			if r.StatusCode == http.StatusCreated && json.Unmarshal(b, &v) == nil {
				ids[i] = v.ID.String()
			} else {
				ids[i] = fmt.Sprintf("%d %s", r.StatusCode, b)
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	assert.Len(t, ids[0], 36, ids[0])
}
