// Package dfswriter is a small HDFS file writer: the parts of Hadoop's
// DFSOutputStream and DataStreamer (hadoop-hdfs-client) that a test needs
// to write a file through a real pipeline and to survive DataNodes failing
// under it. It is the second, independent client of our tests: it speaks
// ClientProtocol through ../../hadooprpc and DataTransferProtocol through
// ../../datatransfer, and shares nothing with the daemons it talks to.
//
// A Writer cuts the caller's bytes into 64 KiB packets of 512-byte CRC32C
// chunks and sends them on the caller's goroutine (there is no streamer
// thread); one goroutine per pipeline reads the acks and pops the ack
// queue, and one renews the lease until Close. Errors are noticed by the
// caller at its next Write, Hflush or Close, which then recovers as
// DataStreamer does:
//
//   - a new block whose first connection fails (createBlockOutputStream) is
//     abandoned and asked for again with the bad node excluded
//     (setupPipelineForCreate);
//   - a pipeline that fails while streaming drops its bad node
//     (handleBadDatanode), adds a new one when the replace-datanode-on-
//     failure policy says so (getAdditionalDatanode, then TRANSFER_BLOCK of
//     the partial replica from a surviving node: addDatanode2ExistingPipeline),
//     takes a new generation stamp (updateBlockForPipeline), reconnects with
//     PIPELINE_SETUP_STREAMING_RECOVERY, tells the NameNode
//     (updatePipeline), and sends every unacknowledged packet again.
//
// The rules that need no I/O live in policy.go: the policy's condition,
// which node of an answer is the new one, the packet size. What it leaves
// out: appends, hsync, OOB restarts, congestion back-off, heartbeat
// packets (a Writer left idle longer than the DataNodes' read timeout,
// dfs.client.socket-timeout, loses its pipeline), encryption and tokens.
package dfswriter
