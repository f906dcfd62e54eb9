package conf

// Configuration keys read by this package. Values and meanings are
// Hadoop's; see defaults_core.go and defaults_hdfs.go for default values.
const (
	KeyDefaultFS = "fs.defaultFS"

	KeyNameservices         = "dfs.nameservices"
	KeyInternalNameservices = "dfs.internal.nameservices"
	KeyNameserviceID        = "dfs.nameservice.id"
	KeyHANameNodesPrefix    = "dfs.ha.namenodes"
	KeyHANameNodeID         = "dfs.ha.namenode.id"

	KeyNameNodeRPCAddress         = "dfs.namenode.rpc-address"
	KeyNameNodeServiceRPCAddress  = "dfs.namenode.servicerpc-address"
	KeyNameNodeLifelineRPCAddress = "dfs.namenode.lifeline.rpc-address"
	KeyNameNodeHTTPAddress        = "dfs.namenode.http-address"
	KeyNameNodeHTTPSAddress       = "dfs.namenode.https-address"
	KeyNameNodeRPCBindHost        = "dfs.namenode.rpc-bind-host"
	KeyNameNodeServiceRPCBindHost = "dfs.namenode.servicerpc-bind-host"
	KeyNameNodeLifelineBindHost   = "dfs.namenode.lifeline.rpc-bind-host"
	KeyNameNodeHTTPBindHost       = "dfs.namenode.http-bind-host"
	KeyNameNodeHTTPSBindHost      = "dfs.namenode.https-bind-host"
	KeySecondaryHTTPAddress       = "dfs.namenode.secondary.http-address"
	KeySecondaryHTTPSAddress      = "dfs.namenode.secondary.https-address"
	KeyBackupAddress              = "dfs.namenode.backup.address"
	KeyBackupHTTPAddress          = "dfs.namenode.backup.http-address"
	KeyNameNodeNameDir            = "dfs.namenode.name.dir"
	KeyNameNodeEditsDir           = "dfs.namenode.edits.dir"
	KeyNameNodeSharedEditsDir     = "dfs.namenode.shared.edits.dir"
	KeyNameNodeCheckpointDir      = "dfs.namenode.checkpoint.dir"
	KeyNameNodeCheckpointEditsDir = "dfs.namenode.checkpoint.edits.dir"

	KeyHAAutomaticFailover  = "dfs.ha.automatic-failover.enabled"
	KeyHAFencingMethods     = "dfs.ha.fencing.methods"
	KeyHAZKFCPort           = "dfs.ha.zkfc.port"
	KeyFailoverProxyPrefix  = "dfs.client.failover.proxy.provider"
	KeyClientLazyResolved   = "dfs.client.failover.lazy.resolved"
	KeyZKQuorum             = "ha.zookeeper.quorum"
	KeyZKSessionTimeout     = "ha.zookeeper.session-timeout.ms"
	KeyZKParentZnode        = "ha.zookeeper.parent-znode"
	KeyZKACL                = "ha.zookeeper.acl"
	KeyZKAuth               = "ha.zookeeper.auth"
	KeyHosts                = "dfs.hosts"
	KeyHostsExclude         = "dfs.hosts.exclude"
	KeyJournalNodeRPCAddr   = "dfs.journalnode.rpc-address"
	KeyJournalNodeHTTPAddr  = "dfs.journalnode.http-address"
	KeyJournalNodeEditsDir  = "dfs.journalnode.edits.dir"
	KeyDataNodeAddress      = "dfs.datanode.address"
	KeyDataNodeHTTPAddress  = "dfs.datanode.http.address"
	KeyDataNodeIPCAddress   = "dfs.datanode.ipc.address"
	KeyDataNodeDataDir      = "dfs.datanode.data.dir"
	KeySecurityAuth         = "hadoop.security.authentication"
	KeyRPCProtection        = "hadoop.rpc.protection"
	KeyHadoopTmpDir         = "hadoop.tmp.dir"
	KeyIPCMaximumDataLength = "ipc.maximum.data.length"
)

// Well-known ports (Hadoop's *_PORT_DEFAULT constants).
const (
	DefaultNameNodeRPCPort    = 8020
	DefaultJournalNodeRPCPort = 8485
)

// nameNodeSpecificKeys are the keys a NameNode copies from their
// .<nameservice>.<namenode> (or .<nameservice>) form into the plain key
// when it starts (NameNode.NAMENODE_SPECIFIC_KEYS).
var nameNodeSpecificKeys = []string{
	KeyNameNodeRPCAddress,
	KeyNameNodeRPCBindHost,
	KeyNameNodeNameDir,
	KeyNameNodeEditsDir,
	KeyNameNodeSharedEditsDir,
	KeyNameNodeCheckpointDir,
	KeyNameNodeCheckpointEditsDir,
	KeyNameNodeLifelineRPCAddress,
	KeyNameNodeLifelineBindHost,
	KeyNameNodeServiceRPCAddress,
	KeyNameNodeServiceRPCBindHost,
	KeyNameNodeHTTPAddress,
	KeyNameNodeHTTPSAddress,
	KeyNameNodeHTTPBindHost,
	KeyNameNodeHTTPSBindHost,
	"dfs.namenode.keytab.file",
	KeySecondaryHTTPAddress,
	KeySecondaryHTTPSAddress,
	"dfs.secondary.namenode.keytab.file",
	KeyBackupAddress,
	KeyBackupHTTPAddress,
	"dfs.namenode.backup.dnrpc-address",
	"dfs.namenode.kerberos.principal",
	"dfs.namenode.kerberos.internal.spnego.principal",
	KeyHAFencingMethods,
	KeyHAZKFCPort,
}

