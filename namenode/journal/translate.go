package journal

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// RPCID identifies the client call a mutation answers: the client's
// 16-byte id and the call id, as Hadoop stores them in the ops the retry
// cache is rebuilt from. An RPCID with no ClientID (the zero value) is "no
// call": the op gets Hadoop's dummy ids (empty client id, call id -2),
// whatever CallID says.
type RPCID struct {
	ClientID []byte
	CallID   int32
}

// RPCOf returns the RPC ids an op carries.
func RPCOf(op *editlog.Op) RPCID {
	return RPCID{ClientID: op.ClientID, CallID: op.CallID}
}

// kindSpec is one record kind's translation.
type kindSpec struct {
	code editlog.Opcode
	// rpc: Hadoop logs the caller's RPC ids with this op (its FSEditLog
	// log* method calls logRpcIds). Other ops that have the fields get
	// the dummy ids.
	rpc  bool
	to   func(r *namespace.Record, o *editlog.Op)
	from func(o *editlog.Op, r *namespace.Record)
}

// kinds maps every record kind to the op Hadoop writes for it, with the
// fields FSEditLog's log* method fills. Adding a kind is adding an entry.
var kinds = map[namespace.Kind]kindSpec{
	// Snapshot ops: FSEditLog.logAllowSnapshot and logDisallowSnapshot
	// log no rpc ids; logCreateSnapshot, logDeleteSnapshot and
	// logRenameSnapshot do (@AtMostOnce), with the operation's time.
	namespace.KindAllowSnapshot: {code: editlog.OpAllowSnapshot,
		to:   func(r *namespace.Record, o *editlog.Op) { o.Path = r.Path },
		from: func(o *editlog.Op, r *namespace.Record) { r.Path = o.Path }},
	namespace.KindDisallowSnapshot: {code: editlog.OpDisallowSnapshot,
		to:   func(r *namespace.Record, o *editlog.Op) { o.Path = r.Path },
		from: func(o *editlog.Op, r *namespace.Record) { r.Path = o.Path }},
	namespace.KindCreateSnapshot: {code: editlog.OpCreateSnapshot, rpc: true,
		to:   snapshotTo,
		from: snapshotFrom},
	namespace.KindDeleteSnapshot: {code: editlog.OpDeleteSnapshot, rpc: true,
		to:   snapshotTo,
		from: snapshotFrom},
	namespace.KindRenameSnapshot: {code: editlog.OpRenameSnapshot, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) {
			snapshotTo(r, o)
			o.NewName = r.SnapshotNew
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			snapshotFrom(o, r)
			r.SnapshotNew = o.NewName
		}},
	namespace.KindMkdir: {code: editlog.OpMkdir,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.InodeID, o.Path, o.Perm = r.InodeID, r.Path, toPerm(r.Perm)
			o.ACL, o.XAttrs = toACL(r.Acl), toXAttrs(r.XAttrs)
			// logMkDir stores the modification time; the codec writes
			// it again as the unused access time.
			o.Timestamp, o.ATime = r.Timestamp, r.Timestamp
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.InodeID, r.Path, r.Timestamp, r.Perm = o.InodeID, o.Path, o.Timestamp, fromPerm(o.Perm)
			r.Acl, r.XAttrs = fromACL(o.ACL), fromXAttrs(o.XAttrs)
		}},
	namespace.KindAdd: {code: editlog.OpAdd, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) {
			fileTo(r, o)
			o.InodeID = r.InodeID
			o.ClientName, o.ClientMachine, o.Overwrite = r.ClientName, r.ClientMachine, r.Overwrite
			o.StorageID = r.StoragePolicy
			o.ECPolicyID = 0 // replication; hdfsd has no erasure coding
			o.ACL, o.XAttrs = toACL(r.Acl), toXAttrs(r.XAttrs)
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			fileFrom(o, r, false)
			r.InodeID = o.InodeID
			r.ClientName, r.ClientMachine, r.Overwrite = o.ClientName, o.ClientMachine, o.Overwrite
			r.StoragePolicy = o.StorageID
			r.Acl, r.XAttrs = fromACL(o.ACL), fromXAttrs(o.XAttrs)
		}},
	namespace.KindAddBlock: {code: editlog.OpAddBlock,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.Blocks = r.Path, toBlocks(r.Blocks)
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Blocks = o.Path, fromBlocks(o.Blocks, false)
		}},
	// logCloseFile sets no inode id (Hadoop writes 0) and no client.
	namespace.KindClose: {code: editlog.OpClose,
		to:   fileTo,
		from: func(o *editlog.Op, r *namespace.Record) { fileFrom(o, r, true) }},
	namespace.KindDelete: {code: editlog.OpDelete, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) { o.Path, o.Timestamp = r.Path, r.Timestamp },
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Timestamp = o.Path, o.Timestamp
		}},
	namespace.KindRenameOld: {code: editlog.OpRenameOld, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.Dst, o.Timestamp = r.Path, r.Dst, r.Timestamp
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Dst, r.Timestamp = o.Path, o.Dst, o.Timestamp
		}},
	namespace.KindRename: {code: editlog.OpRename, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.Dst, o.Timestamp, o.Options = r.Path, r.Dst, r.Timestamp, toRenameOptions(r.Options)
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Dst, r.Timestamp, r.Options = o.Path, o.Dst, o.Timestamp, fromRenameOptions(o.Options)
		}},
	namespace.KindSetPermissions: {code: editlog.OpSetPermissions,
		to: func(r *namespace.Record, o *editlog.Op) { o.Path, o.Mode = r.Path, uint16(r.Perm.Mode) },
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Perm.Mode = o.Path, namespace.Mode(o.Mode)
		}},
	// OP_SET_OWNER stores "" for the part that does not change.
	namespace.KindSetOwner: {code: editlog.OpSetOwner,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path = r.Path
			if r.SetUser {
				o.Owner = r.User
			}
			if r.SetGroup {
				o.Group = r.Group
			}
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.User, r.Group = o.Path, o.Owner, o.Group
			r.SetUser, r.SetGroup = o.Owner != "", o.Group != ""
		}},
	namespace.KindTimes: {code: editlog.OpTimes,
		to: func(r *namespace.Record, o *editlog.Op) { o.Path, o.MTime, o.ATime = r.Path, r.Mtime, r.Atime },
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Mtime, r.Atime = o.Path, o.MTime, o.ATime
		}},
	namespace.KindSetReplication: {code: editlog.OpSetReplication,
		to: func(r *namespace.Record, o *editlog.Op) { o.Path, o.Replication = r.Path, r.Replication },
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Replication = o.Path, o.Replication
		}},
	namespace.KindSetQuota: {code: editlog.OpSetQuota,
		to: func(r *namespace.Record, o *editlog.Op) { o.Path, o.NSQuota, o.DSQuota = r.Path, r.NSQuota, r.SSQuota },
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.NSQuota, r.SSQuota = o.Path, o.NSQuota, o.DSQuota
		}},
	// logSetQuotaByStorageType writes the type's quota after the change.
	namespace.KindSetQuotaByStorageType: {code: editlog.OpSetQuotaByStorageType,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.DSQuota, o.StorageType = r.Path, r.SSQuota, toStorageType(r.StorageType)
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.SSQuota, r.StorageType = o.Path, o.DSQuota, fromStorageType(o.StorageType)
		}},
	// logUpdateBlocks logs rpc ids only for abandonBlock; the loader
	// decides which blocks are complete (all but the last).
	namespace.KindUpdateBlocks: {code: editlog.OpUpdateBlocks, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) { o.Path, o.Blocks = r.Path, toBlocks(r.Blocks) },
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Blocks = o.Path, fromBlocks(o.Blocks, false)
		}},
	namespace.KindReassignLease: {code: editlog.OpReassignLease,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.ClientName, o.NewHolder = r.Path, r.OldHolder, r.ClientName
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.OldHolder, r.ClientName = o.Path, o.ClientName, o.NewHolder
		}},
	namespace.KindSymlink: {code: editlog.OpSymlink, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.InodeID, o.Path, o.Target = r.InodeID, r.Path, r.Target
			o.MTime, o.ATime, o.Perm = r.Mtime, r.Atime, toPerm(r.Perm)
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.InodeID, r.Path, r.Target = o.InodeID, o.Path, o.Target
			r.Mtime, r.Atime, r.Perm = o.MTime, o.ATime, fromPerm(o.Perm)
		}},
	namespace.KindSetXAttr: {code: editlog.OpSetXAttr, rpc: true,
		to:   func(r *namespace.Record, o *editlog.Op) { o.Path, o.XAttrs = r.Path, toXAttrs(r.XAttrs) },
		from: func(o *editlog.Op, r *namespace.Record) { r.Path, r.XAttrs = o.Path, fromXAttrs(o.XAttrs) }},
	namespace.KindRemoveXAttr: {code: editlog.OpRemoveXAttr, rpc: true,
		to:   func(r *namespace.Record, o *editlog.Op) { o.Path, o.XAttrs = r.Path, toXAttrs(r.XAttrs) },
		from: func(o *editlog.Op, r *namespace.Record) { r.Path, r.XAttrs = o.Path, fromXAttrs(o.XAttrs) }},
	namespace.KindSetAcl: {code: editlog.OpSetACL,
		to:   func(r *namespace.Record, o *editlog.Op) { o.Path, o.ACL = r.Path, toACL(r.Acl) },
		from: func(o *editlog.Op, r *namespace.Record) { r.Path, r.Acl = o.Path, fromACL(o.ACL) }},
	namespace.KindSetStoragePolicy: {code: editlog.OpSetStoragePolicy,
		to:   func(r *namespace.Record, o *editlog.Op) { o.Path, o.StorageID = r.Path, r.StoragePolicy },
		from: func(o *editlog.Op, r *namespace.Record) { r.Path, r.StoragePolicy = o.Path, o.StorageID }},
	namespace.KindAppend: {code: editlog.OpAppend, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.ClientName, o.ClientMachine, o.NewBlock = r.Path, r.ClientName, r.ClientMachine, r.NewBlock
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.ClientName, r.ClientMachine, r.NewBlock = o.Path, o.ClientName, o.ClientMachine, o.NewBlock
		}},
	// logTruncate logs no RPC ids (the op has no such fields).
	namespace.KindTruncate: {code: editlog.OpTruncate,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.ClientName, o.ClientMachine = r.Path, r.ClientName, r.ClientMachine
			o.NewLength, o.Timestamp = r.NewLength, r.Timestamp
			if r.TruncateBlock != nil {
				o.Blocks = toBlocks([]namespace.Block{*r.TruncateBlock})
			}
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.ClientName, r.ClientMachine = o.Path, o.ClientName, o.ClientMachine
			r.NewLength, r.Timestamp = o.NewLength, o.Timestamp
			if bs := fromBlocks(o.Blocks, false); len(bs) > 0 {
				r.TruncateBlock = &bs[0]
			}
		}},
	namespace.KindConcat: {code: editlog.OpConcatDelete, rpc: true,
		to: func(r *namespace.Record, o *editlog.Op) {
			o.Path, o.Sources, o.Timestamp = r.Path, slices.Clone(r.Srcs), r.Timestamp
		},
		from: func(o *editlog.Op, r *namespace.Record) {
			r.Path, r.Srcs, r.Timestamp = o.Path, slices.Clone(o.Sources), o.Timestamp
		}},
}

