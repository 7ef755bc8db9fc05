package sqlite_test

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	msqlite "modernc.org/sqlite"

	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// The ratio benchmarks of issue 22 on SQLite: the store's path against the
// same rows written straight with database/sql (prepared INSERTs in one
// transaction, or one INSERT per transaction) on the same file, opened
// with the store's pragmas. Run them with scripts/bench-ratios.

func BenchmarkSQLiteInvoiceRunVsBaseline(b *testing.B) {
	path := filepath.Join(b.TempDir(), "oppvekst.db")
	s := openAt(b, path)
	storetest.InvoiceRunVsBaseline(b, s, &liteRows{db: bareDB(b, path)}, false)
}

func BenchmarkSQLiteCheckInVsBaseline(b *testing.B) {
	path := filepath.Join(b.TempDir(), "oppvekst.db")
	s := openAt(b, path)
	db := bareDB(b, path)
	storetest.CheckInVsBaseline(b, s, func(ctx context.Context, c attendance.Check) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `INSERT INTO attendance_checks (municipality, id, idempotency_key, child_id, unit_id,
			kind, at_us, day, recorded_by, collector_name, collector_pickup, collector_guardian, warning)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, NULL, '')`,
			string(c.Municipality), c.ID.String(), c.Key, c.ChildID.String(), c.UnitID.String(), string(c.Kind),
			c.At.UnixMicro(), c.Day.String(), c.By); err != nil {
			return err
		}
		return tx.Commit()
	}, nil)
}

func BenchmarkSQLiteEnqueueBulletinVsBaseline(b *testing.B) {
	path := filepath.Join(b.TempDir(), "oppvekst.db")
	s := openAt(b, path)
	db := bareDB(b, path)
	storetest.EnqueueVsBaseline(b, s, func(ctx context.Context, ds []messaging.Delivery) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		st, err := tx.PrepareContext(ctx, `INSERT INTO msg_outbox (municipality, id, key, kind, guardian_id, staff_id, medium,
			recipient, language, subject, body, urgent, state, attempts, next_at, created_at, done_at, last_error)
			VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if _, err := st.ExecContext(ctx, string(d.Municipality), d.ID.String(), d.Key, d.Kind, d.Guardian.String(),
				string(d.Medium), d.To, string(d.Language), d.Subject, d.Body, d.Urgent, string(d.State), d.Attempts,
				d.NextAt.UnixNano(), d.CreatedAt.UnixNano(), d.LastError); err != nil {
				return err
			}
		}
		return tx.Commit()
	}, func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, `DELETE FROM msg_outbox`)
		return err
	})
}

// bareDB opens the store's file with plain database/sql and the store's
// writer pragmas (WAL, synchronous NORMAL, foreign keys, a 32 MiB cache),
// one connection, as the store writes.
func bareDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	q := url.Values{"_pragma": {"busy_timeout(5000)", "journal_mode(WAL)", "foreign_keys(ON)", "synchronous(NORMAL)",
		"temp_store(MEMORY)", "cache_size(-32768)"}, "_txlock": {"immediate"}}
	c, err := msqlite.NewConnector(path + "?" + q.Encode())
	if err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	return db
}

// liteRows is the bare side of the invoice-run benchmark: the rows of a
// run read with SELECT * and written again with one prepared INSERT per
// table in one transaction.
type liteRows struct {
	db     *sql.DB
	tables []liteTable
}

type liteTable struct {
	name string
	cols []string
	rows [][]any
}

// liteRunTables are the tables an invoice run writes, parents first, with
// the condition that picks a month's rows (?1 municipality, ?2 month).
var liteRunTables = []struct{ name, where string }{
	{"billing_runs", `municipality = ?1 AND month = ?2`},
	{"billing_fee_decisions", `municipality = ?1 AND json_extract(body, '$.run') = ?2`},
	{"billing_invoices", `municipality = ?1 AND month = ?2`},
	{"billing_invoice_lines", `municipality = ?1 AND invoice_id IN (SELECT id FROM billing_invoices WHERE municipality = ?1 AND month = ?2)`},
	{"msg_outbox", `municipality = ?1 AND key LIKE 'invoice.ready/' || ?1 || '/' || ?2 || '/%'`},
}

func (l *liteRows) Capture(ctx context.Context, m domain.Municipality, month billing.Month) (int, error) {
	l.tables = nil
	n := 0
	for _, t := range liteRunTables {
		rows, err := l.db.QueryContext(ctx, `SELECT * FROM `+t.name+` WHERE `+t.where, string(m), month.String())
		if err != nil {
			return 0, err
		}
		tab := liteTable{name: t.name}
		if tab.cols, err = rows.Columns(); err != nil {
			rows.Close()
			return 0, err
		}
		for rows.Next() {
			v := make([]any, len(tab.cols))
			ptrs := make([]any, len(v))
			for i := range v {
				ptrs[i] = &v[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
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
		l.tables = append(l.tables, tab)
	}
	return n, nil
}

func (l *liteRows) Write(ctx context.Context) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range l.tables {
		st, err := tx.PrepareContext(ctx, `INSERT INTO `+t.name+` (`+strings.Join(t.cols, ", ")+`) VALUES (?`+
			strings.Repeat(", ?", len(t.cols)-1)+`)`)
		if err != nil {
			return err
		}
		for _, r := range t.rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

func (l *liteRows) Delete(ctx context.Context, m domain.Municipality, month billing.Month) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i := len(liteRunTables) - 1; i >= 0; i-- {
		t := liteRunTables[i]
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.name+` WHERE `+t.where, string(m), month.String()); err != nil {
			return err
		}
	}
	return tx.Commit()
}
