package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestSubcommandsNotBuiltSaySoAndExit1(t *testing.T) {
	for _, name := range []string{"zkfc", "haadmin"} {
		code, _, stderr := run(t, name)
		if code != 1 || !strings.Contains(stderr, "not built yet") {
			t.Errorf("hdfsd %s: exit %d, stderr %q; want exit 1 saying it is not built yet", name, code, stderr)
		}
	}
}

func TestEverySubcommandOfTheHdfsScriptExists(t *testing.T) {
	want := []string{"namenode", "datanode", "journalnode", "zkfc", "haadmin", "dfsadmin", "getconf", "oev", "oiv", "fsck", "version", "minicluster", "bench"}
	have := map[string]bool{}
	for _, c := range commands() {
		have[c.name] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("subcommand %s missing", w)
		}
	}
}

func TestBuiltSubcommandsHaveHelp(t *testing.T) {
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		code, stdout, _ := run(t, c.name, "-h")
		if code != 0 || !strings.Contains(stdout, c.name) {
			t.Errorf("hdfsd %s -h: exit %d, stdout %q", c.name, code, stdout)
		}
	}
}

func TestNoSubcommandPrintsUsageAndFails(t *testing.T) {
	code, stdout, _ := run(t)
	if code != 1 || !strings.Contains(stdout, "Usage: hdfsd") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	code, _, stderr := run(t, "frobnicate")
	if code != 1 || !strings.Contains(stderr, `unknown subcommand "frobnicate"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestVersionNamesTheHadoopRelease(t *testing.T) {
	code, stdout, _ := run(t, "version")
	if code != 0 || !strings.Contains(stdout, "Apache Hadoop 3.4.1") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
}

func TestScriptOptionsComeBeforeTheSubcommand(t *testing.T) {
	code, _, stderr := run(t, "--config")
	if code != 1 || !strings.Contains(stderr, "--config needs a value") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "--loglevel", "LOUD", "version")
	if code != 1 || !strings.Contains(stderr, "--loglevel") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := run(t, "--loglevel", "debug", "version"); code != 0 {
		t.Fatalf("--loglevel debug version: exit %d", code)
	}
}

func TestGetconfReadsConfigDirAndDashD(t *testing.T) {
	dir := t.TempDir()
	site := `<?xml version="1.0"?><configuration>
<property><name>dfs.nameservices</name><value>ns1</value></property>
<property><name>dfs.ha.namenodes.ns1</name><value>nn1,nn2</value></property>
<property><name>dfs.namenode.rpc-address.ns1.nn1</name><value>127.0.0.1:8020</value></property>
<property><name>dfs.namenode.rpc-address.ns1.nn2</name><value>127.0.0.1:8021</value></property>
</configuration>`
	if err := os.WriteFile(filepath.Join(dir, "hdfs-site.xml"), []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "--config", dir, "getconf", "-nnRpcAddresses")
	if code != 0 || strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, ":8021") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "--config", dir, "getconf", "-D", "x.y=42", "-confKey", "x.y")
	if code != 0 || stdout != "42\n" {
		t.Fatalf("-confKey with -D: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr = run(t, "--config", dir, "getconf", "-confKey", "no.such.key")
	if code == 0 || !strings.Contains(stderr, "no.such.key") {
		t.Fatalf("missing key: exit %d, stderr %q", code, stderr)
	}
}

// testdata finds ../shared/testdata beside the repository.
func testdata(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "testdata", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data not found: %v", err)
	}
	return p
}

func TestOIVWritesHadoopXMLOfAnImage(t *testing.T) {
	img := testdata(t, "hadoop/dynamometer-hadoop-3.1/fsimage_0000000000000061740")
	out := filepath.Join(t.TempDir(), "image.xml")
	code, _, stderr := run(t, "oiv", "-i", img, "-o", out, "-p", "XML")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), `<?xml version="1.0"?>`) || !strings.Contains(string(b), "<txid>61969</txid>") {
		t.Fatalf("output %.200q, err %v", b, err)
	}
}

func TestOIVRefusesWhatItCannotRead(t *testing.T) {
	for _, args := range [][]string{
		{"oiv"},                 // no input
		{"oiv", "-i"},           // missing value
		{"oiv", "--bogus", "x"}, // unknown option
		{"oiv", "-i", "/no/such/image", "-p", "XML"}, // missing file
	} {
		if code, _, _ := run(t, args...); code == 0 {
			t.Errorf("hdfsd %q: exit 0", args)
		}
	}
	code, _, stderr := run(t, "oiv", "-i", testdata(t, "hadoop/fsimageV18"), "-p", "XML")
	if code == 0 || !strings.Contains(stderr, "layout version -16") {
		t.Fatalf("legacy image: exit %d, stderr %q", code, stderr)
	}
}

func TestOEVConvertsEditsToXMLAndBack(t *testing.T) {
	dir := t.TempDir()
	xml, bin := filepath.Join(dir, "edits.xml"), filepath.Join(dir, "edits")
	if code, _, stderr := run(t, "oev", "-i", testdata(t, "hadoop/editsStored"), "-o", xml); code != 0 {
		t.Fatalf("binary to xml: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "oev", "-i", xml, "-o", bin, "-p", "binary"); code != 0 {
		t.Fatalf("xml to binary: exit %d: %s", code, stderr)
	}
	want, _ := os.ReadFile(testdata(t, "hadoop/editsStored"))
	got, err := os.ReadFile(bin)
	if err != nil || string(got) != string(want) {
		t.Fatalf("round trip through oev changed the edits (%d bytes, want %d): %v", len(got), len(want), err)
	}
	if code, _, _ := run(t, "oev", "-i", xml); code == 0 {
		t.Fatal("oev without -o: exit 0")
	}
}
