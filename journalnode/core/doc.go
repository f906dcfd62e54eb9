// Package core is the JournalNode's per-journal rules, with no I/O: the
// promise/accept checks of the quorum journal protocol (HDFS-3077), the
// segment bookkeeping (which edits files exist, which one is being
// written, the next expected txid) and the recovery (paxos) decisions.
//
// A Journal is built from a State the caller read from disk (Load). Every
// request method returns the Actions the caller must carry out, in order,
// before it answers: persist the promised epoch, create a segment, write
// and fsync records, rename files, persist paxos data. Actions are returned
// even together with an error: Hadoop keeps a raised promise or a newer
// committed txid even when a later check of the same request fails. When
// an Action fails, the caller must drop the Journal and Load it again
// from what the disk holds; the core assumes every returned Action
// happened.
//
// Error messages are Hadoop's, ending in " ; journal id: <jid>"; Error
// carries the Java exception kind the RPC layer answers with.
package core
