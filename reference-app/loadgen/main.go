// Command loadgen sends requests to a running reference app at a fixed
// rate (open loop: a slow answer does not slow the sender down) and reports
// the latency percentiles and the errors.
//
//	go run ./reference-app/loadgen -base http://127.0.0.1:8080 -persona staff-nordby \
//		-method GET -path /api/v1/children/{child} -rate 500 -duration 30s
//
// It logs in with the demo login as the persona, then, when the path holds
// {child}, picks children from GET /api/v1/children in turn. With -body
// every request sends it (with a fresh Idempotency-Key for POST).
//
// The body may vary per request: {seq} is the request's number, {child}
// the child the request is for (as in the path), and {day} a past day,
// yesterday for the first round through the children, the day before for
// the next round, and so on, so each child gets one request a day. For
// example 500 check-ins a second, each a new event:
//
//	go run ./reference-app/loadgen -persona staff-bjorkelia -method POST \
//		-path /api/v1/children/{child}/check-in \
//		-body '{"key":"load-{seq}","at":"{day}T07:30:00Z"}' -rate 500 -duration 30s
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the app's address")
	persona := flag.String("persona", "staff-nordby", "demo persona to log in as")
	method := flag.String("method", "GET", "HTTP method")
	path := flag.String("path", "/api/v1/children/{child}", "path; {child} is replaced by a visible child's ID in turn")
	body := flag.String("body", "", "request body (JSON)")
	rate := flag.Int("rate", 500, "requests a second")
	duration := flag.Duration("duration", 30*time.Second, "how long to send")
	flag.Parse()
	if err := run(*base, *persona, *method, *path, *body, *rate, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(base, persona, method, path, body string, rate int, duration time.Duration) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}}
	resp, err := client.PostForm(base+"/login/demo", url.Values{"persona": {persona}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("login as %s: %s", persona, resp.Status)
	}
	var children []string
	if strings.Contains(path, "{child}") || strings.Contains(body, "{child}") || strings.Contains(body, "{day}") {
		resp, err := client.Get(base + "/api/v1/children?limit=200")
		if err != nil {
			return err
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || len(page.Items) == 0 {
			return fmt.Errorf("no children visible to %s (%v)", persona, err)
		}
		for _, c := range page.Items {
			children = append(children, c.ID)
		}
	}

	total := int(duration.Seconds() * float64(rate))
	latencies := make([]time.Duration, total)
	var errs, statusErrs atomic.Int64
	var firstErr sync.Once
	var firstMsg string
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		p, b := path, body
		if children != nil {
			p = strings.ReplaceAll(p, "{child}", children[i%len(children)])
		}
		if strings.Contains(b, "{") {
			b = expandBody(b, i, children, start)
		}
		wg.Add(1)
		go func(i int, p string) {
			defer wg.Done()
			req, _ := http.NewRequest(method, base+p, strings.NewReader(b))
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if method == http.MethodPost {
				req.Header.Set("Idempotency-Key", fmt.Sprintf("load-%d-%d", start.UnixNano(), i))
			}
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				errs.Add(1)
				firstErr.Do(func() { firstMsg = err.Error() })
				latencies[i] = -1
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			latencies[i] = time.Since(t0)
			if resp.StatusCode >= 400 {
				statusErrs.Add(1)
				firstErr.Do(func() { firstMsg = resp.Status })
			}
		}(i, p)
	}
	wg.Wait()
	elapsed := time.Since(start)
	ok := slices.DeleteFunc(slices.Clone(latencies), func(d time.Duration) bool { return d < 0 })
	slices.Sort(ok)
	pct := func(q float64) time.Duration {
		if len(ok) == 0 {
			return 0
		}
		return ok[min(len(ok)-1, int(q*float64(len(ok))))]
	}
	fmt.Printf("%d requests in %s (%.0f/s): p50 %s, p90 %s, p99 %s, max %s; transport errors %d, HTTP errors %d %s\n",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
		pct(0.50).Round(time.Microsecond*10), pct(0.90).Round(time.Microsecond*10), pct(0.99).Round(time.Microsecond*10),
		pct(1).Round(time.Microsecond*10), errs.Load(), statusErrs.Load(), firstMsg)
	if errs.Load() > 0 || statusErrs.Load() > 0 {
		return fmt.Errorf("%d requests failed", errs.Load()+statusErrs.Load())
	}
	return nil
}

// expandBody fills in the body's {seq}, {child} and {day} for request i:
// {day} steps one day back, from yesterday, after every round through the
// children.
func expandBody(body string, i int, children []string, now time.Time) string {
	r := []string{"{seq}", strconv.Itoa(i)}
	if len(children) > 0 {
		day := now.AddDate(0, 0, -1-i/len(children)).Format(time.DateOnly)
		r = append(r, "{child}", children[i%len(children)], "{day}", day)
	}
	return strings.NewReplacer(r...).Replace(body)
}
