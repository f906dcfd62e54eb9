package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// realVersions are NameNode VERSION files written by Apache Hadoop, the
// JVM order they were written in, and what they say.
var realVersions = []struct {
	tarball []string
	dir     string
	order   KeyOrder
	want    Version
}{
	{[]string{"hadoop-3.3.2", "nn-namedir.tgz"}, "nn", OrderJava9, Version{-66, 991908957,
		"CID-3bfd075e-37a1-4109-aaa6-b10185e776ea", 1795431027493, NodeNameNode,
		"BP-1618196460-127.0.0.1-1795431027493", ""}},
	{[]string{"hadoop-3.3.2", "ha-namedirs.tgz"}, "nn1", OrderJava9, Version{-66, 552735754,
		"CID-301977bf-eef9-4ddf-aa0d-4cba6b566d19", 1795431319195, NodeNameNode,
		"BP-320671677-127.0.0.1-1795431319195", ""}},
	{[]string{"hadoop-3.3.2", "ha-namedirs.tgz"}, "nn2", OrderJava9, Version{-66, 552735754,
		"CID-301977bf-eef9-4ddf-aa0d-4cba6b566d19", 1795431319195, NodeNameNode,
		"BP-320671677-127.0.0.1-1795431319195", ""}},
	{[]string{"hadoop", "hadoop-252-dfs-dir.tgz"}, "dfs/name1", OrderJava8, Version{-57, 686101423,
		"CID-9a9d90c4-8c9a-4253-b8c5-24469d8cc6a4", 0, NodeNameNode,
		"BP-491261394-172.16.2.186-1440181415709", ""}},
	{[]string{"hadoop", "hadoop-252-dfs-dir.tgz"}, "dfs/namesecondary", OrderJava8, Version{-57, 686101423,
		"CID-9a9d90c4-8c9a-4253-b8c5-24469d8cc6a4", 0, NodeNameNode,
		"BP-491261394-172.16.2.186-1440181415709", ""}},
	{[]string{"hadoop", "testUpgradeFrom22FixesStorageIDs.tgz"}, "testUpgradeFrom22FixesStorageIDs/dfs/name",
		OrderJava8, Version{-47, 62230872, "CID-c7a43529-9910-498f-a8e0-10e04872ccae", 0, NodeNameNode,
			"BP-989671040-192.168.56.1-1421268823379", ""}},
	{[]string{"hadoop", "testUpgradeFrom22via26FixesStorageIDs.tgz"}, "testUpgradeFrom22via26FixesStorageIDs/dfs/name",
		OrderJava8, Version{-60, 1349083895, "CID-c6470e53-bef0-4b83-8c8b-bde91bf3be18", 1421268310443,
			NodeNameNode, "BP-1042294660-192.168.56.1-1421268139267", ""}},
	{[]string{"hadoop", "testUpgradeFrom26PreservesStorageIDs.tgz"}, "testUpgradeFrom26PreservesStorageIDs/dfs/name",
		OrderJava8, Version{-60, 1773352731, "CID-70331fef-e9dc-4cf1-a549-834fd6422ebd", 0, NodeNameNode,
			"BP-1838935911-192.168.56.1-1421267126001", ""}},
	{[]string{"hadoop", "image-with-zero-block-size.tar.gz"}, "image-with-zero-block-size/name",
		OrderJava8, Version{-63, 1584891892, "testClusterID", 0, NodeNameNode,
			"BP-1562398534-10.74.90.87-1424270819158", ""}},
	{[]string{"hadoop", "hadoop-2-reserved.tgz"}, "dfs/name-0-1", OrderJava8, Version{-40, 1459658569,
		"CID-929744f6-0f92-4f1b-89ce-b60b56c06f27", 0, NodeNameNode, "BP-1473165989-127.0.1.1-1391147283228", ""}},
	{[]string{"hadoop", "hadoop-0.23-reserved.tgz"}, "dfs/name-0-1", OrderJava8, Version{-39, 1274545858,
		"CID-59051034-7d80-4562-ac54-cb63ec37358c", 0, NodeNameNode, "BP-143726096-127.0.1.1-1405994509731", ""}},
	{[]string{"hadoop", "hadoop-1-reserved.tgz"}, "dfs/name-0-1", OrderJava8,
		Version{-41, 1910625878, "", 0, NodeNameNode, "", ""}},
	{[]string{"hadoop", "hadoop1-bbw.tgz"}, "dfs/name-0-1", OrderJava8,
		Version{-32, 889473900, "", 0, NodeNameNode, "", ""}},
	{[]string{"hadoop", "hadoop-56-layout-datanode-dir.tgz"}, "dfs/name", OrderJava8, Version{-60, 700550654,
		"CID-261fb001-1b9e-4931-a528-72461f5df300", 0, NodeNameNode, "BP-1294678983-127.0.0.1-1448919810927", ""}},
}

