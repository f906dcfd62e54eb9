package fsimage

import (
	"bufio"
	"crypto/md5"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// ReverseXML turns an XML dump back into an fsimage, as
// `hdfs oiv -p ReverseXML -i in -o out` (OfflineImageReconstructor) does,
// and writes out's .md5 next to it. Sections are written in the order the
// XML has them, then the string table, which assigns ids from 0 in the
// order strings are met and lists them in java.util.HashMap order, so
// that the image is byte for byte the one Hadoop writes.
//
// Hadoop accepts only XML of its own layout version (-67 for 3.4);
// opts.AnyLayoutVersion lifts that. One deliberate difference: Hadoop's
// reconstructor cannot read back a CacheManagerSection with pools or
// directives (it parses each <pool> into the wrong node); here they are
// read as the XML viewer writes them.
func ReverseXML(in, out string, opts Options) error {
	src, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("fsimage: %w", err)
	}
	defer src.Close()
	os.Remove(MD5Path(out))
	sum, err := writeImageFile(out, func(w io.Writer) error {
		return reverseXML(bufio.NewReader(src), w, opts)
	})
	if err != nil {
		return fmt.Errorf("%w (ReverseXML of %s)", err, in)
	}
	return WriteMD5File(out, sum)
}

// writeImageFile creates path, lets fill write it, and returns its MD5.
func writeImageFile(path string, fill func(io.Writer) error) ([md5.Size]byte, error) {
	var sum [md5.Size]byte
	f, err := os.Create(path)
	if err != nil {
		return sum, fmt.Errorf("fsimage: %w", err)
	}
	h := md5.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	copy(sum[:], h.Sum(nil))
	return sum, err
}

// reconstructor is OfflineImageReconstructor.
type reconstructor struct {
	ev      *xmlEvents
	w       *Writer
	opts    Options
	strs    map[string]uint32
	order   []string // strings in registration order
	pending map[string]func() error
}

func reverseXML(r io.Reader, out io.Writer, opts Options) error {
	rc := &reconstructor{ev: &xmlEvents{dec: xml.NewDecoder(r)}, opts: opts, strs: map[string]uint32{}}
	rc.pending = map[string]func() error{
		"NameSection":                  rc.nameSection,
		"ErasureCodingSection":         rc.erasureCodingSection,
		"INodeSection":                 rc.inodeSection,
		"SecretManagerSection":         rc.secretManagerSection,
		"CacheManagerSection":          rc.cacheManagerSection,
		"SnapshotDiffSection":          rc.snapshotDiffSection,
		"INodeReferenceSection":        rc.referenceSection,
		"INodeDirectorySection":        rc.directorySection,
		"FileUnderConstructionSection": rc.filesUCSection,
		"SnapshotSection":              rc.snapshotSection,
	}
	if _, err := rc.ev.expectTag("fsimage", false); err != nil {
		return err
	}
	lv, err := rc.readVersion()
	if err != nil {
		return err
	}
	if rc.w, err = NewWriter(out, WriterOptions{LayoutVersion: lv}); err != nil {
		return err
	}
	for len(rc.pending) > 0 {
		t, err := rc.ev.expectTag("[section header]", true)
		if err != nil {
			return err
		}
		if end, ok := t.(xml.EndElement); ok {
			if end.Name.Local != "fsimage" {
				return reverseErr("got unexpected tag end event for %s while looking for section header tag", end.Name.Local)
			}
			if _, ok := rc.pending["SnapshotDiffSection"]; ok && len(rc.pending) == 1 {
				break
			}
			var missing []string
			for k := range rc.pending {
				missing = append(missing, k)
			}
			sort.Strings(missing)
			return reverseErr("FSImage XML ended prematurely, without including section(s) %s", strings.Join(missing, ", "))
		}
		name := t.(xml.StartElement).Name.Local
		process, ok := rc.pending[name]
		if !ok {
			return reverseErr("unknown or duplicate section found for %s", name)
		}
		delete(rc.pending, name)
		if err := process(); err != nil {
			return err
		}
	}
	if err := rc.w.StringTable(rc.stringTable()); err != nil {
		return err
	}
	_, err = rc.w.Close()
	return err
}

