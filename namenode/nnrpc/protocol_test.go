package nnrpc

import (
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/namenode/blockmgmt"
	"github.com/hdfsd/hdfsd/namenode/blocks"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

func TestGetBlocksAnswerRoundTripsWithParallelLocationLists(t *testing.T) {
	in := []blockmgmt.BlockWithLocations{
		{ID: 1073741825, GenStamp: 1001, NumBytes: 134217728, Nodes: []string{"u1", "u2"}, Storages: []string{"DS-1", "DS-2"},
			Types: []blocks.StorageType{blocks.Disk, blocks.SSD}},
		{ID: 1073741826, GenStamp: 1002, NumBytes: 17, Nodes: []string{"u3"}, Storages: []string{"DS-3"}, Types: []blocks.StorageType{blocks.Archive}},
	}
	p := BlocksWithLocationsProto(in)
	wire, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back := new(hdfspb.BlocksWithLocationsProto)
	if err := proto.Unmarshal(wire, back); err != nil {
		t.Fatal(err)
	}
	if got := BlocksWithLocationsOf(back); !reflect.DeepEqual(got, in) {
		t.Fatalf("round trip: got %+v, want %+v", got, in)
	}
	if st := back.GetBlocks()[0].GetStorageTypes(); st[1] != hdfspb.StorageTypeProto_SSD {
		t.Fatalf("storage types on the wire: %v", st)
	}
}
