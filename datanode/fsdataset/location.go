package fsdataset

import (
	"fmt"
	"strings"
)

// StorageType is a volume's medium. The values are StorageTypeProto's
// minus one, so the zero value is DISK, Hadoop's default.
type StorageType uint8

// The storage types a data dir may be tagged with.
const (
	Disk StorageType = iota
	SSD
	Archive
	RAMDisk
	Provided
	NVDIMM
)

var storageTypeNames = [...]string{"DISK", "SSD", "ARCHIVE", "RAM_DISK", "PROVIDED", "NVDIMM"}

func (t StorageType) String() string {
	if int(t) < len(storageTypeNames) {
		return storageTypeNames[t]
	}
	return fmt.Sprintf("StorageType(%d)", uint8(t))
}

// ParseStorageType reads a type name, case-insensitively.
func ParseStorageType(s string) (StorageType, error) {
	for i, n := range storageTypeNames {
		if strings.EqualFold(s, n) {
			return StorageType(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown storage type %q", ErrInvalid, s)
}

// Location is one dfs.datanode.data.dir entry.
type Location struct {
	Type StorageType
	Path string
}

func (l Location) String() string { return "[" + l.Type.String() + "]" + l.Path }

// ParseLocation reads "[SSD]/data/1" or "/data/1" (DISK). A file: URI
// becomes its path, as Hadoop's StorageLocation does.
func ParseLocation(s string) (Location, error) {
	s = strings.TrimSpace(s)
	loc := Location{Type: Disk}
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return Location{}, fmt.Errorf("%w: data dir %q: unclosed storage type", ErrInvalid, s)
		}
		t, err := ParseStorageType(s[1:end])
		if err != nil {
			return Location{}, fmt.Errorf("%w: data dir %q: unknown storage type %q", ErrInvalid, s, s[1:end])
		}
		loc.Type, s = t, s[end+1:]
	}
	if p, ok := strings.CutPrefix(s, "file://"); ok {
		s = p
	} else if p, ok := strings.CutPrefix(s, "file:"); ok {
		s = p
	}
	if s == "" {
		return Location{}, fmt.Errorf("%w: empty data dir", ErrInvalid)
	}
	loc.Path = s
	return loc, nil
}

// ParseLocations splits a dfs.datanode.data.dir value on commas.
func ParseLocations(value string) ([]Location, error) {
	var locs []Location
	for _, part := range strings.Split(value, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		l, err := ParseLocation(part)
		if err != nil {
			return nil, err
		}
		locs = append(locs, l)
	}
	return locs, nil
}
