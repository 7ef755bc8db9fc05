package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reports"
	"github.com/oppvekst/oppvekst/specialed"
)

// bandCase is the SQL of the index of the first band holding the hours
// column h (-1: none): the bands' bounds are integers written into the
// statement, which therefore depends on the rules, never on the rows.
func bandCase(h string, bands []reports.Band) string {
	if len(bands) == 0 {
		return "-1"
	}
	var b strings.Builder
	b.WriteString("CASE")
	for i, band := range bands {
		fmt.Fprintf(&b, " WHEN %s >= %d", h, band.From)
		if band.To != 0 {
			fmt.Fprintf(&b, " AND %s <= %d", h, band.To)
		}
		b.WriteString(" THEN " + strconv.Itoa(i))
	}
	b.WriteString(" ELSE -1 END")
	return b.String()
}

// PlacedCounts implements reports.Counter: one statement that groups the
// placements in force on the day by unit, birth year, birthday after the
// day, and hours band (or hours).
func (s *Store) PlacedCounts(ctx context.Context, m domain.Municipality, day date.Date, kind domain.UnitKind, bands []reports.Band) ([]reports.PlacedCount, error) {
	hours := "0"
	if len(bands) == 0 {
		hours = "p.hours_per_week"
	}
	q := `SELECT p.unit_id, extract(year FROM c.birth_date)::int, to_char(c.birth_date, 'MM-DD') > $4,
			` + bandCase("p.hours_per_week", bands) + `, ` + hours + `, count(*)
		FROM placements p JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		WHERE p.municipality = $1 AND p.kind = $2 AND p.start_date <= $3 AND COALESCE(p.end_date, 'infinity'::date) >= $3
		GROUP BY 1, 2, 3, 4, 5`
	return list(ctx, s.q(ctx), "placed counts", m, func(row scanner, _ domain.Municipality) (reports.PlacedCount, error) {
		var n reports.PlacedCount
		var count int64
		err := row.Scan(scanID(&n.Unit), &n.BirthYear, &n.AfterDay, &n.Band, &n.Hours, &count)
		n.Count = int(count)
		return n, err
	}, q, string(m), string(kind), pgDay(day), fmt.Sprintf("%02d-%02d", day.Month(), day.Day()))
}

// Placed implements reports.Counter: the placements in one statement, their
// children in another (ChildrenByID).
func (s *Store) Placed(ctx context.Context, m domain.Municipality, q reports.PlacedQuery) ([]domain.Placement, []domain.Child, error) {
	if err := q.Within.Validate(); err != nil {
		return nil, nil, err
	}
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	var children any
	if q.Children != nil {
		children = uids(q.Children)
	}
	type placed struct {
		p     domain.Placement
		birth date.Date
	}
	rows, err := list(ctx, s.q(ctx), "placements", m, func(row scanner, m domain.Municipality) (placed, error) {
		var x placed
		var err error
		x.p, err = scanPlacement(withExtra{row, []any{dateScan{&x.birth}}}, m)
		return x, err
	},
		`SELECT p.id, p.child_id, p.unit_id, p.group_id, p.kind, p.hours_per_week, p.start_date, p.end_date, c.birth_date
		FROM placements p JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		WHERE p.municipality = $1 AND p.kind = ANY($2)
		AND p.start_date <= COALESCE($4, 'infinity'::date) AND COALESCE(p.end_date, 'infinity'::date) >= $3
		AND ($5::uuid IS NULL OR p.unit_id = $5) AND ($6::uuid[] IS NULL OR p.child_id = ANY($6))
		AND ($7::date IS NULL OR c.birth_date >= $7) AND ($8::date IS NULL OR c.birth_date <= $8)`,
		string(m), kinds, pgDay(q.Within.Start), pgEnd(q.Within.End), uid(q.Unit), children, pgEnd(q.BornFrom), pgEnd(q.BornTo))
	if err != nil {
		return nil, nil, err
	}
	ps := make([]domain.Placement, len(rows))
	births := make(map[domain.ChildID]date.Date, len(rows))
	for i, x := range rows {
		ps[i] = x.p
		births[x.p.ChildID] = x.birth
	}
	domain.SortPlacements(ps)
	seen := map[domain.ChildID]bool{}
	var ids []domain.ChildID
	for _, p := range ps {
		if !seen[p.ChildID] {
			seen[p.ChildID] = true
			ids = append(ids, p.ChildID)
		}
	}
	if !q.Slim {
		cs, err := s.ChildrenByID(ctx, m, ids)
		return ps, cs, err
	}
	cs := make([]domain.Child, len(ids))
	for i, id := range ids {
		cs[i] = domain.Child{ID: id, Municipality: m, BirthDate: births[id]}
	}
	return ps, cs, nil
}

