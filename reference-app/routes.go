package main

import (
	"embed"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/conformance"
	"github.com/oppvekst/oppvekst/domain"
)

// routeKind says what a route answers with.
type routeKind int

const (
	kindPage   routeKind = iota // HTML for the browser; errors as an error page
	kindAPI                     // JSON; errors as RFC 9457 problems; in /openapi.json
	kindSystem                  // JSON for machines (health, OpenAPI, conformance); in /openapi.json
)

// handlerFunc handles a request whose session, path IDs and policy have
// been checked; an error it returns is rendered as a problem or an error
// page.
type handlerFunc func(w http.ResponseWriter, r *http.Request, c *call) error

// call is what the route wrapper knows about a request.
type call struct {
	loggedIn bool
	sess     session
	actor    domain.Actor
	lang     locale
	// Path IDs, parsed when the pattern has them.
	childID domain.ChildID
	unitID  domain.UnitID
	// Set by a child policy: the decided access and the child's record.
	access childAccess
	record domain.ChildRecord
}

// route is one line of the route table.
type route struct {
	method, path string
	kind         routeKind
	policy       policy
	summary      string // one line, for the OpenAPI document
	// body and response are values of the request and response types,
	// described in the OpenAPI document (nil: none).
	body, response any
	list           bool              // paginated with ?limit= and ?cursor=
	query          map[string]string // other query parameters and what they do
	status         int               // the success status; 200 when zero
	also           []int             // other success statuses, with the same body
	formLimit      int64             // the largest form a page's POST may send; maxBodyBytes when zero
	// contentType is the media type of the success response;
	// application/json when empty.
	contentType string
	handle      handlerFunc
	raw         http.Handler // mounted as is instead of handle
	// tag is the group the route is documented (and fuzzed) in when it is
	// not its capability's: the unit's roster is the directory's, answered
	// by attendance.
	tag string
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// tagIn is the route's tag in /openapi.json, as a route of group g.
func (rt route) tagIn(g routeGroup) string {
	if rt.tag != "" {
		return rt.tag
	}
	return g.tag
}

// routeTable is every route of the app, in groups: the system routes, the
// shell's pages (login, language, stylesheet), then the routes of each
// capability mounted (the directory, admission, attendance, billing,
// messaging).
//
// Wiring a capability in, in one place each:
//  1. routes: the capability's routes, returned in its capability (API
//     routes appear in /openapi.json by themselves: give them a summary,
//     body and response values; POSTs get Idempotency-Key);
//  2. a policy per route from access.go (policyChildParent for a guardian's
//     application, policyChildCare for check-in, policyChildCase or
//     policyCaseworker for casework);
//  3. pages and strings: the capability's own templates/*.html and
//     messages/<cap>.{nb,nn,en}.json, and its menu entries;
//  4. tests: a line per route in authTable (access_test.go) and the story's
//     steps in e2e/.
func (a *app) routeTable() []route {
	var all []route
	for _, g := range a.routeGroups() {
		all = append(all, g.routes...)
	}
	return all
}

// routeGroup is one group of the route table: its tag in /openapi.json
// (and its family in the fuzz tests), what it is about, and its routes.
type routeGroup struct {
	tag, about string
	routes     []route
}

// routeGroups is the route table by group: the shell's (system, web), then
// one per capability mounted.
func (a *app) routeGroups() []routeGroup {
	groups := []routeGroup{
		{"system", "Health, readiness, this document and the conformance harness of the open standard", a.systemRoutes()},
		{"web", "", a.webRoutes()},
	}
	return append(groups, a.capGroups...)
}

// systemRoutes are for machines: health, readiness, this API's
// description and the conformance harness.
func (a *app) systemRoutes() []route {
	return []route{
		{method: "GET", path: "/healthz", kind: kindSystem, policy: policyPublic, summary: "Liveness: the store answers", response: statusBody{}, handle: a.healthz},
		{method: "GET", path: "/readyz", kind: kindSystem, policy: policyPublic, summary: "Readiness: the store answers and the app is not shutting down", response: statusBody{}, handle: a.readyz},
		{method: "GET", path: "/openapi.json", kind: kindSystem, policy: policyPublic, summary: "This document", response: map[string]any{}, handle: a.openapi},
		{method: "POST", path: conformance.EvaluatePath, kind: kindSystem, policy: policyPublic, summary: "The conformance harness of the open standard (see conformance/SPEC.md)", body: map[string]any{}, response: map[string]any{}, raw: conformance.Handler()},
	}
}

// directoryRoutes are the API of the directory: who is logged in,
// children, placements, units and rosters, and the audit log.
func (a *app) directoryRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/me", kind: kindAPI, policy: policyLoggedIn, summary: "Who is logged in", response: meView{}, handle: a.apiMe},
		{method: "GET", path: "/api/v1/children", kind: kindAPI, policy: policyLoggedIn, summary: "The children the actor may see", response: childSummary{}, list: true, query: map[string]string{"q": "only children whose name contains this"}, handle: a.apiChildren},
		{method: "POST", path: "/api/v1/children", kind: kindAPI, policy: policyCaseworker, summary: "Register a child (caseworker)", body: newChildRequest{}, response: childView{}, status: http.StatusCreated, handle: a.apiCreateChild},
		{method: "GET", path: "/api/v1/children/{childId}", kind: kindAPI, policy: policyChildRead, summary: "A child with guardians and placements, as far as the actor may see", response: childView{}, handle: a.apiChild},
		{method: "POST", path: "/api/v1/children/{childId}/placements", kind: kindAPI, policy: policyChildCase, summary: "Place the child in a unit (caseworker)", body: newPlacementRequest{}, response: placementView{}, status: http.StatusCreated, handle: a.apiCreatePlacement},
		{method: "GET", path: "/api/v1/units", kind: kindAPI, policy: policyLoggedIn, summary: "The municipality's units", response: unitSummary{}, list: true, handle: a.apiUnits},
		{method: "GET", path: "/api/v1/audit", kind: kindAPI, policy: policyAdmin, summary: "The audit log, newest first (municipal administrator)", response: auditView{}, list: true, query: map[string]string{"childId": "only entries about this child"}, handle: a.apiAudit},
	}
}

