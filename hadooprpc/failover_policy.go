package hadooprpc

import (
	"context"
	"errors"
	"time"
)

// Failover defaults of an HDFS client (hdfs-default.xml).
const (
	DefaultFailoverSleepBase   = 500 * time.Millisecond // dfs.client.failover.sleep.base.millis
	DefaultFailoverSleepMax    = 15 * time.Second       // dfs.client.failover.sleep.max.millis
	DefaultFailoverMaxAttempts = 15                     // dfs.client.failover.max.attempts
	DefaultRetryMaxAttempts    = 10                     // dfs.client.retry.max.attempts
)

// RetryDecision is what a retry policy tells the caller to do next.
type RetryDecision int

const (
	RetryFail     RetryDecision = iota // give up and return the error
	RetrySame                          // retry on the same server
	RetryFailover                      // fail over to the next server, then retry
)

func (d RetryDecision) String() string {
	switch d {
	case RetrySame:
		return "RETRY"
	case RetryFailover:
		return "FAILOVER_AND_RETRY"
	}
	return "FAIL"
}

// RetryAction is a policy's answer: the decision, how long to sleep before
// the next attempt, and why it fails.
type RetryAction struct {
	Decision RetryDecision
	Delay    time.Duration
	Reason   string
}

// FailoverPolicy is Hadoop's RetryPolicies.failoverOnNetworkException with
// a TRY_ONCE_THEN_FAIL fallback, the policy an HDFS client puts on a
// nameservice's NameNodes (NameNodeProxiesClient.createHAProxy):
//
//   - StandbyException (and ObserverRetryOnActiveException, its subclass)
//     and failures to connect fail over to the next NameNode: at once the
//     first time, then after an exponential sleep with jitter;
//   - RetriableException retries the same NameNode, sleeping likewise
//     after the first retry;
//   - other local I/O failures (the request may or may not have run) fail
//     over at once if the method is idempotent or at-most-once, else fail;
//   - any other server exception fails.
//
// It is a pure function of its inputs; the jitter is passed in.
type FailoverPolicy struct {
	MaxFailovers int           // dfs.client.failover.max.attempts
	MaxRetries   int           // dfs.client.retry.max.attempts
	SleepBase    time.Duration // dfs.client.failover.sleep.base.millis
	SleepMax     time.Duration // dfs.client.failover.sleep.max.millis
}

// Decide returns the action after attempt number retries (0 for the first
// attempt) failed with err, failovers being how many failovers this call
// has made. jitter in [0,1) scales the sleep by 0.5 + jitter.
func (p FailoverPolicy) Decide(err error, retries, failovers int, idempotent bool, jitter float64) RetryAction {
	if failovers >= p.MaxFailovers {
		return RetryAction{Decision: RetryFail, Reason: "too many failovers"}
	}
	if retries-failovers > p.MaxRetries {
		return RetryAction{Decision: RetryFail, Reason: "too many retries"}
	}
	switch failoverClass(err) {
	case classFailover:
		return RetryAction{Decision: RetryFailover, Delay: p.sleep(failovers, jitter)}
	case classRetry:
		return RetryAction{Decision: RetrySame, Delay: p.sleep(retries, jitter)}
	case classNetwork:
		if idempotent {
			return RetryAction{Decision: RetryFailover}
		}
		return RetryAction{Decision: RetryFail,
			Reason: "the method is not idempotent and may or may not have run"}
	}
	return RetryAction{Decision: RetryFail, Reason: "the error is not retriable"}
}

// sleep is 0 for the first failover or retry, then
// min(base*2^n, max) * (0.5 + jitter) (RetryPolicies.calculateExponentialTime).
func (p FailoverPolicy) sleep(n int, jitter float64) time.Duration {
	if n == 0 {
		return 0
	}
	d := p.SleepMax
	if n < 62 && p.SleepBase <= p.SleepMax>>n {
		d = p.SleepBase << n
	}
	return time.Duration(float64(d) * (jitter + 0.5))
}

type errorClass int

const (
	classFail     errorClass = iota // do not retry
	classFailover                   // the server cannot serve the call; another may
	classRetry                      // the server asks to be retried
	classNetwork                    // local I/O failure after the request may have left
)

// failoverClass sorts an error the way failoverOnNetworkException does.
func failoverClass(err error) errorClass {
	var ce *ConnectError
	if errors.As(err, &ce) {
		return classFailover
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrClientClosed) {
		return classFail
	}
	var re *RemoteError
	if !errors.As(err, &re) {
		return classNetwork
	}
	switch re.Class {
	case ClassStandby, ClassObserverRetryOnActive:
		return classFailover
	case ClassRetriable:
		return classRetry
	}
	return classFail
}
