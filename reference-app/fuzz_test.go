package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/server"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The fuzz tests send generated requests to the API of each route family
// (the groups of the route table) on the real app, in process, on SQLite
// and — when OPPVEKST_TEST_POSTGRES is set — on PostgreSQL, as any persona
// or none. A request fails the test when
//   - the app answers 5xx;
//   - it is refused (4xx) and a row was written — triggers on every table
//     count the rows inserted, updated and deleted (countWrites); only the
//     kept problem response of an Idempotency-Key and an extended session
//     may be written;
//   - the status is not in the operation's responses in /openapi.json, or
//     the media type or body does not match what the document says.
//
// Seeds come from the document: for every operation a request body built
// from its request schema (plausible values by property name, IDs of the
// demo data), its query parameters, each persona. `go test` runs the seeds;
// .ci/run fuzzes each family for a few seconds:
//
//	go test ./reference-app -run '^$' -fuzz '^FuzzBilling$' -fuzztime 10s
//
// With OPPVEKST_FUZZ_STATS=<folder> each process writes what it sent (by
// family, store and status) to a file there, for .ci/run's summary.

func FuzzDirectory(f *testing.F) { fuzzFamily(f, "system", "directory", "staff") }

func FuzzAdmission(f *testing.F) { fuzzFamily(f, "admission") }

func FuzzAttendance(f *testing.F) { fuzzFamily(f, "attendance", "calendar") }

func FuzzBilling(f *testing.F) { fuzzFamily(f, "billing") }

func FuzzMessaging(f *testing.F) { fuzzFamily(f, "messaging") }

func FuzzSpecialEd(f *testing.F) { fuzzFamily(f, "special-education") }

// fuzzPersonas are who a request is sent as: no session, then every
// persona of the demo data.
var fuzzPersonas = append([]string{"", demo.PersonaProtected}, webtest.TableActors...)

func fuzzFamily(f *testing.F, tags ...string) {
	envs := []*fuzzEnv{newFuzzEnv(f, "sqlite")}
	if os.Getenv("OPPVEKST_TEST_POSTGRES") != "" || os.Getenv("CI") == "true" {
		envs = append(envs, newFuzzEnv(f, "postgres"))
	}
	var routes []web.Route
	for _, g := range envs[0].a.RouteGroups() {
		for _, rt := range g.Routes {
			if rt.Kind != web.KindPage && slices.Contains(tags, rt.TagIn(g)) {
				routes = append(routes, rt)
			}
		}
	}
	family := strings.Join(tags, "+")
	stats := newFuzzStats(f, family)

	// When fuzzing, go test has run every seed already: the fuzzer starts
	// from the core ones, so that its time goes to mutating them rather
	// than to replaying the rest.
	fuzzing := false
	if fl := flag.Lookup("test.fuzz"); fl != nil {
		fuzzing = fl.Value.String() != ""
	}
	add := func(core bool, op int, who uint8, ids uint8, query, body, key string) {
		if core || !fuzzing {
			f.Add(uint8(op), who, ids, query, body, key)
		}
	}
	for i, rt := range routes {
		op := envs[0].operation(rt)
		body := ""
		rb, _ := op["requestBody"].(map[string]any)
		content, _ := rb["content"].(map[string]any)
		// A body that is not JSON (a CSV upload) gets the broken seeds only.
		if media, ok := content["application/json"].(map[string]any); ok {
			b, err := json.Marshal(exampleOf(envs[0].doc, media["schema"], ""))
			require.NoError(f, err)
			body = string(b)
		}
		// The example as every persona (core: as one the route's policy
		// lets in, and as nobody), and the bodies the schema does not
		// suggest.
		who := uint8(slices.Index(fuzzPersonas, policyPersona[rt.Policy.Name]))
		for p := range fuzzPersonas {
			add(uint8(p) == who || p == 0, i, uint8(p), 0, exampleQuery(rt), body, "")
			for _, extra := range extraSeeds[rt.Pattern()] {
				add(uint8(p) == who, i, uint8(p), 0, exampleQuery(rt), extra, "")
			}
		}
		// Hostile values in every string (or number) of the example, and
		// in each on its own.
		if body != "" {
			for _, v := range hostileValues {
				b, _ := replaceLeaves(body, -1, v)
				add(false, i, who, 0, exampleQuery(rt), b, "")
			}
			for n := 0; ; n++ {
				if _, ok := replaceLeaves(body, n, nil); !ok {
					break
				}
				for _, v := range hostileLeaf {
					b, _ := replaceLeaves(body, n, v)
					add(false, i, who, 0, exampleQuery(rt), b, "")
				}
			}
		}
		// Hostile values in each query parameter.
		for _, name := range slices.Sorted(maps.Keys(rt.Query)) {
			for _, v := range hostileQuery {
				add(false, i, who, 0, name+"="+v, body, "")
			}
		}
		if rt.List {
			for _, v := range hostileQuery {
				add(false, i, who, 0, "limit="+v+"&cursor="+v, body, "")
			}
		}
		// A few broken ones: path IDs that are no UUIDs, another ID, no
		// body, an empty object, a retry key, garbage in the query.
		add(true, i, who, 255, exampleQuery(rt), body, "")
		add(true, i, 6, 1, "", "", "")
		add(true, i, 7, 2, "limit=0&cursor=%zz", "{}", "fuzz-key-1")
		add(true, i, 8, 3, "day=2025-02-30&month=2025-13", `{"start":"2025-11-31"}`, "")
	}

	f.Fuzz(func(t *testing.T, op, who, ids uint8, query, body, key string) {
		rt := routes[int(op)%len(routes)]
		persona := fuzzPersonas[int(who)%len(fuzzPersonas)]
		for _, e := range envs {
			e.send(t, stats, rt, persona, ids, query, body, key)
		}
	})
}

