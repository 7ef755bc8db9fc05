package memory_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/memory"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) domain.Store { return memory.New() })
}

func BenchmarkMemoryStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(b *testing.B) domain.Store { return memory.New() })
}
