package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/conformance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// routeKind says what a route answers with.
type routeKind int

const (
	KindPage   routeKind = iota // HTML for the browser; errors as an error page
	KindAPI                     // JSON; errors as RFC 9457 problems; in /openapi.json
	kindSystem                  // JSON for machines (health, OpenAPI, conformance); in /openapi.json
)

// HandlerFunc handles a request whose session, path IDs and policy have
// been checked; an error it returns is rendered as a problem or an error
// page.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, c *Call) error

// Call is what the route wrapper knows about a request.
type Call struct {
	LoggedIn bool
	Session  Session
	Actor    domain.Actor
	Lang     Locale
	// Path IDs, parsed when the pattern has them.
	ChildID domain.ChildID
	UnitID  domain.UnitID
	// Tag is the route's group (its capability: admission, billing, …),
	// which PolicyCaseworker checks the caseworker's grants against.
	Tag string
	// Set by a child policy: the decided access and the child's record.
	Access childAccess
	Record domain.ChildRecord
}

// Route is one line of the route table.
type Route struct {
	Method, Path string
	Kind         routeKind
	Policy       policy
	Summary      string // one line, for the OpenAPI document
	// Body and response are values of the request and response types,
	// described in the OpenAPI document (nil: none).
	Body, Response any
	// BodyTypes describes a request body that is not JSON: the schema of
	// each media type it may be sent as (text/csv, multipart/form-data).
	BodyTypes map[string]any
	List      bool // paginated with ?limit= and ?cursor=
	// Search, on a list where people look for someone, says what ?q=
	// searches (every word must be found, ignoring case; at most
	// api.MaxSearch characters): the OpenAPI document describes q with it.
	Search    string
	Query     map[string]string // other query parameters and what they do
	Status    int               // the success status; 200 when zero
	Also      []int             // other success statuses, with the same body
	FormLimit int64             // the largest form a page's POST may send; api.MaxBodyBytes when zero
	// ChecksOwnForm: the handler checks every value of the page's form
	// itself (domain.CheckLine, domain.CheckText) and answers a refused one
	// with the form again, what was typed kept and the field named (422);
	// the shell then checks only the query string.
	ChecksOwnForm bool
	// BodyLimit is the largest body an API POST may send (read by
	// Idempotency-Key and the handler); api.MaxBodyBytes when zero.
	BodyLimit int64
	// ContentType is the media type of the success response;
	// application/json when empty.
	ContentType string
	Handle      HandlerFunc
	Raw         http.Handler // mounted as is instead of handle
	// Tag is the group the route is documented (and fuzzed) in when it is
	// not its capability's: the unit's roster is the directory's, answered
	// by attendance.
	Tag string
}

func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// TagIn is the route's tag in /openapi.json, as a route of group g.
func (rt Route) TagIn(g routeGroup) string {
	if rt.Tag != "" {
		return rt.Tag
	}
	return g.tag
}

// RouteTable is every route of the app, in groups: the system routes, the
// shell's pages (login, language, stylesheet), then the routes of each
// capability mounted (the directory, admission, attendance, billing,
// messaging).
//
// Wiring a capability in, in one place each:
//  1. a package internal/<cap>web whose New(*App) returns its Capability:
//     its routes (API routes appear in /openapi.json by themselves: give
//     them a summary, body and response values; POSTs get
//     Idempotency-Key), menu entries, templates/*.html and
//     messages/<cap>.{nb,nn,en}.json; server.New mounts it;
//  2. a policy per route from access.go (PolicyChildParent for a guardian's
//     application, PolicyChildCare for check-in, PolicyChildCase or
//     PolicyCaseworker for casework);
//  3. tests: a line per route in authTable (internal/server/access_test.go)
//     and the story's steps in e2e/.
func (a *App) RouteTable() []Route {
	var all []Route
	for _, g := range a.RouteGroups() {
		all = append(all, g.Routes...)
	}
	return all
}

// routeGroup is one group of the route table: its tag in /openapi.json
// (and its family in the fuzz tests), what it is about, and its routes.
type routeGroup struct {
	tag, about string
	Routes     []Route
}

