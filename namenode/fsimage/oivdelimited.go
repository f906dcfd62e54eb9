package fsimage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// WriteDelimited writes `hdfs oiv -p Delimited` output
// (PBImageDelimitedTextWriter): a header line, then one line per inode in
// INODE section order, with its full path. Like Hadoop it first reads the
// directory names and the INODE_DIR tree, then skips inodes that are
// reachable only from snapshots (they have no parent in the current tree)
// and logs how many it skipped.
//
// One deliberate difference: Hadoop's Path parser takes a name with a
// colon ("a:b") for a URI scheme and the run dies; here such names are
// printed as they are.
func WriteDelimited(img *Image, w *bufio.Writer, opts Options) error {
	d := &delimited{img: img, opts: opts, delim: opts.Delimiter,
		dirs: map[int64]*dirNode{}, parentOf: map[int64]int64{}}
	if d.delim == "" {
		d.delim = "\t"
	}
	if d.opts.Location == nil {
		d.opts.Location = time.Local
	}
	if err := d.load(); err != nil {
		return err
	}
	p := &printer{w: w}
	p.print(d.header(), "\n")
	for _, sec := range sortedForLoad(img.Summary().Sections) {
		if sec.Name != SectionINode {
			continue
		}
		if err := d.output(sec, p); err != nil {
			return err
		}
	}
	return p.err
}

type delimited struct {
	img      *Image
	opts     Options
	delim    string
	names    names
	refs     []int64 // INODE_REFERENCE: referred inode ids
	haveRefs bool
	dirs     map[int64]*dirNode // directories by id (InMemoryMetadataDB.dirMap)
	parentOf map[int64]int64    // child id -> parent id (dirChildMap)
}

// dirNode is a directory of the current tree. corrupt marks ids that
// INODE_DIR names but the INODE section does not list as directories.
type dirNode struct {
	name      string
	parent    int64
	hasParent bool
	corrupt   bool
	path      string
}

var errIgnored = errors.New("inode is reachable only from a snapshot")

