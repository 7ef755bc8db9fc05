package messagingweb_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// Hilde Berg writes about Emil, who has no place yet: the page tells her
// whom to contact instead, and her subject and text are still in the form.
func TestMessageAboutAChildWithoutAPlacement(t *testing.T) {
	ta := webtest.New(t)
	f := webtest.NewAdmissionFixture(ta)
	hilde := ta.CookieFor(t, demo.PersonaGuardian)
	body := "Emil <er> allergisk mot nøtter.\nHvem skal vi si fra til?"
	form := url.Values{"child": {f.Emil.String()}, "subject": {"Allergi & mat"}, "body": {body}}.Encode()
	resp := ta.Do(t, hilde, "POST", "/messages", formType, form)
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "Meldingen ble ikke sendt")
	assert.Contains(t, resp.Body, "Emil har ingen plass")
	assert.Contains(t, resp.Body, "opptakskontoret i Demo kommune")
	assert.Contains(t, resp.Body, `value="Allergi &amp; mat"`, "the subject is kept")
	assert.Contains(t, resp.Body, "Emil &lt;er&gt; allergisk mot nøtter.\nHvem skal vi si fra til?</textarea>", "the text is kept")
	assert.Contains(t, resp.Body, `value="`+f.Emil.String()+`" selected`, "the child stays chosen")
	assert.Empty(t, ta.AuditedAs(t, "message.post"), "nothing was sent")

	// Sofie has a place: the message goes to her school.
	ok := ta.Do(t, hilde, "POST", "/messages", formType, url.Values{"child": {ta.Sofie.String()}, "subject": {"Hei"}, "body": {"Hei"}}.Encode())
	assert.Equal(t, 303, ok.Status, ok.Body)

	// Nora's offer accepted: her place starts in August, and until then
	// her mother is told the kindergarten and the day.
	acc := ta.Do(t, hilde, "POST", "/children/"+f.Nora.String()+"/offers/"+f.Offers[1].String()+"/accept", formType, "")
	require.Equal(t, 303, acc.Status, acc.Body)
	nora := ta.Do(t, hilde, "POST", "/messages", formType, url.Values{"child": {f.Nora.String()}, "subject": {"Tilvenning"}, "body": {"Når kan vi komme på besøk?"}}.Encode())
	require.Equal(t, 422, nora.Status, nora.Body)
	assert.Regexp(t, `Nora har ikke begynt ennå\. Bjørkelia barnehage kan svare fra \d+\. august \d{4}`, nora.Body)
	assert.Contains(t, nora.Body, "Når kan vi komme på besøk?</textarea>")

	// Another guardian's child is still refused outright.
	other := ta.Do(t, ta.CookieFor(t, demo.PersonaOtherGuardian), "POST", "/messages", formType, form)
	assert.Equal(t, 403, other.Status)
}
