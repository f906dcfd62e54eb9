package editlog

import (
	"bytes"
	"io"
	"testing"
)

// Throughput on Hadoop's golden segment (121 ops of 45 kinds, 7933 bytes).

func BenchmarkDecodeEditsStored(b *testing.B) {
	data := readFile(b, testdata(b, "hadoop", "editsStored"))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkEncodeEditsStored(b *testing.B) {
	data := readFile(b, testdata(b, "hadoop", "editsStored"))
	_, ops := decodeAll(b, data)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		w, err := NewWriter(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		for i := range ops {
			if err := w.Write(&ops[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkXMLEditsStored(b *testing.B) {
	data := readFile(b, testdata(b, "hadoop", "editsStored"))
	_, ops := decodeAll(b, data)
	for b.Loop() {
		xw := NewXMLWriter(io.Discard, CurrentLayoutVersion)
		for i := range ops {
			if err := xw.Write(&ops[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := xw.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
