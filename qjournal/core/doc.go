// Package core holds the quorum journal's rules with no I/O: Writer, the
// QJM writer as a deterministic state machine, and Model, a JournalNode's
// promise/accept checks over in-memory segments (Hadoop's Journal.java).
//
// A driver uses a Writer like this: call Recover, StartSegment, Journal,
// Finalize or Purge; send every Msg of the returned Output to its node, in
// order per node; feed each answer to Step and a passed deadline to
// Timeout; report Output.Done to whoever waits. Only one quorum call is
// outstanding at a time. A write's Result arrives only once a majority
// acknowledged it, so a NameNode acknowledges nothing a quorum lacks.
//
// The rules, as the HDFS-3077 design gives them:
//   - Epochs: a new writer asks every node for its last promise and, from
//     a quorum's answers, proposes one more than the highest (newEpoch). A
//     node refuses a proposal not above its promise, and any call from an
//     older epoch, so once a quorum promised a newer epoch the old writer's
//     writes fail on a quorum.
//   - Recovery: the newest segment any quorum member reports is prepared on
//     every node; from a quorum's answers the writer picks (CompareRecovery)
//     a segment with data over none, finalized over in-progress, then the
//     higher of accepted and last writer epoch, then the longer log. It
//     refuses a choice that would drop a txid a node saw committed. Every
//     node accepts the choice (downloading it from the chosen node) and
//     finalizes it.
//   - Out of sync: a node that fails a batch misses the rest of the segment
//     (it is not sent batches and counts as a failure) until the next
//     startLogSegment.
//   - The committed txid (the highest a quorum acknowledged) rides on every
//     later request.
//
// The NameNode must write a segment's START_LOG_SEGMENT op alone as the
// segment's first batch, as FSEditLog does: TestFirstBatchIsStartOpAlone
// shows a lost acknowledged txid when it does not.
package core
