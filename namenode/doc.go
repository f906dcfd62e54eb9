// Package namenode will hold the NameNode daemon. Its disk formats are
// built: namenode/editlog (Hadoop's edit-log format) and namenode/fsimage
// (Hadoop's protobuf fsimage). The daemon itself is not built yet;
// `hdfsd namenode` says so.
package namenode
