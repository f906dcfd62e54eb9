package core

import "fmt"

// Op is what an Action asks the caller to do.
type Op uint8

// The actions, each durable (fsynced, directory synced) before the next.
const (
	PersistPromised   Op = iota + 1 // write current/last-promised-epoch = Value
	PersistWriter                   // write current/last-writer-epoch = Value
	PersistCommitted                // write current/committed-txid = Value (best effort)
	FormatDir                       // clear current/, write VERSION (Storage), create paxos/
	CreateSegment                   // create edits_inprogress_<Start>: header of LayoutVersion, preallocated, fsynced
	WriteRecords                    // append Data to the open segment <Start>; fsync when Sync
	CloseSegment                    // cut the open segment's padding, close it, rename it edits_<Start>-<End>
	AbortSegment                    // close the open segment <Start>, leaving the file as it is
	FinalizeFile                    // rename edits_inprogress_<Start> to edits_<Start>-<End> (no truncation)
	MoveAside                       // rename edits_inprogress_<Start> to itself + Suffix
	RemoveSegment                   // delete edits file Segment
	DeletePaxos                     // delete current/paxos/<Start> if present
	PersistPaxos                    // write current/paxos/<Paxos.Segment.Start> atomically
	Download                        // fetch URL into edits_inprogress_<Start>.epoch=<Value>
	ReplaceInProgress               // rename edits_inprogress_<Start>.epoch=<Value> over edits_inprogress_<Start>
	CacheEdits                      // the records Data (txids Start..End, LayoutVersion) are durable: cache them
	PreUpgradeDir                   // current -> previous.tmp; a new current/ linking the old edits files
	UpgradeDir                      // VERSION = Storage and the epoch files into current/; previous.tmp -> previous
	FinalizeDir                     // previous -> finalized.tmp, then delete it (nothing without previous/)
	RollbackDir                     // current -> removed.tmp, previous -> current, delete removed.tmp (nothing without previous/)
)

var opNames = [...]string{"?", "persist-promised", "persist-writer", "persist-committed", "format",
	"create-segment", "write", "close-segment", "abort-segment", "finalize-file", "move-aside",
	"remove-segment", "delete-paxos", "persist-paxos", "download", "replace-inprogress", "cache",
	"pre-upgrade", "upgrade", "finalize-upgrade", "rollback"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return opNames[0]
}

// Action is one step the caller carries out.
type Action struct {
	Op            Op
	Start, End    int64
	Value         int64
	LayoutVersion int32
	Data          []byte
	Sync          bool
	Suffix        string
	URL           string
	Segment       Segment
	Paxos         Paxos
	Storage       StorageInfo
}

// String is a compact form for transcripts.
func (a Action) String() string {
	switch a.Op {
	case PersistPromised, PersistWriter, PersistCommitted:
		return fmt.Sprintf("%s %d", a.Op, a.Value)
	case FormatDir, UpgradeDir:
		return fmt.Sprintf("%s %s", a.Op, a.Storage.ColonString())
	case PreUpgradeDir, FinalizeDir, RollbackDir:
		return a.Op.String()
	case CreateSegment:
		return fmt.Sprintf("%s %d lv=%d", a.Op, a.Start, a.LayoutVersion)
	case WriteRecords:
		return fmt.Sprintf("%s %d bytes=%d sync=%t", a.Op, a.Start, len(a.Data), a.Sync)
	case CloseSegment, FinalizeFile, CacheEdits:
		return fmt.Sprintf("%s %d-%d", a.Op, a.Start, a.End)
	case MoveAside:
		return fmt.Sprintf("%s %d%s", a.Op, a.Start, a.Suffix)
	case RemoveSegment:
		return fmt.Sprintf("%s %d-%d inprogress=%t", a.Op, a.Segment.Start, a.Segment.End, a.Segment.InProgress)
	case PersistPaxos:
		return fmt.Sprintf("%s %d accepted=%d end=%d", a.Op, a.Paxos.Segment.Start, a.Paxos.AcceptedInEpoch, a.Paxos.Segment.End)
	case Download:
		return fmt.Sprintf("%s %d epoch=%d from %s", a.Op, a.Start, a.Value, a.URL)
	case ReplaceInProgress:
		return fmt.Sprintf("%s %d epoch=%d", a.Op, a.Start, a.Value)
	}
	return fmt.Sprintf("%s %d", a.Op, a.Start)
}
