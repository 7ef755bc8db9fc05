package domain

import (
	"errors"
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
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ValidationError lists every field that was refused. errors.Is(err,
// ErrInvalid) reports true for it.
type ValidationError struct {
	Fields []FieldError
}

// Invalid returns a validation error for one field.
func Invalid(field, reason string) *ValidationError {
	return &ValidationError{Fields: []FieldError{{Field: field, Reason: reason}}}
}

// Error lists the fields and reasons.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid input: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Reason)
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

// Add records a refused field.
func (p *Problems) Add(field, reason string) {
	p.fields = append(p.fields, FieldError{Field: field, Reason: reason})
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
			p.Add(name, f.Reason)
		}
		return
	}
	p.Add(prefix, err.Error())
}

// Err returns the collected problems as a *ValidationError, or nil.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: p.fields}
}

// ConflictError says which field of a change clashes with stored data.
// errors.Is(err, ErrConflict) reports true for it.
type ConflictError struct {
	Field  string
	Reason string
}

// Error names the field and the reason.
func (e *ConflictError) Error() string { return "conflict: " + e.Field + ": " + e.Reason }

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