// byCode maps an opcode back to its record kind.
var byCode = func() map[editlog.Opcode]namespace.Kind {
	m := make(map[editlog.Opcode]namespace.Kind, len(kinds))
	for k, s := range kinds {
		if _, dup := m[s.code]; dup {
			panic(fmt.Sprintf("journal: two record kinds for %v", s.code))
		}
		m[s.code] = k
	}
	return m
}()

// ToOp translates a namespace record into the edit op Hadoop writes for
// it, with rpc as its RPC ids when Hadoop logs them for that op. The op
// has no txid yet (Append assigns it).
func ToOp(rec *namespace.Record, rpc RPCID) (*editlog.Op, error) {
	spec, ok := kinds[rec.Kind]
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrUnknownKind, rec.Kind)
	}
	op := editlog.NewOp(spec.code)
	spec.to(rec, &op)
	if spec.rpc && len(rpc.ClientID) > 0 {
		op.ClientID, op.CallID = append([]byte(nil), rpc.ClientID...), rpc.CallID
	}
	return &op, nil
}

// ToOps translates a mutation's records, in order; rpc goes to the ops
// that carry it.
// ToOpInto is ToOp into dst, for a caller that encodes the op at once and
// reuses dst: dst borrows rpc.ClientID and the record's slices.
func ToOpInto(dst *editlog.Op, rec *namespace.Record, rpc RPCID) error {
	spec, ok := kinds[rec.Kind]
	if !ok {
		return fmt.Errorf("%w: %v", ErrUnknownKind, rec.Kind)
	}
	*dst = editlog.NewOp(spec.code)
	spec.to(rec, dst)
	if spec.rpc && len(rpc.ClientID) > 0 {
		dst.ClientID, dst.CallID = rpc.ClientID, rpc.CallID
	}
	return nil
}

