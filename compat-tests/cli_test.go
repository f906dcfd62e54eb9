package compattests

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cliDeadline bounds one CLI run; a CLI normally answers in milliseconds.
const cliDeadline = 20 * time.Second

// stockCLI is an unmodified "hdfs" command-line client.
type stockCLI struct {
	name    string // subtest name
	path    string
	install string // how to get it when it is missing
}

// stockCLIs are the clients every CLI test runs against: colinmarc/hdfs's
// own CLI at v2.4.0 (the library version in go.mod), and Debian's hdfs-cli
// package, built from v2.3.0.
func stockCLIs(t *testing.T) []stockCLI {
	t.Helper()
	gohdfs := os.Getenv("HDFSD_STOCK_HDFS")
	if gohdfs == "" {
		var err error
		if gohdfs, err = filepath.Abs(filepath.Join("..", ".tools", "bin", "hdfs")); err != nil {
			t.Fatal(err)
		}
	}
	return []stockCLI{
		{
			name: "gohdfs-v2.4.0",
			path: gohdfs,
			install: "install it with: GOBIN=<repo>/.tools/bin go install github.com/colinmarc/hdfs/v2/cmd/hdfs@v2.4.0" +
				" (or point HDFSD_STOCK_HDFS at one)",
		},
		{
			name:    "debian-hdfs-cli-v2.3.0",
			path:    "/usr/bin/hdfs",
			install: "install it with: apt-get install hdfs-cli",
		},
	}
}

// forEachCLI runs fn as a subtest per stock CLI. A missing CLI fails the
// test: these checks are the point of the package, not an extra.
func forEachCLI(t *testing.T, fn func(t *testing.T, cli stockCLI)) {
	for _, cli := range stockCLIs(t) {
		t.Run(cli.name, func(t *testing.T) {
			if _, err := os.Stat(cli.path); err != nil {
				t.Fatalf("stock CLI %s not found at %s: %v; %s", cli.name, cli.path, err, cli.install)
			}
			fn(t, cli)
		})
	}
}

// run runs the CLI against nn as user alice in a bare environment: no
// HADOOP_CONF_DIR, HADOOP_HOME or Kerberos variables from the host, TZ=UTC
// so that dates print the same everywhere, and a fresh HOME.
func (cli stockCLI) run(t *testing.T, nn nnAddress, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return cli.runAs(t, nn, "alice", args...)
}

// runAs is run as another user.
func (cli stockCLI) runAs(t *testing.T, nn nnAddress, user string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli.path, args...)
	cmd.Env = []string{
		"HADOOP_NAMENODE=" + nn.address(),
		"HADOOP_USER_NAME=" + user,
		"HOME=" + t.TempDir(),
		"TZ=UTC",
		"PATH=/usr/bin:/bin",
	}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ctx.Err() == nil:
		code = ee.ExitCode()
	default:
		t.Fatalf("%s %s: %v; stderr:\n%s", cli.name, strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String(), code
}

// mustRun is run for commands that must succeed quietly.
func (cli stockCLI) mustRun(t *testing.T, nn nnAddress, args ...string) string {
	t.Helper()
	return cli.mustRunAs(t, nn, "alice", args...)
}

// mustRunAs is mustRun as another user.
func (cli stockCLI) mustRunAs(t *testing.T, nn nnAddress, user string, args ...string) string {
	t.Helper()
	stdout, stderr, code := cli.runAs(t, nn, user, args...)
	if code != 0 || stderr != "" {
		t.Fatalf("hdfs %s: exit %d; stderr:\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

func TestStockCLI_ListsDirectory(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		if got := cli.mustRun(t, shared, "ls", "/"); got != "big\ntmp\nuser\n" {
			t.Errorf("hdfs ls / printed %q, want big, tmp, user", got)
		}
	})
}

func TestStockCLI_ListsTheUsersHomeByDefault(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		if got := cli.mustRun(t, shared, "ls"); got != "hello.txt\nlatest\nprivate\nreport.csv\n" {
			t.Errorf("hdfs ls (as alice) printed %q, want the entries of /user/alice", got)
		}
	})
}

