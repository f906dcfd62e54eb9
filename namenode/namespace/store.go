package namespace

import (
	"encoding/binary"
	"sync/atomic"
)

// Storage. Inodes, directories, quotas and blocks are records in tables:
// arrays of small pointer-free structs, addressed by a uint32 slot. A
// table grows by whole chunks and never moves a record, so a reader can
// hold a *record while the writer appends; the chunk list itself is
// published with an atomic pointer. Released slots are reused.

const (
	chunkBits = 13
	chunkLen  = 1 << chunkBits
	nilSlot   = ^uint32(0)
	maxSlots  = 1 << 31
)

type table[T any] struct {
	chunks atomic.Pointer[[]*[chunkLen]T]
	used   uint32   // slots ever handed out (writer only)
	free   []uint32 // released slots (writer only)
}

func (t *table[T]) at(i uint32) *T {
	return &(*t.chunks.Load())[i>>chunkBits][i&(chunkLen-1)]
}

// alloc returns a slot for a new record; the caller initialises it.
func (t *table[T]) alloc() uint32 {
	if n := len(t.free); n > 0 {
		i := t.free[n-1]
		t.free = t.free[:n-1]
		return i
	}
	cs := t.chunks.Load()
	if cs == nil || int(t.used) == len(*cs)*chunkLen {
		if t.used >= maxSlots {
			panic("namespace: table full")
		}
		t.grow()
	}
	i := t.used
	t.used++
	return i
}

func (t *table[T]) grow() {
	var old []*[chunkLen]T
	if p := t.chunks.Load(); p != nil {
		old = *p
	}
	next := make([]*[chunkLen]T, len(old)+1)
	copy(next, old)
	next[len(old)] = new([chunkLen]T)
	t.chunks.Store(&next)
}

func (t *table[T]) release(i uint32) { t.free = append(t.free, i) }

// live is the number of slots in use.
func (t *table[T]) live() int { return int(t.used) - len(t.free) }

// kind is what an inode is.
type kind uint8

const (
	kindFree kind = iota
	kindDir
	kindFile
	kindSymlink
)

// inode is one file, directory or symlink: 56 bytes.
//
// Locking: name (the local name's arena reference and the kind) is
// guarded by the shard of the inode's parent, so a binary search over a
// directory's children needs only the directory's lock; every other field
// is guarded by the inode's own shard.
type inode struct {
	id     int64
	perm   uint64 // packed owner, group and mode (perm.go)
	mtime  int64
	atime  int64
	name   uint64 // arena ref (low 56 bits) | kind << kindShift
	a      uint64 // dir: dir slot; file: header; symlink: target's arena ref
	parent uint32 // parent's slot; nilSlot for the root
	b      uint32 // file: first block's slot + 1, 0 when it has none
}

const (
	kindShift = 62
	refMask   = 1<<56 - 1
)

func (n *inode) kind() kind         { return kind(n.name >> kindShift) }
func (n *inode) nameRef() uint64    { return n.name & refMask }
func (n *inode) setName(ref uint64) { n.name = n.name&^refMask | ref }
func (n *inode) isDir() bool        { return n.kind() == kindDir }
func (n *inode) isFile() bool       { return n.kind() == kindFile }
func (n *inode) isSymlink() bool    { return n.kind() == kindSymlink }
func (n *inode) mode() Mode         { return permMode(n.perm) }
func (n *inode) dirSlot() uint32    { return uint32(n.a) }

// A file's header packs what INodeFile.HeaderFormat packs: 4 bits of
// storage policy, 12 bits of layout and replication (the top one would
// mark an erasure-coded file), 48 bits of preferred block size.
const (
	policyShift    = 60
	replShift      = 48
	maxReplication = 1<<11 - 1
	maxBlockSize   = 1<<48 - 1
)

func fileHeader(policy uint8, repl int16, blockSize int64) uint64 {
	return uint64(policy&15)<<policyShift | uint64(uint16(repl)&maxReplication)<<replShift |
		uint64(blockSize)&maxBlockSize
}

func (n *inode) replication() int16 { return int16(n.a >> replShift & maxReplication) }
func (n *inode) blockSize() int64   { return int64(n.a & maxBlockSize) }
func (n *inode) policy() uint8      { return uint8(n.a >> policyShift) }

// dirRec holds a directory's children, sorted by name in Hadoop's order
// (compareNames), and its quota record (slot + 1, 0 for none).
type dirRec struct {
	kids  []uint32
	quota uint32
}

// quotaRec is DirectoryWithQuotaFeature: the limits, guarded by the
// directory's shard, and the usage, which the writer updates atomically so
// that a mutation below a quota does not have to lock every quota
// directory above it.
type quotaRec struct {
	ns, ss         int64
	ts             typeCounts // per storage type; -1 (QuotaReset) when not set
	nsUsed, ssUsed atomic.Int64
	tsUsed         [numTypes]atomic.Int64
}

// blockRec is one block of a file; a file's blocks form a list through
// next (slot + 1, 0 at the end). Guarded by the file's shard.
type blockRec struct {
	id       int64
	numBytes int64
	genStamp int64
	next     uint32
	complete bool
}

// arena stores names and symlink targets: each entry is a uvarint length
// and the bytes, in 1 MiB chunks (a longer entry gets a chunk of its own).
// Entries are immutable once written, so a reader may read one as soon as
// it has loaded a reference published after it. A reference is the chunk
// number above arenaChunkBits and the offset below.
type arena struct {
	chunks  atomic.Pointer[[][]byte]
	cur     []byte // the chunk being filled, as the writer appends to it
	curIdx  uint64
	garbage int64 // bytes of entries no longer referenced
}

const arenaChunkBits = 20

func (a *arena) put(b []byte) uint64 {
	need := binary.MaxVarintLen64 + len(b)
	if a.cur == nil || cap(a.cur)-len(a.cur) < need {
		a.newChunk(max(need, 1<<arenaChunkBits))
	}
	off := len(a.cur)
	a.cur = binary.AppendUvarint(a.cur, uint64(len(b)))
	a.cur = append(a.cur, b...)
	return a.curIdx<<arenaChunkBits | uint64(off)
}

func (a *arena) newChunk(size int) {
	c := make([]byte, 0, size)
	var old [][]byte
	if p := a.chunks.Load(); p != nil {
		old = *p
	}
	next := append(old[:len(old):len(old)], c)
	a.chunks.Store(&next)
	a.cur, a.curIdx = c, uint64(len(old))
}

func (a *arena) get(ref uint64) []byte {
	c := (*a.chunks.Load())[ref>>arenaChunkBits]
	c = c[ref&(1<<arenaChunkBits-1) : cap(c)]
	n, k := binary.Uvarint(c)
	end := k + int(n)
	return c[k:end:end]
}

func (a *arena) drop(ref uint64) { a.garbage += int64(len(a.get(ref))) + 1 }