func ToOps(recs []namespace.Record, rpc RPCID) ([]*editlog.Op, error) {
	ops := make([]*editlog.Op, 0, len(recs))
	for i := range recs {
		op, err := ToOp(&recs[i], rpc)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// FromOp translates an edit op back into the record the namespace
// replays. ok is false for ops that are not namespace records (segment
// markers, generation stamps, block ids, tokens, caching, ...) and for
// namespace ops hdfsd does not model yet. Fields the record has no place
// for (OP_ADD's erasure-coding policy) are dropped; Lossless says whether
// that happened.
func FromOp(op *editlog.Op) (rec namespace.Record, ok bool) {
	kind, ok := byCode[op.Code]
	if !ok {
		return namespace.Record{}, false
	}
	rec.Kind = kind
	kinds[kind].from(op, &rec)
	return rec, true
}

// Lossless reports whether FromOp keeps everything op says: an op that
// FromOp translates and ToOp gives back unchanged.
func Lossless(op *editlog.Op) bool {
	rec, ok := FromOp(op)
	if !ok {
		return false
	}
	back, err := ToOp(&rec, RPCOf(op))
	if err != nil {
		return false
	}
	back.TxID = op.TxID
	return sameOp(back, op)
}

// sameOp reports whether two ops are the same record on disk: equal
// encodings in the current layout.
func sameOp(a, b *editlog.Op) bool {
	x, errA := editlog.AppendRecord(nil, a, editlog.CurrentLayoutVersion)
	y, errB := editlog.AppendRecord(nil, b, editlog.CurrentLayoutVersion)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// fileTo fills the fields OP_ADD and OP_CLOSE share.
func fileTo(r *namespace.Record, o *editlog.Op) {
	o.Path, o.Replication, o.MTime, o.ATime = r.Path, r.Replication, r.Mtime, r.Atime
	o.BlockSize, o.Blocks, o.Perm = r.BlockSize, toBlocks(r.Blocks), toPerm(r.Perm)
}

// fileFrom reads them back. OP_CLOSE completes every block; OP_ADD
// leaves the last one under construction, as FSEditLogLoader does.
func fileFrom(o *editlog.Op, r *namespace.Record, closing bool) {
	r.Path, r.Replication, r.Mtime, r.Atime = o.Path, o.Replication, o.MTime, o.ATime
	r.BlockSize, r.Blocks, r.Perm = o.BlockSize, fromBlocks(o.Blocks, closing), fromPerm(o.Perm)
}

func toPerm(p namespace.PermissionStatus) editlog.PermissionStatus {
	return editlog.PermissionStatus{User: p.User, Group: p.Group, Mode: uint16(p.Mode)}
}

func fromPerm(p editlog.PermissionStatus) namespace.PermissionStatus {
	return namespace.PermissionStatus{User: p.User, Group: p.Group, Mode: namespace.Mode(p.Mode)}
}

func toBlocks(bs []namespace.Block) []editlog.Block {
	if len(bs) == 0 {
		return nil
	}
	out := make([]editlog.Block, len(bs))
	for i, b := range bs {
		out[i] = editlog.Block{ID: b.ID, NumBytes: b.NumBytes, GenStamp: b.GenStamp}
	}
	return out
}

// fromBlocks marks every block but the last complete; the last is complete
// when lastComplete.
func fromBlocks(bs []editlog.Block, lastComplete bool) []namespace.Block {
	if len(bs) == 0 {
		return nil
	}
	out := make([]namespace.Block, len(bs))
	for i, b := range bs {
		out[i] = namespace.Block{ID: b.ID, NumBytes: b.NumBytes, GenStamp: b.GenStamp,
			Complete: i < len(bs)-1 || lastComplete}
	}
	return out
}

// toRenameOptions lists the options as Hadoop's RPC server passes them to
// the edit log: OVERWRITE, then TO_TRASH, or NONE alone.
func toRenameOptions(o namespace.RenameOptions) []editlog.RenameOption {
	var out []editlog.RenameOption
	if o&namespace.RenameOverwrite != 0 {
		out = append(out, editlog.RenameOverwrite)
	}
	if o&namespace.RenameToTrash != 0 {
		out = append(out, editlog.RenameToTrash)
	}
	if len(out) == 0 {
		out = append(out, editlog.RenameNone)
	}
	return out
}

func fromRenameOptions(opts []editlog.RenameOption) namespace.RenameOptions {
	var o namespace.RenameOptions
	for _, r := range opts {
		switch r {
		case editlog.RenameOverwrite:
			o |= namespace.RenameOverwrite
		case editlog.RenameToTrash:
			o |= namespace.RenameToTrash
		}
	}
	return o
}

func toACL(es []namespace.AclEntry) []editlog.ACLEntry {
	if len(es) == 0 {
		return nil
	}
	out := make([]editlog.ACLEntry, len(es))
	for i, e := range es {
		out[i] = editlog.ACLEntry{Scope: editlog.ACLScope(e.Scope), Type: editlog.ACLType(e.Type),
			Name: e.Name, Perm: editlog.FsAction(e.Perm)}
	}
	return out
}

func fromACL(es []editlog.ACLEntry) []namespace.AclEntry {
	if len(es) == 0 {
		return nil
	}
	out := make([]namespace.AclEntry, len(es))
	for i, e := range es {
		out[i] = namespace.AclEntry{Scope: namespace.AclScope(e.Scope), Type: namespace.AclType(e.Type),
			Name: e.Name, Perm: namespace.Action(e.Perm)}
	}
	return out
}

func toXAttrs(xs []namespace.XAttr) []editlog.XAttr {
	if len(xs) == 0 {
		return nil
	}
	out := make([]editlog.XAttr, len(xs))
	for i, x := range xs {
		out[i] = editlog.XAttr{Namespace: editlog.XAttrNamespace(x.NS), Name: x.Name, Value: x.Value}
	}
	return out
}

func fromXAttrs(xs []editlog.XAttr) []namespace.XAttr {
	if len(xs) == 0 {
		return nil
	}
	out := make([]namespace.XAttr, len(xs))
	for i, x := range xs {
		out[i] = namespace.XAttr{NS: namespace.XAttrNS(x.Namespace), Name: x.Name, Value: x.Value}
	}
	return out
}

func snapshotTo(r *namespace.Record, o *editlog.Op) {
	o.Path, o.Name, o.MTime = r.Path, r.Snapshot, r.Timestamp
}

func snapshotFrom(o *editlog.Op, r *namespace.Record) {
	r.Path, r.Snapshot, r.Timestamp = o.Path, o.Name, o.MTime
}

// storageTypes maps editlog's StorageType (Java's enum ordinal) to the
// namespace's (StorageTypeProto's numbers).
var storageTypes = [...]namespace.StorageType{
	editlog.StorageRAMDisk:  namespace.StorageRAMDisk,
	editlog.StorageSSD:      namespace.StorageSSD,
	editlog.StorageDisk:     namespace.StorageDisk,
	editlog.StorageArchive:  namespace.StorageArchive,
	editlog.StorageProvided: namespace.StorageProvided,
	editlog.StorageNVDIMM:   namespace.StorageNVDIMM,
}

// fromStorageType is 0 for an ordinal Hadoop does not have, which replay
// refuses.
func fromStorageType(t editlog.StorageType) namespace.StorageType {
	if t < 0 || int(t) >= len(storageTypes) {
		return 0
	}
	return storageTypes[t]
}

func toStorageType(t namespace.StorageType) editlog.StorageType {
	for o, s := range storageTypes {
		if s == t {
			return editlog.StorageType(o)
		}
	}
	return -1
}
