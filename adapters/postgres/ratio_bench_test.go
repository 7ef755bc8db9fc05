package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// The ratio benchmarks of issue 22 on PostgreSQL: the store's path against
// the same rows written straight with pgx (COPY, one INSERT per
// transaction) on the same schema. Run them with scripts/bench-ratios.

func BenchmarkPostgresInvoiceRunVsBaseline(b *testing.B) {
	url, schema := newTestSchema(b)
	s := openTestStore(b, url, schema)
	storetest.InvoiceRunVsBaseline(b, s, &pgRows{conn: rawConn(b, url, schema)}, false)
}

func BenchmarkPostgresInvoiceRunNoticesVsBaseline(b *testing.B) {
	url, schema := newTestSchema(b)
	s := openTestStore(b, url, schema)
	storetest.InvoiceRunVsBaseline(b, s, &pgRows{conn: rawConn(b, url, schema)}, true)
}

func BenchmarkPostgresCheckInVsBaseline(b *testing.B) {
	url, schema := newTestSchema(b)
	s := openTestStore(b, url, schema)
	pool := rawPool(b, url, schema)
	storetest.CheckInVsBaseline(b, s, func(ctx context.Context, c attendance.Check) error {
		tx, err := pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `INSERT INTO attendance_checks (municipality, id, idempotency_key, child_id, unit_id, kind,
			at, day, recorded_by, collector_name, collector_pickup, collector_guardian, warning)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', NULL, NULL, '')`,
			string(c.Municipality), c.ID.UUID(), c.Key, c.ChildID.UUID(), c.UnitID.UUID(), string(c.Kind), c.At,
			pgtype.Date{Time: c.Day.MidnightUTC(), Valid: true}, c.By); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}, func(ctx context.Context) error {
		_, err := pool.Exec(ctx, `ANALYZE attendance_checks`)
		return err
	})
}

func BenchmarkPostgresEnqueueBulletinVsBaseline(b *testing.B) {
	url, schema := newTestSchema(b)
	s := openTestStore(b, url, schema)
	conn := rawConn(b, url, schema)
	storetest.EnqueueVsBaseline(b, s, func(ctx context.Context, ds []messaging.Delivery) error {
		rows := make([][]any, len(ds))
		for i, d := range ds {
			rows[i] = []any{string(d.Municipality), d.ID.UUID(), d.Key, d.Kind, d.Guardian.UUID(), string(d.Medium), d.To,
				string(d.Language), d.Subject, d.Body, d.Urgent, string(d.State), d.Attempts, d.NextAt, d.CreatedAt, nil, d.LastError, nil}
		}
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"msg_outbox"}, []string{"municipality", "id", "key", "kind", "guardian_id",
				"medium", "recipient", "language", "subject", "body", "urgent", "state", "attempts", "next_at", "created_at",
				"done_at", "last_error", "staff_id"}, pgx.CopyFromRows(rows))
			return err
		})
	}, func(ctx context.Context) error {
		_, err := conn.Exec(ctx, `DELETE FROM msg_outbox`)
		return err
	})
}

func rawPool(tb testing.TB, url, schema string) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize() + ", public"
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// pgRows is the bare side of the invoice-run benchmarks: the rows of a run
// read with SELECT * and written again with COPY.
type pgRows struct {
	conn   *pgx.Conn
	tables []pgTable
}

type pgTable struct {
	name string
	cols []string
	rows [][]any
}

// runTables are the tables an invoice run writes, parents first, with the
// condition that picks a month's rows ($1 municipality, $2 month).
var runTables = []struct{ name, where string }{
	{"billing_runs", `municipality = $1 AND month = $2`},
	{"billing_fee_decisions", `municipality = $1 AND body->>'run' = $2`},
	{"billing_invoices", `municipality = $1 AND month = $2`},
	{"billing_invoice_lines", `municipality = $1 AND invoice_id IN (SELECT id FROM billing_invoices WHERE municipality = $1 AND month = $2)`},
	{"msg_outbox", `municipality = $1 AND kind = 'invoice.ready' AND key LIKE 'invoice.ready/' || $1 || '/' || $2 || '/%'`},
}

