// Package editlog reads and writes Apache Hadoop 3.4's NameNode edit log:
// binary segments (edits_<first>-<last>, edits_inprogress_<first>, and the
// records the journal protocol ships), the XML that `hdfs oev -p xml`
// writes and reads, and `hdfs oev -p stats`. Output is byte-for-byte what
// Hadoop writes.
//
// # Binary format
//
// A segment starts with the layout version (int32, -67 for Hadoop 3.4) and,
// from layout -50 on, a layout-flags int32 that is always 0. Records
// follow. From layout -56 (EDITLOG_LENGTH) on a record is
//
//	opcode  uint8
//	length  int32   4 + 8 + len(body): itself, the txid and the body
//	txid    int64
//	body    the op's fields
//	crc     uint32  CRC32 (IEEE) of opcode..body
//
// Layouts -28 to -55 have no length field; before -28 there is no CRC,
// and before -37 no txid (ops get InvalidTxID). An OP_INVALID byte (0xFF)
// ends the records: in-progress segments are preallocated with it, and
// everything after it must be 0xFF or 0x00 padding. All integers are
// big-endian. Reader reads every layout from -16 (Hadoop 0.18) to -67;
// Writer writes -67 by default and, for tests and tools, any of them.
//
// # The op table
//
// Hadoop gives each of its 50-odd ops a class with four hand-written
// methods (binary read and write, XML read and write). Here every op is
// one entry of a table (table.go): the list of its fields in binary order.
// A field pairs a value kind with the XML element name and the layout
// versions that store it, for example
//
//	OpSymlink: {fields: []field{
//		length(fixedCount(4)),
//		i64("INODEID", inodeID).since(FeatureAddInodeID),
//		str("PATH", path), str("VALUE", target),
//		oldI64("MTIME", mtime), oldI64("ATIME", atime),
//		both("PERMISSION_STATUS", permK{}), rpc(),
//	}},
//
// and the binary encoder, the binary decoder, the XML writer and the XML
// reader are four loops over that list. A kind (kinds*.go) is written once
// and serves every op that stores such a value: a long, a Hadoop UTF8
// string, a permission status, a block list, packed ACL entries, a
// delegation token, an RPC id pair. Where Hadoop's two forms disagree the
// table says so: fields only in one form (binOnly, xmlOnly), elements that
// may be missing from XML input (optional), and the few ops whose XML order
// differs from their binary order (xmlOrder). Adding an op is one entry;
// changing a layout is one `since`. Because one description drives all
// four directions, they cannot drift apart, which is what the round-trip
// tests check for every op and every layout.
//
// Ops decode into one flat struct, Op, whose Code says which fields are
// meaningful; the namespace applies it with a switch on Code. A struct per
// opcode would give nicer types but would need a table per type or
// reflection; the flat struct keeps the codec small and allocation-free
// beyond the op's own strings and slices.
//
// # Strings
//
// Paths and names are Java strings, stored in Hadoop's UTF8 format: each
// UTF-16 unit as 1 to 3 bytes, so a supplementary character is two 3-byte
// surrogates and NUL is a zero byte. Decoding turns them into ordinary
// UTF-8; an unpaired surrogate (legal in Java) keeps its 3-byte form so it
// survives a round trip. Text values (owner and group names) are real
// UTF-8; token fields keep their raw bytes. In XML, characters XML cannot carry and the backslash are
// mangled to \XXXX; as XMLUtils does, and values are trimmed on input as
// Hadoop trims them.
//
// # Where this package differs from Hadoop
//
//   - A string longer than 21845 UTF-16 units is refused on writing; Hadoop
//     silently truncates it.
//   - OP_TRUNCATE's <BLOCK> is read from XML; Hadoop looks for the block's
//     fields in <DATA> and fails.
//   - A record whose fields end before its length does is corrupt here;
//     Hadoop does not check, and then stumbles over the next record.
//   - With AllowTornTail the Reader stops at the first damaged record.
//     Hadoop's recovery scan also skips forward looking for later valid
//     records; the NameNode and JournalNode only keep the valid prefix.
//   - XML output after an error ends with <ERROR> after </EDITS>, as close
//     to Hadoop's as its serializer allows.
//
// A JournalNode finds an in-progress segment's last transaction by reading
// it with AllowTornTail: LastTxID and Offset then give the last txid and
// the valid length. Readers and writers are not safe for concurrent use.
package editlog