// RouteGroups is the route table by group: the shell's (system, web), then
// one per capability mounted.
func (a *App) RouteGroups() []routeGroup {
	groups := []routeGroup{
		{"system", "Health, readiness, this document and the conformance harness of the open standard", a.systemRoutes()},
		{"web", "", a.webRoutes()},
	}
	return append(groups, a.capGroups...)
}

// systemRoutes are for machines: health, readiness, this API's
// description and the conformance harness.
func (a *App) systemRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/healthz", Kind: kindSystem, Policy: PolicyPublic, Summary: "Liveness: the store answers", Response: StatusBody{}, Handle: a.healthz},
		{Method: "GET", Path: "/readyz", Kind: kindSystem, Policy: PolicyPublic, Summary: "Readiness: the store answers and the app is not shutting down", Response: StatusBody{}, Handle: a.readyz},
		{Method: "GET", Path: "/openapi.json", Kind: kindSystem, Policy: PolicyPublic, Summary: "This document", Response: map[string]any{}, Handle: a.openapi},
		{Method: "POST", Path: conformance.EvaluatePath, Kind: kindSystem, Policy: PolicyPublic, Summary: "The conformance harness of the open standard (see conformance/SPEC.md)", Body: map[string]any{}, Response: map[string]any{}, Raw: conformance.Handler()},
		{Method: "GET", Path: conformance.SchemaPath + "{file}", Kind: kindSystem, Policy: PolicyPublic, Summary: "The JSON Schema (2020-12) of a kind of the open standard: <kind>.json (see conformance/SPEC.md § 1.1); 404 for a name that is no kind", Response: map[string]any{}, ContentType: "application/schema+json", Raw: conformance.Handler()},
	}
}

// webRoutes are the shell's pages: login, logout, language and the
// stylesheet.
func (a *App) webRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/login", Kind: KindPage, Policy: PolicyPublic, Handle: a.loginPage},
		{Method: "POST", Path: "/login/demo", Kind: KindPage, Policy: PolicyPublic, Handle: a.demoLogin},
		{Method: "GET", Path: "/login/{provider}", Kind: KindPage, Policy: PolicyPublic, Handle: a.loginStart},
		{Method: "GET", Path: "/login/{provider}/callback", Kind: KindPage, Policy: PolicyPublic, Handle: a.loginCallback},
		{Method: "POST", Path: "/logout", Kind: KindPage, Policy: PolicyPublic, Handle: a.logout},
		{Method: "GET", Path: "/logout/callback", Kind: KindPage, Policy: PolicyPublic, Handle: a.logoutCallback},
		{Method: "POST", Path: "/language", Kind: KindPage, Policy: PolicyPublic, Handle: a.setLanguage},
		{Method: "GET", Path: "/static/{file}", Kind: KindPage, Policy: PolicyPublic, Handle: a.static},
		{Method: "GET", Path: "/favicon.ico", Kind: KindPage, Policy: PolicyPublic, Handle: a.static},
	}
}

// Routes builds the handler: the route table on a ServeMux, behind
// cross-origin protection for unsafe methods, the security headers and the
// request log.
func (a *App) Routes() http.Handler {
	mux := http.NewServeMux()
	for _, g := range a.RouteGroups() {
		for _, rt := range g.Routes {
			rt.Tag = rt.TagIn(g)
			mux.Handle(rt.Pattern(), a.wrap(rt))
		}
	}
	if a.LoadTestBare {
		mux.HandleFunc("POST "+BareCheckPath, a.bareCheck)
		mux.HandleFunc("GET "+LoadTestCPUPath, a.processCPUTime)
	}
	mux.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) { a.writeProblem(w, r, domain.ErrNotFound) })
	mux.HandleFunc("GET /", a.notFound)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeProblem(w, r, &api.HTTPError{Status: http.StatusForbidden, Kind: "cross-origin", Detail: "cross-origin requests may not change anything"})
	}))
	return a.logRequests(a.strictTransport(securityHeaders(cop.Handler(mux))))
}

// hstsMaxAge is how long a browser that saw the app over HTTPS keeps to
// HTTPS: a year. Not for subdomains (the municipality's other hosts are not
// the app's to decide) and not preloaded.
const hstsMaxAge = 365 * 24 * 60 * 60

