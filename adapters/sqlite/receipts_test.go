package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestReceipts(t *testing.T) {
	storetest.RunReceipts(t, func(t *testing.T) storetest.ReceiptStore { return open(t) })
}
