package treenn

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/compat-tests/treenn/tree"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// call runs method as user and checks that a successful answer carries
// every required field: proto.Marshal refuses a message that lacks one, as
// Hadoop's Java parser would.
func call(t *testing.T, user, method string, req proto.Message) (proto.Message, error) {
	t.Helper()
	p := ClientProtocol(tree.Fixture(), DefaultConfig())
	if p.Name != "org.apache.hadoop.hdfs.protocol.ClientProtocol" || p.Version != 1 {
		t.Fatalf("protocol %s v%d", p.Name, p.Version)
	}
	h, ok := p.Methods[method]
	if !ok {
		t.Fatalf("no handler for %s", method)
	}
	ctx := hadooprpc.ContextWithCaller(context.Background(), hadooprpc.Caller{User: user, Method: method})
	resp, err := h.Call(ctx, req)
	if err == nil {
		if _, merr := proto.Marshal(resp); merr != nil {
			t.Fatalf("%s answer does not marshal: %v", method, merr)
		}
	}
	return resp, err
}

func getFileInfo(t *testing.T, user, src string) (*hdfspb.GetFileInfoResponseProto, error) {
	t.Helper()
	resp, err := call(t, user, "getFileInfo", &hdfspb.GetFileInfoRequestProto{Src: proto.String(src)})
	if err != nil {
		return nil, err
	}
	return resp.(*hdfspb.GetFileInfoResponseProto), nil
}

func getListing(t *testing.T, src, after string) (*hdfspb.GetListingResponseProto, error) {
	t.Helper()
	resp, err := call(t, "alice", "getListing", &hdfspb.GetListingRequestProto{
		Src: proto.String(src), StartAfter: []byte(after), NeedLocation: proto.Bool(false)})
	if err != nil {
		return nil, err
	}
	return resp.(*hdfspb.GetListingResponseProto), nil
}

func TestGetFileInfo_FileStatusCarriesWhatHadoopSets(t *testing.T) {
	resp, err := getFileInfo(t, "alice", "/user/alice/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := &hdfspb.HdfsFileStatusProto{
		FileType:         hdfspb.HdfsFileStatusProto_IS_FILE.Enum(),
		Path:             []byte{},
		Length:           proto.Uint64(12),
		Permission:       &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o644)},
		Owner:            proto.String("alice"),
		Group:            proto.String("supergroup"),
		ModificationTime: proto.Uint64(1709647620000),
		AccessTime:       proto.Uint64(1709647650000),
		BlockReplication: proto.Uint32(3),
		Blocksize:        proto.Uint64(128 << 20),
		FileId:           proto.Uint64(16388),
		ChildrenNum:      proto.Int32(0),
		StoragePolicy:    proto.Uint32(0),
		Flags:            proto.Uint32(0),
	}
	if !proto.Equal(resp.GetFs(), want) {
		t.Errorf("fs =\n%v\nwant\n%v", resp.GetFs(), want)
	}
}

func TestGetFileInfo_DirectoryHasChildrenAndNoBlocks(t *testing.T) {
	resp, err := getFileInfo(t, "alice", "/tmp")
	if err != nil {
		t.Fatal(err)
	}
	fs := resp.GetFs()
	if fs.GetFileType() != hdfspb.HdfsFileStatusProto_IS_DIR || fs.GetPermission().GetPerm() != 0o1777 ||
		fs.ChildrenNum == nil || fs.GetChildrenNum() != 0 || fs.GetBlocksize() != 0 || fs.GetAccessTime() != 0 {
		t.Errorf("/tmp = %v", fs)
	}
}

func TestGetFileInfo_MissingPathIsAnEmptyResponse(t *testing.T) {
	resp, err := getFileInfo(t, "alice", "/nope")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := proto.Marshal(resp); resp.Fs != nil || len(b) != 0 {
		t.Errorf("response = %v, want no fs field", resp)
	}
}

func TestGetFileInfo_ThroughAFileIsNullForTheSuperuserOnly(t *testing.T) {
	resp, err := getFileInfo(t, "hdfs", "/user/alice/hello.txt/x")
	if err != nil || resp.Fs != nil {
		t.Errorf("as hdfs: %v, %v; want an empty response", resp, err)
	}
	_, err = getFileInfo(t, "alice", "/user/alice/hello.txt/x")
	checkRemote(t, err, hadooprpc.ClassAccessControl, "/user/alice/hello.txt (is not a directory)")
}

func TestGetFileInfo_SymlinkIsUnresolvedPathException(t *testing.T) {
	_, err := getFileInfo(t, "hdfs", "/user/alice/latest/more")
	checkRemote(t, err, "org.apache.hadoop.hdfs.protocol.UnresolvedPathException", "/user/alice/hello.txt/more")
}

