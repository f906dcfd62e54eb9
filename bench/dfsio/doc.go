// Package dfsio is a throughput benchmark for a running HDFS cluster that
// speaks the command line and prints the results of Apache Hadoop 3.4.1's
// TestDFSIO, so its numbers can be compared with the Java tool's.
//
// -write writes -nrFiles files of -size bytes each, <dir>/io_data/test_io_<i>,
// one goroutine per file as TestDFSIO runs one map task per file; -read reads
// them back; -clean removes <dir>. The files go through the small FS
// interface: package stockclient implements it with the stock Go client
// (github.com/colinmarc/hdfs/v2), tests with a local directory. This
// package must not import that client, nor may hdfsd's binary: it
// registers protobuf files under the names of hdfsd's protos, and one
// binary cannot hold both, so the benchmark runs as the hdfsd-dfsio binary
// (cmd/hdfsd-dfsio). Each file is timed in whole milliseconds
// from its first byte to its Close, as IOMapperBase times a map task, and
// the results are printed in TestDFSIO's format ("----- TestDFSIO ----- :
// write", ...) and appended to -resFile. As in TestDFSIO, "MB" is 2^20 bytes
// and "Throughput mb/sec" is the total bytes over the sum of the per-file
// times (a per-file rate), not over the wall clock.
//
// Beyond TestDFSIO, the same run measures bounds of the machine and prints
// the ratio of the aggregate throughput (total bytes over the wall clock of
// the I/O phase) to each: a sequential write + fsync to -diskdir, a loopback
// TCP copy, and CRC32C (Castagnoli) in 512-byte chunks, as DataNodes
// checksum, and in one pass. It reports the CPU the DataNode processes
// (-dnpids) and the client used per GiB, and ends with one machine-readable
// "dfsio <mode>: key=value ..." line for CI logs.
//
// Much of a DataNode's CPU is the kernel's, whose cost varies from machine
// to machine and day to day, so the same run also measures a CPU floor
// (-floorsize bytes, 1 GiB by default; skipped with -nobounds) and
// reports the DataNodes' CPU per GiB over it: the CPU of a child process
// (this binary run again, see Run) that does the least a DataNode does.
// For -write it receives packets over loopback TCP (126 chunks of 512
// bytes and their CRC32Cs), verifies the checksums and writes the block
// and .meta files in -diskdir, one write each per packet, no fsync; for
// -read it sends a block in the page cache, per 64 KiB packet a write of a
// header and the checksums then sendfile(2) of the data.
//
// Divergences from TestDFSIO: no MapReduce job, control files or reduce
// output (the goroutines' results are summed in memory); replication comes
// from -replication (or -D dfs.replication=), default 3 as dfs.replication's
// default, and the block size from the NameNode's server defaults; a -read
// of a file shorter than -size is an error instead of a short count;
// -append, -truncate, -random, -backward, -skip, -seq, -compression,
// -storagePolicy and -erasureCodePolicy are not supported.
package dfsio
