package server_test

import "github.com/oppvekst/oppvekst/reference-app/internal/webtest"

// reportsAuth: the reports to the state (reportsweb.PolicyReports) are the
// municipality's caseworkers' and administrators'; the user of another
// municipality gets its own municipality's figures.
func reportsAuth(ta *webtest.Harness) map[string]authCase {
	const ok, forbidden, invalid = 200, 403, 422
	municipal := func(s int) [8]int { return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, s, s} }
	return map[string]authCase{
		"GET /api/v1/reports/basil":     {path: "/api/v1/reports/basil?year=2025", want: municipal(ok)},
		"GET /api/v1/reports/basil.csv": {path: "/api/v1/reports/basil.csv?year=2025", want: municipal(ok)},
		"GET /api/v1/reports/gsi":       {path: "/api/v1/reports/gsi?year=2025", want: municipal(ok)},
		"GET /api/v1/reports/gsi.csv":   {path: "/api/v1/reports/gsi.csv?year=25", want: municipal(invalid)},
		"GET /api/v1/reports/nav":       {path: "/api/v1/reports/nav?month=2025-11", want: municipal(ok)},
		"GET /api/v1/reports/nav.csv":   {path: "/api/v1/reports/nav.csv?month=2025-11", want: municipal(ok)},
		"GET /reports":                  {path: "/reports?year=2025", want: municipal(ok)},
		"GET /reports/children":         {path: "/reports/children?report=basil&year=2025&cell=children", want: municipal(ok)},
	}
}
