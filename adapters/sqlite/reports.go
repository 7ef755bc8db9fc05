package sqlite

import (
	"context"
	"database/sql"
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
	q := `SELECT p.unit_id, CAST(substr(c.birth_date, 1, 4) AS INTEGER), substr(c.birth_date, 6, 5) > ?,
			` + bandCase("p.hours_per_week", bands) + `, ` + hours + `, count(*)
		FROM placements p INDEXED BY placements_by_kind CROSS JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		WHERE p.municipality = ? AND p.kind = ? AND p.start_date <= ? AND coalesce(p.end_date, '` + openEnd + `') >= ?
		GROUP BY 1, 2, 3, 4, 5`
	return queryAll(ctx, s, q, func(r scanner) (reports.PlacedCount, error) {
		var n reports.PlacedCount
		err := r.Scan(&n.Unit, &n.BirthYear, &n.AfterDay, &n.Band, &n.Hours, &n.Count)
		return n, err
	}, fmt.Sprintf("%02d-%02d", day.Month(), day.Day()), m, string(kind), day.String(), day.String())
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
	kindArg, err := json.Marshal(kinds)
	if err != nil {
		return nil, nil, err
	}
	var children, unit, bornFrom, bornTo sql.NullString
	if q.Children != nil {
		if children.String, err = idArray(q.Children); err != nil {
			return nil, nil, err
		}
		children.Valid = true
	}
	if !q.Unit.IsZero() {
		unit = sql.NullString{String: q.Unit.String(), Valid: true}
	}
	if q.BornFrom != date.Zero {
		bornFrom = sql.NullString{String: q.BornFrom.String(), Valid: true}
	}
	if q.BornTo != date.Zero {
		bornTo = sql.NullString{String: q.BornTo.String(), Valid: true}
	}
	end := openEnd
	if q.Within.End != date.Zero {
		end = q.Within.End.String()
	}
	type placed struct {
		p     domain.Placement
		birth string
	}
	rows, err := queryAll(ctx, s, `SELECT p.municipality, p.id, p.child_id, p.unit_id, p.group_id, p.kind, p.hours_per_week, p.start_date, p.end_date, c.birth_date
		FROM placements p CROSS JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		WHERE p.municipality = ?1 AND p.kind IN (SELECT value FROM json_each(?2))
		AND p.start_date <= ?4 AND coalesce(p.end_date, '`+openEnd+`') >= ?3
		AND (?5 IS NULL OR p.unit_id = ?5) AND (?6 IS NULL OR p.child_id IN (SELECT value FROM json_each(?6)))
		AND (?7 IS NULL OR c.birth_date >= ?7) AND (?8 IS NULL OR c.birth_date <= ?8)`,
		func(r scanner) (placed, error) {
			var x placed
			var err error
			x.p, err = scanPlacement(withExtra{r, []any{&x.birth}})
			return x, err
		}, m, string(kindArg), q.Within.Start.String(), end, unit, children, bornFrom, bornTo)
	if err != nil {
		return nil, nil, err
	}
	ps := make([]domain.Placement, len(rows))
	births := make(map[domain.ChildID]string, len(rows))
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
		cs[i] = domain.Child{ID: id, Municipality: m}
		if cs[i].BirthDate, err = parseDate(births[id]); err != nil {
			return nil, nil, err
		}
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
// lower-cased, æ (ä), ø (ö) and å after z.
func nbFold(col string) string {
	s := "lower(" + col + ")"
	for _, r := range [][2]string{{"æ", "{"}, {"Æ", "{"}, {"ä", "{"}, {"Ä", "{"}, {"ø", "|"}, {"Ø", "|"}, {"ö", "|"}, {"Ö", "|"}, {"å", "}"}, {"Å", "}"}} {
		s = "replace(" + s + ", '" + r[0] + "', '" + r[1] + "')"
	}
	return s
}

// nameKey is the SQL of a child's place in reports.NameQuery's order
// (the strictly protected first, then the names folded, then the ID);
// ?2 is the strict protection levels (a JSON array).
var nameKey = `CASE WHEN address_protection IN (SELECT value FROM json_each(?2)) THEN 0 ELSE 1 END,
	CASE WHEN address_protection IN (SELECT value FROM json_each(?2)) THEN '' ELSE ` + nbFold("family_name") + ` END,
	CASE WHEN address_protection IN (SELECT value FROM json_each(?2)) THEN '' ELSE ` + nbFold("given_name") + ` END, id`

// nameFound is reports.NameQuery's search: every glob of ?4
// (domain.SearchGlobs; NULL: no search) in the name of a child not
// strictly protected, or the national ID starting with ?5 (NULL: none).
const nameFound = `(?4 IS NULL OR (address_protection NOT IN (SELECT value FROM json_each(?2))
		AND NOT EXISTS (SELECT 1 FROM json_each(?4) WHERE given_name || ' ' || family_name NOT GLOB json_each.value))
	OR national_id LIKE ?5)`

var (
	childrenByNameSQL = `SELECT ` + childCols + ` FROM children
		WHERE municipality = ?1 AND id IN (SELECT value FROM json_each(?3)) AND ` + nameFound + `
		AND (?6 IS NULL OR (` + nameKey + `) > (SELECT ` + nameKey + ` FROM children WHERE municipality = ?1 AND id = ?6))
		ORDER BY ` + nameKey + ` LIMIT ?7`
	countByNameSQL = `SELECT count(*) FROM children
		WHERE municipality = ?1 AND id IN (SELECT value FROM json_each(?3)) AND ` + nameFound
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
	idArg, err := idArray(ids)
	if err != nil {
		return nil, 0, err
	}
	strict, globs, prefix, after, err := nameArgs(q)
	if err != nil {
		return nil, 0, err
	}
	cs, err := queryAll(ctx, s, childrenByNameSQL, scanChild, m, strict, idArg, globs, prefix, after, max(q.Limit, 1))
	if err != nil {
		return nil, 0, err
	}
	ns, err := queryAll(ctx, s, countByNameSQL, func(r scanner) (int, error) {
		var n int
		return n, r.Scan(&n)
	}, m, strict, idArg, globs, prefix)
	if err != nil {
		return nil, 0, err
	}
	return cs, ns[0], nil
}

// GrantedDecisions implements reports.Counter: of every case only its
// child, end and decision.
func (s *Store) GrantedDecisions(ctx context.Context, m domain.Municipality) ([]reports.Decision, error) {
	cs, err := queryAll(ctx, s, `SELECT child_id, ended, json_extract(body, '$.decision') FROM specialed_cases
		WHERE municipality = ? AND json_type(body, '$.decision') = 'object' ORDER BY id`, func(r scanner) (specialed.Case, error) {
		var c specialed.Case
		var ended, dec string
		if err := r.Scan(&c.Child, &ended, &dec); err != nil {
			return c, err
		}
		if ended != "" {
			var err error
			if c.Ended, err = parseDate(ended); err != nil {
				return c, err
			}
		}
		c.Decision = new(specialed.Provision)
		return c, json.Unmarshal([]byte(dec), c.Decision)
	}, m)
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
// when none changed). SQLite has no FULL JOIN: the pairs are the
// month's entries with the month before's, then the month before's
// alone.
const navPlacesSQL = `WITH m(k, m_first, m_last, in_after, in_by, starts_after, ends_by) AS (VALUES
		(0, ?2, ?3, ?4, ?5, ?6, ?7), (1, ?8, ?9, ?10, ?11, ?12, ?13)),
	w AS (SELECT m.k, p.id, p.child_id, p.unit_id, p.hours_per_week, p.start_date, coalesce(p.end_date, '` + openEnd + `') AS end_date,
			CASE WHEN c.birth_date <= m.ends_by THEN date(m.m_first, '+' || (CAST(substr(c.birth_date, 9, 2) AS INTEGER) - 2) || ' days') ELSE m.m_last END AS we,
			CASE WHEN c.birth_date > m.starts_after THEN date(m.m_first, '+' || (CAST(substr(c.birth_date, 9, 2) AS INTEGER) - 1) || ' days') ELSE m.m_first END AS ws
		FROM placements p INDEXED BY placements_by_kind CROSS JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		CROSS JOIN m ON c.birth_date > m.in_after AND c.birth_date <= m.in_by AND p.start_date <= m.m_last AND coalesce(p.end_date, '` + openEnd + `') >= m.m_first
		WHERE p.municipality = ?1 AND p.kind = 'kindergarten' AND p.start_date <= ?9 AND coalesce(p.end_date, '` + openEnd + `') >= ?2),
	ranked AS (SELECT k, child_id, unit_id, hours_per_week, start_date, end_date,
			row_number() OVER (PARTITION BY k, child_id ORDER BY (start_date <= we AND end_date >= we) DESC, start_date DESC, id) AS rn
		FROM w WHERE start_date <= we AND end_date >= ws),
	cur AS (SELECT * FROM ranked WHERE k = 1 AND rn = 1),
	prev AS (SELECT * FROM ranked WHERE k = 0 AND rn = 1),
	changed AS (SELECT cur.child_id AS child_id, prev.unit_id AS pu, prev.hours_per_week AS ph, prev.start_date AS ps, prev.end_date AS pe,
			cur.unit_id AS cu, cur.hours_per_week AS ch, cur.start_date AS cs, cur.end_date AS ce
		FROM cur LEFT JOIN prev ON prev.child_id = cur.child_id
		WHERE NOT (prev.child_id IS NOT NULL AND prev.end_date >= ?8 AND prev.unit_id = cur.unit_id
			AND prev.hours_per_week = cur.hours_per_week AND cur.end_date > ?9)
		UNION ALL
		SELECT prev.child_id, prev.unit_id, prev.hours_per_week, prev.start_date, prev.end_date, NULL, NULL, NULL, NULL
		FROM prev WHERE prev.end_date >= ?8 AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.child_id = prev.child_id))
	SELECT n.entries, changed.* FROM (SELECT count(*) AS entries FROM cur) n LEFT JOIN changed ON 1`

var _ reports.NAVCounter = (*Store)(nil)

// NAVPlaces implements reports.NAVCounter in one statement (navPlacesSQL).
func (s *Store) NAVPlaces(ctx context.Context, m domain.Municipality, q reports.NAVQuery) (int, []reports.NAVPair, error) {
	args := []any{m}
	for _, mo := range []reports.NAVMonth{q.Previous, q.Current} {
		for _, d := range []date.Date{mo.First, mo.Last, mo.InAfter, mo.InBy, mo.StartsAfter, mo.EndsBy} {
			args = append(args, d.String())
		}
	}
	type row struct {
		entries int
		pair    reports.NAVPair
	}
	place := func(unit, start, end sql.NullString, hours sql.NullInt64) (*reports.NAVPlace, error) {
		if !unit.Valid {
			return nil, nil
		}
		p := &reports.NAVPlace{HoursPerWeek: int(hours.Int64)}
		var err error
		if p.Unit, err = domain.ParseID[domain.Unit](unit.String); err != nil {
			return nil, err
		}
		if p.Start, err = parseDate(start.String); err != nil {
			return nil, err
		}
		if end.String != openEnd {
			if p.End, err = parseDate(end.String); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
	rows, err := queryAll(ctx, s, navPlacesSQL, func(r scanner) (row, error) {
		var x row
		var child, pu, ps, pe, cu, cs, ce sql.NullString
		var ph, ch sql.NullInt64
		if err := r.Scan(&x.entries, &child, &pu, &ph, &ps, &pe, &cu, &ch, &cs, &ce); err != nil {
			return x, err
		}
		if !child.Valid {
			return x, nil
		}
		var err error
		if x.pair.Child, err = domain.ParseID[domain.Child](child.String); err != nil {
			return x, err
		}
		if x.pair.Previous, err = place(pu, ps, pe, ph); err != nil {
			return x, err
		}
		x.pair.Current, err = place(cu, cs, ce, ch)
		return x, err
	}, args...)
	if err != nil || len(rows) == 0 {
		return 0, nil, err
	}
	pairs := make([]reports.NAVPair, 0, len(rows))
	for _, x := range rows {
		if !x.pair.Child.IsZero() {
			pairs = append(pairs, x.pair)
		}
	}
	return rows[0].entries, pairs, nil
}

var _ reports.FigureNamer = (*Store)(nil)

// figureSQL selects the children of a figure's placements
// (reports.FigureQuery): ?8 the kinds (JSON), ?9 the day, ?10 the unit
// (NULL: every unit), ?11 the units counted (JSON), ?12 and ?13 the
// birth dates (NULL: open), ?14 the band's index (NULL: any hours), a
// child once for each placement.
func figureSQL(bands []reports.Band) string {
	return `SELECT p.child_id FROM placements p INDEXED BY placements_by_kind
		CROSS JOIN units u ON u.municipality = p.municipality AND u.id = p.unit_id AND u.kind = p.kind
		CROSS JOIN children pc ON pc.municipality = p.municipality AND pc.id = p.child_id
		WHERE p.municipality = ?1 AND p.kind IN (SELECT value FROM json_each(?8))
		AND p.start_date <= ?9 AND coalesce(p.end_date, '` + openEnd + `') >= ?9
		AND (?10 IS NULL OR p.unit_id = ?10) AND p.unit_id IN (SELECT value FROM json_each(?11))
		AND (?12 IS NULL OR pc.birth_date >= ?12) AND (?13 IS NULL OR pc.birth_date <= ?13)
		AND (?14 IS NULL OR ` + bandCase("p.hours_per_week", bands) + ` = ?14)`
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
	kindArg, err := json.Marshal(kinds)
	if err != nil {
		return nil, 0, 0, err
	}
	unitsArg, err := idArray(q.Units)
	if err != nil {
		return nil, 0, 0, err
	}
	var unit, bornFrom, bornTo sql.NullString
	var band sql.NullInt64
	if !q.Placed.Unit.IsZero() {
		unit = sql.NullString{String: q.Placed.Unit.String(), Valid: true}
	}
	if q.Placed.BornFrom != date.Zero {
		bornFrom = sql.NullString{String: q.Placed.BornFrom.String(), Valid: true}
	}
	if q.Placed.BornTo != date.Zero {
		bornTo = sql.NullString{String: q.Placed.BornTo.String(), Valid: true}
	}
	if q.Band != "" {
		i := slices.IndexFunc(q.Bands, func(b reports.Band) bool { return b.Key == q.Band })
		band = sql.NullInt64{Int64: int64(i), Valid: true} // -1 (no such band): nobody
	}
	strict, globs, prefix, after, err := nameArgs(nq)
	if err != nil {
		return nil, 0, 0, err
	}
	// One statement: the figure materialized once, the page with the
	// counts beside each row; the counts alone when the page is empty.
	with := "WITH f AS MATERIALIZED (" + figureSQL(q.Bands) + ") "
	idsIn := "(SELECT value FROM json_each(?3))"
	found := strings.Replace(countByNameSQL, idsIn, "(SELECT child_id FROM f)", 1)
	counts := "(" + found + "), (SELECT count(*) FROM f)"
	page := with + strings.Replace(strings.Replace(childrenByNameSQL, idsIn, "(SELECT child_id FROM f)", 1), "SELECT "+childCols+" FROM", "SELECT "+childCols+", "+counts+" FROM", 1)
	args := []any{m, strict, nil, globs, prefix, after, max(nq.Limit, 1), string(kindArg), q.Placed.Within.Start.String(), unit, unitsArg, bornFrom, bornTo, band}
	var n [2]int
	cs, err := queryAll(ctx, s, page, func(r scanner) (domain.Child, error) {
		return scanChild(withExtra{r, []any{&n[0], &n[1]}})
	}, args...)
	if err != nil || len(cs) > 0 {
		return cs, n[0], n[1], err
	}
	ns, err := queryAll(ctx, s, with+"SELECT "+counts, func(r scanner) ([2]int, error) {
		var n [2]int
		return n, r.Scan(&n[0], &n[1])
	}, args...)
	if err != nil {
		return nil, 0, 0, err
	}
	return []domain.Child{}, ns[0][0], ns[0][1], nil
}

// nameArgs are the arguments of reports.NameQuery's search and cut:
// ?2 strict, ?4 globs, ?5 prefix, ?6 after.
func nameArgs(q reports.NameQuery) (strict string, globs, prefix, after sql.NullString, err error) {
	b, err := json.Marshal([]domain.AddressProtection{domain.ProtectionStrengtFortrolig, domain.ProtectionStrengtFortroligUtland})
	if err != nil {
		return "", globs, prefix, after, err
	}
	if g := domain.SearchGlobs(q.Search); g != nil {
		gb, err := json.Marshal(g)
		if err != nil {
			return "", globs, prefix, after, err
		}
		globs = sql.NullString{String: string(gb), Valid: true}
	}
	if p := domain.NationalIDPrefix(q.Search); p != "" {
		prefix = sql.NullString{String: p + "%", Valid: true}
	}
	if !q.After.IsZero() {
		after = sql.NullString{String: q.After.String(), Valid: true}
	}
	return string(b), globs, prefix, after, nil
}
