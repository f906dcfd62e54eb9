package datanode

import (
	"testing"

	"github.com/hdfsd/hdfsd/conf"
)

// The balancer's bandwidth defaults to 100 MiB/s and DNA_TRANSFER copies
// go unthrottled unless dfs.datanode.data.transfer.bandwidthPerSec says
// otherwise, as in Hadoop.
func TestTransferBandwidthSettings(t *testing.T) {
	c := conf.New()
	c.Set("dfs.datanode.data.dir", "/data/1")
	c.Set("fs.defaultFS", "hdfs://127.0.0.1:8020")
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BalanceBandwidth != 100<<20 || cfg.TransferBandwidth != 0 || transferThrottler(cfg.TransferBandwidth) != nil {
		t.Fatalf("defaults: balance %d, transfer %d", cfg.BalanceBandwidth, cfg.TransferBandwidth)
	}
	c.Set("dfs.datanode.balance.bandwidthPerSec", "10m")
	c.Set("dfs.datanode.data.transfer.bandwidthPerSec", "4194304")
	if cfg, err = ConfigFrom(c); err != nil {
		t.Fatal(err)
	}
	if cfg.BalanceBandwidth != 10<<20 || cfg.TransferBandwidth != 4<<20 {
		t.Fatalf("set: balance %d, transfer %d", cfg.BalanceBandwidth, cfg.TransferBandwidth)
	}
	if th := transferThrottler(cfg.TransferBandwidth); th == nil || th.Rate() != 4<<20 {
		t.Fatalf("transfer throttler %v", th)
	}
}
