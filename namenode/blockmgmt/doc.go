// Package blockmgmt is the NameNode's block management core: the blocks
// map (which DataNode storages hold which block), the DataNodes and their
// liveness, replica placement, block report processing, redundancy
// (low-redundancy queues, pending reconstruction, excess and corrupt
// replicas, invalidation), decommissioning, safe-mode counting and block
// recovery. It plays the parts of Hadoop's BlockManager, DatanodeManager,
// HeartbeatManager, BlockPlacementPolicyDefault, LowRedundancyBlocks,
// PendingReconstructionBlocks, InvalidateBlocks and CorruptReplicasMap.
//
// A Manager is a pure, single-owner state machine: it touches no network,
// disk or clock and starts no goroutines. The NameNode glue calls it while
// holding its own lock and passes the current time to every method that
// needs one. Randomness (placement, source choice, read-order ties) comes
// from the *rand.Rand given to New, so a seeded run is reproducible.
//
// The glue's duties, in order:
//   - on registerDatanode: Register; on sendHeartbeat: Heartbeat, and send
//     the returned commands;
//   - on blockReport / blockReceivedAndDeleted / reportBadBlocks:
//     BlockReport, IncrementalReport, ReportBadBlock;
//   - periodically (Hadoop's heartbeat check, redundancy monitor and
//     decommission monitor, every few seconds): Tick, then ComputeWork;
//   - on addBlock: ChooseTargets then AddBlock; on getAdditionalDatanode:
//     ChooseTargets with Existing; on append: ReopenForAppend; on
//     updatePipeline: UpdatePipeline; on complete: CommitOrComplete;
//     on delete: RemoveBlock for each block; on setReplication:
//     SetReplication for each block; on getBlockLocations: Locate;
//   - on fsimage/edit-log load: LoadBlock;
//   - on lease recovery: InitRecovery; on commitBlockSynchronization:
//     CommitBlockSynchronization;
//   - on refreshNodes: SetHosts; for safe mode: SafeCounts, and
//     SetPopulateQueues(true) once safe mode is left.
//
// Memory: blocks live in one slice of fixed-size, pointer-free records
// indexed by a map from block id to a uint32 slot; replicas are up to
// three inline storage indexes, with a side table for the rare block with
// more. See blockmap.go.
package blockmgmt