// fuzzEnv is the app on one store, with what the fuzz requests need.
type fuzzEnv struct {
	store   string
	a       *web.App
	h       http.Handler
	doc     map[string]any // /openapi.json as a client reads it
	cookies map[string]string
	// values of the placeholders {childId}, {unitId}, ... in paths,
	// queries and bodies; a request picks one of each by its ids byte.
	values map[string][]string
	// db is a connection of the test's own to the store's database,
	// where triggers count the rows written (countWrites).
	db fuzzDB
}

func newFuzzEnv(f *testing.F, store string) *fuzzEnv {
	ctx := context.Background()
	clock := domain.FixedClock(webtest.Now)
	e := &fuzzEnv{store: store, cookies: map[string]string{}}
	var st web.Store
	switch store {
	case "sqlite":
		path := filepath.Join(f.TempDir(), "fuzz.db")
		s, err := sqlite.Open(ctx, sqlite.Options{Path: path})
		require.NoError(f, err)
		f.Cleanup(func() { _ = s.Close() })
		st = s
		db, err := sql.Open("sqlite", path)
		require.NoError(f, err)
		f.Cleanup(func() { _ = db.Close() })
		e.db = sqliteDB(db)
	case "postgres":
		url := webtest.PostgresURL(f)
		s, err := postgres.Open(ctx, postgres.Options{URL: url})
		require.NoError(f, err)
		f.Cleanup(s.Close)
		st = s
		conn, err := pgx.Connect(ctx, url)
		require.NoError(f, err)
		f.Cleanup(func() { _ = conn.Close(context.Background()) })
		e.db = postgresDB(conn)
	}
	require.NoError(f, countWrites(ctx, e.db, store == "postgres"))
	require.NoError(f, demo.Seed(ctx, st, clock))
	require.NoError(f, demo.SeedNeighbour(ctx, st, clock))
	a, err := server.New(st, clock, slog.New(slog.DiscardHandler))
	require.NoError(f, err)
	a.Demo = true
	a.LoginLimiter = web.NewLimiter(1<<30, time.Minute)
	ps, err := demo.Personas(ctx, st)
	require.NoError(f, err)
	a.Personas = ps
	e.a, e.h = a, a.Routes()
	for _, p := range ps {
		value, err := a.Sessions.Create(ctx, web.Session{Actor: p.Actor, Name: p.Name, Persona: p.Key}, time.Now())
		require.NoError(f, err)
		e.cookies[p.Key] = web.SessionCookie + "=" + value
	}
	raw, err := json.Marshal(a.OpenAPIDocument())
	require.NoError(f, err)
	require.NoError(f, json.Unmarshal(raw, &e.doc))
	e.prepare(f)
	return e
}

