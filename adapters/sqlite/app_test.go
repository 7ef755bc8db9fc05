package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestSQLiteApp(t *testing.T) {
	storetest.RunApp(t, func(t *testing.T) storetest.AppStore { return open(t) })
}

func BenchmarkSQLiteApp(b *testing.B) {
	storetest.RunAppBenchmarks(b, func(b *testing.B) storetest.AppStore { return openFile(b) })
}

func TestSQLiteInstances(t *testing.T) {
	storetest.RunInstances(t, func(t *testing.T) storetest.InstanceStore { return open(t) })
}
