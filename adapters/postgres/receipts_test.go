package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresReceipts(t *testing.T) {
	storetest.RunReceipts(t, func(t *testing.T) storetest.ReceiptStore { return newTestStore(t) })
}