// strictTransport sets Strict-Transport-Security on responses that reach
// the browser over HTTPS: served over TLS, or passed on by a trusted proxy
// that says X-Forwarded-Proto: https. Over plain HTTP the header means
// nothing and is left out (a browser ignores it there anyway; localhost
// stays usable).
func (a *App) strictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.overHTTPS(r) {
			w.Header().Set("Strict-Transport-Security", "max-age="+strconv.Itoa(hstsMaxAge))
		}
		next.ServeHTTP(w, r)
	})
}

// overHTTPS reports whether the client reached the app over HTTPS: the
// connection is TLS, or it comes from a trusted proxy whose
// X-Forwarded-Proto (its last value: the one that proxy set) is https. The
// header from anyone else is ignored.
func (a *App) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !a.fromTrustedProxy(r) {
		return false
	}
	v := r.Header.Values("X-Forwarded-Proto")
	if len(v) == 0 {
		return false
	}
	parts := strings.Split(v[len(v)-1], ",")
	return strings.EqualFold(strings.TrimSpace(parts[len(parts)-1]), "https")
}

// fromTrustedProxy reports whether the connection comes from an address in
// -trusted-proxies.
func (a *App) fromTrustedProxy(r *http.Request) bool {
	if len(a.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range a.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

var PathParam = regexp.MustCompile(`\{(\w+)\}`)

// wrap runs the steps every route shares: session, language, path IDs,
// policy, idempotency (API POST), then the handler; errors become problems
// or error pages.
func (a *App) wrap(rt Route) http.Handler {
	if rt.Raw != nil {
		return rt.Raw
	}
	params := PathParam.FindAllStringSubmatch(rt.Path, -1)
	h := func(w http.ResponseWriter, r *http.Request) {
		c := &Call{Lang: a.localeOf(r), Tag: rt.Tag}
		fail := func(err error) {
			if rt.Kind == KindPage {
				a.pageError(w, r, c, err)
			} else {
				a.writeProblem(w, r, err)
			}
		}
		sess, ok, err := a.currentSession(r)
		if err != nil {
			fail(err)
			return
		}
		if ok {
			c.LoggedIn, c.Session, c.Actor = true, sess, sess.Actor
			// The store's calls are made for the user's municipality (on
			// PostgreSQL with -db-role the database walls the others off).
			r = r.WithContext(domain.WithMunicipality(r.Context(), sess.Actor.Municipality))
		}
		if rt.Policy.Login && !c.LoggedIn {
			if rt.Kind == KindPage && r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			fail(api.ErrUnauthenticated)
			return
		}
		// Every path parameter named *Id must be a UUID (400 otherwise);
		// childId and unitId are kept typed for the policies.
		for _, p := range params {
			if !strings.HasSuffix(p[1], "Id") {
				continue
			}
			id, err := api.PathID[struct{}](r, p[1])
			if err != nil {
				fail(err)
				return
			}
			switch p[1] {
			case "childId":
				c.ChildID = domain.IDFromUUID[domain.Child](id.UUID())
			case "unitId":
				c.UnitID = domain.IDFromUUID[domain.Unit](id.UUID())
			}
		}
		if rt.Policy.check != nil {
			if err := rt.Policy.check(a, r, c); err != nil {
				fail(err)
				return
			}
		}
		// Query strings and forms hold no control characters (input.go).
		if err := checkRequestInput(w, r, rt); err != nil {
			fail(err)
			return
		}
		handle := rt.Handle
		if rt.Kind == KindAPI && rt.Method == http.MethodPost {
			limit := rt.BodyLimit
			if limit == 0 {
				limit = api.MaxBodyBytes
			}
			handle = a.idempotent(handle, limit)
		}
		if err := handle(w, r, c); err != nil {
			fail(err)
		}
	}
	return http.HandlerFunc(h)
}

// securityHeaders sets the headers every response carries: no script at
// all, styles only from the app, images from the app and data: URLs (the
// icons Designsystemet's CSS draws are data: SVGs), no framing, no
// sniffing, no referrer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// logRequests logs each request with its status and duration.
func (a *App) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		level := slog.LevelInfo
		if (r.URL.Path == "/healthz" || r.URL.Path == "/readyz") && sw.status == http.StatusOK {
			level = slog.LevelDebug
		}
		a.Log.Log(r.Context(), level, "request",
			"method", r.Method, "path", r.URL.Path, "status", sw.status,
			"took", time.Since(start).Round(time.Microsecond))
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