func TestStockCLI_ListsAFileByItsPath(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		if got := cli.mustRun(t, shared, "ls", "/user/alice/hello.txt"); got != "/user/alice/hello.txt\n" {
			t.Errorf("hdfs ls of a file printed %q", got)
		}
	})
}

// The CLIs print mode, owner, group, size, date and name; the year replaces
// the time of day for dates outside the current year. They know nothing of
// symlinks (latest shows as a file) or of the sticky bit.
func TestStockCLI_LongListingShowsModeOwnerGroupSizeAndDate(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		got := cli.mustRun(t, shared, "ls", "-l", "/user/alice")
		want := []string{
			"-rw-r--r-- alice supergroup 12 " + lsDate(mar05_1407) + " hello.txt",
			"-rwxrwxrwx alice supergroup 0 " + lsDate(mar05_140730) + " latest",
			"drwx------ alice analysts 0 " + lsDate(mar05_1407) + " private",
			"-rw-r----- alice analysts 1048576 " + lsDate(1700471700000) + " report.csv",
		}
		checkLines(t, "hdfs ls -l /user/alice", got, want)
	})
}

func TestStockCLI_LongListingOfRootShowsOwnersAndTmpWorldWritable(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		got := cli.mustRun(t, shared, "ls", "-l", "/")
		want := []string{
			"drwxr-xr-x etl supergroup 0 " + lsDate(1704164645000) + " big",
			"drwxrwxrwx hdfs supergroup 0 " + lsDate(1717243200000) + " tmp",
			"drwxr-xr-x hdfs supergroup 0 " + lsDate(1700471700000) + " user",
		}
		checkLines(t, "hdfs ls -l /", got, want)
	})
}

// 2500 entries take three getListing pages at dfs.ls.limit=1000, and the
// CLIs ask for 100 at a time on top of that.
func TestStockCLI_ListsALargeDirectoryAcrossPages(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		lines := strings.Split(strings.TrimSuffix(cli.mustRun(t, shared, "ls", "/big"), "\n"), "\n")
		if len(lines) != bigFiles {
			t.Fatalf("hdfs ls /big | wc -l = %d, want %d", len(lines), bigFiles)
		}
		for i, l := range lines {
			if want := fmt.Sprintf("f%04d", i); l != want {
				t.Fatalf("line %d is %q, want %q", i, l, want)
			}
		}
	})
}

func TestStockCLI_MissingPathFailsWithFileDoesNotExist(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		stdout, stderr, code := cli.run(t, shared, "ls", "/nope")
		if code == 0 || stdout != "" || !strings.Contains(stderr, "stat /nope: file does not exist") {
			t.Errorf("hdfs ls /nope: exit %d, stdout %q, stderr %q; want a failure saying %q",
				code, stdout, stderr, "stat /nope: file does not exist")
		}
	})
}

func TestStockCLI_DfReportsCapacity(t *testing.T) {
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		got := cli.mustRun(t, shared, "df")
		want := []string{
			"Filesystem Size Used Available Use%",
			shared.addr + " 1099511627776 1073741824 1098437885952 0%",
		}
		checkLines(t, "hdfs df", got, want)
	})
}

// lsDate is how the CLIs print a modification time in ms, under TZ=UTC:
// "Jan _2" then the year, or the time of day within the current year.
func lsDate(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	if t.Year() == time.Now().Year() {
		return t.Format("Jan 2 15:04")
	}
	return t.Format("Jan 2 2006")
}

// checkLines compares output with want line by line, ignoring how columns
// are padded.
func checkLines(t *testing.T, what, got string, want []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	for i := range lines {
		lines[i] = strings.Join(strings.Fields(lines[i]), " ")
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s printed:\n%s\nwant (modulo padding):\n%s", what, got, strings.Join(want, "\n"))
	}
}