// withExtra scans the columns after those its scanner's caller scans
// into extra.
type withExtra struct {
	scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.scanner.Scan(append(dest, w.extra...)...) }

// nbFold is the SQL of column col's sort key (reports.NameQuery):
// lower-cased, æ (ä), ø (ö) and å after z, compared byte by byte.
func nbFold(col string) string {
	s := "lower(" + col + ")"
	for _, r := range [][2]string{{"æ", "{"}, {"Æ", "{"}, {"ä", "{"}, {"Ä", "{"}, {"ø", "|"}, {"Ø", "|"}, {"ö", "|"}, {"Ö", "|"}, {"å", "}"}, {"Å", "}"}} {
		s = "replace(" + s + ", '" + r[0] + "', '" + r[1] + "')"
	}
	return s + ` COLLATE "C"`
}

// nameKey is the SQL of a child's place in reports.NameQuery's order
// (the strictly protected first, then the names folded, then the ID);
// $2 is the strict protection levels.
var nameKey = `CASE WHEN address_protection = ANY($2::text[]) THEN 0 ELSE 1 END,
	CASE WHEN address_protection = ANY($2::text[]) THEN '' ELSE ` + nbFold("family_name") + ` END,
	CASE WHEN address_protection = ANY($2::text[]) THEN '' ELSE ` + nbFold("given_name") + ` END, id`

// nameFound is reports.NameQuery's search: every regular expression of
// $4 (domain.SearchRegexps; empty: no search) in the name of a child not
// strictly protected, or the national ID starting with $5 (NULL: none).
const nameFound = `(cardinality($4::text[]) = 0
	OR (NOT address_protection = ANY($2::text[]) AND given_name || ' ' || family_name ~ ALL ($4::text[]))
	OR national_id LIKE $5)`

var (
	childrenByNameSQL = `SELECT ` + childColumns + ` FROM children
		WHERE municipality = $1 AND id = ANY($3) AND ` + nameFound + `
		AND ($6::uuid IS NULL OR (` + nameKey + `) > (SELECT ` + nameKey + ` FROM children WHERE municipality = $1 AND id = $6))
		ORDER BY ` + nameKey + ` LIMIT $7`
	countByNameSQL = `SELECT count(*) FROM children
		WHERE municipality = $1 AND id = ANY($3) AND ` + nameFound
)

// ChildrenByName implements reports.Counter: the page in one statement,
// the children the search finds counted in another.
func (s *Store) ChildrenByName(ctx context.Context, m domain.Municipality, q reports.NameQuery) ([]domain.Child, int, error) {
	ids := slices.Clone(q.IDs)
	slices.SortFunc(ids, domain.ChildID.Compare)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return []domain.Child{}, 0, nil
	}
	strict := []string{string(domain.ProtectionStrengtFortrolig), string(domain.ProtectionStrengtFortroligUtland)}
	res := append([]string{}, domain.SearchRegexps(q.Search)...)
	var prefix *string
	if p := domain.NationalIDPrefix(q.Search); p != "" {
		p += "%"
		prefix = &p
	}
	cs, err := list(ctx, s.q(ctx), "children", m, scanChild, childrenByNameSQL,
		string(m), strict, uids(ids), res, prefix, uid(q.After), max(q.Limit, 1))
	if err != nil {
		return nil, 0, err
	}
	ns, err := list(ctx, s.q(ctx), "children", m, func(row scanner, _ domain.Municipality) (int64, error) {
		var n int64
		return n, row.Scan(&n)
	}, countByNameSQL, string(m), strict, uids(ids), res, prefix)
	if err != nil {
		return nil, 0, err
	}
	return cs, int(ns[0]), nil
}