// prepare gives the fuzz requests something to work on — an approved run
// of the main intake with offers, a draft run of another intake — and
// collects the IDs of the demo data.
func (e *fuzzEnv) prepare(f *testing.F) {
	call := func(persona, method, path, body string) map[string]any {
		f.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Cookie", e.cookies[persona])
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		require.Less(f, rec.Code, 300, "%s %s: %s", method, path, rec.Body)
		var v map[string]any
		require.NoError(f, json.Unmarshal(rec.Body.Bytes(), &v))
		return v
	}
	items := func(persona, path string) []map[string]any {
		var out []map[string]any
		for _, it := range call(persona, "GET", path, "")["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	ctx := context.Background()
	v := map[string][]string{}
	add := func(name string, ids ...string) {
		for _, id := range ids {
			if id != "" && !slices.Contains(v[name], id) {
				v[name] = append(v[name], id)
			}
		}
	}
	children, err := e.a.Store.Children(ctx, demo.Municipality)
	require.NoError(f, err)
	for _, name := range []string{"Sofie Berg", "Aurora Solheim", "Emil Berg", "Jakob Aasen"} {
		for _, c := range children {
			if c.GivenName+" "+c.FamilyName == name {
				add("childId", c.ID.String())
			}
		}
	}
	for _, id := range v["childId"] {
		cid, _ := domain.ParseID[domain.Child](id)
		ps, err := e.a.Store.Placements(ctx, demo.Municipality, cid)
		require.NoError(f, err)
		for _, p := range ps {
			add("placementId", p.ID.String())
		}
	}
	kids, err := e.a.Store.Children(ctx, demo.Neighbour)
	require.NoError(f, err)
	add("childId", kids[0].ID.String())
	for _, m := range []domain.Municipality{demo.Municipality, demo.Neighbour} {
		units, err := e.a.Store.Units(ctx, m)
		require.NoError(f, err)
		for _, u := range units {
			add("unitId", u.ID.String())
			groups, err := e.a.Store.Groups(ctx, m, u.ID)
			require.NoError(f, err)
			if len(groups) > 0 {
				add("groupId", groups[0].ID.String())
			}
		}
	}
	intakes := items(demo.PersonaCaseworker, "/api/v1/intakes")
	for _, in := range intakes {
		add("intakeId", in["id"].(string))
	}
	run := call(demo.PersonaCaseworker, "POST", "/api/v1/admission-runs", `{"intakeId":"`+v["intakeId"][0]+`","seed":7,"reason":"fuzz seed run"}`)["id"].(string)
	approved := call(demo.PersonaCaseworker, "POST", "/api/v1/admission-approvals", `{"runId":"`+run+`","reason":"fuzz seed approval"}`)
	draft := call(demo.PersonaCaseworker, "POST", "/api/v1/admission-runs", `{"intakeId":"`+v["intakeId"][1]+`","seed":8,"reason":"fuzz seed run"}`)["id"].(string)
	add("runId", run, draft)
	for _, o := range approved["offers"].([]any) {
		add("offer", o.(map[string]any)["id"].(string))
	}
	for _, ap := range items(demo.PersonaCaseworker, "/api/v1/intakes/"+v["intakeId"][0]+"/applications?limit=5") {
		add("applicationId", ap["application"].(map[string]any)["id"].(string))
	}
	for _, persona := range []string{demo.PersonaGuardian, demo.PersonaStaff} {
		for _, th := range items(persona, "/api/v1/threads") {
			add("threadId", th["id"].(string))
		}
	}
	for _, p := range items(demo.PersonaGuardian, "/api/v1/children/"+v["childId"][0]+"/pickups") {
		add("pickupId", p["id"].(string))
	}
	for _, fam := range items(demo.PersonaCaseworker, "/api/v1/families?limit=3") {
		add("familyId", fam["id"].(string))
	}
	for _, p := range e.a.Personas {
		if p.Actor.Role == domain.RoleGuardian {
			add("guardianId", p.Actor.Guardian.String())
		}
	}
	for _, name := range slices.Sorted(maps.Keys(v)) {
		// Every placeholder may also be an ID of nothing.
		v[name] = append(v[name], "0195f0a0-0000-7000-8000-000000000000")
	}
	v["absenceId"] = []string{"0195f0a0-0000-7000-8000-000000000001"}
	v["today"] = []string{"2025-11-24", "2025-11-25", "2025-12-01"}
	v["now"] = []string{"2025-11-24T09:00:00+01:00"}
	v["month"] = []string{"2025-11", "2025-10", "2026-01"}
	e.values = v
}

// operation is the route's operation in the document.
func (e *fuzzEnv) operation(rt web.Route) map[string]any {
	return e.doc["paths"].(map[string]any)[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
}

// fill replaces the placeholders {name} in s with the value of the name
// that ids picks, and "{name}" in a path that has no value with a broken
// ID.
func (e *fuzzEnv) fill(s string, ids uint8) string {
	if !strings.Contains(s, "{") {
		return s
	}
	for name, vs := range e.values {
		s = strings.ReplaceAll(s, "{"+name+"}", vs[int(ids)%len(vs)])
	}
	return s
}

// send sends one request and checks the answer.
func (e *fuzzEnv) send(t *testing.T, stats *fuzzStats, rt web.Route, persona string, ids uint8, query, body, key string) {
	path := rt.Path
	if ids >= 250 { // now and then a path ID that is no UUID at all
		path = web.PathParam.ReplaceAllString(path, "not-a-uuid")
	}
	path = e.fill(path, ids)
	query, body = e.fill(query, ids), e.fill(body, ids)
	req := httptest.NewRequest(rt.Method, "/", strings.NewReader(body))
	req.URL.Path, req.URL.RawQuery = path, query
	req.RequestURI = req.URL.RequestURI()
	if c := e.cookies[persona]; c != "" {
		req.Header.Set("Cookie", c)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" && validHeaderValue(key) {
		req.Header.Set(web.IdempotencyHeader, key)
	} else {
		key = ""
	}
	before, err := readWrites(context.Background(), e.db)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	status := rec.Code
	what := fmt.Sprintf("%s %s?%s as %q on %s, Idempotency-Key %q, body %q", rt.Method, path, query, persona, e.store, key, webtest.Truncate(body, 2000))

	stats.add(e.store, status)
	if status >= 500 {
		t.Errorf("%d from %s: %s", status, what, webtest.Truncate(rec.Body.String(), 2000))
	}
	e.checkDocumented(t, rt, rec, what)
	if status < 400 || status >= 500 {
		return
	}
	// Refused: nothing may have been written, but for the kept problem
	// response of an Idempotency-Key, and a session extended.
	after, err := readWrites(context.Background(), e.db)
	require.NoError(t, err)
	for _, k := range slices.Sorted(maps.Keys(after)) {
		n := after[k] - before[k]
		switch {
		case n == 0:
		case k == "idempotent_responses insert" && key != "" && n == 1:
		case k == "sessions update":
		default:
			t.Errorf("%d from %s, but %d rows were written (%s)", status, what, n, k)
		}
	}
}

// checkDocumented checks the answer against the document: a status the
// operation lists, its media type, a body matching the schema.
func (e *fuzzEnv) checkDocumented(t *testing.T, rt web.Route, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	responses := e.operation(rt)["responses"].(map[string]any)
	described, ok := responses[web.Itoa(rec.Code)].(map[string]any)
	if !ok {
		t.Errorf("%d is not documented for %s (%s): %s", rec.Code, rt.Pattern(), what, webtest.Truncate(rec.Body.String(), 500))
		return
	}
	content, _ := described["content"].(map[string]any)
	if content == nil {
		if rec.Body.Len() > 0 {
			t.Errorf("%d from %s has a body; the document has none", rec.Code, what)
		}
		return
	}
	mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	media, ok := content[mt].(map[string]any)
	if !ok {
		t.Errorf("%d from %s is %q; the document says %v", rec.Code, what, mt, slices.Collect(maps.Keys(content)))
		return
	}
	var value any = rec.Body.String()
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		dec := json.NewDecoder(rec.Body)
		dec.UseNumber()
		if err := dec.Decode(&value); err != nil {
			t.Errorf("%d from %s is not JSON: %v", rec.Code, what, err)
			return
		}
	}
	if problems := webtest.ValidateSchema(e.doc, media["schema"], value, ""); len(problems) > 0 {
		t.Errorf("%d from %s does not match the document: %v", rec.Code, what, problems)
	}
}

// validHeaderValue reports whether a client could send v as a header
// value (Go's server refuses control characters before any handler).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return strings.TrimSpace(v) == v
}

// countWrites makes the database count the rows written to each table:
// a table fuzz_writes with a counter per table and operation, and a
// trigger on every table that adds one per row inserted, updated or
// deleted. A write rolled back takes its count with it.
func countWrites(ctx context.Context, db fuzzDB, postgres bool) error {
	tablesQuery := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if postgres {
		tablesQuery = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.query(ctx, tablesQuery)
	if err != nil {
		return err
	}
	stmts := []string{`CREATE TABLE fuzz_writes (tbl TEXT NOT NULL, op TEXT NOT NULL, n BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (tbl, op))`}
	if postgres {
		stmts = append(stmts, `CREATE FUNCTION fuzz_count() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				UPDATE fuzz_writes SET n = n + 1 WHERE tbl = TG_TABLE_NAME AND op = lower(TG_OP);
				RETURN NULL;
			END $$`)
	}
	for _, row := range rows {
		table := row[0]
		for _, op := range []string{"insert", "update", "delete"} {
			stmts = append(stmts, fmt.Sprintf(`INSERT INTO fuzz_writes (tbl, op) VALUES ('%s', '%s')`, table, op))
			if postgres {
				stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER fuzz_count_%s AFTER %s ON %q FOR EACH ROW EXECUTE FUNCTION fuzz_count()`, op, op, table))
			} else {
				stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER "fuzz_%s_%s" AFTER %s ON %q BEGIN UPDATE fuzz_writes SET n = n + 1 WHERE tbl = '%s' AND op = '%s'; END`, table, op, op, table, table, op))
			}
		}
	}
	for _, q := range stmts {
		if err := db.exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// readWrites reads the write counters, by "table operation".
func readWrites(ctx context.Context, db fuzzDB) (map[string]int64, error) {
	rows, err := db.query(ctx, `SELECT tbl || ' ' || op, CAST(n AS TEXT) FROM fuzz_writes`)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, row := range rows {
		var n int64
		if _, err := fmt.Sscan(row[1], &n); err != nil {
			return nil, err
		}
		out[row[0]] = n
	}
	return out, nil
}

// fuzzDB is a database connection of the test's own, beside the store's.
type fuzzDB struct {
	exec  func(ctx context.Context, q string) error
	query func(ctx context.Context, q string) ([][]string, error) // rows of text
}

func sqliteDB(db *sql.DB) fuzzDB {
	return fuzzDB{
		exec: func(ctx context.Context, q string) error { _, err := db.ExecContext(ctx, q); return err },
		query: func(ctx context.Context, q string) ([][]string, error) {
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			cols, err := rows.Columns()
			if err != nil {
				return nil, err
			}
			var out [][]string
			for rows.Next() {
				row := make([]string, len(cols))
				ptrs := make([]any, len(cols))
				for i := range row {
					ptrs[i] = &row[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return nil, err
				}
				out = append(out, row)
			}
			return out, rows.Err()
		},
	}
}

func postgresDB(conn *pgx.Conn) fuzzDB {
	return fuzzDB{
		exec: func(ctx context.Context, q string) error { _, err := conn.Exec(ctx, q); return err },
		query: func(ctx context.Context, q string) ([][]string, error) {
			rows, err := conn.Query(ctx, q)
			if err != nil {
				return nil, err
			}
			return pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]string, error) {
				row := make([]string, len(r.FieldDescriptions()))
				ptrs := make([]any, len(row))
				for i := range row {
					ptrs[i] = &row[i]
				}
				return row, r.Scan(ptrs...)
			})
		},
	}
}

