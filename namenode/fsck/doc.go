// Package fsck is the NameNode's file system check: Hadoop's
// NamenodeFsck and the /fsck servlet that `hdfs fsck` (DFSck) reads.
//
// Run walks the namespace through a Source in Hadoop's order (a
// directory's snapshots first when -includeSnapshots asks for them and the
// directory is snapshottable, then the directory's own line, then its
// children in name order), counts each block's replicas by state and
// writes the report in Hadoop's exact text: file and block lines, the
// "Status:" summary with the Replicated Blocks and the (always empty)
// Erasure Coded Block Groups sections, and a last line that DFSck turns
// into its exit code ("... is HEALTHY", "... is CORRUPT", "... does not
// exist", "Fsck on path '...' FAILED").
//
// Run is pure: the clock comes in the Request, the namespace through
// Source, and the report goes to an io.Writer. Handler is the HTTP edge.
//
// -delete removes each corrupt or missing file that is not open, through
// a Source that is also a Deleter, as the user who ran fsck; -replicate
// hands the badly placed blocks to a Source that is also a Rescanner.
//
// Not done here: -move (copying the readable blocks of corrupt files into
// /lost+found through the DataNodes) is refused, ending the report with
// "Fsck on path '<p>' FAILED"; erasure-coded files; the superuser check of
// -blockId and -list-corruptfileblocks.
package fsck
