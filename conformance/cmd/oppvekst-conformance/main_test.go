package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/conformance"
)

// writeVectors writes a small vectors folder: one passing vector, one
// failing vector and, when broken is set, one unreadable file.
func writeVectors(t *testing.T, broken bool) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "national-id"), 0o755))
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "national-id", name), []byte(body), 0o644))
	}
	write("good.json", `{"format":"oppvekst-vector/1","id":"national-id/good","kind":"national-id","title":"t","source":["s"],"input":{"value":"15076500565"},"expect":{"valid":true,"birthDate":"1965-07-15"}}`)
	write("wrong.json", `{"format":"oppvekst-vector/1","id":"national-id/wrong","kind":"national-id","title":"t","source":["s"],"input":{"value":"15076500565"},"expect":{"valid":true,"type":"dnr"}}`)
	if broken {
		write("broken.json", `{"format":"oppvekst-vector/1"`)
	}
	return dir
}

func TestRunPublicVectors(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-vectors", "../../vectors"}, &out, &errOut)
	assert.Equal(t, 0, code, out.String())
	assert.Contains(t, out.String(), " passed, 0 failed")
}

func TestRunReportsFailures(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-vectors", writeVectors(t, true)}, &out, &errOut)
	assert.Equal(t, 1, code)
	assert.Contains(t, out.String(), "FAIL national-id/wrong: type: expected \"dnr\", got \"fnr\"\n")
	assert.Contains(t, out.String(), "cannot read national-id/broken.json")
	assert.Contains(t, out.String(), "1 passed, 1 failed\n")
}

func TestRunJSONOverHTTP(t *testing.T) {
	srv := httptest.NewServer(conformance.Handler())
	defer srv.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"-vectors", writeVectors(t, false), "-target", srv.URL, "-json"}, &out, &errOut)
	assert.Equal(t, 1, code)
	var rep conformance.Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), out.String())
	assert.Equal(t, 1, rep.Passed)
	assert.Equal(t, 1, rep.Failed)
	require.Len(t, rep.Results, 2)
	assert.Equal(t, "national-id/wrong", rep.Results[1].ID)
	assert.Equal(t, "type", rep.Results[1].Field)
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"-nope"}, &out, &errOut))
	assert.Equal(t, 2, run([]string{"extra"}, &out, &errOut))
	assert.Equal(t, 1, run([]string{"-vectors", filepath.Join(t.TempDir(), "missing")}, &out, &errOut))
}
