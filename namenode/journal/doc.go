// Package journal is the NameNode's local edit log: Apache Hadoop 3.4's
// FSEditLog over file journals (FileJournalManager, EditLogFileOutputStream,
// EditsDoubleBuffer), writing the same files. It also translates namespace
// records to edit ops and back (ToOp, FromOp), and replays segments at
// startup (Replay, Scanner).
//
// # Files
//
// Every edits directory in service holds the open segment,
// current/edits_inprogress_<first>: the layout -67 header, then records in
// txid order, the first being OP_START_LOG_SEGMENT with txid <first>. The
// file grows in PreallocationLength (1 MiB) steps of OP_INVALID bytes
// ahead of the records, whenever the bytes about to be written do not fit
// in what is left, so a torn tail reads as the end of the log. Roll and
// Close append OP_END_LOG_SEGMENT, cut the padding off and rename the file
// edits_<first>-<last>.
//
// # Group commit
//
// The caller (the namesystem) applies a mutation and calls Append under
// its own ordering lock, so txid order is apply order; Append only encodes
// into the current buffer. It then calls Sync outside the lock and
// acknowledges the mutation only when Sync returned nil. One Sync caller
// at a time is the flusher: it swaps the buffers, writes the full one to
// every directory (in parallel) and fsyncs; appends meanwhile fill the
// other buffer. Callers whose txid the flush covers return when it ends;
// the others elect the next flusher. So N concurrent mutations cost about
// two fsyncs, not N (FSEditLog.logSync).
//
// A directory whose write or fsync fails is taken out of service
// (storage.Dirs.Failed) and the others go on. When none is left the
// journal fails for good: Sync and Append return an error wrapping
// ErrFailed and storage.ErrNoDirsLeft, and the NameNode must stop, as
// Hadoop terminates.
//
// # Where hdfsd differs from Hadoop, on purpose
//
//   - The directory is fsynced after a segment is created and after it is
//     renamed, and the truncated file before the rename; Hadoop syncs
//     neither, so a crash could lose a segment's name.
//   - A new segment's header and OP_START_LOG_SEGMENT are written by one
//     flush; Hadoop syncs the header first.
//   - Hadoop writes to its journals one after the other; here the
//     directories are written in parallel.
//   - Append never flushes by itself when the buffer grows past its size
//     (Hadoop's auto-sync): every mutation is followed by a Sync anyway.
//   - Open refuses to start while a directory holds an in-progress
//     segment: recover first (storage.Recover with Scanner).
//   - Sync's ctx bounds only the wait for another caller's flush.
package journal
