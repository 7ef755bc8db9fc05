package api

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
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/domain"
)

// MaxBodyBytes is the largest JSON request body the API reads.
const MaxBodyBytes = 64 << 10

// Problem is an RFC 9457 problem details object. Errors lists the refused
// fields of a validation error.
type Problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Errors   []domain.FieldError `json:"errors,omitempty"`
}

// Problem types: URIs under the app's own documentation namespace.
const problemBase = "https://oppvekst.example/problems/"

// HTTPError is an error that already knows its HTTP status and fields.
type HTTPError struct {
	Status int
	Kind   string // the last part of the problem type URI
	Detail string
	Fields []domain.FieldError
}

func (e *HTTPError) Error() string { return e.Detail }

func BadRequest(kind, detail string, fields ...domain.FieldError) error {
	return &HTTPError{Status: http.StatusBadRequest, Kind: kind, Detail: detail, Fields: fields}
}

func Unprocessable(kind, detail string, fields ...domain.FieldError) error {
	return &HTTPError{Status: http.StatusUnprocessableEntity, Kind: kind, Detail: detail, Fields: fields}
}

// retryAfter is the Retry-After, in seconds, of a 503 while the database
// cannot be reached.
const retryAfter = 10

var (
	ErrUnauthenticated = &HTTPError{Status: http.StatusUnauthorized, Kind: "unauthenticated", Detail: "log in first"}
	ErrTooManyAttempts = &HTTPError{Status: http.StatusTooManyRequests, Kind: "too-many-attempts", Detail: "too many login attempts; wait a minute"}
)

// ProblemFor maps an error to its problem: the domain's typed errors to
// 404, 403, 409 and 422, a store that cannot be reached to 503, an
// *HTTPError to its own status, anything else to 500 without detail (it is
// logged instead). A conflict's detail is its reason code with the
// parameters ("active-placement (child=…)"); the app writes it in English
// from its catalogs before answering (web.App.writeProblem).
func ProblemFor(err error) Problem {
	var he *HTTPError
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &he):
		return Problem{Type: problemBase + he.Kind, Title: http.StatusText(he.Status), Status: he.Status, Detail: he.Detail, Errors: he.Fields}
	case errors.Is(err, domain.ErrUnavailable):
		return Problem{Type: problemBase + "unavailable", Title: "Service Unavailable", Status: http.StatusServiceUnavailable,
			Detail: "the database cannot be reached just now; try again shortly"}
	case errors.As(err, &ve):
		return Problem{Type: problemBase + "validation", Title: "The input was refused", Status: http.StatusUnprocessableEntity,
			Detail: "see errors for each refused field", Errors: ve.Fields}
	case errors.As(err, &ce):
		return Problem{Type: problemBase + "conflict", Title: "Conflict", Status: http.StatusConflict,
			Detail: strings.TrimPrefix(ce.Error(), "conflict: "+ce.Field+": "), Errors: []domain.FieldError{{Field: ce.Field, Reason: ce.Reason, Params: ce.Params}}}
	case errors.Is(err, domain.ErrConflict):
		return Problem{Type: problemBase + "conflict", Title: "Conflict", Status: http.StatusConflict, Detail: "the change contradicts stored data"}
	case errors.Is(err, domain.ErrForbidden):
		return Problem{Type: problemBase + "forbidden", Title: "Forbidden", Status: http.StatusForbidden, Detail: "you may not read or change this"}
	case errors.Is(err, domain.ErrNotFound):
		return Problem{Type: problemBase + "not-found", Title: "Not Found", Status: http.StatusNotFound, Detail: "no such record"}
	}
	return Problem{Type: problemBase + "internal", Title: "Internal Server Error", Status: http.StatusInternalServerError}
}

// SetRetryAfter tells the client when to try again after a 503.
func SetRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
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

// ReadBody reads a request body of at most MaxBodyBytes; a larger one is a
// 413 problem.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return ReadBodyLimit(w, r, MaxBodyBytes)
}

// ReadBodyLimit is ReadBody for a route that reads larger bodies: at most
// limit bytes, a larger body a 413 problem.
func ReadBodyLimit(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &HTTPError{Status: http.StatusRequestEntityTooLarge, Kind: "too-large", Detail: fmt.Sprintf("the body is larger than %d bytes", limit)}
	case err != nil:
		return nil, BadRequest("unreadable", "the body cannot be read")
	}
	return b, nil
}

// DecodeJSON decodes a JSON request body strictly into v: the content type
// must be JSON, the body at most MaxBodyBytes, one value with no unknown
// fields and values of the right types. Malformed JSON is a 400 problem, a
// value of the wrong type or an unknown field a 422 problem naming the field,
// and so are (by strictJSON, in input.go) a date that is no day of the
// calendar, a string with a control character and any value that refuses
// to unmarshal itself.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &HTTPError{Status: http.StatusUnsupportedMediaType, Kind: "media-type", Detail: "send application/json"}
		}
	}
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	return DecodeStrict(body, v)
}

