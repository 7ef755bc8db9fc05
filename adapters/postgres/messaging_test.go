package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestMessaging(t *testing.T) {
	storetest.RunMessaging(t, func(t *testing.T) storetest.MessagingStore { return newTestStore(t) })
}

func BenchmarkMessaging(b *testing.B) {
	storetest.RunMessagingBenchmarks(b, func(b *testing.B) storetest.MessagingStore { return newTestStore(b) })
}
