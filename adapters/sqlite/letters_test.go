package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestLetters(t *testing.T) {
	storetest.RunLetters(t, func(t *testing.T) storetest.LetterStore { return open(t) })
}