// webRoutes are the shell's pages: login, logout, language and the
// stylesheet.
func (a *app) webRoutes() []route {
	return []route{
		{method: "GET", path: "/login", kind: kindPage, policy: policyPublic, handle: a.loginPage},
		{method: "POST", path: "/login/demo", kind: kindPage, policy: policyPublic, handle: a.demoLogin},
		{method: "GET", path: "/login/{provider}", kind: kindPage, policy: policyPublic, handle: a.loginStart},
		{method: "GET", path: "/login/{provider}/callback", kind: kindPage, policy: policyPublic, handle: a.loginCallback},
		{method: "POST", path: "/logout", kind: kindPage, policy: policyPublic, handle: a.logout},
		{method: "GET", path: "/logout/callback", kind: kindPage, policy: policyPublic, handle: a.logoutCallback},
		{method: "POST", path: "/language", kind: kindPage, policy: policyPublic, handle: a.setLanguage},
		{method: "GET", path: "/static/app.css", kind: kindPage, policy: policyPublic, handle: a.stylesheet},
	}
}

// directoryPages are the pages every role shares: front page, the role's
// start pages, a child's page and the audit log.
func (a *app) directoryPages() []route {
	return []route{
		{method: "GET", path: "/{$}", kind: kindPage, policy: policyPublic, handle: a.home},
		{method: "GET", path: "/guardian", kind: kindPage, policy: policyGuardian, handle: a.guardianPage},
		{method: "GET", path: "/staff", kind: kindPage, policy: policyStaff, handle: a.staffPage},
		{method: "GET", path: "/caseworker", kind: kindPage, policy: policyCaseworker, handle: a.caseworkerPage},
		{method: "GET", path: "/children/{childId}", kind: kindPage, policy: policyChildRead, handle: a.childPage},
		{method: "GET", path: "/admin/audit", kind: kindPage, policy: policyAdmin, handle: a.auditPage},
	}
}

