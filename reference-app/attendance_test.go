package main

import (
	"context"
	"time"

	"fmt"
	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// attendanceAuth has a line of the authorization table (access_test.go) for every
// attendance route. The child is Sofie Berg (Nordby skole and Nordby SFO);
// the table's routes run in order of their patterns, so the API's check-in
// (at 09:00) comes before its check-out (10:00), and the board's forms (at
// noon) after both.
func attendanceAuth(ta *testApp) map[string]authCase {
	sofie := ta.sofie.String()
	form := "application/x-www-form-urlencoded"
	body := func(f func(actor string) string) func(string) string { return f }
	const ok, created, noContent, see, forbidden, missing = 200, 201, 204, 303, 403, 404
	ctx := context.Background()
	pickups, err := ta.store.Pickups(ctx, demoMunicipality, ta.sofie)
	if err != nil || len(pickups) != 2 {
		panic(fmt.Sprintf("the seed has Sofie's pickup list: %v %d", err, len(pickups)))
	}
	// Two absences to withdraw, one by the API, one by the form.
	withdraw := func(day int) string {
		ab := attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: demoMunicipality, ChildID: ta.sofie,
			Period: domain.Period{Start: date.New(2025, time.December, day), End: date.New(2025, time.December, day)}, Reason: attendance.Leave,
			ReportedBy: "test", ReportedAt: testNow}
		if err := ta.store.AddAbsence(ctx, ab); err != nil {
			panic(err)
		}
		return ab.ID.String()
	}
	apiAbsence, formAbsence := withdraw(22), withdraw(23)
	// Staff may act for the child; the guardian only on her own.
	staffOnly := [8]int{forbidden, forbidden, forbidden, created, forbidden, forbidden, missing, forbidden}
	careWrite := [8]int{created, forbidden, forbidden, created, forbidden, forbidden, missing, forbidden}
	return map[string]authCase{
		"POST /api/v1/children/{childId}/check-in": {path: "/api/v1/children/" + sofie + "/check-in", contentType: "application/json",
			body: body(func(a string) string { return fmt.Sprintf(`{"key":"in-%s","at":"2025-11-24T09:00:00+01:00"}`, a) }), want: staffOnly},
		"POST /api/v1/children/{childId}/check-out": {path: "/api/v1/children/" + sofie + "/check-out", contentType: "application/json",
			body: body(func(a string) string {
				return fmt.Sprintf(`{"key":"out-%s","at":"2025-11-24T10:00:00+01:00","collector":{"name":"Gunn Berg"}}`, a)
			}), want: staffOnly},
		"GET /api/v1/units/{unitId}/occupancy":          {path: "/api/v1/units/" + ta.nordbySFO.String() + "/occupancy", want: [8]int{forbidden, forbidden, forbidden, ok, forbidden, ok, missing, ok}},
		"POST /api/v1/children/{childId}/absences/sick": {path: "/api/v1/children/" + sofie + "/absences/sick", contentType: "application/json", body: body(func(string) string { return "{}" }), want: careWrite},
		"POST /api/v1/children/{childId}/absences": {path: "/api/v1/children/" + sofie + "/absences", contentType: "application/json",
			body: body(func(a string) string {
				day := map[string]int{personaGuardian: 1, personaStaff: 8}[a] + 1
				return fmt.Sprintf(`{"start":"2025-12-%02d","end":"2025-12-%02d","reason":"leave"}`, day, day+1)
			}), want: careWrite},
		"GET /api/v1/children/{childId}/absences":                {path: "/api/v1/children/" + sofie + "/absences", want: [8]int{ok, forbidden, forbidden, ok, forbidden, forbidden, missing, forbidden}},
		"DELETE /api/v1/children/{childId}/absences/{absenceId}": {path: "/api/v1/children/" + sofie + "/absences/" + apiAbsence, want: [8]int{noContent, forbidden, forbidden, missing, forbidden, forbidden, missing, forbidden}},
		"GET /api/v1/children/{childId}/pickups":                 {path: "/api/v1/children/" + sofie + "/pickups", want: [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}},
		"POST /api/v1/children/{childId}/pickups": {path: "/api/v1/children/" + sofie + "/pickups", contentType: "application/json",
			body: body(func(string) string { return `{"name":"Ola Berg","relation":"morfar","phone":"+47 912 34 567"}` }),
			want: [8]int{created, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"DELETE /api/v1/children/{childId}/pickups/{pickupId}": {path: "/api/v1/children/" + sofie + "/pickups/" + pickups[1].ID.String(), want: [8]int{noContent, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"POST /api/v1/children/{childId}/school-absences": {path: "/api/v1/children/" + sofie + "/school-absences", contentType: "application/json",
			body: body(func(string) string { return `{"day":"2025-11-21","hours":2,"kind":"documented","reason":"health"}` }), want: staffOnly},
		"GET /staff/attendance":                      {path: "/staff/attendance", want: [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}},
		"POST /staff/attendance/{childId}/check-in":  {path: "/staff/attendance/" + sofie + "/check-in", contentType: form, body: body(func(a string) string { return "key=form-in-" + a }), want: [8]int{forbidden, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"POST /staff/attendance/{childId}/check-out": {path: "/staff/attendance/" + sofie + "/check-out", contentType: form, body: body(func(a string) string { return "key=form-out-" + a + "&collector=&collectorName=Ukjent" }), want: [8]int{forbidden, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"GET /guardian/attendance":                   {path: "/guardian/attendance", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"POST /guardian/attendance/{childId}/sick":   {path: "/guardian/attendance/" + sofie + "/sick", contentType: form, want: [8]int{see, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/absences": {path: "/guardian/attendance/" + sofie + "/absences", contentType: form,
			body: body(func(a string) string {
				day := map[string]int{personaGuardian: 1, personaStaff: 8}[a] + 10
				return fmt.Sprintf("start=2025-12-%02d&end=2025-12-%02d&reason=holiday", day, day)
			}), want: [8]int{see, forbidden, forbidden, see, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/absences/{absenceId}/withdraw": {path: "/guardian/attendance/" + sofie + "/absences/" + formAbsence + "/withdraw", contentType: form, want: [8]int{see, forbidden, forbidden, missing, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/pickups": {path: "/guardian/attendance/" + sofie + "/pickups", contentType: form,
			body: body(func(string) string { return "name=Kari+Berg&relation=tante&phone=&validUntil=" }), want: [8]int{see, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
		"POST /guardian/attendance/{childId}/pickups/{pickupId}/remove": {path: "/guardian/attendance/" + sofie + "/pickups/" + pickups[0].ID.String() + "/remove", contentType: form, want: [8]int{see, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}},
	}
}
