package conformance

import (
	"errors"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goodVector = `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"input":{"value":"1"},"expect":{"valid":false}}`

func TestDecodeVector(t *testing.T) {
	tests := []struct {
		name, data, rel, problem string
	}{
		{"good", goodVector, "national-id/a.json", ""},
		{"good error vector", `{"format":"oppvekst-vector/1","id":"kid/x","kind":"kid","title":"t","source":["s"],"input":{},"expectError":{"code":"invalid-input"}}`, "kid/x.json", ""},
		{"id differs from path", goodVector, "national-id/b.json", "id"},
		{"kind differs from folder", goodVector, "kid/national-id/a.json", "id"},
		{"not in a folder", `{"format":"oppvekst-vector/1","id":"a","kind":"national-id","title":"t","source":["s"],"input":{},"expect":{}}`, "a.json", "folder"},
		{"wrong format", `{"format":"oppvekst-vector/2","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"input":{},"expect":{}}`, "national-id/a.json", "format"},
		{"no title", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","source":["s"],"input":{},"expect":{}}`, "national-id/a.json", "title"},
		{"no source", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","input":{},"expect":{}}`, "national-id/a.json", "source"},
		{"empty source", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":[""],"input":{},"expect":{}}`, "national-id/a.json", "source[0]"},
		{"no input", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"expect":{}}`, "national-id/a.json", "input"},
		{"both", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"input":{},"expect":{},"expectError":{"code":"invalid-input"}}`, "national-id/a.json", "both"},
		{"neither", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"input":{}}`, "national-id/a.json", "needs"},
		{"expect not an object", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"input":{},"expect":[]}`, "national-id/a.json", "expect"},
		{"error without code", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"input":{},"expectError":{}}`, "national-id/a.json", "code"},
		{"unknown field", `{"format":"oppvekst-vector/1","id":"national-id/a","kind":"national-id","title":"t","source":["s"],"input":{},"expect":{},"expcet":{}}`, "national-id/a.json", "expcet"},
		{"not JSON", `{`, "national-id/a.json", "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeVector([]byte(tt.data), tt.rel)
			if tt.problem == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.problem)
		})
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"national-id/a.json":   {Data: []byte(goodVector)},
		"national-id/bad.json": {Data: []byte(`{}`)},
		"national-id/README":   {Data: []byte(`not a vector`)},
	}
	vectors, err := LoadFS(fsys)
	require.Len(t, vectors, 1)
	assert.Equal(t, "national-id/a", vectors[0].ID)
	var le *LoadError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "national-id/bad.json", le.Path)
	assert.Contains(t, err.Error(), "national-id/bad.json")
	assert.True(t, errors.Unwrap(le) != nil)
}

func TestLoadMissingFolder(t *testing.T) {
	_, err := Load("no-such-folder")
	assert.Error(t, err)
}

func FuzzDecodeVector(f *testing.F) {
	f.Add([]byte(goodVector), "national-id/a.json")
	f.Add([]byte(`{"format":"oppvekst-vector/1","id":"kid/x","kind":"kid","title":"t","source":["s"],"input":{},"expectError":{"code":"invalid-input"}}`), "kid/x.json")
	f.Add([]byte(`[[[[{"a":1e999}]]]]`), "")
	f.Add([]byte(`{"input":{"a":"\ud800"},"source":null}`), "x/../y.json")
	f.Fuzz(func(t *testing.T, data []byte, rel string) {
		// A hang shows up as a crash with its input instead of a stalled run.
		wd := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("WATCHDOG %q %q", data, rel)) })
		defer wd.Stop()
		v, err := DecodeVector(data, rel)
		if err == nil {
			if v.Format != Format || v.Title == "" || len(v.Source) == 0 || (v.Expect == nil) == (v.ExpectError == nil) {
				t.Fatalf("accepted an invalid vector: %+v", v)
			}
			// A loaded vector can be run and compared without panicking.
			Check(t.Context(), Local(), v)
		}
		_, _ = LoadFS(fstest.MapFS{"k/" + "v.json": {Data: data}})
		_ = Compare(data, data)
	})
}
