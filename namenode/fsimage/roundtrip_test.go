package fsimage

import (
	"bytes"
	"crypto/md5"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// protobufImages extracts every protobuf-era image in the shared testdata
// (Hadoop 2.4 to 3.3) and returns their paths.
func protobufImages(t *testing.T) []string {
	t.Helper()
	paths := []string{testdata(t, dynamometer)}
	for _, g := range goldenImages {
		paths = append(paths, goldenPath(t, g))
	}
	for _, tgz := range []string{"hadoop-252-dfs-dir.tgz", "testUpgradeFrom22via26FixesStorageIDs.tgz",
		"testUpgradeFrom26PreservesStorageIDs.tgz", "image-with-zero-block-size.tar.gz",
		"hadoop-56-layout-datanode-dir.tgz", "hadoop-24-datanode-dir.tgz"} {
		dir := untar(t, "hadoop", tgz)
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil && strings.HasPrefix(fi.Name(), "fsimage_") && !strings.HasSuffix(p, ".md5") {
				paths = append(paths, p)
			}
			return nil
		})
	}
	return paths
}

// rewrite copies an image through a Writer.
func rewrite(t testing.TB, img *Image, opts WriterOptions) ([]byte, [md5.Size]byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.CopyFrom(img); err != nil {
		t.Fatal(err)
	}
	sum, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sum
}

