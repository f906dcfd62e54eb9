package hadooprpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

// The policy an HDFS client puts on a nameservice
// (RetryPolicies.failoverOnNetworkException(TRY_ONCE_THEN_FAIL, 15, 10,
// 500ms, 15s)), case by case. jitter 0.5 makes the sleep exactly
// min(500ms * 2^n, 15s).
func TestFailoverPolicy(t *testing.T) {
	p := FailoverPolicy{MaxFailovers: 15, MaxRetries: 10, SleepBase: 500 * time.Millisecond, SleepMax: 15 * time.Second}
	standby := &RemoteError{Class: ClassStandby, Message: "Operation category READ is not supported in state standby"}
	observer := &RemoteError{Class: ClassObserverRetryOnActive, Message: "retry on active"}
	retriable := &RemoteError{Class: ClassRetriable, Message: "NameNode still not started"}
	notFound := &RemoteError{Class: ClassFileNotFound, Message: "/x"}
	fatal := &RemoteError{Class: ClassAccessControl, Message: "not authorized", Fatal: true}
	refused := &ConnectError{Addr: "nn1:8020", Err: errRefused}
	reset := fmt.Errorf("hadooprpc: reading response from nn1:8020: %w", io.ErrUnexpectedEOF)
	for _, tc := range []struct {
		name               string
		err                error
		retries, failovers int
		idempotent         bool
		jitter             float64
		want               RetryDecision
		wantDelay          time.Duration
	}{
		{"standby: first failover is immediate", standby, 0, 0, true, 0.5, RetryFailover, 0},
		{"standby: second failover sleeps base*2", standby, 1, 1, true, 0.5, RetryFailover, time.Second},
		{"standby: third failover sleeps base*4", standby, 2, 2, true, 0.5, RetryFailover, 2 * time.Second},
		{"standby: sleep is capped at max", standby, 6, 6, true, 0.5, RetryFailover, 15 * time.Second},
		{"standby: jitter 0 halves the sleep", standby, 3, 3, true, 0, RetryFailover, 2 * time.Second},
		{"standby: jitter near 1 adds half", standby, 3, 3, true, 0.999, RetryFailover, 5996 * time.Millisecond},
		{"standby fails over even for non-idempotent calls", standby, 0, 0, false, 0.5, RetryFailover, 0},
		{"wrapped standby", fmt.Errorf("hadooprpc: getFileInfo: %w", standby), 0, 0, true, 0.5, RetryFailover, 0},
		{"observer asks for the active", observer, 0, 0, false, 0.5, RetryFailover, 0},
		{"connect refused fails over", refused, 1, 1, false, 0.5, RetryFailover, time.Second},
		{"retriable: first retry is immediate", retriable, 0, 0, false, 0.5, RetrySame, 0},
		{"retriable: sleeps by retries", retriable, 3, 0, false, 0.5, RetrySame, 4 * time.Second},
		{"reset mid-call, idempotent: fail over at once", reset, 2, 2, true, 0.5, RetryFailover, 0},
		{"reset mid-call, not idempotent: fail", reset, 0, 0, false, 0.5, RetryFail, 0},
		{"application error fails", notFound, 0, 0, true, 0.5, RetryFail, 0},
		{"fatal server error fails", fatal, 0, 0, true, 0.5, RetryFail, 0},
		{"caller cancelled", context.Canceled, 0, 0, true, 0.5, RetryFail, 0},
		{"caller deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), 0, 0, true, 0.5, RetryFail, 0},
		{"client closed", ErrClientClosed, 0, 0, true, 0.5, RetryFail, 0},
		{"15 failovers are the limit", standby, 15, 15, true, 0.5, RetryFail, 0},
		{"14 failovers may fail over again", standby, 14, 14, true, 0.5, RetryFailover, 15 * time.Second},
		{"10 retries beyond failovers are the limit", retriable, 11, 0, true, 0.5, RetryFail, 0},
		{"retries count beyond failovers only", retriable, 12, 2, true, 0.5, RetrySame, 15 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := p.Decide(tc.err, tc.retries, tc.failovers, tc.idempotent, tc.jitter)
			if got.Decision != tc.want || got.Delay != tc.wantDelay {
				t.Errorf("Decide = %v after %v, want %v after %v (%s)", got.Decision, got.Delay, tc.want, tc.wantDelay, got.Reason)
			}
			if (got.Decision == RetryFail) != (got.Reason != "") {
				t.Errorf("reason %q for %v", got.Reason, got.Decision)
			}
		})
	}
}

// The exponential sleep saturates instead of overflowing.
func TestFailoverPolicySleepSaturates(t *testing.T) {
	p := FailoverPolicy{SleepBase: 500 * time.Millisecond, SleepMax: 15 * time.Second}
	for _, n := range []int{30, 62, 63, 64, 1000} {
		if d := p.sleep(n, 0.5); d != 15*time.Second {
			t.Errorf("sleep(%d) = %v, want 15s", n, d)
		}
	}
	if !errors.Is(&ConnectError{Err: errRefused}, errRefused) {
		t.Error("ConnectError does not unwrap")
	}
}
