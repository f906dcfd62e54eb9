package fsck

import (
	"net/url"
	"strings"
)

// Options are the switches of one fsck run, as the /fsck servlet reads
// them from its query (DFSck sends "&files=1" and so on: only the presence
// of a key counts).
type Options struct {
	Path                                        string
	Files, Blocks, Locations, Racks             bool
	ReplicaDetails, UpgradeDomains, Maintenance bool
	StoragePolicies, OpenForWrite               bool
	IncludeSnapshots, ShowProgress              bool
	ListCorruptFileBlocks                       bool
	Move, Delete, Replicate                     bool // refused: they change the namespace
	BlockIDs                                    []string
	StartBlockAfter                             string
}

// ParseQuery reads the query parameters of a /fsck request.
func ParseQuery(q url.Values) Options {
	o := Options{Path: "/"}
	has := func(k string) bool { _, ok := q[k]; return ok }
	if v, ok := q["path"]; ok && len(v) > 0 {
		o.Path = v[0]
	}
	flags := []struct {
		key string
		p   *bool
	}{
		{"move", &o.Move}, {"delete", &o.Delete}, {"files", &o.Files}, {"blocks", &o.Blocks},
		{"locations", &o.Locations}, {"racks", &o.Racks}, {"replicadetails", &o.ReplicaDetails},
		{"upgradedomains", &o.UpgradeDomains}, {"maintenance", &o.Maintenance},
		{"storagepolicies", &o.StoragePolicies}, {"showprogress", &o.ShowProgress},
		{"openforwrite", &o.OpenForWrite}, {"listcorruptfileblocks", &o.ListCorruptFileBlocks},
		{"includeSnapshots", &o.IncludeSnapshots}, {"replicate", &o.Replicate},
	}
	for _, f := range flags {
		*f.p = has(f.key)
	}
	if v, ok := q["startblockafter"]; ok && len(v) > 0 {
		o.StartBlockAfter = v[0]
	}
	if v, ok := q["blockId"]; ok && len(v) > 0 {
		// Java's split(" "): empty strings inside stay, trailing ones go,
		// and a string without a space is kept whole (even "").
		parts := strings.Split(v[0], " ")
		for len(parts) > 1 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		if len(parts) == 1 && parts[0] == "" && v[0] != "" {
			parts = nil
		}
		o.BlockIDs = parts
		if o.BlockIDs == nil {
			o.BlockIDs = []string{}
		}
	}
	return o
}

// showReplicas reports whether block lines carry a replica list.
func (o *Options) showReplicas() bool {
	return o.Locations || o.Racks || o.ReplicaDetails || o.UpgradeDomains
}
