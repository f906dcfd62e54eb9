package editlog

import "fmt"

// Opcode is the first byte of an edit-log record (FSEditLogOpCodes).
type Opcode uint8

// The opcodes of Hadoop 3.4, with their on-disk numbers.
const (
	OpAdd                        Opcode = 0
	OpRenameOld                  Opcode = 1
	OpDelete                     Opcode = 2
	OpMkdir                      Opcode = 3
	OpSetReplication             Opcode = 4
	OpDatanodeAdd                Opcode = 5 // obsolete: no op reads it
	OpDatanodeRemove             Opcode = 6 // obsolete: no op reads it
	OpSetPermissions             Opcode = 7
	OpSetOwner                   Opcode = 8
	OpClose                      Opcode = 9
	OpSetGenstampV1              Opcode = 10
	OpSetNSQuota                 Opcode = 11 // obsolete: read, never written
	OpClearNSQuota               Opcode = 12 // obsolete: read, never written
	OpTimes                      Opcode = 13
	OpSetQuota                   Opcode = 14
	OpRename                     Opcode = 15
	OpConcatDelete               Opcode = 16
	OpSymlink                    Opcode = 17
	OpGetDelegationToken         Opcode = 18
	OpRenewDelegationToken       Opcode = 19
	OpCancelDelegationToken      Opcode = 20
	OpUpdateMasterKey            Opcode = 21
	OpReassignLease              Opcode = 22
	OpEndLogSegment              Opcode = 23
	OpStartLogSegment            Opcode = 24
	OpUpdateBlocks               Opcode = 25
	OpCreateSnapshot             Opcode = 26
	OpDeleteSnapshot             Opcode = 27
	OpRenameSnapshot             Opcode = 28
	OpAllowSnapshot              Opcode = 29
	OpDisallowSnapshot           Opcode = 30
	OpSetGenstampV2              Opcode = 31
	OpAllocateBlockID            Opcode = 32
	OpAddBlock                   Opcode = 33
	OpAddCacheDirective          Opcode = 34
	OpRemoveCacheDirective       Opcode = 35
	OpAddCachePool               Opcode = 36
	OpModifyCachePool            Opcode = 37
	OpRemoveCachePool            Opcode = 38
	OpModifyCacheDirective       Opcode = 39
	OpSetACL                     Opcode = 40
	OpRollingUpgradeStart        Opcode = 41
	OpRollingUpgradeFinalize     Opcode = 42
	OpSetXAttr                   Opcode = 43
	OpRemoveXAttr                Opcode = 44
	OpSetStoragePolicy           Opcode = 45
	OpTruncate                   Opcode = 46
	OpAppend                     Opcode = 47
	OpSetQuotaByStorageType      Opcode = 48
	OpAddErasureCodingPolicy     Opcode = 49
	OpEnableErasureCodingPolicy  Opcode = 50
	OpDisableErasureCodingPolicy Opcode = 51
	OpRemoveErasureCodingPolicy  Opcode = 52
	OpInvalid                    Opcode = 0xFF // preallocation padding / end marker
	lastOpcode                          = OpRemoveErasureCodingPolicy
)

// opcodeNames holds Hadoop's enum constant names, used verbatim in the XML
// and statistics output.
var opcodeNames = [...]string{
	"OP_ADD", "OP_RENAME_OLD", "OP_DELETE", "OP_MKDIR", "OP_SET_REPLICATION",
	"OP_DATANODE_ADD", "OP_DATANODE_REMOVE", "OP_SET_PERMISSIONS",
	"OP_SET_OWNER", "OP_CLOSE", "OP_SET_GENSTAMP_V1", "OP_SET_NS_QUOTA",
	"OP_CLEAR_NS_QUOTA", "OP_TIMES", "OP_SET_QUOTA", "OP_RENAME",
	"OP_CONCAT_DELETE", "OP_SYMLINK", "OP_GET_DELEGATION_TOKEN",
	"OP_RENEW_DELEGATION_TOKEN", "OP_CANCEL_DELEGATION_TOKEN",
	"OP_UPDATE_MASTER_KEY", "OP_REASSIGN_LEASE", "OP_END_LOG_SEGMENT",
	"OP_START_LOG_SEGMENT", "OP_UPDATE_BLOCKS", "OP_CREATE_SNAPSHOT",
	"OP_DELETE_SNAPSHOT", "OP_RENAME_SNAPSHOT", "OP_ALLOW_SNAPSHOT",
	"OP_DISALLOW_SNAPSHOT", "OP_SET_GENSTAMP_V2", "OP_ALLOCATE_BLOCK_ID",
	"OP_ADD_BLOCK", "OP_ADD_CACHE_DIRECTIVE", "OP_REMOVE_CACHE_DIRECTIVE",
	"OP_ADD_CACHE_POOL", "OP_MODIFY_CACHE_POOL", "OP_REMOVE_CACHE_POOL",
	"OP_MODIFY_CACHE_DIRECTIVE", "OP_SET_ACL", "OP_ROLLING_UPGRADE_START",
	"OP_ROLLING_UPGRADE_FINALIZE", "OP_SET_XATTR", "OP_REMOVE_XATTR",
	"OP_SET_STORAGE_POLICY", "OP_TRUNCATE", "OP_APPEND",
	"OP_SET_QUOTA_BY_STORAGETYPE", "OP_ADD_ERASURE_CODING_POLICY",
	"OP_ENABLE_ERASURE_CODING_POLICY", "OP_DISABLE_ERASURE_CODING_POLICY",
	"OP_REMOVE_ERASURE_CODING_POLICY",
}

// String returns Hadoop's name for the opcode ("OP_ADD"), or "OP_<n>" for
// a byte that names no opcode.
func (c Opcode) String() string {
	if int(c) < len(opcodeNames) {
		return opcodeNames[c]
	}
	if c == OpInvalid {
		return "OP_INVALID"
	}
	return fmt.Sprintf("OP_%d", uint8(c))
}

// opcodeByName maps Hadoop's names back to opcodes (XML input).
var opcodeByName = func() map[string]Opcode {
	m := make(map[string]Opcode, len(opcodeNames)+1)
	for i, n := range opcodeNames {
		m[n] = Opcode(i)
	}
	m["OP_INVALID"] = OpInvalid
	return m
}()

// statsOrder is the order of FSEditLogOpCodes.values(): every opcode by
// number, then OP_INVALID.
func statsOrder() []Opcode {
	codes := make([]Opcode, 0, len(opcodeNames)+1)
	for i := range opcodeNames {
		codes = append(codes, Opcode(i))
	}
	return append(codes, OpInvalid)
}
