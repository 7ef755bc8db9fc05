package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresSpecialEd(t *testing.T) {
	storetest.RunSpecialEd(t, func(t *testing.T) storetest.SpecialEdStore { return newTestStore(t) })
}
