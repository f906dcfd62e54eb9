package namespace

import "fmt"

// Kind names a namespace mutation, after the edit log op Hadoop writes
// for it.
type Kind uint8

// Record kinds.
const (
	KindMkdir                 Kind = iota + 1 // OP_MKDIR
	KindAdd                                   // OP_ADD: create a file (overwriting one when Overwrite)
	KindAddBlock                              // OP_ADD_BLOCK
	KindClose                                 // OP_CLOSE
	KindDelete                                // OP_DELETE
	KindRenameOld                             // OP_RENAME_OLD: the deprecated rename
	KindRename                                // OP_RENAME: rename2, with options
	KindSetPermissions                        // OP_SET_PERMISSIONS
	KindSetOwner                              // OP_SET_OWNER
	KindTimes                                 // OP_TIMES
	KindSetReplication                        // OP_SET_REPLICATION
	KindSetQuota                              // OP_SET_QUOTA
	KindSymlink                               // OP_SYMLINK
	KindSetXAttr                              // OP_SET_XATTR: XAttrs set (created or replaced)
	KindRemoveXAttr                           // OP_REMOVE_XATTR: XAttrs removed
	KindSetAcl                                // OP_SET_ACL: the full logical ACL; empty removes it
	KindSetStoragePolicy                      // OP_SET_STORAGE_POLICY
	KindAppend                                // OP_APPEND
	KindTruncate                              // OP_TRUNCATE
	KindConcat                                // OP_CONCAT_DELETE
	KindAllowSnapshot                         // OP_ALLOW_SNAPSHOT
	KindDisallowSnapshot                      // OP_DISALLOW_SNAPSHOT
	KindCreateSnapshot                        // OP_CREATE_SNAPSHOT
	KindDeleteSnapshot                        // OP_DELETE_SNAPSHOT
	KindRenameSnapshot                        // OP_RENAME_SNAPSHOT
	KindSetQuotaByStorageType                 // OP_SET_QUOTA_BY_STORAGETYPE
	KindUpdateBlocks                          // OP_UPDATE_BLOCKS: a file's whole block list, changed at the end
	KindReassignLease                         // OP_REASSIGN_LEASE: an open file's lease passes to a new holder
)

