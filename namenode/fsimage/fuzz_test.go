package fsimage

import (
	"bytes"
	"io"

	"path/filepath"
	"reflect"
	"testing"
)

// FuzzLoad: no input makes the reader, the viewers or the Writer panic,
// and an input that loads and rewrites loads back as the same records.
// Seeds are real images, plain, compressed and sliced. Crashers found so
// far live in testdata/fuzz/FuzzLoad and run with every `go test`.
func FuzzLoad(f *testing.F) {
	for _, g := range goldenImages[:4] {
		f.Add(mustRead(f, filepath.Join(untar(f, "hadoop-3.3.2", g.tgz), g.image)))
	}
	f.Add(mustRead(f, filepath.Join(untar(f, "hadoop", "image-with-zero-block-size.tar.gz"),
		"image-with-zero-block-size/name/current/fsimage_0000000000000000004")))
	img := openBytes(f, mustRead(f, filepath.Join(untar(f, "hadoop-3.3.2", "ha-namedirs.tgz"),
		"nn1/current/fsimage_0000000000000000033")), "seed")
	for _, opts := range []WriterOptions{{Codec: CodecDefault}, {Codec: CodecGzip}, {INodesPerSubSection: 2}} {
		b, _ := rewrite(f, img, opts)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if exercise(data, "fuzz") != nil {
			return
		}
		img, _ := Open(bytes.NewReader(data), int64(len(data)), "fuzz")
		var out bytes.Buffer
		w, err := NewWriter(&out, WriterOptions{LayoutVersion: img.Summary().LayoutVersion, Codec: img.Summary().Codec})
		if err != nil {
			return
		}
		if w.CopyFrom(img) != nil {
			return
		}
		if _, err := w.Close(); err != nil {
			return
		}
		back, err := Open(bytes.NewReader(out.Bytes()), int64(out.Len()), "rewritten")
		if err != nil {
			t.Fatalf("a rewritten image does not open: %v", err)
		}
		if !reflect.DeepEqual(records(t, back), records(t, img)) {
			t.Fatal("a rewritten image loads different records")
		}
	})
}

// FuzzReverseXML: no XML makes ReverseXML panic.
func FuzzReverseXML(f *testing.F) {
	for _, g := range goldenImages[:3] {
		f.Add(wantFile(f, "hadoop-3.3.2", g.dumps, filepath.Base(g.image)+".xml"))
	}
	f.Add([]byte(`<fsimage><version><layoutVersion>-67</layoutVersion><onDiskVersion>1</onDiskVersion></version></fsimage>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		reverseXML(bytes.NewReader(data), io.Discard, Options{AnyLayoutVersion: true})
	})
}
