package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresLetters(t *testing.T) {
	storetest.RunLetters(t, func(t *testing.T) storetest.LetterStore { return newTestStore(t) })
}
