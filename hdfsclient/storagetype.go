package hdfsclient

import "strings"

// StorageType is a Hadoop storage type name ("DISK", "SSD", ...).
type StorageType string

// storageTypes lists Hadoop 3.4's StorageType enum in declaration order,
// with whether each supports a per-type quota.
var storageTypes = []struct {
	name  StorageType
	quota bool
}{
	{"RAM_DISK", true}, {"NVDIMM", true}, {"SSD", true}, {"DISK", true}, {"ARCHIVE", true}, {"PROVIDED", false},
}

// ParseStorageType is StorageType.parseStorageType: the name in any case.
func ParseStorageType(s string) (StorageType, error) {
	for _, t := range storageTypes {
		if strings.EqualFold(string(t.name), s) {
			return t.name, nil
		}
	}
	return "", hadoopErrorf(ErrBadStorageType, "No enum constant org.apache.hadoop.fs.StorageType.%s", strings.ToUpper(s))
}

// SupportsQuota reports whether t may carry a quota of its own.
func (t StorageType) SupportsQuota() bool {
	for _, x := range storageTypes {
		if x.name == t {
			return x.quota
		}
	}
	return false
}

// TypesSupportingQuota is StorageType.getTypesSupportingQuota printed as a
// Java list: "[RAM_DISK, NVDIMM, SSD, DISK, ARCHIVE]".
func TypesSupportingQuota() string {
	var names []string
	for _, t := range storageTypes {
		if t.quota {
			names = append(names, string(t.name))
		}
	}
	return "[" + strings.Join(names, ", ") + "]"
}
