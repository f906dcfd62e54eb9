package namespace

import "fmt"

// Config holds the NameNode settings the namespace rules depend on. The
// caller fills it from the typed Hadoop configuration; the comment on each
// field names the Hadoop key or fact it stands for.
type Config struct {
	// FsOwner is the short name of the user the NameNode runs as; it is a
	// superuser, and owns the root directory.
	FsOwner string
	// Supergroup is dfs.permissions.superusergroup: its members are
	// superusers, and it is the root directory's group.
	Supergroup string
	// PermissionsEnabled is dfs.permissions.enabled.
	PermissionsEnabled bool
	// ContentSummarySubAccess is dfs.permissions.ContentSummary.subAccess.
	ContentSummarySubAccess bool
	// AllowOwnerSetQuota is dfs.permissions.allow.owner.set.quota.
	AllowOwnerSetQuota bool
	// MaxComponentLength is dfs.namenode.fs-limits.max-component-length in
	// bytes; 0 disables the limit.
	MaxComponentLength int
	// MaxDirectoryItems is dfs.namenode.fs-limits.max-directory-items.
	MaxDirectoryItems int
	// ListLimit is dfs.ls.limit, the most entries one getListing returns.
	ListLimit int
	// DiffListingLimit is dfs.snapshotdiff.listing.limit, the most entries
	// one getSnapshotDiffReportListing page holds; 0 means the default.
	DiffListingLimit int
	// MinReplication and MaxReplication are dfs.namenode.replication.min
	// and dfs.replication.max.
	MinReplication, MaxReplication int
	// MinBlockSize is dfs.namenode.fs-limits.min-block-size.
	MinBlockSize int64
	// MaxBlocksPerFile is dfs.namenode.fs-limits.max-blocks-per-file.
	MaxBlocksPerFile int
	// SymlinksEnabled stands for FileSystem.areSymlinksEnabled(), which is
	// false in a stock Hadoop 3 NameNode: createSymlink then fails.
	SymlinksEnabled bool
	// CTime is the namespace creation time (ms), the times of the
	// /.reserved/.inodes and /.reserved/raw entries.
	CTime int64

	// XAttrsEnabled is dfs.namenode.xattrs.enabled.
	XAttrsEnabled bool
	// MaxXAttrsPerInode is dfs.namenode.fs-limits.max-xattrs-per-inode:
	// the most user-visible (user and trusted) xattrs an inode may have.
	MaxXAttrsPerInode int
	// MaxXAttrSize is dfs.namenode.fs-limits.max-xattr-size: the most bytes
	// of name (without prefix) plus value an xattr may have.
	MaxXAttrSize int
	// AclsEnabled is dfs.namenode.acls.enabled.
	AclsEnabled bool
	// PosixACLInheritance is dfs.namenode.posix.acl.inheritance.enabled:
	// a new inode under a default ACL starts from the client's unmasked
	// mode (HDFS-6962) when the client sends one.
	PosixACLInheritance bool
	// StoragePoliciesEnabled is dfs.storage.policy.enabled.
	StoragePoliciesEnabled bool
	// StoragePolicySuperuserOnly is
	// dfs.storage.policy.permissions.superuser-only.
	StoragePolicySuperuserOnly bool
	// DefaultStoragePolicy is the id of dfs.storage.default.policy, the
	// policy of an inode with none set anywhere above it; 0 means HOT.
	DefaultStoragePolicy uint8

	// MaxSnapshots is dfs.namenode.snapshot.max.limit, the most snapshots
	// of one directory; 0 means Hadoop's default, 65536.
	MaxSnapshots int
	// MaxSnapshotsFS is dfs.namenode.snapshot.filesystem.limit, the most
	// snapshots in all; 0 means Hadoop's default, 65536.
	MaxSnapshotsFS int
}

func (c Config) snapshotLimit() int {
	if c.MaxSnapshots > 0 {
		return c.MaxSnapshots
	}
	return SnapshotQuotaDefault
}

