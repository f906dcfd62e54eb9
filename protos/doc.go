// Package protos holds Apache Hadoop 3.4.1's wire schema as proto2 files and
// the Go code protoc generates from them, one Go package per proto package:
//
//	hadoop.common               commonpb
//	hadoop.fs                   fspb
//	hadoop.hdfs                 hdfspb
//	hadoop.hdfs.datanode        datanodepb
//	hadoop.hdfs.datanodelifeline lifelinepb
//	hadoop.hdfs.namenode        namenodepb
//	hadoop.hdfs.qjournal        qjournalpb
//	hadoop.hdfs.fsimage         fsimagepb
//
// The .proto files are rendered from the wire-schema fact table by
// from-facts.py, so every message, field, number, label, type and default is
// Hadoop's. `make protos` regenerates the Go code; a test fails when the
// checked-in code is stale. Generated types are used by codecs and RPC
// translators only, never by the namespace or block manager.
//
// Hadoop ships RequestHeaderProto twice (ProtobufRpcEngine.proto and
// ProtobufRpcEngine2.proto, identical fields); it is declared once here, in
// ProtobufRpcEngine2.proto.
package protos
