package journal

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/storage"

	"github.com/hdfsd/hdfsd/internal/golden"
)

func testdata(t testing.TB, sub ...string) string { return golden.Path(t, sub...) }

func extract(t testing.TB, sub ...string) string { return golden.Extract(t, sub...) }

// decode reads every op of a segment's bytes; torn allows a torn tail.
func decode(t testing.TB, data []byte, torn bool) (*editlog.Reader, []editlog.Op) {
	t.Helper()
	r, err := editlog.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if torn {
		r.AllowTornTail()
	}
	var ops []editlog.Op
	for {
		op, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r, ops
		}
		if err != nil {
			t.Fatalf("after %d ops: %v", len(ops), err)
		}
		ops = append(ops, op)
	}
}

// toXML renders ops as `hdfs oev -p xml` does.
func toXML(t testing.TB, lv int32, ops []editlog.Op) []byte {
	t.Helper()
	var buf bytes.Buffer
	xw := editlog.NewXMLWriter(&buf, lv)
	for i := range ops {
		if err := xw.Write(&ops[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fromXML reads the ops of an oev XML dump.
func fromXML(t testing.TB, doc []byte) []editlog.Op {
	t.Helper()
	xr, err := editlog.NewXMLReader(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var ops []editlog.Op
	for {
		op, err := xr.Next()
		if err == io.EOF {
			return ops
		}
		if err != nil {
			t.Fatalf("after %d ops: %v", len(ops), err)
		}
		ops = append(ops, op)
	}
}

// memDirs makes n formatted-looking name+edits directories /nn<i> on a
// MemFS: current/ with an empty VERSION and fsimage_0, enough for
// storage.Inspect.
func memDirs(t testing.TB, n int) (*storage.MemFS, *storage.Dirs) {
	t.Helper()
	fsys := storage.NewMemFS()
	var roots []string
	for i := range n {
		root := "/nn" + string(rune('1'+i))
		fsys.WriteFile(root+"/current/VERSION", nil)
		fsys.WriteFile(root+"/current/"+storage.ImageName(0), nil)
		roots = append(roots, root)
	}
	return fsys, storage.NewDirs(roots, roots)
}

// readOps decodes a file of fsys; torn allows a torn tail.
func readOps(t testing.TB, fsys *storage.MemFS, path string, torn bool) []editlog.Op {
	t.Helper()
	data, err := fsys.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, ops := decode(t, data, torn)
	return ops
}

// setOwner is a small op to append.
func setOwner(path string) *editlog.Op {
	op := editlog.NewOp(editlog.OpSetOwner)
	op.Path, op.Owner = path, "alice"
	return &op
}

// plan lists and inspects fsys's directories, in-progress segments
// included (scanned).
func plan(t testing.TB, fsys storage.FS, dirs *storage.Dirs, inProgress bool) storage.Plan {
	t.Helper()
	var ls []storage.Listing
	for _, d := range dirs.Healthy() {
		l, err := storage.List(fsys, d, Scanner(fsys))
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	p, err := storage.Inspect(ls, storage.InspectOptions{InProgressOK: inProgress})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// recoverDirs finalizes in-progress segments as a starting NameNode does.
func recoverDirs(t testing.TB, fsys storage.FS, dirs *storage.Dirs) {
	t.Helper()
	var ls []storage.Listing
	for _, d := range dirs.Healthy() {
		l, err := storage.List(fsys, d, Scanner(fsys))
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	acts, failed := storage.PlanRecovery(ls, storage.InvalidTxID)
	if len(failed) > 0 {
		t.Fatalf("recovery failed: %v", failed)
	}
	if err := storage.Apply(fsys, acts); err != nil {
		t.Fatal(err)
	}
}

// replayAll replays a plan from txid 1 and returns the ops.
func replayAll(t testing.TB, fsys storage.FS, p storage.Plan) []editlog.Op {
	t.Helper()
	var ops []editlog.Op
	_, err := Replay(fsys, p.Segments, 1, func(op *editlog.Op) error {
		ops = append(ops, *op)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}
