package fsimage

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"path"
	"strings"
	"testing"
)

// The namespace an image describes must be the one the stock shell listed
// on the running cluster (namespace-listing.txt, ha-listing.txt), except
// where edits logged after the image's transaction changed it.

// nsEntry is what the listing shows for one path.
type nsEntry struct {
	typ                     string // d, f or symlink
	mode                    string // octal, sticky bit included
	owner, group            string
	size                    int64
	replication             int32
	blockSize, mtime, atime int64
	hasACL                  bool
	target                  string
}

func (e nsEntry) String() string {
	return fmt.Sprintf("%s %s %s:%s size=%d repl=%d bs=%d mtime=%d atime=%d acl=%v target=%q",
		e.typ, e.mode, e.owner, e.group, e.size, e.replication, e.blockSize, e.mtime, e.atime, e.hasACL, e.target)
}

// collector gathers an image's records for building its namespace.
type collector struct {
	NopVisitor
	strs      *StringTable
	inodes    map[int64]*INode
	children  map[int64][]int64
	refs      []int64
	snapshots []Snapshot
}

func (c *collector) StringTable(t *StringTable) error { c.strs = t; return nil }
func (c *collector) INode(n *INode) error             { c.inodes[n.ID] = n; return nil }
func (c *collector) Reference(r *Reference) error     { c.refs = append(c.refs, r.ReferredID); return nil }
func (c *collector) Snapshot(s *Snapshot) error       { c.snapshots = append(c.snapshots, *s); return nil }
func (c *collector) DirEntry(d *DirEntry) error {
	kids := append([]int64(nil), d.Children...)
	for _, r := range d.RefChildren {
		kids = append(kids, c.refs[r])
	}
	c.children[d.Parent] = kids
	return nil
}

// namespaceOf walks an image and returns its current tree by path.
func namespaceOf(t *testing.T, img *Image) (map[string]nsEntry, *collector) {
	t.Helper()
	c := &collector{inodes: map[int64]*INode{}, children: map[int64][]int64{}}
	if err := img.Walk(c); err != nil {
		t.Fatal(err)
	}
	user := func(p Permission) string { s, _ := c.strs.Lookup(KindUser, p.UserID()); return s }
	group := func(p Permission) string { s, _ := c.strs.Lookup(KindGroup, p.GroupID()); return s }
	ns := map[string]nsEntry{}
	var walk func(id int64, p string)
	walk = func(id int64, p string) {
		n := c.inodes[id]
		var e nsEntry
		switch {
		case n.File != nil:
			f := n.File
			e = nsEntry{typ: "f", mode: fmt.Sprintf("%o", f.Permission.Mode()), owner: user(f.Permission),
				group: group(f.Permission), replication: f.Replication, blockSize: f.PreferredBlockSize,
				mtime: f.ModTime, atime: f.AccessTime, hasACL: len(f.ACL) > 0}
			for _, b := range f.Blocks {
				e.size += b.NumBytes
			}
		case n.Dir != nil:
			d := n.Dir
			e = nsEntry{typ: "d", mode: fmt.Sprintf("%o", d.Permission.Mode()), owner: user(d.Permission),
				group: group(d.Permission), mtime: d.ModTime, hasACL: len(d.ACL) > 0}
		case n.Symlink != nil:
			l := n.Symlink
			e = nsEntry{typ: "symlink", mode: fmt.Sprintf("%o", l.Permission.Mode()), owner: user(l.Permission),
				group: group(l.Permission), mtime: l.ModTime, atime: l.AccessTime, target: string(l.Target)}
		}
		ns[p] = e
		for _, k := range c.children[id] {
			walk(k, path.Join(p, string(c.inodes[k].Name)))
		}
	}
	walk(RootINodeID, "/")
	return ns, c
}

