package editlog

import (
	"math/rand/v2"
	"strings"
)

// A generator of random ops. Every field of the Op gets a value, whether or
// not the opcode stores it; encoding keeps only what the table says. The
// values survive the XML form too: strings neither start nor end with the
// blanks Hadoop trims, and the lossy corners of the XML (OP_ADD's xattrs
// and storage policy, OP_MKDIR's stored access time, the order of several
// erasure-coding options) are left at what the XML implies.

// palette mixes plain characters with every kind the codecs treat
// specially: XML markup, blanks, controls XML cannot carry, the backslash
// of mangling, C1 controls, non-ASCII BMP and supplementary characters.
var palette = []rune{
	'a', 'Z', '0', '/', '.', '_', '-', ' ', '\t', '\n', '\r', '\\', '&', '<', '>', '"', '\'',
	0x00, 0x01, 0x1f, 0x7f, 0x85, 0x9f, 'é', '名', 0x2028, 0xfffe, 0xffff, 0x1f600,
}

// javaString may hold an unpaired surrogate, as Java strings may.
func javaString(r *rand.Rand) string { return genString(r, true) }

// utf8String is valid UTF-8 (for Hadoop Text and protobuf strings).
func utf8String(r *rand.Rand) string { return genString(r, false) }

func genString(r *rand.Rand, surrogates bool) string {
	var b strings.Builder
	b.WriteByte('a' + byte(r.IntN(26)))
	for range r.IntN(12) {
		if surrogates && r.IntN(20) == 0 {
			var sb strings.Builder
			writeCodePoint(&sb, 0xd800+r.IntN(0x800))
			b.WriteString(sb.String() + "x")
			continue
		}
		b.WriteRune(palette[r.IntN(len(palette))])
	}
	b.WriteByte('z')
	return b.String()
}

func genBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func genOp(r *rand.Rand, code Opcode) Op {
	o := NewOp(code)
	o.TxID, o.CallID, o.InodeID = r.Int64(), r.Int32(), r.Int64()
	if r.IntN(4) > 0 {
		o.ClientID = genBytes(r, 16)
	} else {
		o.ClientID = []byte{}
	}
	o.Path, o.Dst, o.Target = javaString(r), javaString(r), javaString(r)
	o.Name, o.NewName, o.NewHolder = javaString(r), javaString(r), javaString(r)
	o.ClientName, o.ClientMachine = javaString(r), javaString(r)
	o.Owner, o.Group = javaString(r), javaString(r)
	for range r.IntN(4) {
		o.Sources = append(o.Sources, javaString(r))
	}
	o.Mode, o.Replication = uint16(r.IntN(0o2000)), int16(r.Uint32())
	o.MTime, o.ATime, o.Timestamp, o.BlockSize = r.Int64(), r.Int64(), r.Int64(), r.Int64()
	o.Blocks = genBlocks(r, code)
	o.Perm = PermissionStatus{User: utf8String(r), Group: utf8String(r), Mode: uint16(r.IntN(0o2000))}
	o.ACL = genACL(r)
	o.Overwrite, o.NewBlock = r.IntN(2) == 0, r.IntN(2) == 0
	o.NewLength, o.GenStamp, o.BlockID = r.Int64(), r.Int64(), r.Int64()
	o.NSQuota, o.DSQuota, o.Expiry = r.Int64(), r.Int64(), r.Int64()
	for range r.IntN(3) {
		o.Options = append(o.Options, RenameOption(r.IntN(3)))
	}
	o.StorageType, o.ECPolicyID = StorageType(r.IntN(int(numStorageTypes))), uint8(r.Uint32())
	o.Token = DelegationToken{Owner: utf8String(r), Renewer: utf8String(r), RealUser: utf8String(r),
		IssueDate: r.Int64(), MaxDate: r.Int64(), SequenceNumber: r.Int32(), MasterKeyID: r.Int32()}
	o.Key = DelegationKey{ID: r.Int32(), Expiry: r.Int64()}
	if r.IntN(3) > 0 {
		o.Key.Key = genBytes(r, r.IntN(20))
	}
	o.Directive = genDirective(r)
	o.Pool = genPool(r)
	o.ECPolicy = ECPolicy{Codec: utf8String(r), DataUnits: r.Int32(), ParityUnits: r.Int32(), CellSize: r.Int32()}
	if r.IntN(2) == 0 {
		o.ECPolicy.Options = []KeyValue{{Key: javaString(r), Value: javaString(r)}}
	}
	switch code {
	case OpAdd: // not in the XML
		o.StorageID = 0
	case OpSetStoragePolicy:
		o.StorageID = uint8(r.Uint32())
	case OpMkdir: // the XML implies the timestamp
		o.ATime = o.Timestamp
	}
	if code != OpAdd {
		o.XAttrs = genXAttrs(r)
	}
	return o
}

