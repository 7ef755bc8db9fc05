package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestMessaging(t *testing.T) {
	storetest.RunMessaging(t, func(t *testing.T) storetest.MessagingStore { return open(t) })
}

func BenchmarkMessaging(b *testing.B) {
	storetest.RunMessagingBenchmarks(b, func(b *testing.B) storetest.MessagingStore { return openFile(b) })
}
