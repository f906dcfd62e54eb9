package editlog

import (
	"bytes"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"
)

// Codec properties, checked on random ops of every opcode: what is
// encoded decodes to the same op, the XML form carries exactly what the
// binary form stores, and a whole segment survives both.

const opsPerOpcode = 200

func decodeRecord(t *testing.T, rec []byte, lv int32) Op {
	t.Helper()
	r, err := NewRecordReader(bytes.NewReader(rec), lv)
	if err != nil {
		t.Fatal(err)
	}
	op, err := r.Next()
	if err != nil {
		t.Fatalf("decoding %x: %v", rec, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("record %x: more than one op (%v)", rec, err)
	}
	return op
}

func TestEveryOpRoundTripsThroughBinary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, lv := range []int32{CurrentLayoutVersion, -66, -60, -56} {
		for _, code := range writableOpcodes() {
			for range opsPerOpcode {
				op := genOp(rng, code)
				rec, err := AppendRecord(nil, &op, lv)
				if err != nil {
					t.Fatalf("LV %d %v: %v", lv, code, err)
				}
				got := decodeRecord(t, rec, lv)
				again, err := AppendRecord(nil, &got, lv)
				if err != nil || !bytes.Equal(again, rec) {
					t.Fatalf("LV %d %v: re-encoding differs (%v): %s", lv, code, err, firstDiff(again, rec))
				}
				if back := decodeRecord(t, again, lv); !reflect.DeepEqual(back, got) {
					t.Fatalf("LV %d %v: decode(encode(op)) differs:\n%+v\n%+v", lv, code, back, got)
				}
			}
		}
	}
}

// Converting a record to XML and back gives the same record.
func TestEveryOpRoundTripsThroughXML(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, code := range writableOpcodes() {
		for range opsPerOpcode {
			op := genOp(rng, code)
			rec, err := AppendRecord(nil, &op, CurrentLayoutVersion)
			if err != nil {
				t.Fatal(err)
			}
			stored := decodeRecord(t, rec, CurrentLayoutVersion)
			doc := toXML(t, CurrentLayoutVersion, []Op{stored})
			_, back := fromXML(t, doc)
			if len(back) != 1 {
				t.Fatalf("%v: %d ops from XML", code, len(back))
			}
			again, err := AppendRecord(nil, &back[0], CurrentLayoutVersion)
			if err != nil || !bytes.Equal(again, rec) {
				t.Fatalf("%v: record from XML differs (%v): %s\n%s", code, err, firstDiff(again, rec), doc)
			}
		}
	}
}

func TestSegmentOfEveryOpRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var ops []Op
	for i, code := range writableOpcodes() {
		op := genOp(rng, code)
		op.TxID = int64(i + 1)
		ops = append(ops, op)
	}
	seg := encodeAll(t, CurrentLayoutVersion, ops)
	r, decoded := decodeAll(t, seg)
	if len(decoded) != len(ops) || r.Offset() != int64(len(seg)) || r.LastTxID() != int64(len(ops)) {
		t.Fatalf("%d ops up to %d, last txid %d; want %d ops, all %d bytes",
			len(decoded), r.Offset(), r.LastTxID(), len(ops), len(seg))
	}
	doc := toXML(t, CurrentLayoutVersion, decoded)
	lv, fromDoc := fromXML(t, doc)
	if got := encodeAll(t, lv, fromDoc); !bytes.Equal(got, seg) {
		t.Fatalf("segment through XML differs: %s", firstDiff(got, seg))
	}
	if again := toXML(t, lv, fromDoc); !bytes.Equal(again, doc) {
		t.Fatalf("XML through ops differs: %s", firstDiff(again, doc))
	}
}

// Hadoop reads OP_SET_NS_QUOTA and OP_CLEAR_NS_QUOTA (pre-0.20 quota ops)
// but refuses to write them, and so does this package.
func TestObsoleteQuotaOpsAreReadButNotWritten(t *testing.T) {
	for _, code := range []Opcode{OpSetNSQuota, OpClearNSQuota, OpDatanodeAdd, OpInvalid} {
		op := NewOp(code)
		if _, err := AppendRecord(nil, &op, CurrentLayoutVersion); err == nil {
			t.Errorf("%v was written", code)
		}
	}
	e := newEncoder(nil, CurrentLayoutVersion)
	e.u8(uint8(OpSetNSQuota))
	e.i64(7)
	e.utf8("/q")
	e.i64(100)
	body := e.buf
	got, n, err := decodeOp(OpSetNSQuota, 7, body[9:], CurrentLayoutVersion)
	if err != nil || n != len(body)-9 || got.Path != "/q" || got.NSQuota != 100 {
		t.Fatalf("decoded %+v, %d bytes, %v", got, n, err)
	}
}