// GrantedDecisions implements reports.Counter: of every case only its
// child, end and decision.
func (s *Store) GrantedDecisions(ctx context.Context, m domain.Municipality) ([]reports.Decision, error) {
	cs, err := list(ctx, s.q(ctx), "special-education decisions", m, func(row scanner, _ domain.Municipality) (specialed.Case, error) {
		var c specialed.Case
		var dec []byte
		if err := row.Scan(scanID(&c.Child), dateScan{&c.Ended}, &dec); err != nil {
			return c, err
		}
		c.Decision = new(specialed.Provision)
		return c, json.Unmarshal(dec, c.Decision)
	}, `SELECT child_id, ended, (body->'decision')::text FROM specialed_cases
		WHERE municipality = $1 AND jsonb_typeof(body->'decision') = 'object' ORDER BY id`, string(m))
	if err != nil {
		return nil, err
	}
	return reports.DecisionsFromCases(cs), nil
}

// navPlacesSQL chooses NAV's placement of every child of both months
// (k 0: the month before, 1: the month) in one window query: the
// kindergarten placements overlapping the child's age window, the one in
// force on its last day first, then the one that started last. It
// returns the count of the month's entries, and the pairs of the
// children whose entry may have changed (at least one row; a NULL child
// when none changed).
const navPlacesSQL = `WITH m(k, m_first, m_last, in_after, in_by, starts_after, ends_by) AS (VALUES
		(0, $2::date, $3::date, $4::date, $5::date, $6::date, $7::date),
		(1, $8::date, $9::date, $10::date, $11::date, $12::date, $13::date)),
	w AS (SELECT m.k, p.id, p.child_id, p.unit_id, p.hours_per_week, p.start_date, p.end_date,
			CASE WHEN c.birth_date <= m.ends_by THEN m.m_first + (extract(day FROM c.birth_date)::int - 2) ELSE m.m_last END AS we,
			CASE WHEN c.birth_date > m.starts_after THEN m.m_first + (extract(day FROM c.birth_date)::int - 1) ELSE m.m_first END AS ws
		FROM placements p JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		JOIN m ON c.birth_date > m.in_after AND c.birth_date <= m.in_by AND p.start_date <= m.m_last AND COALESCE(p.end_date, 'infinity'::date) >= m.m_first
		WHERE p.municipality = $1 AND p.kind = 'kindergarten' AND p.start_date <= $9 AND COALESCE(p.end_date, 'infinity'::date) >= $2),
	ranked AS (SELECT k, child_id, unit_id, hours_per_week, start_date, end_date,
			row_number() OVER (PARTITION BY k, child_id ORDER BY (start_date <= we AND COALESCE(end_date, 'infinity'::date) >= we) DESC, start_date DESC, id) AS rn
		FROM w WHERE start_date <= we AND COALESCE(end_date, 'infinity'::date) >= ws),
	cur AS (SELECT * FROM ranked WHERE k = 1 AND rn = 1),
	prev AS (SELECT * FROM ranked WHERE k = 0 AND rn = 1),
	changed AS (SELECT COALESCE(cur.child_id, prev.child_id) AS child_id,
			prev.unit_id AS pu, prev.hours_per_week AS ph, prev.start_date AS ps, prev.end_date AS pe,
			cur.unit_id AS cu, cur.hours_per_week AS ch, cur.start_date AS cs, cur.end_date AS ce
		FROM cur FULL JOIN prev ON prev.child_id = cur.child_id
		WHERE NOT (cur.child_id IS NOT NULL AND prev.child_id IS NOT NULL AND COALESCE(prev.end_date, 'infinity'::date) >= $8
				AND prev.unit_id = cur.unit_id AND prev.hours_per_week = cur.hours_per_week AND COALESCE(cur.end_date, 'infinity'::date) > $9)
			AND NOT (cur.child_id IS NULL AND COALESCE(prev.end_date, 'infinity'::date) < $8))
	SELECT n.entries, changed.* FROM (SELECT count(*) AS entries FROM cur) n LEFT JOIN changed ON true`

