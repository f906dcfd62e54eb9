package editlog

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Kinds for the values that describe inodes: permissions, blocks, ACLs,
// RPC ids, rename options, concat sources.

const (
	maxTextLen    = 1 << 20  // Text.DEFAULT_MAX_LEN
	maxBlocks     = 64 << 20 // AddCloseOp.MAX_BLOCKS
	maxConcatSrcs = 1 << 20  // ConcatDeleteOp.MAX_CONCAT_SRC
	maxElements   = 1 << 24  // any other list; the record size bounds it too
)

// permK is a PermissionStatus: Text user, Text group, FsPermission short.
type permK struct{}

func (permK) put(e *encoder, o *Op) {
	e.text(o.Perm.User, maxTextLen)
	e.text(o.Perm.Group, maxTextLen)
	e.i16(int16(o.Perm.Mode & 0o1777))
}

func (permK) get(d *decoder, o *Op) {
	o.Perm.User = d.text(maxTextLen, false)
	o.Perm.Group = d.text(maxTextLen, false)
	o.Perm.Mode = uint16(d.i16()) & 0o1777
}

func (permK) emit(x *xmlOut, tag string, o *Op) {
	x.open(tag)
	x.leaf("USERNAME", o.Perm.User)
	x.leaf("GROUPNAME", o.Perm.Group)
	x.leafInt("MODE", int64(o.Perm.Mode&0o1777))
	x.close(tag)
}

func (permK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	st := p.one(s, tag)
	o.Perm.User = p.str(st, "USERNAME")
	o.Perm.Group = p.str(st, "GROUPNAME")
	o.Perm.Mode = uint16(p.int(st, "MODE", 16)) & 0o1777
}

// blocksXML writes and reads Blocks as <BLOCK> elements; min and max bound
// how many there may be (max < 0: no bound).
type blocksXML struct{ min, max int }

func (blocksXML) emit(x *xmlOut, tag string, o *Op) {
	for _, b := range o.Blocks {
		x.open(tag)
		x.leafInt("BLOCK_ID", b.ID)
		x.leafInt("NUM_BYTES", b.NumBytes)
		x.leafInt("GENSTAMP", b.GenStamp)
		x.close(tag)
	}
}

func (k blocksXML) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	o.Blocks = nil
	for _, st := range s.children[tag] {
		o.Blocks = append(o.Blocks, Block{
			ID:       p.int(st, "BLOCK_ID", 64),
			NumBytes: p.int(st, "NUM_BYTES", 64),
			GenStamp: p.int(st, "GENSTAMP", 64),
		})
	}
	if n := len(o.Blocks); n < k.min || (k.max >= 0 && n > k.max) {
		p.fail("%v has %d blocks, want %d..%d", o.Code, n, k.min, k.max)
	}
}

// blockArrayK is the full block list of OP_ADD and OP_CLOSE: an int count,
// then id, length and generation stamp as longs.
type blockArrayK struct{ blocksXML }

func (blockArrayK) put(e *encoder, o *Op) {
	e.i32(int32(len(o.Blocks)))
	for _, b := range o.Blocks {
		e.i64(b.ID)
		e.i64(b.NumBytes)
		e.i64(b.GenStamp)
	}
}

func (blockArrayK) get(d *decoder, o *Op) {
	n := d.count("block", maxBlocks)
	o.Blocks = nil
	for i := 0; i < n && d.err == nil; i++ {
		b := Block{ID: d.i64(), NumBytes: d.i64(), GenStamp: d.i64()}
		if b.NumBytes < 0 && d.err == nil {
			d.fail("block %d has negative size %d", b.ID, b.NumBytes)
		}
		o.Blocks = append(o.Blocks, b)
	}
}

// compactBlocksK is FSImageSerialization's compact block array: a vint
// count, then per block the id as a long and the size and generation stamp
// as vlong deltas from the previous block.
type compactBlocksK struct{ blocksXML }

func (k compactBlocksK) put(e *encoder, o *Op) {
	if n := len(o.Blocks); n < k.min || (k.max >= 0 && n > k.max) {
		e.fail(fmt.Errorf("%w: %v has %d blocks, want %d..%d", ErrNotWritable, o.Code, n, k.min, k.max))
	}
	e.vlong(int64(len(o.Blocks)))
	var prev Block
	for _, b := range o.Blocks {
		e.i64(b.ID)
		e.vlong(b.NumBytes - prev.NumBytes)
		e.vlong(b.GenStamp - prev.GenStamp)
		prev = b
	}
}

func (k compactBlocksK) get(d *decoder, o *Op) {
	n := d.vint()
	if d.err == nil && (n < int32(k.min) || (k.max >= 0 && n > int32(k.max))) {
		d.fail("%v has %d blocks, want %d..%d", o.Code, n, k.min, k.max)
	}
	o.Blocks = nil
	var prev Block
	for i := int32(0); i < n && d.err == nil; i++ {
		b := Block{ID: d.i64()}
		b.NumBytes = prev.NumBytes + d.vlong()
		b.GenStamp = prev.GenStamp + d.vlong()
		o.Blocks = append(o.Blocks, b)
		prev = b
	}
}

// rpcK is the retry-cache identity: the client id as 16-bit-length bytes,
// then the call id as an int. XML writes RPC_CLIENTID as a UUID string and
// RPC_CALLID; reading, either may be missing.
type rpcK struct{}

func (rpcK) put(e *encoder, o *Op) {
	e.shortBytes(o.ClientID)
	e.i32(o.CallID)
}

func (rpcK) get(d *decoder, o *Op) {
	o.ClientID = d.shortBytes()
	o.CallID = d.i32()
}

