package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oppvekst/oppvekst/conformance/internal/speed"
)

// writeSpeedVector writes the generated vector of size s into a new vectors
// folder and returns the folder and the file.
func writeSpeedVector(tb testing.TB, s speed.Size) (dir, file string) {
	tb.Helper()
	data, err := speed.Generate(s, 20)
	if err != nil {
		tb.Fatal(err)
	}
	dir = tb.TempDir()
	file = filepath.Join(dir, filepath.FromSlash(s.ID())+".json")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir, file
}

// TestGeneratedVectorPasses runs a small generated round through the
// runner: the library and the bare baseline agree on it.
func TestGeneratedVectorPasses(t *testing.T) {
	dir, file := writeSpeedVector(t, speed.Size{Children: 500, Units: 20, Choices: 3})
	if code := run([]string{"-vectors", dir}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("runner exit %d on the generated vector", code)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if placed, err := speed.Solve(data); err != nil || placed == 0 {
		t.Fatalf("baseline: %d placed, %v", placed, err)
	}
}

// BenchmarkRunnerVsBaseline times the runner (in process: load, check,
// evaluate, compare) on the issue's 10,000 × 300 × 5 vector against the
// bare baseline (read the file, decode into plain structs, deferred
// acceptance, check expect), run alternately, and reports the ratio as
// x-baseline (the issue asks for at most 1.5 as whole processes; see
// scripts/conformance-speed).
func BenchmarkRunnerVsBaseline(b *testing.B) {
	dir, file := writeSpeedVector(b, speed.Issue20)
	var runner, baseline time.Duration
	for b.Loop() {
		t0 := time.Now()
		if code := run([]string{"-vectors", dir}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("runner exit %d", code)
		}
		t1 := time.Now()
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := speed.Solve(data); err != nil {
			b.Fatal(err)
		}
		runner += t1.Sub(t0)
		baseline += time.Since(t1)
	}
	b.ReportMetric(float64(runner)/1e6/float64(b.N), "runner-ms/op")
	b.ReportMetric(float64(baseline)/1e6/float64(b.N), "baseline-ms/op")
	b.ReportMetric(float64(runner)/float64(baseline), "x-baseline")
}
