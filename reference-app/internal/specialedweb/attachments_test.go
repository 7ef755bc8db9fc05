package specialedweb_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/specialedweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/specialed"
)

// multipartFile is the case page's upload form with one file.
func multipartFile(t *testing.T, name, mediaType string, content []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", mediaType)
	fw, err := w.CreatePart(h)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return w.FormDataContentType(), b.String()
}

func attachmentJSON(name, mediaType string, content []byte) string {
	b, _ := json.Marshal(map[string]string{"name": name, "mediaType": mediaType, "content": base64.StdEncoding.EncodeToString(content)})
	return string(b)
}

func listAttachments(t *testing.T, ta *webtest.Harness, who, base string) []specialed.Attachment {
	t.Helper()
	r := ta.Do(t, ta.CookieFor(t, who), "GET", base+"/attachments", "", "")
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	var as []specialed.Attachment
	require.NoError(t, json.Unmarshal([]byte(r.Body), &as))
	return as
}

// Attachments through the API and the page: staff upload a file as JSON,
// the guardian one through the case page's form; both are listed with
// their metadata, download byte for byte with their media type, a safe
// Content-Disposition and nosniff, and every list and download is
// logged as a read. Those who may not see the case get 404 on all of it.
func TestAttachments(t *testing.T) {
	ta := webtest.New(t)
	id := ta.SpecialEdCase(t, false)
	api := "/api/v1/special-education/cases/" + id.String()
	page := "/special-education/cases/" + id.String()

	pdf := []byte("%PDF-1.7\n\x00\x01\x02 binary\xff\xfe")
	r := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "POST", api+"/attachments", "application/json", attachmentJSON("Kartlegging lesing.pdf", "application/pdf", pdf))
	require.Equal(t, http.StatusCreated, r.Status, r.Body)
	var created specialed.Attachment
	require.NoError(t, json.Unmarshal([]byte(r.Body), &created))
	assert.Equal(t, "Kartlegging lesing.pdf", created.Name)
	assert.Equal(t, "application/pdf", created.MediaType)
	assert.Equal(t, len(pdf), created.Size)
	assert.NotContains(t, r.Body, "content", "the answer is the metadata only")

	// A retry with the same Idempotency-Key, of a file larger than an
	// ordinary body, gets the first answer and stores nothing twice.
	big := bytes.Repeat([]byte("lesing "), 20000)
	first := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "POST", api+"/attachments", "application/json", attachmentJSON("Stor.txt", "text/plain", big), "Idempotency-Key", "vedlegg-1")
	require.Equal(t, http.StatusCreated, first.Status, first.Body)
	again := ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "POST", api+"/attachments", "application/json", attachmentJSON("Stor.txt", "text/plain", big), "Idempotency-Key", "vedlegg-1")
	require.Equal(t, http.StatusCreated, again.Status)
	assert.Equal(t, first.Body, again.Body)
	assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	var bigAt specialed.Attachment
	require.NoError(t, json.Unmarshal([]byte(first.Body), &bigAt))
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", api+"/attachments/"+bigAt.ID.String(), "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, string(big), r.Body)

	// The guardian's upload through the form, a name with æøå.
	note := []byte("Notat fra helsestasjonen.\n")
	ct, body := multipartFile(t, "Helsestasjon æøå.txt", "text/plain", note)
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "POST", page+"/attachments", ct, body)
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	assert.Equal(t, page+"?saved=1", r.Header.Get("Location"))
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", page+"?saved=1", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "Lagret.")
	assert.Contains(t, r.Body, "Kartlegging lesing.pdf")
	assert.Contains(t, r.Body, "Helsestasjon æøå.txt")
	assert.Contains(t, r.Body, `enctype="multipart/form-data"`)
	assert.Contains(t, r.Body, `<label class="ds-label" for="attachment-file">`)
	assert.Contains(t, r.Body, `href="`+page+`/attachments/`+created.ID.String()+`"`)

	for _, who := range []string{demo.PersonaGuardian, demo.PersonaStaff, demo.PersonaCaseworker} {
		as := listAttachments(t, ta, who, api)
		require.Len(t, as, 3, who)
		names := []string{as[0].Name, as[1].Name, as[2].Name}
		assert.ElementsMatch(t, []string{"Kartlegging lesing.pdf", "Stor.txt", "Helsestasjon æøå.txt"}, names, who)
	}
	as := listAttachments(t, ta, demo.PersonaStaff, api)
	var noteID specialed.AttachmentID
	for _, a := range as {
		if a.Name == "Helsestasjon æøå.txt" {
			noteID = a.ID
			assert.Equal(t, "text/plain", a.MediaType)
			assert.Equal(t, specialed.RoleGuardian, specialed.Role(a.By.Role))
		}
	}
	require.False(t, noteID.IsZero())

	// Downloads: the bytes, the media type, the disposition, nosniff; and
	// each read is logged.
	reads := len(ta.AuditedAs(t, specialed.AuditRead))
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", api+"/attachments/"+created.ID.String(), "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, string(pdf), r.Body)
	assert.Equal(t, "application/pdf", r.Header.Get("Content-Type"))
	assert.Equal(t, `attachment; filename="Kartlegging lesing.pdf"`, r.Header.Get("Content-Disposition"))
	assert.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, reads+1, len(ta.AuditedAs(t, specialed.AuditRead)), "the download is logged")
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET", page+"/attachments/"+noteID.String(), "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, string(note), r.Body)
	assert.Equal(t, "attachment; filename*=utf-8''Helsestasjon%20%C3%A6%C3%B8%C3%A5.txt", r.Header.Get("Content-Disposition"))
	listAttachments(t, ta, demo.PersonaGuardian, api)
	assert.Equal(t, reads+3, len(ta.AuditedAs(t, specialed.AuditRead)), "the list is logged")
	// Another case's path does not reach the attachment.
	other := ta.SpecialEdCase(t, false)
	assert.Equal(t, http.StatusNotFound, ta.Do(t, ta.CookieFor(t, demo.PersonaStaff), "GET",
		"/api/v1/special-education/cases/"+other.String()+"/attachments/"+created.ID.String(), "", "").Status)

	// Outsiders: the § 47 parent, staff of another unit, the neighbour
	// municipality's caseworker.
	for _, who := range []string{demo.PersonaOtherParent, demo.PersonaOtherStaff, demo.PersonaOtherMunicipality} {
		cookie := ta.CookieFor(t, who)
		for _, p := range []string{api + "/attachments", api + "/attachments/" + created.ID.String(), page + "/attachments/" + created.ID.String()} {
			r := ta.Do(t, cookie, "GET", p, "", "")
			assert.Equal(t, http.StatusNotFound, r.Status, "%s %s", who, p)
			assert.NotContains(t, r.Body, "Kartlegging")
		}
		assert.Equal(t, http.StatusNotFound, ta.Do(t, cookie, "POST", api+"/attachments", "application/json", attachmentJSON("x.txt", "text/plain", []byte("x"))).Status, who)
		ct, body := multipartFile(t, "x.txt", "text/plain", []byte("x"))
		assert.Equal(t, http.StatusNotFound, ta.Do(t, cookie, "POST", page+"/attachments", ct, body).Status, who)
	}
	assert.Len(t, listAttachments(t, ta, demo.PersonaStaff, api), 3, "the outsiders stored nothing")
}

