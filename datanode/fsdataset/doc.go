// Package fsdataset is the DataNode's block storage: the volumes named by
// dfs.datanode.data.dir, their VERSION files and locks, one block-pool
// slice per volume and block pool, the replicas in them, and the rules that
// move a replica between states (Hadoop's DataStorage,
// BlockPoolSliceStorage, FsDatasetImpl, FsVolumeImpl, BlockPoolSlice,
// ReplicaMap, DatanodeUtil and BlockMetadataHeader).
//
// The on-disk layout is Hadoop's layout version -57
// (BLOCKID_BASED_LAYOUT_32_by_32), so a volume an Apache DataNode left
// behind is served as it is:
//
//	<volume>/in_use.lock
//	<volume>/current/VERSION                       storageID, clusterID, datanodeUuid, ...
//	<volume>/current/BP-<n>-<ip>-<ms>/current/VERSION
//	<volume>/current/BP-.../current/dfsUsed        "<bytes> <ms>"
//	<volume>/current/BP-.../current/finalized/subdir<d1>/subdir<d2>/blk_<id>, blk_<id>_<gs>.meta
//	<volume>/current/BP-.../current/rbw/blk_<id>, blk_<id>_<gs>.meta
//	<volume>/current/BP-.../tmp/                   temporary replicas; cleared at startup
//
// Volumes of layout -55 and -56 are upgraded by AddBlockPool as Hadoop's
// DataStorage.doUpgrade does it: the block pool's current/ becomes
// previous/ and every block file is hard-linked into the new current/ at
// its -57 place; FinalizeUpgrade deletes previous/. Older layouts are
// refused with ErrUnsupportedLayout, newer ones with ErrIncompatible.
//
// # Concurrency
//
// A Dataset keeps every replica of every block pool in one map guarded by
// one mutex; the map's values hold no pointers, so millions of replicas
// cost the garbage collector nothing to scan. All exported methods of
// Dataset are safe for concurrent use. File I/O of a replica being written
// happens outside that mutex, through its Writer; a Writer itself is used
// by one goroutine (the block receiver), and a later append or recovery of
// the same replica takes it over: the old Writer's next call fails with
// ErrWriterStopped. Readers and Writers hand out real files (*os.File on
// OSFS), so the data path can use sendfile and fsync directly.
//
// Pure rules — names, the block-id directory, the .meta header, VERSION
// files, the duplicate-replica choice, the directory-scanner diff, volume
// choosing and the failed-volume check — are plain functions that touch no
// disk.
package fsdataset