// load reads the string table and references, then the directories, then
// the tree, in the order PBImageTextWriter.visit does.
func (d *delimited) load() error {
	secs := sortedForLoad(d.img.Summary().Sections)
	for _, sec := range secs {
		switch {
		case loadRank(sec.Name) < 0:
			return fmt.Errorf("%w: %s: unrecognized section %q", ErrCorrupt, d.img.name, sec.Name)
		case sec.Name == SectionStringTable:
			t, err := d.img.ReadStringTable(sec)
			if err != nil {
				return err
			}
			d.names = names{t}
		case sec.Name == SectionINodeReference:
			s, err := d.img.OpenReferences(sec)
			if err != nil {
				return err
			}
			d.refs, d.haveRefs = nil, true
			if err := drain(s, func(r *Reference) error { d.refs = append(d.refs, r.ReferredID); return nil }); err != nil {
				return err
			}
		}
	}
	for _, sec := range secs {
		if sec.Name == SectionINode {
			if err := d.loadDirs(sec); err != nil {
				return err
			}
		}
	}
	for _, sec := range secs {
		if sec.Name == SectionINodeDir {
			s, err := d.img.OpenDirEntries(sec)
			if err != nil {
				return err
			}
			if err := drain(s, d.putChildren); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *delimited) loadDirs(sec SectionInfo) error {
	h, s, err := d.img.OpenINodes(sec)
	if err != nil {
		return err
	}
	for i := int64(0); i < h.NumINodes; i++ {
		n, err := s.Next()
		if errors.Is(err, io.EOF) {
			return corruptf(d.img.name, "section INODE holds %d inodes, its header says %d", i, h.NumINodes)
		}
		if err != nil {
			return err
		}
		if n.Dir == nil {
			continue
		}
		if _, dup := d.dirs[n.ID]; dup {
			return corruptf(d.img.name, "directory %d appears twice in the INODE section", n.ID)
		}
		d.dirs[n.ID] = &dirNode{name: javaString(n.Name)}
	}
	return nil
}

func (d *delimited) putChildren(e *DirEntry) error {
	for _, c := range e.Children {
		if err := d.putChild(e.Parent, c); err != nil {
			return err
		}
	}
	for _, r := range e.RefChildren {
		if !d.haveRefs || r < 0 || int(r) >= len(d.refs) {
			return corruptf(d.img.name, "directory %d names reference %d, which does not exist", e.Parent, r)
		}
		if err := d.putChild(e.Parent, d.refs[r]); err != nil {
			return err
		}
	}
	return nil
}

func (d *delimited) node(id int64) *dirNode {
	n := d.dirs[id]
	if n == nil {
		n = &dirNode{corrupt: true}
		d.dirs[id] = n
	}
	return n
}

func (d *delimited) putChild(parent, child int64) error {
	d.node(parent)
	c := d.node(child)
	if _, dup := d.parentOf[child]; dup || c.hasParent {
		return corruptf(d.img.name, "inode %d has two parents in the INODE_DIR section", child)
	}
	c.parent, c.hasParent = parent, true
	d.parentOf[child] = parent
	return nil
}

// parentPath is InMemoryMetadataDB.getParentPath.
func (d *delimited) parentPath(id int64) (string, error) {
	if id == RootINodeID {
		return "/", nil
	}
	p, ok := d.parentOf[id]
	if !ok {
		return "", errIgnored
	}
	return d.dirPath(p)
}

// dirPath is Dir.getPath: the path of a directory of the current tree,
// built from the closest ancestor whose path is known and cached on the
// way down.
func (d *delimited) dirPath(id int64) (string, error) {
	var chain []*dirNode
	base := ""
	for cur := id; base == ""; {
		n := d.dirs[cur]
		switch {
		case n == nil || n.corrupt:
			return "", errIgnored
		case n.path != "":
			base = n.path
		case !n.hasParent && cur == RootINodeID:
			base = "/"
		case !n.hasParent:
			return "", errIgnored
		case len(chain) > len(d.dirs):
			return "", corruptf(d.img.name, "directory %d is its own ancestor", id)
		default:
			chain = append(chain, n)
			cur = n.parent
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		base = joinPath(base, chain[i].name)
		chain[i].path = base
	}
	return base, nil
}

// joinPath is new Path(parent, name).toString() for a parent path and a
// local name, an empty name meaning "/".
func joinPath(parent, name string) string {
	switch {
	case name == "":
		return "/"
	case parent == "/":
		return "/" + name
	}
	return parent + "/" + name
}

func (d *delimited) output(sec SectionInfo, p *printer) error {
	_, s, err := d.img.OpenINodes(sec)
	if err != nil {
		return err
	}
	ignored := 0
	err = drain(s, func(n *INode) error {
		parent, err := d.parentPath(n.ID)
		if err == nil {
			var row string
			if row, err = d.row(parent, n); err == nil && row != "" {
				p.print(row, "\n")
			}
		}
		if errors.Is(err, errIgnored) {
			ignored++
			return nil
		}
		return err
	})
	if ignored > 0 {
		d.opts.logf("Ignored %d nodes, including %d in snapshots. Please turn on debug log for details", ignored, ignored)
	}
	return err
}

func (d *delimited) header() string {
	cols := []string{"Path", "Replication", "ModificationTime", "AccessTime",
		"PreferredBlockSize", "BlocksCount", "FileSize", "NSQUOTA", "DSQUOTA",
		"Permission", "UserName", "GroupName"}
	if d.opts.PrintStoragePolicy {
		cols = append(cols, "StoragePolicyId")
	}
	if d.opts.PrintECPolicy {
		cols = append(cols, "ErasureCodingPolicy")
	}
	return strings.Join(cols, d.delim)
}

// field is PBImageTextWriter.append for strings: CSV-escaped, with line
// breaks spelled out.
func field(s string) string {
	s = escapeCSV(s)
	if strings.Contains(s, "\r\n") {
		return strings.ReplaceAll(s, "\r\n", "%x0D%x0A")
	}
	return strings.ReplaceAll(s, "\n", "%x0A")
}

// dropFirstChar is Java's substring(1).
func dropFirstChar(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[n:]
}
