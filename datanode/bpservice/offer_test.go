package bpservice

import (
	"errors"
	"testing"
	"time"
)

// HA: commands from the standby are ignored except key updates; after a
// failover (a higher-txid active claim) the new active's are obeyed and
// the old one's stale claim is not.
func TestTwoNameNodesObeyOnlyTheActive(t *testing.T) {
	s := newSim(t, Config{}, "nn1", "nn2")
	nn1, nn2 := s.nodes[0].nn, s.nodes[1].nn
	nn1.ha = HAStatus{State: Active, TxID: 10}
	nn2.ha = HAStatus{State: Standby, TxID: 9}
	s.run(time.Second)
	s.out.Reset()
	inval := func(id int64) Command { return Command{Kind: CmdInvalidate, Blocks: []Block{blk(id)}} }
	nn1.hbCmds = [][]Command{{inval(1)}}
	nn2.hbCmds = [][]Command{{inval(2), {Kind: CmdAccessKeyUpdate, Keys: &BlockKeys{}}}}
	s.run(3 * time.Second)
	s.event("failover: nn2 becomes active at txid 25, nn1 has not noticed yet")
	nn2.ha = HAStatus{State: Active, TxID: 25}
	nn1.ha = HAStatus{State: Active, TxID: 20}
	nn1.hbCmds = [][]Command{nil, {inval(3)}}
	nn2.hbCmds = [][]Command{{inval(4)}}
	s.run(3 * time.Second)
	s.event("nn1 still claims active, with an older txid")
	nn1.ha = HAStatus{State: Active, TxID: 22}
	s.run(3 * time.Second)
	s.expect(`
	3s nn1 sendHeartbeat -> ACTIVE@10 [DNA_INVALIDATE(1 blocks)]
	3s nn2 sendHeartbeat -> STANDBY@9 [DNA_INVALIDATE(1 blocks) DNA_ACCESSKEYUPDATE]
	3s nn1 run DNA_INVALIDATE(1 blocks)
	3s nn2 run DNA_ACCESSKEYUPDATE
	4s -- failover: nn2 becomes active at txid 25, nn1 has not noticed yet
	6s nn1 sendHeartbeat -> ACTIVE@20 []
	6s nn2 sendHeartbeat -> ACTIVE@25 [DNA_INVALIDATE(1 blocks)]
	6s nn2 run DNA_INVALIDATE(1 blocks)
	7s -- nn1 still claims active, with an older txid
	9s nn1 sendHeartbeat -> ACTIVE@22 [DNA_INVALIDATE(1 blocks)]
	9s nn2 sendHeartbeat -> ACTIVE@25
	`)
	if s.offer.Active() != 1 {
		t.Fatalf("active = %d, want nn2 (1)", s.offer.Active())
	}
}

// updateActorStatesFromHeartbeat, claim by claim.
func TestActiveClaims(t *testing.T) {
	o := NewOffer(StorageIDs{}, nil)
	steps := []struct {
		nn   int
		st   HAStatus
		obey bool
		then int // active afterwards
	}{
		{0, HAStatus{Standby, 5}, false, -1},
		{1, HAStatus{Active, 0}, true, 1},  // the first claim wins even at txid 0
		{0, HAStatus{Active, 0}, false, 1}, // not more recent
		{1, HAStatus{Active, 7}, true, 1},
		{0, HAStatus{Active, 7}, false, 1}, // a tie is split-brain: ignored
		{0, HAStatus{Active, 8}, true, 0},  // higher txid takes over
		{1, HAStatus{Active, 9}, true, 1},  // and back
		{1, HAStatus{Standby, 9}, false, -1},
		{0, HAStatus{Active, 9}, false, -1}, // the last claim was 9
		{0, HAStatus{Active, 10}, true, 0},
	}
	for i, st := range steps {
		if got := o.Heartbeat(st.nn, st.st); got != st.obey || o.Active() != st.then {
			t.Fatalf("step %d: nn%d %v@%d: obey=%v active=%d, want %v %d", i, st.nn, st.st.State, st.st.TxID, got, o.Active(), st.obey, st.then)
		}
	}
}

func TestHandshakeChecksNamespace(t *testing.T) {
	ns := NamespaceInfo{BlockPoolID: "BP-1", NamespaceID: 7, ClusterID: "CID-1", State: Active}
	o := NewOffer(StorageIDs{ClusterID: "CID-1"}, nil)
	if first, err := o.Handshake(1, ns); !first || err != nil {
		t.Fatalf("first handshake: %v %v", first, err)
	}
	if o.Active() != 1 {
		t.Fatal("a NameNode saying ACTIVE at handshake is not taken as active")
	}
	other := ns
	other.BlockPoolID = "BP-2"
	if _, err := o.Handshake(0, other); !errors.Is(err, ErrNamespaceMismatch) {
		t.Fatalf("second NameNode with another pool: %v", err)
	}
	if first, err := o.Handshake(0, ns); first || err != nil {
		t.Fatalf("second NameNode agreeing: %v %v", first, err)
	}
	for _, ids := range []StorageIDs{{ClusterID: "CID-2"}, {NamespaceID: 8}, {BlockPoolID: "BP-9"}} {
		if _, err := NewOffer(ids, nil).Handshake(0, ns); !errors.Is(err, ErrNamespaceMismatch) {
			t.Fatalf("storage %+v: %v, want a mismatch", ids, err)
		}
	}
}

func TestObeyFrom(t *testing.T) {
	cmds := []Command{{Kind: CmdInvalidate}, {Kind: CmdAccessKeyUpdate}, {Kind: CmdRegister}, {Kind: CmdTransfer}}
	obey, ignored, rereg := ObeyFrom(cmds, false)
	if len(obey) != 1 || obey[0].Kind != CmdAccessKeyUpdate || len(ignored) != 2 || !rereg {
		t.Fatalf("standby: obey %v ignored %v rereg %v", obey, ignored, rereg)
	}
	obey, _, rereg = ObeyFrom(cmds[:2], true)
	if len(obey) != 2 || rereg {
		t.Fatalf("active: obey %v rereg %v", obey, rereg)
	}
}
