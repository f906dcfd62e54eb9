package storage

import (
	"fmt"
	"strconv"
	"time"
)

// NodeNameNode is the storageType of a NameNode directory.
const NodeNameNode = "NAME_NODE"

// Version is the content of a NameNode's current/VERSION.
type Version struct {
	LayoutVersion int32
	NamespaceID   int32
	ClusterID     string // "CID-<uuid>" unless -clusterid named another
	CTime         int64  // format time in ms (0 in files from Hadoop 2.x and older)
	StorageType   string // NodeNameNode
	BlockPoolID   string // "BP-<random>-<ip>-<ms>"
	// ImageMD5Digest is the 0.22-era imageMD5Digest property, kept only
	// for reading old directories.
	ImageMD5Digest string
}

// Properties returns v as Hadoop fills its Properties: layoutVersion,
// storageType, namespaceID, clusterID, cTime, blockpoolID (clusterID and
// blockpoolID only for layouts with federation). That insertion order is
// what the JVM's map order is computed from.
func (v Version) Properties() *Properties {
	p := NewProperties()
	p.Set("layoutVersion", strconv.Itoa(int(v.LayoutVersion)))
	p.Set("storageType", v.StorageType)
	p.Set("namespaceID", strconv.Itoa(int(v.NamespaceID)))
	fed := Supports(FeatureFederation, v.LayoutVersion)
	if fed {
		p.Set("clusterID", v.ClusterID)
	}
	p.Set("cTime", strconv.FormatInt(v.CTime, 10))
	if fed {
		p.Set("blockpoolID", v.BlockPoolID)
	}
	return p
}

// Marshal renders the VERSION file as a JVM of the given kind writes it,
// with now in the date comment.
func (v Version) Marshal(o KeyOrder, now time.Time) []byte {
	return StoreProperties(v.Properties(), o, now)
}

// ParseVersion reads a NameNode VERSION file of the directory dir (named
// in errors), checking what Hadoop's StorageInfo and NNStorage check when
// they read one: every field present and well formed, a NAME_NODE
// storage type, a layout no newer than this NameNode's, a block pool ID on
// federation layouts.
func ParseVersion(data []byte, dir string) (Version, error) {
	p, err := ParseProperties(data)
	if err != nil {
		return Version{}, fmt.Errorf("storage: %s/current/VERSION: %w", dir, err)
	}
	var v Version
	if v.LayoutVersion, err = intProp(p, dir, "layoutVersion"); err != nil {
		return v, err
	}
	if v.LayoutVersion < LayoutVersion {
		return v, versionError(v.LayoutVersion, dir)
	}
	if v.NamespaceID, err = intProp(p, dir, "namespaceID"); err != nil {
		return v, err
	}
	if v.CTime, err = longProp(p, dir, "cTime"); err != nil {
		return v, err
	}
	if err := v.setFederation(p, dir); err != nil {
		return v, err
	}
	if v.StorageType, err = prop(p, dir, "storageType"); err != nil {
		return v, err
	}
	if v.StorageType != NodeNameNode {
		return v, inconsistentf(dir, "Incompatible node types: storageType=%s but StorageDirectory type=%s",
			NodeNameNode, v.StorageType)
	}
	if v.LayoutVersion == 0 {
		return v, inconsistentf(dir, "NameNode directory is not formatted (layoutVersion=0)")
	}
	v.ImageMD5Digest, _ = p.Get("imageMD5Digest")
	return v, nil
}

// setFederation reads clusterID and blockpoolID when the layout has them.
func (v *Version) setFederation(p *Properties, dir string) error {
	if !Supports(FeatureFederation, v.LayoutVersion) {
		return nil
	}
	var err error
	if v.ClusterID, err = prop(p, dir, "clusterID"); err != nil {
		return err
	}
	v.BlockPoolID, _ = p.Get("blockpoolID")
	if v.BlockPoolID == "" {
		return inconsistentf(dir, "file VERSION has no block pool Id.")
	}
	return nil
}

func prop(p *Properties, dir, key string) (string, error) {
	s, ok := p.Get(key)
	if !ok {
		return "", inconsistentf(dir, "file VERSION has %s missing.", key)
	}
	return s, nil
}

func intProp(p *Properties, dir, key string) (int32, error) {
	s, err := prop(p, dir, key)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: %s/current/VERSION: %s=%q is not an int", ErrInvalid, dir, key, s)
	}
	return int32(n), nil
}

func longProp(p *Properties, dir, key string) (int64, error) {
	s, err := prop(p, dir, key)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s/current/VERSION: %s=%q is not a long", ErrInvalid, dir, key, s)
	}
	return n, nil
}

// agree checks that w, read from dir, belongs with v, read from the
// directories before it, as Hadoop checks while it reads them one by one.
func (v Version) agree(w Version, dir string) error {
	switch {
	case v.LayoutVersion != w.LayoutVersion:
		return fmt.Errorf("%w: storage directories contain multiple layout versions: %d, and %d in %s",
			ErrInconsistent, v.LayoutVersion, w.LayoutVersion, dir)
	case v.NamespaceID != 0 && w.NamespaceID != 0 && v.NamespaceID != w.NamespaceID:
		return inconsistentf(dir, "namespaceID is incompatible with others.")
	case v.ClusterID != "" && w.ClusterID != "" && v.ClusterID != w.ClusterID:
		return inconsistentf(dir, "cluster Id is incompatible with others.")
	case v.BlockPoolID != "" && v.BlockPoolID != w.BlockPoolID:
		return inconsistentf(dir, "Unexpected blockpoolID %s. Expected %s", w.BlockPoolID, v.BlockPoolID)
	}
	return nil
}
