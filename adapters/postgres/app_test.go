package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresApp(t *testing.T) {
	storetest.RunApp(t, func(t *testing.T) storetest.AppStore { return newTestStore(t) })
}

func BenchmarkPostgresApp(b *testing.B) {
	storetest.RunAppBenchmarks(b, func(b *testing.B) storetest.AppStore { return newTestStore(b) })
}

func TestPostgresInstances(t *testing.T) {
	storetest.RunInstances(t, func(t *testing.T) storetest.InstanceStore { return newTestStore(t) })
}
