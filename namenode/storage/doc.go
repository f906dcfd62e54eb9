// Package storage manages a NameNode's storage directories
// (dfs.namenode.name.dir, dfs.namenode.edits.dir) in the on-disk layout of
// Apache Hadoop 3.4, so that hdfsd and Hadoop can start on each other's
// directories.
//
// # The layout
//
//	<root>/in_use.lock            "<pid>@<host>", fcntl-locked while a NameNode runs
//	<root>/current/VERSION        Java properties: namespaceID, clusterID, cTime,
//	                              storageType=NAME_NODE, blockpoolID, layoutVersion
//	<root>/current/seen_txid      decimal text and "\n"
//	<root>/current/fsimage_<txid> and fsimage_<txid>.md5
//	<root>/current/edits_<first>-<last>, edits_inprogress_<first>
//
// Every txid is 19 zero-padded digits. names.go lists the other names
// (fsimage.ckpt_*, fsimage_rollback_*, edits_tmp_*, in-progress segments
// set aside as .empty, .corrupt, .stale or .trash) and the upgrade
// directories (previous, previous.tmp, removed.tmp, finalized.tmp,
// lastcheckpoint.tmp, previous.checkpoint).
//
// # Pieces
//
//   - FS: every file operation goes through it. OSFS is the real one;
//     MemFS injects errors and simulates a crash that keeps only what was
//     synced.
//   - Format: `hdfs namenode -format` (confirmation rules, new IDs, the
//     files, in every directory).
//   - Load: a regular start's checks (state of each directory, lock,
//     VERSION agreement, layout version), giving a Storage.
//   - Inspect, PlanRecovery, PlanRetention: pure functions over Listings
//     (what the directories hold) deciding which image and edit segments
//     to load, what to do with unfinalized segments, and what to purge.
//     Apply carries out their Actions; Storage wraps list, plan and apply.
//   - Upgrade (CheckUpgrade, PreUpgrade, CompleteUpgrade), Finalize and
//     Rollback: `namenode -upgrade`, `dfsadmin -finalizeUpgrade` and
//     `namenode -rollback`, per directory as NNUpgradeUtil does them
//     (current -> previous.tmp -> previous; previous -> finalized.tmp,
//     deleted; current -> removed.tmp, previous -> current).
//     RecoverTransition completes or undoes one interrupted at the next
//     start.
//   - Dirs: the directories still in service. A directory whose write
//     fails is taken out and the NameNode goes on, until no image or no
//     edits directory is left.
//
// The fsimage and edit-log codecs plug in through ImageSaver (writes an
// image) and Scanner (finds where an in-progress segment ends).
//
// # Where hdfsd differs from Hadoop, on purpose
//
//   - VERSION is replaced atomically (write VERSION.tmp, fsync, rename,
//     fsync the directory). Hadoop rewrites it in place and truncates, so
//     a crash can leave it torn. The bytes written are the same.
//   - seen_txid and .md5 files are written like Hadoop's
//     AtomicFileOutputStream, plus an fsync of the directory after the
//     rename, which Hadoop omits.
//   - Format writes VERSION last in each directory (seen_txid, the image,
//     then VERSION), so a format stopped half way leaves an unformatted
//     directory, not a formatted one without an image. Hadoop writes
//     VERSION and seen_txid in every directory, then the images.
//   - Format locks the directories; Hadoop's does not, and would clear the
//     directories of a running NameNode.
//   - in_use.lock is truncated before the owner is written; Hadoop writes
//     over the start of an old file.
//   - Transitions (upgrade.go, rollback.go, transition.go) make each
//     rename durable (fsync of the storage root) before the next step, and
//     delete a dropped directory only after the rename that drops it is
//     durable; Hadoop syncs none of them and deletes in a background
//     thread. The states a crash leaves are Hadoop's, and Load recovers
//     them as Hadoop's doRecover does.
//   - Rollback locks the directories and recovers interrupted transitions
//     first; Hadoop's does neither.
//
// VERSION keys come out in the order a JVM's Properties.store gives them,
// which depends on the Java version (KeyOrder); the default is Java 9-17's,
// what a Hadoop 3.3 or 3.4 NameNode on JDK 11 or 17 writes.
package storage
