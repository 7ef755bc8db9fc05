package storetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/internal/benchratio"
	"github.com/oppvekst/oppvekst/messaging"
)

// RunMemoryEnv is the environment variable that makes a test binary the
// process RunMemoryProcess measures: its value (a JSON runMemoryJob) names
// the store and the month to run.
const RunMemoryEnv = "OPPVEKST_RUN_MEMORY"

// RunMemoryProfileEnv, when set to a folder in the benchmark's
// environment, makes the measured process write heap profiles there:
// peak.pprof (at the largest Go heap it saw) and end.pprof (after the
// run); read them with go tool pprof -sample_index=inuse_space or
// alloc_space.
const RunMemoryProfileEnv = "OPPVEKST_RUN_MEMORY_PROFILE"

// OpenRunStore opens, in the measured process, the store a
// SeedRunStore wrote: addr is what it returned. close closes it.
type OpenRunStore func(ctx context.Context, addr string) (s InvoiceNoticeStore, close func() error, err error)

// SeedRunStore makes a new store in the benchmark process, loads p into it
// with load, closes it and returns its address for OpenRunStore (an SQLite
// file, a PostgreSQL URL and schema). What it made is removed when b
// ends.
type SeedRunStore func(b *testing.B, load func(InvoiceNoticeStore) error) (addr string)

// runMemoryJob is what the benchmark tells the measured process.
type runMemoryJob struct {
	Addr     string `json:"addr"`
	Month    string `json:"month"`    // YYYY-MM
	Invoices int    `json:"invoices"` // the run must make this many
	Profile  string `json:"profile,omitempty"`
}

// runMemoryReport is what the measured process answers, on one line of
// its standard output after runMemoryMark.
type runMemoryReport struct {
	// MaxRSS is the process's peak resident set size (maxRSS), bytes.
	MaxRSS int64 `json:"maxRSS"`
	// RSSStart is the peak resident set size when the process starts,
	// RSSBefore with the store opened, before the run.
	RSSStart  int64 `json:"rssStart"`
	RSSBefore int64 `json:"rssBefore"`
	// HeapPeak is the largest Go heap (live and not yet swept objects)
	// sampled every 2 ms, bytes; GoPeak the largest memory the Go runtime
	// held from the system (all classes but released heap).
	HeapPeak uint64 `json:"heapPeak"`
	GoPeak   uint64 `json:"goPeak"`
	// Status is what /proc/self/status says of the memory after the run
	// (VmRSS, RssAnon, RssFile, RssShmem), for a reader to see what the
	// resident set is made of.
	Status   string        `json:"status,omitempty"`
	Invoices int           `json:"invoices"`
	Elapsed  time.Duration `json:"elapsed"`
}

const runMemoryMark = "RUN-MEMORY "

// runMemoryRuns is how many processes an iteration of InvoiceRunMemory
// starts, one after the other on the same store (each run is cancelled
// after it is measured): the metrics are their smallest, median and
// largest. Run it with -benchtime=1x (a larger N seeds the store again).
const runMemoryRuns = 3