// exampleOf is a value for a schema: plausible values by property name
// (placeholders for the demo data's IDs, days and months), the first of an
// enum, one item of an array, every required property of an object and
// the optional ones with a plausible value.
func exampleOf(doc map[string]any, schema any, name string) any {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		return exampleOf(doc, doc["components"].(map[string]any)["schemas"].(map[string]any)[strings.TrimPrefix(ref, "#/components/schemas/")], name)
	}
	if v, ok := plausible[name]; ok {
		return v
	}
	if alts, ok := s["oneOf"].([]any); ok {
		return exampleOf(doc, alts[0], name)
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	typ := s["type"]
	if list, ok := typ.([]any); ok {
		typ = list[0]
	}
	switch typ {
	case "string":
		switch s["format"] {
		case "uuid":
			return "{" + name + "}"
		case "date":
			return "{today}"
		case "date-time":
			return "{now}"
		}
		return "Fuzz"
	case "integer", "number":
		return 1
	case "boolean":
		return false
	case "array":
		return []any{exampleOf(doc, s["items"], strings.TrimSuffix(name, "s"))}
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		required := webtest.AnySlice(s["required"])
		for p, ps := range props {
			_, known := plausible[p]
			if slices.Contains(required, any(p)) || known {
				out[p] = exampleOf(doc, ps, p)
			}
		}
		return out
	}
	return nil
}

