package domain

import (
	"errors"
	"sort"
	"strings"
)

// Sentinel errors. Adapters and services wrap them; callers test with errors.Is.
var (
	// ErrNotFound means the record does not exist in the asking municipality.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change contradicts data already stored
	// (a duplicate key, an overlapping placement).
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the actor may not read or change the record.
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid means the input was refused before anything was written.
	// Errors of type *ValidationError match it.
	ErrInvalid = errors.New("invalid input")
	// ErrUnavailable means the store cannot be reached just now (the
	// database refuses connections, a connection was lost, the server is
	// shutting down); the same call may succeed later. A change that failed
	// so was rolled back, unless the connection was lost while it was
	// committed (then it may have been made). Store adapters wrap their
	// driver's error with it; an application answers "try again later"
	// (HTTP 503).
	ErrUnavailable = errors.New("store unavailable")
)

// FieldError names one field of the input and why it was refused.
//
// Reason is a stable kebab-case code ("required", "out-of-range",
// "no-such-unit"), never a sentence: an application shows it in the user's
// language (the reference app's catalogs hold "reason.<code>" in nb, nn and
// en, with {name} placeholders for the parameters). Params are the values
// the text needs, by name ("min": "0", "max": "60"); dates are written
// yyyy-mm-dd, and the application writes them the way its language does.
// Each package lists its codes with their English text for developers in
// its ReasonTexts; an application names the tables it uses
// (ReasonTables) to write a code in English.
type FieldError struct {
	Field  string            `json:"field"`
	Reason string            `json:"reason"`
	Params map[string]string `json:"params,omitempty"`
}

// NewFieldError returns the field error for code with params given as
// name, value pairs ("min", "0", "max", "60"); an odd last name gets an
// empty value.
func NewFieldError(field, code string, params ...string) FieldError {
	return FieldError{Field: field, Reason: code, Params: paramMap(params)}
}

func paramMap(kv []string) map[string]string {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]string, (len(kv)+1)/2)
	for i := 0; i < len(kv); i += 2 {
		v := ""
		if i+1 < len(kv) {
			v = kv[i+1]
		}
		m[kv[i]] = v
	}
	return m
}

// Text writes the code and its parameters sorted by name, "out-of-range
// (max=60, min=0)": the same for every application, for logs and tests.
// It looks up no text; an application that wants the English developer
// text names its tables: ReasonTables{…}.Text(f.Reason, Pairs(f.Params)...).
func (f FieldError) Text() string {
	return f.Reason + paramList(f.Params)
}

// String writes the field error as {field code name=value …}, the
// parameters sorted by name (for logs and test output).
func (f FieldError) String() string {
	var b strings.Builder
	b.WriteString("{" + f.Field + " " + f.Reason)
	names := make([]string, 0, len(f.Params))
	for n := range f.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(" " + n + "=" + f.Params[n])
	}
	b.WriteString("}")
	return b.String()
}

// FillParams replaces every {name} in text by params[name]; an unknown
// name is left as it is.
func FillParams(text string, params map[string]string) string {
	if len(params) == 0 || !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		name := text[i+1 : i+j]
		b.WriteString(text[:i])
		if v, ok := params[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[i : i+j+1])
		}
		text = text[i+j+1:]
	}
	b.WriteString(text)
	return b.String()
}

// ReasonTables is the list of reason tables an application uses, each a
// package's ReasonTexts (code → English text with {name} placeholders),
// in order of precedence: the first table that has a code gives its text.
// There is no registry: an application names the tables of the packages it
// uses, and a package that explains its own errors names its own table and
// domain's (domain.ReasonTables{billing.ReasonTexts, domain.ReasonTexts}).
type ReasonTables []map[string]string

// Text is the English developer text of code from the first table that has
// it, with every {name} replaced by the value of that name among params
// (name, value pairs, as NewFieldError takes them). A code that no table
// has is written as itself followed by its parameters, sorted by name:
// "no-such-code (max=60, min=0)".
func (ts ReasonTables) Text(code string, params ...string) string {
	for _, t := range ts {
		if text, ok := t[code]; ok {
			return FillParams(text, paramMap(params))
		}
	}
	return code + paramList(paramMap(params))
}

