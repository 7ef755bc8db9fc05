package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestChildrenByID(t *testing.T) {
	storetest.RunChildrenByID(t, func(t *testing.T) storetest.ChildrenStore { return open(t) })
}

func TestPlacedOn(t *testing.T) {
	storetest.RunPlacedOn(t, func(t *testing.T) storetest.ChildrenStore { return open(t) })
}

func TestChildrenPage(t *testing.T) {
	storetest.RunChildrenPage(t, func(t *testing.T) storetest.ChildrenStore { return open(t) })
}
