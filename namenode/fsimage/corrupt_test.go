package fsimage

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pb "github.com/hdfsd/hdfsd/protos/fsimagepb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// exercise runs everything that reads an image and returns the first
// error; it must never panic.
func exercise(b []byte, name string) error {
	img, err := Open(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		return err
	}
	if err := img.Walk(NopVisitor{}); err != nil {
		return err
	}
	for _, run := range []func(*Image, *bufio.Writer, Options) error{WriteXML, WriteDelimited, WriteFileDistribution} {
		if err := run(img, bufio.NewWriter(io.Discard), Options{}); err != nil {
			return err
		}
	}
	return nil
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An image whose bytes no longer match its .md5 is refused by name, as
// Hadoop's FSImage refuses it, before anything is parsed.
func TestMD5MismatchIsRefusedNamingTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fsimage_0000000000000000431")
	b := mustRead(t, goldenPath(t, goldenImages[1]))
	os.WriteFile(MD5Path(p), mustRead(t, MD5Path(goldenPath(t, goldenImages[1]))), 0o644)
	b[3000] ^= 0x01 // still a well-formed image, but not the one the sidecar names
	os.WriteFile(p, b, 0o644)
	_, err := OpenFile(p)
	if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), p) {
		t.Fatalf("OpenFile = %v, want ErrChecksum naming %s", err, p)
	}
	if !strings.HasPrefix(err.Error(), "fsimage: ") {
		t.Errorf("error %q does not start with the package name", err)
	}
	os.WriteFile(MD5Path(p), []byte("not a digest\n"), 0o644)
	if _, err := OpenFile(p); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "does not match the expected pattern") {
		t.Errorf("malformed .md5: %v", err)
	}
	os.WriteFile(MD5Path(p), []byte(strings.Repeat("0", 32)+" *fsimage_other\n"), 0o644)
	if _, err := OpenFile(p); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "references file named fsimage_other") {
		t.Errorf(".md5 naming another file: %v", err)
	}
}

// Every prefix of an image is refused with an error that names the image;
// none of them panics.
func TestEveryTruncationIsRefused(t *testing.T) {
	b := mustRead(t, goldenPath(t, goldenImages[1]))
	for n := 0; n < len(b); n++ {
		err := exercise(b[:n], "truncated-image")
		if err == nil {
			t.Fatalf("a %d-byte prefix of a %d-byte image was accepted", n, len(b))
		}
		if !strings.Contains(err.Error(), "truncated-image") || !strings.HasPrefix(err.Error(), "fsimage: ") {
			t.Fatalf("prefix %d: error %q does not name the image", n, err)
		}
	}
}

// The 4-byte trailer gives the FileSummary's length; a wrong one is
// reported as such.
func TestBadFileSummaryLengthIsRefused(t *testing.T) {
	orig := mustRead(t, goldenPath(t, goldenImages[0]))
	trueLen := int32(binary.BigEndian.Uint32(orig[len(orig)-4:]))
	for _, c := range []struct {
		length int32
		says   string
	}{
		{0, "is not positive"},
		{-5, "is not positive"},
		{int32(len(orig)), "does not fit"},
		{trueLen + 1, "FileSummary"},
		{trueLen - 1, "FileSummary"},
	} {
		b := append([]byte(nil), orig...)
		binary.BigEndian.PutUint32(b[len(b)-4:], uint32(c.length))
		_, err := Open(bytes.NewReader(b), int64(len(b)), "img")
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("summary length %d: %v, want ErrCorrupt saying %q", c.length, err, c.says)
		}
	}
}

// Flipping any single byte of an image may or may not make it invalid, but
// never makes the reader or a viewer panic.
func TestSingleByteCorruptionNeverPanics(t *testing.T) {
	orig := mustRead(t, goldenPath(t, goldenImages[2]))
	for i := range orig {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := append([]byte(nil), orig...)
			b[i] ^= x
			exercise(b, "flipped")
		}
	}
}

