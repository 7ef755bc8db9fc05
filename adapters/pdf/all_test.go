package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oppvekst/oppvekst/adapters/pdf"
	"github.com/oppvekst/oppvekst/adapters/pdf/pdftest"
	"github.com/oppvekst/oppvekst/domain"
)

// noLeak fails the test when goroutines started during it are still
// running shortly after it.
func noLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func numbered(i int) domain.Document {
	d := sampleInvoice(3 + i%5)
	d.Title = fmt.Sprintf("Faktura nummer %d", i)
	return d
}

func TestRenderAll(t *testing.T) {
	r, err := pdf.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("order", func(t *testing.T) {
		noLeak(t)
		const n = 23
		var got [][]byte
		var idx []int
		err := r.RenderAll(ctx, n, 3, created, func(i int) (domain.Document, error) {
			return numbered(i), nil
		}, func(i int, b []byte) error {
			idx = append(idx, i)
			got = append(got, bytes.Clone(b))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(idx) != n {
			t.Fatalf("%d writes, want %d", len(idx), n)
		}
		for k, i := range idx {
			if i != k {
				t.Fatalf("write %d got document %d; order %v", k, i, idx)
			}
			var want bytes.Buffer
			if err := r.Render(&want, numbered(i), created); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[k], want.Bytes()) {
				t.Errorf("document %d differs from Render's", i)
			}
		}
		if text := pdftest.Text(t, got[17]); !bytes.Contains([]byte(text), []byte("Faktura nummer 17")) {
			t.Errorf("document 17 is not number 17:\n%s", text)
		}
		pdftest.ValidatePDFA(t, got[n-1])
	})

	t.Run("doc error stops", func(t *testing.T) {
		noLeak(t)
		bad := errors.New("no such invoice")
		var calls atomic.Int32
		var idx []int
		err := r.RenderAll(ctx, 1000, 2, created, func(i int) (domain.Document, error) {
			calls.Add(1)
			if i == 7 {
				return domain.Document{}, bad
			}
			return numbered(i), nil
		}, func(i int, b []byte) error {
			idx = append(idx, i)
			return nil
		})
		var de *pdf.DocumentError
		if !errors.As(err, &de) || de.Index != 7 || !errors.Is(err, bad) {
			t.Fatalf("err = %v, want a DocumentError for 7 wrapping %v", err, bad)
		}
		if fmt.Sprint(idx) != "[0 1 2 3 4 5 6]" {
			t.Errorf("written %v, want 0 to 6", idx)
		}
		// at most 2×workers documents ahead of the one written
		if c := calls.Load(); c > 7+1+4 {
			t.Errorf("doc called %d times after failing at 7: did not stop", c)
		}
	})

	t.Run("write error stops", func(t *testing.T) {
		noLeak(t)
		full := errors.New("disk full")
		var idx []int
		err := r.RenderAll(ctx, 50, 2, created, func(i int) (domain.Document, error) {
			return numbered(i), nil
		}, func(i int, b []byte) error {
			idx = append(idx, i)
			if i == 4 {
				return full
			}
			return nil
		})
		var de *pdf.DocumentError
		if !errors.As(err, &de) || de.Index != 4 || !errors.Is(err, full) {
			t.Fatalf("err = %v, want a DocumentError for 4 wrapping %v", err, full)
		}
		if fmt.Sprint(idx) != "[0 1 2 3 4]" {
			t.Errorf("written %v, want 0 to 4", idx)
		}
	})

	t.Run("panic in doc is an error", func(t *testing.T) {
		noLeak(t)
		err := r.RenderAll(ctx, 5, 2, created, func(i int) (domain.Document, error) {
			if i == 2 {
				var m map[string]int
				m["x"]++ // panics: nil map
			}
			return numbered(i), nil
		}, func(int, []byte) error { return nil })
		var de *pdf.DocumentError
		if !errors.As(err, &de) || de.Index != 2 {
			t.Fatalf("err = %v, want a DocumentError for 2", err)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		noLeak(t)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var calls atomic.Int32
		var idx []int
		err := r.RenderAll(ctx, 1000, 2, created, func(i int) (domain.Document, error) {
			calls.Add(1)
			return numbered(i), nil
		}, func(i int, b []byte) error {
			idx = append(idx, i)
			if i == 3 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if fmt.Sprint(idx) != "[0 1 2 3]" {
			t.Errorf("written %v, want 0 to 3 and nothing after the cancel", idx)
		}
		if c := calls.Load(); c > 3+1+4+2 {
			t.Errorf("doc called %d times: did not stop at the cancel", c)
		}
	})

	t.Run("cancelled before", func(t *testing.T) {
		noLeak(t)
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		err := r.RenderAll(ctx, 10, 2, created, func(i int) (domain.Document, error) {
			t.Error("doc called")
			return numbered(i), nil
		}, func(int, []byte) error {
			t.Error("write called")
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})

	t.Run("counts", func(t *testing.T) {
		noLeak(t)
		none := func(int) (domain.Document, error) { t.Error("doc called"); return domain.Document{}, nil }
		if err := r.RenderAll(ctx, 0, 4, created, none, nil); err != nil {
			t.Errorf("n = 0: %v", err)
		}
		if err := r.RenderAll(ctx, -1, 4, created, none, nil); !errors.Is(err, pdf.ErrNegativeCount) {
			t.Errorf("n = -1: %v", err)
		}
		// workers < 1 means GOMAXPROCS; more workers than documents is fine
		for _, w := range []int{0, -3, 50} {
			var n int
			err := r.RenderAll(ctx, 3, w, created, func(i int) (domain.Document, error) { return numbered(i), nil },
				func(i int, b []byte) error { n++; return nil })
			if err != nil || n != 3 {
				t.Errorf("workers %d: %v, %d written", w, err, n)
			}
		}
	})
}

// ExampleRenderer_RenderAll renders a run of invoices on every core and
// writes them, in order, to one stream.
func ExampleRenderer_RenderAll() {
	r, err := pdf.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	payers := []string{"Åse Ørnsæter", "Kåre Ødegård", "Máhtte Ŋuvttis"}
	created := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	var out bytes.Buffer
	err = r.RenderAll(context.Background(), len(payers), 0, created,
		func(i int) (domain.Document, error) {
			return domain.Document{Kind: "invoice", Lang: "nb", Title: "Faktura",
				Recipient: domain.Party{Name: payers[i]}}, nil
		},
		func(i int, pdf []byte) error {
			fmt.Println(i, string(pdf[:8]))
			_, err := out.Write(pdf)
			return err
		})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 0 %PDF-1.4
	// 1 %PDF-1.4
	// 2 %PDF-1.4
}
