package server_test

import (
	"fmt"
	"testing"

	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/specialed"
)

// specialEdCases opens three cases about Sofie at Nordby skole, given to
// Kari Lærer (staff-nordby): one for the API's steps, one for the page's
// steps (both waiting for consent) and one decided (its letter).
func specialEdCases(t testing.TB, ta *webtest.Harness) (apiCase, pageCase, decided specialed.CaseID) {
	return ta.SpecialEdCase(t, false), ta.SpecialEdCase(t, false), ta.SpecialEdCase(t, true)
}

// attachmentForm and attachmentBody are the case page's upload form with
// one small file.
const (
	attachmentForm = "multipart/form-data; boundary=XyZ"
	attachmentBody = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notat.txt\"\r\nContent-Type: text/plain\r\n\r\nnotat\r\n--XyZ--\r\n"
)

// specialEdAuth is special education's part of the authorization table. A
// case is seen by the guardian with parental responsibility, the staff
// given it at the child's unit and the caseworker of the capability;
// everyone else — the § 47 parent, another guardian, staff of another
// unit, a caseworker of another municipality, the administrator — gets
// 404, not even the case's existence. Who may do what in a case they see
// is the rules': a step or document of another role is 403.
func specialEdAuth(ta *webtest.Harness, t testing.TB) map[string]authCase {
	form := "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	const ok, created, see, forbidden, missing = 200, 201, 303, 403, 404
	apiCase, pageCase, decided := specialEdCases(t, ta)
	seers := func(guardian, staff, caseworker int) [8]int {
		return [8]int{guardian, missing, missing, staff, missing, caseworker, missing, missing}
	}
	all := func(s int) [8]int { return [8]int{s, s, s, s, s, s, s, s} }
	onlyStaff := func(staff, other int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, staff, other, forbidden, forbidden, forbidden}
	}
	school := ta.NordbySkole(t).String()
	attachment := ta.SpecialEdAttachment(t, decided).String()
	api := "/api/v1/special-education"
	page := "/special-education"
	return map[string]authCase{
		"GET " + api + "/worklist": {path: api + "/worklist", want: all(ok)},
		"POST " + api + "/cases": {path: api + "/cases", contentType: "application/json",
			body: body(fmt.Sprintf(`{"childId":%q,"unitId":%q,"concern":"Bekymring."}`, ta.Sofie, school)), want: onlyStaff(created, forbidden)},
		"GET " + api + "/cases/{caseId}": {path: api + "/cases/" + decided.String(), want: seers(ok, ok, ok)},
		"POST " + api + "/cases/{caseId}/steps": {path: api + "/cases/" + apiCase.String() + "/steps", contentType: "application/json",
			body: body(`{"step":"consent"}`), want: seers(ok, forbidden, forbidden)},
		"POST " + api + "/cases/{caseId}/documents": {path: api + "/cases/" + apiCase.String() + "/documents", contentType: "application/json",
			body: body(`{"kind":"plan","title":"Plan","body":"Mål for året."}`), want: seers(forbidden, created, forbidden)},
		"GET " + api + "/cases/{caseId}/letter":     {path: api + "/cases/" + decided.String() + "/letter", want: seers(ok, ok, ok)},
		"GET " + api + "/cases/{caseId}/letter.pdf": {path: api + "/cases/" + decided.String() + "/letter.pdf", want: seers(ok, ok, ok)},
		// Attachments: everyone who sees the case lists, downloads and adds.
		"POST " + api + "/cases/{caseId}/attachments": {path: api + "/cases/" + apiCase.String() + "/attachments", contentType: "application/json",
			body: body(`{"name":"notat.txt","mediaType":"text/plain","content":"bm90YXQ="}`), want: seers(created, created, created)},
		"GET " + api + "/cases/{caseId}/attachments":                 {path: api + "/cases/" + decided.String() + "/attachments", want: seers(ok, ok, ok)},
		"GET " + api + "/cases/{caseId}/attachments/{attachmentId}":  {path: api + "/cases/" + decided.String() + "/attachments/" + attachment, want: seers(ok, ok, ok)},
		"GET " + page + "/cases/{caseId}/attachments/{attachmentId}": {path: page + "/cases/" + decided.String() + "/attachments/" + attachment, want: seers(ok, ok, ok)},
		"POST " + page + "/cases/{caseId}/attachments": {path: page + "/cases/" + pageCase.String() + "/attachments", contentType: attachmentForm,
			body: body(attachmentBody), want: seers(see, see, see)},
		"GET " + page:          {path: page, want: all(ok)},
		"GET " + page + "/new": {path: page + "/new", want: onlyStaff(ok, ok)},
		"POST " + page + "/new": {path: page + "/new", contentType: form,
			body: body("child=" + school + "/" + ta.Sofie.String() + "&concern=Bekymring"), want: onlyStaff(see, forbidden)},
		"GET " + page + "/cases/{caseId}": {path: page + "/cases/" + decided.String(), want: seers(ok, ok, ok)},
		"POST " + page + "/cases/{caseId}/steps": {path: page + "/cases/" + pageCase.String() + "/steps", contentType: form,
			body: body("step=consent"), want: seers(see, forbidden, forbidden)},
		"POST " + page + "/cases/{caseId}/documents": {path: page + "/cases/" + pageCase.String() + "/documents", contentType: form,
			body: body("kind=plan&title=Plan&body=M%C3%A5l"), want: seers(forbidden, see, forbidden)},
		"GET " + page + "/cases/{caseId}/letter":     {path: page + "/cases/" + decided.String() + "/letter", want: seers(ok, ok, ok)},
		"GET " + page + "/cases/{caseId}/letter.pdf": {path: page + "/cases/" + decided.String() + "/letter.pdf", want: seers(ok, ok, ok)},
	}
}
