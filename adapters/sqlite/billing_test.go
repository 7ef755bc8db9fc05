package sqlite_test

import (
	"testing"

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