// directoryTemplates are the directory's pages.
//
//go:embed templates/home.html templates/guardian.html templates/staff.html templates/caseworker.html templates/child.html templates/audit.html
var directoryTemplates embed.FS

// directoryCapability is the directory's part of the app: its API, the
// pages every role shares and their menu entries (its strings are the
// shell's).
func (a *app) directoryCapability() capability {
	return capability{tag: "directory", about: "Who is logged in, children, placements, units, rosters and the audit log",
		routes: slices.Concat(a.directoryRoutes(), a.directoryPages()), menus: directoryMenus, pages: directoryTemplates}
}

// routes builds the handler: the route table on a ServeMux, behind
// cross-origin protection for unsafe methods, the security headers and the
// request log.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.routeTable() {
		mux.Handle(rt.pattern(), a.wrap(rt))
	}
	mux.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) { a.writeProblem(w, r, domain.ErrNotFound) })
	mux.HandleFunc("GET /", a.notFound)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.writeProblem(w, r, &httpError{status: http.StatusForbidden, kind: "cross-origin", detail: "cross-origin requests may not change anything"})
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
func (a *app) strictTransport(next http.Handler) http.Handler {
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
func (a *app) overHTTPS(r *http.Request) bool {
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
func (a *app) fromTrustedProxy(r *http.Request) bool {
	if len(a.trustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range a.trustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// wrap runs the steps every route shares: session, language, path IDs,
// policy, idempotency (API POST), then the handler; errors become problems
// or error pages.
func (a *app) wrap(rt route) http.Handler {
	if rt.raw != nil {
		return rt.raw
	}
	params := pathParam.FindAllStringSubmatch(rt.path, -1)
	h := func(w http.ResponseWriter, r *http.Request) {
		c := &call{lang: a.localeOf(r)}
		fail := func(err error) {
			if rt.kind == kindPage {
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
			c.loggedIn, c.sess, c.actor = true, sess, sess.actor
		}
		if rt.policy.login && !c.loggedIn {
			if rt.kind == kindPage && r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			fail(errUnauthenticated)
			return
		}
		// Every path parameter named *Id must be a UUID (400 otherwise);
		// childId and unitId are kept typed for the policies.
		for _, p := range params {
			if !strings.HasSuffix(p[1], "Id") {
				continue
			}
			id, err := pathID[struct{}](r, p[1])
			if err != nil {
				fail(err)
				return
			}
			switch p[1] {
			case "childId":
				c.childID = domain.IDFromUUID[domain.Child](id.UUID())
			case "unitId":
				c.unitID = domain.IDFromUUID[domain.Unit](id.UUID())
			}
		}
		if rt.policy.check != nil {
			if err := rt.policy.check(a, r, c); err != nil {
				fail(err)
				return
			}
		}
		// Query strings and forms hold no control characters (input.go).
		if err := checkRequestInput(w, r, rt); err != nil {
			fail(err)
			return
		}
		handle := rt.handle
		if rt.kind == kindAPI && rt.method == http.MethodPost {
			handle = a.idempotent(handle)
		}
		if err := handle(w, r, c); err != nil {
			fail(err)
		}
	}
	return http.HandlerFunc(h)
}

// securityHeaders sets the headers every response carries: no script at
// all, styles only from the app, no framing, no sniffing, no referrer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// logRequests logs each request with its status and duration.
func (a *app) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		level := slog.LevelInfo
		if (r.URL.Path == "/healthz" || r.URL.Path == "/readyz") && sw.status == http.StatusOK {
			level = slog.LevelDebug
		}
		a.log.Log(r.Context(), level, "request",
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
