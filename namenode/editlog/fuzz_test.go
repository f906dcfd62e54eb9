package editlog

import (
	"bytes"
	"io"
	"reflect"
	"testing"
)

// Fuzz targets: arbitrary bytes never crash a reader, and whatever a reader
// accepts is written back in a form that reads the same again. The seed
// corpus (testdata/fuzz) holds the first 3000 bytes of real segments of
// layout versions -32 to -66.

func FuzzReader(f *testing.F) {
	stored := readFile(f, testdata(f, "hadoop", "editsStored"))
	f.Add(stored)
	f.Add(stored[:len(stored)-7])
	f.Add(append(bytes.Clone(stored[:2000]), 0xff, 0xff, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		r.AllowTornTail()
		for i := 0; i < 1000; i++ {
			op, err := r.Next()
			if err != nil {
				break
			}
			checkBinaryFixedPoint(t, &op, r.LayoutVersion())
			checkXMLFixedPoint(t, &op)
		}
	})
}

func FuzzXMLReader(f *testing.F) {
	f.Add(readFile(f, testdata(f, "hadoop", "editsStored.xml")))
	f.Add(readFile(f, testdata(f, "hadoop-3.3.2", "ha-dumps", "jn1-edits",
		"edits_0000000000000000055-0000000000000000077.xml")))
	f.Add([]byte(`<EDITS><EDITS_VERSION>-67</EDITS_VERSION><RECORD><OPCODE>OP_MKDIR</OPCODE>` +
		`<DATA><TXID>1</TXID><LENGTH>0</LENGTH><INODEID>2</INODEID><PATH>/a\005c;b</PATH>` +
		`<TIMESTAMP>3</TIMESTAMP><PERMISSION_STATUS><USERNAME>u</USERNAME><GROUPNAME>g</GROUPNAME>` +
		`<MODE>493</MODE></PERMISSION_STATUS></DATA></RECORD></EDITS>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		xr, err := NewXMLReader(bytes.NewReader(doc))
		if err != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			op, err := xr.Next()
			if err != nil {
				break
			}
			checkXMLFixedPoint(t, &op)
			checkBinaryFixedPoint(t, &op, CurrentLayoutVersion)
		}
	})
}

// checkBinaryFixedPoint: once an op has been through the binary form, it
// goes through it again unchanged.
func checkBinaryFixedPoint(t *testing.T, op *Op, lv int32) {
	rec, err := AppendRecord(nil, op, lv)
	if err != nil {
		return // e.g. a string longer than Hadoop writes
	}
	first := decodeRecord(t, rec, lv)
	again, err := AppendRecord(nil, &first, lv)
	if err != nil || !bytes.Equal(again, rec) {
		t.Fatalf("%v: re-encoding differs (%v): %s", op.Code, err, firstDiff(again, rec))
	}
	if second := decodeRecord(t, again, lv); !reflect.DeepEqual(second, first) {
		t.Fatalf("%v: decoding differs:\n%+v\n%+v", op.Code, second, first)
	}
}

// checkXMLFixedPoint: once an op has been through the XML form, it goes
// through it again unchanged.
func checkXMLFixedPoint(t *testing.T, op *Op) {
	var buf bytes.Buffer
	xw := NewXMLWriter(&buf, CurrentLayoutVersion)
	if xw.Write(op) != nil {
		return // e.g. an RPC client id that is not a UUID
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	first := xmlOps(t, buf.Bytes())
	doc := toXML(t, CurrentLayoutVersion, first)
	if again := toXML(t, CurrentLayoutVersion, xmlOps(t, doc)); !bytes.Equal(again, doc) {
		t.Fatalf("%v: XML differs: %s", op.Code, firstDiff(again, doc))
	}
}

func xmlOps(t *testing.T, doc []byte) []Op {
	xr, err := NewXMLReader(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	var ops []Op
	for {
		op, err := xr.Next()
		if err == io.EOF {
			return ops
		}
		if err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		ops = append(ops, op)
	}
}
