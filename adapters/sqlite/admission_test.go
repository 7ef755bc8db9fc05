package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestSQLiteAdmission(t *testing.T) {
	storetest.RunAdmission(t, func(t *testing.T) storetest.AdmissionStore { return open(t) })
}

func BenchmarkSQLiteAdmission(b *testing.B) {
	storetest.RunAdmissionBenchmarks(b, func(b *testing.B) storetest.AdmissionStore { return openFile(b) })
}
