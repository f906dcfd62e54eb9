package compattests

import (
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/colinmarc/hdfs/v2"
)

// The tests in upstream_*_test.go are colinmarc/hdfs v2.4.0's own tests
// (github.com/colinmarc/hdfs/v2@v2.4.0/*_test.go, MIT licence), rewritten
// in this package's style and run against the real NameNode. Upstream runs
// them as users gohdfs1 and gohdfs2 against a cluster whose /_test is
// world-writable (.github/scripts/fixtures.sh); each test here builds its
// own fixtures with mkdir and empty files, and keeps upstream's
// assertions: the *os.PathError operation, path and wrapped error.
//
// Upstream tests left out because they need file contents, hence a
// DataNode (addBlock has nowhere to put a block):
//   - client_test.go: TestReadFile, TestCopyToLocal, TestCopyToRemote
//     (read or write /_test/foo.txt's "bar\n").
//   - stat_test.go: TestStat (foo.txt is 4 bytes).
//   - content_summary_test.go: TestContentSummaryFile (same).
//   - file_reader_test.go: TestFileRead, TestFileBigRead,
//     TestFileBigReadWeirdSizes, TestFileBigReadWeirdSizesMisalignment,
//     TestFileBigReadN, TestFileReadNil, TestFileReadAt, TestFileReadAtEOF,
//     TestFileReadOversizedBuffer, TestFileSeek, TestFileSeekReadSkip,
//     TestFileChecksum, TestFileReadDeadline, TestFileReadDeadlineBefore,
//     TestFileChecksumDeadline, TestFileChecksumDeadlineBefore (all read
//     foo.txt or mobydick.txt from DataNodes).
//   - file_writer_test.go: TestFileWrite, TestFileWriteLeaseRenewal,
//     TestFileBigWrite, TestFileBigWriteMultipleBlocks,
//     TestFileBigWriteWeirdBlockSize, TestFileBigWriteReplication,
//     TestFileWriteSmallFlushes, TestFileAppend, TestFileAppendEmptyFile,
//     TestFileAppendLastBlockFull, TestFileAppendRepeatedly,
//     TestFileWriteDeadline, TestFileWriteDeadlineBefore,
//     TestFileAppendDeadline, TestFileAppendDeadlineBefore (write blocks).
//   - truncate_test.go: TestTruncate, TestTruncateToZero,
//     TestTruncateSizeTooBig, TestTruncateSizeNegative,
//     TestTruncateWithoutPermission (write "foo"/"barbar" first).
//   - snapshot_test.go: TestSnapshot (writes a 128-byte file).
//
// The other snapshot tests need no DataNode but snapshots, which hdfsd
// does not serve yet: they are ported and skipped (upstream_xattr_test.go).

const (
	gohdfs1 = "gohdfs1" // upstream's default test user
	gohdfs2 = "gohdfs2" // upstream's second, unprivileged user
)

// upstreamNameNode is the shared real NameNode with upstream's fixture
// directory: /_test, mode 0777.
func upstreamNameNode(t *testing.T) *realNameNode {
	t.Helper()
	nn := sharedRealNameNode(t)
	su := newClient(t, nn, superuser(t))
	if err := su.MkdirAll("/_test", 0o777); err != nil {
		t.Fatal(err)
	}
	if err := su.Chmod("/_test", 0o777); err != nil {
		t.Fatal(err)
	}
	return nn
}

// upstreamClients are upstream's getClient and getClientForUser("gohdfs2").
func upstreamClients(t *testing.T) (nn *realNameNode, c1, c2 *hdfs.Client) {
	t.Helper()
	nn = upstreamNameNode(t)
	return nn, newClient(t, nn, gohdfs1), newClient(t, nn, gohdfs2)
}

// touch is upstream's touch: remove path, then create it empty, as
// gohdfs1.
func touch(t *testing.T, c *hdfs.Client, path string) { touchMask(t, c, path, 0) }

func touchMask(t *testing.T, c *hdfs.Client, path string, mask os.FileMode) {
	t.Helper()
	if err := c.RemoveAll(path); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := c.CreateEmptyFile(path); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	if mask != 0 {
		if err := c.Chmod(path, mask); err != nil {
			t.Fatal(err)
		}
	}
}

// mkdirp is upstream's mkdirp: remove path, then create it and its
// parents.
func mkdirp(t *testing.T, c *hdfs.Client, path string) { mkdirpMask(t, c, path, 0o755) }

func mkdirpMask(t *testing.T, c *hdfs.Client, path string, mask os.FileMode) {
	t.Helper()
	if err := c.RemoveAll(path); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := c.MkdirAll(path, mask); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
}

// baleet is upstream's name for removing a path that may be missing.
func baleet(t *testing.T, c *hdfs.Client, path string) {
	t.Helper()
	if err := c.RemoveAll(path); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

// checkPathError is upstream's assertPathError: err must be exactly
// &os.PathError{op, path, want}.
func checkPathError(t *testing.T, err error, op, path string, want error) {
	t.Helper()
	wantErr := &os.PathError{Op: op, Path: path, Err: want}
	if err == nil {
		t.Fatalf("error = nil, want %v", wantErr)
	}
	var pe *os.PathError
	if !errors.As(err, &pe) || err.Error() != wantErr.Error() || !reflect.DeepEqual(error(pe), error(wantErr)) {
		t.Fatalf("error = %#v (%v), want %v", err, err, wantErr)
	}
}

// checkPathErrorText is checkPathError for an error value the library does
// not export (errXAttrKeysNotFound): it compares the message.
func checkPathErrorText(t *testing.T, err error, op, path, want string) {
	t.Helper()
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != op || pe.Path != path || pe.Err.Error() != want {
		t.Fatalf("error = %v, want %s %s: %s", err, op, path, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
