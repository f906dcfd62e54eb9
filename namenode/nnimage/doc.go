// Package nnimage loads an fsimage into the namespace core and saves the
// namespace as an fsimage, as Hadoop 3.4's FSImageFormatProtobuf Loader
// and Saver do. It sits between namenode/fsimage, which reads and writes
// the file's sections, and namenode/namespace, which holds the tree.
//
// # Load
//
// Load checks the image against its .md5 sidecar, then reads NS_INFO,
// STRING_TABLE and ERASURE_CODING, makes sure the image holds nothing the
// namespace cannot keep, and streams the INODE and INODE_DIR sections into
// a namespace.Loader. The other sections' state (erasure coding policies,
// delegation keys and tokens, cache pools and directives, the snapshot
// counter) is kept in Meta as read, so that Save writes it back unchanged
// until the NameNode manages it.
//
// An image is refused, never loaded in part, when it has snapshots
// (snapshottable directories, snapshots, snapshot diffs or inode
// references), erasure-coded files, storage-type quotas or sections this
// package does not know. The error wraps ErrUnsupported and names the
// image. Images Hadoop 2.4 to 2.x wrote carry an empty SNAPSHOT_DIFF entry
// for the root; it holds nothing and is accepted, and Save leaves it out as
// Hadoop 3.4 does. Likewise Save refuses (ErrUnsupported) a namespace with
// snapshottable directories or snapshots, rather than write an image
// without them; it writes the larger of Meta's and the tree's snapshot
// counter, and Load hands the image's counter to the tree.
//
// # Save
//
// Save walks the tree under its writer lock and writes the sections in
// Hadoop's SaveOrder (fsimage.SaveOrder), inodes in the tree's slot order
// (for a loaded tree, the order of the image it came from), then the
// string table of the user, group and xattr names the inodes refer to,
// the FileSummary and the .md5 sidecar.
package nnimage