func openBytes(t testing.TB, b []byte, name string) *Image {
	t.Helper()
	img, err := Open(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Every record keeps the fields it had on disk, so reading an image and
// writing it again gives back Hadoop's bytes, whatever Hadoop version
// wrote them.
func TestRewritingAnImageReproducesItByteForByte(t *testing.T) {
	paths := protobufImages(t)
	if len(paths) < 20 {
		t.Fatalf("found only %d images", len(paths))
	}
	for _, p := range paths {
		img := openImage(t, p)
		orig, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, sum := rewrite(t, img, WriterOptions{LayoutVersion: img.Summary().LayoutVersion})
		if !bytes.Equal(got, orig) {
			t.Errorf("%s: rewritten image differs (%d bytes, original %d)", p, len(got), len(orig))
		}
		if want, _ := FileMD5(p); sum != want {
			t.Errorf("%s: Writer's MD5 %x, file's %x", p, sum, want)
		}
	}
}

// recorder keeps every record Walk hands out.
type recorder struct{ recs []any }

func (r *recorder) add(v any) error                            { r.recs = append(r.recs, v); return nil }
func (r *recorder) NameSystem(v *NameSystem) error             { return r.add(v) }
func (r *recorder) StringTable(v *StringTable) error           { return r.add(v) }
func (r *recorder) ErasureCoding(v []ECPolicy) error           { return r.add(v) }
func (r *recorder) INodeHeader(v *INodeHeader) error           { return r.add(v) }
func (r *recorder) INode(v *INode) error                       { return r.add(v) }
func (r *recorder) Reference(v *Reference) error               { return r.add(v) }
func (r *recorder) SnapshotHeader(v *SnapshotHeader) error     { return r.add(v) }
func (r *recorder) Snapshot(v *Snapshot) error                 { return r.add(v) }
func (r *recorder) DirEntry(v *DirEntry) error                 { return r.add(v) }
func (r *recorder) FileUnderConstruction(v *FileUCEntry) error { return r.add(v) }
func (r *recorder) SnapshotDiff(v *DiffEntry) error            { return r.add(v) }
func (r *recorder) SecretManager(v *SecretManager) error       { return r.add(v) }
func (r *recorder) CacheManager(v *CacheManager) error         { return r.add(v) }

func records(t testing.TB, img *Image) []any {
	t.Helper()
	r := &recorder{}
	if err := img.Walk(r); err != nil {
		t.Fatal(err)
	}
	return r.recs
}

// dfs.image.compress: each section is compressed on its own with the
// configured codec, and loading undoes it.
func TestCompressedImagesLoadBackTheSameRecords(t *testing.T) {
	img := openImage(t, goldenPath(t, goldenImages[1]))
	want := records(t, img)
	for _, codec := range []string{CodecDefault, CodecDeflate, CodecGzip} {
		b, _ := rewrite(t, img, WriterOptions{LayoutVersion: -66, Codec: codec})
		back := openBytes(t, b, codec)
		if got := back.Summary().Codec; got != codec {
			t.Errorf("summary codec %q, want %q", got, codec)
		}
		if got := records(t, back); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: records differ after a compressed round trip", codec)
		}
		var plain bytes.Buffer
		if err := writeXMLTo(back, &plain); err != nil {
			t.Fatal(err)
		}
		if want := convert(t, goldenPath(t, goldenImages[1]), "XML", Options{}); !bytes.Equal(plain.Bytes(), want) {
			t.Errorf("%s: XML of the compressed image differs", codec)
		}
	}
	for _, codec := range []string{"org.apache.hadoop.io.compress.SnappyCodec", "org.apache.hadoop.io.compress.BZip2Codec"} {
		if _, err := NewWriter(io.Discard, WriterOptions{Codec: codec}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("NewWriter with %s: %v, want ErrUnsupported", codec, err)
		}
	}
}

func writeXMLTo(img *Image, w io.Writer) error {
	bw := newBufioWriter(w)
	if err := WriteXML(img, bw, Options{}); err != nil {
		return err
	}
	return bw.Flush()
}

// dfs.image.parallel.*: INODE, INODE_DIR and SNAPSHOT_DIFF are sliced
// into *_SUB sections listed before their parent; the first INODE slice
// carries the header; the slices together hold exactly the parent's
// records and can be read concurrently.
func TestSubSectionsSliceTheirParentForParallelLoading(t *testing.T) {
	img := openImage(t, goldenPath(t, goldenImages[1]))
	b, _ := rewrite(t, img, WriterOptions{LayoutVersion: -66, INodesPerSubSection: 10})
	sliced := openBytes(t, b, "sliced")
	var names []string
	for _, s := range sliced.Summary().Sections {
		names = append(names, s.Name)
	}
	order := strings.Join(names, " ")
	for _, want := range []string{"INODE_SUB INODE_SUB", "INODE_SUB INODE INODE_DIR_SUB", "INODE_DIR_SUB INODE_DIR",
		"SNAPSHOT_DIFF_SUB SNAPSHOT_DIFF"} {
		if !strings.Contains(order, want) {
			t.Errorf("section order %q lacks %q", order, want)
		}
	}
	if len(sliced.Sections(SectionINodeSub)) != 8 { // 79 inodes, 10 per slice
		t.Errorf("%d INODE_SUB sections, want 8", len(sliced.Sections(SectionINodeSub)))
	}
	if got, want := records(t, sliced), records(t, img); !reflect.DeepEqual(got, want) {
		t.Error("a sliced image loads different records")
	}

	subs := sliced.Sections(SectionINodeSub)
	parts := make([][]*INode, len(subs))
	var wg sync.WaitGroup
	for i, sec := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, s, err := sliced.OpenINodes(sec)
			if (h != nil) != (i == 0) {
				t.Errorf("slice %d: header %v", i, h)
			}
			if err == nil {
				err = drain(s, func(n *INode) error { parts[i] = append(parts[i], n); return nil })
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var all []*INode
	for _, p := range parts {
		all = append(all, p...)
	}
	_, s, _ := img.INodes()
	var want []*INode
	drain(s, func(n *INode) error { want = append(want, n); return nil })
	if !reflect.DeepEqual(all, want) {
		t.Errorf("slices hold %d inodes, the section %d", len(all), len(want))
	}
	if _, err := NewWriter(io.Discard, WriterOptions{Codec: CodecGzip, INodesPerSubSection: 10}); !errors.Is(err, ErrInvalid) {
		t.Errorf("slices with compression: %v, want ErrInvalid", err)
	}
}

// WriteFile leaves the image and its MD5FileUtils sidecar; OpenFile
// verifies the pair.
func TestWriteFileWritesTheMD5Sidecar(t *testing.T) {
	img := openImage(t, goldenPath(t, goldenImages[2]))
	dst := filepath.Join(t.TempDir(), "fsimage_0000000000000000033")
	sum, err := WriteFile(dst, WriterOptions{LayoutVersion: -66}, func(w *Writer) error { return w.CopyFrom(img) })
	if err != nil {
		t.Fatal(err)
	}
	line, _ := os.ReadFile(MD5Path(dst))
	if want := FormatMD5(sum, dst); string(line) != want || !strings.HasSuffix(want, " *fsimage_0000000000000000033\n") {
		t.Errorf("sidecar %q, want %q", line, want)
	}
	orig, _ := os.ReadFile(goldenPath(t, goldenImages[2]))
	got, _ := os.ReadFile(dst)
	if !bytes.Equal(got, orig) {
		t.Error("WriteFile changed the image")
	}
	back, err := OpenFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	back.Close()
	if _, err := os.Stat(dst + ".tmp"); !os.IsNotExist(err) {
		t.Error("WriteFile left its temporary file")
	}
}

// ReverseXML turns the viewer's XML back into an image whose XML is the
// same document, and does so deterministically.
func TestReverseXMLRoundTripsTheViewersXML(t *testing.T) {
	for _, g := range goldenImages {
		t.Run(g.image, func(t *testing.T) {
			dir := t.TempDir()
			xml1 := wantFile(t, "hadoop-3.3.2", g.dumps, filepath.Base(g.image)+".xml")
			in := filepath.Join(dir, "in.xml")
			os.WriteFile(in, xml1, 0o644)
			bin1 := filepath.Join(dir, "fsimage_1")
			if err := Convert(in, bin1, "ReverseXML", Options{}); err == nil {
				t.Fatal("ReverseXML accepted layout version -66; Hadoop 3.4 accepts only -67")
			}
			if err := Convert(in, bin1, "ReverseXML", Options{AnyLayoutVersion: true}); err != nil {
				t.Fatal(err)
			}
			if err := VerifyMD5(bin1); err != nil {
				t.Fatal(err)
			}
			xml2 := convert(t, bin1, "XML", Options{Revision: "local-javac-build"})
			sameBytes(t, "XML after ReverseXML", xml2, xml1)
			bin2 := filepath.Join(dir, "fsimage_2")
			os.WriteFile(in, xml2, 0o644)
			if err := Convert(in, bin2, "ReverseXML", Options{AnyLayoutVersion: true}); err != nil {
				t.Fatal(err)
			}
			b1, _ := os.ReadFile(bin1)
			b2, _ := os.ReadFile(bin2)
			if !bytes.Equal(b1, b2) {
				t.Error("ReverseXML of the same XML gave different images")
			}
		})
	}
}
