package disk

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/journalnode/core"
	nnjournal "github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/protos/qjournalpb"
)

// File names inside current/ (Journal.java, JNStorage.java).
const (
	FilePromised  = "last-promised-epoch"
	FileWriter    = "last-writer-epoch"
	FileCommitted = "committed-txid"
	DirPaxos      = "paxos"
	DirEditsSync  = "edits.sync"
	StorageType   = "JOURNAL_NODE"
)

// Fetcher copies the body at url into w (the HTTP download of a segment).
type Fetcher func(ctx context.Context, url string, w io.Writer) error

// Dir is one journal directory.
type Dir struct {
	fs   storage.FS
	root string
	lock *storage.Lock
	open *segment
	// committed is committed-txid, kept open for writing in place.
	committed storage.RandomFile
	fetch     Fetcher
	now       func() time.Time
}

// Open returns the directory root (which need not exist yet), locking it
// when it exists.
func Open(fsys storage.FS, root string, fetch Fetcher, now func() time.Time) (*Dir, error) {
	if now == nil {
		now = time.Now
	}
	d := &Dir{fs: fsys, root: root, fetch: fetch, now: now}
	if _, err := fsys.Stat(root); err == nil {
		if d.lock, err = storage.LockDir(fsys, root); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Root is the journal directory.
func (d *Dir) Root() string { return d.root }

func (d *Dir) current(name ...string) string {
	return filepath.Join(append([]string{d.root, storage.DirCurrent}, name...)...)
}

// Close closes the open segment (leaving it in progress) and unlocks.
func (d *Dir) Close() error {
	d.abort()
	err := d.lock.Unlock()
	d.lock = nil
	return err
}

func (d *Dir) abort() {
	if d.open != nil {
		d.open.Close()
		d.open = nil
	}
	if d.committed != nil {
		d.committed.Close()
		d.committed = nil
	}
}

// Load reads the directory's state for core.Load, after completing or
// undoing an upgrade, rollback or finalize that a crash interrupted.
func (d *Dir) Load() (core.State, error) {
	d.abort()
	s := core.State{Committed: core.InvalidTxID, Paxos: map[int64]core.Paxos{}}
	if err := d.recoverTransition(); err != nil {
		return s, err
	}
	names, err := d.fs.ReadDir(d.current())
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	} else if err != nil {
		return s, err
	}
	s.CurrentNonEmpty = len(names) > 0
	data, err := storage.ReadFile(d.fs, d.current(storage.FileVersion))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	} else if err != nil {
		return s, err
	}
	if s.Storage, err = parseVersion(data); err != nil {
		return s, fmt.Errorf("journalnode: %s: %w", d.current(storage.FileVersion), err)
	}
	s.Formatted = true
	if s.LastPromised, err = d.readLong(FilePromised, 0); err != nil {
		return s, err
	}
	if s.LastWriter, err = d.readLong(FileWriter, 0); err != nil {
		return s, err
	}
	if s.Committed, err = d.readCommitted(); err != nil {
		return s, err
	}
	if err := d.loadPaxos(s.Paxos); err != nil {
		return s, err
	}
	if err := d.rollForward(s.Paxos); err != nil {
		return s, err
	}
	s.Segments, err = d.segments()
	return s, err
}

func parseVersion(data []byte) (core.StorageInfo, error) {
	p, err := storage.ParseProperties(data)
	if err != nil {
		return core.StorageInfo{}, err
	}
	get := func(k string) (int64, error) {
		v, ok := p.Get(k)
		if !ok {
			return 0, fmt.Errorf("file VERSION has %s missing", k)
		}
		return strconv.ParseInt(v, 10, 64)
	}
	var si core.StorageInfo
	lv, err := get("layoutVersion")
	if err != nil {
		return si, err
	}
	nsid, err := get("namespaceID")
	if err != nil {
		return si, err
	}
	if si.CTime, err = get("cTime"); err != nil {
		return si, err
	}
	si.LayoutVersion, si.NamespaceID = int32(lv), int32(nsid)
	si.ClusterID, _ = p.Get("clusterID")
	return si, nil
}

// VersionFile renders current/VERSION as a Java 9+ JVM stores Hadoop's
// JNStorage properties.
func VersionFile(si core.StorageInfo, now time.Time) []byte {
	p := storage.NewProperties()
	p.Set("layoutVersion", strconv.Itoa(int(si.LayoutVersion)))
	p.Set("storageType", StorageType)
	p.Set("namespaceID", strconv.Itoa(int(si.NamespaceID)))
	p.Set("clusterID", si.ClusterID)
	p.Set("cTime", strconv.FormatInt(si.CTime, 10))
	return storage.StoreProperties(p, storage.OrderJava9, now)
}

func (d *Dir) readLong(name string, def int64) (int64, error) {
	return readLongFile(d.fs, d.current(name), def)
}

// readLongFile reads a PersistentLongFile; def when it is absent.
func readLongFile(fsys storage.FS, name string, def int64) (int64, error) {
	data, err := storage.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return def, nil
	} else if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("journalnode: %s: %w", name, err)
	}
	return v, nil
}

func (d *Dir) readCommitted() (int64, error) {
	return readCommittedFile(d.fs, d.current(FileCommitted))
}

