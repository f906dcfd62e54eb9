package nnbench

import (
	"errors"
	"slices"
	"testing"
)

// FileNameGenerator's layout: perDir entries per directory, a deeper level
// once the top one is full.
func TestNamesFollowFileNameGenerator(t *testing.T) {
	g := newNameGenerator("/b/create", 2)
	var got []string
	for range 7 {
		got = append(got, g.next("ThroughputBench"))
	}
	want := []string{
		"/b/create/ThroughputBenchDir0/ThroughputBench0",
		"/b/create/ThroughputBenchDir0/ThroughputBench1",
		"/b/create/ThroughputBenchDir1/ThroughputBench2",
		"/b/create/ThroughputBenchDir1/ThroughputBench3",
		"/b/create/ThroughputBenchDir0/ThroughputBenchDir0/ThroughputBench4",
		"/b/create/ThroughputBenchDir0/ThroughputBenchDir0/ThroughputBench5",
		"/b/create/ThroughputBenchDir0/ThroughputBenchDir1/ThroughputBench6",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("names:\n got %q\nwant %q", got, want)
	}
}

// No two threads differ by more than one operation; extra threads idle.
func TestSplitOpsLikeOperationStatsBase(t *testing.T) {
	for _, c := range []struct {
		n, threads int
		want       []int
	}{
		{10, 3, []int{3, 3, 4}},
		{2, 4, []int{1, 1, 0, 0}},
		{0, 2, []int{0, 0}},
		{7, 1, []int{7}},
	} {
		if got := splitOps(c.n, c.threads); !slices.Equal(got, c.want) {
			t.Errorf("splitOps(%d, %d) = %v, want %v", c.n, c.threads, got, c.want)
		}
	}
}

func TestJavaDoubleToString(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0.0", 5000: "5000.0", 1000.0 * 10 / 21: "476.1904761904762",
		0.0015: "0.0015", 1e7: "1.0E7", 12345678.5: "1.23456785E7", 1e-4: "1.0E-4",
	} {
		if got := javaDouble(v); got != want {
			t.Errorf("javaDouble(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestGenericOptionsNameTheNameNode(t *testing.T) {
	for _, c := range []struct {
		args []string
		addr string
	}{
		{[]string{"-fs", "hdfs://nn1:9000", "-op", "create"}, "nn1:9000"},
		{[]string{"-op", "create", "-namenode", "hdfs://nn2"}, "nn2:8020"},
		{[]string{"-D", "fs.defaultFS=hdfs://nn3:1", "-D", "x=y", "-op", "create"}, "nn3:1"},
		{[]string{"-op", "create"}, ""},
	} {
		rest, addr, err := generic(c.args)
		if err != nil || addr != c.addr || !slices.Equal(rest[:2], []string{"-op", "create"}) {
			t.Errorf("generic(%q) = %q, %q, %v; want addr %q", c.args, rest, addr, err, c.addr)
		}
	}
	if _, _, err := generic([]string{"-fs", "file:///"}); err == nil {
		t.Error("file:/// accepted as a remote NameNode")
	}
}

// Flags of other ops are a usage error unless the op is "all".
func TestEachOpAcceptsOnlyItsFlags(t *testing.T) {
	usage := []struct {
		op   string
		args []string
	}{
		{opCreate, []string{"-op", "create", "-dirs", "3"}},
		{opCreate, []string{"-op", "create", "-useExisting"}},
		{opMkdirs, []string{"-op", "mkdirs", "-files", "3"}},
		{opOpen, []string{"-op", "open", "-files"}},
		{opClean, []string{"-op", "clean", "-threads", "2"}},
	}
	for _, c := range usage {
		if _, err := parseSpec(c.op, c.args, false); !errors.As(err, new(usageError)) {
			t.Errorf("parseSpec(%q) = %v, want usage", c.args, err)
		}
	}
	s, err := parseSpec(opOpen, []string{"-op", "all", "-dirs", "3", "-files", "9", "-close", "-useExisting"}, true)
	if err != nil || s.ops != 9 || !s.useExisting || s.threads != defaultThreads || s.perDir != defaultFilesPerDir {
		t.Errorf("open under all: %+v, %v", s, err)
	}
	m, err := parseSpec(opMkdirs, []string{"-op", "mkdirs"}, false)
	if err != nil || m.ops != 10 || m.perDir != 2 || m.baseDir() != "/nnThroughputBenchmark/mkdirs" {
		t.Errorf("mkdirs defaults: %+v, %v", m, err)
	}
}
