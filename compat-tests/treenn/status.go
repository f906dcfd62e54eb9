package treenn

import (
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/compat-tests/treenn/tree"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// fileStatus converts a status as PBHelperClient.convert(HdfsFileStatus)
// does: every required field, and the optional ones Hadoop always sets
// (replication, block size, fileId, childrenNum, storagePolicy, flags) even
// when they are zero. Directories and symlinks report replication 0, block
// size 0 and length 0; files and symlinks childrenNum 0. No inode in the tree
// has a storage policy, ACL, encryption or erasure coding, so storagePolicy
// and flags are 0.
func fileStatus(s tree.Status) *hdfspb.HdfsFileStatusProto {
	fs := &hdfspb.HdfsFileStatusProto{
		FileType:         fileType(s.Kind).Enum(),
		Path:             append([]byte{}, s.Name...), // required: present even when empty
		Length:           proto.Uint64(s.Length),
		Permission:       &hdfspb.FsPermissionProto{Perm: proto.Uint32(uint32(s.Perm))},
		Owner:            proto.String(s.Owner),
		Group:            proto.String(s.Group),
		ModificationTime: proto.Uint64(uint64(s.Mtime)),
		AccessTime:       proto.Uint64(uint64(s.Atime)),
		BlockReplication: proto.Uint32(uint32(s.Replication)),
		Blocksize:        proto.Uint64(s.BlockSize),
		FileId:           proto.Uint64(s.ID),
		ChildrenNum:      proto.Int32(int32(s.Children)),
		StoragePolicy:    proto.Uint32(0), // HdfsConstants.BLOCK_STORAGE_POLICY_ID_UNSPECIFIED
		Flags:            proto.Uint32(0),
	}
	if s.Kind == tree.Symlink {
		fs.Symlink = []byte(s.Target)
	}
	return fs
}

func fileType(k tree.Kind) hdfspb.HdfsFileStatusProto_FileType {
	switch k {
	case tree.Dir:
		return hdfspb.HdfsFileStatusProto_IS_DIR
	case tree.Symlink:
		return hdfspb.HdfsFileStatusProto_IS_SYMLINK
	}
	return hdfspb.HdfsFileStatusProto_IS_FILE
}

// serverDefaults is FSNamesystem.serverDefaults with an empty configuration
// (hdfs-default.xml, core-default.xml), converted by PBHelperClient: the key
// provider URI is "" rather than absent, and the policy is HOT (7).
func serverDefaults() *hdfspb.FsServerDefaultsProto {
	return &hdfspb.FsServerDefaultsProto{
		BlockSize:                proto.Uint64(128 << 20),                         // dfs.blocksize
		BytesPerChecksum:         proto.Uint32(512),                               // dfs.bytes-per-checksum
		WritePacketSize:          proto.Uint32(64 << 10),                          // dfs.client-write-packet-size
		Replication:              proto.Uint32(3),                                 // dfs.replication
		FileBufferSize:           proto.Uint32(4096),                              // io.file.buffer.size
		EncryptDataTransfer:      proto.Bool(false),                               // dfs.encrypt.data.transfer
		TrashInterval:            proto.Uint64(0),                                 // fs.trash.interval
		ChecksumType:             hdfspb.ChecksumTypeProto_CHECKSUM_CRC32C.Enum(), // dfs.checksum.type
		KeyProviderUri:           proto.String(""),                                // hadoop.security.key.provider.path
		PolicyId:                 proto.Uint32(7),                                 // HdfsConstants.HOT_STORAGE_POLICY_ID
		SnapshotTrashRootEnabled: proto.Bool(false),                               // dfs.namenode.snapshot.trashroot.enabled
	}
}

// Capacity figures for getFsStats. A real NameNode with no DataNodes reports
// zero capacity, which makes the stock Go CLI's "df" divide by zero, so the
// test NameNode pretends to have one 1 TiB DataNode.
const (
	fakeCapacity = 1 << 40
	fakeUsed     = 1 << 30
)

// fsStats fills every field, as PBHelperClient.convert(long[]) does for the
// nine-entry array FSNamesystem.getStats returns.
func fsStats() *hdfspb.GetFsStatsResponseProto {
	return &hdfspb.GetFsStatsResponseProto{
		Capacity:              proto.Uint64(fakeCapacity),
		Used:                  proto.Uint64(fakeUsed),
		Remaining:             proto.Uint64(fakeCapacity - fakeUsed),
		UnderReplicated:       proto.Uint64(0),
		CorruptBlocks:         proto.Uint64(0),
		MissingBlocks:         proto.Uint64(0),
		MissingReplOneBlocks:  proto.Uint64(0),
		BlocksInFuture:        proto.Uint64(0),
		PendingDeletionBlocks: proto.Uint64(0),
	}
}
