package clientrpc

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	pb "github.com/hdfsd/hdfsd/protos/hdfspb"
)

// serve runs Protocol(ns) on a real hadooprpc server and returns a client
// calling it as user.
func serve(t *testing.T, ns Namesystem, user string) func(method string, req, resp proto.Message) error {
	s := hadooprpc.NewServer(hadooprpc.ServerConfig{Logger: slog.New(slog.DiscardHandler)})
	s.Register(Protocol(ns, DefaultConfig()))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	c := hadooprpc.NewClient(hadooprpc.ClientConfig{User: user, Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(func() { c.Close(); s.Close() })
	return func(method string, req, resp proto.Message) error {
		return c.Call(context.Background(), l.Addr().String(), ProtocolName, method, req, resp)
	}
}

// A missing path is an empty getFileInfo and getListing response, not an
// error (the translator's VOID responses for a null answer).
func TestMissingPathIsAnEmptyResponse(t *testing.T) {
	call := serve(t, &fakeNS{}, "alice")
	var fi pb.GetFileInfoResponseProto
	if err := call("getFileInfo", &pb.GetFileInfoRequestProto{Src: proto.String("/nope")}, &fi); err != nil || fi.Fs != nil {
		t.Errorf("getFileInfo = %v, %v; want empty", &fi, err)
	}
	var ls pb.GetListingResponseProto
	req := &pb.GetListingRequestProto{Src: proto.String("/nope"), StartAfter: []byte{}, NeedLocation: proto.Bool(false)}
	if err := call("getListing", req, &ls); err != nil || ls.DirList != nil {
		t.Errorf("getListing = %v, %v; want empty", &ls, err)
	}
}

// A namespace error reaches the client as the Java class of its sentinel
// with Hadoop's message exactly, without the Go package prefix.
func TestNamespaceErrorsAreJavaExceptions(t *testing.T) {
	for _, tc := range []struct {
		kind  error
		msg   string
		class string
	}{
		{namespace.ErrFileNotFound, "File does not exist: /a", hadooprpc.ClassFileNotFound},
		{namespace.ErrAccessControl, "Permission denied: user=bob, access=WRITE, inode=\"/\":root:supergroup:drwxr-xr-x", hadooprpc.ClassAccessControl},
		{namespace.ErrNSQuotaExceeded, "The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3", hadooprpc.ClassNSQuotaExceeded},
		{namespace.ErrUnresolvedLink, "/links/to-dir", hadooprpc.ClassUnresolvedPath},
		{namespace.ErrStartAfterNotFound, "Can't find startAfter /.reserved/.inodes/9", classStartAfterNotFound},
		{namespace.ErrBadRecord, "odd", hadooprpc.ClassIOException},
	} {
		call := serve(t, &fakeNS{err: &namespace.Error{Kind: tc.kind, Msg: tc.msg}}, "bob")
		err := call("mkdirs", &pb.MkdirsRequestProto{Src: proto.String("/a"),
			Masked: &pb.FsPermissionProto{Perm: proto.Uint32(0755)}, CreateParent: proto.Bool(true)}, &pb.MkdirsResponseProto{})
		var re *hadooprpc.RemoteError
		if !errors.As(err, &re) || re.Class != tc.class || re.Message != tc.msg {
			t.Errorf("%v: got %v, want %s: %s", tc.kind, err, tc.class, tc.msg)
		}
	}
}

// Requests reach the Namesystem as Hadoop's translator reads them: the
// caller's user, masked and unmasked modes without extension bits,
// create flags, absent owner fields as nil, rename2 options.
func TestRequestsAreTranslatedAsHadoopReadsThem(t *testing.T) {
	f := &fakeNS{result: true, status: &namespace.FileStatus{Type: namespace.TypeFile}}
	call := serve(t, f, "carol")
	perm := func(p uint32) *pb.FsPermissionProto { return &pb.FsPermissionProto{Perm: proto.Uint32(p)} }
	var mk pb.MkdirsResponseProto
	if err := call("mkdirs", &pb.MkdirsRequestProto{Src: proto.String("/d"), Masked: perm(0755 | 1<<12),
		Unmasked: perm(0777), CreateParent: proto.Bool(false)}, &mk); err != nil || !mk.GetResult() {
		t.Fatalf("mkdirs: %v %v", &mk, err)
	}
	if err := call("create", &pb.CreateRequestProto{Src: proto.String("/f"), Masked: perm(0644), ClientName: proto.String("DFSClient_1"),
		CreateFlag: proto.Uint32(uint32(FlagCreate | FlagOverwrite)), CreateParent: proto.Bool(true),
		Replication: proto.Uint32(3), BlockSize: proto.Uint64(1 << 20)}, &pb.CreateResponseProto{}); err != nil {
		t.Fatal(err)
	}
	if err := call("setOwner", &pb.SetOwnerRequestProto{Src: proto.String("/f"), Groupname: proto.String("eng")}, &pb.SetOwnerResponseProto{}); err != nil {
		t.Fatal(err)
	}
	if err := call("rename2", &pb.Rename2RequestProto{Src: proto.String("/f"), Dst: proto.String("/g"),
		OverwriteDest: proto.Bool(true)}, &pb.Rename2ResponseProto{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"carol Mkdirs /d {Masked:rwxr-xr-x Unmasked:rwxrwxrwx HasUnmasked:true} false",
		"carol Create {Src:/f Mode:{Masked:rw-r--r-- Unmasked:--------- HasUnmasked:false} ClientName:DFSClient_1 Flags:3 CreateParent:true Replication:3 BlockSize:1048576 ECPolicyName: StoragePolicy:}",
		"carol SetOwner /f <nil> eng",
		"carol Rename2 /f /g 1",
	}
	if !slices.Equal(f.calls, want) {
		t.Errorf("calls:\n%q\nwant\n%q", f.calls, want)
	}
}

// With security off the NameNode hands out no delegation token: the
// response is empty. A replicated path has no erasure coding policy.
func TestNoTokenAndNoECPolicyAreEmptyResponses(t *testing.T) {
	call := serve(t, &fakeNS{}, "dave")
	var ec pb.GetErasureCodingPolicyResponseProto
	if err := call("getErasureCodingPolicy", &pb.GetErasureCodingPolicyRequestProto{Src: proto.String("/f")}, &ec); err != nil || ec.EcPolicy != nil {
		t.Errorf("getErasureCodingPolicy = %v, %v", &ec, err)
	}
	var pols pb.GetErasureCodingPoliciesResponseProto
	if err := call("getErasureCodingPolicies", &pb.GetErasureCodingPoliciesRequestProto{}, &pols); err != nil {
		t.Fatal(err)
	}
	// Built-in policies go by id and state only.
	if p := pols.EcPolicies[0]; len(pols.EcPolicies) != 5 || p.GetId() != 1 || p.Name != nil || p.GetState() != pb.ErasureCodingPolicyState_ENABLED {
		t.Errorf("policies = %v", &pols)
	}
}

// Every registered name is an rpc of ClientNamenodeProtocol.
func TestRegisteredNamesAreProtoRPCs(t *testing.T) {
	sd := pb.File_ClientNamenodeProtocol_proto.Services().ByName("ClientNamenodeProtocol")
	p := Protocol(&fakeNS{}, DefaultConfig())
	for name := range p.Methods {
		if sd.Methods().ByName(protoreflectName(name)) == nil {
			t.Errorf("%s is not an rpc of ClientNamenodeProtocol", name)
		}
	}
	t.Logf("%d of %d methods registered", len(p.Methods), sd.Methods().Len())
}

func protoreflectName(s string) protoreflect.Name { return protoreflect.Name(s) }