var _ reports.NAVCounter = (*Store)(nil)

// NAVPlaces implements reports.NAVCounter in one statement (navPlacesSQL).
func (s *Store) NAVPlaces(ctx context.Context, m domain.Municipality, q reports.NAVQuery) (int, []reports.NAVPair, error) {
	args := []any{string(m)}
	for _, mo := range []reports.NAVMonth{q.Previous, q.Current} {
		for _, d := range []date.Date{mo.First, mo.Last, mo.InAfter, mo.InBy, mo.StartsAfter, mo.EndsBy} {
			args = append(args, pgDay(d))
		}
	}
	type row struct {
		entries int64
		pair    reports.NAVPair
	}
	rows, err := list(ctx, s.q(ctx), "NAV's placements", m, func(r scanner, _ domain.Municipality) (row, error) {
		var x row
		var prev, cur reports.NAVPlace
		var ph, ch *int32
		err := r.Scan(&x.entries, scanID(&x.pair.Child), scanID(&prev.Unit), &ph, dateScan{&prev.Start}, dateScan{&prev.End},
			scanID(&cur.Unit), &ch, dateScan{&cur.Start}, dateScan{&cur.End})
		if !prev.Unit.IsZero() && ph != nil {
			prev.HoursPerWeek = int(*ph)
			x.pair.Previous = &prev
		}
		if !cur.Unit.IsZero() && ch != nil {
			cur.HoursPerWeek = int(*ch)
			x.pair.Current = &cur
		}
		return x, err
	}, navPlacesSQL, args...)
	if err != nil || len(rows) == 0 {
		return 0, nil, err
	}
	pairs := make([]reports.NAVPair, 0, len(rows))
	for _, x := range rows {
		if !x.pair.Child.IsZero() {
			pairs = append(pairs, x.pair)
		}
	}
	return int(rows[0].entries), pairs, nil
}

var _ reports.FigureNamer = (*Store)(nil)

// figureSQL selects the children of a figure's placements
// (reports.FigureQuery), a child once for each placement; its
// parameters are $1 (the municipality) and those named by p: kinds,
// day, unit (NULL: every unit), units, from and to (birth dates, NULL:
// open), band (the band's index, NULL: any hours).
func figureSQL(bands []reports.Band, p map[string]string) string {
	return `SELECT p.child_id FROM placements p
		JOIN units u ON u.municipality = p.municipality AND u.id = p.unit_id AND u.kind = p.kind
		JOIN children pc ON pc.municipality = p.municipality AND pc.id = p.child_id
		WHERE p.municipality = $1 AND p.kind = ANY(` + p["kinds"] + `::text[])
		AND p.start_date <= ` + p["day"] + `::date AND COALESCE(p.end_date, 'infinity'::date) >= ` + p["day"] + `::date
		AND (` + p["unit"] + `::uuid IS NULL OR p.unit_id = ` + p["unit"] + `) AND p.unit_id = ANY(` + p["units"] + `::uuid[])
		AND (` + p["from"] + `::date IS NULL OR pc.birth_date >= ` + p["from"] + `) AND (` + p["to"] + `::date IS NULL OR pc.birth_date <= ` + p["to"] + `)
		AND (` + p["band"] + `::int IS NULL OR ` + bandCase("p.hours_per_week", bands) + ` = ` + p["band"] + `)`
}

