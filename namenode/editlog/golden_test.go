package editlog

import (
	"bytes"
	"testing"
)

// Hadoop's own golden segment (TestOfflineEditsViewer's editsStored): 121
// records of 45 opcodes, layout version -67, and the XML `hdfs oev` makes
// of it.

func TestEditsStoredDecodesEveryRecord(t *testing.T) {
	r, ops := decodeAll(t, readFile(t, testdata(t, "hadoop", "editsStored")))
	if r.LayoutVersion() != -67 {
		t.Fatalf("layout version %d, want -67", r.LayoutVersion())
	}
	if len(ops) != 121 {
		t.Fatalf("%d ops, want 121", len(ops))
	}
	for i, op := range ops {
		if op.TxID != int64(i+1) {
			t.Fatalf("op %d has txid %d", i, op.TxID)
		}
	}
	if r.Offset() != 7933 || r.TornTail() != nil {
		t.Fatalf("stopped at %d (torn: %v), want the end, 7933", r.Offset(), r.TornTail())
	}
}

func TestEditsStoredReencodesByteForByte(t *testing.T) {
	want := readFile(t, testdata(t, "hadoop", "editsStored"))
	_, ops := decodeAll(t, want)
	if got := encodeAll(t, CurrentLayoutVersion, ops); !bytes.Equal(got, want) {
		t.Fatalf("re-encoded segment differs: %s", firstDiff(got, want))
	}
}

func TestEditsStoredToXMLMatchesOEV(t *testing.T) {
	want := readFile(t, testdata(t, "hadoop", "editsStored.xml"))
	r, ops := decodeAll(t, readFile(t, testdata(t, "hadoop", "editsStored")))
	if got := toXML(t, r.LayoutVersion(), ops); !bytes.Equal(got, want) {
		t.Fatalf("XML differs from editsStored.xml: %s", firstDiff(got, want))
	}
}

func TestEditsStoredXMLToBinaryMatchesEditsStored(t *testing.T) {
	want := readFile(t, testdata(t, "hadoop", "editsStored"))
	lv, ops := fromXML(t, readFile(t, testdata(t, "hadoop", "editsStored.xml")))
	if lv != -67 {
		t.Fatalf("EDITS_VERSION %d", lv)
	}
	if got := encodeAll(t, CurrentLayoutVersion, ops); !bytes.Equal(got, want) {
		t.Fatalf("binary from XML differs from editsStored: %s", firstDiff(got, want))
	}
}
