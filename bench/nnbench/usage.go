package nnbench

import (
	"io"
	"strings"
)

// Usage lines of NNThroughputBenchmark 3.4.1, in its printUsage order.
var usageOps = []string{
	"-op all <other ops options>",
	"-op create [-threads T] [-files N] [-blockSize S] [-filesPerDir P] [-close] [-baseDirName D]",
	"-op mkdirs [-threads T] [-dirs N] [-dirsPerDir P] [-baseDirName D]",
	"-op open" + fileOpUsage,
	"-op delete" + fileOpUsage,
	"-op fileStatus" + fileOpUsage,
	"-op rename" + fileOpUsage,
	"-op blockReport [-datanodes T] [-reports N] [-blocksPerReport B] [-blocksPerFile F] [-blockSize S] [-baseDirName D]",
	"-op replication [-datanodes T] [-nodesToDecommission D] [-nodeReplicationLimit C] [-totalBlocks B] [-blockSize S] [-replication R] [-baseDirName D]",
	"-op clean [-baseDirName D]",
	"[-keepResults] | [-logLevel L] | [-UGCacheRefreshCount G]",
}

const fileOpUsage = " [-threads T] [-files N] [-blockSize S] [-filesPerDir P] [-useExisting] [-baseDirName D]"

// usageExit is the process status of Java's ExitUtil.terminate(-1).
const usageExit = 255

func printUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Usage: NNThroughputBenchmark\n\t")
	b.WriteString(strings.Join(usageOps, " | \n\t"))
	b.WriteString("\n\n")
	b.WriteString("Generic options supported are:\n")
	b.WriteString("-fs <hdfs://namenode:port>\tthe remote NameNode (also -namenode, or -D fs.defaultFS=...)\n")
	b.WriteString("-D <property=value>\tother properties are ignored\n\n")
	b.WriteString("If connecting to a remote NameNode with -fs option, " +
		"dfs.namenode.fs-limits.min-block-size should be set to 16.\n")
	io.WriteString(w, b.String())
}
