package memory_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/memory"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestMemoryAdmission(t *testing.T) {
	storetest.RunAdmission(t, func(t *testing.T) storetest.AdmissionStore { return memory.New() })
}

func BenchmarkMemoryAdmission(b *testing.B) {
	storetest.RunAdmissionBenchmarks(b, func(b *testing.B) storetest.AdmissionStore { return memory.New() })
}