func (c Config) snapshotFSLimit() int {
	if c.MaxSnapshotsFS > 0 {
		return c.MaxSnapshotsFS
	}
	return SnapshotQuotaDefault
}

// DefaultConfig returns Hadoop 3.4's defaults, with fsOwner as the
// NameNode's user.
func DefaultConfig(fsOwner string) Config {
	return Config{
		FsOwner:            fsOwner,
		Supergroup:         "supergroup",
		PermissionsEnabled: true,
		MaxComponentLength: 255,
		MaxDirectoryItems:  1024 * 1024,
		ListLimit:          1000,
		DiffListingLimit:   defaultDiffListingLimit,
		MinReplication:     1,
		MaxReplication:     512,
		MinBlockSize:       1024 * 1024,
		MaxBlocksPerFile:   10 * 1000,

		XAttrsEnabled:          true,
		MaxXAttrsPerInode:      32,
		MaxXAttrSize:           16384,
		AclsEnabled:            true,
		PosixACLInheritance:    true,
		StoragePoliciesEnabled: true,
		DefaultStoragePolicy:   PolicyHot,
	}
}

// maxDirItemsLimit is the largest dfs.namenode.fs-limits.max-directory-items
// Hadoop accepts.
const maxDirItemsLimit = 64 * 100 * 1000

// maxXAttrSizeHardLimit is DFS_NAMENODE_MAX_XATTR_SIZE_HARD_LIMIT.
const maxXAttrSizeHardLimit = 32768

// Validate checks the settings as FSDirectory's and FSNamesystem's
// constructors do.
func (c Config) Validate() error {
	switch {
	case c.FsOwner == "":
		return fmt.Errorf("namespace: no file system owner")
	case c.MaxDirectoryItems <= 0 || c.MaxDirectoryItems > maxDirItemsLimit:
		return fmt.Errorf("namespace: Cannot set dfs.namenode.fs-limits.max-directory-items"+
			" to a value less than 1 or greater than %d", maxDirItemsLimit)
	case c.MaxComponentLength < 0:
		return fmt.Errorf("namespace: negative max component length %d", c.MaxComponentLength)
	case c.DiffListingLimit < 0:
		return fmt.Errorf("namespace: dfs.snapshotdiff.listing.limit must not be negative, not %d", c.DiffListingLimit)
	case c.ListLimit <= 0:
		return fmt.Errorf("namespace: dfs.ls.limit must be positive, not %d", c.ListLimit)
	case c.MinReplication <= 0 || c.MaxReplication < c.MinReplication || c.MaxReplication > maxReplication:
		return fmt.Errorf("namespace: bad replication range [%d, %d]", c.MinReplication, c.MaxReplication)
	case c.MinBlockSize < 0 || c.MaxBlocksPerFile <= 0:
		return fmt.Errorf("namespace: bad block limits")
	case c.MaxXAttrSize <= 0:
		return fmt.Errorf("namespace: The maximum size of an xattr should be > 0: " +
			"(dfs.namenode.fs-limits.max-xattr-size).")
	case c.MaxXAttrSize > maxXAttrSizeHardLimit:
		return fmt.Errorf("namespace: The maximum size of an xattr should be <= maximum size hard limit %d: "+
			"(dfs.namenode.fs-limits.max-xattr-size).", maxXAttrSizeHardLimit)
	case c.MaxXAttrsPerInode < 0:
		return fmt.Errorf("namespace: negative dfs.namenode.fs-limits.max-xattrs-per-inode %d", c.MaxXAttrsPerInode)
	case c.snapshotLimit() > c.snapshotFSLimit():
		return fmt.Errorf("namespace: dfs.namenode.snapshot.max.limit cannot be greater than " +
			"dfs.namenode.snapshot.filesystem.limit")
	case c.DefaultStoragePolicy != 0 && PolicyByID(c.DefaultStoragePolicy) == nil:
		return fmt.Errorf("namespace: no storage policy with id %d", c.DefaultStoragePolicy)
	}
	return nil
}
