package postgres_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresBilling(t *testing.T) {
	storetest.RunBilling(t, func(t *testing.T) storetest.BillingStore { return newTestStore(t) })
}

func BenchmarkPostgresBilling(b *testing.B) {
	storetest.RunBillingBenchmarks(b, func(b *testing.B) storetest.BillingStore { return newTestStore(b) })
}

func TestPostgresFamiliesPage(t *testing.T) {
	storetest.RunFamiliesPage(t, func(t *testing.T) storetest.BillingStore { return newTestStore(t) })
}

func TestPostgresInvoicesPage(t *testing.T) {
	storetest.RunInvoicesPage(t, func(t *testing.T) storetest.BillingStore { return newTestStore(t) })
}

// BenchmarkPostgresInvoiceRunMemory measures the invoice run's own memory
// in a process of its own (storetest.InvoiceRunMemory) on a fresh schema,
// dropped after.
func BenchmarkPostgresInvoiceRunMemory(b *testing.B) {
	storetest.InvoiceRunMemory(b, func(b *testing.B, load func(storetest.InvoiceNoticeStore) error) string {
		url, schema := newTestSchema(b)
		s, err := postgres.Open(context.Background(), postgres.Options{URL: url, Schema: schema})
		require.NoError(b, err)
		require.NoError(b, load(s))
		s.Close()
		addr, err := json.Marshal([2]string{url, schema})
		require.NoError(b, err)
		return string(addr)
	})
}

// TestMain lets the test binary be the process
// BenchmarkPostgresInvoiceRunMemory measures (storetest.RunMemoryEnv set);
// otherwise it runs the tests.
func TestMain(m *testing.M) {
	storetest.RunMemoryProcess(func(ctx context.Context, addr string) (storetest.InvoiceNoticeStore, func() error, error) {
		var at [2]string // URL and schema
		if err := json.Unmarshal([]byte(addr), &at); err != nil {
			return nil, nil, err
		}
		s, err := postgres.Open(ctx, postgres.Options{URL: at[0], Schema: at[1]})
		if err != nil {
			return nil, nil, err
		}
		return s, func() error { s.Close(); return nil }, nil
	})
	os.Exit(m.Run())
}
