// Package namespace is the NameNode's directory tree: inodes, names,
// permissions, quotas and the files' block lists, with the rules of Apache
// Hadoop 3.4's FSDirectory, FSDir*Op classes and FSPermissionChecker. It is
// a pure core: it does no I/O, reads no clock (callers pass Op.Now) and
// knows nothing of RPC or protobuf. Callers pass who is asking (Op) and
// get back Hadoop's answer, including its exception messages (Error).
//
// # Operations and records
//
// Reads: GetFileInfo (and getFileLinkInfo), GetListing, GetContentSummary,
// GetQuotaUsage, Blocks, PathOf (inode id to path), LastInodeID, Stats.
// GetXAttrs, ListXAttrs, GetAclStatus, GetStoragePolicy (and the
// built-in StoragePolicies).
// Mutations: Mkdirs (MkdirsUnmasked), Create, AddBlock,
// CompleteFile, Delete, RenameOld (rename), Rename (rename2), SetPermission,
// SetOwner, SetTimes, SetReplication, SetQuota, CreateSymlink, SetXAttr,
// RemoveXAttr, SetAcl, ModifyAclEntries, RemoveAclEntries,
// RemoveDefaultAcl, RemoveAcl, SetStoragePolicy (SetStoragePolicyByName),
// UnsetStoragePolicy, Append, Truncate, Concat, AllowSnapshot,
// DisallowSnapshot, CreateSnapshot, DeleteSnapshot, RenameSnapshot.
// Snapshot reads: GetSnapshottableDirListing, GetSnapshotListing,
// GetSnapshotDiffReport, GetSnapshotDiffReportListing, and the reads
// above on ".snapshot" paths.
//
// Every mutation first checks (paths, permissions, limits, quotas) and
// then applies one or more Records, returned in a Change for the edit log.
// Each Record carries the fields of the Hadoop edit op of the same name
// (OP_MKDIR, OP_ADD, ...). Apply replays a record: it runs the very
// function the live mutation ran after its checks, so replay cannot
// diverge from the live path. The caller logs the records (persist before
// acknowledge) and hands Change.Removed (blocks to invalidate, leases to
// drop) to the block and lease managers. A mutation may fail after
// applying some records (mkdirs -p hitting a quota part way, as in
// Hadoop); those records come with the error and must be logged too.
//
// # Storage
//
// The tree is built for hundreds of millions of inodes, so it holds no
// pointer per inode (STYLE §10). An inode is a 56-byte pointer-free record
// in a chunked table, addressed by a uint32 slot: id, packed permission
// (24-bit user serial, 24-bit group serial, 16-bit mode, as Hadoop's
// PermissionStatusFormat, with users and groups interned in string
// tables), mtime, atime, a reference to its name, its parent's slot and a
// kind-specific word (a file's header packs storage policy, replication
// and preferred block size as INodeFile does). Names and symlink targets
// live in a byte arena of 1 MiB chunks (uvarint length + bytes). A
// directory's children are a sorted []uint32 of slots, in Hadoop's order
// (signed-byte lexicographic, DFSUtilClient.compareBytes), so the number
// of pointers the GC sees is the number of directories. Blocks are 32-byte
// records linked per file. Inode ids map to slots through an
// open-addressing table of 4-byte entries that reads the id from the
// record. The root is inode 16385 (INodeId.ROOT_INODE_ID); new inodes take
// the next id. BenchmarkMemoryPerInode measures the live heap per file.
//
// Rare per-inode state sits in side tables keyed by slot: the lease of a
// file under construction and the target of a pending truncate recovery
// (per shard), a directory's quota (a quota table referenced from the
// directory record), and an inode's xattrs and ACL entries (per shard,
// featstore.go). A directory's storage policy is its system xattr
// hsm.block.storage.policy.id, as in Hadoop; a file's is in its header.
// An inode with an ACL keeps, like Hadoop, only its extended entries;
// the mask sits in the group bits of its mode.
//
// # Snapshots
//
// A snapshot costs nothing when it is taken: it records its id, name,
// the directory's attributes (its Root) and the last inode id, in a side
// table of the snapshottable directory (snapDir, per shard). Inodes are
// copied on write, and only those a snapshot still needs (snapcow.go):
// the first time a mutation touches an inode (wtx.node, and putFeatures
// for xattrs and ACLs) the writer finds the newest snapshot that may see
// it (the newest snapshot of a snapshottable directory above it, or of a
// place an inode above it was renamed out of, which a rename records in
// a per-inode mark, Hadoop's WithName reference) and, when the inode
// existed then and has no copy for that snapshot yet, keeps a version:
// a copy of its 56-byte record labelled with the snapshot id, with a
// frozen copy of a directory's children and of a file's block records,
// and its xattr and ACL slices. Versions sit in a per-shard side table
// keyed by slot, so an inode no snapshot references carries nothing.
// Snapshot s reads an inode as its first version labelled s or later, or
// as it is when it has none (Hadoop's diff lists, with full copies in
// place of created/deleted lists). An inode unlinked from the tree that
// a version's child list still holds (counted per slot) is kept,
// detached (its parent is nilSlot, lookups by id skip it), with its lease
// ended; if no snapshot reads its current state its current children
// and blocks go at once. Deleting snapshot s relabels each version s
// with the previous snapshot that may see the inode (of the snapshot's
// directory or one above it or the inode, or of a place it was renamed
// out of) when one exists after the inode's previous version, else
// releases it; kept inodes that no version lists any more
// are then freed, and blocks no version or live file holds are reported
// in Change.Removed.Blocks. What only snapshots hold stays charged to
// quotas, as in Hadoop (snapquota.go): a kept inode's usage (for a file,
// the distinct blocks of all its versions) counts in the directory whose
// newest version lists it and the quota directories above, from its
// deletion until the snapshot deletion that frees it. Readers resolve
// ".snapshot/name" (below the root and every snapshottable directory,
// as INodesInPath.resolve) into a view that reads each inode from the snapshot root on as the
// snapshot saw it, xattrs and ACL included (getXAttrs, listXAttrs and
// getAclStatus read Hadoop's snapshot INodeAttributes), while
// getStoragePolicy reads the live inode, as Hadoop's does;
// every other operation on such a path fails with
// SnapshotAccessControlException. Diff reports compare two such views
// inode by inode (the same record means no change), walking the whole
// subtree as Hadoop's computeDiffRecursively does. An image holds
// snapshots as Hadoop's diff lists and references: the Loader turns them
// into versions, detached inodes and rename marks (snapload.go) and
// ImageWalk turns those back (snapsave.go).
//
// # Concurrency
//
// One writer, many concurrent readers, and no global lock on the read
// path. Mutations are serialized by a writer mutex (the caller also
// serializes them, to log in order). Records are sharded by slot over 256
// RWMutexes: an inode's fields, a directory's children and quota limits
// and a file's blocks and lease are guarded by the shard of that inode;
// an inode's name and kind by its parent's shard, so that a lookup in a
// directory needs only the directory's lock. The writer write-locks each
// shard just before it first modifies something there and holds them all
// until the mutation ends; a reader read-locks each shard before it first
// reads there and holds them until the read ends. Both follow two-phase
// locking, so a read sees the tree as it was between two mutations. A
// reader never waits while holding a lock (only its first lock blocks,
// the others are TryRLock; on failure it drops everything, waits for the
// contended lock and starts again), so readers and the writer cannot
// deadlock; after a few restarts a reader runs under the writer mutex.
// Quota usage counters are atomics the writer updates without locking
// the quota directories above a change (the root has a quota, so
// otherwise every mutation would lock the root's shard). Tables grow by
// chunks published through atomic pointers and never move a record.
//
// # Not done here
//
// Of snapshots: the snapshot counts of content summaries (and kept
// inodes in the counts of content summaries and of getQuotaUsage on a
// directory without a quota, which Hadoop includes), the blocks a
// FileDiff keeps after a truncate in a live file's quota usage, ordered
// snapshot deletion, a diff listing's reference flag on a child renamed
// in from outside the directory diffed (set only for renames inside it),
// capturing open files' lengths at snapshot time, live copy-on-truncate
// (a live truncate inside a block a snapshot holds is refused; replay
// copies as the record says), and block-location reads through
// ".snapshot" paths (they read the live inode); in images, a symlink's older attributes (Hadoop's image loses
// them too), the quotas of directories' snapshot copies and the
// generation stamps a snapshot's blocks had (not kept here), a
// DstReference's snapshot id (inferred) and each snapshot's last inode id
// (bounded by what the snapshot reads); storage-type quotas, encryption zones (the raw.hdfs.crypto.* xattrs are
// stored as plain xattrs, without the checks and zone bookkeeping of
// FSDirXAttrOp) and /.reserved/raw semantics beyond the path, its
// superuser rule and raw xattrs, the storage policy satisfier
// (user.hdfs.sps is a plain xattr), erasure coding, copy-on-truncate and
// the end of truncate's block recovery (commitBlockSynchronization), the
// append checks that belong to the block manager (a COMMITTED last
// block, sufficient replication), external attribute providers
// (INodeAttributeProvider), the protected-directories rule
// (fs.protected.directories), dfs.namenode.max.objects, lease recovery
// (an expired lease is the lease manager's to recover before create,
// append or truncate), block states beyond complete / under construction,
// the name arena's compaction (Stats.Garbage says how much a compaction
// would reclaim), the content-summary lock yielding of
// dfs.content-summary.limit, and a bulk loader for fsimage sections.
package namespace