// nameserviceSpecificKeys may be set per nameservice but not per NameNode
// (NameNode.NAMESERVICE_SPECIFIC_KEYS).
var nameserviceSpecificKeys = []string{KeyHAAutomaticFailover}

// zkfcKeys are ZooKeeper settings a ZKFC also accepts per nameservice or
// per NameNode (ZKFailoverController.ZKFC_CONF_KEYS).
var zkfcKeys = []string{KeyZKQuorum, KeyZKSessionTimeout, KeyZKParentZnode, KeyZKACL, KeyZKAuth}

// deprecatedKeys maps each deprecated key to its replacement (Hadoop's
// Configuration and HdfsConfiguration deprecation tables). A deprecated key
// is read, written and loaded as its replacement.
var deprecatedKeys = map[string]string{
	"topology.script.file.name":                    "net.topology.script.file.name",
	"topology.script.number.args":                  "net.topology.script.number.args",
	"hadoop.configured.node.mapping":               "net.topology.configured.node.mapping",
	"topology.node.switch.mapping.impl":            "net.topology.node.switch.mapping.impl",
	"dfs.df.interval":                              "fs.df.interval",
	"fs.default.name":                              "fs.defaultFS",
	"dfs.umaskmode":                                "fs.permissions.umask-mode",
	"dfs.nfs.exports.allowed.hosts":                "nfs.exports.allowed.hosts",
	"dfs.backup.address":                           "dfs.namenode.backup.address",
	"dfs.backup.http.address":                      "dfs.namenode.backup.http-address",
	"dfs.balance.bandwidthPerSec":                  "dfs.datanode.balance.bandwidthPerSec",
	"dfs.data.dir":                                 "dfs.datanode.data.dir",
	"dfs.http.address":                             "dfs.namenode.http-address",
	"dfs.https.address":                            "dfs.namenode.https-address",
	"dfs.max.objects":                              "dfs.namenode.max.objects",
	"dfs.name.dir":                                 "dfs.namenode.name.dir",
	"dfs.name.dir.restore":                         "dfs.namenode.name.dir.restore",
	"dfs.name.edits.dir":                           "dfs.namenode.edits.dir",
	"dfs.read.prefetch.size":                       "dfs.client.read.prefetch.size",
	"dfs.safemode.extension":                       "dfs.namenode.safemode.extension",
	"dfs.safemode.threshold.pct":                   "dfs.namenode.safemode.threshold-pct",
	"dfs.secondary.http.address":                   "dfs.namenode.secondary.http-address",
	"dfs.socket.timeout":                           "dfs.client.socket-timeout",
	"fs.checkpoint.dir":                            "dfs.namenode.checkpoint.dir",
	"fs.checkpoint.edits.dir":                      "dfs.namenode.checkpoint.edits.dir",
	"fs.checkpoint.period":                         "dfs.namenode.checkpoint.period",
	"heartbeat.recheck.interval":                   "dfs.namenode.heartbeat.recheck-interval",
	"dfs.https.client.keystore.resource":           "dfs.client.https.keystore.resource",
	"dfs.https.need.client.auth":                   "dfs.client.https.need-auth",
	"slave.host.name":                              "dfs.datanode.hostname",
	"session.id":                                   "dfs.metrics.session-id",
	"dfs.access.time.precision":                    "dfs.namenode.accesstime.precision",
	"dfs.replication.considerLoad":                 "dfs.namenode.redundancy.considerLoad",
	"dfs.namenode.replication.considerLoad":        "dfs.namenode.redundancy.considerLoad",
	"dfs.namenode.replication.considerLoad.factor": "dfs.namenode.redundancy.considerLoad.factor",
	"dfs.replication.interval":                     "dfs.namenode.redundancy.interval.seconds",
	"dfs.namenode.replication.interval":            "dfs.namenode.redundancy.interval.seconds",
	"dfs.replication.min":                          "dfs.namenode.replication.min",
	"dfs.replication.pending.timeout.sec":          "dfs.namenode.reconstruction.pending.timeout-sec",
	"dfs.namenode.replication.pending.timeout-sec": "dfs.namenode.reconstruction.pending.timeout-sec",
	"dfs.max-repl-streams":                         "dfs.namenode.replication.max-streams",
	"dfs.permissions":                              "dfs.permissions.enabled",
	"dfs.permissions.supergroup":                   "dfs.permissions.superusergroup",
	"dfs.write.packet.size":                        "dfs.client-write-packet-size",
	"dfs.block.size":                               "dfs.blocksize",
	"dfs.datanode.max.xcievers":                    "dfs.datanode.max.transfer.threads",
	"io.bytes.per.checksum":                        "dfs.bytes-per-checksum",
	"dfs.federation.nameservices":                  "dfs.nameservices",
	"dfs.federation.nameservice.id":                "dfs.nameservice.id",
	"dfs.encryption.key.provider.uri":              "hadoop.security.key.provider.path",
}

// canonicalKey trims a key and maps a deprecated key to its replacement.
func canonicalKey(key string) string {
	key = javaTrim(key)
	if n, ok := deprecatedKeys[key]; ok {
		return n
	}
	return key
}
