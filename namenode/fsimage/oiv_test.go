package fsimage

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/internal/javafmt"
)

// delimitedRows maps each path of a Delimited output to its columns.
func delimitedRows(out []byte, delim string) (header string, rows map[string][]string) {
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	rows = map[string][]string{}
	for _, l := range lines[1:] {
		c := strings.Split(l, delim)
		rows[c[0]] = c
	}
	return lines[0], rows
}

// -sp adds the storage policy: a file's own, a directory's from its
// system.hsm.block.storage.policy.id xattr (namespace-listing.txt lists
// what `hdfs storagepolicies -getStoragePolicy` said for these paths).
func TestDelimitedStoragePolicyColumn(t *testing.T) {
	out := convert(t, goldenPath(t, goldenImages[1]), "Delimited", Options{Location: time.UTC, PrintStoragePolicy: true})
	header, rows := delimitedRows(out, "\t")
	if !strings.HasSuffix(header, "\tGroupName\tStoragePolicyId") {
		t.Errorf("header %q", header)
	}
	for p, want := range map[string]string{"/policy/hot": "7", "/policy/warm": "5", "/policy/cold": "2",
		"/policy/allssd": "12", "/policy/lazy": "0", "/data/size-3.5MiB": "10", "/data": "0", "/links/to-dir": "0"} {
		if got := rows[p][12]; got != want {
			t.Errorf("%s: storage policy %s, want %s", p, got, want)
		}
	}
}

// -delimiter changes the separator; fields holding a comma are quoted the
// CSV way whatever the separator; and, as in Hadoop, only the first
// character of the delimiter is cut from the start of each row.
func TestDelimitedCustomDelimiter(t *testing.T) {
	img := synthetic(t)
	out := convertImage(t, img, "Delimited", Options{Location: time.UTC, Delimiter: "::"})
	lines := strings.Split(string(out), "\n")
	if !strings.HasPrefix(lines[0], "Path::Replication::ModificationTime::") {
		t.Errorf("header %q", lines[0])
	}
	if want := `:"/a,b"::0::1970-01-01 00:00`; !strings.HasPrefix(lines[2], want) {
		t.Errorf("row %q does not start with %q", lines[2], want)
	}
}

// -ec adds the erasure coding policy: a striped file's by id, a
// directory's from its system.hdfs.erasurecoding.policy xattr.
func TestDelimitedErasureCodingColumn(t *testing.T) {
	out := convertImage(t, synthetic(t), "Delimited", Options{Location: time.UTC, PrintECPolicy: true})
	header, rows := delimitedRows(out, "\t")
	if !strings.HasSuffix(header, "\tGroupName\tErasureCodingPolicy") {
		t.Errorf("header %q", header)
	}
	for p, want := range map[string]string{"/": "-", `"/a,b"`: "XOR-2-1-1024k", `"/a,b/striped"`: "RS-3-2-1024k"} {
		if got := rows[p][len(rows[p])-1]; got != want {
			t.Errorf("%s: EC policy %q, want %q", p, got, want)
		}
	}
	if rows[`"/a,b/striped"`][1] != "0" || !strings.Contains(string(convertImage(t, synthetic(t), "XML", Options{})),
		"<replication>1</replication>") {
		t.Error("a striped file has replication 0 in Delimited and 1 in XML")
	}
}

