// Package disk is one journal directory of a JournalNode, laid out as
// Hadoop 3.4's JNStorage and Journal write it:
//
//	<edits dir>/<jid>/in_use.lock
//	<edits dir>/<jid>/current/VERSION             writer's StorageInfo, storageType=JOURNAL_NODE
//	<edits dir>/<jid>/current/last-promised-epoch decimal + "\n", replaced atomically
//	<edits dir>/<jid>/current/last-writer-epoch   decimal + "\n", replaced atomically
//	<edits dir>/<jid>/current/committed-txid      8 bytes big-endian
//	<edits dir>/<jid>/current/paxos/<txid>        delimited PersistedRecoveryPaxosData, "\n", text
//	<edits dir>/<jid>/current/edits_*             segments, as the NameNode names them
//	<edits dir>/<jid>/edits.sync/                 segments copied from peers
//	<edits dir>/<jid>/previous/                   current/ as it was before an upgrade, until finalized
//	<edits dir>/<jid>/previous.tmp, removed.tmp, finalized.tmp   an upgrade, rollback or finalize under way
//
// Dir.Load reads a directory into a core.State; Dir.Apply carries out the
// core's Actions. Every action is durable when Apply returns: record
// writes are fsynced (unless the core says the batch is catch-up), new
// names and renames are followed by a directory sync.
//
// The committed-txid file is written in place without an fsync, as
// Hadoop's BestEffortLongFile. Where hdfsd differs from Hadoop:
// directories are synced after renames; a half-done acceptRecovery
// (edits_inprogress_<txid>.epoch=<e> next to a paxos file accepted in
// epoch e) is rolled forward when the directory is loaded, not at the
// next prepareRecovery.
//
// Load first recovers an upgrade, rollback or finalize a crash
// interrupted (Storage.analyzeStorage and doRecover, shared with the
// NameNode through storage.Analyze and storage.RecoverTransition). The
// upgrade differs from Hadoop's as upgrade.go says.
package disk
