package postgres_test

import (
	"context"
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
