package datanode

import (
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/fsdataset"
)

// minimalConfig is a DataNode configuration with one data dir and a
// NameNode, and what ConfigFrom reads from it.
func minimalConfig(t *testing.T) (*conf.Conf, Config) {
	t.Helper()
	c := conf.New()
	c.Set("dfs.datanode.data.dir", "/data/1")
	c.Set("fs.defaultFS", "hdfs://127.0.0.1:8020")
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, cfg
}

// The volume-choosing policy is chosen by class name, as in Hadoop, and
// reads its own keys; a class Hadoop does not ship is refused at start.
func TestVolumeChoosingPolicySettings(t *testing.T) {
	c, cfg := minimalConfig(t)
	vc := cfg.VolumeChoosing
	if vc.Policy != fsdataset.RoundRobinPolicyClass || vc.Additional != 1<<30 || vc.Threshold != 10<<30 || vc.Preference != 0.75 {
		t.Fatalf("defaults: %+v", vc)
	}

	c.Set("dfs.datanode.fsdataset.volume.choosing.policy", " "+fsdataset.AvailableSpacePolicyClass+"\n")
	c.Set("dfs.datanode.available-space-volume-choosing-policy.balanced-space-threshold", "2g")
	c.Set("dfs.datanode.available-space-volume-choosing-policy.balanced-space-preference-fraction", "0.9")
	c.Set("dfs.datanode.round-robin-volume-choosing-policy.additional-available-space", "0")
	cfg, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	vc = cfg.VolumeChoosing
	if vc.Policy != fsdataset.AvailableSpacePolicyClass || vc.Additional != 0 || vc.Threshold != 2<<30 || vc.Preference != 0.9 {
		t.Fatalf("set: %+v", vc)
	}
	if ch, err := fsdataset.NewChooser(vc); err != nil {
		t.Fatal(err)
	} else if _, ok := ch.(*fsdataset.AvailableSpace); !ok {
		t.Fatalf("chooser %T", ch)
	}

	c.Set("dfs.datanode.fsdataset.volume.choosing.policy", "RoundRobinVolumeChoosingPolicy")
	if _, err = ConfigFrom(c); err == nil || !strings.Contains(err.Error(), "class RoundRobinVolumeChoosingPolicy not found") {
		t.Fatalf("short class name: %v", err)
	}
}

// dfs.blockreport.split.threshold: 1M blocks by default; 0 (or less)
// sends one RPC per storage always.
func TestBlockReportSplitThresholdSetting(t *testing.T) {
	c, cfg := minimalConfig(t)
	if cfg.BlockReportSplitThreshold != 1_000_000 {
		t.Fatalf("default %d", cfg.BlockReportSplitThreshold)
	}
	c.Set("dfs.blockreport.split.threshold", "0")
	if cfg, err := ConfigFrom(c); err != nil || cfg.BlockReportSplitThreshold != -1 {
		t.Fatalf("0: %d %v", cfg.BlockReportSplitThreshold, err)
	}
}
