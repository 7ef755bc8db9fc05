// Package api is the edge of the reference app's JSON API, shared by the
// shell and every capability: problem responses (RFC 9457) and the errors
// that carry their status (HTTPError, BadRequest, Unprocessable), strict
// decoding of request bodies (DecodeJSON: the content type, the size, one
// value, no unknown fields, and no control character or impossible date
// anywhere in it), WriteJSON, path IDs (PathID), pagination with limit,
// cursor and search (ReadPage, a 400 invalid-query for a bad one; Keyset
// for a page read after the cursor, Paginate for one cut from a list;
// Matches for the search; Page), and the JSON Schemas of the Go types
// the API reads and writes (SchemaGen), from which the shell builds
// /openapi.json. The shell (package web) writes the problems and checks
// every query string and form before a handler runs.
package api
