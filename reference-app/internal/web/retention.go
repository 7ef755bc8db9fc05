package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// RetentionInterval is how often the retention job runs: daily.
const RetentionInterval = 24 * time.Hour

// RetentionDelay is how long after start the first run waits, so that a
// starting instance (and a test of it) is not busy deleting.
const RetentionDelay = time.Hour

// LoadRetentionSettings reads the municipalities' own retention periods
// from a JSON file: {"<kommunenummer>": {"periods": {"<rule>": {"years":
// 1}}}}. Every municipality's periods are checked against the national
// rules (a statutory period can only be lengthened).
func LoadRetentionSettings(path string) (map[domain.Municipality]domain.RetentionSettings, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("retention settings: %w", err)
	}
	var out map[domain.Municipality]domain.RetentionSettings
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("retention settings %s: %w", path, err)
	}
	for m, s := range out {
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("retention settings %s: %q: %w", path, m, err)
		}
		if _, err := s.Rules(); err != nil {
			return nil, fmt.Errorf("retention settings %s: %s: %w", path, m, err)
		}
	}
	return out, nil
}

// Retain runs the retention job (domain.Retention) in every municipality
// served, with its own periods where RetentionSettings has them. It
// returns the results by municipality; a municipality that fails is
// logged and the others still run.
func (a *App) Retain(ctx context.Context) map[domain.Municipality][]domain.RetentionResult {
	out := map[domain.Municipality][]domain.RetentionResult{}
	for _, m := range a.Municipalities {
		rules, err := a.RetentionSettings[m].Rules()
		if err != nil {
			a.Log.Error("retention settings", "municipality", m, "err", err)
			continue
		}
		res, err := domain.Retention{Store: a.Store, Clock: a.Clock}.Run(ctx, m, rules)
		out[m] = res
		if err != nil && !errors.Is(err, context.Canceled) {
			a.Log.Error("retention", "municipality", m, "err", err)
		}
		for _, r := range res {
			if r.Count > 0 {
				a.Log.Info("retention", "municipality", m, "rule", r.Rule, "action", r.Action, "count", r.Count, "before", r.Cutoff.String())
			}
		}
	}
	return out
}

// RetainEvery runs Retain after delay and then every interval until ctx
// ends.
func (a *App) RetainEvery(ctx context.Context, delay, interval time.Duration) {
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a.Retain(ctx)
		t.Reset(interval)
	}
}
