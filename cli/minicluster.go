package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// runMinicluster starts, on loopback, every daemon built so far, writes a
// configuration folder that points at them and prints how to use it.
// For now that is one NameNode (formatted on first use under DIR/name);
// DataNodes and JournalNodes join as their issues land.
func runMinicluster(ctx context.Context, env *Env, args []string) int {
	fl := flag.NewFlagSet("minicluster", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	nnPort := fl.Int("nnport", 8020, "NameNode RPC port on 127.0.0.1 (0 picks a free one)")
	httpPort := fl.Int("httpport", 9870, "NameNode HTTP port on 127.0.0.1 (0 picks a free one)")
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
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(*nnPort))
	confDir := filepath.Join(*dir, "conf")
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v\n", err)
		return 1
	}
	c := conf.New()
	c.Set("dfs.namenode.name.dir", filepath.Join(abs, "name"))
	c.Set("dfs.namenode.rpc-address", addr)
	c.Set("dfs.namenode.http-address", "127.0.0.1:"+strconv.Itoa(*httpPort))
	cfg, err := namenode.ConfigFrom(c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v\n", err)
		return 1
	}
	if _, err := os.Stat(filepath.Join(abs, "name", "current", "VERSION")); err != nil {
		if err := namenode.Format(cfg, storage.FormatOptions{NonInteractive: true}, env.Logger); err != nil {
			fmt.Fprintf(env.Stderr, "hdfsd minicluster: format: %v\n", err)
			return 1
		}
	}
	d, err := namenode.Start(ctx, c, cfg, namenode.Options{Logger: env.Logger})
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v (try -nnport 0)\n", err)
		return 1
	}
	addr = d.RPCAddr()
	if err := writeClientConf(confDir, addr); err != nil {
		d.Close()
		fmt.Fprintf(env.Stderr, "hdfsd minicluster: %v\n", err)
		return 1
	}
	printHowTo(env, addr, d.HTTPAddr(), confDir)
	if err := d.Run(ctx); err != nil {
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

func printHowTo(env *Env, addr, httpAddr, confDir string) {
	abs, err := filepath.Abs(confDir)
	if err != nil {
		abs = confDir
	}
	fmt.Fprintf(env.Stdout, `hdfsd minicluster is up.

  NameNode RPC:   %[1]s   (kept across runs in %[4]s)
  NameNode HTTP:  http://%[3]s/jmx
  DataNodes:      none yet: files can be created empty (touchz), not written

Point a stock client at it:
  HADOOP_NAMENODE=%[1]s hdfs mkdir -p /user/alice   # colinmarc hdfs CLI or Debian hdfs-cli
  HADOOP_CONF_DIR=%[2]s hdfs ls -l /user
  hdfs dfs -fs hdfs://%[1]s -ls /   # Apache Hadoop's shell
  bin/hdfsd --config %[2]s dfsadmin -safemode get

Configuration for clients: %[2]s/core-site.xml
Stop with Ctrl-C.
`, addr, abs, httpAddr, filepath.Join(filepath.Dir(abs), "name"))
}
