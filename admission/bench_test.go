package admission

import "testing"

func benchmarkAllocate(b *testing.B, children, units, choices int) {
	r := generateRound(1, children, units, choices)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Allocate(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAllocate10k is the first size: 10,000 children, 300
// units, 5 choices (target under 10 ms/op and 2 MB/op).
func BenchmarkAllocate10k(b *testing.B) { benchmarkAllocate(b, 10000, 300, 5) }

// BenchmarkAllocate50k is the second size: 50,000 children, 1,500
// units, 10 choices (target under 100 ms/op).
func BenchmarkAllocate50k(b *testing.B) { benchmarkAllocate(b, 50000, 1500, 10) }
