package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Result is the outcome of one vector.
type Result struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	OK   bool   `json:"ok"`
	// Field is the first differing field of a failed vector (a JSON path
	// into the answer), empty when the answer failed as a whole.
	Field string `json:"field,omitempty"`
	// Detail says why a vector failed.
	Detail string `json:"detail,omitempty"`
}

// Report is the outcome of a run.
type Report struct {
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Results []Result `json:"results"`
	// LoadErrors lists the vector files that could not be read; a runner
	// sets it when it loaded the vectors itself.
	LoadErrors []string `json:"loadErrors,omitempty"`
}

// OK reports whether every vector passed and every file could be read.
func (r Report) OK() bool { return r.Failed == 0 && len(r.LoadErrors) == 0 }

// Run evaluates every vector with ev, in the given order, and compares the
// answers: Check for each vector. A cancelled ctx fails the vectors not yet
// run.
func Run(ctx context.Context, ev Evaluator, vectors []Vector) Report {
	rep := Report{Results: make([]Result, 0, len(vectors))}
	for _, v := range vectors {
		res := Check(ctx, ev, v)
		if res.OK {
			rep.Passed++
		} else {
			rep.Failed++
		}
		rep.Results = append(rep.Results, res)
	}
	return rep
}

// Check evaluates one vector with ev and compares the answer with its
// expect (Compare) or its expectError (the same code and, when the vector
// names one, the same field).
func Check(ctx context.Context, ev Evaluator, v Vector) Result {
	res := Result{ID: v.ID, Kind: v.Kind}
	// In process, expect is read first and the answer is written with the
	// members of its top-level object that expect names (all of them for
	// most kinds; the allocation kind leaves out the explanations when
	// expect does not name them), since no other member is compared.
	var expect *node
	if l, ok := ev.(local); ok && v.ExpectError == nil {
		expect, _ = parseTree(v.Expect)
		if expect != nil {
			ev = guided{l, expect}
		}
	}
	out, err := ev.Evaluate(ctx, v.Kind, v.Input)
	var refused *Error
	if err != nil && !errors.As(err, &refused) {
		res.Detail = "evaluation failed: " + err.Error()
		return res
	}
	if v.ExpectError != nil {
		switch {
		case refused == nil:
			res.Field = "error"
			res.Detail = fmt.Sprintf("expected error %s, got an answer: %s", v.ExpectError.Code, snippet(out))
		case refused.Code != v.ExpectError.Code:
			res.Field = "error.code"
			res.Detail = fmt.Sprintf("expected %q, got %q (%s)", v.ExpectError.Code, refused.Code, refused.Error())
		case v.ExpectError.Field != "" && refused.Field != v.ExpectError.Field:
			res.Field = "error.field"
			res.Detail = fmt.Sprintf("expected %q, got %q", v.ExpectError.Field, refused.Field)
		default:
			res.OK = true
		}
		return res
	}
	if refused != nil {
		res.Field = "error"
		res.Detail = "expected an answer, got error " + refused.Error()
		return res
	}
	var m *Mismatch
	if expect != nil {
		m = compareTree(expect, out)
	} else {
		m = Compare(v.Expect, out)
	}
	if m != nil {
		res.Field, res.Detail = m.Field, m.Detail
		return res
	}
	res.OK = true
	return res
}

// guided is the library in process writing answers for one expected
// answer (local.evaluate).
type guided struct {
	l      local
	expect *node
}

func (g guided) Evaluate(ctx context.Context, kind string, input json.RawMessage) (json.RawMessage, error) {
	return g.l.evaluate(ctx, kind, input, g.expect)
}