var kindNames = [...]string{"", "OP_MKDIR", "OP_ADD", "OP_ADD_BLOCK", "OP_CLOSE", "OP_DELETE",
	"OP_RENAME_OLD", "OP_RENAME", "OP_SET_PERMISSIONS", "OP_SET_OWNER", "OP_TIMES",
	"OP_SET_REPLICATION", "OP_SET_QUOTA", "OP_SYMLINK", "OP_SET_XATTR", "OP_REMOVE_XATTR", "OP_SET_ACL",
	"OP_SET_STORAGE_POLICY", "OP_APPEND", "OP_TRUNCATE", "OP_CONCAT_DELETE",
	"OP_ALLOW_SNAPSHOT", "OP_DISALLOW_SNAPSHOT", "OP_CREATE_SNAPSHOT", "OP_DELETE_SNAPSHOT", "OP_RENAME_SNAPSHOT",
	"OP_SET_QUOTA_BY_STORAGETYPE", "OP_UPDATE_BLOCKS", "OP_REASSIGN_LEASE"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Record describes one applied mutation with the fields Hadoop's edit op
// of the same kind carries; Apply replays it. Fields a kind does not use
// are zero. Paths are resolved absolute paths (no /.reserved prefix).
type Record struct {
	Kind Kind
	Path string // the inode's path; the source of a rename
	Dst  string // the destination of a rename

	InodeID   int64            // mkdir, add, symlink: the new inode's id
	Timestamp int64            // mkdir, delete, rename, truncate, concat: the operation's time
	Mtime     int64            // add, close, times (-1: unchanged), symlink
	Atime     int64            // add, close, times (-1: unchanged), symlink
	Perm      PermissionStatus // mkdir, add, close, symlink, set permissions (Mode only)

	Replication   int16   // add, close, set replication
	BlockSize     int64   // add, close: preferred block size
	StoragePolicy uint8   // add, set storage policy (0: unset)
	ClientName    string  // add, append, truncate; reassign lease: the new holder
	OldHolder     string  // reassign lease: the holder before
	ClientMachine string  // add, append, truncate
	Overwrite     bool    // add: an existing file was replaced
	Blocks        []Block // add block: [penultimate,] new last; close, update blocks: all

	User, Group       string // set owner
	SetUser, SetGroup bool   // set owner: which of User and Group apply

	NSQuota, SSQuota int64       // set quota: the quotas after the change; by storage type: SSQuota
	StorageType      StorageType // set quota by storage type

	Options RenameOptions // rename
	Target  string        // symlink

	// Acl is the logical ACL (base entries included, as
	// AclStorage.readINodeLogicalAcl gives it) of set ACL, and of mkdir
	// and add when the new inode got extended entries from its parent's
	// default ACL; nil otherwise.
	Acl []AclEntry
	// XAttrs: set xattr, remove xattr; mkdir and add carry a new inode's
	// xattrs (none are given at creation here, so they are always nil
	// from live operations, but replay applies them).
	XAttrs []XAttr

	NewBlock      bool     // append: CreateFlag.NEW_BLOCK
	NewLength     int64    // truncate
	TruncateBlock *Block   // truncate: the last block's recovery target; nil on a block boundary
	Srcs          []string // concat: the sources, in order (Path is the target)

	// Snapshot operations: Path is the snapshottable directory and
	// Timestamp the operation's time (the edit op's MTIME).
	Snapshot    string // create, delete: the snapshot's name; rename: the old name
	SnapshotNew string // rename snapshot: the new name
}

// Block is a block of a file as the namespace keeps it.
type Block struct {
	ID       int64
	NumBytes int64
	GenStamp int64
	Complete bool // false while it is being written (under construction)
}

// RenameOptions is Options.Rename as a bit set.
type RenameOptions uint8

// Rename options.
const (
	RenameOverwrite RenameOptions = 1 << iota // OVERWRITE
	RenameToTrash                             // TO_TRASH
)

// Change is what a mutation did: the records to log, in order, and what
// other parts of the NameNode must clean up. A mutation can return a
// Change with records together with an error (mkdirs that created some
// parents before hitting a quota): those records were applied and must be
// logged, as Hadoop logs them.
type Change struct {
	Records []Record
	Removed Removed
	Status  *FileStatus // create, append: the file's status
	OK      bool        // delete, rename, set replication, truncate: the boolean result
	// LastBlock is append's last block (see Append for when it is nil)
	// and, when truncate must wait, the block to recover with its target
	// length and generation stamp.
	LastBlock *Block
	// SnapshotPath is createSnapshot's answer.
	SnapshotPath string
}

// Removed lists what a deletion (delete, create with overwrite, rename
// with overwrite) took out of the tree: the blocks to invalidate and the
// files whose leases end.
type Removed struct {
	Blocks   []int64 // ids of the removed files' blocks
	LeaseIDs []int64 // inode ids of removed files under construction
	Inodes   int     // inodes removed
}

func (r *Removed) merge(o Removed) {
	r.Blocks = append(r.Blocks, o.Blocks...)
	r.LeaseIDs = append(r.LeaseIDs, o.LeaseIDs...)
	r.Inodes += o.Inodes
}

// Apply replays a record, as the NameNode does when it loads edits: the
// same code the live operation ran after its checks, without permission,
// limit and quota checks.
func (t *Tree) Apply(rec Record) (Removed, error) {
	var rm Removed
	err := t.write(func(w *wtx) error {
		var err error
		rm, err = t.apply(w, &rec)
		return err
	})
	return rm, err
}

func (t *Tree) apply(w *wtx, rec *Record) (Removed, error) {
	switch rec.Kind {
	case KindMkdir:
		return Removed{}, t.applyMkdir(w, rec)
	case KindAdd:
		return t.applyAdd(w, rec)
	case KindAddBlock:
		return Removed{}, t.applyAddBlock(w, rec)
	case KindClose:
		return Removed{}, t.applyClose(w, rec)
	case KindDelete:
		return t.applyDelete(w, rec)
	case KindRenameOld:
		_, err := t.applyRenameOld(w, rec)
		return Removed{}, err
	case KindRename:
		return t.applyRename(w, rec)
	case KindSymlink:
		return Removed{}, t.applySymlink(w, rec)
	case KindSetXAttr:
		return Removed{}, t.applySetXAttr(w, rec)
	case KindRemoveXAttr:
		return Removed{}, t.applyRemoveXAttr(w, rec)
	case KindSetAcl:
		return Removed{}, t.applySetAcl(w, rec)
	case KindSetStoragePolicy:
		return Removed{}, t.applySetStoragePolicy(w, rec)
	case KindAppend:
		return Removed{}, t.applyAppend(w, rec)
	case KindTruncate:
		return t.applyTruncate(w, rec)
	case KindConcat:
		return t.applyConcat(w, rec)
	case KindUpdateBlocks:
		return t.applyUpdateBlocks(w, rec)
	case KindReassignLease:
		return Removed{}, t.applyReassignLease(w, rec)
	case KindAllowSnapshot, KindDisallowSnapshot, KindCreateSnapshot, KindDeleteSnapshot, KindRenameSnapshot:
		return t.applySnapshot(w, rec)
	}
	return Removed{}, t.applyAttr(w, rec)
}
