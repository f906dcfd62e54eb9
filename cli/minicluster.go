package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hdfsd/hdfsd/internal/minicluster"
)

// runMinicluster starts, on loopback, every daemon built so far, writes a
// configuration folder that points at them and prints how to use it: a
// NameNode (formatted on first use under DIR/name) and DataNodes (under
// DIR/dn<i>). JournalNodes join as their issue lands.
func runMinicluster(ctx context.Context, env *Env, args []string) int {
	fl := flag.NewFlagSet("minicluster", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	nnPort := fl.Int("nnport", 8020, "NameNode RPC port on 127.0.0.1 (0 picks a free one)")
	httpPort := fl.Int("httpport", 9870, "NameNode HTTP port on 127.0.0.1 (0 picks a free one)")
	dns := fl.Int("datanodes", 3, "number of DataNodes")
	jns := fl.Int("journalnodes", 3, "number of JournalNodes holding the NameNode's shared edit log (0: local edits only)")
	dir := fl.String("dir", "run/minicluster", "folder for the cluster's configuration and data")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: hdfsd minicluster [-nnport PORT] [-httpport PORT] [-journalnodes N] [-datanodes N] [-dir DIR]")
		fmt.Fprintln(fl.Output(), "\nStarts a local cluster on 127.0.0.1 with every daemon built so far and")
		fmt.Fprintln(fl.Output(), "writes DIR/conf/core-site.xml for clients. Stops on Ctrl-C.")
		fl.PrintDefaults()
	}
	if len(args) > 0 && isHelp(args[0]) {
		fl.SetOutput(env.Stdout)
		fl.Usage()
		return 0
	}
	if err := fl.Parse(args); err != nil {
		return 1
	}
	cl, err := minicluster.Start(ctx, minicluster.Options{Dir: *dir, DataNodes: *dns, JournalNodes: *jns, NNPort: *nnPort, HTTPPort: *httpPort,
		Site: map[string]string{"dfs.namenode.safemode.extension": "0"}, Logger: env.Logger})
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v (try -nnport 0 -httpport 0)\n", err)
		return 1
	}
	addr := cl.NameNode.RPCAddr()
	confDir := filepath.Join(cl.Dir, "conf")
	if err := writeClientConf(confDir, addr, cl.NameNode.HTTPAddr()); err != nil {
		cl.Close()
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v\n", err)
		return 1
	}
	var dnAddrs []string
	for _, dn := range cl.DataNodes {
		dnAddrs = append(dnAddrs, dn.XferAddr())
	}
	printHowTo(env, addr, cl.NameNode.HTTPAddr(), confDir, dnAddrs, cl.SharedEdits())
	if err := cl.Wait(); err != nil && ctx.Err() == nil {
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v\n", err)
		return 1
	}
	return 0
}

func writeClientConf(confDir, addr, httpAddr string) error {
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		return fmt.Errorf("writing configuration: %w", err)
	}
	site := func(name, key, value string) error {
		body := fmt.Sprintf(`<?xml version="1.0"?>
<configuration>
  <property>
    <name>%s</name>
    <value>%s</value>
  </property>
</configuration>
`, key, value)
		return os.WriteFile(filepath.Join(confDir, name), []byte(body), 0o644)
	}
	if err := site("core-site.xml", "fs.defaultFS", "hdfs://"+addr); err != nil {
		return err
	}
	return site("hdfs-site.xml", "dfs.namenode.http-address", httpAddr)
}

func printHowTo(env *Env, addr, httpAddr, confDir string, dataNodes []string, shared string) {
	if shared == "" {
		shared = "none: the edit log is in the name directory only"
	}
	abs, err := filepath.Abs(confDir)
	if err != nil {
		abs = confDir
	}
	fmt.Fprintf(env.Stdout, `hdfsd minicluster is up.

  NameNode RPC:   %[1]s   (kept across runs in %[4]s)
  NameNode HTTP:  http://%[3]s/jmx
  JournalNodes:   %[6]s
  DataNodes:      %[5]s

Point a stock client at it:
  HADOOP_NAMENODE=%[1]s hdfs mkdir -p /user/alice   # colinmarc hdfs CLI or Debian hdfs-cli
  HADOOP_NAMENODE=%[1]s hdfs put README.md /user/alice/
  HADOOP_CONF_DIR=%[2]s hdfs cat /user/alice/README.md
  hdfs dfs -fs hdfs://%[1]s -ls /   # Apache Hadoop's shell
  bin/hdfsd --config %[2]s dfsadmin -report
  bin/hdfsd --config %[2]s fsck / -files -blocks -locations

Configuration for clients: %[2]s/core-site.xml
Stop with Ctrl-C.
`, addr, abs, httpAddr, filepath.Join(filepath.Dir(abs), "name"), dataNodeList(dataNodes), shared)
}

func dataNodeList(addrs []string) string {
	if len(addrs) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d, data transfer on %s", len(addrs), strings.Join(addrs, ", "))
}
