package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresChildrenByID(t *testing.T) {
	storetest.RunChildrenByID(t, func(t *testing.T) storetest.ChildrenStore { return newTestStore(t) })
}

func TestPlacedOn(t *testing.T) {
	storetest.RunPlacedOn(t, func(t *testing.T) storetest.ChildrenStore { return newTestStore(t) })
}

func TestPostgresChildrenPage(t *testing.T) {
	storetest.RunChildrenPage(t, func(t *testing.T) storetest.ChildrenStore { return newTestStore(t) })
}
