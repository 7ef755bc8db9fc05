package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestSQLiteBilling(t *testing.T) {
	storetest.RunBilling(t, func(t *testing.T) storetest.BillingStore { return open(t) })
}

func BenchmarkSQLiteBilling(b *testing.B) {
	storetest.RunBillingBenchmarks(b, func(b *testing.B) storetest.BillingStore { return openFile(b) })
}

func TestFamiliesPage(t *testing.T) {
	storetest.RunFamiliesPage(t, func(t *testing.T) storetest.BillingStore { return open(t) })
}

func TestInvoicesPage(t *testing.T) {
	storetest.RunInvoicesPage(t, func(t *testing.T) storetest.BillingStore { return open(t) })
}

// BenchmarkSQLiteInvoiceRunMemory measures the invoice run's own memory
// in a process of its own (storetest.InvoiceRunMemory) on an SQLite file.
func BenchmarkSQLiteInvoiceRunMemory(b *testing.B) {
	storetest.InvoiceRunMemory(b, func(b *testing.B, load func(storetest.InvoiceNoticeStore) error) string {
		path := filepath.Join(b.TempDir(), "oppvekst.db")
		s, err := sqlite.Open(context.Background(), sqlite.Options{Path: path})
		require.NoError(b, err)
		require.NoError(b, load(s))
		require.NoError(b, s.Close())
		return path
	})
}

// TestMain lets the test binary be the process BenchmarkSQLiteInvoiceRunMemory
// measures (storetest.RunMemoryEnv set); otherwise it runs the tests.
func TestMain(m *testing.M) {
	storetest.RunMemoryProcess(func(ctx context.Context, path string) (storetest.InvoiceNoticeStore, func() error, error) {
		s, err := sqlite.Open(ctx, sqlite.Options{Path: path})
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	})
	os.Exit(m.Run())
}