// readCommittedFile reads a BestEffortLongFile; InvalidTxID when it is
// absent or empty.
func readCommittedFile(fsys storage.FS, name string) (int64, error) {
	data, err := storage.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(data) == 0) {
		return core.InvalidTxID, nil
	} else if err != nil {
		return 0, err
	}
	if len(data) != 8 {
		return 0, fmt.Errorf("journalnode: %s: %d bytes, want 8", name, len(data))
	}
	return int64(binary.BigEndian.Uint64(data)), nil
}

func (d *Dir) loadPaxos(into map[int64]core.Paxos) error {
	names, err := d.fs.ReadDir(d.current(DirPaxos))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, n := range names {
		txid, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			continue
		}
		data, err := storage.ReadFile(d.fs, d.current(DirPaxos, n))
		if err != nil {
			return err
		}
		p, err := ParsePaxos(data)
		if err != nil || p.Segment.Start != txid {
			return fmt.Errorf("journalnode: Bad persisted data for segment %d: %v", txid, err)
		}
		into[txid] = p
	}
	return nil
}

// ParsePaxos reads a paxos file: the delimited message (the text after it
// is for people).
func ParsePaxos(data []byte) (core.Paxos, error) {
	n, k := protowire.ConsumeVarint(data)
	if k < 0 || uint64(len(data)-k) < n {
		return core.Paxos{}, errors.New("truncated paxos data")
	}
	var m qjournalpb.PersistedRecoveryPaxosData
	if err := proto.Unmarshal(data[k:k+int(n)], &m); err != nil {
		return core.Paxos{}, err
	}
	s := m.GetSegmentState()
	return core.Paxos{AcceptedInEpoch: int64(m.GetAcceptedInEpoch()),
		Segment: core.Segment{Start: int64(s.GetStartTxId()), End: int64(s.GetEndTxId()), InProgress: s.GetIsInProgress()}}, nil
}

// PaxosFile renders a paxos file as Journal.persistPaxosData writes it.
func PaxosFile(p core.Paxos) []byte {
	m := &qjournalpb.PersistedRecoveryPaxosData{
		SegmentState: &qjournalpb.SegmentStateProto{StartTxId: proto.Uint64(uint64(p.Segment.Start)),
			EndTxId: proto.Uint64(uint64(p.Segment.End)), IsInProgress: proto.Bool(p.Segment.InProgress)},
		AcceptedInEpoch: proto.Uint64(uint64(p.AcceptedInEpoch)),
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	out := protowire.AppendVarint(nil, uint64(len(b)))
	out = append(append(out, b...), '\n')
	return append(append(out, core.PaxosText(p)...), '\n')
}

// rollForward completes an acceptRecovery that downloaded a segment and
// persisted its decision but crashed before moving the file in place.
func (d *Dir) rollForward(paxos map[int64]core.Paxos) error {
	for start, p := range paxos {
		tmp := d.current(syncTmpName(start, p.AcceptedInEpoch))
		if _, err := d.fs.Stat(tmp); err != nil {
			continue
		}
		if err := d.fs.Rename(tmp, d.current(storage.InProgressName(start))); err != nil {
			return err
		}
		if err := d.fs.SyncDir(d.current()); err != nil {
			return err
		}
	}
	return nil
}

func syncTmpName(start, epoch int64) string {
	return storage.InProgressName(start) + ".epoch=" + strconv.FormatInt(epoch, 10)
}

// segments lists the edits files of current/, scanning in-progress ones.
func (d *Dir) segments() ([]core.Segment, error) {
	names, err := d.fs.ReadDir(d.current())
	if err != nil {
		return nil, err
	}
	scan := nnjournal.Scanner(d.fs)
	var segs []core.Segment
	for _, n := range names {
		pn := storage.ParseName(n)
		switch pn.Kind {
		case storage.KindEdits:
			segs = append(segs, core.Segment{Start: pn.TxID, End: pn.Last})
		case storage.KindInProgress:
			sc, err := scan(d.current(n))
			if err != nil {
				return nil, fmt.Errorf("journalnode: scanning %s: %w", d.current(n), err)
			}
			end := sc.LastTxID
			if sc.CorruptHeader {
				end = core.InvalidTxID
			}
			segs = append(segs, core.Segment{Start: pn.TxID, End: end, InProgress: true})
		}
	}
	return segs, nil
}

// SegmentPath is the file holding the segment starting at start:
// finalized first, then (when inProgressOk) in progress; "" when none.
func (d *Dir) SegmentPath(start int64, inProgressOk bool) string {
	names, err := d.fs.ReadDir(d.current())
	if err != nil {
		return ""
	}
	inProgress := ""
	for _, n := range names {
		pn := storage.ParseName(n)
		if pn.TxID != start {
			continue
		}
		if pn.Kind == storage.KindEdits {
			return d.current(n)
		}
		if pn.Kind == storage.KindInProgress && inProgressOk {
			inProgress = d.current(n)
		}
	}
	return inProgress
}

// FS is the file system the directory lives on.
func (d *Dir) FS() storage.FS { return d.fs }

var errNoSegment = errors.New("journalnode: no segment is open")

func longFile(v int64) []byte { return []byte(strconv.FormatInt(v, 10) + "\n") }

func committedFile(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

var _ = bytes.MinRead