// plausible values by property name, so that seeds get past validation.
var plausible = map[string]any{
	"scope": "child", "subject": "Fuzz", "body": "Hei fra fuzz", "childId": "{childId}",
	"reason": "leave", "relation": "morfar", "name": "Ola Berg", "phone": "+47 912 34 567",
	"language": "nn", "channel": "email", "month": "{month}", "annualIncome": "400000",
	"documentation": "received", "fullTimePrice": "3000.00", "price": "1500.00", "food": "200.00",
	"kind": "kindergarten", "givenName": "Fuzz", "familyName": "Test", "birthDate": "2021-05-01",
	"hours": 41, "hoursPerWeek": 20, "seed": 7, "key": "fuzz-event", "preferences": []any{"{unitId}"},
	"family": "{familyId}", "ocr": "not an OCR line", "input": map[string]any{"value": "01010012345"},
	"minHours": 0, "siblingDiscounts": []any{"0", "0.25"},
}

// policyPersona is a persona each policy lets in, for the hostile seeds.
var policyPersona = map[string]string{
	"public": "", "logged-in": demo.PersonaGuardian, "child-read": demo.PersonaGuardian, "child-care": demo.PersonaStaff,
	"child-parent": demo.PersonaGuardian, "child-case": demo.PersonaCaseworker, "unit": demo.PersonaStaff,
	"guardian": demo.PersonaGuardian, "staff": demo.PersonaStaff, "caseworker": demo.PersonaCaseworker, "admin": demo.PersonaAdmin,
	"invoices": demo.PersonaCaseworker, "correspondent": demo.PersonaGuardian,
	"unit-leader": demo.PersonaAdmin, "unit-leader-or-municipal": demo.PersonaCaseworker,
	"child-own-parent": demo.PersonaGuardian, "child-municipal": demo.PersonaCaseworker,
}

