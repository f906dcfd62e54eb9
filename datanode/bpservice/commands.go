package bpservice

import "fmt"

// CommandKind is a NameNode command's action, named after Hadoop's
// DatanodeProtocol.DNA_* constants.
type CommandKind int

const (
	CmdUnknown           CommandKind = iota
	CmdTransfer                      // DNA_TRANSFER: copy blocks to other DataNodes
	CmdInvalidate                    // DNA_INVALIDATE: delete replicas
	CmdShutdown                      // DNA_SHUTDOWN (never sent by a NameNode)
	CmdRegister                      // DNA_REGISTER: register again
	CmdFinalize                      // DNA_FINALIZE: finalize an upgrade of the pool
	CmdRecoverBlock                  // DNA_RECOVERBLOCK: lease recovery
	CmdAccessKeyUpdate               // DNA_ACCESSKEYUPDATE: new block token keys
	CmdBalancerBandwidth             // DNA_BALANCERBANDWIDTHUPDATE
	CmdCache                         // DNA_CACHE (not supported here)
	CmdUncache                       // DNA_UNCACHE (not supported here)
	CmdECReconstruction              // DNA_ERASURE_CODING_RECONSTRUCTION (not supported here)
)

var commandNames = [...]string{"UNKNOWN", "DNA_TRANSFER", "DNA_INVALIDATE", "DNA_SHUTDOWN",
	"DNA_REGISTER", "DNA_FINALIZE", "DNA_RECOVERBLOCK", "DNA_ACCESSKEYUPDATE",
	"DNA_BALANCERBANDWIDTHUPDATE", "DNA_CACHE", "DNA_UNCACHE", "DNA_ERASURE_CODING_RECONSTRUCTION"}

func (k CommandKind) String() string {
	if k >= 0 && int(k) < len(commandNames) {
		return commandNames[k]
	}
	return fmt.Sprintf("CommandKind(%d)", int(k))
}

// Supported reports whether this package hands the kind to a
// CommandHandler; the others are logged once and dropped.
func (k CommandKind) Supported() bool {
	switch k {
	case CmdTransfer, CmdInvalidate, CmdFinalize, CmdRecoverBlock, CmdAccessKeyUpdate, CmdBalancerBandwidth:
		return true
	}
	return false
}

// Target is a DataNode and storage a block is to be copied to.
type Target struct {
	Node        DatanodeID
	StorageUUID string
	StorageType StorageType
}

// RecoveringBlock is one block of a recovery command.
type RecoveringBlock struct {
	BlockPoolID   string
	Block         Block
	NewGenStamp   int64
	Locations     []Target
	TruncateBlock *Block // the block after a truncate recovery, if any
}

// BlockKey is a block-token secret.
type BlockKey struct {
	KeyID      uint32
	ExpiryDate uint64
	KeyBytes   []byte
}

// BlockKeys are the block-token keys a NameNode exports.
type BlockKeys struct {
	BlockTokenEnabled bool
	KeyUpdateInterval uint64
	TokenLifetime     uint64
	Current           BlockKey
	All               []BlockKey
}

// Command is one NameNode command, out of protobuf. Only the fields of its
// Kind are set.
type Command struct {
	Kind        CommandKind
	BlockPoolID string
	Blocks      []Block    // TRANSFER, INVALIDATE
	Targets     [][]Target // TRANSFER: the targets of each block
	Recover     []RecoveringBlock
	Bandwidth   uint64 // BALANCERBANDWIDTHUPDATE, bytes/s
	Keys        *BlockKeys
	BlockIDs    []uint64 // CACHE, UNCACHE
}

func (c Command) String() string {
	switch {
	case len(c.Blocks) > 0:
		return fmt.Sprintf("%v(%d blocks)", c.Kind, len(c.Blocks))
	case len(c.Recover) > 0:
		return fmt.Sprintf("%v(%d blocks)", c.Kind, len(c.Recover))
	}
	return c.Kind.String()
}

// ObeyFrom splits commands as BPOfferService does: fromActive says whether
// they came from the NameNode this block pool thinks is active. Commands
// up to a DNA_REGISTER are kept (from a standby only the key update);
// reregister says a DNA_REGISTER was found, and the commands after it are
// dropped, as Hadoop stops processing a batch there.
func ObeyFrom(cmds []Command, fromActive bool) (obey, ignored []Command, reregister bool) {
	for i, c := range cmds {
		if c.Kind == CmdRegister {
			return obey, append(ignored, cmds[i+1:]...), true
		}
		if fromActive || c.Kind == CmdAccessKeyUpdate {
			obey = append(obey, c)
		} else {
			ignored = append(ignored, c)
		}
	}
	return obey, ignored, false
}
