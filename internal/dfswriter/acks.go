package dfswriter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/internal/ctxsleep"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// The goroutines a Writer starts and how the caller waits on them: the
// ack reader of each pipeline (DataStreamer.ResponseProcessor), with the
// failure it records for the caller to recover from, and the lease
// renewer.

// waitAcked waits until every packet sent has been acknowledged,
// recovering the pipeline as often as it breaks.
func (w *Writer) waitAcked(ctx context.Context) error {
	for {
		w.mu.Lock()
		empty, broken, ch := len(w.mu.queue) == 0, w.mu.failure != nil, w.mu.changed
		w.mu.Unlock()
		switch {
		case broken:
			if err := w.recover(ctx); err != nil {
				return err
			}
			continue
		case empty:
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// checkPipeline recovers the pipeline if it broke, until it works again.
func (w *Writer) checkPipeline(ctx context.Context) error {
	for {
		w.mu.Lock()
		broken := w.mu.failure != nil
		w.mu.Unlock()
		if !broken {
			return nil
		}
		if err := w.recover(ctx); err != nil {
			return err
		}
	}
}

// blame records the pipeline's failure and the node at fault, keeping
// the first of each.
func (w *Writer) blame(i int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mu.failure == nil {
		w.mu.failure = err
	}
	if w.mu.bad < 0 {
		w.mu.bad = i
	}
	w.notifyLocked()
}

func (w *Writer) notifyLocked() {
	close(w.mu.changed)
	w.mu.changed = make(chan struct{})
}

// startPipe makes p the pipeline and starts reading its acks.
func (w *Writer) startPipe(p *pipe) {
	w.pipe, w.pipeDone = p, make(chan struct{})
	go w.readAcks(p, w.pipeDone)
}

// stopPipe closes the pipeline and waits for its ack reader.
func (w *Writer) stopPipe() {
	if w.pipe == nil {
		return
	}
	w.pipe.closed.Store(true)
	w.pipe.conn.Close()
	<-w.pipeDone
	w.pipe, w.pipeDone = nil, nil
}

// readAcks is the ResponseProcessor: it pops the ack queue for each
// successful ack, in order, and blames the last node whose reply is not
// SUCCESS.
func (w *Writer) readAcks(p *pipe, done chan struct{}) {
	defer close(done)
	for {
		a, err := datatransfer.ReadAck(p.in)
		if p.closed.Load() {
			return
		}
		if err != nil {
			w.blame(0, fmt.Errorf("dfswriter: reading acks from %s: %w", p.conn.RemoteAddr(), err))
			return
		}
		for i := len(a.Replies) - 1; i >= 0; i-- {
			if st := a.Replies[i].Status(); st != hdfspb.Status_SUCCESS {
				w.blame(i, fmt.Errorf("dfswriter: bad response %v for seqno %d from datanode %d", st, a.Seqno, i))
				return
			}
		}
		if a.Seqno == datatransfer.HeartbeatSeqno {
			continue
		}
		w.mu.Lock()
		if len(w.mu.queue) == 0 || w.mu.queue[0].seqno != a.Seqno {
			w.mu.Unlock()
			w.blame(0, fmt.Errorf("dfswriter: ack for seqno %d, expected another", a.Seqno))
			return
		}
		one := w.mu.queue[0]
		w.mu.queue = w.mu.queue[1:]
		w.mu.acked = max(w.mu.acked, one.end())
		w.mu.recoveries = 0
		w.notifyLocked()
		w.mu.Unlock()
		if one.last {
			return
		}
	}
}

// renewLease renews the lease until Close (LeaseRenewer).
func (w *Writer) renewLease(ctx context.Context) {
	defer close(w.renewDone)
	ctxsleep.Every(ctx, w.opts.RenewInterval, func() {
		if err := w.nn.renewLease(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("dfswriter: renewing the lease", "client", w.nn.client, "err", err)
		}
	})
}

func (w *Writer) stopRenewal() {
	if w.renewStop != nil {
		w.renewStop()
		<-w.renewDone
		w.renewStop = nil
	}
}

// backoff calls fn until it is done, sleeping 400 ms, 800 ms, ... between
// tries while it answers false or NotReplicatedYetException, as
// DFSOutputStream.addBlock and completeFile do.
func backoff(ctx context.Context, fn func() (bool, error)) error {
	delay := locateInitialDelay
	for try := 0; ; try++ {
		done, err := fn()
		var re *hadooprpc.RemoteError
		retriable := err == nil || errors.As(err, &re) && re.Class == classNotReplicatedYet
		switch {
		case done && err == nil:
			return nil
		case !retriable:
			return err
		case try >= locateRetries:
			if err == nil {
				err = errors.New("dfswriter: the last block does not have enough replicas")
			}
			return err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
		delay *= 2
	}
}
