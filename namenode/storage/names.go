package storage

import (
	"fmt"
	"regexp"
	"strconv"
)

// Names inside a storage directory (Storage.java, NNStorage.NameNodeFile).
const (
	DirCurrent            = "current"
	DirPrevious           = "previous"
	DirPreviousTmp        = "previous.tmp"
	DirRemovedTmp         = "removed.tmp"
	DirFinalizedTmp       = "finalized.tmp"
	DirLastCheckpointTmp  = "lastcheckpoint.tmp"
	DirPreviousCheckpoint = "previous.checkpoint"
	FileLock              = "in_use.lock"
	FileVersion           = "VERSION"
	FileSeenTxID          = "seen_txid"
)

// Kind is what a file in current/ is, by its name.
type Kind uint8

// The kinds of file names in current/.
const (
	KindUnknown    Kind = iota
	KindImage           // fsimage_<txid>
	KindCheckpoint      // fsimage.ckpt_<txid>: an image being written
	KindRollback        // fsimage_rollback_<txid>: the rolling-upgrade image
	KindLegacyOIV       // fsimage_legacy_oiv_<txid>
	KindMD5             // <any image name>.md5
	KindEdits           // edits_<first>-<last>: a finalized segment
	KindInProgress      // edits_inprogress_<first>
	KindAside           // edits_inprogress_<first><suffix>: moved aside (.empty, .corrupt, .stale, .trash, ...)
	KindEditsTmp        // edits_tmp_<first>-<last>_<ms>
)

var kindNames = [...]string{"unknown", "fsimage", "fsimage.ckpt", "fsimage_rollback",
	"fsimage_legacy_oiv", "md5", "edits", "edits_inprogress", "edits_inprogress(aside)", "edits_tmp"}

func (k Kind) String() string { return kindNames[k] }

// Name is a parsed file name.
type Name struct {
	Kind Kind
	// TxID: an image's checkpoint txid, or a segment's first txid.
	TxID int64
	// Last: a finalized or tmp segment's last txid.
	Last int64
	// Stamp: the timestamp of an edits_tmp file.
	Stamp int64
	// Of: for KindMD5, the kind of the image the digest belongs to.
	Of Kind
	// Suffix: for KindAside, what follows the txid (".empty", ...).
	Suffix string
}

// Every txid is printed as 19 zero-padded digits; parsing accepts any
// number of digits, as Hadoop's patterns do.
var (
	reImage      = regexp.MustCompile(`^fsimage_(\d+)$`)
	reCheckpoint = regexp.MustCompile(`^fsimage\.ckpt_(\d+)$`)
	reRollback   = regexp.MustCompile(`^fsimage_rollback_(\d+)$`)
	reLegacyOIV  = regexp.MustCompile(`^fsimage_legacy_oiv_(\d+)$`)
	reEdits      = regexp.MustCompile(`^edits_(\d+)-(\d+)$`)
	reInProgress = regexp.MustCompile(`^edits_inprogress_(\d+)$`)
	reAside      = regexp.MustCompile(`^edits_inprogress_(\d+).*\S$`)
	reEditsTmp   = regexp.MustCompile(`^edits_tmp_(\d+)-(\d+)_(\d+)$`)
	reMD5        = regexp.MustCompile(`^(.+)\.md5$`)
)

// ParseName parses a file name from current/. Names that match no pattern,
// or whose numbers overflow a Java long, are KindUnknown (Hadoop logs and
// skips those).
func ParseName(name string) Name {
	if m := reMD5.FindStringSubmatch(name); m != nil {
		img := ParseName(m[1])
		if img.Kind >= KindImage && img.Kind <= KindLegacyOIV {
			return Name{Kind: KindMD5, TxID: img.TxID, Of: img.Kind}
		}
		return Name{}
	}
	for _, p := range []struct {
		re   *regexp.Regexp
		kind Kind
	}{{reImage, KindImage}, {reCheckpoint, KindCheckpoint}, {reRollback, KindRollback},
		{reLegacyOIV, KindLegacyOIV}, {reInProgress, KindInProgress}} {
		if m := p.re.FindStringSubmatch(name); m != nil {
			return numbers(Name{Kind: p.kind}, m[1:]...)
		}
	}
	if m := reEdits.FindStringSubmatch(name); m != nil {
		return numbers(Name{Kind: KindEdits}, m[1:]...)
	}
	if m := reEditsTmp.FindStringSubmatch(name); m != nil {
		return numbers(Name{Kind: KindEditsTmp}, m[1:]...)
	}
	if m := reAside.FindStringSubmatch(name); m != nil {
		n := numbers(Name{Kind: KindAside}, m[1])
		n.Suffix = name[len("edits_inprogress_")+len(m[1]):]
		return n
	}
	return Name{}
}

// numbers fills TxID, Last and Stamp from decimal strings; an overflow
// makes the name unknown.
func numbers(n Name, digits ...string) Name {
	dst := []*int64{&n.TxID, &n.Last, &n.Stamp}
	for i, d := range digits {
		v, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return Name{}
		}
		*dst[i] = v
	}
	return n
}

// ImageName is "fsimage_<txid>".
func ImageName(txid int64) string { return fmt.Sprintf("fsimage_%019d", txid) }

// CheckpointName is "fsimage.ckpt_<txid>".
func CheckpointName(txid int64) string { return fmt.Sprintf("fsimage.ckpt_%019d", txid) }

// RollbackImageName is "fsimage_rollback_<txid>".
func RollbackImageName(txid int64) string { return fmt.Sprintf("fsimage_rollback_%019d", txid) }

// LegacyOIVImageName is "fsimage_legacy_oiv_<txid>".
func LegacyOIVImageName(txid int64) string { return fmt.Sprintf("fsimage_legacy_oiv_%019d", txid) }

// MD5Name is the digest file of an image: "<image>.md5".
func MD5Name(image string) string { return image + ".md5" }

// EditsName is "edits_<first>-<last>".
func EditsName(first, last int64) string { return fmt.Sprintf("edits_%019d-%019d", first, last) }

// InProgressName is "edits_inprogress_<first>".
func InProgressName(first int64) string { return fmt.Sprintf("edits_inprogress_%019d", first) }

// TmpEditsName is "edits_tmp_<first>-<last>_<ms>".
func TmpEditsName(first, last, ms int64) string {
	return fmt.Sprintf("edits_tmp_%019d-%019d_%019d", first, last, ms)
}

// imageName names an image of one of the image kinds.
func imageName(k Kind, txid int64) string {
	switch k {
	case KindCheckpoint:
		return CheckpointName(txid)
	case KindRollback:
		return RollbackImageName(txid)
	case KindLegacyOIV:
		return LegacyOIVImageName(txid)
	}
	return ImageName(txid)
}