// Refused uploads store nothing: a file larger than the library keeps
// (through the API and the form, where the page comes back with the error
// in the user's language), a name with a control character, a blank name,
// a media type that is none.
func TestAttachmentRefused(t *testing.T) {
	ta := webtest.New(t)
	id := ta.SpecialEdCase(t, false)
	api := "/api/v1/special-education/cases/" + id.String()
	page := "/special-education/cases/" + id.String()
	staff := ta.CookieFor(t, demo.PersonaStaff)
	tooLarge := bytes.Repeat([]byte{'a'}, specialed.MaxAttachment+1)

	problem := func(r webtest.Response) (string, string) {
		t.Helper()
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, webtest.Truncate(r.Body, 400))
		var p struct {
			Errors []struct{ Field, Reason string }
		}
		require.NoError(t, json.Unmarshal([]byte(r.Body), &p))
		require.NotEmpty(t, p.Errors)
		return p.Errors[0].Field, p.Errors[0].Reason
	}
	f, reason := problem(ta.Do(t, staff, "POST", api+"/attachments", "application/json", attachmentJSON("stor.bin", "application/octet-stream", tooLarge)))
	assert.Equal(t, "content", f)
	assert.Equal(t, specialed.ReasonTooLarge, reason)
	f, reason = problem(ta.Do(t, staff, "POST", api+"/attachments", "application/json", attachmentJSON("navn\u0007.txt", "text/plain", []byte("x"))))
	assert.Equal(t, "name", f)
	assert.NotEmpty(t, reason)
	f, reason = problem(ta.Do(t, staff, "POST", api+"/attachments", "application/json", attachmentJSON(" ", "text/plain", []byte("x"))))
	assert.Equal(t, "name", f)
	assert.Equal(t, specialed.ReasonRequired, reason)
	f, reason = problem(ta.Do(t, staff, "POST", api+"/attachments", "application/json", attachmentJSON(strings.Repeat("n", 201), "text/plain", []byte("x"))))
	assert.Equal(t, "name", f)
	assert.Equal(t, specialed.ReasonTooLong, reason)
	f, reason = problem(ta.Do(t, staff, "POST", api+"/attachments", "application/json", attachmentJSON("a.txt", "not a type", []byte("x"))))
	assert.Equal(t, "mediaType", f)
	assert.Equal(t, "specialedweb-not-a-media-type", reason)
	// A body far beyond the largest file is not read.
	huge := `{"name":"a","mediaType":"text/plain","content":"` + strings.Repeat("QUFB", specialed.MaxAttachment/2) + `"}`
	assert.Equal(t, http.StatusRequestEntityTooLarge, ta.Do(t, staff, "POST", api+"/attachments", "application/json", huge).Status)

	// The form, in nn and en: the page with the error at the file input.
	for lang, want := range map[string]string{"nn": "Fil: ", "en": "File: "} {
		cookie := staff + "; " + web.LangCookie + "=" + lang
		ct, body := multipartFile(t, "stor.bin", "application/octet-stream", tooLarge)
		r := ta.Do(t, cookie, "POST", page+"/attachments", ct, body)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status)
		assert.Contains(t, r.Body, want, lang)
		assert.Contains(t, r.Body, `name="file" type="file" required aria-invalid="true"`)
	}
	// A raw control character in the part's header is refused by the form
	// reader (400); a name too long comes back at its field.
	ct, body := multipartFile(t, "navn\x01.txt", "text/plain", []byte("x"))
	assert.Equal(t, http.StatusBadRequest, ta.Do(t, staff, "POST", page+"/attachments", ct, body).Status)
	ct, body = multipartFile(t, strings.Repeat("n", 201), "text/plain", []byte("x"))
	r := ta.Do(t, staff, "POST", page+"/attachments", ct, body)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "Filnavn: ")

	// No file at all: one problem, at the file.
	r = ta.Do(t, staff, "POST", page+"/attachments", "application/x-www-form-urlencoded", "")
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "<li>Fil: ")
	assert.NotContains(t, r.Body, "Filnavn: ")

	s, err := specialedweb.Service(ta.App)
	require.NoError(t, err)
	as, err := s.Attachments(t.Context(), ta.Personas[demo.PersonaStaff].Actor, id)
	require.NoError(t, err)
	assert.Empty(t, as, "nothing refused was stored")
}
