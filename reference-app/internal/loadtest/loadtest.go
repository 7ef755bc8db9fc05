// Package loadtest sends requests to a running reference app at a fixed
// rate (open loop: a slow answer does not slow the sender down) and
// measures the answers: the latency percentiles, the errors, and the sends
// the generator could not make on time. It is bounded: at most MaxInFlight
// requests are out at once (a send that finds them all out is dropped and
// counted, not queued), and each request has a timeout.
//
// reference-app/loadgen is its command; scripts/checkin-load runs it
// against the check-in and the bare check-in of the same server.
package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one load.
type Config struct {
	Method, Path, Body string
	// Rate is requests a second, Duration how long they are sent.
	Rate     int
	Duration time.Duration
	// MaxInFlight bounds the requests out at once (256 when zero).
	MaxInFlight int
	// Timeout ends a request that takes longer (5 s when zero).
	Timeout time.Duration
	// Late is how far behind its schedule a send may start before it is
	// counted late (5 ms when zero).
	Late time.Duration
	// DaysBack is how many days {day} was already stepped back by an
	// earlier load in the same session (so that a second load makes new
	// events).
	DaysBack int
	// Keep keeps the bodies of the successful answers in Result.Answers.
	Keep bool
}

// Session is a logged-in client and the children it may address.
type Session struct {
	Base     string
	client   *http.Client
	Children []string
}

