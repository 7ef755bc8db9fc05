package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// MaxBodyBytes is the largest request body the evaluate endpoint reads.
const MaxBodyBytes = 1 << 20

// Handler returns the HTTP harness of this library: POST
// /conformance/v1/evaluate with {"kind": ..., "input": ...} answers 200 and
// the expect-shaped JSON, or 422 and {"error": {"code", "field",
// "message"}}. An unknown kind or a malformed body is invalid-input (naming
// "kind", "input" or the unknown field); a body over 1 MiB answers 413 with
// the same error body; another method answers 405; a crash answers 500.
// GET /conformance/v1/schemas/<kind>.json answers the kind's JSON Schema
// (application/schema+json), 404 for a name that is no kind. It serves no
// other path.
func Handler() http.Handler {
	return handlerFor(local{kinds: builtinKinds()})
}

// handlerFor is Handler with the given engines.
func handlerFor(ev local) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+SchemaPath+"{file}", func(w http.ResponseWriter, r *http.Request) {
		kind, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		b, found := Schema(kind)
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/schema+json")
		_, _ = w.Write(b)
	})
	mux.HandleFunc("POST "+EvaluatePath, func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				writeJSON(w, http.StatusInternalServerError, errorBody{Error: &Error{Code: "internal", Message: "the evaluation failed"}})
			}
		}()
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: invalid("input", fmt.Sprintf("the body is larger than %d bytes", MaxBodyBytes))})
				return
			}
			writeJSON(w, http.StatusBadRequest, errorBody{Error: invalid("input", "the body cannot be read")})
			return
		}
		var req request
		if err := decodeInput(data, &req); err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: asError(err)})
			return
		}
		if req.Kind == nil {
			writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: invalid("kind", "is required")})
			return
		}
		out, err := ev.Evaluate(r.Context(), *req.Kind, req.Input)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: e})
				return
			}
			writeJSON(w, http.StatusInternalServerError, errorBody{Error: &Error{Code: "internal", Message: err.Error()}})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
	})
	return mux
}

// asError returns err as an *Error (invalid-input when it is another error).
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return invalid("", err.Error())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
