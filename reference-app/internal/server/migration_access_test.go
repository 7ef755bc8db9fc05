package server_test

import (
	"net/url"

	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// migrationAuth has a line of the authorization table (access_test.go) for
// each route of the migration import: a caseworker of the directory and
// the municipal administrator, each in their own municipality. The calls
// are dry runs, so the table leaves the demo data as it was.
func migrationAuth(ta *webtest.Harness) map[string]authCase {
	const ok, forbidden = 200, 403
	municipal := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}
	units := "name;kind\r\nNy skole;school\r\n"
	body := func(s string) func(string) string { return func(string) string { return s } }
	return map[string]authCase{
		"POST /api/v1/migration/import": {path: "/api/v1/migration/import?dryRun=true&kind=units", contentType: "text/csv", body: body(units), want: municipal},
		"GET /caseworker/import":        {path: "/caseworker/import", want: municipal},
		"POST /caseworker/import": {path: "/caseworker/import", contentType: "application/x-www-form-urlencoded",
			body: body(url.Values{"csvName": {"units.csv"}, "csv": {units}, "action": {"dryrun"}}.Encode()), want: municipal},
	}
}
