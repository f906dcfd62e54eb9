// Package datatransfer is the wire layer of HDFS DataTransferProtocol
// version 28: the bytes a client and a DataNode exchange on the data
// transfer port (9866), and the checksum arithmetic those bytes carry.
//
// It opens no sockets and keeps no connection state. Every function takes an
// io.Reader or io.Writer (pass a *bufio.Reader / *bufio.Writer: the readers
// pull varints a byte at a time). The DataNode's xceiver and test clients are
// built on top of it. From the bottom up:
//
//   - checksum.go: DataChecksum (NULL, CRC32, CRC32C and bytes per checksum),
//     its 5-byte header, per-chunk Compute/Verify, and the 7-byte header of a
//     block's .meta file (MetaHeader).
//   - crc.go: CRC composition in GF(2), so that the CRCs of adjacent pieces
//     combine into the CRC of their concatenation (Hadoop's CrcUtil and
//     CrcComposer).
//   - blockchecksum.go: what OP_BLOCK_CHECKSUM answers for one replica (MD5
//     of the chunk CRCs, or a composite CRC per stripe) and how a client folds
//     the block answers into a file checksum (`hdfs dfs -checksum`).
//   - op.go: a request is int16 version 28, one op byte, and the op's
//     varint-delimited proto. WriteRequest/ReadRequest frame every op.
//   - response.go: varint-delimited BlockOpResponseProto and
//     ClientReadStatusProto, and the status check clients apply.
//   - headers.go: the headers and responses Hadoop builds the same way every
//     time (DataTransferProtoUtil's base and client headers, the empty token,
//     the READ_BLOCK, WRITE_BLOCK and BLOCK_CHECKSUM responses).
//   - packet.go: data packets (int32 payload length, int16 header length,
//     PacketHeaderProto, checksums, data) with PacketReader and PacketWriter.
//   - ack.go: PipelineAck, the per-node replies a write pipeline sends back,
//     with the ECN and SLOW bits Hadoop packs into each reply's flag.
//
// A WRITE_BLOCK exchange is: request; BlockOpResponse back; packets up,
// ending with an empty packet marked last; one PipelineAck back per packet.
// A READ_BLOCK exchange is: request; BlockOpResponse (with the checksum in
// use and the first chunk's offset) back; packets back, ending with an empty
// last packet; the client's ClientReadStatusProto up.
//
// The tests replay Hadoop 3.3.2's recorded client/DataNode connections
// (../shared/testdata) through every decoder and check that re-encoding
// gives the recorded bytes back.
//
// Generated protobuf types (protos/hdfspb) appear in this package's API
// because it is the translation layer; code above it should not pass them
// further than it must.
package datatransfer
