package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/oppvekst/oppvekst/domain"
)

// maxBodyBytes is the largest JSON request body the API reads.
const maxBodyBytes = 64 << 10

// problem is an RFC 9457 problem details object. Errors lists the refused
// fields of a validation error.
type problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Errors   []domain.FieldError `json:"errors,omitempty"`
}

// Problem types: URIs under the app's own documentation namespace.
const problemBase = "https://oppvekst.example/problems/"

// httpError is an error that already knows its HTTP status and fields.
type httpError struct {
	status int
	kind   string // the last part of the problem type URI
	detail string
	fields []domain.FieldError
}

func (e *httpError) Error() string { return e.detail }

func badRequest(kind, detail string, fields ...domain.FieldError) error {
	return &httpError{status: http.StatusBadRequest, kind: kind, detail: detail, fields: fields}
}

func unprocessable(kind, detail string, fields ...domain.FieldError) error {
	return &httpError{status: http.StatusUnprocessableEntity, kind: kind, detail: detail, fields: fields}
}

// retryAfter is the Retry-After, in seconds, of a 503 while the database
// cannot be reached.
const retryAfter = 10

var (
	errUnauthenticated = &httpError{status: http.StatusUnauthorized, kind: "unauthenticated", detail: "log in first"}
	errTooManyAttempts = &httpError{status: http.StatusTooManyRequests, kind: "too-many-attempts", detail: "too many login attempts; wait a minute"}
)

// problemFor maps an error to its problem: the domain's typed errors to
// 404, 403, 409 and 422, a store that cannot be reached to 503, an
// *httpError to its own status, anything else to 500 without detail (it is
// logged instead).
func problemFor(err error) problem {
	var he *httpError
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &he):
		return problem{Type: problemBase + he.kind, Title: http.StatusText(he.status), Status: he.status, Detail: he.detail, Errors: he.fields}
	case errors.Is(err, domain.ErrUnavailable):
		return problem{Type: problemBase + "unavailable", Title: "Service Unavailable", Status: http.StatusServiceUnavailable,
			Detail: "the database cannot be reached just now; try again shortly"}
	case errors.As(err, &ve):
		return problem{Type: problemBase + "validation", Title: "The input was refused", Status: http.StatusUnprocessableEntity,
			Detail: "see errors for each refused field", Errors: ve.Fields}
	case errors.As(err, &ce):
		return problem{Type: problemBase + "conflict", Title: "Conflict", Status: http.StatusConflict,
			Detail: ce.Reason, Errors: []domain.FieldError{{Field: ce.Field, Reason: ce.Reason}}}
	case errors.Is(err, domain.ErrConflict):
		return problem{Type: problemBase + "conflict", Title: "Conflict", Status: http.StatusConflict, Detail: "the change contradicts stored data"}
	case errors.Is(err, domain.ErrForbidden):
		return problem{Type: problemBase + "forbidden", Title: "Forbidden", Status: http.StatusForbidden, Detail: "you may not read or change this"}
	case errors.Is(err, domain.ErrNotFound):
		return problem{Type: problemBase + "not-found", Title: "Not Found", Status: http.StatusNotFound, Detail: "no such record"}
	}
	return problem{Type: problemBase + "internal", Title: "Internal Server Error", Status: http.StatusInternalServerError}
}

// writeProblem writes err as application/problem+json.
func (a *app) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFor(err)
	if p.Status >= 500 {
		a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p.Instance = r.URL.Path
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	setRetryAfter(w, p.Status)
	w.WriteHeader(p.Status)
	_, _ = w.Write(b)
}

// setRetryAfter tells the client when to try again after a 503.
func setRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
}

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// readBody reads a request body of at most maxBodyBytes; a larger one is a
// 413 problem.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &httpError{status: http.StatusRequestEntityTooLarge, kind: "too-large", detail: fmt.Sprintf("the body is larger than %d bytes", maxBodyBytes)}
	case err != nil:
		return nil, badRequest("unreadable", "the body cannot be read")
	}
	return b, nil
}

