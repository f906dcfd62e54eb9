package journal

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Replaying Hadoop's recorded edits (snapshots of /snap taken, renamed
// and deleted while files below were deleted, renamed, appended to,
// truncated and chmod-ed) gives the snapshot contents Hadoop listed.
func TestHadoopSnapshotsReplay(t *testing.T) {
	dir := extract(t, "hadoop-3.3.2", "nn-namedir.tgz")
	files, _ := filepath.Glob(filepath.Join(dir, "nn", "current", "edits_*"))
	slices.Sort(files) // by first txid; the in-progress segment sorts last
	tr, err := namespace.New(namespace.DefaultConfig("root"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, ops := decode(t, data, strings.Contains(f, "inprogress"))
		for i := range ops {
			rec, ok := FromOp(&ops[i])
			if !ok {
				continue
			}
			if _, err := tr.Apply(rec); err != nil {
				t.Fatalf("txid %d %v: %v", ops[i].TxID, ops[i].Code, err)
			}
		}
	}
	var got []string
	op := namespace.Op{User: "root", Groups: []string{"supergroup"}}
	var walk func(p string)
	walk = func(p string) {
		st, err := tr.GetFileInfo(op, p, false)
		if err != nil || st == nil {
			t.Fatalf("%s: %v %v", p, st, err)
		}
		typ := "f"
		if st.Type == namespace.TypeDir {
			typ = "d"
		}
		got = append(got, fmt.Sprintf("%s %o %s %s %d %d %d %d %d %s", typ, st.Permission, st.Owner, st.Group,
			st.Length, st.Replication, st.BlockSize, st.ModTime, st.AccessTime, p))
		if typ == "d" {
			l, err := tr.GetListing(op, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range l.Entries {
				walk(p + "/" + string(e.Name))
			}
		}
	}
	walk("/snap/.snapshot")
	want := listingSection(t, "## SNAPSHOT CONTENTS")
	if !slices.Equal(got, want) {
		t.Errorf("snapshots of /snap:\n%s\nHadoop listed:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// listingSection reads a section of namespace-listing.txt in the form
// walk prints.
func listingSection(t *testing.T, header string) []string {
	f, err := os.Open(testdata(t, "hadoop-3.3.2", "namespace-listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "##") {
			in = strings.HasPrefix(line, header)
			continue
		}
		c := strings.Split(line, "\t")
		if !in || len(c) < 14 || c[0] == "type" {
			continue
		}
		owner, group := c[4], c[5]
		out = append(out, fmt.Sprintf("%s %s %s %s %s %s %s %s %s %s", c[0], c[1], owner, group,
			c[6], c[7], c[8], c[9], c[11], c[13]))
	}
	return out
}
