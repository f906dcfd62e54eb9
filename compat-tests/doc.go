// Package compattests checks that stock HDFS clients cannot tell an hdfsd
// RPC server from Apache Hadoop's NameNode. Its tests start the test
// NameNode ./cmd/treenn as a subprocess and point unmodified clients at it:
// the colinmarc/hdfs/v2 library, that library's "hdfs" CLI (v2.4.0, in
// <repo>/.tools/bin) and Debian's hdfs-cli package (v2.3.0, /usr/bin/hdfs).
//
// The package must not import hadooprpc or protos: colinmarc/hdfs registers
// protobuf files under the same names (hdfs.proto, ...) and one binary
// cannot hold both. That is why the NameNode runs in its own process.
package compattests
