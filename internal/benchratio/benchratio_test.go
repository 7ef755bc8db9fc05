package benchratio

import (
	"testing"
	"time"
)

// TestCompareLoopsOnce checks that Compare runs the benchmark's set-up
// once for N pairs (b.Loop), alternates which side goes first, and times
// only what the sides do not stop their watch for.
func TestCompareLoopsOnce(t *testing.T) {
	setups, order := 0, ""
	res := testing.Benchmark(func(b *testing.B) {
		setups++
		Compare(b, func(b *testing.B, w *Watch) {
			order += "p"
			time.Sleep(4 * time.Millisecond)
			w.Stop()
			time.Sleep(20 * time.Millisecond) // untimed clean-up
		}, func(b *testing.B, w *Watch) {
			order += "q"
			time.Sleep(2 * time.Millisecond)
		})
	})
	if setups != 1 && res.N > 1 {
		t.Errorf("the benchmark function ran %d times for %d pairs", setups, res.N)
	}
	if len(order) != 2*res.N {
		t.Fatalf("%d sides for %d pairs", len(order), res.N)
	}
	for i := 0; i+3 < len(order); i += 2 {
		if order[i] == order[i+2] {
			t.Fatalf("pairs %d and %d start with the same side: %s", i/2+1, i/2+2, order)
		}
	}
	r := res.Extra["x-baseline"]
	if r < 1.5 || r > 3.5 {
		t.Errorf("ratio %.2f, want about 2 (4 ms against 2 ms; the 20 ms clean-up untimed)", r)
	}
}
