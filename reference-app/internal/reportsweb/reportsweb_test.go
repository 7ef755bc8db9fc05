package reportsweb_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/reports"
)

// The caseworker's reports: the JSON, the page (a child's name behind a
// cell, linked to the child) and the CSV agree, and every view is audited
// with the children behind it.
func TestCaseworkerReports(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)

	res := ta.Do(t, cw, "GET", "/api/v1/reports/basil?year=2025", "", "")
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	var rep reports.BASILReport
	require.NoError(t, json.Unmarshal([]byte(res.Body), &rep))
	require.NotEmpty(t, rep.Units)
	var child domain.ChildID
	total := 0
	for _, u := range rep.Units {
		total += u.Children.Count
		if child.IsZero() && u.Children.Count > 0 {
			child = u.Children.Children[0]
		}
	}
	require.False(t, child.IsZero(), "the demo has kindergarten children on 15 December")
	c, err := ta.Store.Child(t.Context(), demo.Municipality, child)
	require.NoError(t, err)

	page := ta.Do(t, cw, "GET", "/reports?year=2025", "", "", "Accept-Language", "nb")
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, `href="/children/`+child.String()+`"`)
	if !c.AddressProtection.Strict() {
		assert.Contains(t, page.Body, c.GivenName+" "+c.FamilyName)
	}
	assert.Contains(t, page.Body, "/api/v1/reports/basil.csv?year=2025")

	file := ta.Do(t, cw, "GET", "/api/v1/reports/basil.csv?year=2025", "", "")
	require.Equal(t, http.StatusOK, file.Status)
	assert.Contains(t, file.Header.Get("Content-Type"), "text/csv")
	rows, err := csv.NewReader(strings.NewReader(file.Body)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, reports.BASILColumns, rows[0])
	sum := 0
	for _, r := range rows[1:] {
		if r[3] == "children" {
			n := 0
			for _, d := range r[6] {
				n = n*10 + int(d-'0')
			}
			sum += n
		}
	}
	assert.Equal(t, total, sum, "the CSV's children rows add up to the JSON's")
	assert.NotEmpty(t, ta.AuditedAs(t, "reports.basil"))

	nav := ta.Do(t, cw, "GET", "/api/v1/reports/nav?month=2025-11", "", "")
	require.Equal(t, http.StatusOK, nav.Status, nav.Body)
	var l reports.NAVList
	require.NoError(t, json.Unmarshal([]byte(nav.Body), &l))
	assert.NotEmpty(t, l.Entries)

	staff := ta.CookieFor(t, demo.PersonaStaff)
	assert.Equal(t, http.StatusForbidden, ta.Do(t, staff, "GET", "/api/v1/reports/gsi?year=2025", "", "").Status)
}
