package attendanceweb

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The municipality's attendance settings (attendance.Settings): the
// expected arrival time, the kindergartens' holiday rule and the school's
// permission limit and excludable days, read and changed by the
// municipality's caseworkers and administrators — as the API
// (GET and POST /api/v1/attendance/settings) and as a page
// (/admin/attendance-settings) whose form keeps what was typed and says
// what is wrong next to each field. Every change is audit-logged in its
// transaction. Units' own arrival times (Settings.UnitArrival) are kept
// as they are.

// settingsRoutes are the settings' API routes and page.
func (a *app) settingsRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/attendance/settings", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The municipality's attendance settings: expected arrival, the kindergartens' holiday rule, the school's permission limit and excludable days", Response: SettingsView{}, Handle: a.apiSettings},
		{Method: "POST", Path: "/api/v1/attendance/settings", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Replace the municipality's attendance settings (units' own arrival times are kept)", Body: SettingsView{}, Response: SettingsView{}, Handle: a.apiPutSettings},
		{Method: "GET", Path: "/admin/attendance-settings", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.settingsPage},
		{Method: "POST", Path: "/admin/attendance-settings", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.formSettings},
	}
}

// SettingsView is the municipality's attendance settings as the API shows
// and takes them.
type SettingsView struct {
	ExpectedArrival string                 `json:"expectedArrival"`
	Holiday         attendance.HolidayRule `json:"holiday"`
	School          attendance.SchoolRule  `json:"school"`
}

func (a *app) apiSettings(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	st, err := a.Attendance().Settings(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, SettingsView{ExpectedArrival: st.ExpectedArrival, Holiday: st.Holiday, School: st.School})
	return nil
}

// putSettings replaces the settings (keeping the units' arrival times)
// and audits it in one transaction.
func (a *app) putSettings(ctx context.Context, c *web.Call, v SettingsView) error {
	var p domain.Problems
	p.Merge("", domain.CheckLine("holiday.source", v.Holiday.Source))
	p.Merge("", domain.CheckLine("school.source", v.School.Source))
	p.Merge("", domain.CheckLine("expectedArrival", v.ExpectedArrival))
	if err := p.Err(); err != nil {
		return err
	}
	svc := a.Attendance()
	return a.Store.Atomic(ctx, func(ctx context.Context) error {
		old, err := svc.Settings(ctx, c.Actor)
		if err != nil {
			return err
		}
		st := attendance.Settings{Municipality: c.Actor.Municipality, ExpectedArrival: strings.TrimSpace(v.ExpectedArrival),
			UnitArrival: old.UnitArrival, Holiday: v.Holiday, School: v.School}
		if err := svc.PutSettings(ctx, c.Actor, st); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "attendance.settings", "settings/attendance")
	})
}

func (a *app) apiPutSettings(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var v SettingsView
	if err := api.DecodeJSON(w, r, &v); err != nil {
		return err
	}
	if err := a.putSettings(r.Context(), c, v); err != nil {
		return err
	}
	return a.apiSettings(w, r, c)
}

// settingsContent is the settings page: what is stored or was typed, and
// the refused fields.
type settingsContent struct {
	L         web.Locale
	Form      map[string]string
	Fields    []settingsField
	Kinds     []settingsKind
	Errors    map[string]string
	ErrorList []string
	Notice    string
}

// settingsField is one input of the form, in its group (fieldset).
type settingsField struct {
	Group, Name, ID, Label, Value, Type, Error string
}

// fields lays out the form's inputs with what was typed and the errors.
func (sc *settingsContent) fields() {
	sc.Fields = nil
	for _, f := range settingsFields {
		if f.name == "school.excludable" {
			continue // checkboxes, in the template
		}
		group, typ := strings.SplitN(f.name, ".", 2)[0], "number"
		switch f.name {
		case "expectedArrival":
			group, typ = "arrival", "text"
		case "holiday.summerFrom", "holiday.summerTo", "holiday.source", "school.source":
			typ = "text"
		}
		if group == "school" {
			group = "school2"
			if f.name == "school.permissionDays" || f.name == "school.excludableDays" {
				group = "school1"
			}
		}
		sc.Fields = append(sc.Fields, settingsField{Group: group, Name: f.name, ID: strings.ReplaceAll(f.name, ".", "-"),
			Label: sc.L.T(f.label), Value: sc.Form[f.name], Type: typ, Error: sc.Errors[f.name]})
	}
}

type settingsKind struct {
	Value, Label string
	Checked      bool
}

