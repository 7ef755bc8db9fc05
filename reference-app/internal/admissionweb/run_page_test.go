package admissionweb_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// loginID is a login ID as the demo and tests make them.
var loginID = regexp.MustCompile(`(saksbehandler|admin|ansatt)-[0-9a-z]+`)

// The run page speaks plainly in every language and names people, never
// their login IDs: a run made by an actor without a display name shows the
// role.
func TestRunPageInPlainLanguage(t *testing.T) {
	ta := webtest.New(t)
	f := webtest.NewAdmissionFixture(ta)
	ctx := context.Background()
	nameless := domain.CaseworkerActor(demo.Municipality, "saksbehandler-9")
	run, err := ta.App.Admission().RunWithReason(ctx, nameless, f.Main, 11, "test: a run by someone without a display name")
	require.NoError(t, err)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	for _, id := range []string{f.Draft1.String(), run.ID.String()} {
		for lang, want := range map[string][]string{
			"nb": {"Loddtrekningsnummer", "Barn forbigått av et barn med lavere prioritet", "Samme tall og samme søknader"},
			"nn": {"Loddtrekningsnummer", "Barn forbigått av eit barn med lågare prioritet"},
			"en": {"Lottery number", "Children passed over by a child with lower priority", "The same number and the same applications"},
		} {
			page := ta.Do(t, cw+"; "+web.LangCookie+"="+lang, "GET", "/admission/runs/"+id, "", "")
			require.Equal(t, 200, page.Status)
			for _, w := range want {
				assert.Contains(t, page.Body, w, "%s in %s", id, lang)
			}
			for _, jargon := range []string{"misunnelse", "misunning", "frø", "Frøet", "envy", "seed"} {
				assert.NotContains(t, page.Body, jargon, "%s in %s", id, lang)
			}
			assert.NotRegexp(t, loginID, page.Body, "%s in %s", id, lang)
		}
	}
	nb := ta.Do(t, cw, "GET", "/admission/runs/"+run.ID.String(), "", "")
	assert.Contains(t, nb.Body, "(en saksbehandler)", "the role stands in for a missing name")
	named := ta.Do(t, cw, "GET", "/admission/runs/"+f.Draft1.String(), "", "")
	assert.Contains(t, named.Body, "(Siri Saksbehandler)")
	intake := ta.Do(t, cw, "GET", "/admission/intakes/"+f.Main.String(), "", "")
	require.Equal(t, 200, intake.Status)
	assert.NotRegexp(t, loginID, intake.Body, "the intake's list of runs")
}
