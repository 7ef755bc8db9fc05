// Command page-budget measures every page of the reference app at a
// municipality's size (issue 24, part 5): it seeds the demo with about N
// children (demo.SeedChildren) on SQLite or PostgreSQL, builds the app in
// this process behind an httptest server, and requests every GET page
// route (web.Route with Kind == web.KindPage) as every demo persona, and
// every GET /api/ route (api.go: its parameters filled from the persona's
// pages; a route none fills, or listed in apiSkip, is listed as skipped
// with its reason).
//
// Before measuring (-workload, on by default) it does the month's work
// through the app's own API and forms, as the personas: every intake's
// allocation run and approval (the SFO intake's run is left a draft), the
// school starters registered, the month's invoice run and a credit note,
// a municipality and a unit event, and a special-education case taken to
// its decision with an attachment — so that the pages of their results
// are measured too. Each step's status is printed.
//
// The path parameters of a route are filled from what the persona itself
// can reach: the program first follows the links of the persona's pages
// from its start pages (a few of each route, GETs only) and takes the
// first link that matches the route; a persona that reaches none is given
// another persona's link, and its answer (403 or 404) counts the page as
// "not this persona's". A route no page links (the privacy export and
// erasure pages, an approved run's page) is filled from a reached route
// whose path is a prefix of it with the same parameters. A route no
// persona reaches is listed as skipped.
// Of a route with parameters up to -instances of the persona's links are
// timed and the slowest is shown, with its path.
//
// Each page a persona is allowed (status 200) is requested once to warm
// up and then -reps times; the time is the whole HTTP request through a
// real client, the body read in full. The table gives the median and p95
// time, the body's size and, on PostgreSQL, the SQL statements of one
// request (the median; pgx's tracer), and flags a page whose median is
// at or over 300 ms or whose body is at or over 300 KB.
//
//	go run ./reference-app/cmd/page-budget -children 2000 -reps 5
//	go run ./reference-app/cmd/page-budget -db "$OPPVEKST_TEST_POSTGRES" -children 2000
//
// -pages (a regular expression of route paths, pages' and GET /api/
// routes') and -personas (a comma list of persona keys) measure some pages
// and API routes only, after the same seed,
// workload and crawl; -cpuprofile FILE writes the CPU profile of the
// measuring alone, so one slow page can be timed and profiled at 50,000
// children without the whole run:
//
//	go run ./reference-app/cmd/page-budget -children 50000 -personas guardian -pages '^/children/\{childId\}/export$' -cpuprofile /tmp/export.pprof
//
// On PostgreSQL the program works in a schema of its own, dropped at the
// end. The app's own log is discarded.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The budget of a page (issue 24): its median time and its size.
const (
	budgetTime  = 300 * time.Millisecond
	budgetBytes = 300 * 1024
)

// now is the demo's clock: a Monday in the school year, noon in Oslo (the
// tests' webtest.Now), so that every run seeds the same data.
var now = time.Date(2025, time.November, 24, 12, 0, 0, 0, domain.Oslo())

func main() {
	children := flag.Int("children", 50000, "about how many children the demo municipality is seeded with")
	reps := flag.Int("reps", 5, "timed requests of each page per persona, after one warm-up")
	db := flag.String("db", "", "a PostgreSQL URL (a schema of its own is made and dropped); empty: SQLite in a temporary directory")
	perRoute := flag.Int("crawl", 5, "pages of each route a persona's crawl opens to find links")
	instances := flag.Int("instances", 3, "of a route with parameters, how many of the persona's links are timed (the slowest is shown)")
	work := flag.Bool("workload", true, "before measuring, run the month's work through the app (allocation runs and approvals, school starters, the invoice run, a credit note, events, a special-education case to its decision), so that the pages of its results are measured too")
	pages := flag.String("pages", "", "a regular expression: measure only the page and GET /api/ routes whose path (as the route table writes it, /children/{childId}/fees) it matches; empty: every page and API route")
	personas := flag.String("personas", "", "a comma list of persona keys (guardian,caseworker,…): crawl and measure only as them; empty: every persona")
	cpuprofile := flag.String("cpuprofile", "", "write the CPU profile of the measuring (not the seed, workload or crawl) to this file (go tool pprof)")
	flag.Parse()
	f, err := newFilter(*pages, *personas, *cpuprofile)
	if err == nil {
		err = run(context.Background(), os.Stdout, *db, *children, *reps, *perRoute, *instances, *work, f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "page-budget:", err)
		os.Exit(1)
	}
}

// store is what the app needs of a store, whichever database.
type store interface {
	web.Store
	Close()
}

type sqliteStore struct{ *sqlite.Store }

func (s sqliteStore) Close() { _ = s.Store.Close() }

