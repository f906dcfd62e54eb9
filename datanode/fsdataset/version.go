package fsdataset

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/namenode/storage"
)

// DataNode layout versions (DataNodeLayoutVersion).
const (
	// LayoutVersion is BLOCKID_BASED_LAYOUT_32_by_32, what hdfsd writes.
	LayoutVersion int32 = -57
	// LayoutBlockID256 is BLOCKID_BASED_LAYOUT: finalized blocks in
	// 256x256 block-id folders.
	LayoutBlockID256 int32 = -56
	// LayoutFirst is FIRST_LAYOUT, the first DataNode-only layout (blocks
	// in the old subdirN tree, 64 files per folder).
	LayoutFirst int32 = -55
	// layoutFederation is the first layout with block pools (FEDERATION,
	// Hadoop 0.23).
	layoutFederation int32 = -35
)

// NodeDataNode is the storageType of a DataNode VERSION.
const NodeDataNode = "DATA_NODE"

// NamespaceInfo is what the NameNode's versionRequest answers: the
// namespace a volume must belong to.
type NamespaceInfo struct {
	NamespaceID int32
	ClusterID   string
	BlockPoolID string
	CTime       int64 // the block pool's creation time
}

// DNVersion is a volume's current/VERSION.
type DNVersion struct {
	LayoutVersion int32
	StorageID     string // "DS-<uuid>"
	ClusterID     string
	CTime         int64 // 0: a DataNode never changes it
	DatanodeUUID  string
}

// BPVersion is a block pool's current/BP-.../current/VERSION.
type BPVersion struct {
	LayoutVersion int32
	NamespaceID   int32
	BlockPoolID   string
	CTime         int64
}

// keyOrder is the JVM map order the files are written in: Hadoop 3.x on
// JDK 11/17 (shared/testdata/hadoop-3.3.2/dn-datadirs.tgz).
const keyOrder = storage.OrderJava9

// Marshal renders the file as Hadoop's DataStorage writes it (its
// setPropertiesFromFields insertion order, then the JVM's map order),
// with now in the date comment.
func (v DNVersion) Marshal(now time.Time) []byte {
	p := storage.NewProperties()
	p.Set("storageType", NodeDataNode)
	p.Set("clusterID", v.ClusterID)
	p.Set("cTime", strconv.FormatInt(v.CTime, 10))
	p.Set("layoutVersion", strconv.Itoa(int(v.LayoutVersion)))
	p.Set("storageID", v.StorageID)
	if v.DatanodeUUID != "" {
		p.Set("datanodeUuid", v.DatanodeUUID)
	}
	return storage.StoreProperties(p, keyOrder, now)
}

// Marshal renders the file as BlockPoolSliceStorage writes it.
func (v BPVersion) Marshal(now time.Time) []byte {
	p := storage.NewProperties()
	p.Set("layoutVersion", strconv.Itoa(int(v.LayoutVersion)))
	p.Set("namespaceID", strconv.Itoa(int(v.NamespaceID)))
	p.Set("blockpoolID", v.BlockPoolID)
	p.Set("cTime", strconv.FormatInt(v.CTime, 10))
	return storage.StoreProperties(p, keyOrder, now)
}

func props(data []byte, file string, keys ...string) (*storage.Properties, error) {
	p, err := storage.ParseProperties(data)
	if err != nil {
		return nil, fmt.Errorf("fsdataset: %s: %w", file, err)
	}
	for _, k := range keys {
		if _, ok := p.Get(k); !ok {
			return nil, fmt.Errorf("%w: file %s has %s missing.", ErrIncompatible, file, k)
		}
	}
	return p, nil
}

func intProp(p *storage.Properties, key, file string, bits int) (int64, error) {
	s, _ := p.Get(key)
	v, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %s=%q is not a number", ErrIncompatible, file, key, s)
	}
	return v, nil
}

