package namenode

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// Snapshots over ClientProtocol: allow, create, read through .snapshot,
// diff, rename, delete, and the snapshots survive a restart (edit log
// replay).
func TestSnapshotsOverRPC(t *testing.T) {
	root := t.TempDir()
	c, cfg := newTestConf(t, root, nil)
	formatNN(t, cfg)
	nn := startNN(t, c, cfg)
	nn.mkdirs("/d/sub")
	nn.touch("/d/f")
	nn.mustCall("allowSnapshot", &hdfspb.AllowSnapshotRequestProto{SnapshotRoot: proto.String("/d")}, &hdfspb.AllowSnapshotResponseProto{})
	var cr hdfspb.CreateSnapshotResponseProto
	nn.mustCall("createSnapshot", &hdfspb.CreateSnapshotRequestProto{SnapshotRoot: proto.String("/d"), SnapshotName: proto.String("s1")}, &cr)
	if cr.GetSnapshotPath() != "/d/.snapshot/s1" {
		t.Fatalf("snapshot path %q", cr.GetSnapshotPath())
	}
	err := nn.call("createSnapshot", &hdfspb.CreateSnapshotRequestProto{SnapshotRoot: proto.String("/d"), SnapshotName: proto.String("s1")}, &cr)
	var re *hadooprpc.RemoteError
	if !errors.As(err, &re) || re.Class != hadooprpc.ClassSnapshot ||
		re.Message != "Failed to add snapshot: there is already a snapshot with the same name \"s1\"." {
		t.Fatalf("duplicate snapshot: %v", err)
	}
	err = nn.call("mkdirs", &hdfspb.MkdirsRequestProto{Src: proto.String("/d/.snapshot/s1/x"),
		Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o755)}, CreateParent: proto.Bool(true)}, &hdfspb.MkdirsResponseProto{})
	if !errors.As(err, &re) || re.Message != "Modification on a read-only snapshot is disallowed" {
		t.Fatalf("mkdir in a snapshot: %v", err)
	}
	nn.mustCall("delete", &hdfspb.DeleteRequestProto{Src: proto.String("/d/f"), Recursive: proto.Bool(false)}, &hdfspb.DeleteResponseProto{})
	if st := nn.stat("/d/.snapshot/s1/f"); st == nil {
		t.Fatal("the snapshot lost /d/f")
	}
	var dr hdfspb.GetSnapshotDiffReportResponseProto
	nn.mustCall("getSnapshotDiffReport", &hdfspb.GetSnapshotDiffReportRequestProto{SnapshotRoot: proto.String("/d"),
		FromSnapshot: proto.String("s1"), ToSnapshot: proto.String("")}, &dr)
	es := dr.GetDiffReport().GetDiffReportEntries()
	if len(es) != 2 || es[0].GetModificationLabel() != "M" || es[1].GetModificationLabel() != "-" || string(es[1].GetFullpath()) != "f" {
		t.Fatalf("diff %v", es)
	}
	nn.mustCall("renameSnapshot", &hdfspb.RenameSnapshotRequestProto{SnapshotRoot: proto.String("/d"),
		SnapshotOldName: proto.String("s1"), SnapshotNewName: proto.String("t1")}, &hdfspb.RenameSnapshotResponseProto{})
	var sl hdfspb.GetSnapshottableDirListingResponseProto
	nn.mustCall("getSnapshottableDirListing", &hdfspb.GetSnapshottableDirListingRequestProto{}, &sl)
	if ds := sl.GetSnapshottableDirList().GetSnapshottableDirListing(); len(ds) != 1 || ds[0].GetSnapshotNumber() != 1 {
		t.Fatalf("snapshottable dirs %v", ds)
	}
	nn.stop()

	nn = startNN(t, c, cfg)
	if st := nn.stat("/d/.snapshot/t1/f"); st == nil {
		t.Fatal("the snapshot lost /d/f across a restart")
	}
	if st := nn.stat("/d"); st.GetFlags()&uint32(hdfspb.HdfsFileStatusProto_SNAPSHOT_ENABLED) == 0 {
		t.Fatalf("/d is not snapshottable after a restart: %v", st)
	}
	nn.mustCall("deleteSnapshot", &hdfspb.DeleteSnapshotRequestProto{SnapshotRoot: proto.String("/d"), SnapshotName: proto.String("t1")}, &hdfspb.DeleteSnapshotResponseProto{})
	if st := nn.stat("/d/.snapshot/t1/f"); st != nil {
		t.Fatal("deleted snapshot still readable")
	}
	nn.mustCall("disallowSnapshot", &hdfspb.DisallowSnapshotRequestProto{SnapshotRoot: proto.String("/d")}, &hdfspb.DisallowSnapshotResponseProto{})
	nn.stop()
}
