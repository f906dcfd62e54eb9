package bpservice

import (
	"testing"
	"time"
)

// A failed report's events go back, except where a newer event for the
// same block arrived meanwhile.
func TestPendingIBRsPutBackKeepsNewer(t *testing.T) {
	p := newPendingIBRs(0)
	p.add(disk1, BlockEvent{Block: blk(1), Status: Received})
	p.add(disk1, BlockEvent{Block: blk(2), Status: Received})
	sent := p.take()
	if len(sent) != 1 || len(sent[0].Blocks) != 2 || p.readyToSend {
		t.Fatalf("take: %v", sent)
	}
	p.add(disk2, BlockEvent{Block: blk(2), Status: Deleted})
	p.putBack(sent)
	got := p.take()
	if len(got) != 2 || got[0].Storage != disk1 || got[0].Blocks[0].Block.ID != 1 ||
		got[1].Storage != disk2 || got[1].Blocks[0].Status != Deleted || len(got[1].Blocks) != 1 {
		t.Fatalf("after put back: %+v", got)
	}
}

func TestConfigDefaultsAndValidate(t *testing.T) {
	c := Config{}.WithDefaults()
	if c.HeartbeatInterval != 3*time.Second || c.BlockReportInterval != 6*time.Hour || c.IBRInterval != 0 ||
		c.InitialBlockReportDelay != 0 || c.BlockReportSplitThreshold != 1_000_000 {
		t.Fatalf("defaults %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Config{
		{HeartbeatInterval: -1},
		{IBRInterval: -time.Second},
		{InitialBlockReportDelay: 7 * time.Hour},
	} {
		if bad.WithDefaults().Validate() == nil {
			t.Fatalf("%+v accepted", bad)
		}
	}
}
