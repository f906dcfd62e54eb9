package nnimage

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// Hadoop's own images with snapshots load, and each snapshot reads as the
// stock client listed it (the SNAPSHOT CONTENTS rows of the listings,
// which snapshots taken after the image do not change).

// image332 is cluster P's fsimage_431 as Hadoop wrote it, but without the
// DISK storage-type quota of /quota, which the namespace does not hold
// yet: rebuilt from the stock oiv XML dump by ReverseXML.
func image332(t *testing.T) string {
	t.Helper()
	xml, err := os.ReadFile(testdata(t, "hadoop-3.3.2", "nn-dumps", "fsimage_0000000000000000431.xml"))
	if err != nil {
		t.Fatal(err)
	}
	stripped := regexp.MustCompile(`<typeQuota>.*?</typeQuota>`).ReplaceAll(xml, nil)
	// The XML viewer prints every field of a reference; Hadoop wrote a
	// DstReference with dstSnapshotId only and a WithName with name and
	// lastSnapshotId only, which is how its loader tells them apart.
	stripped = regexp.MustCompile(`<ref>.*?</ref>`).ReplaceAllFunc(stripped, func(r []byte) []byte {
		if regexp.MustCompile(`<name></name>`).Match(r) {
			return regexp.MustCompile(`<name></name>|<lastSnapshotId>\d+</lastSnapshotId>`).ReplaceAll(r, nil)
		}
		return regexp.MustCompile(`<dstSnapshotId>\d+</dstSnapshotId>`).ReplaceAll(r, nil)
	})
	dir := t.TempDir()
	in := filepath.Join(dir, "fsimage.xml")
	if err := os.WriteFile(in, stripped, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "fsimage_0000000000000000431")
	if err := fsimage.ReverseXML(in, out, fsimage.Options{AnyLayoutVersion: true}); err != nil {
		t.Fatal(err)
	}
	return out
}

func imageHA78(t *testing.T) string {
	return filepath.Join(untar(t, "hadoop-3.3.2", "ha-namedirs.tgz"), "nn1/current/fsimage_0000000000000000078")
}

// listingRows reads the rows under a "## SNAPSHOT CONTENTS" heading whose
// path starts with prefix, as "type perm owner group size repl blocksize
// mtime path".
func listingRows(t *testing.T, file, prefix string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(testdata(t, "hadoop-3.3.2", file))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "##") {
			in = strings.HasPrefix(line, "## SNAPSHOT CONTENTS")
			continue
		}
		f := strings.Split(line, "\t")
		if !in || len(f) != 14 || !strings.HasPrefix(f[13], prefix) {
			continue
		}
		out[f[13]] = row(f[0], f[1], f[4], f[5], f[6], f[7], f[8], f[9], f[13])
	}
	return out
}

func row(f ...string) string { return strings.Join(f, " ") }

// snapshotRows lists snapshot name of dir recursively, as listingRows.
func snapshotRows(t *testing.T, tr *namespace.Tree, dir, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(p string)
	walk = func(p string) {
		st, err := tr.GetFileInfo(superuser, p, false)
		if err != nil || st == nil {
			t.Fatalf("%s: %v %v", p, st, err)
		}
		typ, repl, bs := "f", fmt.Sprint(st.Replication), fmt.Sprint(st.BlockSize)
		if st.Type == namespace.TypeDir {
			typ, repl, bs = "d", "0", "0"
		}
		out[p] = row(typ, fmt.Sprintf("%o", st.Permission&0o7777), st.Owner, st.Group, fmt.Sprint(st.Length),
			repl, bs, fmt.Sprint(st.ModTime), p)
		if st.Type != namespace.TypeDir {
			return
		}
		l, err := tr.GetListing(superuser, p, nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, e := range l.Entries {
			walk(p + "/" + string(e.Name))
		}
	}
	walk(namespace.SnapshotPath(dir, name))
	return out
}

func TestHadoopSnapshotsLoadAsTheClientListedThem(t *testing.T) {
	for _, c := range []struct {
		name, image, listing, dir string
		snaps                     []string
	}{
		{"3.3.2 fsimage_431", "", "namespace-listing.txt", "/snap", []string{"s1", "s2-renamed", "s20261123-105240.735"}},
		{"HA fsimage_78", "ha", "ha-listing.txt", "/ha", []string{"s-phase1", "s-phase3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := image332(t)
			if c.image == "ha" {
				path = imageHA78(t)
			}
			tr := mustLoad(t, path).Tree
			want := listingRows(t, c.listing, c.dir+"/.snapshot/")
			got := map[string]string{}
			var names []string
			ls, err := tr.GetSnapshotListing(superuser, c.dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range ls {
				names = append(names, string(s.Status.Name))
				for p, r := range snapshotRows(t, tr, c.dir, string(s.Status.Name)) {
					got[p] = r
				}
			}
			if !slices.Equal(names, c.snaps) {
				t.Fatalf("snapshots %v, want %v", names, c.snaps)
			}
			for p, w := range want {
				if !slices.ContainsFunc(c.snaps, func(s string) bool { return strings.HasPrefix(p, c.dir+"/.snapshot/"+s) }) {
					continue // taken after the image
				}
				if got[p] != w {
					t.Errorf("%s:\n got %s\nwant %s", p, got[p], w)
				}
				delete(got, p)
			}
			for p, r := range got {
				t.Errorf("%s read but not listed: %s", p, r)
			}
		})
	}
}

// The diff report between two snapshots the image holds reads as
// `hdfs snapshotDiff /snap s1 s2-renamed` printed it.
func TestHadoopSnapshotDiffReportAfterLoad(t *testing.T) {
	tr := mustLoad(t, image332(t)).Tree
	rep, err := tr.GetSnapshotDiffReport(superuser, "/snap", "s1", "s2-renamed")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rep.Entries {
		line := string(e.Type) + "\t" + relPath(e.Path)
		if e.Type == namespace.DiffRename {
			line += " -> " + relPath(e.Target)
		}
		got = append(got, line)
	}
	data, err := os.ReadFile(testdata(t, "hadoop-3.3.2", "namespace-listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	section := strings.SplitN(string(data), "## hdfs snapshotDiff /snap s1 s2-renamed\n", 2)[1]
	section = strings.SplitN(section, "\n\n", 2)[0]
	want := strings.Split(section, "\n")[1:] // after "Difference between ..."
	if !slices.Equal(got, want) {
		t.Errorf("diff report\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	dirs, err := tr.GetSnapshottableDirListing(superuser)
	if err != nil || len(dirs) != 1 || dirs[0].SnapshotNumber != 3 || dirs[0].SnapshotQuota != 65536 ||
		dirs[0].ParentFullPath != "/" || string(dirs[0].Status.Name) != "snap" {
		t.Errorf("snapshottable dirs %+v, %v; want /snap with 3 snapshots (s-after comes from the edits) and quota 65536", dirs, err)
	}
}

func relPath(p []byte) string {
	if len(p) == 0 {
		return "."
	}
	return "./" + string(p)
}