// decodeJSON decodes a JSON request body strictly into v: the content type
// must be JSON, the body at most maxBodyBytes, one value with no unknown
// fields and values of the right types. Malformed JSON is a 400 problem, a
// value of the wrong type or an unknown field a 422 problem naming the field,
// and so are (by strictJSON, in input.go) a date that is no day of the
// calendar, a string with a control character and any value that refuses
// to unmarshal itself.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &httpError{status: http.StatusUnsupportedMediaType, kind: "media-type", detail: "send application/json"}
		}
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// decodeStrict is decodeJSON on a body already read.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("malformed", "the body is empty; send a JSON object")
	}
	// The strict pass first: a date the calendar does not have or a control
	// character is refused naming its field, before date.Date's lenient
	// parser or a handler sees it.
	if err := strictJSON(body, v); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			return badRequest("malformed", "the body holds more than one JSON value")
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed", "the body is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return unprocessable("wrong-type", "a value has the wrong type",
			domain.FieldError{Field: field, Reason: "must be " + jsonKind(typ.Type.Kind().String())})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return unprocessable("unknown-field", "the body has a field this operation does not take",
			domain.FieldError{Field: name, Reason: "is not a field of this operation"})
	}
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	// A value that refused to unmarshal itself (an ID that is no UUID, a
	// date that is no date).
	return unprocessable("wrong-value", "a value cannot be read", domain.FieldError{Field: "(body)", Reason: err.Error()})
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	}
	if strings.HasPrefix(goKind, "int") || strings.HasPrefix(goKind, "uint") || strings.HasPrefix(goKind, "float") {
		return "a number"
	}
	return "another type"
}

// pathID parses the path parameter name as an ID; one that is not a UUID is
// a 400 problem naming it.
func pathID[T any](r *http.Request, name string) (domain.ID[T], error) {
	id, err := domain.ParseID[T](r.PathValue(name))
	if err != nil || id.IsZero() {
		return id, badRequest("invalid-path", "a path parameter is not a UUID", domain.FieldError{Field: name, Reason: "is not a UUID"})
	}
	return id, nil
}

// Pagination.

const (
	defaultLimit = 50
	maxLimit     = 200
)

// pageRequest is the limit and cursor of a list request.
type pageRequest struct {
	limit  int
	cursor string // decoded; "" starts at the beginning
}

// page is one page of a list response.
type page[T any] struct {
	Items []T `json:"items"`
	// NextCursor, when set, fetches the next page (?cursor=...).
	NextCursor string `json:"nextCursor,omitempty"`
}

// readPage reads ?limit= (1 to 200, default 50) and ?cursor= (opaque).
func readPage(r *http.Request) (pageRequest, error) {
	q := r.URL.Query()
	p := pageRequest{limit: defaultLimit}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return p, unprocessable("invalid-query", "limit is out of range",
				domain.FieldError{Field: "limit", Reason: fmt.Sprintf("must be a whole number from 1 to %d", maxLimit)})
		}
		p.limit = n
	}
	if s := q.Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 {
			return p, unprocessable("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is not a cursor from a previous page"})
		}
		p.cursor = string(b)
	}
	return p, nil
}

func encodeCursor(s string) string {
	if s == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// paginate cuts one page out of items sorted by key: the items after the
// cursor (an item's key), at most p.limit of them.
func paginate[T any](items []T, key func(T) string, p pageRequest) (page[T], error) {
	start := 0
	if p.cursor != "" {
		start = -1
		for i, it := range items {
			if key(it) == p.cursor {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return page[T]{}, unprocessable("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "points at no item of this list"})
		}
	}
	end := min(start+p.limit, len(items))
	out := page[T]{Items: items[start:end]}
	if out.Items == nil {
		out.Items = []T{}
	}
	if end < len(items) && end > start {
		out.NextCursor = encodeCursor(key(items[end-1]))
	}
	return out, nil
}
