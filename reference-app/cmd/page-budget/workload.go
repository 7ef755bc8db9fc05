package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/specialed"
)

// post sends a body (JSON when it starts with "{", else a form) and
// returns the status, the body and a redirect's Location.
func (c client) post(path, body string) (int, []byte, string, error) {
	req, err := http.NewRequest(http.MethodPost, c.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Cookie", c.cookie)
	if strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, b, resp.Header.Get("Location"), err
}

// step is one action of the workload and what came of it.
type step struct {
	what   string
	status int
	note   string
}

// workload does through the app's own API and forms, as the personas,
// what a municipality does in its first month, so that the pages showing
// the results have something to show at the seeded size: every intake's
// allocation run and its approval (offers, decision letters), the
// school starters registered, the month's invoice run (invoices, fee
// decisions and their letters) and a credit note, a municipality event
// and a unit event, and a special-education case taken from the concern
// through consent, referral and PPT's assessment to the decision, with an
// attachment; the SFO intake's run is left a draft. Each step's status is returned; a step that is refused is
// reported, not fatal (the pages are measured with what there is).
func workload(ctx context.Context, s store, clients map[string]client, month string) ([]step, error) {
	var steps []step
	record := func(what string, status int, body []byte, want ...int) bool {
		ok := false
		for _, w := range want {
			ok = ok || status == w
		}
		st := step{what: what, status: status}
		if !ok {
			st.note = strings.TrimSpace(string(body))
			if len(st.note) > 200 {
				st.note = st.note[:200] + "…"
			}
		}
		steps = append(steps, st)
		return ok
	}
	cw := clients[demo.PersonaCaseworker]
	m := demo.Municipality

	// Admission: run and approve every intake that can be run now.
	intakes, err := s.Intakes(ctx, m)
	if err != nil {
		return nil, err
	}
	for _, in := range intakes {
		if in.Kind == domain.School {
			st, b, _, err := cw.post("/api/v1/school-starters", fmt.Sprintf(`{"intakeId":%q}`, in.ID))
			if err != nil {
				return nil, err
			}
			record("school starters of "+in.Name, st, b, http.StatusOK, http.StatusCreated)
			continue
		}
		st, b, _, err := cw.post("/api/v1/admission-runs", fmt.Sprintf(`{"intakeId":%q,"seed":1,"reason":"Målingen av sidene"}`, in.ID))
		if err != nil {
			return nil, err
		}
		if !record("allocation run of "+in.Name, st, b, http.StatusCreated) {
			continue
		}
		var run admission.Run
		if err := json.Unmarshal(b, &run); err != nil {
			return nil, fmt.Errorf("allocation run: %w", err)
		}
		if in.Kind == domain.SFO {
			continue // left a draft, so that its approval page is measured too
		}
		st, b, _, err = cw.post("/api/v1/admission-approvals", fmt.Sprintf(`{"runId":%q,"reason":"Målingen av sidene"}`, run.ID))
		if err != nil {
			return nil, err
		}
		record("approval of "+in.Name, st, b, http.StatusOK)
	}

	// Billing: the month's invoice run, previewed and approved, and a
	// credit note on its first invoice.
	st, b, _, err := cw.post("/api/v1/invoice-runs/preview", fmt.Sprintf(`{"month":%q}`, month))
	if err != nil {
		return nil, err
	}
	if record("invoice run preview "+month, st, b, http.StatusOK) {
		var p struct {
			Fingerprint string `json:"fingerprint"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("invoice run preview: %w", err)
		}
		st, b, _, err = cw.post("/api/v1/invoice-runs", fmt.Sprintf(`{"month":%q,"fingerprint":%q}`, month, p.Fingerprint))
		if err != nil {
			return nil, err
		}
		if record("invoice run "+month, st, b, http.StatusCreated) {
			var r struct {
				Invoices []struct {
					ID string `json:"id"`
				} `json:"invoices"`
			}
			if err := json.Unmarshal(b, &r); err != nil {
				return nil, fmt.Errorf("invoice run: %w", err)
			}
			if len(r.Invoices) > 0 {
				st, b, _, err = cw.post("/api/v1/invoices/"+url.PathEscape(r.Invoices[0].ID)+"/credit-notes", `{"whole":true,"reason":"Målingen av sidene"}`)
				if err != nil {
					return nil, err
				}
				record("credit note", st, b, http.StatusCreated)
			}
		}
	}

	// Calendar: an event for the whole municipality and one for a unit,
	// next month (the pages show what is ahead).
	day := nextMonth(month) + "-10"
	st, b, _, err = clients[demo.PersonaAdmin].post("/api/v1/events",
		fmt.Sprintf(`{"title":"Planleggingsdag","allDay":true,"startDay":%q,"endDay":%q}`, day, day))
	if err != nil {
		return nil, err
	}
	record("municipality event", st, b, http.StatusCreated)
	nordby, sofie, err := nordbyAndSofie(ctx, s)
	if err != nil {
		return nil, err
	}
	staff := clients[demo.PersonaStaff]
	st, b, _, err = staff.post("/api/v1/units/"+nordby.String()+"/events",
		fmt.Sprintf(`{"title":"Foreldremøte","allDay":true,"startDay":%q,"endDay":%q}`, day, day))
	if err != nil {
		return nil, err
	}
	record("unit event", st, b, http.StatusCreated)

	// Special education: the concern, consent, referral, assessment and
	// decision, and an attachment.
	st, b, casePath, err := staff.post("/special-education/new", url.Values{"child": {nordby.String() + "/" + sofie.String()},
		"concern": {"Sofie strever med lesing og trenger mer hjelp enn klassen gir."}}.Encode())
	if err != nil {
		return nil, err
	}
	if !record("special-education concern", st, b, http.StatusSeeOther) || !strings.HasPrefix(casePath, "/special-education/cases/") {
		return steps, nil
	}
	ppts, err := s.(specialed.Store).PPTs(ctx, m)
	if err != nil || len(ppts) == 0 {
		return nil, fmt.Errorf("the demo's PPT: %v", err)
	}
	assessment := url.Values{"step": {"assessment"}, "outcome": {"granted"}, "kind": {"individually-adapted-education"}, "teacher": {"5"}, "assistant": {"3"},
		"organisation": {"I liten gruppe og i klassen"}, "from": {month + "-01"}, "to": {fmt.Sprint(yearOf(month)+1) + "-06-19"},
		"text": {"Sofie har behov for individuelt tilrettelagt opplæring."}}
	decision := url.Values{}
	for k, v := range assessment {
		decision[k] = v
	}
	decision.Set("step", "decision")
	for _, p := range []struct {
		who, what string
		form      url.Values
	}{
		{demo.PersonaGuardian, "consent", url.Values{"step": {"consent"}}},
		{demo.PersonaStaff, "referral", url.Values{"step": {"referral"}, "ppt": {ppts[0].ID.String()}, "text": {"Henvist for sakkyndig vurdering av lesing."}}},
		{demo.PersonaPPT, "assessment", assessment},
		{demo.PersonaCaseworker, "decision", decision},
	} {
		st, b, _, err := clients[p.who].post(casePath+"/steps", p.form.Encode())
		if err != nil {
			return nil, err
		}
		if !record("special-education "+p.what, st, b, http.StatusSeeOther) {
			return steps, nil
		}
	}
	attachment, err := json.Marshal(map[string]any{"name": "lesekartlegging.txt", "mediaType": "text/plain", "content": []byte("Kartlegging av lesing, høsten.")})
	if err != nil {
		return nil, err
	}
	st, b, _, err = staff.post("/api/v1/special-education"+strings.TrimPrefix(casePath, "/special-education")+"/attachments", string(bytes.TrimSpace(attachment)))
	if err != nil {
		return nil, err
	}
	record("special-education attachment", st, b, http.StatusCreated)
	return steps, nil
}

// nordbyAndSofie are the staff persona's school and the guardian
// persona's child, Sofie Berg, who goes there.
func nordbyAndSofie(ctx context.Context, s store) (domain.UnitID, domain.ChildID, error) {
	units, err := s.Units(ctx, demo.Municipality)
	if err != nil {
		return domain.UnitID{}, domain.ChildID{}, err
	}
	var nordby domain.UnitID
	for _, u := range units {
		if u.Name == "Nordby skole" {
			nordby = u.ID
		}
	}
	children, err := s.Children(ctx, demo.Municipality)
	if err != nil {
		return domain.UnitID{}, domain.ChildID{}, err
	}
	for _, c := range children {
		if c.GivenName == "Sofie" && c.FamilyName == "Berg" {
			if nordby.IsZero() {
				break
			}
			return nordby, c.ID, nil
		}
	}
	return domain.UnitID{}, domain.ChildID{}, fmt.Errorf("the demo has no Nordby skole or no Sofie Berg")
}

// thisMonth is the clock's month, YYYY-MM: kindergartens and SFO are
// invoiced in advance, in the month itself.
func thisMonth(t time.Time) string { return t.Format("2006-01") }

func nextMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

func yearOf(month string) int {
	var y int
	_, _ = fmt.Sscanf(month, "%d-", &y)
	return y
}
