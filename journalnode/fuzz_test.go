package journalnode

import (
	"testing"

	"github.com/hdfsd/hdfsd/internal/golden/rpccapture"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// FuzzNodeRequests sends a recorded call sequence with one request
// replaced by random bytes to a real JournalNode (on MemFS): whatever the
// bytes, no panic.
func FuzzNodeRequests(f *testing.F) {
	calls := rpccapture.Calls(f, jnrpc.ProtocolName, "d-nn-jn-qjm")
	var mine []rpccapture.Call
	for _, c := range calls {
		if len(mine) < 60 && len(c.Where) > 6 && c.Where[len(c.Where)-6:] == "-37201" {
			mine = append(mine, c)
		}
	}
	for i, c := range mine {
		f.Add(uint8(i), c.Method, c.Req)
	}
	f.Fuzz(func(t *testing.T, at uint8, method string, b []byte) {
		n := newTestNode(storage.NewMemFS(), 8480)
		p := jnrpc.Protocol(n)
		for i, c := range mine {
			if i == int(at) {
				call(p, method, b)
				continue
			}
			call(p, c.Method, c.Req)
		}
		n.close()
	})
}
