package compattests

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// The stock CLIs against the real NameNode: every namespace command they
// have, the results checked through the library, and the namespace
// checked again after a SIGTERM restart.

// isDebianCLI: hdfs-cli 2.3.0 has no `ls -R` and no `test`.
func isDebianCLI(cli stockCLI) bool { return strings.HasPrefix(cli.name, "debian") }

// bad runs a command that must fail, printing want on stderr.
func (cli stockCLI) bad(t *testing.T, nn nnAddress, want string, args ...string) {
	t.Helper()
	stdout, stderr, code := cli.run(t, nn, args...)
	if code == 0 || stdout != "" || strings.TrimSpace(stderr) != want {
		t.Errorf("hdfs %s: exit %d stdout %q stderr %q, want a failure saying %q",
			strings.Join(args, " "), code, stdout, stderr, want)
	}
}

func TestRealNN_StockCLIsManageANamespaceThatSurvivesRestart(t *testing.T) {
	nn := startRealNameNode(t, nil)
	su, lib := aliceHome(t, nn)
	listings := map[string]string{}
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		d := "/user/alice/" + cli.name
		cli.mustRun(t, nn, "mkdir", "-p", d+"/x/y/z")
		cli.mustRun(t, nn, "mkdir", d+"/x/w")
		cli.bad(t, nn, "mkdir "+d+"/nope/a: file does not exist", "mkdir", d+"/nope/a")
		cli.mustRun(t, nn, "touch", d+"/x/f1", d+"/x/f2", d+"/x/y/f3")
		cli.bad(t, nn, "create "+d+"/nope/f: file does not exist", "touch", d+"/nope/f")
		checkEntry(t, lib, d+"/x/y/z", os.ModeDir|0o755, "alice", "analysts")
		checkEntry(t, lib, d+"/x/f1", 0o644, "alice", "analysts")

		if got := cli.mustRun(t, nn, "ls", d+"/x"); got != "f1\nf2\nw\ny\n" {
			t.Errorf("hdfs ls %s/x printed %q", d, got)
		}
		checkLines(t, "hdfs ls -l", cli.mustRun(t, nn, "ls", "-l", d+"/x"), []string{
			lsLine(t, lib, d+"/x/f1", "-rw-r--r--"), lsLine(t, lib, d+"/x/f2", "-rw-r--r--"),
			lsLine(t, lib, d+"/x/w", "drwxr-xr-x"), lsLine(t, lib, d+"/x/y", "drwxr-xr-x"),
		})

		cli.mustRun(t, nn, "chmod", "700", d+"/x/y")
		cli.mustRun(t, nn, "chmod", "-R", "750", d+"/x/w")
		checkEntry(t, lib, d+"/x/y", os.ModeDir|0o700, "alice", "analysts")
		checkEntry(t, lib, d+"/x/w", os.ModeDir|0o750, "alice", "analysts")
		if _, _, code := cli.run(t, nn, "chown", "bob", d+"/x/f2"); code == 0 {
			t.Errorf("alice could give a file to bob")
		}
		cli.mustRunAs(t, nn, superuser(t), "chown", "bob:etl", d+"/x/f2")
		checkEntry(t, lib, d+"/x/f2", 0o644, "bob", "etl")

		cli.mustRun(t, nn, "mv", d+"/x/f1", d+"/x/y")  // into a directory
		cli.mustRun(t, nn, "mv", d+"/x/f2", d+"/x/g2") // a new name
		cli.mustRun(t, nn, "touch", d+"/x/h")          //
		cli.bad(t, nn, "rename "+d+"/x/g2: file already exists", "mv", "-n", d+"/x/h", d+"/x/g2")
		cli.mustRun(t, nn, "mv", d+"/x/h", d+"/x/g2") // over an existing file
		checkEntry(t, lib, d+"/x/g2", 0o644, "alice", "analysts")
		checkEntry(t, lib, d+"/x/y/f1", 0o644, "alice", "analysts")

		old := time.Date(2020, 2, 2, 2, 2, 2, 0, time.UTC)
		must(t, lib.Chtimes(d+"/x/y/f3", old, old))
		before := time.Now().Add(-time.Second)
		cli.mustRun(t, nn, "touch", d+"/x/y/f3") // existing: setTimes to now
		if fi := statOf(t, lib, d+"/x/y/f3"); fi.ModTime().Before(before) || fi.AccessTime().Before(before) {
			t.Errorf("touch of an existing file left mtime %v atime %v", fi.ModTime(), fi.AccessTime())
		}

		cli.bad(t, nn, "remove "+d+"/x/w: file is a directory", "rm", d+"/x/w")
		cli.mustRun(t, nn, "rm", "-r", d+"/x/w")
		cli.mustRun(t, nn, "rm", d+"/x/g2")
		for _, p := range []string{d + "/x/w", d + "/x/g2"} {
			_, err := lib.Stat(p)
			checkPathError(t, err, "stat", p, os.ErrNotExist)
		}
		checkLines(t, "hdfs du -s", cli.mustRun(t, nn, "du", "-s", d+"/x"), []string{"0 " + d + "/x"})
		checkLines(t, "hdfs du", cli.mustRun(t, nn, "du", d+"/x/y"), []string{
			"0 " + d + "/x/y/f1", "0 " + d + "/x/y/f3", "0 " + d + "/x/y/z", "0 " + d + "/x/y"})

		if !isDebianCLI(cli) {
			got := cli.mustRun(t, nn, "ls", "-R", d+"/x")
			want := "y\n\n" + d + "/x/y:\nf1\nf3\nz\n\n" + d + "/x/y/z:\n"
			if got != want {
				t.Errorf("hdfs ls -R printed %q, want %q", got, want)
			}
			for _, c := range []struct {
				flag, path string
				ok         bool
			}{{"-e", "/x/y", true}, {"-d", "/x/y", true}, {"-f", "/x/y", false}, {"-f", "/x/y/f1", true},
				{"-z", "/x/y/f1", true}, {"-s", "/x/y/f1", false}, {"-e", "/x/nope", false}} {
				if _, _, code := cli.run(t, nn, "test", c.flag, d+c.path); (code == 0) != c.ok {
					t.Errorf("hdfs test %s %s: exit %d, want success %v", c.flag, d+c.path, code, c.ok)
				}
			}
		}
		listings[cli.name] = cli.mustRun(t, nn, "ls", "-l", d+"/x/y")
	})
	before := dumpTree(t, su, "/")
	nn.restartT(t)
	if after := dumpTree(t, newClient(t, nn, superuser(t)), "/"); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("after a restart:\n%s\nbefore:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		if got := cli.mustRun(t, nn, "ls", "-l", "/user/alice/"+cli.name+"/x/y"); got != listings[cli.name] {
			t.Errorf("ls -l after a restart:\n%s\nbefore:\n%s", got, listings[cli.name])
		}
	})
}

// lsLine is the `ls -l` line of p, from its status.
func lsLine(t *testing.T, c *hdfs.Client, p, mode string) string {
	t.Helper()
	fi := statOf(t, c, p)
	return mode + " " + fi.Owner() + " " + fi.OwnerGroup() + " 0 " + lsDate(fi.ModTime().UnixMilli()) + " " + fi.Name()
}

// With no DataNodes the capacity is 0, and both CLIs divide by it: they
// panic against Hadoop's NameNode in the same state. The library sees
// the zeros.
func TestRealNN_StockCLIDfDividesByZeroCapacityAsAgainstHadoop(t *testing.T) {
	nn := startRealNameNode(t, nil)
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		stdout, stderr, code := cli.run(t, nn, "df")
		if code == 0 || !strings.Contains(stderr, "integer divide by zero") ||
			!strings.HasPrefix(stdout, "") {
			t.Errorf("hdfs df: exit %d stdout %q stderr %q, want the divide-by-zero panic", code, stdout, tail(stderr, 3))
		}
	})
}
