package fsimage

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"hash"
	"io"

	pb "github.com/hdfsd/hdfsd/protos/fsimagepb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// WriterOptions configures a Writer.
type WriterOptions struct {
	// LayoutVersion goes into the FileSummary; 0 means CurrentLayoutVersion.
	LayoutVersion int32
	// Codec is the compression codec class (dfs.image.compression.codec),
	// used when dfs.image.compress is on; "" writes an uncompressed image.
	Codec string
	// INodesPerSubSection > 0 also writes INODE_SUB, INODE_DIR_SUB and
	// SNAPSHOT_DIFF_SUB slices of about that many inodes each, as Hadoop
	// does when dfs.image.parallel.load is on (the NameNode uses
	// ceil(inodes / dfs.image.parallel.target.sections)). Hadoop does not
	// combine slices with compression, and neither does this Writer.
	INodesPerSubSection int
}

// Writer writes an image section by section. Single-message sections are
// written by one call (NameSystem, ErasureCoding, SecretManager,
// CacheManager, StringTable); the others start with a Begin call and take
// one record per call. Starting a section ends the previous one; Close ends
// the last one and writes the FileSummary. Sections may come in any order
// but only once each; Hadoop's NameNode uses SaveOrder.
type Writer struct {
	out      *countingWriter
	opts     WriterOptions
	codec    codec
	sections []SectionInfo
	done     map[string]bool

	cur      string         // section being written, "" before the first
	start    int64          // offset of the current section
	subStart int64          // offset of the current sub-section
	body     io.Writer      // where records of the current section go
	comp     io.WriteCloser // the current section's compressor, if any
	count    int64          // weight of records since the last sub-section
	expect   int64          // records the section header announced
	records  int64          // records written in the current section
	buf      []byte
	err      error // sticky
	closed   bool
}

type countingWriter struct {
	w   io.Writer
	n   int64
	md5 hash.Hash
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.md5.Write(p[:n])
	return n, err
}

// NewWriter writes the magic to w and returns a Writer.
func NewWriter(w io.Writer, opts WriterOptions) (*Writer, error) {
	if opts.LayoutVersion == 0 {
		opts.LayoutVersion = CurrentLayoutVersion
	}
	c, err := codecFor(opts.Codec)
	if err != nil {
		return nil, err
	}
	if c != nil && opts.INodesPerSubSection > 0 {
		return nil, invalidf("sub-sections cannot be combined with compression")
	}
	wr := &Writer{out: &countingWriter{w: w, md5: md5.New()}, opts: opts, codec: c, done: map[string]bool{}}
	if _, err := io.WriteString(wr.out, magic); err != nil {
		return nil, fmt.Errorf("fsimage: %w", err)
	}
	return wr, nil
}

// begin ends the current section and starts the named one.
func (w *Writer) begin(name string) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return invalidf("writer is closed")
	}
	if w.done[name] {
		return w.fail(invalidf("section %s written twice", name))
	}
	if err := w.end(); err != nil {
		return err
	}
	w.cur, w.done[name] = name, true
	w.start, w.subStart = w.out.n, w.out.n
	w.count, w.expect, w.records = 0, -1, 0
	w.body = w.out
	if w.codec != nil {
		w.comp = w.codec.newWriter(w.out)
		w.body = w.comp
	}
	return nil
}

// end finishes the current section and records it in the summary, after
// its last sub-section.
func (w *Writer) end() error {
	if w.cur == "" {
		return nil
	}
	if w.comp != nil {
		if err := w.comp.Close(); err != nil {
			return w.fail(fmt.Errorf("fsimage: %w", err))
		}
		w.comp = nil
	}
	if w.expect >= 0 && w.records != w.expect {
		return w.fail(invalidf("section %s: the header announced %d records, %d were written",
			w.cur, w.expect, w.records))
	}
	if sub := subSectionName(w.cur); sub != "" && w.opts.INodesPerSubSection > 0 {
		w.commitSub(sub)
	}
	w.sections = append(w.sections, SectionInfo{Name: w.cur, Offset: w.start, Length: w.out.n - w.start})
	w.cur = ""
	return nil
}

// subSectionName returns the *_SUB name for sections the Writer slices.
func subSectionName(section string) string {
	switch section {
	case SectionINode:
		return SectionINodeSub
	case SectionINodeDir:
		return SectionINodeDirSub
	case SectionSnapshotDiff:
		return SectionSnapshotDiffSub
	}
	return ""
}

// commitSub records the bytes since the last slice as a sub-section,
// unless there are none (FSImageFormatProtobuf.Saver.commitSubSection).
func (w *Writer) commitSub(name string) {
	if n := w.out.n - w.subStart; n > 0 {
		w.sections = append(w.sections, SectionInfo{Name: name, Offset: w.subStart, Length: n})
	}
	w.subStart = w.out.n
}

// tick adds weight to the current slice and starts a new slice when it is
// full.
func (w *Writer) tick(weight int64) {
	per := int64(w.opts.INodesPerSubSection)
	if per <= 0 {
		return
	}
	w.count += weight
	if w.count >= per {
		w.count = 0
		w.commitSub(subSectionName(w.cur))
	}
}

// put writes one varint-delimited message to the current section.
func (w *Writer) put(m proto.Message) error {
	if w.err != nil {
		return w.err
	}
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return w.fail(invalidf("%v", err))
	}
	w.buf = protowire.AppendVarint(w.buf[:0], uint64(len(raw)))
	w.buf = append(w.buf, raw...)
	if _, err := w.body.Write(w.buf); err != nil {
		return w.fail(fmt.Errorf("fsimage: %w", err))
	}
	return nil
}

// in checks that records go to the section they belong to.
func (w *Writer) in(section, what string) error {
	if w.err == nil && w.cur != section {
		return w.fail(invalidf("%s written outside the %s section", what, section))
	}
	return w.err
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// Close ends the last section, writes the FileSummary and its length, and
// returns the MD5 of everything written.
func (w *Writer) Close() ([md5.Size]byte, error) {
	var sum [md5.Size]byte
	if err := w.end(); err != nil {
		return sum, err
	}
	if w.closed {
		return sum, invalidf("writer is closed")
	}
	w.closed = true
	m := &pb.FileSummary{
		OndiskVersion: ptr(uint32(onDiskVersion)),
		LayoutVersion: ptr(uint32(w.opts.LayoutVersion)),
	}
	if w.opts.Codec != "" {
		m.Codec = ptr(w.opts.Codec)
	}
	for _, s := range w.sections {
		m.Sections = append(m.Sections, &pb.FileSummary_Section{
			Name: ptr(s.Name), Length: ptr(uint64(s.Length)), Offset: ptr(uint64(s.Offset))})
	}
	w.body = w.out
	before := w.out.n
	if err := w.put(m); err != nil {
		return sum, err
	}
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(w.out.n-before))
	if _, err := w.out.Write(n[:]); err != nil {
		return sum, w.fail(fmt.Errorf("fsimage: %w", err))
	}
	copy(sum[:], w.out.md5.Sum(nil))
	return sum, nil
}

// Sections returns the sections written so far, sub-sections included.
func (w *Writer) Sections() []SectionInfo { return append([]SectionInfo(nil), w.sections...) }
