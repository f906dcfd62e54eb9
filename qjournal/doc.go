// Package qjournal is the quorum journal: the NameNode writing its edit log
// to a quorum of JournalNodes with Hadoop's QJournalProtocol (HDFS-3077).
//
//   - qjournal/core: the writer's rules as a pure state machine (epochs,
//     quorum counting, segment recovery, the out-of-sync rule) and an
//     in-memory model of a JournalNode's promise/accept rules; the seeded
//     fault simulation (TestQJMWithFaults) and the design transcripts live
//     there.
//   - qjournal/client: the QuorumJournalManager the NameNode uses, one
//     asynchronous channel per JournalNode, and the protobuf translation.
//   - qjournal/bench: `hdfsd bench qjm`, journal throughput and latency.
//   - qjournal/internal/memjn: an in-memory JournalNode over real RPC, for
//     tests and the benchmark.
//
// The JournalNode daemon itself is the journalnode package.
package qjournal
