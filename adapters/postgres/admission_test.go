package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresAdmission(t *testing.T) {
	storetest.RunAdmission(t, func(t *testing.T) storetest.AdmissionStore { return newTestStore(t) })
}

func BenchmarkPostgresAdmission(b *testing.B) {
	storetest.RunAdmissionBenchmarks(b, func(b *testing.B) storetest.AdmissionStore { return newTestStore(b) })
}