func (p *pgRows) Capture(ctx context.Context, m domain.Municipality, month billing.Month) (int, error) {
	p.tables = nil
	n := 0
	for _, t := range runTables {
		rows, err := p.conn.Query(ctx, `SELECT * FROM `+t.name+` WHERE `+t.where, string(m), month.String())
		if err != nil {
			return 0, err
		}
		tab := pgTable{name: t.name}
		for _, f := range rows.FieldDescriptions() {
			tab.cols = append(tab.cols, f.Name)
		}
		for rows.Next() {
			v, err := rows.Values()
			if err != nil {
				rows.Close()
				return 0, err
			}
			tab.rows = append(tab.rows, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		n += len(tab.rows)
		p.tables = append(p.tables, tab)
	}
	return n, nil
}

func (p *pgRows) Write(ctx context.Context) error {
	return pgx.BeginFunc(ctx, p.conn, func(tx pgx.Tx) error {
		for _, t := range p.tables {
			if len(t.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (p *pgRows) Delete(ctx context.Context, m domain.Municipality, month billing.Month) error {
	return pgx.BeginFunc(ctx, p.conn, func(tx pgx.Tx) error {
		for i := len(runTables) - 1; i >= 0; i-- {
			t := runTables[i]
			if _, err := tx.Exec(ctx, `DELETE FROM `+t.name+` WHERE `+t.where, string(m), month.String()); err != nil {
				return err
			}
		}
		return nil
	})
}

func BenchmarkPostgresPostBulletinVsBaseline(b *testing.B) {
	url, schema := newTestSchema(b)
	s := openTestStore(b, url, schema)
	storetest.PostBulletinVsBaseline(b, s, &pgPostRows{conn: rawConn(b, url, schema)})
}

// pgPostRows finds the rows a post wrote by counting the rows of every
// table of the schema before and after it; the tables that grew must be
// among postTables (parents first) and empty before.
type pgPostRows struct {
	conn   *pgx.Conn
	before map[string]int
	rows   pgRows
}

var postTables = []string{"msg_threads", "msg_messages", "msg_participants", "msg_outbox"}

func (p *pgPostRows) counts(ctx context.Context) (map[string]int, error) {
	rows, err := p.conn.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, t := range names {
		var n int
		if err := p.conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t}.Sanitize()).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

func (p *pgPostRows) Mark(ctx context.Context) (err error) {
	p.before, err = p.counts(ctx)
	return err
}

func (p *pgPostRows) Capture(ctx context.Context) (int, error) {
	after, err := p.counts(ctx)
	if err != nil {
		return 0, err
	}
	for t, n := range after {
		if n != p.before[t] && (!slices.Contains(postTables, t) || p.before[t] != 0) {
			return 0, fmt.Errorf("the post wrote to %s, which the baseline does not cover", t)
		}
	}
	p.rows = pgRows{conn: p.conn}
	total := 0
	for _, t := range postTables {
		rows, err := p.conn.Query(ctx, `SELECT * FROM `+t)
		if err != nil {
			return 0, err
		}
		tab := pgTable{name: t}
		for _, f := range rows.FieldDescriptions() {
			tab.cols = append(tab.cols, f.Name)
		}
		for rows.Next() {
			v, err := rows.Values()
			if err != nil {
				rows.Close()
				return 0, err
			}
			tab.rows = append(tab.rows, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		total += len(tab.rows)
		p.rows.tables = append(p.rows.tables, tab)
	}
	return total, nil
}

func (p *pgPostRows) Write(ctx context.Context) error { return p.rows.Write(ctx) }

func (p *pgPostRows) Delete(ctx context.Context) error {
	return pgx.BeginFunc(ctx, p.conn, func(tx pgx.Tx) error {
		for i := len(postTables) - 1; i >= 0; i-- {
			if _, err := tx.Exec(ctx, `DELETE FROM `+postTables[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
