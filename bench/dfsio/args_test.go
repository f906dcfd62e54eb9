package dfsio

import (
	"os"
	"strings"
	"testing"
)

func TestParseSizeAsTestDFSIO(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"128", 128 << 20}, // MB by default
		{"1GB", 1 << 30},
		{"128MB", 128 << 20},
		{"64kb", 64 << 10},
		{"10B", 10},
		{"10b", 10},
		{"2TB", 2 << 40},
		{"0", 0},
	} {
		got, err := parseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "GB", "-1", "1.5GB", "1 GB", "1M", "1G", "1XB", "9999999TB", "99999999999999999999"} {
		if got, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", bad, got)
		}
	}
}

func TestParseArgsDefaults(t *testing.T) {
	c, err := parseArgs([]string{"-write"})
	if err != nil {
		t.Fatal(err)
	}
	want := config{mode: modeWrite, nrFiles: 1, size: 1 << 20, bufferSize: 1000000,
		resFile: "TestDFSIO_results.log", replication: 3, baseDir: "/benchmarks/TestDFSIO",
		diskDir: os.TempDir(), bounds: true, floorSize: 1 << 30}
	if c != want {
		t.Errorf("parseArgs(-write) = %+v\nwant %+v", c, want)
	}
}

func TestParseArgsIgnoresCaseAsTestDFSIO(t *testing.T) {
	c, err := parseArgs(strings.Fields("-READ -NrFiles 4 -fileSize 2GB -BUFFERSIZE 65536 -resFile r.log" +
		" -replication 2 -dir /b/ -fs hdfs://nn:9000 -dnpids 1,2 -diskdir /x -noBounds -floorSize 3"))
	if err != nil {
		t.Fatal(err)
	}
	want := config{mode: modeRead, nrFiles: 4, size: 2 << 30, bufferSize: 65536, resFile: "r.log",
		replication: 2, baseDir: "/b", addr: "nn:9000", dnPIDs: "1,2", diskDir: "/x", floorSize: 3 << 20}
	if c != want {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestParseArgsGenericOptions(t *testing.T) {
	c, err := parseArgs(strings.Fields("-D fs.defaultFS=hdfs://nn -D dfs.replication=1" +
		" -D test.build.data=/data -D other.key=x -write -dnpids auto"))
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "nn:8020" || c.replication != 1 || c.baseDir != "/data" || c.dnPIDs != "auto" {
		t.Errorf("got %+v", c)
	}
}

func TestBadCommandLinesPrintUsage(t *testing.T) {
	for _, tc := range []struct {
		args string
		msg  string
	}{
		{"", "Missing arguments."},
		{"-write -bogus", "Illegal argument: -bogus"},
		{"-nrFiles 3", "one of -write, -read or -clean is required"},
		{"-write -nrFiles", "missing value for -nrFiles"},
	} {
		code, stdout, stderr := testRun(t, nil, "", strings.Fields(tc.args)...)
		if code != usageExit || stdout != "" || !strings.HasPrefix(stderr, tc.msg+"\nUsage: hdfsd-dfsio") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", tc.args, code, stdout, stderr)
		}
	}
}

func TestBadValuesFailWithoutUsage(t *testing.T) {
	for _, tc := range []struct {
		args string
		msg  string
	}{
		{"-write -size 1XB", `dfsio: size "1XB": unsupported unit "XB"`},
		{"-write -nrFiles 0", `dfsio: -nrFiles "0" is not a positive integer`},
		{"-write -bufferSize x", `dfsio: -bufferSize "x" is not a positive integer`},
		{"-write -fs http://nn:1", `dfsio: "http://nn:1" is not an hdfs://host:port URI`},
		{"-write -dir rel", `dfsio: -dir "rel" is not an absolute path below /`},
		{"-write -dnpids 1,x", `dfsio: -dnpids "1,x": want auto or PID,PID,...`},
		{"-read -random", "dfsio: -random is not supported"},
		{"-write -append", "dfsio: -append is not supported"},
		{"-write -seq", "dfsio: -seq is not supported"},
	} {
		code, stdout, stderr := testRun(t, nil, "", strings.Fields(tc.args)...)
		if code != 1 || stdout != "" || stderr != tc.msg+"\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 1, %q", tc.args, code, stdout, stderr, tc.msg)
		}
	}
}
