package directoryweb

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// The directory's forms are described in Go and drawn by one template
// (directory_form.html): the fields in groups, each with what was typed
// and, after a refusal, its error next to it. A form's field names are the
// JSON names of the API request ("address.postcode", "seats.small"), so a
// *domain.ValidationError from the one write path lands on its field.

// formView is a form page.
type formView struct {
	Title, Intro  string
	Action        string
	Submit        string
	Back, BackKey string
	Problems      []string // refusals not tied to one field
	Groups        []fieldGroup
	errors        map[string]string
}

// summaryItem is a refusal in the summary above the form: a link to the
// field, its label and why.
type summaryItem struct {
	ID, Label, Error string
}

// Summary lists every refusal, those at a field first (each a link to
// it), for the alert above the form.
func (f formView) Summary() []summaryItem {
	var out []summaryItem
	for _, g := range f.Groups {
		for _, fd := range g.Fields {
			if fd.Error != "" {
				out = append(out, summaryItem{ID: fd.ID, Label: fd.Label, Error: fd.Error})
			}
		}
	}
	for _, p := range f.Problems {
		out = append(out, summaryItem{Error: p})
	}
	return out
}

// ShowButtons says whether a field has a button that posts the form to
// show it again (Button). Enter in a text field presses the form's first
// submit button, which would then be that button and not the one that
// saves; the template puts a saving button first, hidden (no one sees,
// tabs to or taps it; a browser's Enter still presses it), so Enter saves
// as people expect.
func (f formView) ShowButtons() bool {
	for _, g := range f.Groups {
		for _, fd := range g.Fields {
			if fd.Button != "" {
				return true
			}
		}
	}
	return false
}

// fieldGroup is a fieldset (Legend empty: fields without one).
type fieldGroup struct {
	Legend string
	Fields []field
}

// field is one input.
type field struct {
	ID, Name, Label, Hint string
	Type                  string // text, email, tel, date, time, number, select, checkbox
	Value                 string
	Checked               bool
	Options               []option
	Error                 string
	Autocomplete          string
	// Button, on a select, is the label of a submit button beside it that
	// posts the form as it is with show=<Name> to show it again, without
	// saving: the groups of the unit chosen, without JavaScript.
	Button string
}

type option struct {
	Value, Label string
	Selected     bool
}

// formValues is what was posted (or the record's values for an edit).
type formValues map[string]string

func postedValues(r *http.Request) formValues {
	v := formValues{}
	for k, vs := range r.PostForm {
		if len(vs) > 0 {
			v[k] = vs[0]
		}
	}
	return v
}

// fieldID makes an HTML id of a field name.
func fieldID(name string) string { return "f-" + strings.ReplaceAll(name, ".", "-") }

// input makes a field from the values and the errors of the form.
func (f *formView) input(l web.Locale, v formValues, name, typ string) field {
	return field{ID: fieldID(name), Name: name, Label: l.T("dir.f." + name), Type: typ, Value: v[name], Error: f.errors[name]}
}

func (f *formView) check(l web.Locale, v formValues, name string) field {
	return field{ID: fieldID(name), Name: name, Label: l.T("dir.f." + name), Type: "checkbox", Checked: v[name] != "", Error: f.errors[name]}
}

func (f *formView) choice(l web.Locale, v formValues, name string, opts []option) field {
	for i := range opts {
		opts[i].Selected = opts[i].Value == v[name]
	}
	return field{ID: fieldID(name), Name: name, Label: l.T("dir.f." + name), Type: "select", Options: opts, Error: f.errors[name]}
}

// formErrors collects refusals by field.
type formErrors struct {
	l      web.Locale
	fields map[string]string
	other  []string
}

func newFormErrors(l web.Locale) *formErrors { return &formErrors{l: l, fields: map[string]string{}} }

func (e *formErrors) any() bool { return len(e.fields) > 0 || len(e.other) > 0 }

// reason translates a refusal's reason: the directory's own codes first,
// then the shell's (reason.<code>), else the reason as it is.
func reason(l web.Locale, code string, params map[string]string) string {
	if l.Has("dir.reason." + code) {
		return l.T("dir.reason." + code)
	}
	if !l.Has("reason." + code) {
		return l.Reason(code)
	}
	return l.ReasonWith(code, params)
}

// set records the first refusal of a field; rename maps the domain's
// field names to the form's.
func (e *formErrors) set(field, why string) { e.setWith(field, why, nil) }

// setWith records the first refusal of a field with the reason's
// parameters.
func (e *formErrors) setWith(field, why string, params map[string]string) {
	if _, ok := e.fields[field]; !ok {
		e.fields[field] = reason(e.l, why, params)
	}
}

// date reads a date field: empty is date.Zero, anything but YYYY-MM-DD of
// a real day is refused at the field.
func (e *formErrors) date(v formValues, name string) date.Date {
	s := strings.TrimSpace(v[name])
	if s == "" {
		return date.Zero
	}
	d, err := domain.ParseDate(name, s)
	if err != nil {
		e.set(name, domain.ReasonDate)
	}
	return d
}

// number reads a whole number; empty is 0.
func (e *formErrors) number(v formValues, name string) int {
	s := strings.TrimSpace(v[name])
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		e.set(name, reasonNumber)
	}
	return n
}

// nationalID reads a national ID number; empty is none.
func (e *formErrors) nationalID(v formValues, name string) domain.NationalID {
	s := strings.ReplaceAll(strings.TrimSpace(v[name]), " ", "")
	if s == "" {
		return domain.NationalID{}
	}
	n, err := domain.ParseNationalID(s)
	if err != nil {
		var ve *domain.ValidationError
		if errors.As(err, &ve) && len(ve.Fields) > 0 {
			e.setWith(name, ve.Fields[0].Reason, ve.Fields[0].Params)
		} else {
			e.set(name, err.Error())
		}
	}
	return n
}

// reasonNumber: a form field that should hold a whole number does not.
const reasonNumber = "not-a-number"

// refused sorts an error of the write path onto the form's fields:
// validation and conflict fields through rename (a field the form does
// not show goes above the form), an *OrphanError as a sentence naming the
// placements. Any other error is returned.
func (e *formErrors) refused(err error, rename func(string) string, onForm func(string) bool, orphans func(*domain.OrphanError) string) error {
	var oe *domain.OrphanError
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &oe):
		msg := orphans(oe)
		if name := rename(oe.Field); onForm(name) {
			e.fields[name] = msg
		} else {
			e.other = append(e.other, msg)
		}
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			name := rename(f.Field)
			if onForm(name) {
				e.setWith(name, f.Reason, f.Params)
			} else {
				e.other = append(e.other, fmt.Sprintf("%s: %s", name, reason(e.l, f.Reason, f.Params)))
			}
		}
	case errors.As(err, &ce):
		name := rename(ce.Field)
		if onForm(name) {
			e.setWith(name, ce.Reason, ce.Params)
		} else {
			e.other = append(e.other, reason(e.l, ce.Reason, ce.Params))
		}
	default:
		return err
	}
	return nil
}

// same leaves field names as they are.
func same(s string) string { return s }