// FigureByName implements reports.FigureNamer: the page
// (ChildrenByName's over the figure's children) with the children the
// search finds and the figure's placements counted, in one statement
// (two when the page is empty).
func (s *Store) FigureByName(ctx context.Context, m domain.Municipality, q reports.FigureQuery, nq reports.NameQuery) ([]domain.Child, int, int, error) {
	if q.Placed.Within.Start != q.Placed.Within.End {
		return nil, 0, 0, fmt.Errorf("reports.FigureQuery: a figure counts one day, not %s", q.Placed.Within)
	}
	kinds := make([]string, len(q.Placed.Kinds))
	for i, k := range q.Placed.Kinds {
		kinds[i] = string(k)
	}
	var band *int32
	if q.Band != "" {
		i := int32(slices.IndexFunc(q.Bands, func(b reports.Band) bool { return b.Key == q.Band })) // -1: nobody
		band = &i
	}
	strict := []string{string(domain.ProtectionStrengtFortrolig), string(domain.ProtectionStrengtFortroligUtland)}
	res := append([]string{}, domain.SearchRegexps(nq.Search)...)
	var prefix *string
	if p := domain.NationalIDPrefix(nq.Search); p != "" {
		p += "%"
		prefix = &p
	}
	figureArgs := []any{pgDay(q.Placed.Within.Start), uid(q.Placed.Unit), uids(q.Units), pgEnd(q.Placed.BornFrom), pgEnd(q.Placed.BornTo), band}
	params := func(first int) map[string]string {
		p := map[string]string{"kinds": "$3"}
		for i, k := range []string{"day", "unit", "units", "from", "to", "band"} {
			p[k] = "$" + strconv.Itoa(first+i)
		}
		return p
	}
	idsIn := "id = ANY($3)"
	// The page: $1 to $7 as ChildrenByName's ($3 the kinds), the figure's day from $8.
	// One statement: the figure materialized once (one scan of its
	// placements), its children read by their keys, the page with the
	// counts beside each row ($1 to $7 as ChildrenByName's, $3 the kinds,
	// the figure's day from $8); the counts alone when the page is empty
	// ($1 to $5, the figure's day from $6).
	counts := func(first int) (with, found string) {
		return "WITH f AS MATERIALIZED (" + figureSQL(q.Bands, params(first)) + ") ",
			"(" + strings.Replace(countByNameSQL, idsIn, "id IN (SELECT child_id FROM f)", 1) + "), (SELECT count(*) FROM f)"
	}
	with, found := counts(8)
	page := with + strings.Replace(strings.Replace(childrenByNameSQL, idsIn, "id IN (SELECT child_id FROM f)", 1),
		"SELECT "+childColumns+" FROM", "SELECT "+childColumns+", "+found+" FROM", 1)
	var n [2]int64
	cs, err := list(ctx, s.q(ctx), "children", m, func(row scanner, m domain.Municipality) (domain.Child, error) {
		return scanChild(withExtra{row, []any{&n[0], &n[1]}}, m)
	}, page, append([]any{string(m), strict, kinds, res, prefix, uid(nq.After), max(nq.Limit, 1)}, figureArgs...)...)
	if err != nil || len(cs) > 0 {
		return cs, int(n[0]), int(n[1]), err
	}
	with, found = counts(6)
	ns, err := list(ctx, s.q(ctx), "children", m, func(row scanner, _ domain.Municipality) ([2]int64, error) {
		var n [2]int64
		return n, row.Scan(&n[0], &n[1])
	}, with+"SELECT "+found, append([]any{string(m), strict, kinds, res, prefix}, figureArgs...)...)
	if err != nil {
		return nil, 0, 0, err
	}
	return []domain.Child{}, int(ns[0][0]), int(ns[0][1]), nil
}
