package namenode

import (
	"fmt"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// applier replays edit ops into a namespace, as FSEditLogLoader does: the
// namespace ops through the core's Apply, the id generators into IDs, and
// the RPC ids of at-most-once calls into the retry cache.
type applier struct {
	tree  *namespace.Tree
	ids   *IDs
	retry *RetryCache // nil: not rebuilt (a checkpoint's scratch namespace)
	super namespace.Op
	last  int64 // txid of the last op applied
}

func (a *applier) apply(op *editlog.Op) error {
	if op.TxID != editlog.InvalidTxID {
		a.last = op.TxID
	}
	switch op.Code {
	case editlog.OpStartLogSegment, editlog.OpEndLogSegment:
		return nil
	case editlog.OpSetGenstampV1:
		a.ids.GenStampV1 = op.GenStamp
		return nil
	case editlog.OpSetGenstampV2:
		a.ids.GenStampV2 = op.GenStamp
		return nil
	case editlog.OpAllocateBlockID:
		a.ids.LastBlockID = op.BlockID
		return nil
	}
	rec, ok := journal.FromOp(op)
	if !ok {
		return fmt.Errorf("namenode: edit %s (txid %d) is not supported by this version of hdfsd", op.Code, op.TxID)
	}
	if _, err := a.tree.Apply(rec); err != nil {
		return fmt.Errorf("namenode: replaying %s (txid %d) on %s: %w", op.Code, op.TxID, rec.Path, err)
	}
	if a.retry != nil && len(op.ClientID) == 16 && op.CallID >= 0 {
		a.retry.Add(op.ClientID, op.CallID, a.payload(&rec))
	}
	return nil
}

// payload is what a retried call gets back for an op replayed from the
// log: create's file status, true for the boolean calls.
func (a *applier) payload(rec *namespace.Record) any {
	switch rec.Kind {
	case namespace.KindAdd:
		st, err := a.tree.GetFileInfo(a.super, rec.Path, false)
		if err == nil && st != nil {
			return st
		}
		return nil
	case namespace.KindDelete, namespace.KindRename, namespace.KindRenameOld, namespace.KindSymlink:
		return true
	case namespace.KindCreateSnapshot:
		// The log holds the name the snapshot got, generated or not.
		return &namespace.Change{SnapshotPath: namespace.SnapshotPath(rec.Path, rec.Snapshot)}
	}
	return nil
}
