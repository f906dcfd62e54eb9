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
	for _, name := range []string{"namenode", "datanode", "journalnode", "zkfc", "haadmin", "dfsadmin", "oev", "oiv", "fsck", "bench"} {
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