// Codes lists the codes of every table, sorted, each once.
func (ts ReasonTables) Codes() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ts {
		for c := range t {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Pairs returns params as name, value pairs sorted by name, the form
// NewFieldError and ReasonTables.Text take
// (tables.Text(f.Reason, domain.Pairs(f.Params)...)).
func Pairs(params map[string]string) []string {
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]string, 0, 2*len(names))
	for _, n := range names {
		out = append(out, n, params[n])
	}
	return out
}

// paramList writes params as " (name=value, …)" sorted by name, or "" when
// there are none.
func paramList(params map[string]string) string {
	if len(params) == 0 {
		return ""
	}
	kv := Pairs(params)
	var b strings.Builder
	b.WriteString(" (")
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(kv[i] + "=" + kv[i+1])
	}
	b.WriteString(")")
	return b.String()
}

// IsReasonCode reports whether s has the form of a reason code: lower-case
// ASCII letters and digits in words joined by single hyphens.
func IsReasonCode(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// ValidationError lists every field that was refused. errors.Is(err,
// ErrInvalid) reports true for it.
type ValidationError struct {
	Fields []FieldError
}

// Invalid returns a validation error for one field: a reason code and its
// parameters as name, value pairs.
func Invalid(field, code string, params ...string) *ValidationError {
	return &ValidationError{Fields: []FieldError{NewFieldError(field, code, params...)}}
}

// Error lists the fields with their reason codes and parameters,
// "invalid input: hoursPerWeek: out-of-range (max=60, min=0); start:
// required" (for developers and logs; pages show the codes in the user's
// language).
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid input: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Text())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Has reports whether the field is among the refused ones.
func (e *ValidationError) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Problems collects field errors while validating a value; its Err is nil
// when nothing was added.
type Problems struct {
	fields []FieldError
}

// ReasonRefused is the code Merge records for an error that is not a
// *ValidationError; its parameter "detail" is the error's text.
const ReasonRefused = "refused"

// Add records a refused field: a reason code and its parameters as name,
// value pairs (p.Add("hoursPerWeek", "out-of-range", "min", "0", "max",
// "60")).
func (p *Problems) Add(field, code string, params ...string) {
	p.fields = append(p.fields, NewFieldError(field, code, params...))
}

// AddError records a field error as it is.
func (p *Problems) AddError(f FieldError) {
	p.fields = append(p.fields, f)
}

// Merge adds the fields of err when it is a *ValidationError, prefixing
// each field name with prefix (for nested values); any other non-nil error
// is recorded under prefix.
func (p *Problems) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var v *ValidationError
	if errors.As(err, &v) {
		for _, f := range v.Fields {
			name := f.Field
			if prefix != "" {
				name = prefix + "." + name
			}
			p.AddError(FieldError{Field: name, Reason: f.Reason, Params: f.Params})
		}
		return
	}
	p.Add(prefix, ReasonRefused, "detail", err.Error())
}

// Err returns the collected problems as a *ValidationError, or nil.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: p.fields}
}

// ConflictError says which field of a change clashes with stored data.
// errors.Is(err, ErrConflict) reports true for it. Reason is a code, like
// FieldError's.
type ConflictError struct {
	Field  string
	Reason string
	Params map[string]string
}

// Conflict returns a conflict error for one field: a reason code and its
// parameters as name, value pairs.
func Conflict(field, code string, params ...string) *ConflictError {
	return &ConflictError{Field: field, Reason: code, Params: paramMap(params)}
}

// Error names the field, the reason code and its parameters sorted by
// name, "conflict: unitId: active-placement (child=…)".
func (e *ConflictError) Error() string {
	return "conflict: " + e.Field + ": " + e.Reason + paramList(e.Params)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// FieldOf returns the field named by a *ValidationError (the first one) or
// a *ConflictError in err's chain, or "".
func FieldOf(err error) string {
	var v *ValidationError
	if errors.As(err, &v) && len(v.Fields) > 0 {
		return v.Fields[0].Field
	}
	var c *ConflictError
	if errors.As(err, &c) {
		return c.Field
	}
	return ""
}
