package main

import (
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The API routes: besides the pages, every GET /api/ route is measured as
// every persona, its path parameters filled from the values the persona's
// reached pages hold for parameters of the same name ({childId} from
// /children/{childId}, …). A route whose parameters no page of any
// persona fills is listed as skipped, and so is a route in apiSkip, with
// its reason (TestAPIRoutes proves every GET /api/ route is either).

// apiSkip are the GET /api/ routes not measured, each with why.
var apiSkip = map[string]string{
	// A 422 is its right answer to any request the crawl can make: it
	// needs ?intakeId= of an intake open to the child. The same
	// Service.Prefill is measured in the application form's page.
	"/api/v1/children/{childId}/applications/prefill": "needs ?intakeId= of an intake open to the child (422 without, by design); its Prefill is measured in the application form",
	// A 422 for every child not in the leaving certificate's grades
	// (8 to 10), which are all the children the personas' pages link.
	"/api/v1/children/{childId}/school-absences/summary": "answers only for a pupil in grades 8 to 10 (422 for any other child, by design); no persona's pages link one",
}

// apiRoute is a GET /api/ route and the names of its path parameters.
type apiRoute struct {
	path   string
	params []string
}

var paramNameRE = regexp.MustCompile(`\{([^}.]*)(?:\.\.\.)?\}`)

// apiRoutes are the app's GET /api/ routes but those in apiSkip.
func apiRoutes(a *web.App) []apiRoute {
	var out []apiRoute
	seen := map[string]bool{}
	for _, rt := range a.RouteTable() {
		if rt.Method != http.MethodGet || !strings.HasPrefix(rt.Path, "/api/") || seen[rt.Path] {
			continue
		}
		seen[rt.Path] = true
		if _, skip := apiSkip[rt.Path]; skip {
			continue
		}
		r := apiRoute{path: rt.Path}
		for _, m := range paramNameRE.FindAllStringSubmatch(rt.Path, -1) {
			r.params = append(r.params, m[1])
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// paramValues are, by parameter name, the values the reached page paths
// hold (the first of each name per page route, in route order).
func paramValues(routes []route, reached map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, r := range routes {
		paths := reached[r.path]
		if len(paths) == 0 || !r.hasParams() {
			continue
		}
		names := paramNameRE.FindAllStringSubmatch(r.path, -1)
		parts := paramRE.Split(r.path, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		re := regexp.MustCompile("^" + strings.Join(parts, `([^/]+)`) + "$")
		for _, p := range paths {
			m := re.FindStringSubmatch(p)
			if m == nil {
				continue
			}
			for i, n := range names {
				if v := m[i+1]; !containsString(out[n[1]], v) {
					out[n[1]] = append(out[n[1]], v)
				}
			}
		}
	}
	return out
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// fill is the route's path with its parameters taken from values ("" when
// one has none).
func (r apiRoute) fill(values map[string][]string) string {
	path := r.path
	for _, n := range r.params {
		vs := values[n]
		if len(vs) == 0 {
			return ""
		}
		path = paramNameRE.ReplaceAllStringFunc(path, func(s string) string {
			if paramNameRE.FindStringSubmatch(s)[1] == n {
				return vs[0]
			}
			return s
		})
	}
	return path
}

// apiPaths are, per API route, the path each persona requests: filled from
// the persona's own pages, else from another persona's (whose answer, 403
// or 404, counts the route as not this persona's); skipped are the routes
// no persona's pages fill, with the reason.
func apiPaths(apis []apiRoute, routes []route, reached map[string]map[string][]string, personas []string) (map[string]map[string]string, map[string]string) {
	values := map[string]map[string][]string{}
	for _, p := range personas {
		values[p] = paramValues(routes, reached[p])
	}
	paths := map[string]map[string]string{}
	skipped := map[string]string{}
	for _, r := range apis {
		var other string
		for _, p := range personas {
			if other = r.fill(values[p]); other != "" {
				break
			}
		}
		if other == "" {
			skipped[r.path] = "no persona's pages link a value for {" + strings.Join(r.params, "}, {") + "}"
			continue
		}
		paths[r.path] = map[string]string{}
		for _, p := range personas {
			path := r.fill(values[p])
			if path == "" {
				path = other
			}
			paths[r.path][p] = path
		}
	}
	for path, why := range apiSkip {
		skipped[path] = why
	}
	return paths, skipped
}

// measureAPI measures every API route as every persona (measure), as the
// pages are: the rows of the routes a persona is allowed, how many
// route×persona answered 403/404 or redirected, and the routes skipped
// with their reasons. -pages and -personas (f) narrow the API routes and
// personas measured as they narrow the pages.
func measureAPI(a *web.App, clients map[string]client, sql *statements, routes []route, reached map[string]map[string][]string, reps int, postgres bool, f filter) ([]row, int, map[string]string, error) {
	var personas []string
	for _, p := range a.Personas {
		personas = append(personas, p.Key)
	}
	paths, skipped := apiPaths(apiRoutes(a), routes, reached, personas)
	var rows []row
	notTheirs := 0
	for _, r := range apiRoutes(a) {
		byPersona, ok := paths[r.path]
		if !ok || !f.page(r.path) {
			continue
		}
		for _, p := range personas {
			if !f.persona(p) {
				continue
			}
			rw, err := measure(clients[p], sql, byPersona[p], reps)
			if err != nil {
				return nil, 0, nil, err
			}
			if rw.status == http.StatusForbidden || rw.status == http.StatusNotFound || (rw.status >= 300 && rw.status < 400) {
				notTheirs++
				continue
			}
			rw.page, rw.persona = r.path, p
			if !postgres {
				rw.statements = "-"
			}
			rows = append(rows, rw)
		}
	}
	return rows, notTheirs, skipped, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
