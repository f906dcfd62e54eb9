package cli

import (
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/balancer"
)

func TestBalancerArgumentsAreHadoops(t *testing.T) {
	p, err := parseBalancerArgs([]string{"-policy", "BlockPool", "-threshold", "5.5", "-exclude", "a, b:9866", "-idleiterations", "-1",
		"-runDuringUpgrade", "-sortTopNodes", "-hotBlockTimeInterval", "1000", "-blockpools", "BP-1,BP-2"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Policy != balancer.PolicyBlockpool || p.Threshold != 5.5 || len(p.Exclude) != 2 || p.Exclude[1] != "b:9866" ||
		p.MaxIdle != -1 || !p.RunDuringUpgrade || !p.SortTopNodes || p.HotInterval != time.Second || len(p.BlockPools) != 2 {
		t.Fatalf("parsed %+v", p)
	}
	for args, want := range map[string][]string{
		"Expecting a number in the range of [1.0, 100.0]: 0.5":        {"-threshold", "0.5"},
		"Threshold value is missing: args = [-threshold]":             {"-threshold"},
		"Illegal policy name: disk":                                   {"-policy", "disk"},
		"-exclude and -include options cannot be specified together.": {"-exclude", "a", "-include", "b"},
		"args = [-bogus]": {"-bogus"},
		"List of source nodes | -f <filename> is missing: args=[-source]": {"-source"},
	} {
		if _, err := parseBalancerArgs(want); err == nil || err.Error() != args {
			t.Errorf("%q: got %v, want %q", want, err, args)
		}
	}
	if p, _ := parseBalancerArgs(nil); p.Threshold != 10 || p.MaxIdle != 5 || p.Policy != balancer.PolicyDatanode {
		t.Fatalf("defaults %+v", p)
	}
}
