package clientrpc

import (
	"fmt"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Config is what the translation answers from configuration.
type Config struct {
	ServerDefaults ServerDefaults
}

// ServerDefaults is FsServerDefaults, which the NameNode reads once at
// start (FSNamesystem's constructor) and sends for getServerDefaults.
type ServerDefaults struct {
	BlockSize                int64  // dfs.blocksize
	BytesPerChecksum         int    // dfs.bytes-per-checksum
	WritePacketSize          int    // dfs.client-write-packet-size
	Replication              int    // dfs.replication
	FileBufferSize           int    // io.file.buffer.size
	EncryptDataTransfer      bool   // dfs.encrypt.data.transfer
	TrashInterval            int64  // fs.trash.interval, minutes
	ChecksumType             string // dfs.checksum.type: NULL, CRC32 or CRC32C
	KeyProviderURI           string // hadoop.security.key.provider.path, "" when unset
	StoragePolicyID          uint8  // the id of dfs.storage.default.policy (HOT, 7)
	SnapshotTrashRootEnabled bool   // dfs.namenode.snapshot.trashroot.enabled
}

// DefaultConfig is what a NameNode with no site files answers.
func DefaultConfig() Config {
	return Config{ServerDefaults: ServerDefaults{
		BlockSize: 128 << 20, BytesPerChecksum: 512, WritePacketSize: 64 << 10, Replication: 3,
		FileBufferSize: 4096, ChecksumType: "CRC32C", StoragePolicyID: hotPolicyID,
	}}
}

// ConfigFrom reads the configuration the way FSNamesystem builds its
// server defaults.
func ConfigFrom(c *conf.Conf) (Config, error) {
	h, err := conf.ReadHDFS(c)
	if err != nil {
		return Config{}, err
	}
	sd := ServerDefaults{
		BlockSize: h.BlockSize, BytesPerChecksum: h.BytesPerChecksum, WritePacketSize: h.WritePacketSize,
		Replication: h.Replication, ChecksumType: h.ChecksumType,
		EncryptDataTransfer:      c.GetBool("dfs.encrypt.data.transfer", false),
		SnapshotTrashRootEnabled: c.GetBool("dfs.namenode.snapshot.trashroot.enabled", false),
	}
	if sd.FileBufferSize, err = c.GetInt("io.file.buffer.size", 4096); err != nil {
		return Config{}, err
	}
	if sd.TrashInterval, err = c.GetInt64("fs.trash.interval", 0); err != nil {
		return Config{}, err
	}
	sd.KeyProviderURI, _ = c.GetTrimmed("hadoop.security.key.provider.path")
	policy, ok := c.GetTrimmed("dfs.storage.default.policy")
	if !ok || policy == "" {
		policy = "HOT"
	}
	p := storagePolicyNamed(policy)
	if p == nil {
		return Config{}, fmt.Errorf("clientrpc: dfs.storage.default.policy = %q is not a storage policy", policy)
	}
	sd.StoragePolicyID = p.ID
	cfg := Config{ServerDefaults: sd}
	return cfg, cfg.Validate()
}

// Validate checks what the NameNode refuses to start with.
func (c Config) Validate() error {
	if _, ok := checksumTypes[c.ServerDefaults.ChecksumType]; !ok {
		// FSNamesystem's message for DataChecksum.Type.valueOf failing.
		return fmt.Errorf("clientrpc: Invalid checksum type in dfs.checksum.type: %s", c.ServerDefaults.ChecksumType)
	}
	return nil
}

var checksumTypes = map[string]hdfspb.ChecksumTypeProto{
	"NULL":   hdfspb.ChecksumTypeProto_CHECKSUM_NULL,
	"CRC32":  hdfspb.ChecksumTypeProto_CHECKSUM_CRC32,
	"CRC32C": hdfspb.ChecksumTypeProto_CHECKSUM_CRC32C,
}
