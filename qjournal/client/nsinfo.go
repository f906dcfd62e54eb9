package client

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// NamespaceInfo is what the NameNode sends to format the JournalNodes and
// with every newEpoch (NamespaceInfoProto).
type NamespaceInfo struct {
	LayoutVersion   int32
	NamespaceID     uint32
	ClusterID       string
	CTime           uint64
	BlockPoolID     string
	BuildVersion    string
	SoftwareVersion string
	Capabilities    uint64
}

// StorageInfoString is the colon-separated form the /getJournal servlet
// checks: layoutVersion:namespaceID:cTime:clusterID.
func (n NamespaceInfo) StorageInfoString() string {
	return fmt.Sprintf("%d:%d:%d:%s", n.LayoutVersion, n.NamespaceID, n.CTime, n.ClusterID)
}

func (n NamespaceInfo) proto() *hdfspb.NamespaceInfoProto {
	return &hdfspb.NamespaceInfoProto{
		BuildVersion: proto.String(n.BuildVersion),
		Unused:       proto.Uint32(0),
		BlockPoolID:  proto.String(n.BlockPoolID),
		StorageInfo: &hdfspb.StorageInfoProto{
			LayoutVersion: proto.Uint32(uint32(n.LayoutVersion)),
			NamespceID:    proto.Uint32(n.NamespaceID),
			ClusterID:     proto.String(n.ClusterID),
			CTime:         proto.Uint64(n.CTime),
		},
		SoftwareVersion: proto.String(n.SoftwareVersion),
		Capabilities:    proto.Uint64(n.Capabilities),
	}
}

// NamespaceInfoFromProto converts the wire form.
func NamespaceInfoFromProto(p *hdfspb.NamespaceInfoProto) NamespaceInfo {
	si := p.GetStorageInfo()
	return NamespaceInfo{
		LayoutVersion: int32(si.GetLayoutVersion()), NamespaceID: si.GetNamespceID(),
		ClusterID: si.GetClusterID(), CTime: si.GetCTime(), BlockPoolID: p.GetBlockPoolID(),
		BuildVersion: p.GetBuildVersion(), SoftwareVersion: p.GetSoftwareVersion(),
		Capabilities: p.GetCapabilities(),
	}
}
