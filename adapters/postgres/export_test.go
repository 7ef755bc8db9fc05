package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Unscoped runs a query through the store's connection (the running
// transaction, or the pool) as the store would, and returns the first
// column of each row as text: the row-level security test's deliberately
// unscoped query.
func Unscoped(ctx context.Context, s *Store, sql string) ([]string, error) {
	rows, err := s.q(ctx).Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Copy runs COPY FROM into table in the ctx's transaction, as the store's
// bulk writes do.
func Copy(ctx context.Context, s *Store, table string, cols []string, rows [][]any) (int64, error) {
	return s.tx(ctx).CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
}

// Tx is the ctx's transaction (Atomic's), for the tests of lazyTx.
func Tx(ctx context.Context, s *Store) pgx.Tx { return s.tx(ctx) }
