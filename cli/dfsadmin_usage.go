package cli

import (
	"io"
	"strings"
)

// The usage and help texts of `hdfs dfsadmin` (Hadoop 3.4): outputs to
// match, one entry per command.

const (
	dfsadminSetQuotaUsage      = "-setQuota <quota> <dirname>...<dirname>"
	dfsadminClrQuotaUsage      = "-clrQuota <dirname>...<dirname>"
	dfsadminSetSpaceQuotaUsage = "-setSpaceQuota <quota> [-storageType <storagetype>] <dirname>...<dirname>"
	dfsadminClrSpaceQuotaUsage = "-clrSpaceQuota [-storageType <storagetype>] <dirname>...<dirname>"
	dfsadminReportFlags        = "[-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]"
)

// dfsadminSummary lists every command, as "hdfs dfsadmin" and -help print it.
var dfsadminSummary = "\t[-report " + dfsadminReportFlags + "]\n" +
	"\t[-safemode <enter | leave | get | wait | forceExit>]\n" +
	"\t[-saveNamespace [-beforeShutdown]]\n" +
	"\t[-rollEdits]\n" +
	"\t[-restoreFailedStorage true|false|check]\n" +
	"\t[-refreshNodes]\n" +
	"\t[" + dfsadminSetQuotaUsage + "]\n" +
	"\t[" + dfsadminClrQuotaUsage + "]\n" +
	"\t[" + dfsadminSetSpaceQuotaUsage + "]\n" +
	"\t[" + dfsadminClrSpaceQuotaUsage + "]\n" +
	"\t[-finalizeUpgrade]\n" +
	"\t[-rollingUpgrade [<query|prepare|finalize>]]\n" +
	"\t[-upgrade <query | finalize>]\n" +
	"\t[-refreshServiceAcl]\n" +
	"\t[-refreshUserToGroupsMappings]\n" +
	"\t[-refreshSuperUserGroupsConfiguration]\n" +
	"\t[-refreshCallQueue]\n" +
	"\t[-refresh <host:ipc_port> <key> [arg1..argn]\n" +
	"\t[-reconfig <namenode|datanode> <host:ipc_port> <start|status|properties>]\n" +
	"\t[-printTopology]\n" +
	"\t[-refreshNamenodes datanode_host:ipc_port]\n" +
	"\t[-getVolumeReport datanode_host:ipc_port]\n" +
	"\t[-deleteBlockPool datanode_host:ipc_port blockpoolId [force]]\n" +
	"\t[-setBalancerBandwidth <bandwidth in bytes per second>]\n" +
	"\t[-getBalancerBandwidth <datanode_host:ipc_port>]\n" +
	"\t[-fetchImage <local directory>]\n" +
	"\t[-allowSnapshot <snapshotDir>]\n" +
	"\t[-disallowSnapshot <snapshotDir>]\n" +
	"\t[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]\n" +
	"\t[-evictWriters <datanode_host:ipc_port>]\n" +
	"\t[-getDatanodeInfo <datanode_host:ipc_port>]\n" +
	"\t[-metasave filename]\n" +
	"\t[-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]\n" +
	"\t[-listOpenFiles [-blockingDecommission] [-path <path>]]\n" +
	"\t[-help [cmd]]\n"

// dfsadminGenericUsage is ToolRunner.printGenericCommandUsage.
const dfsadminGenericUsage = "Generic options supported are:\n" +
	"-conf <configuration file>        specify an application configuration file\n" +
	"-D <property=value>               define a value for a given property\n" +
	"-fs <file:///|hdfs://namenode:port> specify default filesystem URL to use, overrides 'fs.defaultFS' property from configurations.\n" +
	"-jt <local|resourcemanager:port>  specify a ResourceManager\n" +
	"-files <file1,...>                specify a comma-separated list of files to be copied to the map reduce cluster\n" +
	"-libjars <jar1,...>               specify a comma-separated list of jar files to be included in the classpath\n" +
	"-archives <archive1,...>          specify a comma-separated list of archives to be unarchived on the compute machines\n" +
	"\n" +
	"The general command line syntax is:\n" +
	"command [genericOptions] [commandOptions]\n\n"