// Pre-protobuf images are refused with their layout version; this package
// does not implement FSImageFormat's legacy loader.
func TestLegacyImagesAreRefusedNamingTheirLayoutVersion(t *testing.T) {
	for name, lv := range map[string]string{"fsimageV18": "-16", "fsimageV19": "-18"} {
		_, err := OpenFile(testdata(t, "hadoop", name))
		if !errors.Is(err, ErrLegacyImage) || !strings.Contains(err.Error(), "layout version "+lv) ||
			!strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	dir := untar(t, "hadoop", "hadoop-2-reserved.tgz")
	if _, err := OpenFile(filepath.Join(dir, "dfs/name-0-1/current/fsimage_0000000000000000016")); !errors.Is(err, ErrLegacyImage) ||
		!strings.Contains(err.Error(), "layout version -40") {
		t.Errorf("Hadoop 2.0 image: %v", err)
	}
	if _, err := Open(strings.NewReader("hello, world"), 12, "text"); !errors.Is(err, ErrNotImage) {
		t.Errorf("text file: %v", err)
	}
}

// summaryImage builds an image holding only a FileSummary.
func summaryImage(s *pb.FileSummary) []byte {
	raw, _ := proto.Marshal(s)
	body := protowire.AppendVarint(nil, uint64(len(raw)))
	body = append(body, raw...)
	out := append([]byte(magic), body...)
	return binary.BigEndian.AppendUint32(out, uint32(len(body)))
}

func TestUnsupportedVersionsAndCodecsAreRefused(t *testing.T) {
	for what, s := range map[string]*pb.FileSummary{
		"layout version -68": {OndiskVersion: ptr(uint32(1)), LayoutVersion: ptr(uint32(0xffffffbc))},
		"layout version -51": {OndiskVersion: ptr(uint32(1)), LayoutVersion: ptr(uint32(0xffffffcd))},
		"on-disk version 2":  {OndiskVersion: ptr(uint32(2)), LayoutVersion: ptr(uint32(0xffffffbd))},
		"SnappyCodec": {OndiskVersion: ptr(uint32(1)), LayoutVersion: ptr(uint32(0xffffffbd)),
			Codec: ptr("org.apache.hadoop.io.compress.SnappyCodec")},
	} {
		b := summaryImage(s)
		if _, err := Open(bytes.NewReader(b), int64(len(b)), "img"); !errors.Is(err, ErrUnsupported) ||
			!strings.Contains(err.Error(), what) {
			t.Errorf("%s: %v", what, err)
		}
	}
	outside := summaryImage(&pb.FileSummary{OndiskVersion: ptr(uint32(1)), LayoutVersion: ptr(uint32(0xffffffbd)),
		Sections: []*pb.FileSummary_Section{{Name: ptr("INODE"), Offset: ptr(uint64(8)), Length: ptr(uint64(1 << 40))}}})
	if _, err := Open(bytes.NewReader(outside), int64(len(outside)), "img"); !errors.Is(err, ErrCorrupt) ||
		!strings.Contains(err.Error(), "lies outside the data") {
		t.Errorf("section past the end: %v", err)
	}
}

// The Writer refuses what Hadoop would never write.
func TestWriterRefusesMalformedImages(t *testing.T) {
	w, _ := NewWriter(io.Discard, WriterOptions{})
	w.NameSystem(&NameSystem{})
	if err := w.NameSystem(&NameSystem{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("second NS_INFO: %v", err)
	}
	w, _ = NewWriter(io.Discard, WriterOptions{})
	if err := w.INode(&INode{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("inode outside INODE: %v", err)
	}
	w, _ = NewWriter(io.Discard, WriterOptions{})
	w.BeginINodes(&INodeHeader{NumINodes: 2, Present: SavedINodeHeader})
	w.INode(&INode{Type: TypeDirectory, ID: RootINodeID, Dir: &INodeDirectory{}})
	if _, err := w.Close(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "announced 2 records, 1 were written") {
		t.Errorf("short INODE section: %v", err)
	}
}
