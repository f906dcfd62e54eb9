package namenode

import (
	"context"
	"sync"
	"time"
)

// RetryCache is Hadoop's RetryCache (dfs.namenode.enable.retrycache): a
// non-idempotent call retried by a client (same client id and call id)
// gets its first result instead of running again. A retry of a call still
// running waits for it; a retry of a call that failed runs again.
type RetryCache struct {
	ttl time.Duration
	now func() time.Time

	max int

	mu      sync.Mutex
	entries map[retryKey]*retryEntry
	order   []retryKey // finished entries, oldest first
	head    int
}

type retryKey struct {
	client [16]byte
	call   int32
}

type retryEntry struct {
	done    chan struct{}
	ok      bool
	payload any
	expires time.Time
}

// NewRetryCache returns a cache keeping results for ttl
// (dfs.namenode.retrycache.expirytime.millis, 10 minutes) and at most max
// finished entries, the oldest going first (Hadoop bounds its cache by
// dfs.namenode.retrycache.heap.percent of the heap).
func NewRetryCache(ttl time.Duration, max int) *RetryCache {
	return &RetryCache{ttl: ttl, max: max, now: time.Now, entries: map[retryKey]*retryEntry{}}
}

func keyOf(clientID []byte, callID int32) (retryKey, bool) {
	var k retryKey
	if len(clientID) != len(k.client) || callID < 0 {
		return k, false
	}
	copy(k.client[:], clientID)
	k.call = callID
	return k, true
}

// RetryCall is one call's claim on its entry.
type RetryCall struct {
	c   *RetryCache
	key retryKey
	e   *retryEntry
}

// Begin looks the call up. When an earlier attempt succeeded it returns
// (nil, payload, true). Otherwise it returns a claim the caller must end
// with Done (after waiting for an attempt still running). A call without a
// usable client id is not cached: the claim is nil and Done is a no-op.
func (c *RetryCache) Begin(ctx context.Context, clientID []byte, callID int32) (*RetryCall, any, bool, error) {
	if c == nil {
		return nil, nil, false, nil
	}
	k, ok := keyOf(clientID, callID)
	if !ok {
		return nil, nil, false, nil
	}
	for {
		now := c.now()
		c.mu.Lock()
		c.expire(now)
		e := c.entries[k]
		if e == nil || (isClosed(e.done) && !e.ok) {
			ne := &retryEntry{done: make(chan struct{})}
			c.entries[k] = ne
			c.mu.Unlock()
			return &RetryCall{c, k, ne}, nil, false, nil
		}
		c.mu.Unlock()
		select {
		case <-e.done:
			if e.ok {
				return nil, e.payload, true, nil
			}
		case <-ctx.Done():
			return nil, nil, false, ctx.Err()
		}
	}
}

// Done records the attempt's outcome.
func (r *RetryCall) Done(ok bool, payload any) {
	if r == nil {
		return
	}
	r.c.mu.Lock()
	r.e.ok, r.e.payload, r.e.expires = ok, payload, r.c.now().Add(r.c.ttl)
	close(r.e.done)
	if ok {
		r.c.order = append(r.c.order, r.key)
	} else {
		delete(r.c.entries, r.key)
	}
	r.c.mu.Unlock()
}

// Add records a successful call found in the edit log, as Hadoop rebuilds
// its cache while loading edits.
func (c *RetryCache) Add(clientID []byte, callID int32, payload any) {
	if c == nil {
		return
	}
	k, ok := keyOf(clientID, callID)
	if !ok {
		return
	}
	done := make(chan struct{})
	close(done)
	c.mu.Lock()
	c.entries[k] = &retryEntry{done: done, ok: true, payload: payload, expires: c.now().Add(c.ttl)}
	c.order = append(c.order, k)
	c.expire(c.now())
	c.mu.Unlock()
}

// Len is the number of entries.
func (c *RetryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// expire drops finished entries past their time or beyond the bound.
// Entries finish in order of expiry, so only the front is looked at.
func (c *RetryCache) expire(now time.Time) {
	for c.head < len(c.order) {
		k := c.order[c.head]
		e := c.entries[k]
		if e != nil && isClosed(e.done) && now.Before(e.expires) && len(c.order)-c.head <= c.max {
			break
		}
		if e != nil && isClosed(e.done) {
			delete(c.entries, k)
		}
		c.head++
	}
	if c.head > 1024 && c.head*2 > len(c.order) {
		c.order = append(c.order[:0], c.order[c.head:]...)
		c.head = 0
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
