package fsimage

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	pb "github.com/hdfsd/hdfsd/protos/fsimagepb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// Image is an opened fsimage whose summary has been checked. Its methods
// open readers on single sections; nothing else is held in memory. An
// Image may be used from several goroutines at once (each reader has its
// own position), which is how INODE_SUB slices are loaded in parallel.
type Image struct {
	r       io.ReaderAt
	size    int64
	name    string
	summary Summary
	codec   codec
	closer  io.Closer
}

// Open checks the magic and the FileSummary of the image in r (size bytes;
// name is used in errors) the way FSImageUtil does, and validates that
// every section lies inside the file.
func Open(r io.ReaderAt, size int64, name string) (*Image, error) {
	img := &Image{r: r, size: size, name: name}
	if err := img.checkMagic(); err != nil {
		return nil, err
	}
	if err := img.readSummary(); err != nil {
		return nil, err
	}
	return img, nil
}

// OpenFile opens the image at path. When path+".md5" exists, the image is
// checked against it first (as Hadoop's FSImage does before loading).
// Close the Image when done.
func OpenFile(path string) (*Image, error) {
	if err := VerifyMD5(path); err != nil {
		return nil, err
	}
	return OpenFileUnverified(path)
}

// OpenFileUnverified is OpenFile without the .md5 check, for a caller
// that runs VerifyMD5 itself while it reads the image (as Hadoop's loader
// compares the digest after reading) and refuses the image if it fails.
func OpenFileUnverified(path string) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fsimage: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("fsimage: %w", err)
	}
	img, err := Open(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	img.closer = f
	return img, nil
}

// Close closes the file OpenFile opened.
func (img *Image) Close() error {
	if img.closer == nil {
		return nil
	}
	return img.closer.Close()
}

// Name returns the name given to Open.
func (img *Image) Name() string { return img.name }

// Summary returns the image's FileSummary.
func (img *Image) Summary() Summary { return img.summary }

func (img *Image) checkMagic() error {
	head := make([]byte, len(magic))
	n, _ := img.r.ReadAt(head, 0)
	if n == len(magic) && string(head) == magic {
		return nil
	}
	if n >= 4 {
		lv := int32(binary.BigEndian.Uint32(head))
		if lv < 0 && lv > FirstProtobufLayoutVersion {
			return fmt.Errorf("%w: %s has layout version %d, a pre-protobuf (FSImageFormat) layout; "+
				"only protobuf images (layout %d to %d) load; upgrade it with Hadoop and save it again "+
				"(hdfs dfsadmin -saveNamespace)",
				ErrLegacyImage, img.name, lv, FirstProtobufLayoutVersion, CurrentLayoutVersion)
		}
	}
	return fmt.Errorf("%w: %s does not start with %q", ErrNotImage, img.name, magic)
}

// readSummary reads the trailing length, the FileSummary before it, and
// checks versions, codec and section bounds.
func (img *Image) readSummary() error {
	const lenField = 4
	if img.size < int64(len(magic))+lenField {
		return corruptf(img.name, "%d bytes is too short to hold a FileSummary", img.size)
	}
	var tail [lenField]byte
	if _, err := img.r.ReadAt(tail[:], img.size-lenField); err != nil {
		return corruptf(img.name, "reading the FileSummary length: %v", err)
	}
	sumLen := int64(int32(binary.BigEndian.Uint32(tail[:])))
	dataEnd := img.size - lenField - sumLen
	switch {
	case sumLen <= 0:
		return corruptf(img.name, "FileSummary length %d is not positive", sumLen)
	case dataEnd < int64(len(magic)):
		return corruptf(img.name, "FileSummary length %d does not fit in a %d-byte file", sumLen, img.size)
	}
	raw := make([]byte, sumLen)
	if _, err := img.r.ReadAt(raw, dataEnd); err != nil {
		return corruptf(img.name, "reading the FileSummary: %v", err)
	}
	v, k := protowire.ConsumeVarint(raw)
	n := int64(int32(uint32(v)))
	if k <= 0 || n < 0 || n > int64(len(raw)-k) {
		return corruptf(img.name, "FileSummary (length %d) does not hold its own varint-delimited length", sumLen)
	}
	var m pb.FileSummary
	if err := proto.Unmarshal(raw[k:k+int(n)], &m); err != nil {
		return corruptf(img.name, "FileSummary: %v", err)
	}
	s := Summary{OnDiskVersion: m.GetOndiskVersion(), LayoutVersion: int32(m.GetLayoutVersion()), Codec: m.GetCodec()}
	if s.OnDiskVersion != onDiskVersion {
		return fmt.Errorf("%w: %s: on-disk version %d (only %d exists)", ErrUnsupported, img.name, s.OnDiskVersion, onDiskVersion)
	}
	if s.LayoutVersion > FirstProtobufLayoutVersion || s.LayoutVersion < CurrentLayoutVersion {
		return fmt.Errorf("%w: %s: layout version %d (this reader knows %d to %d)",
			ErrUnsupported, img.name, s.LayoutVersion, FirstProtobufLayoutVersion, CurrentLayoutVersion)
	}
	c, err := codecFor(s.Codec)
	if err != nil {
		return fmt.Errorf("%w (image %s)", err, img.name)
	}
	for _, sec := range m.Sections {
		info := SectionInfo{Name: sec.GetName(), Offset: int64(sec.GetOffset()), Length: int64(sec.GetLength())}
		if info.Offset < int64(len(magic)) || info.Length < 0 || info.Offset > dataEnd || info.Length > dataEnd-info.Offset {
			return corruptf(img.name, "section %s (offset %d, length %d) lies outside the data, which spans bytes %d to %d",
				info.Name, info.Offset, info.Length, len(magic), dataEnd)
		}
		s.Sections = append(s.Sections, info)
	}
	img.summary, img.codec = s, c
	return nil
}

// Section returns the first section with the given name.
func (img *Image) Section(name string) (SectionInfo, bool) {
	for _, s := range img.summary.Sections {
		if s.Name == name {
			return s, true
		}
	}
	return SectionInfo{}, false
}

// Sections returns every section with the given name, in file order; use
// it for the *_SUB slices.
func (img *Image) Sections(name string) []SectionInfo {
	var out []SectionInfo
	for _, s := range img.summary.Sections {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// open returns a message reader over one section, decompressing it when
// the image is compressed.
func (img *Image) open(sec SectionInfo) (*msgReader, error) {
	var src io.Reader = io.NewSectionReader(img.r, sec.Offset, sec.Length)
	left := sec.Length
	if img.codec != nil {
		d, err := img.codec.newReader(bufio.NewReader(src))
		if err != nil {
			return nil, corruptf(img.name, "section %s: %v", sec.Name, err)
		}
		src, left = d, -1
	}
	return &msgReader{br: bufio.NewReaderSize(src, 64<<10), left: left, img: img.name, section: sec.Name}, nil
}