// statements counts the SQL statements sent to PostgreSQL (a batch's
// statements each count).
type statements struct{ n atomic.Int64 }

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	s.n.Add(1)
	return ctx
}
func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (s *statements) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (s *statements) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) { s.n.Add(1) }
func (s *statements) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// open opens the store: SQLite in a temporary directory, or a fresh
// schema of the PostgreSQL database. The returned func removes it.
func open(ctx context.Context, db string, sql *statements) (store, func(), error) {
	if db == "" {
		dir, err := os.MkdirTemp("", "page-budget-")
		if err != nil {
			return nil, nil, err
		}
		s, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "oppvekst.db")})
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		st := sqliteStore{s}
		return st, func() { st.Close(); os.RemoveAll(dir) }, nil
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	schema := fmt.Sprintf("page_budget_%d_%d", os.Getpid(), time.Now().Unix())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		return nil, nil, err
	}
	drop := func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	}
	s, err := postgres.Open(ctx, postgres.Options{URL: db, Schema: schema, Tracer: sql})
	if err != nil {
		drop()
		return nil, nil, err
	}
	return s, func() { s.Close(); drop() }, nil
}

// route is a GET page route and the pattern its paths match.
type route struct {
	path string
	re   *regexp.Regexp
}

var paramRE = regexp.MustCompile(`\{[^}]*\}`)

// pageRoutes are the app's GET page routes, but the login and logout
// pages (they start or end the session).
func pageRoutes(a *web.App) []route {
	var out []route
	seen := map[string]bool{}
	for _, rt := range a.RouteTable() {
		if rt.Kind != web.KindPage || rt.Method != http.MethodGet || seen[rt.Path] {
			continue
		}
		if strings.HasPrefix(rt.Path, "/login") || strings.HasPrefix(rt.Path, "/logout") {
			continue
		}
		seen[rt.Path] = true
		var pat string
		if strings.HasSuffix(rt.Path, "{$}") {
			pat = regexp.QuoteMeta(strings.TrimSuffix(rt.Path, "{$}"))
		} else {
			parts := paramRE.Split(rt.Path, -1)
			for i := range parts {
				parts[i] = regexp.QuoteMeta(parts[i])
			}
			pat = strings.Join(parts, `[^/]+`)
		}
		out = append(out, route{path: rt.Path, re: regexp.MustCompile("^" + pat + "$")})
	}
	return out
}

func (r route) hasParams() bool {
	return strings.Contains(r.path, "{") && !strings.HasSuffix(r.path, "{$}")
}

// match is the route a path (without its query) belongs to, preferring a
// route without parameters ("/admission/intakes/new" over
// "/admission/intakes/{intakeId}").
func match(routes []route, path string) (route, bool) {
	var found route
	ok := false
	for _, r := range routes {
		if r.re.MatchString(path) {
			if !r.hasParams() {
				return r, true
			}
			if !ok || strings.Count(r.path, "{") < strings.Count(found.path, "{") {
				found, ok = r, true
			}
		}
	}
	return found, ok
}

type client struct {
	srv    *httptest.Server
	http   *http.Client
	cookie string
}

// get requests the path and reads the body in full; the duration is the
// whole request.
func (c client) get(path string) (int, []byte, time.Duration, error) {
	status, body, d, _, err := c.getWithLocation(path)
	return status, body, d, err
}

// getWithLocation is get that also returns a redirect's Location.
func (c client) getWithLocation(path string) (int, []byte, time.Duration, string, error) {
	req, err := http.NewRequest(http.MethodGet, c.srv.URL+path, nil)
	if err != nil {
		return 0, nil, 0, "", err
	}
	req.Header.Set("Cookie", c.cookie)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, 0, "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, b, time.Since(start), resp.Header.Get("Location"), err
}

var hrefRE = regexp.MustCompile(`(?:href|action)="(/[^"#]*)"`)

// crawl follows the persona's links from its start pages and returns, per
// route, the first paths (without query) the persona reaches, at most
// perRoute pages of a route opened.
func crawl(c client, routes []route, perRoute int) (map[string][]string, error) {
	found := map[string][]string{}
	opened := map[string]int{}
	seen := map[string]bool{}
	// Every page without parameters is a start page: the menu of each role.
	var queue []string
	for _, r := range routes {
		if !r.hasParams() {
			queue = append(queue, strings.TrimSuffix(r.path, "{$}"))
		}
	}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		path, _, _ = strings.Cut(strings.ReplaceAll(path, "&amp;", "&"), "?")
		if seen[path] {
			continue
		}
		seen[path] = true
		r, ok := match(routes, path)
		if !ok {
			continue
		}
		found[r.path] = append(found[r.path], path)
		if opened[r.path] >= perRoute || strings.HasSuffix(path, ".pdf") || strings.HasSuffix(path, ".csv") || strings.HasPrefix(path, "/static/") {
			continue
		}
		opened[r.path]++
		status, body, _, location, err := c.getWithLocation(path)
		if err != nil {
			return nil, err
		}
		if status >= 300 && status < 400 && strings.HasPrefix(location, "/") {
			queue = append(queue, location)
		}
		if status != http.StatusOK {
			continue
		}
		for _, m := range hrefRE.FindAllSubmatch(body, -1) {
			queue = append(queue, string(m[1]))
		}
	}
	return found, nil
}

