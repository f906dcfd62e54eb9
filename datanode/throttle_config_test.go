package datanode

import "testing"

// The balancer's bandwidth defaults to 100 MiB/s; DNA_TRANSFER copies,
// reads and writes go unthrottled unless their bandwidthPerSec says
// otherwise, as in Hadoop.
func TestTransferBandwidthSettings(t *testing.T) {
	c, cfg := minimalConfig(t)
	if cfg.BalanceBandwidth != 100<<20 || cfg.TransferBandwidth != 0 || cfg.ReadBandwidth != 0 || cfg.WriteBandwidth != 0 ||
		transferThrottler(cfg.TransferBandwidth) != nil {
		t.Fatalf("defaults: balance %d, transfer %d", cfg.BalanceBandwidth, cfg.TransferBandwidth)
	}
	c.Set("dfs.datanode.balance.bandwidthPerSec", "10m")
	c.Set("dfs.datanode.data.transfer.bandwidthPerSec", "4194304")
	c.Set("dfs.datanode.data.read.bandwidthPerSec", "1g")
	c.Set("dfs.datanode.data.write.bandwidthPerSec", "2k")
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BalanceBandwidth != 10<<20 || cfg.TransferBandwidth != 4<<20 || cfg.ReadBandwidth != 1<<30 || cfg.WriteBandwidth != 2<<10 {
		t.Fatalf("set: balance %d, transfer %d", cfg.BalanceBandwidth, cfg.TransferBandwidth)
	}
	if th := transferThrottler(cfg.TransferBandwidth); th == nil || th.Rate() != 4<<20 {
		t.Fatalf("transfer throttler %v", th)
	}
}
