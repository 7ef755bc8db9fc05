package conformance

import (
	"embed"
	"io/fs"
	"strings"
)

// SchemaPath is the prefix under which the harness serves the JSON Schema
// of each kind: GET /conformance/v1/schemas/<kind>.json.
const SchemaPath = "/conformance/v1/schemas/"

// schemaFiles holds conformance/schemas: one JSON Schema (draft 2020-12)
// per kind, with $defs input, answer and error (SPEC.md § 1.1).
//
//go:embed schemas/*.json
var schemaFiles embed.FS

// Schemas returns the published schema files, named <kind>.json.
func Schemas() fs.FS {
	sub, err := fs.Sub(schemaFiles, "schemas")
	if err != nil { // cannot happen: the folder is embedded
		return schemaFiles
	}
	return sub
}

// Schema returns the JSON Schema of kind, or false when there is none.
func Schema(kind string) ([]byte, bool) {
	if kind == "" || strings.ContainsAny(kind, "/\\.") {
		return nil, false
	}
	b, err := fs.ReadFile(Schemas(), kind+".json")
	return b, err == nil
}
