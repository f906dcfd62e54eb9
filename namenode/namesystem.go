package namenode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/nnimage"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/qjournal/client"
)

// EditLog is what the namesystem needs of its edit log: Append assigns
// txids and buffers ops (called under the namesystem's write lock so that
// txid order is apply order); Sync returns once every op up to txid is
// durable (group commit, outside the lock).
type EditLog interface {
	Append(ops ...*editlog.Op) (lastTxID int64, err error)
	Sync(ctx context.Context, txid int64) error
}

// Namesystem is FSNamesystem without blocks: the namespace core, its edit
// log, leases, the retry cache, safe mode, and the id generators. Reads go
// straight to the namespace (sharded locks); mutations are ordered by mu,
// which covers applying a change and appending its edits, and are
// acknowledged after their edits are synced.
type Namesystem struct {
	cfg         Config
	log         *slog.Logger
	now         func() time.Time
	tree        *namespace.Tree
	leases      *Leases
	retry       *RetryCache
	groups      *Groups
	safe        *SafeMode
	host        string
	blockPoolID string
	version     storage.Version // the storage's identity, for DataNodes
	bs          *blockSide      // block manager and DataNode state
	shared      *client.Manager // the JournalNodes' shared edit log; nil when none

	mu   sync.Mutex // orders mutations and their edits
	elog EditLog
	ckpt *checkpointer
	meta nnimage.Meta // the loaded image's metadata, carried into new images
	ids  IDs          // guarded by mu
	// toOps turns a mutation's records into edit ops, which Append encodes
	// before mu is released (so they may live in scratch, reused).
	toOps   func(recs []namespace.Record, clientID []byte, callID int32) ([]*editlog.Op, error)
	scratch []editlog.Op  // guarded by mu
	opPtrs  []*editlog.Op // guarded by mu

	// fatal is called when the edit log can no longer be written: the
	// NameNode must stop (Hadoop terminates it).
	fatal func(error)
}

// IDs are the NameNode's generators: the last generation stamp and the
// last block id handed out, as the image's NameSystemSection keeps them.
type IDs struct {
	GenStampV1, GenStampV2, GenStampV1Limit int64
	LastBlockID                             int64
	LastStripedBlockID                      int64
}

// errSafeMode builds Hadoop's SafeModeException for an operation refused
// in safe mode: "<what>. Name node is in safe mode.\n<tip>\nNamenodeHostName:<host>".
func (n *Namesystem) errSafeMode(what string) error {
	return &hadooprpc.RemoteError{Class: classSafeMode,
		Message: what + ". Name node is in safe mode.\n" + n.safe.Tip() + "\nNamenodeHostName:" + n.host}
}

const classSafeMode = "org.apache.hadoop.hdfs.server.namenode.SafeModeException"

// opFor describes the caller of ctx for the namespace: its user, its
// groups and the time.
func (n *Namesystem) opFor(ctx context.Context) (namespace.Op, hadooprpc.Caller) {
	c, _ := hadooprpc.CallerFromContext(ctx)
	u := c.User
	if u == "" {
		u = n.cfg.User
	}
	return namespace.Op{User: u, Groups: n.groups.Of(u), Now: n.now().UnixMilli()}, c
}

// mutation describes one namespace-changing call.
type mutation struct {
	// what names the operation in a SafeModeException ("Cannot create
	// directory /a"); empty when the call is allowed in safe mode.
	what string
	// atMostOnce marks calls the retry cache covers (Hadoop's @AtMostOnce).
	atMostOnce bool
}

// mutate runs fn (which changes the namespace and may allocate ids) under
// the write lock, logs its records, and waits for them to be durable. The
// payload is what a retried call gets back from the retry cache.
func (n *Namesystem) mutate(ctx context.Context, m mutation,
	fn func(op namespace.Op, ids *IDs) (*namespace.Change, []*editlog.Op, any, error)) (any, error) {
	op, caller := n.opFor(ctx)
	var rc *RetryCall
	if m.atMostOnce && n.retry != nil {
		call, payload, hit, err := n.retry.Begin(ctx, caller.ClientID, caller.CallID)
		if err != nil {
			return nil, err
		}
		if hit {
			return payload, nil
		}
		rc = call
	}
	payload, txid, err := n.apply(m, op, caller, fn)
	if txid > 0 {
		// The sync is not the caller's to cancel: once applied, a change
		// must reach the disk or stop the NameNode.
		if serr := n.elog.Sync(context.Background(), txid); serr != nil {
			n.failed(serr)
			rc.Done(false, nil)
			return nil, fmt.Errorf("%w: edit log sync failed: %v", hadooprpc.ErrIO, serr)
		}
	}
	rc.Done(err == nil, payload)
	return payload, err
}

func (n *Namesystem) apply(m mutation, op namespace.Op, caller hadooprpc.Caller,
	fn func(op namespace.Op, ids *IDs) (*namespace.Change, []*editlog.Op, any, error)) (any, int64, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if m.what != "" && n.safe.On() {
		return nil, 0, n.errSafeMode(m.what)
	}
	ids := n.ids
	ch, pre, payload, err := fn(op, &ids)
	var ops []*editlog.Op
	ops = append(ops, pre...)
	if ch != nil && len(ch.Records) > 0 {
		clientID, callID := []byte(nil), editlog.NoCallID
		if m.atMostOnce {
			clientID, callID = caller.ClientID, caller.CallID
		}
		recOps, terr := n.toOps(ch.Records, clientID, callID)
		if terr != nil {
			// The change is applied but cannot be logged: the namespace
			// and the log disagree, which the NameNode must not survive.
			n.failed(terr)
			return nil, 0, terr
		}
		ops = append(ops, recOps...)
	}
	if len(ops) == 0 {
		return payload, 0, err
	}
	n.ids = ids
	txid, aerr := n.elog.Append(ops...)
	if aerr != nil {
		n.failed(aerr)
		return nil, 0, fmt.Errorf("%w: edit log append failed: %v", hadooprpc.ErrIO, aerr)
	}
	if ch != nil {
		n.afterChange(ch)
	}
	return payload, txid, err
}

// afterChange updates the lease table and the blocks map for what a
// change removed: the blocks of deleted files leave the map and their
// replicas are scheduled for deletion.
func (n *Namesystem) afterChange(ch *namespace.Change) {
	for _, id := range ch.Removed.LeaseIDs {
		n.leases.Remove(id)
	}
	if n.bs != nil {
		n.bs.removeBlocks(ch.Removed.Blocks)
	}
}

func (n *Namesystem) failed(err error) {
	n.log.Error("edit log failed; the NameNode must stop", "err", err)
	if n.fatal != nil {
		n.fatal(err)
	}
}

// isNotFound reports a namespace FileNotFound.
func isNotFound(err error) bool { return errors.Is(err, namespace.ErrFileNotFound) }

// scratchOps translates records into ops held in n.scratch; the caller
// holds mu and appends them to the edit log before releasing it.
func (n *Namesystem) scratchOps(recs []namespace.Record, clientID []byte, callID int32) ([]*editlog.Op, error) {
	if cap(n.scratch) < len(recs) {
		n.scratch = make([]editlog.Op, len(recs))
	}
	n.scratch = n.scratch[:len(recs)]
	ops := n.opPtrs[:0]
	rpc := journal.RPCID{ClientID: clientID, CallID: callID}
	for i := range recs {
		if err := journal.ToOpInto(&n.scratch[i], &recs[i], rpc); err != nil {
			return nil, err
		}
		ops = append(ops, &n.scratch[i])
	}
	n.opPtrs = ops
	return ops, nil
}