// hostileValues replace the strings and numbers of a seed body: control
// characters, empty and long text, calendar edges and impossible days,
// numbers beyond any range, text that reorders, another type.
var hostileValues = []any{
	"a\x00b", "", " ", "\u202eevil", strings.Repeat("å", 5000), "0000-01-01", "9999-12-31", "2025-02-30",
	"-1", "1e400", "99999999999999999999999999.999", -1, 0, json.Number("9223372036854775807"), json.Number("1e400"), true,
}

// hostileQuery are values tried in each query parameter.
var hostileQuery = []string{"", "9999-12-31", "0001-01-01", "2025-02-30", "9999-12", "0000-00", "x", "%00", "-1",
	"99999999999999999999", "%ff%fe", strings.Repeat("9", 500)}

// hostileLeaf are the values tried in each string and number on its own.
var hostileLeaf = []any{"a\x00b", "2025-02-30", "9999-12-31", -1, json.Number("9223372036854775807")}

// replaceLeaves is the JSON body with its n-th string or number (every
// one when n < 0) replaced by v, and whether there was an n-th.
func replaceLeaves(body string, n int, v any) (string, bool) {
	var x any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&x) != nil {
		return body, false
	}
	seen := 0
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				x[k] = walk(x[k])
			}
			return x
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
			return x
		case string, json.Number:
			seen++
			if n < 0 || seen == n+1 {
				return v
			}
		}
		return x
	}
	x = walk(x)
	out, err := json.Marshal(x)
	if err != nil {
		return body, false
	}
	return string(out), n < seen
}

