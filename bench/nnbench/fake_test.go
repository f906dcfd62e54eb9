package nnbench

import (
	"context"
	"errors"
	"net"
	"path"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/commonpb"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// fakeNN is a ClientProtocol server over a map-backed namespace that
// records every call as "method path".
type fakeNN struct {
	addr string
	mu   struct {
		sync.Mutex
		dirs  map[string]bool // path -> is a directory
		calls []string
		fail  string // a method that answers with an error
	}
}

func startFakeNN(t *testing.T) *fakeNN {
	t.Helper()
	f := &fakeNN{}
	f.mu.dirs = map[string]bool{"/": true}
	srv := hadooprpc.NewServer(hadooprpc.ServerConfig{})
	srv.Register(f.clientProtocol())
	srv.Register(hadooprpc.Protocol{Name: refreshUserMappingsP, Version: 1, Methods: map[string]hadooprpc.Handler{
		"refreshUserToGroupsMappings": hadooprpc.Method(func() *commonpb.RefreshUserToGroupsMappingsRequestProto {
			return new(commonpb.RefreshUserToGroupsMappingsRequestProto)
		}, func(context.Context, *commonpb.RefreshUserToGroupsMappingsRequestProto) (*commonpb.RefreshUserToGroupsMappingsResponseProto, error) {
			f.record("refreshUserToGroupsMappings", "")
			return new(commonpb.RefreshUserToGroupsMappingsResponseProto), nil
		}),
	}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	f.addr = l.Addr().String()
	return f
}

func method[Req, Resp proto.Message](newReq func() Req, fn func(Req) Resp) hadooprpc.Handler {
	return hadooprpc.Method(newReq, func(_ context.Context, r Req) (Resp, error) { return fn(r), nil })
}

func (f *fakeNN) clientProtocol() hadooprpc.Protocol {
	return hadooprpc.Protocol{Name: clientProtocol, Version: 1, Methods: map[string]hadooprpc.Handler{
		"create":            hadooprpc.Method(newOf[hdfspb.CreateRequestProto], f.create),
		"complete":          method(newOf[hdfspb.CompleteRequestProto], f.complete),
		"mkdirs":            method(newOf[hdfspb.MkdirsRequestProto], f.mkdirs),
		"getBlockLocations": hadooprpc.Method(newOf[hdfspb.GetBlockLocationsRequestProto], f.getBlockLocations),
		"delete":            method(newOf[hdfspb.DeleteRequestProto], f.delete),
		"getFileInfo":       method(newOf[hdfspb.GetFileInfoRequestProto], f.getFileInfo),
		"rename":            method(newOf[hdfspb.RenameRequestProto], f.rename),
		"setSafeMode":       method(newOf[hdfspb.SetSafeModeRequestProto], f.setSafeMode),
	}}
}

func newOf[T any]() *T { return new(T) }

// record notes a call and reports whether it should fail.
func (f *fakeNN) record(method, p string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.calls = append(f.mu.calls, strings.TrimSpace(method+" "+p))
	return f.mu.fail == method
}

func (f *fakeNN) failOn(method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.fail = method
}

func (f *fakeNN) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.mu.calls...)
}

func (f *fakeNN) exists(p string) (isDir, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	isDir, ok = f.mu.dirs[p]
	return isDir, ok
}

// addLocked adds p and its missing parents.
func (f *fakeNN) addLocked(p string, dir bool) {
	for d := path.Dir(p); d != "/"; d = path.Dir(d) {
		f.mu.dirs[d] = true
	}
	f.mu.dirs[p] = dir
}

func (f *fakeNN) create(_ context.Context, r *hdfspb.CreateRequestProto) (*hdfspb.CreateResponseProto, error) {
	if f.record("create", r.GetSrc()) {
		return nil, errors.New("injected create failure")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addLocked(r.GetSrc(), false)
	return &hdfspb.CreateResponseProto{Fs: status(r.GetSrc(), false)}, nil
}

func (f *fakeNN) complete(r *hdfspb.CompleteRequestProto) *hdfspb.CompleteResponseProto {
	f.record("complete", r.GetSrc())
	return &hdfspb.CompleteResponseProto{Result: proto.Bool(true)}
}

func (f *fakeNN) mkdirs(r *hdfspb.MkdirsRequestProto) *hdfspb.MkdirsResponseProto {
	f.record("mkdirs", r.GetSrc())
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addLocked(r.GetSrc(), true)
	return &hdfspb.MkdirsResponseProto{Result: proto.Bool(true)}
}

func (f *fakeNN) getBlockLocations(_ context.Context, r *hdfspb.GetBlockLocationsRequestProto) (*hdfspb.GetBlockLocationsResponseProto, error) {
	f.record("getBlockLocations", r.GetSrc())
	if _, ok := f.exists(r.GetSrc()); !ok {
		return nil, errors.New("File does not exist: " + r.GetSrc())
	}
	return new(hdfspb.GetBlockLocationsResponseProto), nil
}

func (f *fakeNN) delete(r *hdfspb.DeleteRequestProto) *hdfspb.DeleteResponseProto {
	f.record("delete", r.GetSrc())
	return &hdfspb.DeleteResponseProto{Result: proto.Bool(f.move(r.GetSrc(), ""))}
}

func (f *fakeNN) getFileInfo(r *hdfspb.GetFileInfoRequestProto) *hdfspb.GetFileInfoResponseProto {
	f.record("getFileInfo", r.GetSrc())
	isDir, ok := f.exists(r.GetSrc())
	if !ok {
		return new(hdfspb.GetFileInfoResponseProto)
	}
	return &hdfspb.GetFileInfoResponseProto{Fs: status(r.GetSrc(), isDir)}
}

func (f *fakeNN) rename(r *hdfspb.RenameRequestProto) *hdfspb.RenameResponseProto {
	f.record("rename", r.GetSrc()+" "+r.GetDst())
	return &hdfspb.RenameResponseProto{Result: proto.Bool(f.move(r.GetSrc(), r.GetDst()))}
}

func (f *fakeNN) setSafeMode(r *hdfspb.SetSafeModeRequestProto) *hdfspb.SetSafeModeResponseProto {
	f.record("setSafeMode", r.GetAction().String())
	return &hdfspb.SetSafeModeResponseProto{Result: proto.Bool(false)}
}

// move renames src and everything under it to dst, or deletes them when
// dst is "".
func (f *fakeNN) move(src, dst string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.mu.dirs[src]; !ok {
		return false
	}
	for p, isDir := range f.mu.dirs {
		if p != src && !strings.HasPrefix(p, src+"/") {
			continue
		}
		delete(f.mu.dirs, p)
		if dst != "" {
			f.addLocked(dst+strings.TrimPrefix(p, src), isDir)
		}
	}
	return true
}

func status(p string, dir bool) *hdfspb.HdfsFileStatusProto {
	typ := hdfspb.HdfsFileStatusProto_IS_FILE
	if dir {
		typ = hdfspb.HdfsFileStatusProto_IS_DIR
	}
	return &hdfspb.HdfsFileStatusProto{
		FileType: typ.Enum(), Path: []byte(path.Base(p)), Length: proto.Uint64(0),
		Permission: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o755)},
		Owner:      proto.String("bench"), Group: proto.String("supergroup"),
		ModificationTime: proto.Uint64(0), AccessTime: proto.Uint64(0),
	}
}

func hadooprpcConfig() hadooprpc.ClientConfig { return hadooprpc.ClientConfig{User: "bench"} }