func reverseErr(format string, args ...any) error {
	return fmt.Errorf("%w: ReverseXML: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// readVersion reads <version> and returns the layout version.
func (rc *reconstructor) readVersion() (int32, error) {
	if _, err := rc.ev.expectTag("version", false); err != nil {
		return 0, reverseErr("no <version> section found at the top of the fsimage XML; "+
			"this XML file is too old to be processed by oiv (%v)", err)
	}
	v, err := rc.ev.load()
	if err != nil {
		return 0, err
	}
	disk, ok, err := v.int32("onDiskVersion")
	if err == nil && !ok {
		err = reverseErr("the <version> section doesn't contain the onDiskVersion")
	}
	if err != nil {
		return 0, err
	}
	lv, ok, err := v.int32("layoutVersion")
	if err == nil && !ok {
		err = reverseErr("the <version> section doesn't contain the layoutVersion")
	}
	if err != nil {
		return 0, err
	}
	if lv != CurrentLayoutVersion && !rc.opts.AnyLayoutVersion {
		return 0, reverseErr("layout version mismatch: this oiv tool handles layout version %d, "+
			"but the XML file has <layoutVersion> %d", CurrentLayoutVersion, lv)
	}
	if disk != onDiskVersion {
		return 0, reverseErr("onDiskVersion %d: only %d exists", disk, onDiskVersion)
	}
	return lv, nil
}

// register is registerStringId: ids count up from 0 in first-seen order.
func (rc *reconstructor) register(s string) (uint32, error) {
	if id, ok := rc.strs[s]; ok {
		return id, nil
	}
	id := uint32(len(rc.order))
	if id >= 0x1ffffff {
		return 0, reverseErr("cannot have more than 2**25 strings in the fsimage")
	}
	rc.strs[s] = id
	rc.order = append(rc.order, s)
	return id, nil
}

// stringTable lists the strings in the order Hadoop's HashMap yields them.
func (rc *reconstructor) stringTable() *StringTable {
	t := &StringTable{Present: FieldsOf(STNumEntry)}
	for _, i := range javaHashOrder(rc.order, 16) {
		t.Entries = append(t.Entries, StringEntry{ID: uint32(i), Str: rc.order[i]})
	}
	return t
}

// xmlEvents is a StAX-like reader with one token of lookahead.
type xmlEvents struct {
	dec    *xml.Decoder
	peeked xml.Token
}

func (e *xmlEvents) peek() (xml.Token, error) {
	if e.peeked == nil {
		t, err := e.dec.Token()
		if err == io.EOF {
			return nil, reverseErr("the XML ends too early")
		}
		if err != nil {
			return nil, reverseErr("%v", err)
		}
		e.peeked = xml.CopyToken(t)
	}
	return e.peeked, nil
}

func (e *xmlEvents) next() (xml.Token, error) {
	t, err := e.peek()
	e.peeked = nil
	return t, err
}

// expectTag skips whitespace, comments and the like and returns the next
// start tag (which must be named expected unless expected starts with
// "[") or, when allowEnd, end tag.
func (e *xmlEvents) expectTag(expected string, allowEnd bool) (xml.Token, error) {
	for {
		t, err := e.next()
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.CharData:
			if strings.TrimLeft(string(t), " \t\r\n") != "" {
				return nil, reverseErr("got unexpected characters while looking for %s: %s", expected, t)
			}
		case xml.EndElement:
			if !allowEnd {
				return nil, reverseErr("got unexpected end event while looking for %s", expected)
			}
			return t, nil
		case xml.StartElement:
			if !strings.HasPrefix(expected, "[") && t.Name.Local != expected {
				return nil, reverseErr("failed to find <%s>; got %s instead", expected, t.Name.Local)
			}
			return t, nil
		}
	}
}

// expectTagEnd reads the end tag of expected.
func (e *xmlEvents) expectTagEnd(expected string) error {
	t, err := e.expectTag(expected, true)
	if err != nil {
		return err
	}
	end, ok := t.(xml.EndElement)
	if !ok {
		return reverseErr("expected tag end event for %s, but got a start tag", expected)
	}
	if end.Name.Local != expected {
		return reverseErr("expected tag end event for %s, but got tag end event for %s", expected, end.Name.Local)
	}
	return nil
}

// load reads the children of the element just opened into a node tree. It
// stops at the element's end tag, which it consumes, or at a start tag
// named in terminators (or, when there are terminators, at any end tag),
// which it leaves in the stream.
func (e *xmlEvents) load(terminators ...string) (*xnode, error) {
	n := &xnode{}
	return n, e.loadInto(n, terminators)
}

func (e *xmlEvents) loadInto(parent *xnode, terminators []string) error {
	for {
		t, err := e.peek()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.EndElement:
			if len(terminators) == 0 {
				e.peeked = nil
			}
			return nil
		case xml.StartElement:
			for _, term := range terminators {
				if term == t.Name.Local {
					return nil
				}
			}
			e.peeked = nil
			child := &xnode{}
			parent.add(t.Name.Local, child)
			if err := e.loadInto(child, nil); err != nil {
				return err
			}
		case xml.CharData:
			e.peeked = nil
			s, err := unmangleXML(string(t))
			if err != nil {
				return reverseErr("%v", err)
			}
			parent.val += s
		default:
			e.peeked = nil
		}
	}
}