// synthetic builds a small image the way a NameNode would save it: a
// directory "a,b" with an erasure coding policy xattr and a striped file.
func synthetic(t *testing.T) *Image {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	perm := MakePermission(1, 2, 0o755)
	ecName := append([]byte{13}, "XOR-2-1-1024k"...) // WritableUtils string
	steps := []error{
		w.NameSystem(&NameSystem{NamespaceID: 7, TxID: 3, Present: SavedNameSystem}),
		w.ErasureCoding([]ECPolicy{{ID: 2, State: ECEnabled, Present: FieldsOf(ECState)}}),
		w.BeginINodes(&INodeHeader{LastINodeID: 16387, NumINodes: 3, Present: SavedINodeHeader}),
		w.INode(&INode{Type: TypeDirectory, ID: RootINodeID, Name: []byte{},
			Dir: &INodeDirectory{NSQuota: 1<<63 - 1, DSQuota: -1, Permission: perm, Present: SavedDirectory}}),
		w.INode(&INode{Type: TypeDirectory, ID: 16386, Name: []byte("a,b"),
			Dir: &INodeDirectory{NSQuota: -1, DSQuota: -1, Permission: perm, Present: SavedDirectory.With(DirXAttrs),
				XAttrs: []XAttr{{Name: MakeXAttrName(XAttrSystem, 3), Value: ecName}}}}),
		w.INode(&INode{Type: TypeFile, ID: 16387, Name: []byte("striped"),
			File: &INodeFile{Permission: perm, BlockType: Striped, ECPolicyID: 2, Present: SavedStripedFile,
				Blocks: []Block{{ID: -9223372036854775792, GenStamp: 1001, NumBytes: 1 << 20}}}}),
		w.BeginDirEntries(),
		w.DirEntry(&DirEntry{Parent: RootINodeID, Children: []int64{16386}}),
		w.DirEntry(&DirEntry{Parent: 16386, Children: []int64{16387}}),
		w.StringTable(NewStringTable(3, []StringEntry{
			{ID: 1 | 1<<29, Str: "hdfs"}, {ID: 2 | 2<<29, Str: "supergroup"},
			{ID: 3 | 3<<29, Str: "hdfs.erasurecoding.policy"}})),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return openBytes(t, buf.Bytes(), "synthetic")
}

func convertImage(t *testing.T, img *Image, processor string, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	bw := newBufioWriter(&buf)
	var err error
	switch processor {
	case "XML":
		err = WriteXML(img, bw, opts)
	case "Delimited":
		err = WriteDelimited(img, bw, opts)
	case "FileDistribution":
		err = WriteFileDistribution(img, bw, opts)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FileDistribution counts every FILE inode of the INODE section (snapshot
// copies included) into buckets of step bytes, bucket i holding sizes in
// ((i-1)*step, i*step], and prints totals. The expectation is computed
// here from Hadoop's own XML dump of the image.
func TestFileDistributionCountsWhatTheXMLDumpLists(t *testing.T) {
	g := goldenImages[1]
	dump := parseXML(t, wantFile(t, "hadoop-3.3.2", g.dumps, filepath.Base(g.image)+".xml"))
	var sizes []int64
	var files, dirs, blocks int
	var space, maxSize int64
	for _, sec := range dump.kids[0].kids {
		if sec.name != "INodeSection" {
			continue
		}
		for _, n := range sec.kids {
			if n.name != "inode" {
				continue
			}
			f := map[string]*element{}
			for _, k := range n.kids {
				f[k.name] = k
			}
			switch f["type"].text {
			case "DIRECTORY":
				dirs++
			case "FILE":
				files++
				var size int64
				if b := f["blocks"]; b != nil {
					for _, blk := range b.kids {
						nb, _ := strconv.ParseInt(blk.kids[2].text, 10, 64)
						size += nb
						blocks++
					}
				}
				repl, _ := strconv.ParseInt(f["replication"].text, 10, 64)
				space += size * repl
				maxSize = max(maxSize, size)
				sizes = append(sizes, size)
			}
		}
	}
	for _, c := range []struct {
		opts Options
		line func(bucket int64, step int64, n int) string
	}{
		{Options{}, func(b, step int64, n int) string { return fmt.Sprintf("%d\t%d", b*step, n) }},
		{Options{Step: 100000, Format: true}, func(b, step int64, n int) string {
			lo, open := (b-1)*step, "("
			if b == 0 {
				lo, open = 0, "["
			}
			return fmt.Sprintf("%s%s, %s]\t%d", open, javafmt.ByteDesc(lo), javafmt.ByteDesc(b*step), n)
		}},
	} {
		step := int64(c.opts.Step)
		if step == 0 {
			step = DefaultStep
		}
		count := map[int64]int{}
		for _, s := range sizes {
			count[(s+step-1)/step]++
		}
		var keys []int64
		for k := range count {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		want := "Processed 0 inodes.\nSize\tNumFiles\n"
		if c.opts.Format {
			want = "Processed 0 inodes.\nSize Range\tNumFiles\n"
		}
		for _, k := range keys {
			want += c.line(k, step, count[k]) + "\n"
		}
		want += fmt.Sprintf("totalFiles = %d\ntotalDirectories = %d\ntotalBlocks = %d\ntotalSpace = %d\nmaxFileSize = %d\n",
			files, dirs, blocks, space, maxSize)
		got := convert(t, goldenPath(t, g), "FileDistribution", c.opts)
		sameBytes(t, "FileDistribution", got, []byte(want))
	}
}

// Files beyond -maxSize land in the last bucket, which -format labels
// with the largest file size; too many buckets are refused as Hadoop does.
func TestFileDistributionMaxSize(t *testing.T) {
	got := string(convert(t, goldenPath(t, goldenImages[1]), "FileDistribution",
		Options{MaxSize: 1 << 20, Step: 1 << 19, Format: true}))
	if !strings.Contains(got, "(512 KB, 3.50 MB]\t11\n") {
		t.Errorf("no overflow bucket up to the largest file:\n%s", got)
	}
	err := ConvertTo(goldenPath(t, goldenImages[1]), &bytes.Buffer{}, "FileDistribution", Options{MaxSize: 1 << 40, Step: 1})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "too many distribution intervals") {
		t.Errorf("2^40 buckets: %v", err)
	}
}
