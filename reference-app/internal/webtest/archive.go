package webtest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// Archived returns the demo municipality's archive copies of decisions of
// kind ("admission-decision", web.ArchiveDecision's Kind): the outbox
// deliveries of medium messaging.Archive and kind "archive." + kind.
func (ta *Harness) Archived(t testing.TB, kind string) []messaging.Delivery {
	t.Helper()
	ds, err := ta.DB.Deliveries(t.Context(), demo.Municipality)
	require.NoError(t, err)
	var out []messaging.Delivery
	for _, d := range ds {
		if d.Medium == messaging.Archive && d.Kind == "archive."+kind {
			out = append(out, d)
		}
	}
	return out
}
