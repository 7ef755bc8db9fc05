package conformance

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func post(t *testing.T, h http.Handler, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func errorOf(t *testing.T, body map[string]any) (code, field string) {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	require.True(t, ok, "no error object in %v", body)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return code, field
}

func TestHandler(t *testing.T) {
	h := Handler()
	status, body := post(t, h, http.MethodPost, EvaluatePath, `{"kind":"national-id","input":{"value":"15076500565"}}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"valid": true, "type": "fnr", "birthDate": "1965-07-15", "synthetic": false,
		"rule": "1964", "birthMonthDay": "--07-15", "birthYearDigits": "65"}, body)

	refusals := []struct {
		name, body, field string
	}{
		{"unknown kind", `{"kind":"horoscope","input":{}}`, "kind"},
		{"no kind", `{"input":{}}`, "kind"},
		{"kind not a string", `{"kind":7,"input":{}}`, "kind"},
		{"unknown field in body", `{"kind":"national-id","input":{"value":"1"},"extra":1}`, "extra"},
		{"bad JSON", `{"kind":`, "kind"},
		{"empty body", ``, "input"},
		{"no input", `{"kind":"national-id"}`, "input"},
		{"input null", `{"kind":"national-id","input":null}`, "input"},
		{"unknown field in input", `{"kind":"national-id","input":{"valu":"1"}}`, "valu"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, h, http.MethodPost, EvaluatePath, tt.body)
			assert.Equal(t, http.StatusUnprocessableEntity, status)
			code, field := errorOf(t, body)
			assert.Equal(t, CodeInvalidInput, code)
			assert.Equal(t, tt.field, field)
		})
	}
}

func TestHandlerMethodPathAndSize(t *testing.T) {
	h := Handler()
	status, _ := post(t, h, http.MethodGet, EvaluatePath, "")
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	status, _ = post(t, h, http.MethodPost, "/conformance/v1/other", "{}")
	assert.Equal(t, http.StatusNotFound, status)

	big := `{"kind":"national-id","input":{"value":"` + strings.Repeat("1", MaxBodyBytes) + `"}}`
	status, body := post(t, h, http.MethodPost, EvaluatePath, big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	code, _ := errorOf(t, body)
	assert.Equal(t, CodeInvalidInput, code)
}

func TestHandlerRecoversFromPanics(t *testing.T) {
	h := handlerFor(local{kinds: map[string]kindFunc{
		"boom":   func(json.RawMessage) (any, error) { panic("boom") },
		"broken": func(json.RawMessage) (any, error) { return nil, errors.New("disk on fire") },
		"bad":    func(json.RawMessage) (any, error) { return func() {}, nil },
	}})
	for _, kind := range []string{"boom", "broken", "bad"} {
		status, body := post(t, h, http.MethodPost, EvaluatePath, `{"kind":"`+kind+`","input":{}}`)
		assert.Equal(t, http.StatusInternalServerError, status, kind)
		code, _ := errorOf(t, body)
		assert.Equal(t, "internal", code)
	}
}

func TestRemote(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(b), `"teapot"`):
			w.WriteHeader(http.StatusTeapot)
		case strings.Contains(string(b), `"garbage"`):
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`nope`))
		case strings.Contains(string(b), `"notjson"`):
			_, _ = w.Write([]byte(`{`))
		default:
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"error":{"code":"unknown-rules","field":"month"}}`))
		}
	}))
	defer srv.Close()
	ev := Remote(srv.URL+"/", nil)
	_, err := ev.Evaluate(t.Context(), "x", []byte(`{}`))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, &Error{Code: CodeUnknownRules, Field: "month"}, e)
	for _, kind := range []string{"teapot", "garbage", "notjson"} {
		_, err = ev.Evaluate(t.Context(), kind, []byte(`{}`))
		require.Error(t, err, kind)
		assert.False(t, errors.As(err, &e), kind)
	}
	_, err = Remote("http://127.0.0.1:1", nil).Evaluate(t.Context(), "x", []byte(`{}`))
	assert.Error(t, err)
}

func TestCheck(t *testing.T) {
	ev := local{kinds: map[string]kindFunc{
		"echo": func(in json.RawMessage) (any, error) { return in, nil },
		"no":   func(json.RawMessage) (any, error) { return nil, invalid("x", "bad") },
	}}
	tests := []struct {
		name  string
		v     Vector
		ok    bool
		field string
	}{
		{"answer matches", Vector{Kind: "echo", Input: []byte(`{"a":"1.0"}`), Expect: []byte(`{"a":"1.00"}`)}, true, ""},
		{"answer differs", Vector{Kind: "echo", Input: []byte(`{"a":"1.0"}`), Expect: []byte(`{"a":"2.00"}`)}, false, "a"},
		{"expected error, got answer", Vector{Kind: "echo", Input: []byte(`{}`), ExpectError: &ExpectedError{Code: CodeInvalidInput}}, false, "error"},
		{"expected answer, got error", Vector{Kind: "no", Input: []byte(`{}`), Expect: []byte(`{}`)}, false, "error"},
		{"error code matches", Vector{Kind: "no", Input: []byte(`{}`), ExpectError: &ExpectedError{Code: CodeInvalidInput}}, true, ""},
		{"error code differs", Vector{Kind: "no", Input: []byte(`{}`), ExpectError: &ExpectedError{Code: CodeUnknownRules}}, false, "error.code"},
		{"error field differs", Vector{Kind: "no", Input: []byte(`{}`), ExpectError: &ExpectedError{Code: CodeInvalidInput, Field: "y"}}, false, "error.field"},
		{"unknown kind", Vector{Kind: "nope", Input: []byte(`{}`), Expect: []byte(`{}`)}, false, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Check(t.Context(), ev, tt.v)
			assert.Equal(t, tt.ok, r.OK, r.Detail)
			assert.Equal(t, tt.field, r.Field)
		})
	}
	rep := Run(t.Context(), ev, []Vector{tests[0].v, tests[1].v})
	assert.Equal(t, 1, rep.Passed)
	assert.Equal(t, 1, rep.Failed)
	assert.False(t, rep.OK())
}
