// Package conformance is the open standard of Oppvekst: machine-readable
// test vectors (format oppvekst-vector/1), the runner that checks an
// implementation against them in process or over HTTP, and the HTTP harness
// an implementation in any language can expose.
//
// The format is described in conformance/SPEC.md.
//
// Load reads the vector files below a folder (one vector a file, at
// <kind>/<name>.json) and checks their form. Run evaluates them with an
// Evaluator — Local for this library, Remote for any implementation that
// serves POST /conformance/v1/evaluate — and compares each answer with the
// vector's expectation (Compare): money by decimal value, lists of codes as
// sets, everything else exactly, fields the vector does not name ignored.
// Handler serves the evaluate endpoint for this library; the reference app
// mounts it. The command conformance/cmd/oppvekst-conformance wraps it all.
//
// Inputs are decoded strictly: unknown or repeated fields, wrong JSON types,
// money as JSON numbers and impossible dates are refused as *Error with code
// invalid-input and the field's JSON path.
package conformance
