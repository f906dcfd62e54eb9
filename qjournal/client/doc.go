// Package client is the NameNode's side of the quorum journal: the
// QuorumJournalManager (Manager) that writes the edit log to a quorum of
// JournalNodes and reads it back, one asynchronous Channel per JournalNode
// (Hadoop's IPCLoggerChannel), and the translation of the pure writer's
// messages (qjournal/core) to and from QJournalProtocol protobufs.
//
// Order of work: one driver goroutine owns the core.Writer. It sends every
// message the writer returns to that JournalNode's channel, in order; each
// channel runs its calls one at a time on its own goroutine and posts the
// answer back to the driver, which feeds it to the writer. A caller waiting
// on a write is answered only when the writer reports that a quorum
// acknowledged it. A write a quorum did not acknowledge (within
// dfs.qjournal.write-txns.timeout.ms, or because a newer writer's epoch was
// promised) makes the Manager fail every later write: the NameNode must stop.
package client
