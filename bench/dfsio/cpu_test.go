package dfsio

import (
	"slices"
	"testing"
	"time"
)

// A DataNode's /proc/<pid>/stat, its command name holding spaces and
// parentheses: utime (field 14) is 250 ticks, stime (15) 75.
const dnStat = "4242 (hdfsd (dn) x) S 1 4242 4242 0 -1 4194560 5000 0 12 0 250 75 3 4 20 0 30 0 100 123456 789\n"

func TestStatCPUCountsFieldsAfterTheLastParen(t *testing.T) {
	got, err := statCPU(dnStat)
	if err != nil || got != 325 {
		t.Errorf("statCPU = %d, %v; want 325", got, err)
	}
	for _, bad := range []string{"", "4242 hdfsd S 1", "4242 (hdfsd) S 1 2 3 4 5 6 7 8 9 10 11", "4242 (x) S 1 1 1 0 -1 0 0 0 0 0 u s"} {
		if _, err := statCPU(bad); err == nil {
			t.Errorf("statCPU(%q) did not fail", bad)
		}
	}
}

func TestProcCPUSumsPIDsAtUserHZ(t *testing.T) {
	proc := fakeProc(t, map[string]string{"10": "", "11": ""}, map[string]string{"10": dnStat, "11": dnStat})
	got, err := procCPU(proc, []int{10, 11})
	if err != nil || got != 6500*time.Millisecond {
		t.Errorf("procCPU = %v, %v; want 6.5s (650 ticks at 100 Hz)", got, err)
	}
	if _, err := procCPU(proc, []int{12}); err == nil {
		t.Error("procCPU of a missing pid did not fail")
	}
}

func TestAutoFindsHdfsdDataNodes(t *testing.T) {
	proc := fakeProc(t, map[string]string{
		"9":    "hdfsd\x00datanode\x00",
		"10":   "/usr/local/bin/hdfsd\x00datanode\x00-conf\x00/etc/hadoop\x00",
		"11":   "hdfsd\x00namenode\x00",
		"12":   "java\x00-cp\x00x\x00org.apache.hadoop.hdfs.server.datanode.DataNode\x00",
		"13":   "",
		"self": "hdfsd\x00datanode\x00",
	}, nil)
	got, err := findDataNodes(proc)
	if err != nil || !slices.Equal(got, []int{9, 10}) {
		t.Errorf("findDataNodes = %v, %v; want [9 10]", got, err)
	}
}

func TestParsePIDs(t *testing.T) {
	if got, err := parsePIDs("1, 22,333"); err != nil || !slices.Equal(got, []int{1, 22, 333}) {
		t.Errorf("parsePIDs = %v, %v", got, err)
	}
	for _, bad := range []string{"", "1,", "x", "0", "-3"} {
		if _, err := parsePIDs(bad); err == nil {
			t.Errorf("parsePIDs(%q) did not fail", bad)
		}
	}
}

func TestSelfCPUGrows(t *testing.T) {
	a, err := selfCPU()
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for i := range 20_000_000 {
		x ^= i
	}
	b, _ := selfCPU()
	if b < a || x == 1 {
		t.Errorf("selfCPU went from %v to %v", a, b)
	}
}
