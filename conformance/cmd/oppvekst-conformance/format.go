package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/oppvekst/oppvekst/conformance"
)

// Report formats for other vendors' CI: JUnit XML (the common
// Jenkins/JUnit shape: testsuites, one testsuite per kind, a testcase per
// vector with a failure element when it failed; files that could not be
// read are testcases with an error element in a suite named "load") and
// TAP version 14 (a plan line, one test point per vector and per unreadable
// file, the reason in a YAML block).

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// failureText is a failed vector's reason in one line: "field: detail".
func failureText(r conformance.Result) string {
	if r.Field == "" {
		return r.Detail
	}
	return r.Field + ": " + r.Detail
}

func writeJUnit(w io.Writer, rep conformance.Report) error {
	out := junitSuites{Name: "oppvekst-conformance"}
	index := map[string]int{}
	for _, r := range rep.Results {
		i, ok := index[r.Kind]
		if !ok {
			i = len(out.Suites)
			index[r.Kind] = i
			out.Suites = append(out.Suites, junitSuite{Name: r.Kind})
		}
		s := &out.Suites[i]
		c := junitCase{Name: r.ID, Classname: "conformance." + r.Kind}
		if !r.OK {
			c.Failure = &junitProblem{Message: failureText(r), Type: "mismatch", Text: failureText(r)}
			s.Failures++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	if len(rep.LoadErrors) > 0 {
		s := junitSuite{Name: "load"}
		for _, e := range rep.LoadErrors {
			name, _, _ := strings.Cut(e, ": ")
			s.Cases = append(s.Cases, junitCase{Name: name, Classname: "conformance.load",
				Error: &junitProblem{Message: "cannot read " + e, Type: "load-error", Text: e}})
			s.Tests++
			s.Errors++
		}
		out.Suites = append(out.Suites, s)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// yamlString quotes s for a TAP YAML block (a JSON string is a YAML
// double-quoted scalar).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func writeTAP(w io.Writer, rep conformance.Report) error {
	var b strings.Builder
	b.WriteString("TAP version 14\n")
	fmt.Fprintf(&b, "1..%d\n", len(rep.Results)+len(rep.LoadErrors))
	n := 0
	for _, r := range rep.Results {
		n++
		if r.OK {
			fmt.Fprintf(&b, "ok %d - %s\n", n, r.ID)
			continue
		}
		fmt.Fprintf(&b, "not ok %d - %s\n  ---\n  kind: %s\n", n, r.ID, yamlString(r.Kind))
		if r.Field != "" {
			fmt.Fprintf(&b, "  field: %s\n", yamlString(r.Field))
		}
		fmt.Fprintf(&b, "  message: %s\n  ...\n", yamlString(r.Detail))
	}
	for _, e := range rep.LoadErrors {
		n++
		name, _, _ := strings.Cut(e, ": ")
		fmt.Fprintf(&b, "not ok %d - cannot read %s\n  ---\n  message: %s\n  ...\n", n, name, yamlString(e))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