// listing parses the NAMESPACE, SNAPSHOT CONTENTS and SYMLINKS parts of a
// listing file.
func listing(t *testing.T, name, targetPrefix string) (out, snaps map[string]nsEntry) {
	t.Helper()
	out, snaps = map[string]nsEntry{}, map[string]nsEntry{}
	part := ""
	sc := bufio.NewScanner(bytes.NewReader(wantFile(t, "hadoop-3.3.2", name)))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			part = strings.Fields(line)[1]
			continue
		}
		switch {
		case (part == "NAMESPACE" || part == "SNAPSHOT") && (strings.HasPrefix(line, "d\t") || strings.HasPrefix(line, "f\t")):
			c := strings.SplitN(line, "\t", 14)
			var e nsEntry
			e.typ, e.mode, e.hasACL, e.owner, e.group = c[0], c[1], c[3] == "+", c[4], c[5]
			fmt.Sscan(c[6], &e.size)
			fmt.Sscan(c[7], &e.replication)
			fmt.Sscan(c[8], &e.blockSize)
			fmt.Sscan(c[9], &e.mtime)
			fmt.Sscan(c[11], &e.atime)
			if part == "SNAPSHOT" {
				snaps[c[13]] = e
			} else {
				out[c[13]] = e
			}
		case part == "SYMLINKS" && strings.HasPrefix(line, "symlink|"):
			c := strings.Split(line, "|")
			e := nsEntry{typ: "symlink", mode: c[1], owner: c[3], group: c[4],
				target: strings.TrimPrefix(c[11], targetPrefix)}
			fmt.Sscan(c[8], &e.mtime)
			fmt.Sscan(c[9], &e.atime)
			out[c[10]] = e
		}
	}
	return out, snaps
}

// touchedAfter returns the paths named by the ops of the given OEV dumps.
func touchedAfter(t *testing.T, dumps ...string) []string {
	t.Helper()
	var paths []string
	for _, d := range dumps {
		dec := xml.NewDecoder(bytes.NewReader(wantFile(t, "hadoop-3.3.2", d)))
		var tag string
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				tag = tok.Name.Local
			case xml.CharData:
				switch tag {
				case "PATH", "SRC", "DST", "SNAPSHOTROOT":
					paths = append(paths, string(tok))
				}
				tag = ""
			}
		}
	}
	return paths
}

// affected reports whether later edits changed p: p is a touched path, the
// parent of one (whose mtime moves) or below one (renamed or deleted).
func affected(p string, touched []string) bool {
	for _, q := range touched {
		if p == q || p == path.Dir(q) || strings.HasPrefix(p, q+"/") {
			return true
		}
	}
	return false
}

func compareWithListing(t *testing.T, img *Image, listingName, targetPrefix string, later []string) {
	ns, c := namespaceOf(t, img)
	want, snaps := listing(t, listingName, targetPrefix)
	touched := touchedAfter(t, later...)
	compared := 0
	for p, w := range want {
		if affected(p, touched) {
			continue
		}
		got, ok := ns[p]
		if !ok {
			t.Errorf("%s is in %s but not in the image", p, listingName)
			continue
		}
		if !w.hasACL && p == "/" {
			got.hasACL = false // the listing cannot tell for "/"
		}
		if got != w {
			t.Errorf("%s:\n image:   %v\n listing: %v", p, got, w)
		}
		compared++
	}
	for p := range ns {
		if _, ok := want[p]; !ok && !affected(p, touched) {
			t.Errorf("%s is in the image but not in %s", p, listingName)
		}
	}
	t.Logf("%s: %d of %d listed paths compared, %d snapshots", listingName, compared, len(want), len(c.snapshots))
	if compared < len(want)/2 {
		t.Errorf("only %d of %d listed paths were comparable", compared, len(want))
	}
	// Snapshot roots: name and modification time (layout -66 records it).
	for _, s := range c.snapshots {
		p := path.Join(pathOf(c, s.Root.ID), ".snapshot", string(s.Root.Name))
		if e, ok := snaps[p]; !ok || e.mtime != s.Root.Dir.ModTime {
			t.Errorf("snapshot %s (mtime %d) is not in %s: %v", p, s.Root.Dir.ModTime, listingName, e)
		}
	}
}

// pathOf finds the path of a directory id in the namespace built above.
func pathOf(c *collector, id int64) string {
	var walk func(cur int64, p string) string
	walk = func(cur int64, p string) string {
		if cur == id {
			return p
		}
		for _, k := range c.children[cur] {
			if r := walk(k, path.Join(p, string(c.inodes[k].Name))); r != "" {
				return r
			}
		}
		return ""
	}
	return walk(RootINodeID, "/")
}

func TestNamespaceOfImage431IsTheListedNamespace(t *testing.T) {
	img := openImage(t, goldenPath(t, goldenImages[1]))
	compareWithListing(t, img, "namespace-listing.txt", "hdfs://127.0.0.1:37100", []string{
		"nn-dumps/edits_0000000000000000432-0000000000000000450.xml",
		"nn-dumps/edits_inprogress_0000000000000000451.xml",
	})
}

func TestNamespaceOfHAImage78IsTheListedNamespace(t *testing.T) {
	for _, g := range goldenImages[3:] {
		img := openImage(t, goldenPath(t, g))
		compareWithListing(t, img, "ha-listing.txt", "hdfs://ns1", []string{
			"ha-dumps/jn1-edits/edits_inprogress_0000000000000000082.xml",
		})
	}
}
