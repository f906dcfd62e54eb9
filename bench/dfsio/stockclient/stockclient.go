// Package stockclient drives the dfsio benchmark through the stock Go HDFS
// client, github.com/colinmarc/hdfs/v2.
//
// It is a package of its own because that client registers its protobuf
// files under the names hdfsd's protos use (hdfs.proto, ...), and one
// binary cannot hold both: the hdfsd binary, which links the NameNode,
// panics at start if it links this package too. Binaries that link it
// (cmd/hdfsd-dfsio) must not import hadooprpc, protos or the daemons.
package stockclient

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"

	"github.com/colinmarc/hdfs/v2"
	"github.com/colinmarc/hdfs/v2/hadoopconf"

	"github.com/hdfsd/hdfsd/bench/dfsio"
)

var _ dfsio.Opener = Open

// Open connects to the NameNode at addr (host:port), or when addr is ""
// to those of the Hadoop configuration in HADOOP_CONF_DIR (or
// HADOOP_HOME/conf), as the user HADOOP_USER_NAME or else the current
// user. Files are written in blocks of the NameNode's default block size.
func Open(_ context.Context, addr string) (dfsio.FS, error) {
	conf, err := hadoopconf.LoadFromEnvironment()
	if err != nil {
		return nil, fmt.Errorf("stockclient: loading the Hadoop configuration: %w", err)
	}
	opts := hdfs.ClientOptionsFromConf(conf)
	if addr != "" {
		opts.Addresses = []string{addr}
	}
	if len(opts.Addresses) == 0 {
		return nil, fmt.Errorf("stockclient: no NameNode; give -fs hdfs://host:port")
	}
	if opts.User, err = userName(); err != nil {
		return nil, err
	}
	c, err := hdfs.NewClient(opts)
	if err != nil {
		return nil, fmt.Errorf("stockclient: connecting to %v: %w", opts.Addresses, err)
	}
	d, err := c.ServerDefaults()
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("stockclient: server defaults from %v: %w", opts.Addresses, err)
	}
	return &fs{c: c, blockSize: d.BlockSize}, nil
}

func userName() (string, error) {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u, nil
	}
	u, err := user.Current()
	if err != nil {
		return "", fmt.Errorf("stockclient: %w", err)
	}
	return u.Username, nil
}

// fs adapts *hdfs.Client to dfsio.FS.
type fs struct {
	c         *hdfs.Client
	blockSize int64
}

func (f *fs) Create(name string, replication int) (io.WriteCloser, error) {
	return f.c.CreateFile(name, replication, f.blockSize, 0o644)
}

func (f *fs) Open(name string) (io.ReadCloser, error) { return f.c.Open(name) }
func (f *fs) RemoveAll(name string) error             { return f.c.RemoveAll(name) }
func (f *fs) MkdirAll(name string) error              { return f.c.MkdirAll(name, 0o755) }
func (f *fs) Close() error                            { return f.c.Close() }
