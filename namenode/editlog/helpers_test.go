package editlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/internal/golden"
)

func testdata(t testing.TB, sub ...string) string { return golden.Path(t, sub...) }

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func extract(t testing.TB, tarball string) string { return golden.ExtractFile(t, tarball) }

// editFiles lists the edit-log segments under dir (edits, edits_*,
// edits_inprogress_*), by path relative to dir.
func editFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := filepath.Base(p)
		if base == "edits" || strings.HasPrefix(base, "edits_") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeAll reads every op of a segment.
func decodeAll(t testing.TB, data []byte) (*Reader, []Op) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var ops []Op
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

// encodeAll writes ops as a segment of layout version lv.
func encodeAll(t testing.TB, lv int32, ops []Op) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriterVersion(&buf, lv)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ops {
		if err := w.Write(&ops[i]); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// toXML renders ops as the offline edits viewer does.
func toXML(t testing.TB, lv int32, ops []Op) []byte {
	t.Helper()
	var buf bytes.Buffer
	xw := NewXMLWriter(&buf, lv)
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

// fromXML reads every op of an XML document.
func fromXML(t testing.TB, doc []byte) (int32, []Op) {
	t.Helper()
	xr, err := NewXMLReader(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var ops []Op
	for {
		op, err := xr.Next()
		if err == io.EOF {
			return xr.LayoutVersion(), ops
		}
		if err != nil {
			t.Fatalf("after %d ops: %v", len(ops), err)
		}
		ops = append(ops, op)
	}
}

// firstDiff describes where two byte strings first differ.
func firstDiff(got, want []byte) string {
	n := min(len(got), len(want))
	i := 0
	for i < n && got[i] == want[i] {
		i++
	}
	lo := max(0, i-60)
	return fmt.Sprintf("lengths %d and %d, first difference at byte %d:\n got: %q\nwant: %q",
		len(got), len(want), i, got[lo:min(len(got), i+60)], want[lo:min(len(want), i+60)])
}
