package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// DocumentError is the error RenderAll returns when document Index could
// not be made (doc failed), rendered, or written (write failed). Err is
// the cause.
type DocumentError struct {
	Index int
	Err   error
}

func (e *DocumentError) Error() string { return fmt.Sprintf("pdf: document %d: %v", e.Index, e.Err) }

func (e *DocumentError) Unwrap() error { return e.Err }

// ErrNegativeCount is returned by RenderAll for n < 0.
var ErrNegativeCount = errors.New("pdf: negative document count")

// RenderAll renders documents 0 to n-1 as Render does, on
// workers goroutines (runtime.GOMAXPROCS(0) when workers < 1, never more
// than n), all with the creation instant created.
//
// doc(i) gives document i; it is called from the worker goroutines, at
// the same time for different i, so it must be safe for concurrent use.
// write(i, pdf) receives the PDF of document i; it is called on the
// goroutine that called RenderAll, one call at a time, in index order
// 0, 1, 2, ..., so it needs no locking and may write to one file or
// stream. pdf is valid only during the call (its buffer is reused):
// copy it to keep it. At most 2×workers documents are rendered ahead of
// the one being written, so memory does not grow with n.
//
// RenderAll stops at the first failure in index order: when doc, Render
// or write fails for document i, every document before i has been
// written, none after it will be, and the error is a *DocumentError for
// i. When ctx is cancelled it stops and returns ctx.Err(); a document
// already being rendered is finished first (Render takes milliseconds).
// Either way every goroutine it started has ended when it returns. A
// panic in doc or Render is returned as a DocumentError, not raised.
func (r *Renderer) RenderAll(ctx context.Context, n, workers int, created time.Time,
	doc func(i int) (domain.Document, error), write func(i int, pdf []byte) error) error {
	if n < 0 {
		return ErrNegativeCount
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	window := 2 * workers

	type result struct {
		buf *bytes.Buffer
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()

	// tokens holds one token for every document handed out and not yet
	// written: at most window, so document i and i+window are never both
	// pending and slots[i%window] holds at most one result.
	tokens := make(chan struct{}, window)
	slots := make([]chan result, window)
	for k := range slots {
		slots[k] = make(chan result, 1)
	}
	jobs := make(chan int)
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}

	wg.Add(1)
	go func() { // hands out the indices in order
		defer wg.Done()
		defer close(jobs)
		for i := 0; i < n; i++ {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	renderOne := func(i int) (buf *bytes.Buffer, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		d, err := doc(i)
		if err != nil {
			return nil, err
		}
		buf = pool.Get().(*bytes.Buffer)
		buf.Reset()
		if err := r.Render(buf, d, created); err != nil {
			pool.Put(buf)
			return nil, err
		}
		return buf, nil
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var i int
				select {
				case <-ctx.Done():
					return
				case j, ok := <-jobs:
					if !ok {
						return
					}
					i = j
				}
				buf, err := renderOne(i)
				slots[i%window] <- result{buf, err} // never blocks: see tokens
			}
		}()
	}

	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil { // no write after a cancel is seen
			return err
		}
		var res result
		select {
		case res = <-slots[i%window]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if res.err != nil {
			return &DocumentError{Index: i, Err: res.err}
		}
		err := write(i, res.buf.Bytes())
		pool.Put(res.buf)
		if err != nil {
			return &DocumentError{Index: i, Err: err}
		}
		<-tokens
	}
	return nil
}
