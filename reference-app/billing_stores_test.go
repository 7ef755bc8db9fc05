package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The billing story on the running app, on SQLite and on PostgreSQL: the
// demo data invoices the demo guardian in the month of today (June in
// July, a month without fees), a second run makes nothing, and the
// guardian reads the invoice.
func TestBillingOnSQLite(t *testing.T) { billingOnRunningApp(t, start(t, t.TempDir())) }

func TestBillingOnPostgres(t *testing.T) {
	billingOnRunningApp(t, start(t, t.TempDir(), "-db", webtest.PostgresURL(t)))
}

func billingOnRunningApp(t *testing.T, app started) {
	login := func(persona string) *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
		resp, err := c.PostForm(app.base+"/login/demo", url.Values{"persona": {persona}})
		require.NoError(t, err)
		resp.Body.Close()
		return c
	}
	call := func(c *http.Client, method, path, body string) (int, string) {
		req, err := http.NewRequest(method, app.base+path, strings.NewReader(body))
		require.NoError(t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	month := billing.MonthOf(domain.Today(domain.SystemClock{}))
	if month.Month == time.July {
		month = month.Prev()
	}
	cw := login(demo.PersonaCaseworker)
	status, body := call(cw, "POST", "/api/v1/invoice-runs/preview", `{"month":"`+month.String()+`"}`)
	require.Equal(t, http.StatusOK, status, body)
	var preview billingweb.InvoiceRunPreviewView
	require.NoError(t, json.Unmarshal([]byte(body), &preview))
	status, body = call(cw, "POST", "/api/v1/invoice-runs", `{"month":"`+month.String()+`","fingerprint":"`+preview.Fingerprint+`"}`)
	require.Equal(t, http.StatusCreated, status, body)
	var first billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(body), &first))
	require.NotEmpty(t, first.Invoices)
	status, body = call(cw, "POST", "/api/v1/invoice-runs", `{"month":"`+month.String()+`"}`)
	require.Equal(t, http.StatusOK, status, body)
	var second billingweb.InvoiceRunResultView
	require.NoError(t, json.Unmarshal([]byte(body), &second))
	assert.False(t, second.Created)
	assert.Len(t, second.Invoices, len(first.Invoices))

	status, body = call(login(demo.PersonaGuardian), "GET", "/api/v1/invoices?month="+month.String(), "")
	require.Equal(t, http.StatusOK, status, body)
	var mine api.Page[billingweb.InvoiceView]
	require.NoError(t, json.Unmarshal([]byte(body), &mine))
	require.Len(t, mine.Items, 1)
	assert.Equal(t, "Hilde Berg", mine.Items[0].PayerName)
	assert.Equal(t, "Sofie Berg", mine.Items[0].Lines[0].ChildName)
}
