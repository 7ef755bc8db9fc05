// Package conformance is the open standard of Oppvekst: machine-readable
// test vectors (format oppvekst-vector/1), the runner that checks an
// implementation against them in process or over HTTP, and the HTTP harness
// an implementation in any language can expose.
//
// The format is described in conformance/SPEC.md.
package conformance
