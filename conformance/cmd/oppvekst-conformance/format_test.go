package main

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatJUnit(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-vectors", writeVectors(t, true), "-format", "junit"}, &out, &errOut)
	assert.Equal(t, 1, code)
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Errors   int    `xml:"errors,attr"`
			Cases    []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(out.Bytes(), &doc), out.String())
	assert.Equal(t, 3, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	require.Len(t, doc.Suites, 2)
	kind, load := doc.Suites[0], doc.Suites[1]
	assert.Equal(t, "national-id", kind.Name)
	assert.Equal(t, 2, kind.Tests)
	assert.Equal(t, 1, kind.Failures)
	require.Len(t, kind.Cases, 2)
	assert.Equal(t, "national-id/good", kind.Cases[0].Name)
	assert.Nil(t, kind.Cases[0].Failure)
	assert.Equal(t, "national-id/wrong", kind.Cases[1].Name)
	require.NotNil(t, kind.Cases[1].Failure)
	assert.Equal(t, `type: expected "dnr", got "fnr"`, kind.Cases[1].Failure.Message)
	assert.Equal(t, "load", load.Name)
	assert.Equal(t, 1, load.Errors)
	require.Len(t, load.Cases, 1)
	require.NotNil(t, load.Cases[0].Error)
	assert.Equal(t, "national-id/broken.json", load.Cases[0].Name)
}

func TestFormatTAP(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-vectors", writeVectors(t, true), "-format", "tap"}, &out, &errOut)
	assert.Equal(t, 1, code)
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2)
	assert.Equal(t, "TAP version 14", lines[0])
	assert.Equal(t, "1..3", lines[1])
	point := regexp.MustCompile(`^(not )?ok (\d+) - (.+)$`)
	var ok, notOK []string
	for _, l := range lines[2:] {
		m := point.FindStringSubmatch(l)
		if m == nil {
			// Only YAML blocks may stand between test points.
			assert.Regexp(t, `^  (---|\.\.\.|[a-z]+: ".*")$`, l)
			continue
		}
		if m[1] == "" {
			ok = append(ok, m[3])
		} else {
			notOK = append(notOK, m[3])
		}
	}
	assert.Equal(t, []string{"national-id/good"}, ok)
	assert.Equal(t, []string{"national-id/wrong", "cannot read national-id/broken.json"}, notOK)
	assert.Contains(t, out.String(), "  field: \"type\"\n  message: \"expected \\\"dnr\\\", got \\\"fnr\\\"\"\n")
}

func TestKindFilter(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-vectors", "../../vectors", "-kind", "kid", "-format", "tap"}, &out, &errOut)
	assert.Equal(t, 0, code, out.String())
	assert.NotContains(t, out.String(), "national-id/")
	assert.Regexp(t, `(?m)^ok \d+ - kid/mod10-make-standard$`, out.String())

	out.Reset()
	code = run([]string{"-vectors", writeVectors(t, false), "-kind", "kid"}, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Equal(t, "0 passed, 0 failed\n", out.String())
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-format", "xml"},
		{"-kind", "kid,nope"},
		{"-json", "-format", "tap"},
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(args, &out, &errOut), args)
		assert.NotEmpty(t, errOut.String(), args)
	}
}
