// Package ctxsleep is a sleep that a context can cut short.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits for d or until ctx ends, and returns ctx's error if it
// ended first. A d of zero or less only checks ctx.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