// dfsadminUsageLines is the one-line usage of each command (printUsage).
var dfsadminUsageLines = map[string]string{
	"-report":                              "[-report] " + dfsadminReportFlags,
	"-safemode":                            "[-safemode enter | leave | get | wait | forceExit]",
	"-allowSnapshot":                       "[-allowSnapshot <snapshotDir>]",
	"-disallowSnapshot":                    "[-disallowSnapshot <snapshotDir>]",
	"-saveNamespace":                       "[-saveNamespace [-beforeShutdown]]",
	"-rollEdits":                           "[-rollEdits]",
	"-restoreFailedStorage":                "[-restoreFailedStorage true|false|check ]",
	"-refreshNodes":                        "[-refreshNodes]",
	"-finalizeUpgrade":                     "[-finalizeUpgrade]",
	"-rollingUpgrade":                      "[-rollingUpgrade [<query|prepare|finalize>]]",
	"-upgrade":                             "[-upgrade query | finalize]",
	"-metasave":                            "[-metasave filename]",
	"-setQuota":                            "[" + dfsadminSetQuotaUsage + "]",
	"-clrQuota":                            "[" + dfsadminClrQuotaUsage + "]",
	"-setSpaceQuota":                       "[" + dfsadminSetSpaceQuotaUsage + "]",
	"-clrSpaceQuota":                       "[" + dfsadminClrSpaceQuotaUsage + "]",
	"-refreshServiceAcl":                   "[-refreshServiceAcl]",
	"-refreshUserToGroupsMappings":         "[-refreshUserToGroupsMappings]",
	"-refreshSuperUserGroupsConfiguration": "[-refreshSuperUserGroupsConfiguration]",
	"-refreshCallQueue":                    "[-refreshCallQueue]",
	"-reconfig":                            "[-reconfig <namenode|datanode> <host:ipc_port> <start|status|properties>]",
	"-refresh":                             "[-refresh <hostname:ipc_port> <resource_identifier> [arg1..argn]",
	"-printTopology":                       "[-printTopology]",
	"-refreshNamenodes":                    "[-refreshNamenodes datanode-host:ipc_port]",
	"-getVolumeReport":                     "[-getVolumeReport datanode-host:ipc_port]",
	"-deleteBlockPool":                     "[-deleteBlockPool datanode-host:ipc_port blockpoolId [force]]",
	"-setBalancerBandwidth":                "[-setBalancerBandwidth <bandwidth in bytes per second>]",
	"-getBalancerBandwidth":                "[-getBalancerBandwidth <datanode_host:ipc_port>]",
	"-fetchImage":                          "[-fetchImage <local directory>]",
	"-shutdownDatanode":                    "[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]",
	"-evictWriters":                        "[-evictWriters <datanode_host:ipc_port>]",
	"-getDatanodeInfo":                     "[-getDatanodeInfo <datanode_host:ipc_port>]",
	"-triggerBlockReport":                  "[-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]",
	"-listOpenFiles":                       "[-listOpenFiles [-blockingDecommission] [-path <path>]]",
}

// dfsadminPrintUsage is DFSAdmin.printUsage: one command's usage line, or
// everything for an unknown or empty command. It goes to stderr.
func dfsadminPrintUsage(w io.Writer, cmd string) {
	key := cmd
	for k := range dfsadminUsageLines {
		// -allowSnapshot, -disallowSnapshot and -getBalancerBandwidth match
		// in any case.
		if strings.EqualFold(k, cmd) && (k == "-allowSnapshot" || k == "-disallowSnapshot" || k == "-getBalancerBandwidth") {
			key = k
		}
	}
	if line, ok := dfsadminUsageLines[key]; ok {
		io.WriteString(w, "Usage: hdfs dfsadmin "+line+"\n")
		return
	}
	io.WriteString(w, "Usage: hdfs dfsadmin\n"+
		"Note: Administrative commands can only be run as the HDFS superuser.\n"+
		dfsadminSummary+"\n"+dfsadminGenericUsage)
}