// settingsFields are the form's fields, in order, with their labels.
var settingsFields = []struct{ name, label string }{
	{"expectedArrival", "attendance.settings.expectedArrival"},
	{"holiday.weeks", "attendance.settings.weeks"},
	{"holiday.summerWeeks", "attendance.settings.summerWeeks"},
	{"holiday.daysPerWeek", "attendance.settings.daysPerWeek"},
	{"holiday.summerFrom", "attendance.settings.summerFrom"},
	{"holiday.summerTo", "attendance.settings.summerTo"},
	{"holiday.source", "attendance.settings.holidaySource"},
	{"school.permissionDays", "attendance.settings.permissionDays"},
	{"school.excludableDays", "attendance.settings.excludableDays"},
	{"school.excludable", "attendance.settings.excludable"},
	{"school.certificateFrom", "attendance.settings.certificateFrom"},
	{"school.certificateTo", "attendance.settings.certificateTo"},
	{"school.source", "attendance.settings.schoolSource"},
}

func settingsForm(st attendance.Settings) map[string]string {
	h, s := st.Holiday, st.School
	return map[string]string{
		"expectedArrival": st.ExpectedArrival, "holiday.weeks": strconv.Itoa(h.Weeks), "holiday.summerWeeks": strconv.Itoa(h.SummerWeeks),
		"holiday.daysPerWeek": strconv.Itoa(h.DaysPerWeek), "holiday.summerFrom": h.SummerFrom, "holiday.summerTo": h.SummerTo,
		"holiday.source": h.Source, "school.permissionDays": strconv.Itoa(s.PermissionDays), "school.excludableDays": strconv.Itoa(s.ExcludableDays),
		"school.certificateFrom": strconv.Itoa(s.CertificateFrom), "school.certificateTo": strconv.Itoa(s.CertificateTo), "school.source": s.Source,
	}
}

func (a *app) settingsContent(c *web.Call, form map[string]string, excludable []attendance.SchoolKind) settingsContent {
	lang := attendance.Lang(c.Lang.Code)
	content := settingsContent{L: c.Lang, Form: form, Errors: map[string]string{}}
	for _, k := range []attendance.SchoolKind{attendance.Documented, attendance.Permission, attendance.Undocumented} {
		checked := false
		for _, x := range excludable {
			checked = checked || x == k
		}
		content.Kinds = append(content.Kinds, settingsKind{Value: string(k), Label: k.Text(lang), Checked: checked})
	}
	return content
}

func (a *app) settingsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	st, err := a.Attendance().Settings(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	content := a.settingsContent(c, settingsForm(st), st.School.Excludable)
	if r.URL.Query().Get("done") == "saved" {
		content.Notice = c.Lang.T("attendance.settings.saved")
	}
	content.fields()
	a.Page(w, r, c, http.StatusOK, "attendance_settings", "attendance.settings.title", content)
	return nil
}

func (a *app) formSettings(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if err := r.ParseForm(); err != nil {
		return api.BadRequest("form", "the form cannot be read")
	}
	form := map[string]string{}
	for _, f := range settingsFields {
		form[f.name] = strings.TrimSpace(r.PostFormValue(f.name))
	}
	var p domain.Problems
	num := func(name string) int {
		if form[name] == "" {
			return 0
		}
		n, err := strconv.Atoi(form[name])
		if err != nil {
			p.Add(name, "is-not-a-whole-number")
		}
		return n
	}
	var excludable []attendance.SchoolKind
	for _, k := range r.PostForm["school.excludable"] {
		excludable = append(excludable, attendance.SchoolKind(k))
	}
	v := SettingsView{ExpectedArrival: form["expectedArrival"],
		Holiday: attendance.HolidayRule{Weeks: num("holiday.weeks"), SummerWeeks: num("holiday.summerWeeks"), DaysPerWeek: num("holiday.daysPerWeek"),
			SummerFrom: form["holiday.summerFrom"], SummerTo: form["holiday.summerTo"], Source: form["holiday.source"]},
		School: attendance.SchoolRule{PermissionDays: num("school.permissionDays"), ExcludableDays: num("school.excludableDays"), Excludable: excludable,
			CertificateFrom: num("school.certificateFrom"), CertificateTo: num("school.certificateTo"), Source: form["school.source"]},
	}
	// Every field's error at once: what could not be read, then the rule's
	// own checks.
	p.Merge("", attendance.Settings{Municipality: c.Actor.Municipality, ExpectedArrival: v.ExpectedArrival, Holiday: v.Holiday, School: v.School}.Validate())
	err := p.Err()
	if err == nil {
		err = a.putSettings(r.Context(), c, v)
	}
	if err != nil {
		var ve *domain.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		content := a.settingsContent(c, form, excludable)
		for _, f := range ve.Fields {
			if _, dup := content.Errors[f.Field]; !dup {
				content.Errors[f.Field] = c.Lang.FieldReason(f)
			}
		}
		for _, f := range settingsFields {
			if reason, ok := content.Errors[f.name]; ok {
				content.ErrorList = append(content.ErrorList, c.Lang.T(f.label)+": "+reason)
			}
		}
		content.fields()
		a.Page(w, r, c, http.StatusUnprocessableEntity, "attendance_settings", "attendance.settings.title", content)
		return nil
	}
	http.Redirect(w, r, "/admin/attendance-settings?done=saved", http.StatusSeeOther)
	return nil
}
