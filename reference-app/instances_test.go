package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// Two instances of the app on one PostgreSQL database, each with its own
// pool and its own background jobs, running as the walled role
// oppvekst_app: a session made on A works on B, the login limit counts
// both, a check-in's Idempotency-Key sent to both at once is one check-in
// with one answer, a bulletin posted on B is delivered once (the outbox's
// claims), the offers past their deadline lapse once (the job locks), and
// nothing is left undelivered.
func TestTwoInstancesOnePostgres(t *testing.T) {
	dbURL := webtest.PostgresURL(t)
	ctx := context.Background()

	var hookMu sync.Mutex
	hooks := map[string]int{} // delivery key → POSTs received
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hookMu.Lock()
		hooks[r.Header.Get("Idempotency-Key")]++
		hookMu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer hook.Close()
	env := map[string]string{
		"OPPVEKST_WEBHOOK_URL":    hook.URL,
		"OPPVEKST_WEBHOOK_SECRET": strings.Repeat("s", 32),
		"OPPVEKST_LOGIN_LIMIT":    "12",
	}
	getenv := func(k string) string { return env[k] }
	// 10:00 on a weekday, today or soon: out of the quiet hours (which
	// hold notices till the morning), the units open.
	start := time.Now().In(domain.Oslo())
	start = time.Date(start.Year(), start.Month(), start.Day(), 10, 0, 0, 0, domain.Oslo())
	for start.Weekday() == time.Saturday || start.Weekday() == time.Sunday {
		start = start.AddDate(0, 0, 1)
	}
	clock := &movableClock{}
	clock.set(start)
	opts := server.Options{Clock: clock, JobEvery: 150 * time.Millisecond}
	a := startOpts(t, getenv, t.TempDir(), opts, "-db", dbURL, "-db-role", "oppvekst_app")
	b := startOpts(t, getenv, t.TempDir(), opts, "-db", dbURL, "-db-role", "oppvekst_app", "-seed=false")
	assert.Contains(t, a.stdout.String(), `"role":"oppvekst_app"`)
	t.Cleanup(func() {
		if t.Failed() {
			for name, out := range map[string]*syncBuffer{"A": a.stdout, "B": b.stdout} {
				for _, l := range strings.Split(out.String(), "\n") {
					if strings.Contains(l, `"level":"ERROR"`) || strings.Contains(l, `"status":5`) {
						t.Logf("%s: %s", name, l)
					}
				}
			}
		}
	})

	owner, err := postgres.Open(ctx, postgres.Options{URL: dbURL})
	require.NoError(t, err)
	defer owner.Close()

	// A session made on A works on B. (A cookie names no port: one jar
	// serves both.)
	login := func(base, persona string) *http.Client {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
		resp, err := c.PostForm(base+"/login/demo", url.Values{"persona": {persona}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		return c
	}
	call := func(c *http.Client, method, u, body string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, u, strings.NewReader(body))
		require.NoError(t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := c.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, got
	}
	staff := login(a.base, demo.PersonaStaff)
	resp, body := call(staff, "GET", b.base+"/api/v1/children?q=Sofie+Berg", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, "A's session on B: %s", body)
	var list struct {
		Items []web.ChildSummary `json:"items"`
	}
	require.NoError(t, json.Unmarshal(body, &list))
	require.NotEmpty(t, list.Items)
	sofie := list.Items[0].ID

	// One check-in, its Idempotency-Key sent to A and B at once: one
	// answer, given twice, and one check recorded.
	type answer struct {
		status   int
		body     string
		replayed bool
	}
	answers := make([]answer, 2)
	var wg sync.WaitGroup
	for i, base := range []string{a.base, b.base} {
		wg.Go(func() {
			resp, body := call(staff, "POST", base+"/api/v1/children/"+sofie.String()+"/check-in", `{}`, "Idempotency-Key", "two-instances-check-in")
			answers[i] = answer{resp.StatusCode, string(body), resp.Header.Get("Idempotent-Replayed") == "true"}
		})
	}
	wg.Wait()
	assert.Equal(t, answers[0].status, answers[1].status)
	assert.Equal(t, answers[0].body, answers[1].body, "the same answer on both")
	assert.True(t, answers[0].replayed != answers[1].replayed, "one did the work, the other replayed it: %+v", answers)
	assert.Less(t, answers[0].status, 500, answers[0].body)
	if answers[0].status == http.StatusCreated {
		today := domain.Today(clock)
		checks, err := owner.ChildChecks(ctx, demo.Municipality, sofie, domain.Period{Start: today.AddDate(0, 0, -1), End: today.AddDate(0, 0, 1)})
		require.NoError(t, err)
		assert.Len(t, checks, 1, "one check-in, not two")
	}

	// Hilde (Sofie's guardian) takes her notices in the app (the webhook);
	// a bulletin to Sofie's unit, posted on B, reaches her once.
	guardian := login(b.base, demo.PersonaGuardian)
	resp, body = call(guardian, "POST", a.base+"/api/v1/contact", `{"language":"nb","channel":"webhook"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	resp, body = call(staff, "GET", a.base+"/api/v1/children/"+sofie.String(), "")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var child web.ChildView
	require.NoError(t, json.Unmarshal(body, &child))
	require.NotEmpty(t, child.Placements)
	resp, body = call(staff, "POST", b.base+"/api/v1/threads", fmt.Sprintf(
		`{"scope":"unit","unitId":%q,"subject":"Foreldremøte","body":"Velkommen til foreldremøte tirsdag.","bulletin":true}`, child.Placements[0].UnitID))
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))

	// The offers of an approved admission run lapse once, both instances'
	// jobs running.
	caseworker := login(a.base, demo.PersonaCaseworker)
	resp, body = call(caseworker, "GET", b.base+"/api/v1/intakes", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var intakes struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal(body, &intakes))
	require.NotEmpty(t, intakes.Items)
	resp, body = call(caseworker, "POST", b.base+"/api/v1/admission-runs", `{"intakeId":"`+intakes.Items[0].ID+`","seed":7,"reason":"two instances"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var run struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(body, &run))
	resp, body = call(caseworker, "POST", a.base+"/api/v1/admission-approvals", `{"runId":"`+run.ID+`","reason":"two instances"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	later := 28 * 24 * time.Hour // four weeks on: a weekday, 10:00
	due, err := owner.DueOffers(ctx, demo.Municipality, clock.Now().Add(later))
	require.NoError(t, err)
	require.NotEmpty(t, due, "the approval made offers")
	clock.set(clock.Now().Add(later))

	// Wait for the jobs and the outbox to settle.
	lapsed := func() int {
		n := 0
		for _, out := range []*syncBuffer{a.stdout, b.stdout} {
			for _, l := range logLines(t, out.String(), "offers lapsed") {
				if l["municipality"] == string(demo.Municipality) {
					n += int(l["count"].(float64))
				}
			}
		}
		return n
	}
	type delivery struct {
		ID       string    `json:"id"`
		State    string    `json:"state"`
		Attempts int       `json:"attempts"`
		NextAt   time.Time `json:"nextAt"`
	}
	// outbox lists the deliveries, and those pending that are due now
	// (quiet hours hold some till the morning: waiting, not lost).
	outbox := func() (all []delivery, due int) {
		cursor := ""
		for {
			resp, body := call(caseworker, "GET", a.base+"/api/v1/outbox?limit=200&cursor="+url.QueryEscape(cursor), "")
			require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
			var page struct {
				Items      []delivery `json:"items"`
				NextCursor string     `json:"nextCursor"`
			}
			require.NoError(t, json.Unmarshal(body, &page))
			all = append(all, page.Items...)
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		for _, d := range all {
			if d.State == "pending" && !d.NextAt.After(clock.Now()) {
				due++
			}
		}
		return all, due
	}
	// settle waits until no delivery is due and every offer past its
	// deadline has lapsed.
	settle := func() {
		deadline := time.Now().Add(60 * time.Second)
		for {
			_, pendingDue := outbox()
			left, err := owner.DueOffers(ctx, demo.Municipality, clock.Now())
			require.NoError(t, err)
			if pendingDue == 0 && len(left) == 0 && lapsed() >= len(due) {
				return
			}
			require.True(t, time.Now().Before(deadline), "not settled: deliveries due %d, offers open past deadline %d, lapsed %d of %d", pendingDue, len(left), lapsed(), len(due))
			time.Sleep(200 * time.Millisecond)
		}
	}
	settle()
	var sum messagingweb.OutboxSummary
	resp, body = call(caseworker, "GET", a.base+"/api/v1/outbox/summary", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, &sum))
	time.Sleep(time.Second) // a few more turns of every job on both
	// A job's turn in that second may have raised a notice (a reminder
	// falling due): it is sent before the counts below, not counted lost.
	settle()
	assert.Equal(t, len(due), lapsed(), "each offer lapsed once")
	for name, out := range map[string]*syncBuffer{"A": a.stdout, "B": b.stdout} {
		for _, l := range logLines(t, out.String(), "") {
			assert.NotEqual(t, "ERROR", l["level"], "%s logged an error (a job run twice at once?): %v", name, l)
		}
	}
	assert.Zero(t, sum.Dead, "no delivery given up")

	// Every delivery sent once: at the webhook, or logged (demo mode) by
	// one instance only; every sent delivery was claimed once.
	logged := map[string]int{}
	for _, out := range []*syncBuffer{a.stdout, b.stdout} {
		for _, msg := range []string{"delivery logged, not sent", "digital mailbox delivery (logged, not sent)"} {
			for _, l := range logLines(t, out.String(), msg) {
				if l["municipality"] == string(demo.Municipality) {
					logged[l["key"].(string)]++
				}
			}
		}
	}
	hookMu.Lock()
	for k, n := range hooks {
		assert.Equal(t, 1, n, "webhook delivery %s", k)
		logged[k] += n
	}
	webhooks := len(hooks)
	hookMu.Unlock()
	for k, n := range logged {
		assert.Equal(t, 1, n, "delivery %s sent %d times", k, n)
	}
	assert.Positive(t, webhooks, "the bulletin reached Hilde at the webhook")
	all, pendingDue := outbox()
	sent := 0
	for _, d := range all {
		if d.State == "sent" {
			sent++
			assert.Equal(t, 1, d.Attempts, "delivery %s claimed once", d.ID)
		}
	}
	assert.Equal(t, sent, len(logged), "nothing lost: every sent delivery was delivered")
	assert.Zero(t, pendingDue)
	t.Logf("outbox %+v; webhook deliveries %d; offers lapsed %d; answers %+v", sum, webhooks, len(due), answers)

	// The login limit (12 a minute) counts the attempts on both
	// instances together. Not across a minute's boundary.
	if s := clock.Now().Second(); s > 45 {
		time.Sleep(time.Duration(61-s) * time.Second)
	}
	statuses := []int{}
	for i := range 14 {
		base := a.base
		if i%2 == 1 {
			base = b.base
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: webtest.NoRedirect.CheckRedirect}
		resp, err := c.PostForm(base+"/login/demo", url.Values{"persona": {demo.PersonaGuardian}})
		require.NoError(t, err)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	refused := 0
	for _, s := range statuses {
		if s == http.StatusTooManyRequests {
			refused++
		}
	}
	// The earlier logins were in another window (the clock moved on 30
	// days); 7 a piece would pass on instances counting alone.
	assert.Equal(t, 2, refused, "attempts beyond 12 are refused on either instance: %v", statuses)
	assert.Equal(t, http.StatusTooManyRequests, statuses[len(statuses)-1], "%v", statuses)
	assert.Equal(t, http.StatusTooManyRequests, statuses[len(statuses)-2], "%v", statuses)

	require.NoError(t, b.stop())
	require.NoError(t, a.stop())
}

// logLines returns the JSON log lines whose message starts with msg.
func logLines(t *testing.T, out, msg string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		if m, _ := l["msg"].(string); strings.HasPrefix(m, msg) {
			lines = append(lines, l)
		}
	}
	return lines
}