func (rpcK) emit(x *xmlOut, _ string, o *Op) {
	id, err := formatClientID(o.ClientID)
	if err != nil {
		x.fail(err)
	}
	x.leaf("RPC_CLIENTID", id)
	x.leafInt("RPC_CALLID", int64(o.CallID))
}

func (rpcK) parse(p *xmlParser, s *stanza, _ string, o *Op) {
	o.ClientID, o.CallID = []byte{}, NoCallID
	if v, ok := p.optStr(s, "RPC_CLIENTID"); ok {
		o.ClientID = parseClientID(p, v)
	}
	if s.has("RPC_CALLID") {
		o.CallID = int32(p.int(s, "RPC_CALLID", 32))
	}
}

// formatClientID is ClientId.toString: "" or the UUID of 16 bytes.
func formatClientID(id []byte) (string, error) {
	switch len(id) {
	case 0:
		return "", nil
	case 16:
		h := hex.EncodeToString(id)
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
	}
	return "", fmt.Errorf("%w: RPC client id of %d bytes is not a UUID", ErrCorrupt, len(id))
}

// parseClientID is ClientId.toBytes: UUID.fromString, which takes five
// dash-separated hex groups and keeps the low bits of each.
func parseClientID(p *xmlParser, s string) []byte {
	if s == "" {
		return []byte{}
	}
	groups := strings.Split(s, "-")
	widths := [5]uint{32, 16, 16, 16, 48}
	var v [5]uint64
	for i := range v {
		if len(groups) != 5 || groups[i] == "" || len(groups[i]) > 16 {
			p.fail("RPC_CLIENTID %q is not a UUID", s)
			return []byte{}
		}
		n, err := strconv.ParseUint(groups[i], 16, 64)
		if err != nil {
			p.fail("RPC_CLIENTID %q is not a UUID", s)
			return []byte{}
		}
		v[i] = n & (1<<widths[i] - 1)
	}
	msb := v[0]<<32 | v[1]<<16 | v[2]
	lsb := v[3]<<48 | v[4]
	id := make([]byte, 16)
	for i := range 8 {
		id[i] = byte(msb >> (56 - 8*i))
		id[8+i] = byte(lsb >> (56 - 8*i))
	}
	return id
}

// renameOptionsK is OP_RENAME's options: a BytesWritable (int length, then
// one byte per option). XML joins the names with "|".
type renameOptionsK struct{}

var renameNames = [...]string{"NONE", "OVERWRITE", "TO_TRASH"}

func (renameOptionsK) put(e *encoder, o *Op) {
	e.i32(int32(len(o.Options)))
	for _, r := range o.Options {
		e.u8(uint8(r))
	}
}

func (renameOptionsK) get(d *decoder, o *Op) {
	n := d.count("rename option", maxElements)
	o.Options = nil
	for _, b := range d.take(n) {
		if int(b) >= len(renameNames) {
			d.fail("unknown rename option %d", b)
		}
		o.Options = append(o.Options, RenameOption(b))
	}
}

func (renameOptionsK) emit(x *xmlOut, tag string, o *Op) {
	names := make([]string, 0, len(o.Options))
	for _, r := range o.Options {
		if int(r) >= len(renameNames) {
			x.fail(fmt.Errorf("%w: unknown rename option %d", ErrCorrupt, r))
			return
		}
		names = append(names, renameNames[r])
	}
	x.leaf(tag, strings.Join(names, "|"))
}

func (renameOptionsK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	o.Options = nil
	for _, name := range strings.Split(p.str(s, tag), "|") {
		if name == "" {
			continue
		}
		i := indexOf(renameNames[:], name)
		if i < 0 {
			p.fail("%s: unknown rename option %q", tag, name)
		}
		o.Options = append(o.Options, RenameOption(i))
	}
}

func indexOf(names []string, s string) int {
	for i, n := range names {
		if n == s {
			return i
		}
	}
	return -1
}

// sourcesK is OP_CONCAT_DELETE's source list: an ArrayWritable of UTF8
// (int count, strings). Before EDITLOG_OP_OPTIMIZATION the count is not
// stored; it is the element count minus the target and the timestamp. XML
// puts them in <SOURCES> as <SOURCE1>, <SOURCE2>, ...
type sourcesK struct{}

func (sourcesK) put(e *encoder, o *Op) {
	if e.has(FeatureEditlogOpOptimization) {
		e.i32(int32(len(o.Sources)))
	}
	for _, s := range o.Sources {
		e.utf8(s)
	}
}

func (sourcesK) get(d *decoder, o *Op) {
	var n int
	if d.has(FeatureEditlogOpOptimization) {
		n = d.count("concat source", maxConcatSrcs)
	} else if n = int(o.Length) - 2; n < 0 || n > maxConcatSrcs {
		d.fail("concat source count %d outside 0..%d", n, maxConcatSrcs)
	}
	o.Sources = nil
	for i := 0; i < n && d.err == nil; i++ {
		o.Sources = append(o.Sources, d.utf8())
	}
}

func (sourcesK) emit(x *xmlOut, tag string, o *Op) {
	x.open(tag)
	for i, s := range o.Sources {
		x.leaf("SOURCE"+strconv.Itoa(i+1), s)
	}
	x.close(tag)
}

func (sourcesK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	st := p.list(s, tag)
	o.Sources = nil
	if len(st) == 0 {
		return
	}
	for i := 1; st[0].has("SOURCE" + strconv.Itoa(i)); i++ {
		o.Sources = append(o.Sources, p.str(st[0], "SOURCE"+strconv.Itoa(i)))
	}
}
