// Package xceiver is the DataNode's data transfer server: Hadoop's
// DataXceiverServer, DataXceiver, BlockReceiver (with its
// PacketResponder) and BlockSender, on top of the wire codec in
// ../../datatransfer and the replica store in ../fsdataset.
//
// One goroutine serves each connection (conn.go). It reads ops until the
// peer closes it; only a completed READ_BLOCK leaves the connection open
// for another op, and an idle connection closes after the keepalive
// timeout, as Hadoop's does. Wrong versions and unknown or short-circuit
// ops close the connection without an answer.
//
//   - write.go: WRITE_BLOCK set-up: the replica for each stage
//     (CreateRBW, CreateTemporary, Append, RecoverAppend, RecoverRBW,
//     RecoverClose), the connection to the next node of the pipeline and
//     the connect ack with its firstBadLink.
//   - receive.go: the packet loop: mirror each packet downstream, verify it
//     on the last node (or when this node stores another checksum, or got
//     it from a DataNode), store the bytes not on disk yet — a packet that
//     starts inside a chunk gets that chunk's checksum recomputed from disk
//     — and queue its ack.
//   - responder.go: the PacketResponder goroutine: pair each downstream ack
//     with the packet this node stored, prepend this node's reply, send it
//     upstream, advance the replica's acknowledged length, and finalize
//     the replica after the last packet. Its order is: store, then ack
//     (a node acknowledges only bytes it wrote); finalize, then notify the
//     NameNode, then send the last ack.
//   - sender.go, read.go: READ_BLOCK, COPY_BLOCK and BLOCK_CHECKSUM; data
//     goes from the replica file to the socket with sendfile(2) when no
//     checksum has to be verified.
//   - transfer.go: Transfer (DNA_TRANSFER), TRANSFER_BLOCK and
//     REPLACE_BLOCK, which send or fetch a whole replica.
//
// Every socket read and write has Hadoop's timeout: dfs.client.socket-timeout
// for reads and dfs.datanode.socket.write.timeout for writes, each extended
// by five seconds per downstream node of a pipeline.
package xceiver
