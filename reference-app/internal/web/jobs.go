package web

import (
	"context"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// Periodic runs a background job after delay and then every interval until
// ctx ends. Every instance of the app runs its jobs; each run holds the
// store's lock of the job (domain.JobLocker), so that while one instance
// runs it the others skip their turn. The jobs do their work once however
// often they run (an offer lapses once, a reminder is sent once), so the
// work is done once across the instances.
//
// A job serves every municipality of the deployment, looping over them
// itself, so its store calls are made across municipalities: the explicit
// path past the database's wall between municipalities (postgres
// Options.Role), named by the job; the caller logs the jobs it starts.
func (a *App) Periodic(ctx context.Context, job string, delay, interval time.Duration, run func(ctx context.Context)) {
	ctx = domain.AcrossMunicipalities(ctx, job)
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ran, err := a.Store.RunLocked(ctx, job, "", func(ctx context.Context) error {
			run(ctx)
			return nil
		})
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Error("background job", "job", job, "err", err)
		case !ran:
			a.Log.Debug("background job run by another instance", "job", job)
		}
		t.Reset(interval)
	}
}

// SweepAttempts removes the login attempts counted in windows that ended
// (Limiter.Shared), for the whole deployment.
func (a *App) SweepAttempts(ctx context.Context) {
	if a.LoginLimiter == nil || a.LoginLimiter.Shared == nil {
		return
	}
	n, err := a.LoginLimiter.Shared.DeleteAttemptsBefore(ctx, a.Clock.Now().Add(-2*a.LoginLimiter.window))
	if err != nil {
		a.Log.Error("sweep login attempts", "err", err)
	} else if n > 0 {
		a.Log.Info("swept", "loginAttemptWindows", n)
	}
}