// InvoiceRunMemory measures the memory of an invoice run on its own: the
// population of the billing benchmark (NewBenchPopulation: 50,000
// children in 35,000 families, scaled by OPPVEKST_BENCH_SCALE) is written
// by seed into a store that is then closed, and each iteration starts
// three processes in turn (runMemoryRuns: this test binary again, with
// RunMemoryEnv set; the package's TestMain calls RunMemoryProcess), each
// of which opens the store, previews
// the run of September 2024 and approves it with the preview's
// fingerprint through billing.Service with messaging.Service raising the
// invoice notices, as the reference app does, and reports its peak
// resident set size and Go heap. The process then cancels the run, so the
// next one runs the same month. Reported: run-peak-RSS-MiB and
// heap-peak-MiB (the median of the processes), and
// RSS-before-MiB (the process with the store open, before the run); the
// -min and -max metrics are the smallest and largest of the processes.
func InvoiceRunMemory(b *testing.B, seed SeedRunStore) {
	n := benchratio.Scale(benchPupils, 50)
	families := n * benchFamilies / benchPupils
	ctx := context.Background()
	addr := seed(b, func(s InvoiceNoticeStore) error {
		p := NewBenchPopulation(Oslo, n, families)
		for i := range p.Guardians {
			p.Guardians[i].Email = fmt.Sprintf("forelder%d@example.no", i)
		}
		return p.Load(ctx, s)
	})
	job := runMemoryJob{Addr: addr, Month: "2024-09", Invoices: families, Profile: os.Getenv(RunMemoryProfileEnv)}
	arg, err := json.Marshal(job)
	must(b, err)
	var reps []runMemoryReport
	b.ResetTimer()
	for range b.N {
		for range runMemoryRuns {
			cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
			cmd.Env = append(os.Environ(), RunMemoryEnv+"="+string(arg))
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Run(); err != nil {
				b.Fatalf("the run's process: %v\n%s%s", err, out.String(), errOut.String())
			}
			rep, err := readRunMemoryReport(out.Bytes())
			if err != nil {
				b.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
			}
			if rep.Invoices != families {
				b.Fatalf("the run made %d invoices, want %d", rep.Invoices, families)
			}
			// Also on standard error at once: a full-size run takes minutes.
			msg := fmt.Sprintf("%d children: run peak RSS %.1f MiB (%.1f MiB at the start, %.1f MiB with the store open), Go heap peak %.1f MiB, Go memory peak %.1f MiB, %s; after it %s",
				n, mib(rep.MaxRSS), mib(rep.RSSStart), mib(rep.RSSBefore), mib(int64(rep.HeapPeak)), mib(int64(rep.GoPeak)), rep.Elapsed.Round(time.Millisecond), rep.Status)
			fmt.Fprintln(os.Stderr, b.Name()+": "+msg)
			b.Log(msg)
			reps = append(reps, rep)
		}
	}
	b.StopTimer()
	rss := func(r runMemoryReport) float64 { return mib(r.MaxRSS) }
	heap := func(r runMemoryReport) float64 { return mib(int64(r.HeapPeak)) }
	b.ReportMetric(smallest(reps, rss), "run-peak-RSS-min-MiB")
	b.ReportMetric(median(reps, rss), "run-peak-RSS-MiB")
	b.ReportMetric(largest(reps, rss), "run-peak-RSS-max-MiB")
	b.ReportMetric(smallest(reps, heap), "heap-peak-min-MiB")
	b.ReportMetric(median(reps, heap), "heap-peak-MiB")
	b.ReportMetric(largest(reps, heap), "heap-peak-max-MiB")
	b.ReportMetric(median(reps, func(r runMemoryReport) float64 { return mib(r.RSSBefore) }), "RSS-before-MiB")
	b.ReportMetric(float64(n), "children")
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func median(reps []runMemoryReport, f func(runMemoryReport) float64) float64 {
	vs := make([]float64, len(reps))
	for i, r := range reps {
		vs[i] = f(r)
	}
	slices.Sort(vs)
	if len(vs) == 0 {
		return 0
	}
	if len(vs)%2 == 1 {
		return vs[len(vs)/2]
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
}

func smallest(reps []runMemoryReport, f func(runMemoryReport) float64) float64 {
	m := 0.0
	for i, r := range reps {
		if v := f(r); i == 0 || v < m {
			m = v
		}
	}
	return m
}

func largest(reps []runMemoryReport, f func(runMemoryReport) float64) float64 {
	m := 0.0
	for _, r := range reps {
		m = max(m, f(r))
	}
	return m
}

func readRunMemoryReport(out []byte) (runMemoryReport, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line, ok := bytes.CutPrefix(sc.Bytes(), []byte(runMemoryMark)); ok {
			var r runMemoryReport
			err := json.Unmarshal(line, &r)
			return r, err
		}
	}
	return runMemoryReport{}, fmt.Errorf("the run's process reported nothing")
}

// RunMemoryProcess is the measured process of InvoiceRunMemory. Call it
// first thing in the TestMain of the package whose benchmark calls
// InvoiceRunMemory: without RunMemoryEnv it returns at once; with it, it
// runs the job, writes the report and exits (status 1 on an error), so
// no test runs in that process.
func RunMemoryProcess(open OpenRunStore) {
	v := os.Getenv(RunMemoryEnv)
	if v == "" {
		return
	}
	if err := runMemoryProcess(v, open); err != nil {
		fmt.Fprintln(os.Stderr, "run memory:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runMemoryProcess(arg string, open OpenRunStore) error {
	var job runMemoryJob
	if err := json.Unmarshal([]byte(arg), &job); err != nil {
		return err
	}
	mo, err := billing.ParseMonth(job.Month)
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := maxRSS()
	s, closeStore, err := open(ctx, job.Addr)
	if err != nil {
		return err
	}
	defer closeStore()
	runtime.GC()
	before := maxRSS()
	if job.Profile != "" {
		if err := writeHeapProfile(filepath.Join(job.Profile, "open.pprof")); err != nil {
			return err
		}
	}
	clk := domain.FixedClock(at(mo.First()+4, 9, 0))
	svc := &billing.Service{Store: s, Clock: clk, Settings: billing.DefaultSettings(),
		Notifier: &messaging.Service{Store: s, Clock: clk}}
	actor := domain.SystemActor(Oslo, "fakturering")
	stop := watchHeap(job.Profile)
	t0 := time.Now()
	p, err := svc.PreviewRun(ctx, actor, Oslo, mo)
	if err != nil {
		stop()
		return fmt.Errorf("preview: %w", err)
	}
	res, err := svc.ApproveRun(ctx, actor, Oslo, mo, p.Fingerprint)
	if err != nil {
		stop()
		return fmt.Errorf("approve: %w", err)
	}
	elapsed := time.Since(t0)
	heap, goPeak := stop()
	rep := runMemoryReport{MaxRSS: maxRSS(), RSSStart: start, RSSBefore: before, HeapPeak: heap, GoPeak: goPeak,
		Invoices: res.Run.Invoices, Elapsed: elapsed, Status: memoryStatus()}
	if job.Profile != "" {
		if err := writeHeapProfile(filepath.Join(job.Profile, "end.pprof")); err != nil {
			return err
		}
	}
	line, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	fmt.Println(runMemoryMark + string(line))
	// Measured; the run is undone so that the next process runs the same
	// month.
	_, _, err = svc.CancelRun(ctx, domain.Actor{Role: domain.RoleCaseworker, Municipality: Oslo, Subject: "benchmark", Name: "Benchmark"},
		Oslo, mo, "benchmark: the month is run again")
	return err
}

// maxRSS is the process's peak resident set size in bytes: VmHWM of
// /proc/self/status, the high-water mark of this process image's memory.
// Not getrusage's ru_maxrss: Linux carries that over an exec from the
// process that started it (here the benchmark, holding the population it
// seeded), so a child's ru_maxrss is never below its parent's at the
// fork. Elsewhere than Linux it is ru_maxrss all the same.
func maxRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024
}

// memoryStatus is the resident set's lines of /proc/self/status (empty
// elsewhere than Linux).
func memoryStatus() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "Rss") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(out, ", ")
}

// watchHeap samples the Go heap every 2 ms until stopped; stop returns
// the largest heap (live and unswept objects) and the largest memory the
// runtime held. With a folder, a heap profile is written to
// folder/peak.pprof whenever the heap has grown by a tenth since the last.
func watchHeap(folder string) (stop func() (heap, total uint64)) {
	ss := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"}}
	var (
		mu                sync.Mutex
		heapMax, totalMax uint64
		profiled          uint64
	)
	sample := func() {
		metrics.Read(ss)
		h, t := ss[0].Value.Uint64(), ss[1].Value.Uint64()-ss[2].Value.Uint64()
		mu.Lock()
		heapMax, totalMax = max(heapMax, h), max(totalMax, t)
		mu.Unlock()
		if folder != "" && h > profiled+profiled/10 {
			profiled = h
			_ = writeHeapProfile(filepath.Join(folder, "peak.pprof"))
		}
	}
	sample()
	stopTicks := every(2*time.Millisecond, sample)
	return func() (uint64, uint64) {
		stopTicks()
		sample()
		mu.Lock()
		defer mu.Unlock()
		return heapMax, totalMax
	}
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