// unlinked fills the routes no page of the persona links (the privacy
// export and erasure pages are opened from outside the menus, an approved
// run's page is where its approval leads) from a route the persona did
// reach whose path is a prefix of the route's with the same parameters:
// /children/{childId}/export from /children/{childId}.
func unlinked(routes []route, found map[string][]string) {
	for _, r := range routes {
		if len(found[r.path]) > 0 || !r.hasParams() {
			continue
		}
		for _, p := range routes {
			suffix, ok := strings.CutPrefix(r.path, p.path+"/")
			if !ok || strings.Contains(suffix, "{") || len(found[p.path]) == 0 {
				continue
			}
			for _, path := range found[p.path] {
				found[r.path] = append(found[r.path], path+"/"+suffix)
			}
			break
		}
	}
}

type row struct {
	page, persona, path string
	status              int
	median, p95         time.Duration
	bytes               int
	statements          string
	over                bool
}

// filled is the path requested when the route has parameters ("" when
// it is the route's own path).
func (r row) filled() string {
	if r.path == strings.TrimSuffix(r.page, "{$}") {
		return ""
	}
	return r.path
}

// measure requests the path once to warm up and, when it answers 200,
// reps times more: the whole request timed, the statements counted.
func measure(c client, sql *statements, path string, reps int) (row, error) {
	status, _, _, err := c.get(path)
	if err != nil || status != http.StatusOK {
		return row{path: path, status: status, statements: "-"}, err
	}
	times := make([]time.Duration, 0, reps)
	counts := make([]int64, 0, reps)
	size := 0
	for range reps {
		before := sql.n.Load()
		st, body, d, err := c.get(path)
		if err != nil {
			return row{}, err
		}
		if st != http.StatusOK {
			return row{}, fmt.Errorf("%s: %d after 200 in the warm-up", path, st)
		}
		counts = append(counts, sql.n.Load()-before)
		times = append(times, d)
		size = len(body)
	}
	slices.Sort(times)
	slices.Sort(counts)
	rw := row{path: path, status: http.StatusOK, median: times[len(times)/2],
		p95: times[min(len(times)-1, (len(times)*95+99)/100-1)], bytes: size,
		statements: fmt.Sprint(counts[len(counts)/2])}
	rw.over = rw.median >= budgetTime || rw.bytes >= budgetBytes
	return rw, nil
}

