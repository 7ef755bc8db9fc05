package memory_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/memory"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestMessaging(t *testing.T) {
	storetest.RunMessaging(t, func(t *testing.T) storetest.MessagingStore { return memory.New() })
}

func BenchmarkMessaging(b *testing.B) {
	storetest.RunMessagingBenchmarks(b, func(b *testing.B) storetest.MessagingStore { return memory.New() })
}
