// Command loadgen sends requests to a running reference app at a fixed
// rate (open loop: a slow answer does not slow the sender down) and reports
// the latency percentiles, the errors, and the sends it dropped (all of
// -max-inflight requests out) or made late (package
// reference-app/internal/loadtest).
//
//	go run ./reference-app/loadgen -base http://127.0.0.1:8080 -persona staff-nordby \
//		-method GET -path /api/v1/children/{child} -rate 500 -duration 30s
//
// It logs in with the demo login as the persona, then, when the path holds
// {child}, picks children from GET /api/v1/children in turn (up to
// -children of them). With -body every request sends it (with a fresh
// Idempotency-Key for POST).
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
//
// With -bare PATH (an app started with -load-test: the bare check-in,
// /load-test/bare/children/{child}/check-in) the same load is first sent
// to PATH, then to -path, and both are reported, "bare" and "project":
// the server stack's own latency beside the endpoint's.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/oppvekst/oppvekst/reference-app/internal/loadtest"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the app's address")
	persona := flag.String("persona", "staff-nordby", "demo persona to log in as")
	method := flag.String("method", "GET", "HTTP method")
	path := flag.String("path", "/api/v1/children/{child}", "path; {child} is replaced by a visible child's ID in turn")
	bare := flag.String("bare", "", "path of the bare baseline, loaded the same way first (an app with -load-test)")
	body := flag.String("body", "", "request body (JSON)")
	rate := flag.Int("rate", 500, "requests a second")
	duration := flag.Duration("duration", 30*time.Second, "how long to send")
	children := flag.Int("children", 200, "how many of the visible children to address at most")
	inflight := flag.Int("max-inflight", 256, "requests out at once at most; a send finding them all out is dropped")
	timeout := flag.Duration("timeout", 5*time.Second, "a request taking longer fails")
	flag.Parse()
	cfg := loadtest.Config{Method: *method, Path: *path, Body: *body, Rate: *rate, Duration: *duration,
		MaxInFlight: *inflight, Timeout: *timeout}
	if err := run(*base, *persona, *bare, *children, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(base, persona, bare string, children int, cfg loadtest.Config) error {
	s, err := loadtest.Login(base, persona, children)
	if err != nil {
		return err
	}
	failed := 0
	if bare != "" {
		b := cfg
		b.Path = bare
		r := s.Run(b)
		fmt.Println("bare:    " + r.String())
		failed += r.Errors() // the bare check-in stores nothing: the days are the project's still
	}
	r := s.Run(cfg)
	if bare != "" {
		fmt.Print("project: ")
	}
	fmt.Println(r.String())
	if failed += r.Errors(); failed > 0 {
		return fmt.Errorf("%d requests failed", failed)
	}
	return nil
}