// Every VERSION Hadoop wrote parses to its fields, and writing those
// fields back with the same JVM order and date gives the same bytes.
func TestRealVersionFilesParseAndRewriteByteForByte(t *testing.T) {
	for _, c := range realVersions {
		t.Run(strings.Join(c.tarball, "/")+":"+c.dir, func(t *testing.T) {
			root := filepath.Join(extract(t, c.tarball...), c.dir)
			data, err := os.ReadFile(filepath.Join(root, "current", "VERSION"))
			if err != nil {
				t.Fatal(err)
			}
			v, err := ReadVersion(OSFS, root)
			if err != nil {
				t.Fatal(err)
			}
			if v != c.want {
				t.Errorf("parsed %+v\nwant   %+v", v, c.want)
			}
			date := strings.TrimPrefix(lines(data)[0], "#")
			when, err := time.Parse("Mon Jan 02 15:04:05 MST 2006", date)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Marshal(c.order, when); !bytes.Equal(got, data) {
				t.Errorf("rewritten:\n%s\nHadoop wrote:\n%s", got, data)
			}
		})
	}
}

// A 0.22 directory (LV -33) has no clusterID or blockpoolID, and keeps the
// image digest in VERSION.
func TestVersionFromHadoop022KeepsImageDigest(t *testing.T) {
	root := filepath.Join(extract(t, "hadoop", "hadoop-22-dfs-dir.tgz"), "dfs", "name-0-1")
	v, err := ReadVersion(OSFS, root)
	if err != nil {
		t.Fatal(err)
	}
	want := Version{LayoutVersion: -33, NamespaceID: -386152743, CTime: 1306118715307,
		StorageType: NodeNameNode, ImageMD5Digest: "2e894838695b3d76099b32291156d953"}
	if v != want {
		t.Errorf("got %+v, want %+v", v, want)
	}
}

// The JournalNode's VERSION (no blockpoolID) comes out in the same JVM
// order from Hadoop's insertion order.
func TestJournalNodeVersionKeyOrder(t *testing.T) {
	data := mustRead(t, filepath.Join(extract(t, "hadoop-3.3.2", "jn-dirs.tgz"), "jn1", "ns1", "current", "VERSION"))
	p := NewProperties()
	for _, k := range []string{"layoutVersion", "storageType", "namespaceID", "clusterID", "cTime"} {
		p.Set(k, "")
	}
	if got, want := p.OrderedKeys(OrderJava9), keysOf(t, data); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, Hadoop wrote %v", got, want)
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// What Hadoop refuses when it reads a VERSION, and with which error.
func TestParseVersionRefusesWhatHadoopRefuses(t *testing.T) {
	good := "namespaceID=7\nclusterID=CID-x\ncTime=0\nstorageType=NAME_NODE\nblockpoolID=BP-1-127.0.0.1-2\nlayoutVersion=-67\n"
	for _, c := range []struct {
		name, edit string
		want       error
		msg        string
	}{
		{"newer layout", "layoutVersion=-68", ErrIncorrectVersion,
			"Unexpected version of storage directory /nn. Reported: -68. Expecting = -67."},
		{"no layout", "layoutVersion", ErrInconsistent, "file VERSION has layoutVersion missing."},
		{"no namespace", "namespaceID", ErrInconsistent, "file VERSION has namespaceID missing."},
		{"no cTime", "cTime", ErrInconsistent, "file VERSION has cTime missing."},
		{"no cluster", "clusterID", ErrInconsistent, "file VERSION has clusterID missing."},
		{"no block pool", "blockpoolID", ErrInconsistent, "file VERSION has no block pool Id."},
		{"empty block pool", "blockpoolID=", ErrInconsistent, "file VERSION has no block pool Id."},
		{"a DataNode's", "storageType=DATA_NODE", ErrInconsistent,
			"Incompatible node types: storageType=NAME_NODE but StorageDirectory type=DATA_NODE"},
		{"not formatted", "layoutVersion=0", ErrInconsistent, "not formatted"},
		{"not an int", "namespaceID=2147483648", ErrInvalid, `namespaceID="2147483648" is not an int`},
		{"blank in a number", "cTime= 1", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseVersion([]byte(replaceKey(good, c.edit)), "/nn")
			if c.want == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "storage: ") {
				t.Errorf("err = %v, want %v containing %q", err, c.want, c.msg)
			}
		})
	}
}

// replaceKey replaces the line of edit's key with edit ("k=v"), or drops
// it (a bare "k").
func replaceKey(props, edit string) string {
	key, _, set := strings.Cut(edit, "=")
	var out []string
	for _, l := range lines([]byte(props)) {
		if strings.HasPrefix(l, key+"=") {
			if set {
				out = append(out, edit)
			}
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}

// Directories of one NameNode must agree; the first that does not is
// named.
func TestVersionsOfDirectoriesMustAgree(t *testing.T) {
	a := Version{LayoutVersion: -67, NamespaceID: 1, ClusterID: "CID-a", StorageType: NodeNameNode, BlockPoolID: "BP-1"}
	for _, c := range []struct {
		name string
		edit func(*Version)
		msg  string
	}{
		{"layout", func(v *Version) { v.LayoutVersion = -66 }, "multiple layout versions"},
		{"namespace", func(v *Version) { v.NamespaceID = 2 }, "namespaceID is incompatible with others."},
		{"cluster", func(v *Version) { v.ClusterID = "CID-b" }, "cluster Id is incompatible with others."},
		{"block pool", func(v *Version) { v.BlockPoolID = "BP-2" }, "Unexpected blockpoolID BP-2. Expected BP-1"},
	} {
		b := a
		c.edit(&b)
		if err := a.agree(b, "/nn2"); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", c.name, err, c.msg)
		}
	}
	if err := a.agree(a, "/nn2"); err != nil {
		t.Errorf("equal versions: %v", err)
	}
}
