package fsdataset

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Block is a block as the NameNode names it.
type Block struct {
	ID       int64
	GenStamp int64
	NumBytes int64
}

// String is Hadoop's Block.toString: "blk_<id>_<genstamp>".
func (b Block) String() string {
	return "blk_" + strconv.FormatInt(b.ID, 10) + "_" + strconv.FormatInt(b.GenStamp, 10)
}

// Directory and file names of a DataNode volume.
const (
	DirCurrent   = "current"
	DirFinalized = "finalized"
	DirRBW       = "rbw"
	DirTmp       = "tmp"
	DirLazy      = "lazypersist"
	DirPrevious  = "previous"
	DirPrevTmp   = "previous.tmp"
	FileVersion  = "VERSION"
	FileLock     = "in_use.lock"
	FileDfsUsed  = "dfsUsed"
	FileReplicas = "replicas" // Hadoop's replica cache, written at shutdown
	MetaSuffix   = ".meta"
)

// GrandfatherGenStamp is the generation stamp of a block file without a
// .meta file (blocks from before generation stamps).
const GrandfatherGenStamp = 0

// BlockName is the data file name: "blk_<id>".
func BlockName(id int64) string { return "blk_" + strconv.FormatInt(id, 10) }

// MetaName is the checksum file name: "blk_<id>_<gs>.meta".
func MetaName(id, gs int64) string {
	return BlockName(id) + "_" + strconv.FormatInt(gs, 10) + MetaSuffix
}

// ParseBlockName reads a data file name "blk_<id>" (the id may be
// negative); anything else is not a block file.
func ParseBlockName(name string) (id int64, ok bool) {
	s, ok := strings.CutPrefix(name, "blk_")
	if !ok || s == "" || strings.ContainsAny(s, "_+") {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

// ParseMetaName reads "blk_<id>_<gs>.meta".
func ParseMetaName(name string) (id, gs int64, ok bool) {
	s, ok := strings.CutPrefix(name, "blk_")
	if !ok {
		return 0, 0, false
	}
	s, ok = strings.CutSuffix(s, MetaSuffix)
	i := strings.LastIndexByte(s, '_')
	if !ok || i <= 0 || strings.ContainsRune(s, '+') {
		return 0, 0, false
	}
	id, err1 := strconv.ParseInt(s[:i], 10, 64)
	gs, err2 := strconv.ParseInt(s[i+1:], 10, 64)
	return id, gs, err1 == nil && err2 == nil
}

// IDToBlockDir is the folder of a finalized block under finalized/ in
// layout -57: "subdir<d1>/subdir<d2>" with d1 = bits 16-20 and d2 = bits
// 8-12 of the block id.
func IDToBlockDir(id int64) string {
	d1 := (id >> 16) & 0x1F
	d2 := (id >> 8) & 0x1F
	return filepath.Join("subdir"+strconv.FormatInt(d1, 10), "subdir"+strconv.FormatInt(d2, 10))
}

var bpDirPattern = regexp.MustCompile(`^BP-\d+-\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}-\d+$`)

// IsBlockPoolID reports whether name is a block pool folder name
// ("BP-<random>-<ip>-<ms>").
func IsBlockPoolID(name string) bool { return bpDirPattern.MatchString(name) }
