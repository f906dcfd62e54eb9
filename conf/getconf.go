package conf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// GetConfFailure is the exit status of a failed `hdfs getconf` (Hadoop
// exits with -1, which the shell sees as 255).
const GetConfFailure = 255

// getConfCommands lists the getconf flags in Hadoop's order with this
// package's own descriptions.
var getConfCommands = []struct{ flag, usage, help string }{
	{"-namenodes", "-namenodes", "host names of the NameNodes of the cluster"},
	{"-secondaryNameNodes", "-secondaryNameNodes", "host names of the secondary NameNodes"},
	{"-backupNodes", "-backupNodes", "host names of the backup nodes"},
	{"-journalNodes", "-journalNodes", "host names of the JournalNodes of the shared edits"},
	{"-includeFile", "-includeFile", "path of the file listing DataNodes allowed to join (dfs.hosts)"},
	{"-excludeFile", "-excludeFile", "path of the file listing DataNodes to decommission (dfs.hosts.exclude)"},
	{"-nnRpcAddresses", "-nnRpcAddresses", "host:port of each NameNode's service RPC server"},
	{"-confKey", "-confKey [key]", "value of one configuration key"},
}

// GetConfUsage is printed when the arguments are wrong.
var GetConfUsage = func() string {
	var b strings.Builder
	b.WriteString("hdfs getconf prints configuration information read from the configuration files.\n")
	b.WriteString("\nhdfs getconf \n")
	for _, cmd := range getConfCommands {
		fmt.Fprintf(&b, "\t[%s]\t\t\t%s\n", cmd.usage, cmd.help)
	}
	return b.String()
}()

const genericOptionsUsage = `Generic options:
-conf <configuration file>         load an extra configuration file
-D <property=value>                set a configuration property
-fs <file:///|hdfs://namenode:port> set fs.defaultFS

Command line: command [genericOptions] [commandOptions]
`

// GetConf runs `hdfs getconf args...` against c, printing what Hadoop's
// GetConf tool prints, and returns the exit status (0 or GetConfFailure).
// Generic options (-D, -conf, -fs) must already have been applied to c
// (ApplyGenericOptions).
func GetConf(c *Conf, args []string, stdout, stderr io.Writer) int {
	return RunGetConf(c, SystemNetwork(), args, stdout, stderr)
}

// RunGetConf is GetConf with the Network used for name lookups (Hadoop
// prints IP literals reverse-resolved, as InetSocketAddress.getHostName).
func RunGetConf(c *Conf, n Network, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprintf(stdout, "%s\n\n%s", GetConfUsage, genericOptionsUsage)
		return 0
	}
	if len(args) == 0 || findGetConfCommand(args[0]) == "" {
		fmt.Fprintln(stderr, GetConfUsage)
		return GetConfFailure
	}
	out, err := runGetConfCommand(c, n, findGetConfCommand(args[0]), args[1:])
	if err != nil {
		fmt.Fprintln(stderr, hadoopMessage(err))
		return GetConfFailure
	}
	fmt.Fprint(stdout, out)
	return 0
}

// findGetConfCommand matches flags case-insensitively, as Hadoop does.
func findGetConfCommand(arg string) string {
	for _, cmd := range getConfCommands {
		if strings.EqualFold(cmd.flag, arg) {
			return cmd.flag
		}
	}
	return ""
}

func runGetConfCommand(c *Conf, n Network, flag string, rest []string) (string, error) {
	if flag == "-confKey" {
		if len(rest) != 1 {
			return "", hadoopErrorf(nil, "usage: -confKey [key]")
		}
		return confKeyLine(c, rest[0])
	}
	if len(rest) > 0 {
		return "", hadoopErrorf(nil, "Did not expect argument: %s", rest[0])
	}
	switch flag {
	case "-namenodes":
		return hostsLine(c, n, NameNodeServiceRPCAddresses)
	case "-secondaryNameNodes":
		return hostsLine(c, n, SecondaryNameNodeAddresses)
	case "-backupNodes":
		return hostsLine(c, n, BackupNodeAddresses)
	case "-journalNodes":
		hosts, err := JournalNodeHosts(c, n)
		return strings.Join(hosts, " ") + "\n", err
	case "-includeFile":
		return confKeyLine(c, KeyHosts)
	case "-excludeFile":
		return confKeyLine(c, KeyHostsExclude)
	case "-nnRpcAddresses":
		return addressLines(c, n)
	}
	return "", fmt.Errorf("conf: unknown getconf command %s", flag)
}

func confKeyLine(c *Conf, key string) (string, error) {
	v, ok, err := c.lookupTrimmed(key)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", hadoopErrorf(ErrMissing, "Configuration %s is missing.", key)
	}
	return v + "\n", nil
}

// hostsLine prints the host names of an address map on one line.
func hostsLine(c *Conf, n Network, lookup func(*Conf) ([]NNAddr, error)) (string, error) {
	list, err := lookup(c)
	if err != nil {
		return "", err
	}
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = hostName(n, a.Addr, a.unresolved)
	}
	return strings.Join(names, " ") + "\n", nil
}

// addressLines prints host:port per line; Hadoop's message for an empty
// map is unreachable (the lookup fails first) but kept.
func addressLines(c *Conf, n Network) (string, error) {
	list, err := NameNodeServiceRPCAddresses(c)
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return "", hadoopErrorf(ErrMissing, "Did not get namenode service rpc addresses.")
	}
	var b strings.Builder
	for _, a := range list {
		b.WriteString(hostName(n, a.Addr, a.unresolved) + ":" + strconv.Itoa(a.Addr.Port) + "\n")
	}
	return b.String(), nil
}
