package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestSpecialEd(t *testing.T) {
	storetest.RunSpecialEd(t, func(t *testing.T) storetest.SpecialEdStore { return open(t) })
}
