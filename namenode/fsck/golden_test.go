package fsck

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// recordedCluster is cluster P of the recordings: 3 DataNodes on one
// rack, /snap snapshottable.
func recordedCluster(t *testing.T, name string, dataNodes, replication int) (*fakeSource, listing) {
	t.Helper()
	l := readListing(t, name)
	f := newFakeSource(Cluster{LiveDataNodes: dataNodes, Racks: 1, NonEmptyRacks: 1,
		DefaultReplication: replication, MinReplication: 1})
	f.add("/", Inode{Kind: Dir})
	f.addTable(t, l.section(t, "NAMESPACE"))
	for k, v := range l.sections {
		if strings.HasPrefix(k, "SNAPSHOT CONTENTS") {
			f.addTable(t, v)
		}
		if strings.HasPrefix(k, "SYMLINKS") {
			f.addSymlinks(v)
		}
	}
	for _, row := range l.sections["hdfs lsSnapshottableDir"] {
		fields := strings.Fields(row)
		if len(fields) > 0 && strings.HasPrefix(fields[len(fields)-1], "/") {
			f.snapDirs = append(f.snapDirs, fields[len(fields)-1])
		}
	}
	replicas := map[int64][]Replica{}
	for _, title := range []string{"hdfs fsck / -files -blocks -locations", "hdfs fsck / -files -blocks -includeSnapshots"} {
		if _, ok := l.sections[title]; ok || hasPrefix(l, title) {
			f.addBlocks(t, l.section(t, title), replicas)
		}
	}
	return f, l
}

func hasPrefix(l listing, p string) bool {
	for k := range l.sections {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// runRecorded runs fsck with the query of a recorded command against f
// and compares the answer with the recorded one, byte for byte, dates
// included (the clock replays the recorded start and duration).
func runRecorded(t *testing.T, f *fakeSource, l listing, title, query string) {
	t.Helper()
	want := l.section(t, title)
	date, ms := recordedTimes(t, want)
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	req := Request{User: "root", Remote: "/127.0.0.1", Now: fixedClock(t, date, ms)}
	if err := Run(&out, f, ParseQuery(q), req); err != nil {
		t.Fatal(err)
	}
	if got, w := out.String(), report(want); got != w {
		t.Errorf("fsck %s differs from Hadoop's:\n%s", query, firstDiff(got, w))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + quote(gl) + "\nwant: " + quote(wl)
		}
	}
	return "(same lines, different bytes)"
}

func quote(s string) string { return "\"" + strings.ReplaceAll(s, "\t", "\\t") + "\"" }

func TestHadoopReportFilesBlocksLocationsOpenForWrite(t *testing.T) {
	f, l := recordedCluster(t, "namespace-listing.txt", 3, 3)
	runRecorded(t, f, l, "hdfs fsck / -files -blocks -locations -openforwrite",
		"ugi=root&files=1&blocks=1&locations=1&openforwrite=1&path=%2F")
}

func TestHadoopReportIncludeSnapshotsWalksSnapshotsBeforeTheirDirectory(t *testing.T) {
	f, l := recordedCluster(t, "namespace-listing.txt", 3, 3)
	runRecorded(t, f, l, "hdfs fsck / -files -blocks -includeSnapshots",
		"ugi=root&files=1&blocks=1&includeSnapshots=1&path=%2F")
}

func TestHadoopReportHAClusterOverReplicatedPercent(t *testing.T) {
	f, l := recordedCluster(t, "ha-listing.txt", 2, 2)
	runRecorded(t, f, l, "hdfs fsck / -files -blocks -locations -openforwrite",
		"ugi=root&files=1&blocks=1&locations=1&openforwrite=1&path=%2F")
}