// xnode is the reconstructor's Node: an element's text and its children
// by tag name, consumed as the section processors read them.
type xnode struct {
	val  string
	kids map[string][]*xnode
	keys []string // tag names in first-seen order
}

func (n *xnode) add(key string, child *xnode) {
	if n.kids == nil {
		n.kids = map[string][]*xnode{}
	}
	if _, ok := n.kids[key]; !ok {
		n.keys = append(n.keys, key)
	}
	n.kids[key] = append(n.kids[key], child)
}

// child removes and returns the first child with the tag, or nil.
func (n *xnode) child(key string) *xnode {
	list := n.kids[key]
	if len(list) == 0 {
		return nil
	}
	if len(list) == 1 {
		delete(n.kids, key)
	} else {
		n.kids[key] = list[1:]
	}
	return list[0]
}

// str removes a leaf child and returns its text.
func (n *xnode) str(key string) (string, bool, error) {
	c := n.child(key)
	if c == nil {
		return "", false, nil
	}
	if len(c.kids) > 0 {
		return "", false, reverseErr("node %s contains children of its own", key)
	}
	return c.val, true, nil
}

func (n *xnode) int64(key string) (int64, bool, error) {
	s, ok, err := n.str(key)
	if !ok || err != nil {
		return 0, ok, err
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, reverseErr("<%s> is not a long: %q", key, s)
	}
	return v, true, nil
}

func (n *xnode) int32(key string) (int32, bool, error) {
	s, ok, err := n.str(key)
	if !ok || err != nil {
		return 0, ok, err
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, false, reverseErr("<%s> is not an int: %q", key, s)
	}
	return int32(v), true, nil
}

// flag removes a boolean child: present means true.
func (n *xnode) flag(key string) bool { return n.child(key) != nil }

// done reports tags nobody consumed (verifyNoRemainingKeys).
func (n *xnode) done(what string) error {
	var left []string
	for _, k := range n.keys {
		if len(n.kids[k]) > 0 {
			left = append(left, k)
		}
	}
	if len(left) > 0 {
		return reverseErr("found unknown XML keys in %s: %s", what, strings.Join(left, ", "))
	}
	return nil
}

// need turns a missing required field into an error.
func need(ok bool, err error, format string, args ...any) error {
	if err == nil && !ok {
		err = reverseErr(format, args...)
	}
	return err
}