// DecodeStrict is DecodeJSON on a body already read.
func DecodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return BadRequest("malformed", "the body is empty; send a JSON object")
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
			return BadRequest("malformed", "the body holds more than one JSON value")
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest("malformed", "the body is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return Unprocessable("wrong-type", "a value has the wrong type",
			domain.FieldError{Field: field, Reason: "must-be", Params: map[string]string{"value": fmt.Sprint(jsonKind(typ.Type.Kind().String()))}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return Unprocessable("unknown-field", "the body has a field this operation does not take",
			domain.FieldError{Field: name, Reason: "is-not-a-field-of-this-operation"})
	}
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	// A value that refused to unmarshal itself (an ID that is no UUID, a
	// date that is no date).
	return Unprocessable("wrong-value", "a value cannot be read", domain.FieldError{Field: "(body)", Reason: ReasonCannotBeRead})
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

// PathID parses the path parameter name as an ID; one that is not a UUID is
// a 400 problem naming it.
func PathID[T any](r *http.Request, name string) (domain.ID[T], error) {
	id, err := domain.ParseID[T](r.PathValue(name))
	if err != nil || id.IsZero() {
		return id, BadRequest("invalid-path", "a path parameter is not a UUID", domain.FieldError{Field: name, Reason: "is-not-a-uuid"})
	}
	return id, nil
}

// Pagination.

const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// MaxSearch is the longest search (?q=) a list API takes, in characters.
const MaxSearch = 100

// pageRequest is the limit, cursor and search of a list request.
type pageRequest struct {
	Limit  int
	Cursor string // decoded; "" starts at the beginning
	// Q is the search, trimmed: every word of it must be found (ignoring
	// case) in the row's name, national ID, unit or status, as the list
	// documents; "" finds every row.
	Q string
}

// PageRequest is what ReadPage read, for a handler that hands it on to
// the function reading the page.
type PageRequest = pageRequest

// Page is one page of a list response.
type Page[T any] struct {
	Items []T `json:"items"`
	// NextCursor, when set, fetches the next page (?cursor=...).
	NextCursor string `json:"nextCursor,omitempty"`
}

// ReadPage reads ?limit= (1 to 200, default 50), ?cursor= (opaque) and
// ?q= (a search of at most MaxSearch characters). Each refusal is a 400
// problem of kind invalid-query naming the parameter and a reason code;
// a control character in any query value is refused before the handler
// (web.checkRequestInput).
func ReadPage(r *http.Request) (pageRequest, error) {
	q := r.URL.Query()
	p := pageRequest{Limit: DefaultLimit}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return p, BadRequest("invalid-query", "limit is out of range",
				domain.FieldError{Field: "limit", Reason: "must-be-a-whole-number-from-1-to", Params: map[string]string{"maxLimit": fmt.Sprint(MaxLimit)}})
		}
		p.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 || len(s) > 512 {
			return p, BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
		p.Cursor = string(b)
	}
	p.Q = strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(p.Q) > MaxSearch {
		return p, BadRequest("invalid-query", "the search is too long",
			domain.FieldError{Field: "q", Reason: "search-at-most", Params: map[string]string{"maxSearch": fmt.Sprint(MaxSearch)}})
	}
	return p, nil
}

// Keyset makes a page from the rows a store read after the cursor: at
// most Limit+1 of them, in key order. The extra row only tells that there
// is a next page, whose cursor is the key of the last row shown.
func Keyset[T any](rows []T, key func(T) string, p pageRequest) Page[T] {
	out := Page[T]{Items: rows}
	if len(rows) > p.Limit {
		out.Items = rows[:p.Limit]
		out.NextCursor = EncodeCursor(key(out.Items[p.Limit-1]))
	}
	if out.Items == nil {
		out.Items = []T{}
	}
	return out
}

// Matches reports whether text contains every word of the search q,
// ignoring case ("" matches everything): domain.MatchesSearch, the rule
// the stores' searches in SQL keep too.
func Matches(q string, texts ...string) bool {
	return domain.MatchesSearch(q, texts...)
}

func EncodeCursor(s string) string {
	if s == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// Paginate cuts one page out of items sorted by key: the items after the
// cursor (an item's key), at most p.limit of them.
func Paginate[T any](items []T, key func(T) string, p pageRequest) (Page[T], error) {
	start := 0
	if p.Cursor != "" {
		start = -1
		for i, it := range items {
			if key(it) == p.Cursor {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return Page[T]{}, BadRequest("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "points-at-no-item-of-this-list"})
		}
	}
	end := min(start+p.Limit, len(items))
	out := Page[T]{Items: items[start:end]}
	if out.Items == nil {
		out.Items = []T{}
	}
	if end < len(items) && end > start {
		out.NextCursor = EncodeCursor(key(items[end-1]))
	}
	return out, nil
}
