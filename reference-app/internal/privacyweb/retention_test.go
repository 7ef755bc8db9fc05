package privacyweb_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The app's daily job runs every rule in every municipality served, on the
// demo data, with a municipality's own periods from -retention; a file
// that shortens the bookkeeping period is refused at start.
func TestRetentionJob(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"`+string(demo.Municipality)+`": {"periods": {"attendance-checks": {"months": 6}}}}`), 0o600))
	settings, err := web.LoadRetentionSettings(good)
	require.NoError(t, err)
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"0301": {"periods": {"invoices": {"years": 2}}}}`), 0o600))
	_, err = web.LoadRetentionSettings(bad)
	assert.ErrorContains(t, err, "periods.invoices")

	ta := webtest.New(t)
	ta.App.RetentionSettings = settings
	res := ta.App.Retain(t.Context())
	require.Len(t, res, len(ta.App.Municipalities))
	for m, rs := range res {
		assert.Len(t, rs, len(domain.RecordKinds()), "every rule ran in %s", m)
		for _, r := range rs {
			if r.Rule == "attendance-checks" && m == demo.Municipality {
				assert.Equal(t, domain.Today(ta.App.Clock).AddDate(0, -6, 0), r.Cutoff)
			}
		}
	}
	// The demo's children still have their places; none is anonymised.
	c, err := ta.Store.Child(t.Context(), demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	assert.Equal(t, "Sofie", c.GivenName)
}