func genBlocks(r *rand.Rand, code Opcode) []Block {
	n := r.IntN(4)
	switch code {
	case OpAddBlock:
		n = 1 + r.IntN(2)
	case OpTruncate:
		n = r.IntN(2)
	}
	var bs []Block
	for range n {
		bs = append(bs, Block{ID: r.Int64(), NumBytes: r.Int64N(1 << 40), GenStamp: r.Int64()})
	}
	return bs
}

func genACL(r *rand.Rand) []ACLEntry {
	var es []ACLEntry
	for range r.IntN(4) {
		e := ACLEntry{Scope: ACLScope(r.IntN(2)), Type: ACLType(r.IntN(4)), Perm: FsAction(r.IntN(8))}
		if r.IntN(2) == 0 {
			e.Name = utf8String(r)
		}
		es = append(es, e)
	}
	return es
}

func genXAttrs(r *rand.Rand) []XAttr {
	var xs []XAttr
	for range r.IntN(3) {
		x := XAttr{Namespace: XAttrNamespace(r.IntN(5)), Name: utf8String(r)}
		if r.IntN(3) > 0 {
			x.Value = genBytes(r, r.IntN(6))
		}
		xs = append(xs, x)
	}
	return xs
}

func genDirective(r *rand.Rand) CacheDirective {
	d := CacheDirective{ID: r.Int64(), Has: uint8(r.IntN(16))}
	if d.Has&DirectiveHasPath != 0 {
		d.Path = javaString(r)
	}
	if d.Has&DirectiveHasReplication != 0 {
		d.Replication = int16(r.Uint32())
	}
	if d.Has&DirectiveHasPool != 0 {
		d.Pool = javaString(r)
	}
	if d.Has&DirectiveHasExpiration != 0 {
		d.Expiration = r.Int64()
	}
	return d
}

func genPool(r *rand.Rand) CachePool {
	p := CachePool{Name: javaString(r), Has: uint8(r.IntN(64))}
	if p.Has&PoolHasOwner != 0 {
		p.Owner = javaString(r)
	}
	if p.Has&PoolHasGroup != 0 {
		p.Group = javaString(r)
	}
	if p.Has&PoolHasMode != 0 {
		p.Mode = uint16(r.IntN(0o2000))
	}
	if p.Has&PoolHasLimit != 0 {
		p.Limit = r.Int64()
	}
	if p.Has&PoolHasMaxRelativeExpiry != 0 {
		p.MaxRelativeExpiry = r.Int64()
	}
	if p.Has&PoolHasDefaultReplication != 0 {
		p.DefaultReplication = int16(r.Uint32())
	}
	return p
}

// writableOpcodes are the opcodes Hadoop 3.4 writes.
func writableOpcodes() []Opcode {
	var codes []Opcode
	for c := Opcode(0); c <= lastOpcode; c++ {
		if s := specFor(c); s != nil && !s.obsolete {
			codes = append(codes, c)
		}
	}
	return codes
}
