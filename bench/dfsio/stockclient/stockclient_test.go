package stockclient

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/bench/dfsio"
)

func TestOpenNeedsANameNode(t *testing.T) {
	t.Setenv("HADOOP_CONF_DIR", t.TempDir())
	t.Setenv("HADOOP_HOME", "")
	if _, err := Open(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "no NameNode") {
		t.Errorf("Open with no address: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	if _, err := Open(context.Background(), addr); err == nil || !strings.Contains(err.Error(), "stockclient: connecting to ["+addr+"]") {
		t.Errorf("Open(%s) with nothing listening: %v", addr, err)
	}
}

var _ dfsio.FS = (*fs)(nil)
