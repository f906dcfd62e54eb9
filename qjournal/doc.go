// Package qjournal will hold the Quorum Journal Manager: the writer side
// (qjournal/client: epochs, quorum calls, segment recovery) and the
// JournalNode (qjournal/server), speaking Hadoop's QJournalProtocol and
// keeping Hadoop's JournalNode directory layout. Nothing is built here yet;
// `hdfsd journalnode` says so.
package qjournal
