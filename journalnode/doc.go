// Package journalnode is `hdfsd journalnode`: Apache Hadoop 3.4's
// JournalNode. It serves QJournalProtocol and InterQJournalProtocol on
// dfs.journalnode.rpc-address (jnrpc), /getJournal and the daemon pages on
// dfs.journalnode.http-address, and keeps one journal directory per
// journal id under dfs.journalnode.edits.dir (disk), created on first use.
//
// # Order of work
//
// Each journal has one lock. A call takes it, asks the journal's core
// (package core, no I/O) what to do, carries the returned actions out on
// disk in order (every write fsynced, every rename followed by a directory
// sync), stores durable edits in the cache, and only then answers. If an
// action fails (a full disk, an I/O error), the call fails with an
// IOException, the journal drops its open segment and reloads its core from
// what the disk holds; the daemon goes on. The NameNode treats the
// JournalNode as failed for that segment, and the next startLogSegment
// (after space returns) works again.
//
// # The syncer
//
// With dfs.journalnode.enable.sync, every dfs.journalnode.sync.interval each
// formatted journal asks one peer (the other JournalNodes of
// dfs.namenode.shared.edits.dir, in turn) for its finalized segments via
// InterQJournalProtocol.getEditLogManifestFromJournal and downloads over
// /getJournal those it lacks that end at or below its committed txid, into
// edits.sync/ and then current/.
//
// # Where hdfsd differs from Hadoop, on purpose
//
//   - Every journal batch is fsynced before the answer, catch-up batches
//     too (Hadoop skips those), and the getJournaledEdits cache only
//     receives a batch once it is durable (Hadoop caches it first).
//   - The cache size defaults to DefaultCacheBytes; Hadoop takes a
//     fraction of the JVM heap.
//   - Journal directories already under the edits dir are opened at
//     start-up (Hadoop opens them at their first call), so the syncer and
//     /getJournal see them at once.
//   - A half-done acceptRecovery is rolled forward when a journal is
//     loaded, not at the next prepareRecovery (package disk).
//   - doUpgrade checks previous/ and previous.tmp before it writes
//     VERSION, and copies the epoch files before renaming previous.tmp
//     (package disk); doRollback also empties the edits cache.
//   - The syncer asks its peers in turn rather than at random, and only
//     with sinceTxId 0.
package journalnode
