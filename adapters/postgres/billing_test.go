package postgres_test

import (
	"testing"

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
