package memory_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/memory"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestMemoryBilling(t *testing.T) {
	storetest.RunBilling(t, func(t *testing.T) storetest.BillingStore { return memory.New() })
}

func BenchmarkMemoryBilling(b *testing.B) {
	storetest.RunBillingBenchmarks(b, func(b *testing.B) storetest.BillingStore { return memory.New() })
}
