// Package fsimage reads and writes Hadoop's protobuf fsimage files
// (layout versions -52 to -67, Hadoop 2.4 to 3.4) and runs the offline
// image viewer processors of `hdfs oiv` on them.
//
// # The file
//
// An image is the 8-byte magic "HDFSIMG1", then sections, then a
// FileSummary and a 4-byte big-endian length of that summary. The summary
// names each section (NS_INFO, STRING_TABLE, ERASURE_CODING, INODE, ...),
// with its offset and length, the layout version and the compression codec.
// A section is a stream of varint-delimited protobuf messages; when the
// image is compressed each section is compressed on its own. Hadoop's
// NameNode writes the sections in [SaveOrder] and loads them in
// [LoadOrder]. Optional *_SUB sections index slices of the INODE,
// INODE_DIR and SNAPSHOT_DIFF sections so that they can be read in
// parallel; the parent section always covers all of them.
//
// # Reading
//
// [Open] checks the magic and the summary; the Image then opens a reader on
// any section, so a caller can stream ten million inodes one at a time
// (INodeReader.Next) or read INODE_SUB slices in parallel
// ([Image.OpenINodes]). [Image.Walk] streams every section in Hadoop's load
// order to a [Visitor]. The values handed out are this package's own
// types, not generated protos: numbers carry Java's signed view of the
// on-disk varints (a quota of -1 is -1), and every record keeps a [Fields]
// set of the optional fields that were on disk, which is what Hadoop's
// readers test and what lets load→write reproduce the bytes.
//
// # Writing
//
// [Writer] takes sections in the order the caller chooses (Hadoop's is
// [SaveOrder]), compresses each one when asked, optionally splits INODE,
// INODE_DIR and SNAPSHOT_DIFF into *_SUB slices, and ends with the summary.
// [WriteFile] also writes the ".md5" sidecar in MD5FileUtils' format,
// which [OpenFile] verifies.
//
// # Offline image viewer
//
// [Convert] reproduces `hdfs oiv -p XML|Delimited|FileDistribution|
// ReverseXML` byte for byte.
//
// Pre-protobuf images (layout version -51 and older, FSImageFormat's
// legacy layout) are not loaded: Open returns an error wrapping
// [ErrLegacyImage] that names the image's layout version.
package fsimage
