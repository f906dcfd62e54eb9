package dfsio

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDecimalIsJavaHashDotHashHash(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{0, "0"},
		{0.5, ".5"}, // "#" prints no integer digit for zero
		{0.125, ".12"},
		{0.375, ".38"}, // exact ties round half to even
		{1.005, "1"},   // 1.005 is 1.00499999... in binary
		{2.675, "2.67"},
		{12.3456, "12.35"},
		{100, "100"},
		{1234567.891, "1234567.89"}, // no grouping
		{-0.5, "-.5"},
		{-0.001, "-0"},
		{math.Inf(1), "∞"},
		{math.NaN(), "NaN"},
	} {
		if got := decimal(tc.x); got != tc.want {
			t.Errorf("decimal(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

func TestResultLinesAreTestDFSIOs(t *testing.T) {
	// Two 1 MB files at 10 and 5 mb/sec: the mean rate is 7.5, its
	// deviation 2.5; the throughput is 2 MB over 0.3 s summed.
	files := []fileResult{
		{bytes: 1 << 20, elapsed: 100 * time.Millisecond},
		{bytes: 1 << 20, elapsed: 200*time.Millisecond + 999*time.Microsecond}, // whole ms
	}
	now := time.Date(2026, 11, 23, 17, 22, 8, 0, time.UTC)
	got := strings.Join(resultLines(modeWrite, now, sum(files), 250), "\n")
	want := `----- TestDFSIO ----- : write
            Date & time: Mon Nov 23 17:22:08 UTC 2026
        Number of files: 2
 Total MBytes processed: 2
      Throughput mb/sec: 6.67
 Average IO rate mb/sec: 7.5
  IO rate std deviation: 2.5
     Test exec time sec: .25
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestResultFileIsAppended(t *testing.T) {
	res := filepath.Join(t.TempDir(), "res.log")
	var out strings.Builder
	for _, l := range [][]string{{"a", ""}, {"b", ""}} {
		if err := writeResult(&out, res, l); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(res)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "a\n\nb\n\n" || out.String() != "a\n\nb\n\n" {
		t.Errorf("file %q, printed %q", b, out.String())
	}
}

func TestSummaryLineIsGreppable(t *testing.T) {
	r := report{
		c:     config{mode: modeWrite, replication: 3},
		files: 4,
		bytes: 1 << 30,
		wall:  2 * time.Second,
		tput:  150,
		bounds: &machineBounds{
			disk:       bound{bytes: 1 << 30, elapsed: time.Second},
			loopback:   bound{bytes: 1 << 30, elapsed: 500 * time.Millisecond},
			crcChunked: bound{err: os.ErrInvalid},
			crcWhole:   bound{bytes: 4 << 30, elapsed: time.Second},
		},
		floor: &cpuFloor{role: modeWrite, floorChildResult: floorChildResult{
			bytes: 2 << 30, user: 200 * time.Millisecond, sys: 800 * time.Millisecond}},
		dn:     &cpuUse{pids: []int{7}, cpu: 6 * time.Second},
		client: cpuUse{cpu: time.Second},
	}
	want := "dfsio write: files=4 bytes=1073741824 replication=3 wall_s=2.000 MB/s=150.000 agg_MB/s=512.000" +
		" disk_bound_MB/s=1024.000 disk_ratio=0.500 net_bound_MB/s=2048.000 net_ratio=0.250" +
		" crc512_bound_MB/s=NA crc512_ratio=NA crc_bound_MB/s=4096.000 crc_ratio=0.125" +
		" dn_cpu_s_per_GiB=2.000 client_cpu_s_per_GiB=1.000" +
		" dn_write_floor_cpu_s_per_GiB=0.500 dn_cpu_ratio_to_floor=4.000"
	if got := summaryLine(r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	r.bounds, r.floor, r.dn, r.c.mode = nil, nil, nil, modeRead
	if got := summaryLine(r); !strings.Contains(got, "dfsio read: ") ||
		!strings.Contains(got, "disk_bound_MB/s=NA disk_ratio=NA") || !strings.Contains(got, "dn_cpu_s_per_GiB=NA") ||
		!strings.HasSuffix(got, " dn_serve_floor_cpu_s_per_GiB=NA dn_cpu_ratio_to_floor=NA") {
		t.Errorf("without bounds or pids: %s", got)
	}
}

func TestExtrasNameEachBoundAndRatio(t *testing.T) {
	var out strings.Builder
	printExtras(&out, report{
		c: config{mode: modeRead, replication: 3}, files: 1, bytes: 1 << 30, wall: time.Second,
		bounds: &machineBounds{disk: bound{bytes: 2 << 30, elapsed: time.Second, where: "/tmp (tmpfs on /tmp, tmpfs)"}},
		floor: &cpuFloor{role: floorServe, pid: 9, where: "/tmp", floorChildResult: floorChildResult{
			bytes: 1 << 29, user: 50 * time.Millisecond, sys: 250 * time.Millisecond, elapsed: time.Second}},
		dn: &cpuUse{pids: []int{7, 8}, cpu: 3 * time.Second},
	})
	for _, want := range []string{
		"Aggregate mb/sec: 1024.00 (1024 MB by 1 files in 1.000 s wall clock)",
		"Disk write+fsync mb/sec: 2048.00 ratio 0.500 (/tmp (tmpfs on /tmp, tmpfs), 2048 MB in 1.000 s)",
		"USER_HZ 100",
		"DataNode CPU sec/GiB: 3.000 (3.00 s by pids 7,8 over 1.000 GiB read)",
		"Serve floor CPU sec/GiB: 0.600 (child pid 9: 0.050 s user + 0.250 s system over 0.500 GiB in 1.000 s,",
		"DataNode CPU / serve floor: 5.000\n",
		"Client CPU sec/GiB: 0.000",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}
}
