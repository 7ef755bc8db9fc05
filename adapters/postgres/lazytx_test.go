package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
)

// Atomic's transaction sends its BEGIN with its first statement, whatever
// that statement is, and behaves as pgx's own transaction: one
// transaction from the first statement to the COMMIT, rows read to their
// end free the connection, a failure rolls everything back, and a
// transaction that failed does not commit.
func TestAtomicBeginsWithItsFirstStatement(t *testing.T) {
	ctx := context.Background()
	url, schema := newTestSchema(t)
	s := openTestStore(t, url, schema)
	raw := rawConn(t, url, schema)
	_, err := raw.Exec(ctx, `CREATE TABLE lazy (n int PRIMARY KEY)`)
	require.NoError(t, err)
	count := func() (n int) {
		require.NoError(t, raw.QueryRow(ctx, `SELECT count(*) FROM lazy`).Scan(&n))
		return n
	}
	txid := func(ctx context.Context) (id int64) {
		require.NoError(t, postgres.Tx(ctx, s).QueryRow(ctx, `SELECT txid_current()`).Scan(&id))
		return id
	}

	t.Run("each first statement opens the transaction the rest runs in", func(t *testing.T) {
		firsts := map[string]func(ctx context.Context, tx pgx.Tx) error{
			"QueryRow": func(ctx context.Context, tx pgx.Tx) error {
				var one int
				return tx.QueryRow(ctx, `SELECT 1`).Scan(&one)
			},
			"Query read to its end, not closed": func(ctx context.Context, tx pgx.Tx) error {
				rows, err := tx.Query(ctx, `SELECT generate_series(1, 3)`)
				if err != nil {
					return err
				}
				n := 0
				for rows.Next() {
					n++
				}
				if n != 3 {
					return errors.New("not three rows")
				}
				return rows.Err()
			},
			"Exec": func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO lazy VALUES (100)`)
				return err
			},
			"SendBatch": func(ctx context.Context, tx pgx.Tx) error {
				var b pgx.Batch
				b.Queue(`SELECT 2`)
				b.Queue(`INSERT INTO lazy VALUES (101)`)
				br := tx.SendBatch(ctx, &b)
				var two int
				if err := br.QueryRow().Scan(&two); err != nil || two != 2 {
					return errors.Join(err, errors.New("the batch's first result is not its first query's"))
				}
				if _, err := br.Exec(); err != nil {
					return err
				}
				return br.Close()
			},
			"CopyFrom": func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.CopyFrom(ctx, pgx.Identifier{"lazy"}, []string{"n"}, pgx.CopyFromRows([][]any{{102}}))
				return err
			},
		}
		for name, first := range firsts {
			t.Run(name, func(t *testing.T) {
				_, err := raw.Exec(ctx, `DELETE FROM lazy`)
				require.NoError(t, err)
				var before, after int64
				require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
					if err := first(ctx, postgres.Tx(ctx, s)); err != nil {
						return err
					}
					before = txid(ctx)
					_, err := postgres.Tx(ctx, s).Exec(ctx, `INSERT INTO lazy VALUES (1)`)
					after = txid(ctx)
					return err
				}))
				assert.Equal(t, before, after, "one transaction")
				assert.GreaterOrEqual(t, count(), 1, "committed")

				// The same again, failing at the end: nothing is kept.
				n := count()
				err = s.Atomic(ctx, func(ctx context.Context) error {
					if err := first(ctx, postgres.Tx(ctx, s)); err != nil {
						return err
					}
					return errors.New("stop")
				})
				require.Error(t, err)
				assert.Equal(t, n, count(), "rolled back")
			})
		}
	})

	t.Run("no row is pgx.ErrNoRows", func(t *testing.T) {
		err := s.Atomic(ctx, func(ctx context.Context) error {
			var n int
			return postgres.Tx(ctx, s).QueryRow(ctx, `SELECT n FROM lazy WHERE n < 0`).Scan(&n)
		})
		assert.ErrorIs(t, err, pgx.ErrNoRows)
	})

	t.Run("a failed first statement rolls back and leaves the store usable", func(t *testing.T) {
		err := s.Atomic(ctx, func(ctx context.Context) error {
			_, err := postgres.Tx(ctx, s).Exec(ctx, `INSERT INTO lazy VALUES ('not a number')`)
			return err
		})
		require.Error(t, err)
		for range 20 { // more than the pool's connections: none was left in a transaction
			require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
				_ = txid(ctx)
				return nil
			}))
		}
	})

	t.Run("a transaction that failed does not commit", func(t *testing.T) {
		_, err := raw.Exec(ctx, `DELETE FROM lazy`)
		require.NoError(t, err)
		err = s.Atomic(ctx, func(ctx context.Context) error {
			tx := postgres.Tx(ctx, s)
			if _, err := tx.Exec(ctx, `INSERT INTO lazy VALUES (7)`); err != nil {
				return err
			}
			_, _ = tx.Exec(ctx, `INSERT INTO lazy VALUES (7)`) // a duplicate: the transaction fails, the error ignored
			return nil
		})
		require.Error(t, err, "the COMMIT is answered with ROLLBACK")
		assert.Zero(t, count())
	})

	t.Run("a transaction that sends nothing commits nothing", func(t *testing.T) {
		require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error { return nil }))
		require.Error(t, s.Atomic(ctx, func(ctx context.Context) error { return errors.New("stop") }))
	})
}