func run(ctx context.Context, out io.Writer, db string, children, reps, perRoute, instances int, work bool, f filter) error {
	if reps < 1 || instances < 1 {
		return errors.New("-reps and -instances must be at least 1")
	}
	sql := &statements{}
	s, closeStore, err := open(ctx, db, sql)
	if err != nil {
		return err
	}
	defer closeStore()
	clock := domain.FixedClock(now)
	dbName := "SQLite"
	if db != "" {
		dbName = "PostgreSQL"
	}
	start := time.Now()
	if err := demo.SeedChildren(ctx, s, clock, children); err != nil {
		return err
	}
	if err := demo.SeedNeighbour(ctx, s, clock); err != nil {
		return err
	}
	seeded, err := s.Children(ctx, demo.Municipality)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "page budget: %s, %d children seeded (asked %d) in %s, %d timed requests per page after one warm-up\n",
		dbName, len(seeded), children, time.Since(start).Round(time.Second), reps)

	a, err := server.New(s, clock, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	a.Demo = true
	a.LoginLimiter = web.NewLimiter(100000, time.Minute)
	if a.Personas, err = demo.Personas(ctx, s); err != nil {
		return err
	}
	var missing []string
	for _, key := range []string{demo.PersonaGuardian, demo.PersonaSecondParent, demo.PersonaOtherParent, demo.PersonaProtected,
		demo.PersonaProtected47, demo.PersonaOtherGuardian, demo.PersonaStaff, demo.PersonaOtherStaff, demo.PersonaCaseworker,
		demo.PersonaAdmin, demo.PersonaOtherMunicipality, demo.PersonaPPT} {
		if !slices.ContainsFunc(a.Personas, func(p demo.Persona) bool { return p.Key == key }) {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(out, "personas not found in the seed, so not measured: %s\n", strings.Join(missing, ", "))
	}
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	routes := pageRoutes(a)

	clients := map[string]client{}
	for _, p := range a.Personas {
		value, err := a.Sessions.Create(ctx, web.Session{Actor: p.Actor, Name: p.Name, Persona: p.Key}, time.Now())
		if err != nil {
			return err
		}
		clients[p.Key] = client{srv: srv, http: noRedirect, cookie: web.SessionCookie + "=" + value}
	}
	if work {
		start := time.Now()
		steps, err := workload(ctx, s, clients, thisMonth(now))
		if err != nil {
			return fmt.Errorf("workload: %w", err)
		}
		fmt.Fprintf(out, "workload (through the API and forms, as the personas) in %s:\n", time.Since(start).Round(time.Second))
		for _, st := range steps {
			fmt.Fprintf(out, "  %s: %d %s\n", st.what, st.status, st.note)
		}
		if err := domain.Analyze(ctx, s); err != nil {
			return fmt.Errorf("workload: analyze: %w", err)
		}
	}
	reached := map[string]map[string][]string{}
	for _, p := range a.Personas {
		if !f.persona(p.Key) {
			continue
		}
		var err error
		if reached[p.Key], err = crawl(clients[p.Key], routes, perRoute); err != nil {
			return err
		}
		unlinked(routes, reached[p.Key])
	}

	var rows []row
	var skipped []string
	notTheirs := 0
	stopProfile, err := f.profile()
	if err != nil {
		return err
	}
	for _, r := range routes {
		if !f.page(r.path) {
			continue
		}
		// Another persona's link, for a persona that reaches none.
		var other string
		for _, p := range a.Personas {
			if paths := reached[p.Key][r.path]; len(paths) > 0 {
				other = paths[0]
				break
			}
		}
		if !r.hasParams() {
			other = strings.TrimSuffix(r.path, "{$}")
		}
		if other == "" {
			skipped = append(skipped, r.path)
			continue
		}
		for _, p := range a.Personas {
			if !f.persona(p.Key) {
				continue
			}
			paths := reached[p.Key][r.path]
			if len(paths) == 0 {
				paths = []string{other}
			}
			paths = paths[:min(len(paths), instances)]
			// The slowest of the persona's instances of the page; an
			// error (neither 200 nor 403/404/redirect) before any time.
			var worst row
			found, refused := false, false
			for _, path := range paths {
				rw, err := measure(clients[p.Key], sql, path, reps)
				if err != nil {
					return err
				}
				switch {
				case rw.status == http.StatusForbidden || rw.status == http.StatusNotFound || (rw.status >= 300 && rw.status < 400):
					refused = true
				case !found:
					worst, found = rw, true
				case worst.status != http.StatusOK:
				case rw.status != http.StatusOK || rw.median > worst.median:
					worst = rw
				}
			}
			if !found {
				if refused {
					notTheirs++
				}
				continue
			}
			worst.page, worst.persona = r.path, p.Key
			if db == "" {
				worst.statements = "-"
			}
			rows = append(rows, worst)
		}
	}
	apiRows, apiNotTheirs, apiSkipped, err := measureAPI(a, clients, sql, routes, reached, reps, db != "", f)
	if err != nil {
		return err
	}
	if err := stopProfile(); err != nil {
		return err
	}
	rows, notTheirs = append(rows, apiRows...), notTheirs+apiNotTheirs

	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "page\tpersona\tstatus\tmedian ms\tp95 ms\tKB\tstatements\tbudget\tpath")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	over, timed := 0, 0
	var worst time.Duration
	for _, r := range rows {
		flag := ""
		if r.status != 200 {
			flag = "ERROR"
			fmt.Fprintf(w, "%s\t%s\t%d\t-\t-\t-\t-\t%s\t%s\n", r.page, r.persona, r.status, flag, r.filled())
			continue
		}
		timed++
		worst = max(worst, r.median)
		if r.over {
			over++
			flag = "OVER"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%.1f\t%s\t%s\t%s\n", r.page, r.persona, r.status, ms(r.median), ms(r.p95), float64(r.bytes)/1024, r.statements, flag, r.filled())
	}
	if err := w.Flush(); err != nil {
		return err
	}
	sort.Strings(skipped)
	for _, p := range skipped {
		fmt.Fprintf(out, "skipped (no persona reaches a link that fills its parameters: nothing of the kind seeded, or no page links it): %s\n", p)
	}
	for _, p := range sortedKeys(apiSkipped) {
		fmt.Fprintf(out, "skipped API route %s: %s\n", p, apiSkipped[p])
		skipped = append(skipped, p)
	}
	errs := len(rows) - timed
	fmt.Fprintf(out, "summary: %s, %d children: %d page×persona timed, %d over budget (median ≥ %d ms or ≥ %d KB), %d answered neither 200 nor 403/404, %d not the persona's (403/404/redirect), %d routes skipped; slowest median %s ms\n",
		dbName, len(seeded), timed, over, budgetTime.Milliseconds(), budgetBytes/1024, errs, notTheirs, len(skipped), ms(worst))
	return nil
}
