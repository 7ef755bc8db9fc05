package attendanceweb

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// School absence for school staff: the pupils of the schools the employee
// works at, a pupil's absence this school year with a form to record more,
// and for the grades on the leaving certificate the year's summary in days
// and hours (attendance.Service.YearSummary). The rule is the
// municipality's (attendance.SchoolRule); the page says where it comes
// from.

// schoolContent is the school absence page.
type schoolContent struct {
	L      web.Locale
	Pupils []schoolPupil
	Pupil  *schoolPupil
	// Schools: the employee works at more than one school, so the list
	// names the school of each pupil.
	Schools bool
	Today   string
	Year    string
	Rows    []schoolRow
	Summary *attendance.Summary
	// SummaryNote says why there is no summary (grades outside the
	// certificate).
	SummaryNote string
	Kinds       []collectorOption
	Error       string
	// ErrorFor is the id of the input the error is about ("" for none).
	ErrorFor string
	Notice   string
	// Typed is what the form held when it was refused.
	Typed url.Values
}

// schoolInputs are the form's inputs by the field a refusal names.
var schoolInputs = map[string]string{"day": "day", "unitId": "day", "hours": "hours", "kind": "what", "reason": "note"}

type schoolPupil struct {
	ID         domain.ChildID
	Name, Unit string
	Selected   bool
}

type schoolRow struct {
	Day, Amount, Kind, Reason string
}

// schoolForms are the choices of the form's "what" field: each is a kind
// and, for a documented absence, its reason.
var schoolForms = []struct {
	Value  string
	Kind   attendance.SchoolKind
	Reason string
}{
	{"health", attendance.Documented, attendance.ReasonHealth},
	{"guardian", attendance.Documented, attendance.ReasonGuardianReported},
	{"permission", attendance.Permission, ""},
	{"undocumented", attendance.Undocumented, ""},
}

func (a *app) schoolPupils(ctx context.Context, c *web.Call) ([]schoolPupil, error) {
	var out []schoolPupil
	var ids []domain.ChildID
	for _, u := range c.Actor.Units {
		v, err := a.Roster(ctx, c.Actor.Municipality, u)
		if err != nil {
			return nil, err
		}
		if v.Unit.Kind != domain.School {
			continue
		}
		for _, g := range v.Groups {
			for _, ch := range g.Children {
				name := ch.GivenName + " " + ch.FamilyName
				if g.Name != "" {
					name += " (" + g.Name + ")"
				}
				out = append(out, schoolPupil{ID: ch.ID, Name: name, Unit: v.Unit.Name})
				ids = append(ids, ch.ID)
			}
		}
	}
	if len(ids) > 0 {
		if err := a.Audit(ctx, c.Actor, "roster.read", "school-absence", ids...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (a *app) schoolAbsencePage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	today := domain.Today(a.Clock)
	year := domain.SchoolYearOf(today)
	content := schoolContent{L: c.Lang, Today: today.String(), Year: year.String()}
	lang := attendance.Lang(c.Lang.Code)
	for _, f := range schoolForms {
		content.Kinds = append(content.Kinds, collectorOption{Value: f.Value, Label: c.Lang.T("attendance.school.what." + f.Value)})
	}
	pupils, err := a.schoolPupils(ctx, c)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	for i := range pupils {
		if pupils[i].ID.String() == q.Get("child") {
			pupils[i].Selected = true
			content.Pupil = &pupils[i]
		}
	}
	content.Pupils = pupils
	for _, p := range pupils {
		content.Schools = content.Schools || p.Unit != pupils[0].Unit
	}
	if content.Pupil != nil {
		child := content.Pupil.ID
		list, err := a.Attendance().SchoolAbsences(ctx, c.Actor, child, year.Period())
		if err != nil {
			return err
		}
		for _, ab := range list {
			row := schoolRow{Day: c.Lang.Date(ab.Day), Kind: ab.Kind.Text(lang), Reason: ab.Reason}
			if ab.WholeDay() {
				row.Amount = c.Lang.T("attendance.school.wholeDay")
			} else {
				row.Amount = c.Lang.T("attendance.school.hoursN", ab.Hours)
			}
			switch ab.Reason {
			case attendance.ReasonHealth, attendance.ReasonGuardianReported:
				row.Reason = c.Lang.T("attendance.school.reason." + ab.Reason)
			}
			content.Rows = append(content.Rows, row)
		}
		sm, err := a.Attendance().YearSummary(ctx, c.Actor, child, year)
		var ve *domain.ValidationError
		switch {
		case err == nil:
			content.Summary = &sm
		case errors.As(err, &ve):
			content.SummaryNote = c.Lang.T("attendance.school.noSummary")
		default:
			return err
		}
		if err := a.Audit(ctx, c.Actor, "attendance.school-absence.read", "", child); err != nil {
			return err
		}
		if field := q.Get("error"); field != "" {
			content.Error = schoolRefusal(c.Lang, field)
			content.ErrorFor = schoolInputs[field]
			content.Typed = q
		}
		if q.Get("done") == "1" {
			content.Notice = c.Lang.T("attendance.school.recorded", content.Pupil.Name)
		}
	}
	a.Page(w, r, c, http.StatusOK, "attendance_school", "attendance.school.title", content)
	return nil
}

// schoolRefusal is the message for a refused field.
func schoolRefusal(l web.Locale, field string) string {
	if l.Has("attendance.school.error." + field) {
		return l.T("attendance.school.error." + field)
	}
	return l.T("attendance.error.other")
}

// formSchoolAbsence records a school absence from the page's form; a
// refusal goes back to the form with what was typed and the field's
// message.
func (a *app) formSchoolAbsence(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	back := url.Values{"child": {c.ChildID.String()}}
	refuse := func(field string) error {
		for _, k := range []string{"day", "hours", "what", "note", "whole"} {
			if v := r.PostFormValue(k); v != "" {
				back.Set(k, v)
			}
		}
		back.Set("error", field)
		http.Redirect(w, r, "/staff/school-absence?"+back.Encode()+"#registrer", http.StatusSeeOther)
		return nil
	}
	day, err := formDate(r, "day")
	if err != nil || day == 0 {
		return refuse("day")
	}
	hours := 0
	if r.PostFormValue("whole") != "yes" {
		if hours, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("hours"))); err != nil || hours < 1 {
			return refuse("hours")
		}
	}
	ab := attendance.SchoolAbsence{ChildID: c.ChildID, Day: day, Hours: hours}
	what := r.PostFormValue("what")
	for _, f := range schoolForms {
		if f.Value == what {
			ab.Kind, ab.Reason = f.Kind, f.Reason
		}
	}
	if ab.Kind == "" {
		return refuse("kind")
	}
	if ab.Reason == "" {
		ab.Reason = strings.TrimSpace(r.PostFormValue("note"))
	}
	ab.UnitID = unitFor(c.Actor, c.Record, day, domain.School)
	ctx := r.Context()
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		out, err := a.Attendance().RecordSchoolAbsence(ctx, c.Actor, ab)
		if err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "attendance.school-absence", "school-absence/"+out.ID.String(), c.ChildID)
	})
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return refuse(domain.FieldOf(err))
	}
	if err != nil {
		return err
	}
	back.Set("done", "1")
	http.Redirect(w, r, "/staff/school-absence?"+back.Encode(), http.StatusSeeOther)
	return nil
}
