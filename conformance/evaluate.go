package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// EvaluatePath is the path of the HTTP endpoint that evaluates one input.
const EvaluatePath = "/conformance/v1/evaluate"

// Evaluator is an implementation under test: it evaluates the input of one
// kind and answers the expect-shaped JSON, or an *Error when it refuses the
// input. Any other error means the evaluation itself failed (a network
// error, a crash) and fails the vector.
type Evaluator interface {
	Evaluate(ctx context.Context, kind string, input json.RawMessage) (json.RawMessage, error)
}

// local evaluates with this library's engines.
type local struct {
	kinds map[string]kindFunc
}

// Local returns the Evaluator backed by this library: every kind of the
// standard that the library implements.
func Local() Evaluator { return local{kinds: builtinKinds()} }

// Kinds returns the names of the kinds this library evaluates, in the
// order of the standard.
func Kinds() []string {
	var names []string
	for _, k := range KindNames() {
		if _, ok := builtinKinds()[k]; ok {
			names = append(names, k)
		}
	}
	return names
}

// Evaluate runs the engine of kind on input. An unknown kind is an *Error
// invalid-input naming "kind"; a panic in an engine is reported as an
// ordinary error, never propagated.
func (l local) Evaluate(ctx context.Context, kind string, input json.RawMessage) (json.RawMessage, error) {
	return l.evaluate(ctx, kind, input, full)
}

// evaluate is Evaluate that writes, of an answer that can leave members
// out (a jsonAppender), only the members of its top-level object that
// guide, the expected answer, names: Check compares nothing else. full
// writes the whole answer.
func (l local) evaluate(ctx context.Context, kind string, input json.RawMessage, guide *node) (out json.RawMessage, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, ok := l.kinds[kind]
	if !ok {
		return nil, invalid("kind", fmt.Sprintf("unknown kind %q", kind))
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("kind %s panicked: %v", kind, r)
		}
	}()
	answer, err := f(input)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, fmt.Errorf("kind %s failed: %w", kind, err)
	}
	if w, ok := answer.(jsonAppender); ok {
		return w.appendJSON(nil, guide), nil
	}
	b, err := json.Marshal(answer)
	if err != nil {
		return nil, fmt.Errorf("kind %s: cannot encode the answer: %w", kind, err)
	}
	return b, nil
}

// remote evaluates over HTTP.
type remote struct {
	url    string
	client *http.Client
}

// maxAnswerBytes bounds an answer read from a remote implementation.
const maxAnswerBytes = 16 << 20

// Remote returns an Evaluator that POSTs {"kind", "input"} to
// baseURL + "/conformance/v1/evaluate" and reads the answer: status 200
// with the expect-shaped JSON, or status 422 with {"error": {"code", "field",
// "message"}}, which becomes an *Error. A nil client means
// http.DefaultClient.
func Remote(baseURL string, client *http.Client) Evaluator {
	if client == nil {
		client = http.DefaultClient
	}
	return remote{url: strings.TrimRight(baseURL, "/") + EvaluatePath, client: client}
}

// request is the body of a POST to the evaluate endpoint.
type request struct {
	Kind  *string         `json:"kind"`
	Input json.RawMessage `json:"input"`
}

// errorBody is the body of a refusal.
type errorBody struct {
	Error *Error `json:"error"`
}

// Evaluate posts one input and reads the answer.
func (r remote) Evaluate(ctx context.Context, kind string, input json.RawMessage) (json.RawMessage, error) {
	body, err := json.Marshal(request{Kind: &kind, Input: input})
	if err != nil {
		return nil, fmt.Errorf("cannot encode the request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(data) > maxAnswerBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxAnswerBytes)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		if !json.Valid(data) {
			return nil, errors.New("status 200 with a body that is not JSON")
		}
		return data, nil
	case http.StatusUnprocessableEntity:
		var eb errorBody
		if err := json.Unmarshal(data, &eb); err != nil || eb.Error == nil || eb.Error.Code == "" {
			return nil, fmt.Errorf("status 422 without {\"error\": {\"code\"}}: %s", snippet(data))
		}
		return nil, eb.Error
	}
	return nil, fmt.Errorf("status %d: %s", resp.StatusCode, snippet(data))
}

// snippet shortens a body for a message.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
