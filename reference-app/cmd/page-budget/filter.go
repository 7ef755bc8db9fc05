package main

import (
	"fmt"
	"os"
	"regexp"
	"runtime/pprof"
	"slices"
	"strings"
)

// filter narrows a run to some pages and personas, so that one page can be
// timed (and profiled) at a municipality's size without the whole run:
// -pages is a regular expression matched against a route's path (as the
// route table writes it, "/children/{childId}/export"), -personas a comma
// list of persona keys. The seed, the workload and the crawl are as in a
// whole run (the crawl is what fills a route's parameters); only the pages
// measured are fewer.
type filter struct {
	pages    *regexp.Regexp // nil: every page
	personas []string       // empty: every persona
	// cpuprofile, when set, is the file the CPU profile of the measuring
	// (not the seed, the workload or the crawl) is written to.
	cpuprofile string
}

// newFilter reads the flags' values; an empty value keeps everything.
func newFilter(pages, personas, cpuprofile string) (filter, error) {
	f := filter{cpuprofile: cpuprofile}
	if pages != "" {
		re, err := regexp.Compile(pages)
		if err != nil {
			return f, fmt.Errorf("-pages: %w", err)
		}
		f.pages = re
	}
	for p := range strings.SplitSeq(personas, ",") {
		if p = strings.TrimSpace(p); p != "" {
			f.personas = append(f.personas, p)
		}
	}
	return f, nil
}

// page reports whether the route is measured.
func (f filter) page(path string) bool { return f.pages == nil || f.pages.MatchString(path) }

// persona reports whether the persona is crawled and measured.
func (f filter) persona(key string) bool {
	return len(f.personas) == 0 || slices.Contains(f.personas, key)
}

// profile starts the CPU profile when one is asked for; the returned func
// stops it and closes the file.
func (f filter) profile() (func() error, error) {
	if f.cpuprofile == "" {
		return func() error { return nil }, nil
	}
	file, err := os.Create(f.cpuprofile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(file); err != nil {
		file.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return file.Close()
	}, nil
}
