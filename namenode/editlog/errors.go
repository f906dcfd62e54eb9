package editlog

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them and say
// where (offset, txid, opcode) the problem was found.
var (
	// ErrLayoutVersion: the header names a layout version this code cannot
	// read or write.
	ErrLayoutVersion = errors.New("editlog: unsupported layout version")
	// ErrHeader: the file header is missing or damaged.
	ErrHeader = errors.New("editlog: bad header")
	// ErrChecksum: a record's CRC32 does not match its bytes.
	ErrChecksum = errors.New("editlog: checksum mismatch")
	// ErrTruncated: the input ends inside a record.
	ErrTruncated = errors.New("editlog: truncated record")
	// ErrUnknownOpcode: a record starts with a byte that names no op this
	// code can decode.
	ErrUnknownOpcode = errors.New("editlog: unknown opcode")
	// ErrCorrupt: a record's framing or fields are invalid (bad length,
	// out-of-range value, undecodable string, trailing bytes, bytes after
	// the OP_INVALID end marker).
	ErrCorrupt = errors.New("editlog: corrupt record")
	// ErrNotWritable: the op cannot be encoded (an obsolete opcode Hadoop
	// refuses to write, or a field value the format cannot hold).
	ErrNotWritable = errors.New("editlog: op cannot be written")
	// ErrXML: the XML document does not follow the offline edits viewer's
	// format.
	ErrXML = errors.New("editlog: invalid edits XML")
)

// errShort is the decoder's internal signal that the input ended before
// the value was complete; the Reader turns it into ErrTruncated or asks for
// more input.
var errShort = errors.New("editlog: input ends inside a value")
