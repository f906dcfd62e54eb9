package cli

import (
	"io"
	"strings"
)

const storageTypesHelp = "\t\tAvailable storageTypes are \n\t\t- RAM_DISK\n\t\t- DISK\n\t\t- SSD\n\t\t- ARCHIVE"

// dfsadminHelp holds the -help text of each command in the order the full
// help prints them; match says whether the name is compared ignoring case.
var dfsadminHelp = []struct {
	name    string
	anyCase bool
	text    string
}{
	{"report", false, "-report " + dfsadminReportFlags + ":\n" +
		"\tReports basic filesystem information and statistics. \n" +
		"\tThe dfs usage can be different from \"du\" usage, because it\n" +
		"\tmeasures raw space used by replication, checksums, snapshots\n" +
		"\tand etc. on all the DNs.\n" +
		"\tOptional flags may be used to filter the list of displayed DNs.\n"},
	{"safemode", false, "-safemode <enter|leave|get|wait|forceExit>:  Safe mode maintenance command.\n" +
		"\t\tSafe mode is a Namenode state in which it\n" +
		"\t\t\t1.  does not accept changes to the name space (read-only)\n" +
		"\t\t\t2.  does not replicate or delete blocks.\n" +
		"\t\tSafe mode is entered automatically at Namenode startup, and\n" +
		"\t\tleaves safe mode automatically when the configured minimum\n" +
		"\t\tpercentage of blocks satisfies the minimum replication\n" +
		"\t\tcondition.  Safe mode can also be entered manually, but then\n" +
		"\t\tit can only be turned off manually as well.\n"},
	{"saveNamespace", false, "-saveNamespace [-beforeShutdown]:\tSave current namespace into storage directories and reset edits \n" +
		"\t\t log. Requires safe mode.\n" +
		"\t\tIf the \"beforeShutdown\" option is given, the NameNode does a \n" +
		"\t\tcheckpoint if and only if there is no checkpoint done during \n" +
		"\t\ta time window (a configurable number of checkpoint periods).\n" +
		"\t\tThis is usually used before shutting down the NameNode to \n" +
		"\t\tprevent potential fsimage/editlog corruption.\n"},
	{"rollEdits", false, "-rollEdits:\tRolls the edit log.\n"},
	{"restoreFailedStorage", false, "-restoreFailedStorage:\tSet/Unset/Check flag to attempt restore of failed storage replicas if they become available.\n"},
	{"refreshNodes", false, "-refreshNodes: \tUpdates the namenode with the set of datanodes allowed to connect to the namenode.\n\n" +
		"\t\tNamenode re-reads datanode hostnames from the file defined by \n" +
		"\t\tdfs.hosts, dfs.hosts.exclude configuration parameters.\n" +
		"\t\tHosts defined in dfs.hosts are the datanodes that are part of \n" +
		"\t\tthe cluster. If there are entries in dfs.hosts, only the hosts \n" +
		"\t\tin it are allowed to register with the namenode.\n\n" +
		"\t\tEntries in dfs.hosts.exclude are datanodes that need to be \n" +
		"\t\tdecommissioned. Datanodes complete decommissioning when \n" +
		"\t\tall the replicas from them are replicated to other datanodes.\n" +
		"\t\tDecommissioned nodes are not automatically shutdown and \n" +
		"\t\tare not chosen for writing new replicas.\n"},
	{"finalizeUpgrade", false, "-finalizeUpgrade: Finalize upgrade of HDFS.\n" +
		"\t\tDatanodes delete their previous version working directories,\n" +
		"\t\tfollowed by Namenode doing the same.\n" +
		"\t\tThis completes the upgrade process.\n"},
	{"rollingUpgrade", false, "-rollingUpgrade [<query|prepare|finalize>]:\n" +
		"     query: query the current rolling upgrade status.\n" +
		"   prepare: prepare a new rolling upgrade.\n" +
		"  finalize: finalize the current rolling upgrade."},
	{"upgrade", false, "-upgrade <query | finalize>:\n" +
		"     query: query the current upgrade status.\n" +
		"  finalize: finalize the upgrade of HDFS (equivalent to -finalizeUpgrade."},
	{"metasave", false, "-metasave <filename>: \tSave Namenode's primary data structures\n" +
		"\t\tto <filename> in the directory specified by hadoop.log.dir property.\n" +
		"\t\t<filename> is overwritten if it exists.\n" +
		"\t\t<filename> will contain one line for each of the following\n" +
		"\t\t\t1. Datanodes heart beating with Namenode\n" +
		"\t\t\t2. Blocks waiting to be replicated\n" +
		"\t\t\t3. Blocks currrently being replicated\n" +
		"\t\t\t4. Blocks waiting to be deleted\n"},
	{"setQuota", false, dfsadminSetQuotaUsage + ": Set the quota <quota> for each directory <dirName>.\n" +
		"\t\tThe directory quota is a long integer that puts a hard limit\n" +
		"\t\ton the number of names in the directory tree\n" +
		"\t\tFor each directory, attempt to set the quota. An error will be reported if\n" +
		"\t\t1. quota is not a positive integer, or\n" +
		"\t\t2. User is not an administrator, or\n" +
		"\t\t3. The directory does not exist or is a file.\n" +
		"\t\tNote: A quota of 1 would force the directory to remain empty.\n"},
	{"clrQuota", false, dfsadminClrQuotaUsage + ": Clear the quota for each directory <dirName>.\n" +
		"\t\tFor each directory, attempt to clear the quota. An error will be reported if\n" +
		"\t\t1. the directory does not exist or is a file, or\n" +
		"\t\t2. user is not an administrator.\n" +
		"\t\tIt does not fault if the directory has no quota."},
	{"setSpaceQuota", false, dfsadminSetSpaceQuotaUsage + ": Set the space quota <quota> for each directory <dirName>.\n" +
		"\t\tThe space quota is a long integer that puts a hard limit\n" +
		"\t\ton the total size of all the files under the directory tree.\n" +
		"\t\tThe extra space required for replication is also counted. E.g.\n" +
		"\t\ta 1GB file with replication of 3 consumes 3GB of the quota.\n\n" +
		"\t\tQuota can also be specified with a binary prefix for terabytes,\n" +
		"\t\tpetabytes etc (e.g. 50t is 50TB, 5m is 5MB, 3p is 3PB).\n" +
		"\t\tFor each directory, attempt to set the quota. An error will be reported if\n" +
		"\t\t1. quota is not a positive integer or zero, or\n" +
		"\t\t2. user is not an administrator, or\n" +
		"\t\t3. the directory does not exist or is a file.\n" +
		"\t\tThe storage type specific quota is set when -storageType option is specified.\n" +
		storageTypesHelp},
	{"clrSpaceQuota", false, dfsadminClrSpaceQuotaUsage + ": Clear the space quota for each directory <dirName>.\n" +
		"\t\tFor each directory, attempt to clear the quota. An error will be reported if\n" +
		"\t\t1. the directory does not exist or is a file, or\n" +
		"\t\t2. user is not an administrator.\n" +
		"\t\tIt does not fault if the directory has no quota.\n" +
		"\t\tThe storage type specific quota is cleared when -storageType option is specified.\n" +
		storageTypesHelp},
	{"refreshServiceAcl", false, "-refreshServiceAcl: Reload the service-level authorization policy file\n" +
		"\t\tNamenode will reload the authorization policy file.\n"},
	{"refreshUserToGroupsMappings", false, "-refreshUserToGroupsMappings: Refresh user-to-groups mappings\n"},
	{"refreshSuperUserGroupsConfiguration", false, "-refreshSuperUserGroupsConfiguration: Refresh superuser proxy groups mappings\n"},
	{"refreshCallQueue", false, "-refreshCallQueue: Reload the call queue from config\n"},
	{"refresh", false, "-refresh: Arguments are <hostname:ipc_port> <resource_identifier> [arg1..argn]\n" +
		"\tTriggers a runtime-refresh of the resource specified by <resource_identifier> on <hostname:ipc_port>.\n" +
		"\tAll other args after are sent to the host.\n" +
		"\tThe ipc_port is determined by 'dfs.datanode.ipc.address',default is DFS_DATANODE_IPC_DEFAULT_PORT.\n"},
	{"reconfig", false, "-reconfig <namenode|datanode> <host:ipc_port> <start|status|properties>:\n" +
		"\tStarts or gets the status of a reconfiguration operation, \n" +
		"\tor gets a list of reconfigurable properties.\n" +
		"\tThe second parameter specifies the node type\n"},
	{"printTopology", false, "-printTopology: Print a tree of the racks and their\n" +
		"\t\tnodes as reported by the Namenode\n"},
	{"refreshNamenodes", false, "-refreshNamenodes: Takes a datanodehost:ipc_port as argument,For the given datanode\n" +
		"\t\treloads the configuration files,stops serving the removed\n" +
		"\t\tblock-pools and starts serving new block-pools.\n" +
		"\t\tThe ipc_port is determined by 'dfs.datanode.ipc.address',default is DFS_DATANODE_IPC_DEFAULT_PORT.\n"},
	{"getVolumeReport", false, "-getVolumeReport: Takes a datanodehost:ipc_port as argument,For the given datanode,get the volume report.\n" +
		"\t\tThe ipc_port is determined by 'dfs.datanode.ipc.address',default is DFS_DATANODE_IPC_DEFAULT_PORT.\n"},
	{"deleteBlockPool", false, "-deleteBlockPool: Arguments are datanodehost:ipc_port, blockpool id and an optional argument\n" +
		"\t\t\"force\". If force is passed,block pool directory for\n" +
		"\t\tthe given blockpool id on the given datanode is deleted\n" +
		"\t\talong with its contents,otherwise the directory is deleted\n" +
		"\t\tonly if it is empty.The command will fail if datanode is\n" +
		"\t\tstill serving the block pool.Refer to refreshNamenodes to\n" +
		"\t\tshutdown a block pool service on a datanode.\n" +
		"\t\tThe ipc_port is determined by 'dfs.datanode.ipc.address',default is DFS_DATANODE_IPC_DEFAULT_PORT.\n"},
	{"setBalancerBandwidth", false, "-setBalancerBandwidth <bandwidth>:\n" +
		"\tChanges the network bandwidth used by each datanode during\n" +
		"\tHDFS block balancing.\n\n" +
		"\t\t<bandwidth> is the maximum number of bytes per second\n" +
		"\t\tthat will be used by each datanode. This value overrides\n" +
		"\t\tthe dfs.datanode.balance.bandwidthPerSec parameter.\n\n" +
		"\t\t--- NOTE: The new value is not persistent on the DataNode.---\n"},
	{"getBalancerBandwidth", false, "-getBalancerBandwidth <datanode_host:ipc_port>:\n" +
		"\tGet the network bandwidth for the given datanode.\n" +
		"\tThis is the maximum network bandwidth used by the datanode\n" +
		"\tduring HDFS block balancing.\n\n" +
		"\t--- NOTE: This value is not persistent on the DataNode.---\n"},
	{"fetchImage", false, "-fetchImage <local directory>:\n" +
		"\tDownloads the most recent fsimage from the Name Node and saves it in\tthe specified local directory.\n"},
	{"allowSnapshot", true, "-allowSnapshot <snapshotDir>:\n\tAllow snapshots to be taken on a directory.\n"},
	{"disallowSnapshot", true, "-disallowSnapshot <snapshotDir>:\n\tDo not allow snapshots to be taken on a directory any more.\n"},
	{"shutdownDatanode", true, "-shutdownDatanode <datanode_host:ipc_port> [upgrade]\n" +
		"\tSubmit a shutdown request for the given datanode. If an optional\n" +
		"\t\"upgrade\" argument is specified, clients accessing the datanode\n" +
		"\twill be advised to wait for it to restart and the fast start-up\n" +
		"\tmode will be enabled. When the restart does not happen in time,\n" +
		"\tclients will timeout and ignore the datanode. In such case, the\n" +
		"\tfast start-up mode will also be disabled.\n"},
	{"evictWriters", true, "-evictWriters <datanode_host:ipc_port>\n" +
		"\tMake the datanode evict all clients that are writing a block.\n" +
		"\tThis is useful if decommissioning is hung due to slow writers.\n"},
	{"getDatanodeInfo", true, "-getDatanodeInfo <datanode_host:ipc_port>\n" +
		"\tGet the information about the given datanode. This command can\n" +
		"\tbe used for checking if a datanode is alive.\n"},
	{"triggerBlockReport", true, "-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]\n" +
		"\tTrigger a block report for the datanode.\n" +
		"\tIf 'incremental' is specified, it will be an incremental\n" +
		"\tblock report; otherwise, it will be a full block report.\n"},
	{"listOpenFiles", true, "-listOpenFiles [-blockingDecommission] [-path <path>]\n" +
		"\tList all open files currently managed by the NameNode along\n" +
		"\twith client name and client machine accessing them.\n" +
		"\tIf 'blockingDecommission' option is specified, it will list the\n" +
		"\topen files only that are blocking the ongoing Decommission."},
	{"help", false, "-help [cmd]: \tDisplays help for the given command or all commands if none\n" +
		"\t\tis specified.\n"},
}

// dfsadminPrintHelp is DFSAdmin.printHelp: one command's help, or all of
// them after the summary. It goes to stdout; every text gets a newline.
func dfsadminPrintHelp(w io.Writer, cmd string) {
	for _, h := range dfsadminHelp {
		if h.name == cmd || h.anyCase && strings.EqualFold(h.name, cmd) {
			io.WriteString(w, h.text+"\n")
			return
		}
	}
	io.WriteString(w, "hdfs dfsadmin performs DFS administrative commands.\n"+
		"Note: Administrative commands can only be run with superuser permission.\n"+
		"The full syntax is: \n\nhdfs dfsadmin\n"+dfsadminSummary+"\n")
	for _, h := range dfsadminHelp {
		io.WriteString(w, h.text+"\n")
	}
	io.WriteString(w, "\n"+dfsadminGenericUsage)
}
