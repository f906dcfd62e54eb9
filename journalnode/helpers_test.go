package journalnode

import (
	"testing"

	"github.com/hdfsd/hdfsd/internal/golden"
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
)

func protoUnmarshal(b []byte, m proto.Message) error { return proto.Unmarshal(b, m) }

func jnrpcRemote(err error) error { return jnrpc.Remote(err) }

func extractStock(t *testing.T) string { return golden.Extract(t, "hadoop-3.3.2", "jn-dirs.tgz") }
