package storetest

import "testing"

// RunBillingBenchmarks measures a store's invoice runs at municipal scale.
func RunBillingBenchmarks(b *testing.B, newStore func(b *testing.B) BillingStore) {
}