// ParseDNVersion reads a volume's VERSION file (named file in errors).
// Layouts from before block pools are refused with ErrUnsupportedLayout;
// layouts newer than this DataNode's with ErrIncompatible.
func ParseDNVersion(data []byte, file string) (DNVersion, error) {
	p, err := props(data, file, "layoutVersion", "storageType", "cTime")
	if err != nil {
		return DNVersion{}, err
	}
	lv, err := intProp(p, "layoutVersion", file, 32)
	if err != nil {
		return DNVersion{}, err
	}
	if err := checkLayout(int32(lv), file); err != nil {
		return DNVersion{}, err
	}
	if st, _ := p.Get("storageType"); st != NodeDataNode {
		return DNVersion{}, fmt.Errorf("%w: %s: storage type %s is not %s", ErrIncompatible, file, st, NodeDataNode)
	}
	if _, err := props(data, file, "clusterID"); err != nil {
		return DNVersion{}, err
	}
	ct, err := intProp(p, "cTime", file, 64)
	if err != nil {
		return DNVersion{}, err
	}
	v := DNVersion{LayoutVersion: int32(lv), CTime: ct}
	v.ClusterID, _ = p.Get("clusterID")
	v.StorageID, _ = p.Get("storageID")
	v.DatanodeUUID, _ = p.Get("datanodeUuid")
	return v, nil
}

// ParseBPVersion reads a block pool's VERSION file.
func ParseBPVersion(data []byte, file string) (BPVersion, error) {
	p, err := props(data, file, "layoutVersion", "namespaceID", "blockpoolID", "cTime")
	if err != nil {
		return BPVersion{}, err
	}
	lv, err := intProp(p, "layoutVersion", file, 32)
	if err != nil {
		return BPVersion{}, err
	}
	if err := checkLayout(int32(lv), file); err != nil {
		return BPVersion{}, err
	}
	ns, err := intProp(p, "namespaceID", file, 32)
	if err != nil {
		return BPVersion{}, err
	}
	ct, err := intProp(p, "cTime", file, 64)
	if err != nil {
		return BPVersion{}, err
	}
	bp, _ := p.Get("blockpoolID")
	return BPVersion{LayoutVersion: int32(lv), NamespaceID: int32(ns), BlockPoolID: bp, CTime: ct}, nil
}

// checkLayout accepts -57 and the layouts Upgrade handles (-55, -56).
func checkLayout(lv int32, file string) error {
	switch {
	case lv < LayoutVersion:
		return fmt.Errorf("%w: Unexpected version of storage directory %s. Reported: %d. Expecting = %d.",
			ErrIncompatible, file, lv, LayoutVersion)
	case lv > layoutFederation:
		return fmt.Errorf("%w: %s has layout version %d, from before block pools (Hadoop 0.23, layout %d); upgrade it with Hadoop 2.x first",
			ErrUnsupportedLayout, file, lv, layoutFederation)
	case lv > LayoutFirst:
		return fmt.Errorf("%w: %s has layout version %d, a pre-2.6 DataNode layout hdfsd does not upgrade (it upgrades %d and %d); upgrade it with Hadoop 2.x first",
			ErrUnsupportedLayout, file, lv, LayoutFirst, LayoutBlockID256)
	}
	return nil
}

// NewStorageID is a fresh "DS-<uuid>".
func NewStorageID() string { return "DS-" + newUUID() }

// NewDatanodeUUID is a fresh datanodeUuid.
func NewDatanodeUUID() string { return newUUID() }

// IsValidStorageID reports whether id is "DS-" and a UUID, as Hadoop's
// DatanodeStorage.isValidStorageId checks (older IDs get replaced).
func IsValidStorageID(id string) bool {
	u, ok := strings.CutPrefix(id, "DS-")
	if !ok || len(u) != 36 {
		return false
	}
	for i, c := range u {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// newUUID is a random (version 4) UUID, as java.util.UUID.randomUUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}
