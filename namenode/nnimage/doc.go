// Package nnimage loads an fsimage into the namespace core and saves the
// namespace as an fsimage, as Hadoop 3.4's FSImageFormatProtobuf Loader
// and Saver do. It sits between namenode/fsimage, which reads and writes
// the file's sections, and namenode/namespace, which holds the tree.
//
// # Load
//
// Load checks the image against its .md5 sidecar, then reads NS_INFO,
// STRING_TABLE, ERASURE_CODING and INODE_REFERENCE, makes sure the image
// holds nothing the namespace cannot keep, and streams the INODE,
// INODE_DIR, SNAPSHOT and SNAPSHOT_DIFF sections into a namespace.Loader,
// which turns Hadoop's snapshot diffs and references into its own
// representation when it finishes (namespace/snapload.go). The other
// sections' state (erasure coding policies, delegation keys and tokens,
// cache pools and directives, the snapshot counter) is kept in Meta as
// read, so that Save writes it back unchanged until the NameNode manages
// it.
//
// An image is refused, never loaded in part, when it has erasure-coded
// files, storage-type quotas, a renamed-away reference (WithName) as a
// live child, or sections this package does not know. The error wraps
// ErrUnsupported and names the image. Images Hadoop 2.4 to 2.x wrote
// carry an empty SNAPSHOT_DIFF entry for the root; it holds nothing and is
// accepted. Save writes the larger of Meta's and the tree's snapshot
// counter, and Load hands the image's counter to the tree.
//
// # Save
//
// Save walks the tree under its writer lock and writes the sections in
// Hadoop's SaveOrder (fsimage.SaveOrder), inodes in the tree's slot order
// (for a loaded tree, the order of the image it came from), then the
// snapshots as FSImageFormatPBSnapshot.Saver does: the SNAPSHOT section,
// the SNAPSHOT_DIFF section when there are snapshots (diffs newest first,
// created and deleted lists in name order) and the INODE_REFERENCE
// section with the references INODE_DIR and SNAPSHOT_DIFF named, in that
// order; then the string table of the user, group and xattr names the
// inodes refer to, the FileSummary and the .md5 sidecar. Hadoop's own
// images with snapshots, loaded and saved, give the same oiv XML
// (TestSavingHadoopSnapshotImagesGivesHadoopsXML says what differs).
package nnimage
