package conformance

import (
	"context"
	"testing"

	"github.com/oppvekst/oppvekst/conformance/internal/speed"
)

// BenchmarkLargeAllocation times the runner's steps on the issue 20 vector
// (10,000 children × 300 units × 5 choices), in process: reading the file,
// evaluating the input (decoding, allocating, writing the whole answer),
// comparing the whole answer with expect, and checking the vector as the
// runner does (the answer written for expect, then compared).
func BenchmarkLargeAllocation(b *testing.B) {
	data, err := speed.Generate(speed.Issue20, 20)
	if err != nil {
		b.Fatal(err)
	}
	v, err := DecodeVector(data, "")
	if err != nil {
		b.Fatal(err)
	}
	ev := Local()
	out, err := ev.Evaluate(context.Background(), v.Kind, v.Input)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeVector(data, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("evaluate", func(b *testing.B) {
		for b.Loop() {
			if _, err := ev.Evaluate(context.Background(), v.Kind, v.Input); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			if m := Compare(v.Expect, out); m != nil {
				b.Fatal(m)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			if r := Check(context.Background(), ev, v); !r.OK {
				b.Fatal(r.Detail)
			}
		}
	})
}
