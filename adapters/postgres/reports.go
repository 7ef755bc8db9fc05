package postgres

import (
	"context"
	"encoding/json"
	"fmt"
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
	ps, err := list(ctx, s.q(ctx), "placements", m, scanPlacement,
		`SELECT p.id, p.child_id, p.unit_id, p.group_id, p.kind, p.hours_per_week, p.start_date, p.end_date
		FROM placements p JOIN children c ON c.municipality = p.municipality AND c.id = p.child_id
		WHERE p.municipality = $1 AND p.kind = ANY($2)
		AND p.start_date <= COALESCE($4, 'infinity'::date) AND COALESCE(p.end_date, 'infinity'::date) >= $3
		AND ($5::uuid IS NULL OR p.unit_id = $5) AND ($6::uuid[] IS NULL OR p.child_id = ANY($6))
		AND ($7::date IS NULL OR c.birth_date >= $7) AND ($8::date IS NULL OR c.birth_date <= $8)`,
		string(m), kinds, pgDay(q.Within.Start), pgEnd(q.Within.End), uid(q.Unit), children, pgEnd(q.BornFrom), pgEnd(q.BornTo))
	if err != nil {
		return nil, nil, err
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
	cs, err := s.ChildrenByID(ctx, m, ids)
	return ps, cs, err
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
