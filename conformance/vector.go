package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
)

// Format is the value of the "format" field of every vector file this
// package reads.
const Format = "oppvekst-vector/1"

// KindNames returns the names of the kinds of format
// oppvekst-vector/1, in the order of the standard.
func KindNames() []string {
	return []string{"national-id", "kid", "right-to-place", "kindergarten-fee", "sfo-fee", "allocation", "recipients", "special-education-deadline", "basil", "gsi", "nav-kindergarten-list", "invoice-line", "staffing-norm", "school-absence-summary", "rule-table"}
}

// Vector is one test vector: the facts (Input) and either the one correct
// answer (Expect) or the error it must be refused with (ExpectError).
type Vector struct {
	Format string   `json:"format"`
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	Title  string   `json:"title"`
	Source []string `json:"source"`
	// Note is an optional free-text comment (the worked arithmetic, say);
	// runners ignore it.
	Note        string          `json:"note,omitempty"`
	Input       json.RawMessage `json:"input"`
	Expect      json.RawMessage `json:"expect,omitempty"`
	ExpectError *ExpectedError  `json:"expectError,omitempty"`
}

// ExpectedError is the refusal a vector expects: the code and, optionally,
// the field it must name.
type ExpectedError struct {
	Code  string `json:"code"`
	Field string `json:"field,omitempty"`
}

// LoadError says why one vector file could not be used.
type LoadError struct {
	// Path is the file's path below the vectors folder, with slashes.
	Path string
	Err  error
}

// Error names the file and the problem.
func (e *LoadError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying problem.
func (e *LoadError) Unwrap() error { return e.Err }

// Load reads every vector below dir: dir/<kind>/<name>.json (deeper folders
// are allowed; the kind is the first folder). Files not ending in .json are
// ignored. It returns the vectors that could be read, sorted by ID, and, if
// any file could not be read or is not a valid vector, an error joining one
// *LoadError per file.
func Load(dir string) ([]Vector, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	return LoadFS(os.DirFS(dir))
}

// LoadFS is Load on a file system whose root is the vectors folder.
func LoadFS(fsys fs.FS) ([]Vector, error) {
	var (
		vectors []Vector
		errs    []error
	)
	walkErr := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &LoadError{Path: p, Err: err})
			if d != nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, &LoadError{Path: p, Err: err})
			return nil
		}
		v, err := decodeVector(data, p, true) // data is this file's own
		if err != nil {
			errs = append(errs, &LoadError{Path: p, Err: err})
			return nil
		}
		vectors = append(vectors, v)
		return nil
	})
	if walkErr != nil {
		errs = append(errs, walkErr)
	}
	slices.SortFunc(vectors, func(a, b Vector) int { return strings.Compare(a.ID, b.ID) })
	for i := 1; i < len(vectors); i++ {
		if vectors[i].ID == vectors[i-1].ID {
			errs = append(errs, &LoadError{Path: vectors[i].ID + ".json", Err: errors.New("id repeated")})
		}
	}
	return vectors, errors.Join(errs...)
}

// DecodeVector decodes and checks one vector file. rel is the file's path
// below the vectors folder, with slashes ("recipients/group-bulletin.json");
// when rel is empty the id is not checked against a path. The file must be
// one JSON object without unknown or repeated fields; "format" must be
// oppvekst-vector/1; "id" must equal rel without ".json"; "kind" must be the
// first folder of rel; "title" and "source" (a non-empty list of non-empty
// strings) must be present; "input" must be present; exactly one of
// "expect" (an object) and "expectError" (with a non-empty "code") must be
// present. It never panics.
func DecodeVector(data []byte, rel string) (Vector, error) {
	return decodeVector(data, rel, false)
}

// decodeVector is DecodeVector; with share, the vector's input and expect
// are slices of data rather than copies (Load, which read data itself).
func decodeVector(data []byte, rel string, share bool) (v Vector, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = Vector{}, fmt.Errorf("cannot be decoded: %v", r)
		}
	}()
	if err := decodeVectorFile(data, &v, share); err != nil {
		var e *Error
		if errors.As(err, &e) {
			if e.Field == "input" {
				return Vector{}, errors.New(e.Message)
			}
			return Vector{}, fmt.Errorf("%s: %s", e.Field, e.Message)
		}
		return Vector{}, err
	}
	if v.Format != Format {
		return Vector{}, fmt.Errorf("format: must be %q, not %q", Format, v.Format)
	}
	if v.ID == "" {
		return Vector{}, errors.New("id: is required")
	}
	if rel != "" {
		want := strings.TrimSuffix(path.Clean(rel), ".json")
		if v.ID != want {
			return Vector{}, fmt.Errorf("id: %q must equal the path %q", v.ID, want)
		}
		folder, _, ok := strings.Cut(want, "/")
		if !ok {
			return Vector{}, errors.New("must be in a folder named after its kind")
		}
		if v.Kind != folder {
			return Vector{}, fmt.Errorf("kind: %q must equal the folder %q", v.Kind, folder)
		}
	}
	if v.Kind == "" {
		return Vector{}, errors.New("kind: is required")
	}
	if strings.TrimSpace(v.Title) == "" {
		return Vector{}, errors.New("title: is required")
	}
	if len(v.Source) == 0 {
		return Vector{}, errors.New("source: at least one source is required")
	}
	for i, s := range v.Source {
		if strings.TrimSpace(s) == "" {
			return Vector{}, fmt.Errorf("source[%d]: must not be empty", i)
		}
	}
	if isNull(v.Input) {
		return Vector{}, errors.New("input: is required")
	}
	hasExpect := !isNull(v.Expect)
	if !hasExpect {
		v.Expect = nil
	}
	switch {
	case hasExpect && v.ExpectError != nil:
		return Vector{}, errors.New("has both expect and expectError")
	case !hasExpect && v.ExpectError == nil:
		return Vector{}, errors.New("needs expect or expectError")
	case hasExpect:
		if b := bytes.TrimSpace(v.Expect); len(b) == 0 || b[0] != '{' {
			return Vector{}, errors.New("expect: must be an object")
		}
	case v.ExpectError.Code == "":
		return Vector{}, errors.New("expectError.code: is required")
	}
	return v, nil
}

// decodeVectorFile is decodeInput for a vector file; the input is checked
// (JSON, no repeated keys, depth) and kept as text, for the kind to decode:
// a slice of data with share, else a copy.
func decodeVectorFile(data []byte, v *Vector, share bool) error {
	return decodeStrict(data, reflect.ValueOf(v).Elem(), share)
}

func isNull(raw json.RawMessage) bool {
	b := bytes.TrimSpace(raw)
	return len(b) == 0 || string(b) == "null"
}
