// Package hdfsclient is the administrative side of an HDFS client: it
// resolves fs.defaultFS (a NameNode's host:port, or an HA nameservice)
// into the NameNodes to talk to and makes ClientProtocol calls on them,
// either through a failover proxy (the active NameNode, as
// DistributedFileSystem does) or on one NameNode directly (as DFSAdmin's
// per-NameNode loops do).
//
// It is the translation layer for the tools (dfsadmin, fsck, haadmin):
// protobuf types stay here, callers get plain Go values.
package hdfsclient
