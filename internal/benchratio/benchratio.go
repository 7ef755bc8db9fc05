// Package benchratio runs a project path and a bare baseline doing the same
// work side by side in one Go benchmark, alternating, and reports their
// ratio (issue 22). The benchmarks that use it are named
// Benchmark…VsBaseline; scripts/bench-ratios runs them all and prints the
// table.
//
// Sizes scale with OPPVEKST_BENCH_SCALE (a factor, default 1: the full
// size the issue measured), so that CI can run every benchmark once at a
// tiny scale with -benchtime=1x:
//
//	OPPVEKST_BENCH_SCALE=0.01 go test -run '^$' -bench VsBaseline -benchtime=1x ./billing/
package benchratio

import (
	"math"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Scale returns n multiplied by OPPVEKST_BENCH_SCALE (default 1), and no
// less than least. A factor that is not a positive number is ignored.
func Scale(n, least int) int {
	f := 1.0
	if s := os.Getenv("OPPVEKST_BENCH_SCALE"); s != "" {
		if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 {
			f = v
		}
	}
	return max(least, int(math.Round(float64(n)*f)))
}

// Watch times one run of a side. The run is timed from its start to its
// end; a side excludes its own preparation or clean-up with Stop and Start.
type Watch struct {
	start   time.Time
	elapsed time.Duration
	running bool
}

// Stop pauses the watch.
func (w *Watch) Stop() {
	if w.running {
		w.elapsed += time.Since(w.start)
		w.running = false
	}
}

// Start resumes the watch.
func (w *Watch) Start() {
	if !w.running {
		w.start = time.Now()
		w.running = true
	}
}

// Side is one of the two paths compared: it does the work once.
type Side func(b *testing.B, w *Watch)

// Compare runs project and baseline once each per iteration of b.Loop,
// alternating which goes first (also from one call to the next, as go
// test -count repeats a benchmark with -benchtime=1x), and reports
// project-ns/op, baseline-ns/op and x-baseline (the ratio of their
// totals). The benchmark's own ns/op covers both sides and their untimed
// preparation; read the three metrics.
//
// Because it loops with b.Loop, the benchmark function runs once however
// many iterations -benchtime=Nx asks for: a benchmark whose set-up is
// costly (a municipality seeded into a store) makes it once and compares
// N pairs on it. Each pair is logged as "pair i: project-ns P
// baseline-ns Q" (the lines scripts/bench-ratios reads for min, median
// and max).
func Compare(b *testing.B, project, baseline Side) {
	b.Helper()
	var p, q time.Duration
	var ps, qs []time.Duration
	run := func(s Side) time.Duration {
		w := &Watch{}
		w.Start()
		s(b, w)
		w.Stop()
		return w.elapsed
	}
	v, _ := calls.LoadOrStore(b.Name(), new(atomic.Int64))
	first := int(v.(*atomic.Int64).Add(1))
	i := 0
	for b.Loop() {
		var d, e time.Duration
		if (first+i)%2 == 1 {
			d = run(project)
			e = run(baseline)
		} else {
			e = run(baseline)
			d = run(project)
		}
		p, q, ps, qs = p+d, q+e, append(ps, d), append(qs, e)
		i++
		b.Logf("pair %d: project-ns %d baseline-ns %d", i, d.Nanoseconds(), e.Nanoseconds())
	}
	n := float64(i)
	b.ReportMetric(float64(p.Nanoseconds())/n, "project-ns/op")
	b.ReportMetric(float64(q.Nanoseconds())/n, "baseline-ns/op")
	if q > 0 {
		b.ReportMetric(float64(p)/float64(q), "x-baseline")
	}
	if i > 1 {
		b.Logf("project %s, baseline %s (median of %d)", median(ps), median(qs), i)
	}
}

// calls counts the calls of Compare per benchmark.
var calls sync.Map

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
