// Command oppvekst-conformance runs the conformance vectors of format
// oppvekst-vector/1 against this library (in process) or against any
// implementation over HTTP.
//
// Usage:
//
//	oppvekst-conformance [-vectors DIR] [-target URL] [-kind K1,K2] [-format text|json|junit|tap] [-json] [-timeout D]
//
// Without -target every vector below DIR (default conformance/vectors) is
// evaluated in process. With -target URL each vector's kind and input are
// POSTed to URL/conformance/v1/evaluate. -kind runs only the vectors of the
// named kinds (an implementation of some kinds is checked on those). The
// command prints one line per failed vector (its id and the first differing
// field) and then "N passed, M failed"; -format json (or -json) prints the
// whole report as JSON instead, -format junit as JUnit XML and -format tap
// as TAP version 14, for other CI systems. The exit status is 1 when a
// vector failed or a file could not be read, 2 for a usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/conformance"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("oppvekst-conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("vectors", "conformance/vectors", "folder holding <kind>/<name>.json vector files")
	target := fs.String("target", "", "base URL of an implementation to test over HTTP (POST URL/conformance/v1/evaluate); empty: this library, in process")
	asJSON := fs.Bool("json", false, "print the report as JSON (the same as -format json)")
	format := fs.String("format", "text", "report format: text, json, junit (JUnit XML) or tap (TAP version 14)")
	kindList := fs.String("kind", "", "comma-separated kinds to run (default: all)")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit for each HTTP request")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %v\n", fs.Args())
		fs.Usage()
		return 2
	}

	switch *format {
	case "text", "json", "junit", "tap":
	default:
		fmt.Fprintf(stderr, "unknown -format %q: text, json, junit or tap\n", *format)
		return 2
	}
	if *asJSON {
		if *format != "text" && *format != "json" {
			fmt.Fprintln(stderr, "-json and -format "+*format+" contradict each other")
			return 2
		}
		*format = "json"
	}
	only := map[string]bool{}
	if *kindList != "" {
		for _, k := range strings.Split(*kindList, ",") {
			k = strings.TrimSpace(k)
			if !slices.Contains(conformance.KindNames(), k) {
				fmt.Fprintf(stderr, "unknown kind %q in -kind; kinds: %s\n", k, strings.Join(conformance.KindNames(), ", "))
				return 2
			}
			only[k] = true
		}
	}

	vectors, loadErr := conformance.Load(*dir)
	if len(only) > 0 {
		vectors = slices.DeleteFunc(vectors, func(v conformance.Vector) bool { return !only[v.Kind] })
	}
	var loadErrors []string
	if loadErr != nil {
		var joined interface{ Unwrap() []error }
		if errors.As(loadErr, &joined) {
			for _, e := range joined.Unwrap() {
				loadErrors = append(loadErrors, e.Error())
			}
		} else {
			loadErrors = append(loadErrors, loadErr.Error())
		}
	}

	ev := conformance.Local()
	if *target != "" {
		ev = conformance.Remote(*target, &http.Client{Timeout: *timeout})
	}
	rep := conformance.Run(context.Background(), ev, vectors)
	rep.LoadErrors = loadErrors

	var werr error
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		werr = enc.Encode(rep)
	case "junit":
		werr = writeJUnit(stdout, rep)
	case "tap":
		werr = writeTAP(stdout, rep)
	default:
		for _, e := range loadErrors {
			fmt.Fprintf(stdout, "cannot read %s\n", e)
		}
		for _, r := range rep.Results {
			if r.OK {
				continue
			}
			field := r.Field
			if field == "" {
				field = "(answer)"
			}
			fmt.Fprintf(stdout, "FAIL %s: %s: %s\n", r.ID, field, r.Detail)
		}
		fmt.Fprintf(stdout, "%d passed, %d failed\n", rep.Passed, rep.Failed)
		if len(loadErrors) > 0 {
			fmt.Fprintf(stdout, "%d files could not be read\n", len(loadErrors))
		}
	}
	if werr != nil {
		fmt.Fprintln(stderr, werr)
		return 1
	}
	if !rep.OK() {
		return 1
	}
	return 0
}
