package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hdfsd/hdfsd/compat-tests/treenn"
)

// runMinicluster starts, on loopback, every daemon built so far, writes a
// configuration folder that points at them and prints how to use it.
//
// Until the NameNode lands (issue 3), the only server is a read-only demo
// namespace served over ClientProtocol by the foundation's hadooprpc server.
func runMinicluster(ctx context.Context, env *Env, args []string) int {
	fl := flag.NewFlagSet("minicluster", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	nnPort := fl.Int("nnport", 8020, "NameNode RPC port on 127.0.0.1 (0 picks a free one)")
	dir := fl.String("dir", "run/minicluster", "folder for the cluster's configuration and data")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: hdfsd minicluster [-nnport PORT] [-dir DIR]")
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
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*nnPort)))
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v (try -nnport 0)\n", err)
		return 1
	}
	addr := l.Addr().String()
	confDir := filepath.Join(*dir, "conf")
	if err := writeClientConf(confDir, addr); err != nil {
		l.Close()
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v\n", err)
		return 1
	}
	printHowTo(env, addr, confDir)
	if err := treenn.Serve(ctx, l, treenn.DefaultConfig(), env.Logger); err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v\n", err)
		return 1
	}
	return 0
}

func writeClientConf(confDir, addr string) error {
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		return fmt.Errorf("writing configuration: %w", err)
	}
	core := fmt.Sprintf(`<?xml version="1.0"?>
<configuration>
  <property>
    <name>fs.defaultFS</name>
    <value>hdfs://%s</value>
  </property>
</configuration>
`, addr)
	return os.WriteFile(filepath.Join(confDir, "core-site.xml"), []byte(core), 0o644)
}

func printHowTo(env *Env, addr, confDir string) {
	abs, err := filepath.Abs(confDir)
	if err != nil {
		abs = confDir
	}
	fmt.Fprintf(env.Stdout, `hdfsd minicluster is up.

  NameNode RPC (demo):  %[1]s
      The NameNode is not built yet: this serves a small read-only demo
      namespace over Hadoop's ClientProtocol (getFileInfo, getListing).

Point a stock client at it:
  HADOOP_NAMENODE=%[1]s hdfs ls -l /user/alice   # colinmarc hdfs CLI or Debian hdfs-cli
  HADOOP_CONF_DIR=%[2]s hdfs ls /big | wc -l
  hdfs dfs -fs hdfs://%[1]s -ls /   # Apache Hadoop's shell

Configuration for clients: %[2]s/core-site.xml
Stop with Ctrl-C.
`, addr, abs)
}
