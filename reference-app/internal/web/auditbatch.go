package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/oppvekst/oppvekst/domain"
)

// auditBatch writes the audit entries of reads with group commit: requests
// that arrive while a batch is being written wait for the next one, which
// writes all their entries in one transaction. A request has one entry,
// however many children it listed (domain.NewListAuditEntry), and a store
// writes it in one statement. Each request still waits
// until its entries are committed, so no child data is served unlogged,
// but a store with one writer (SQLite) commits once per batch instead of
// once per request.
type auditBatch struct {
	store domain.Store
	log   domain.AuditLog

	mu      sync.Mutex
	pending []domain.AuditEntry
	waiters []chan error
	running bool
}

func newAuditBatch(store Store) *auditBatch { return &auditBatch{store: store, log: store} }

// append writes the entry and returns when it is committed.
func (b *auditBatch) append(ctx context.Context, e domain.AuditEntry) error {
	done := make(chan error, 1)
	b.mu.Lock()
	b.pending = append(b.pending, e)
	b.waiters = append(b.waiters, done)
	if !b.running {
		b.running = true
		go b.flush()
	}
	b.mu.Unlock()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush writes batches until nothing is pending.
func (b *auditBatch) flush() {
	for {
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		entries, waiters := b.pending, b.waiters
		b.pending, b.waiters = nil, nil
		b.mu.Unlock()
		// One batch holds the entries of every municipality's requests:
		// the explicit path past the database's wall (each entry names its
		// own municipality, from its request's actor).
		ctx := domain.AcrossMunicipalities(context.Background(), "audit group commit")
		err := b.store.Atomic(ctx, func(ctx context.Context) error {
			for _, e := range entries {
				if err := b.log.AppendAudit(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			err = fmt.Errorf("audit: %w", err)
		}
		for _, w := range waiters {
			w <- err
		}
	}
}