// Login logs in with the demo login as the persona and lists up to
// children children it sees (GET /api/v1/children, page by page).
func Login(base, persona string, children int) (*Session, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 1024}}
	resp, err := client.PostForm(base+"/login/demo", url.Values{"persona": {persona}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("login as %s: %s", persona, resp.Status)
	}
	s := &Session{Base: base, client: client}
	cursor := ""
	for len(s.Children) < children {
		u := base + "/api/v1/children?limit=200"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		resp, err := client.Get(u)
		if err != nil {
			return nil, err
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("children visible to %s: %w", persona, err)
		}
		for _, c := range page.Items {
			if len(s.Children) < children {
				s.Children = append(s.Children, c.ID)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if children > 0 && len(s.Children) == 0 {
		return nil, fmt.Errorf("no children visible to %s", persona)
	}
	return s, nil
}

// Result is what a load measured.
type Result struct {
	Sent, OK                    int
	TransportErrors, HTTPErrors int
	// Dropped sends found MaxInFlight requests out; Late ones started more
	// than Config.Late behind their schedule.
	Dropped, Late int
	Elapsed       time.Duration
	// Latencies of the answered requests (HTTP errors included), from
	// send to the end of the body.
	P50, P95, P99, Max time.Duration
	FirstError         string // the first transport error or drop
	FirstHTTPError     string // the first answer of status 400 or more, with its body
	Answers            []string
	// Days is how many days {day} stepped back.
	Days int
	// AppCPU is the CPU time the app's process used per request sent and
	// not dropped, while the load ran (Session.ServerCPU); zero when the
	// app does not say.
	AppCPU time.Duration
}

// Errors counts every request that did not succeed.
func (r Result) Errors() int { return r.TransportErrors + r.HTTPErrors + r.Dropped }

func (r Result) String() string {
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms" }
	s := fmt.Sprintf("%d requests in %s (%.0f/s): p50 %s, p95 %s, p99 %s, max %s; errors: transport %d, HTTP %d, dropped %d; late sends %d",
		r.Sent, r.Elapsed.Round(time.Millisecond), float64(r.Sent)/r.Elapsed.Seconds(),
		ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.TransportErrors, r.HTTPErrors, r.Dropped, r.Late)
	if r.AppCPU > 0 {
		s += fmt.Sprintf("; app CPU %.2f ms a request", float64(r.AppCPU)/1e6)
	}
	if r.FirstError != "" {
		s += " (first error: " + r.FirstError + ")"
	}
	if r.FirstHTTPError != "" {
		s += " (first HTTP error: " + r.FirstHTTPError + ")"
	}
	return s
}

// ServerCPU is the CPU time the app's process has used so far, from the
// load test's GET /load-test/cpu (an app started with -load-test); ok is
// false when it does not answer it.
func (s *Session) ServerCPU() (cpu time.Duration, ok bool) {
	resp, err := s.client.Get(s.Base + "/load-test/cpu")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var v struct {
		CPU int64 `json:"cpuNanoseconds"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&v) != nil {
		return 0, false
	}
	return time.Duration(v.CPU), true
}

// Run sends the load. The path and body may hold {child} (the session's
// children in turn), {seq} (the request's number) and {day}: a past day,
// yesterday (or DaysBack days before it) for the first round through the
// children, the day before for the next, so each child gets one request a
// day. A POST carries a fresh Idempotency-Key.
func (s *Session) Run(cfg Config) Result {
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = 256
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Late == 0 {
		cfg.Late = 5 * time.Millisecond
	}
	total := int(cfg.Duration.Seconds() * float64(cfg.Rate))
	latencies := make([]time.Duration, total)
	answers := make([]string, total)
	var transport, status, dropped, late atomic.Int64
	var mu sync.Mutex
	var firstMsg string
	var firstHTTP string
	fail := func(msg string) {
		mu.Lock()
		if firstMsg == "" {
			firstMsg = msg
		}
		mu.Unlock()
	}
	client := *s.client
	client.Timeout = cfg.Timeout
	slots := make(chan struct{}, cfg.MaxInFlight)
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(cfg.Rate)
	cpu0, measured := s.ServerCPU()
	start := time.Now()
	days := 0
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		if time.Since(due) > cfg.Late {
			late.Add(1)
		}
		latencies[i] = -1
		select {
		case slots <- struct{}{}:
		default:
			dropped.Add(1)
			fail("dropped: " + strconv.Itoa(cfg.MaxInFlight) + " requests in flight")
			continue
		}
		p, b := expand(cfg.Path, i, s.Children, start, cfg.DaysBack), expand(cfg.Body, i, s.Children, start, cfg.DaysBack)
		if n := len(s.Children); n > 0 {
			days = max(days, 1+i/n)
		}
		key := fmt.Sprintf("load-%d-%d", start.UnixNano(), i)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-slots }()
			req, _ := http.NewRequest(cfg.Method, s.Base+p, strings.NewReader(b))
			if b != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if cfg.Method == http.MethodPost {
				req.Header.Set("Idempotency-Key", key)
			}
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				transport.Add(1)
				fail(err.Error())
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			latencies[i] = time.Since(t0)
			if resp.StatusCode >= 400 {
				status.Add(1)
				mu.Lock()
				if firstHTTP == "" {
					firstHTTP = resp.Status + " " + string(body)
				}
				mu.Unlock()
			} else if cfg.Keep {
				answers[i] = string(body)
			}
		}(i)
	}
	wg.Wait()
	res := Result{Sent: total, Elapsed: time.Since(start), Days: days,
		TransportErrors: int(transport.Load()), HTTPErrors: int(status.Load()),
		Dropped: int(dropped.Load()), Late: int(late.Load()), FirstError: firstMsg, FirstHTTPError: firstHTTP}
	ok := slices.DeleteFunc(latencies, func(d time.Duration) bool { return d < 0 })
	slices.Sort(ok)
	pct := func(q float64) time.Duration {
		if len(ok) == 0 {
			return 0
		}
		return ok[min(len(ok)-1, int(q*float64(len(ok))))]
	}
	res.P50, res.P95, res.P99, res.Max = pct(0.50), pct(0.95), pct(0.99), pct(1)
	res.OK = total - res.Errors()
	if cpu1, ok := s.ServerCPU(); measured && ok && total > res.Dropped {
		res.AppCPU = (cpu1 - cpu0) / time.Duration(total-res.Dropped)
	}
	if cfg.Keep {
		res.Answers = slices.DeleteFunc(answers, func(s string) bool { return s == "" })
	}
	return res
}

// expand fills in {seq}, {child} and {day} for request i: {day} steps one
// day back, from back days before yesterday, after every round through the
// children.
func expand(s string, i int, children []string, now time.Time, back int) string {
	if !strings.Contains(s, "{") {
		return s
	}
	r := []string{"{seq}", strconv.Itoa(i)}
	if n := len(children); n > 0 {
		day := now.AddDate(0, 0, -1-back-i/n).Format(time.DateOnly)
		r = append(r, "{child}", children[i%n], "{day}", day)
	}
	return strings.NewReplacer(r...).Replace(s)
}