func TestGetFileInfo_RelativePathIsAssertionError(t *testing.T) {
	_, err := getFileInfo(t, "alice", "user/alice")
	checkRemote(t, err, "java.lang.AssertionError", "Absolute path required, but got 'user/alice'")
}

func TestGetFileLinkInfo_ReportsTheLink(t *testing.T) {
	resp, err := call(t, "alice", "getFileLinkInfo", &hdfspb.GetFileLinkInfoRequestProto{Src: proto.String("/user/alice/latest")})
	if err != nil {
		t.Fatal(err)
	}
	fs := resp.(*hdfspb.GetFileLinkInfoResponseProto).GetFs()
	if fs.GetFileType() != hdfspb.HdfsFileStatusProto_IS_SYMLINK || string(fs.GetSymlink()) != "/user/alice/hello.txt" {
		t.Errorf("fs = %v", fs)
	}
}

func TestGetListing_PagesWithRemainingEntries(t *testing.T) {
	for _, tt := range []struct {
		after            string
		n, remaining     int
		first, lastEntry string
	}{
		{"", 1000, 1500, "f0000", "f0999"},
		{"f0999", 1000, 500, "f1000", "f1999"},
		{"f1999", 500, 0, "f2000", "f2499"},
	} {
		resp, err := getListing(t, "/big", tt.after)
		if err != nil {
			t.Fatal(err)
		}
		l := resp.GetDirList().GetPartialListing()
		if len(l) != tt.n || int(resp.GetDirList().GetRemainingEntries()) != tt.remaining ||
			string(l[0].GetPath()) != tt.first || string(l[len(l)-1].GetPath()) != tt.lastEntry {
			t.Errorf("after %q: %d entries %s..%s, %d remaining; want %d %s..%s %d", tt.after,
				len(l), l[0].GetPath(), l[len(l)-1].GetPath(), resp.GetDirList().GetRemainingEntries(),
				tt.n, tt.first, tt.lastEntry, tt.remaining)
		}
	}
}

func TestGetListing_MissingDirectoryIsAnEmptyResponse(t *testing.T) {
	resp, err := getListing(t, "/nope", "")
	if err != nil || resp.DirList != nil {
		t.Errorf("getListing(/nope) = %v, %v; want a response without dirList", resp, err)
	}
}

func TestGetListing_EmptyDirectoryHasAListingOfNothing(t *testing.T) {
	resp, err := getListing(t, "/user/bob", "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.DirList == nil || len(resp.DirList.PartialListing) != 0 || resp.DirList.RemainingEntries == nil {
		t.Errorf("getListing(/user/bob) = %v, want an empty dirList with remainingEntries 0", resp)
	}
}

func TestGetListing_AFileListsAsItself(t *testing.T) {
	resp, err := getListing(t, "/user/alice/hello.txt", "")
	if err != nil {
		t.Fatal(err)
	}
	l := resp.GetDirList().GetPartialListing()
	if len(l) != 1 || l[0].Path == nil || len(l[0].Path) != 0 || l[0].GetLength() != 12 {
		t.Errorf("getListing(file) = %v", resp)
	}
}

func TestGetListing_ThroughAFileIsAccessControlException(t *testing.T) {
	_, err := getListing(t, "/user/alice/hello.txt/x", "")
	checkRemote(t, err, hadooprpc.ClassAccessControl, "/user/alice/hello.txt (is not a directory)")
}

func TestGetServerDefaults_AreHadoopsDefaults(t *testing.T) {
	resp, err := call(t, "alice", "getServerDefaults", &hdfspb.GetServerDefaultsRequestProto{})
	if err != nil {
		t.Fatal(err)
	}
	d := resp.(*hdfspb.GetServerDefaultsResponseProto).GetServerDefaults()
	if d.GetChecksumType() != hdfspb.ChecksumTypeProto_CHECKSUM_CRC32C || d.KeyProviderUri == nil || d.GetPolicyId() != 7 {
		t.Errorf("defaults = %v", d)
	}
}

func TestGetFsStats_SetsEveryField(t *testing.T) {
	resp, err := call(t, "alice", "getFsStats", &hdfspb.GetFsStatusRequestProto{})
	if err != nil {
		t.Fatal(err)
	}
	s := resp.(*hdfspb.GetFsStatsResponseProto)
	if s.PendingDeletionBlocks == nil || s.GetCapacity() != s.GetUsed()+s.GetRemaining() {
		t.Errorf("stats = %v", s)
	}
}

func checkRemote(t *testing.T, err error, class, msg string) {
	t.Helper()
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Class != class || re.Message != msg {
		t.Errorf("error = %v, want %s: %s", err, class, msg)
	}
}
