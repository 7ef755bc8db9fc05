package memory_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/memory"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestMemoryApp(t *testing.T) {
	storetest.RunApp(t, func(t *testing.T) storetest.AppStore { return memory.New() })
}

func BenchmarkMemoryApp(b *testing.B) {
	storetest.RunAppBenchmarks(b, func(b *testing.B) storetest.AppStore { return memory.New() })
}
