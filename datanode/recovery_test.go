package datanode

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/hadooprpc"
)

func rep(st dnipc.ReplicaState, n, gs int64) recoveryReply {
	return recoveryReply{info: &dnipc.RecoveryInfo{State: st, ID: 1, NumBytes: n, GenStamp: gs}}
}

// The rules of BlockRecoveryWorker.RecoveryTaskContiguous.
func TestPlanRecoveryFollowsHadoopsReplicaStateRules(t *testing.T) {
	blk := fsdataset.Block{ID: 1, GenStamp: 10, NumBytes: 900}
	missing := recoveryReply{}
	failed := recoveryReply{err: errors.New("connection refused")}
	tests := []struct {
		name    string
		trunc   int64
		replies []recoveryReply
		want    string
	}{
		{"finalized length wins; RBW of that length joins", -1,
			[]recoveryReply{rep(dnipc.Finalized, 800, 10), rep(dnipc.RBW, 800, 10), rep(dnipc.RBW, 900, 10), rep(dnipc.RWR, 100, 10)},
			"best=0 len=800 parts=[0 1]"},
		{"RBW beats RWR; shortest RBW", -1,
			[]recoveryReply{rep(dnipc.RWR, 50, 10), rep(dnipc.RBW, 700, 10), rep(dnipc.RBW, 600, 11)},
			"best=1 len=600 parts=[1 2]"},
		{"only RWR: shortest RWR", -1,
			[]recoveryReply{rep(dnipc.RWR, 70, 10), rep(dnipc.RWR, 60, 10), missing},
			"best=2 len=60 parts=[0 1]"},
		{"old genstamps and empty replicas do not count: delete", -1,
			[]recoveryReply{rep(dnipc.RBW, 700, 9), rep(dnipc.RBW, 0, 10), missing},
			"delete"},
		{"failures are skipped", -1,
			[]recoveryReply{failed, rep(dnipc.RBW, 400, 10)},
			"best=1 len=400 parts=[1]"},
		{"truncate sets the length", -1 + 301,
			[]recoveryReply{rep(dnipc.Finalized, 800, 10)},
			"best=0 len=300 parts=[0]"},
		{"all failed", -1, []recoveryReply{failed, failed}, "error: datanode: All datanodes failed: block=blk_1_10"},
		{"none RWR or better", -1, []recoveryReply{rep(dnipc.RUR, 10, 10)},
			"error: datanode: Found 1 replica(s) for block blk_1_10 but none is in RWR or better state"},
		{"finalized lengths disagree", -1, []recoveryReply{rep(dnipc.Finalized, 10, 10), rep(dnipc.Finalized, 11, 10)},
			"error: datanode: Inconsistent size of finalized replicas. Replica of block blk_1_10 has 11 bytes, expected 10"},
	}
	for _, tc := range tests {
		p, err := planRecovery(blk, tc.trunc, tc.replies)
		got := fmt.Sprintf("best=%d len=%d parts=%v", p.Best, p.NewLength, p.Participants)
		switch {
		case err != nil:
			got = "error: " + err.Error()
		case p.Delete:
			got = "delete"
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestPlanRecoveryAbortsWhenANewerRecoveryIsInProgress(t *testing.T) {
	inProgress := recoveryReply{err: &hadooprpc.RemoteError{Class: hadooprpc.ClassRecoveryInProgress, Message: "rur.getRecoveryID() >= recoveryId"}}
	_, err := planRecovery(fsdataset.Block{ID: 1, GenStamp: 10}, -1, []recoveryReply{rep(dnipc.RBW, 5, 10), inProgress})
	if !errors.Is(err, errRecoveryInProgress) {
		t.Fatalf("got %v", err)
	}
}
