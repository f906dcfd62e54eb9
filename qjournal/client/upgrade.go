package client

import (
	"context"
	"fmt"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

// The upgrade and rollback calls of QuorumJournalManager. Unlike writes,
// each needs every JournalNode: Hadoop waits for all of them (within
// dfs.qjm.operations.timeout) and fails if any one failed, and the calls
// with an answer fail unless all answers are equal.
//
// The NameNode drives them as FSImage does:
//
//	namenode -upgrade:    DoPreUpgrade, (save the new image), DoUpgrade(new storage info)
//	namenode -rollback:   CanRollBack(storage, prev, LV) on every journal, then DoRollback
//	finalizeUpgrade:      DoFinalize
//	rolling-upgrade rollback: DiscardSegments(first txid after the rollback image)

// StorageInfo is a journal's storage identity (StorageInfoProto).
type StorageInfo struct {
	LayoutVersion int32
	NamespaceID   uint32
	ClusterID     string
	CTime         uint64
}

// Storage is the storage part of n.
func (n NamespaceInfo) Storage() StorageInfo {
	return StorageInfo{LayoutVersion: n.LayoutVersion, NamespaceID: n.NamespaceID, ClusterID: n.ClusterID, CTime: n.CTime}
}

func (s StorageInfo) proto() *hdfspb.StorageInfoProto {
	return &hdfspb.StorageInfoProto{LayoutVersion: proto.Uint32(uint32(s.LayoutVersion)),
		NamespceID: proto.Uint32(s.NamespaceID), ClusterID: proto.String(s.ClusterID), CTime: proto.Uint64(s.CTime)}
}

// Admin is one JournalNode's upgrade and rollback calls (the rest of
// AsyncLogger). Channel implements it; a Logger without it fails them.
type Admin interface {
	DoPreUpgrade(ctx context.Context) error
	DoUpgrade(ctx context.Context, si StorageInfo) error
	DoFinalize(ctx context.Context) error
	CanRollBack(ctx context.Context, si, prev StorageInfo, targetLV int32) (bool, error)
	DoRollback(ctx context.Context) error
	DiscardSegments(ctx context.Context, startTxID uint64) error
	GetJournalCTime(ctx context.Context) (int64, error)
}

// onAll runs fn on every node's Admin and fails unless all succeed.
func (m *Manager) onAll(ctx context.Context, op, what string, fn func(ctx context.Context, i int, a Admin) error) error {
	t := m.parallel(ctx, func(ctx context.Context, i int, l Logger) error {
		a, ok := l.(Admin)
		if !ok {
			return unsupported(op)
		}
		return fn(ctx, i, a)
	})
	if !t.AllSucceeded() {
		return fmt.Errorf("qjournal: %s: %w", what, m.quorumErr(t, op))
	}
	return nil
}

// allEqual is onAll for a call with an answer: the one answer all nodes
// gave.
func allEqual[T comparable](ctx context.Context, m *Manager, op, what string, fn func(ctx context.Context, a Admin) (T, error)) (T, error) {
	var mu sync.Mutex
	got := map[int]T{}
	err := m.onAll(ctx, op, what, func(ctx context.Context, i int, a Admin) error {
		v, err := fn(ctx, a)
		if err == nil {
			mu.Lock()
			got[i] = v
			mu.Unlock()
		}
		return err
	})
	var first T
	if err != nil {
		return first, err
	}
	for i := range m.loggers {
		if i == 0 {
			first = got[0]
		} else if got[i] != first {
			return first, fmt.Errorf("qjournal: Results differed for %s: %s answered %v, %s answered %v",
				op, m.loggers[0].Name(), first, m.loggers[i].Name(), got[i])
		}
	}
	return first, nil
}

// DoPreUpgrade sets every journal's current/ aside (before the NameNode
// saves its upgraded image).
func (m *Manager) DoPreUpgrade(ctx context.Context) error {
	return m.onAll(ctx, "doPreUpgrade", "Could not do pre-upgrade of one or more JournalNodes",
		func(ctx context.Context, _ int, a Admin) error { return a.DoPreUpgrade(ctx) })
}

// DoUpgrade completes the upgrade on every journal with the NameNode's
// new storage info (its layout version and cTime are taken).
func (m *Manager) DoUpgrade(ctx context.Context, si StorageInfo) error {
	return m.onAll(ctx, "doUpgrade", "Could not perform upgrade of one or more JournalNodes",
		func(ctx context.Context, _ int, a Admin) error { return a.DoUpgrade(ctx, si) })
}

// DoFinalize drops every journal's previous/ (finalizeUpgrade).
func (m *Manager) DoFinalize(ctx context.Context) error {
	return m.onAll(ctx, "doFinalize", "Could not finalize one or more JournalNodes",
		func(ctx context.Context, _ int, a Admin) error { return a.DoFinalize(ctx) })
}

// CanRollBack asks every journal whether it holds a previous/ of layout
// targetLV; all must answer the same.
func (m *Manager) CanRollBack(ctx context.Context, si, prev StorageInfo, targetLV int32) (bool, error) {
	return allEqual(ctx, m, "canRollBack", "Could not check if roll back possible for one or more JournalNodes",
		func(ctx context.Context, a Admin) (bool, error) { return a.CanRollBack(ctx, si, prev, targetLV) })
}

// DoRollback puts previous/ back as current/ on every journal.
func (m *Manager) DoRollback(ctx context.Context) error {
	return m.onAll(ctx, "doRollback", "Could not perform rollback of one or more JournalNodes",
		func(ctx context.Context, _ int, a Admin) error { return a.DoRollback(ctx) })
}

// DiscardSegments moves aside every segment from startTxID on, on every
// journal (rolling-upgrade rollback).
func (m *Manager) DiscardSegments(ctx context.Context, startTxID uint64) error {
	return m.onAll(ctx, "discardSegments", "Could not perform discardSegments of one or more JournalNodes",
		func(ctx context.Context, _ int, a Admin) error { return a.DiscardSegments(ctx, startTxID) })
}

// GetJournalCTime is the journals' cTime; all must answer the same.
func (m *Manager) GetJournalCTime(ctx context.Context) (int64, error) {
	return allEqual(ctx, m, "getJournalCTime", "Could not journal CTime for one more JournalNodes",
		func(ctx context.Context, a Admin) (int64, error) { return a.GetJournalCTime(ctx) })
}

// The Channel's side: one RPC each, on the caller's goroutine.

func (c *Channel) call(ctx context.Context, method string, req, resp proto.Message) error {
	return c.rpc.Call(ctx, c.addr, Protocol, method, req, resp)
}

// DoPreUpgrade implements Admin.
func (c *Channel) DoPreUpgrade(ctx context.Context) error {
	return c.call(ctx, "doPreUpgrade", &pb.DoPreUpgradeRequestProto{Jid: c.ids.jid()}, &pb.DoPreUpgradeResponseProto{})
}

// DoUpgrade implements Admin.
func (c *Channel) DoUpgrade(ctx context.Context, si StorageInfo) error {
	return c.call(ctx, "doUpgrade", &pb.DoUpgradeRequestProto{Jid: c.ids.jid(), SInfo: si.proto()}, &pb.DoUpgradeResponseProto{})
}

// DoFinalize implements Admin.
func (c *Channel) DoFinalize(ctx context.Context) error {
	return c.call(ctx, "doFinalize", &pb.DoFinalizeRequestProto{Jid: c.ids.jid(), NameServiceId: c.ids.ns()},
		&pb.DoFinalizeResponseProto{})
}

// CanRollBack implements Admin.
func (c *Channel) CanRollBack(ctx context.Context, si, prev StorageInfo, targetLV int32) (bool, error) {
	resp := &pb.CanRollBackResponseProto{}
	err := c.call(ctx, "canRollBack", &pb.CanRollBackRequestProto{Jid: c.ids.jid(), Storage: si.proto(),
		PrevStorage: prev.proto(), TargetLayoutVersion: proto.Int32(targetLV), NameServiceId: c.ids.ns()}, resp)
	return resp.GetCanRollBack(), err
}

// DoRollback implements Admin.
func (c *Channel) DoRollback(ctx context.Context) error {
	return c.call(ctx, "doRollback", &pb.DoRollbackRequestProto{Jid: c.ids.jid(), NameserviceId: c.ids.ns()},
		&pb.DoRollbackResponseProto{})
}

// DiscardSegments implements Admin.
func (c *Channel) DiscardSegments(ctx context.Context, startTxID uint64) error {
	return c.call(ctx, "discardSegments", &pb.DiscardSegmentsRequestProto{Jid: c.ids.jid(),
		StartTxId: proto.Uint64(startTxID), NameServiceId: c.ids.ns()}, &pb.DiscardSegmentsResponseProto{})
}

// GetJournalCTime implements Admin.
func (c *Channel) GetJournalCTime(ctx context.Context) (int64, error) {
	resp := &pb.GetJournalCTimeResponseProto{}
	err := c.call(ctx, "getJournalCTime", &pb.GetJournalCTimeRequestProto{Jid: c.ids.jid(), NameServiceId: c.ids.ns()}, resp)
	return resp.GetResultCTime(), err
}