// extraSeeds are bodies the schema alone does not suggest.
var extraSeeds = map[string][]string{
	"POST /api/v1/children/{childId}/school-absences": {`{"day":"{today}","hours":2,"kind":"documented","reason":"health"}`},
	"POST /api/v1/threads":                            {`{"scope":"unit","unitId":"{unitId}","subject":"Fuzz","body":"Hei","bulletin":true,"urgent":false}`},
	"POST /api/v1/price-lists":                        {`{"kind":"sfo","start":"2026-08-01","end":"2027-07-31","brackets":[{"minHours":0,"price":"1500.00","food":"200.00"}],"siblingDiscounts":["0","0.25"]}`},
	"POST /api/v1/children/{childId}/check-out":       {`{"key":"out-1","at":"{now}","collector":{"name":"Gunn Berg"}}`},
	"POST /conformance/v1/evaluate":                   {`{"kind":"national-id","input":{"value":"01010012345"}}`, `{"kind":"kindergarten-fee","input":{}}`},
	"POST /api/v1/children":                           {`{"givenName":"Ida","familyName":"Fuzz","birthDate":"2026-02-30"}`},
	"POST /api/v1/payments":                           {`{"ocr":"` + strings.Repeat("9", 70000) + `"}`},
}

// exampleQuery is a query with a plausible value for each of the route's
// query parameters.
func exampleQuery(rt web.Route) string {
	values := map[string]string{"day": "{today}", "from": "{today}", "to": "{today}", "month": "{month}", "group": "{groupId}",
		"q": "Berg", "state": "pending", "lang": "nn", "intakeId": "{intakeId}", "childId": "{childId}"}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(rt.Query)) {
		if v, ok := values[name]; ok {
			parts = append(parts, name+"="+v)
		}
	}
	if rt.List {
		parts = append(parts, "limit=2")
	}
	return strings.Join(parts, "&")
}

// fuzzStats counts the requests of one family by store and status, and
// with OPPVEKST_FUZZ_STATS writes them to a file after every request (a
// fuzzing worker is stopped without cleanup).
type fuzzStats struct {
	mu     sync.Mutex
	family string
	counts map[string]map[int]int // store → status → requests
	file   string
	tb     testing.TB
}

func newFuzzStats(f *testing.F, family string) *fuzzStats {
	s := &fuzzStats{family: family, counts: map[string]map[int]int{}, tb: f}
	if dir := os.Getenv("OPPVEKST_FUZZ_STATS"); dir != "" {
		s.file = filepath.Join(dir, fmt.Sprintf("%s-%d.txt", family, os.Getpid()))
	}
	f.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.write()
		for _, store := range slices.Sorted(maps.Keys(s.counts)) {
			total, fives := 0, 0
			for status, n := range s.counts[store] {
				total += n
				if status >= 500 {
					fives += n
				}
			}
			f.Logf("fuzz %s on %s: %d requests, by status %v, %d × 5xx", family, store, total, s.counts[store], fives)
		}
	})
	return s
}

func (s *fuzzStats) add(store string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts[store] == nil {
		s.counts[store] = map[int]int{}
	}
	s.counts[store][status]++
	s.write() // every time: a fuzzing worker is stopped without cleanup
}

// write puts lines "family store status requests" in the stats file.
func (s *fuzzStats) write() {
	if s.file == "" {
		return
	}
	var b strings.Builder
	for _, store := range slices.Sorted(maps.Keys(s.counts)) {
		for _, status := range slices.Sorted(maps.Keys(s.counts[store])) {
			fmt.Fprintf(&b, "%s %s %d %d\n", s.family, store, status, s.counts[store][status])
		}
	}
	if err := os.WriteFile(s.file, []byte(b.String()), 0o644); err != nil {
		s.tb.Logf("fuzz stats: %v", err)
	}
}

// Found by FuzzMessaging: a thread list with a cursor that points at no
// thread was refused after the read of the list had been written to the
// audit log. A refused list (400, invalid-query, since paging parameters
// are refused as a bad query) writes nothing; a served one is audited.
func TestRefusedThreadListWritesNoAudit(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaGuardian)
	entries := func() int {
		es, err := ta.Store.AuditEntries(t.Context(), demo.Municipality, domain.ChildID{}, domain.AuditID{}, 10000)
		require.NoError(t, err)
		return len(es)
	}
	before := entries()
	for _, cursor := range []string{"9999-12", api.EncodeCursor(domain.NewID[domain.Child]().String())} {
		resp := ta.Do(t, cookie, "GET", "/api/v1/threads?cursor="+cursor, "", "")
		require.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
		require.Equal(t, before, entries(), "a refused list (cursor %q) is not audited", cursor)
	}
	resp := ta.Do(t, cookie, "GET", "/api/v1/threads", "", "")
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	require.Greater(t, entries(), before, "the list served is audited")
}
